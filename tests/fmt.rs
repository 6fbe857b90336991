//! `conductor-apply fmt` through the binary: the layout keeps every comment, a second run
//! changes nothing, both meaning checks refuse a layout that changes the file's meaning,
//! `--check` and `--stdin`, problems reported with positions, and the fixed points (the
//! repository's `workflows/`, every file `import` writes from the shared corpus).

mod common;

use common::{Run, Sandbox, conductor_apply, corpus_dir, corpus_files, repo_root};

/// A hand-written workflow in no particular layout: four-space and zero indentation, quotes
/// nobody needs and quotes that are needed, comments everywhere, blank lines between tasks.
const MESSY: &str = "\
# yaml-language-server: $schema=../schemas/conductor-apply.schema.json
# Orders: charge, then ship.
workflow:   orders      # the name
version: 1
ownerEmail: \"orders@example.com\"
inputs: [ orderId,  express ]
tasks:
# charge first
- ref: charge
  task: charge_card
  input:
      orderId: \"${workflow.input.orderId}\"
      currency: \"yes\"      # a string, not a YAML 1.1 boolean
      version: '1.0'       # a string, not a number
      # a comment after the last input


# then ship
- ref: ship
  inline:
      expression: |
          (function () {
            return $.express ? 'fast' : 'slow';
          })();
  input:
      express: ${workflow.input.express}
---
task:    charge_card
ownerEmail: orders@example.com
";

const FORMATTED: &str = "\
# yaml-language-server: $schema=../schemas/conductor-apply.schema.json
# Orders: charge, then ship.
workflow: orders # the name
version: 1
ownerEmail: orders@example.com
inputs: [ orderId,  express ]
tasks:
  # charge first
  - ref: charge
    task: charge_card
    input:
      orderId: ${workflow.input.orderId}
      currency: \"yes\"      # a string, not a YAML 1.1 boolean
      version: '1.0'       # a string, not a number
      # a comment after the last input

  # then ship
  - ref: ship
    inline:
      expression: |
        (function () {
          return $.express ? 'fast' : 'slow';
        })();
    input:
      express: ${workflow.input.express}
---
task: charge_card
ownerEmail: orders@example.com
";

fn run_with(dir: &std::path::Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut command = conductor_apply();
    command.current_dir(dir).args(args).write_stdin(stdin);
    for (key, value) in env {
        command.env(key, value);
    }
    Run::new(command.output().expect("run conductor-apply"))
}

#[test]
fn fmt_lays_out_a_file_and_keeps_every_comment() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("workflows/orders.yaml", MESSY);
    let before = sandbox.run(&["compile", "workflows", "--out", "before"]);
    assert_eq!(before.code, 0, "{}", before.stderr);

    let run = sandbox.run(&["fmt", "workflows"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "1 file formatted, 0 already formatted\n");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FORMATTED);

    // The same definitions, byte for byte.
    let after = sandbox.run(&["compile", "workflows", "--out", "after"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    for file in ["workflows/orders.v1.json", "taskdefs/charge_card.json"] {
        let read = |root: &str| {
            std::fs::read_to_string(sandbox.path().join(root).join(file)).expect("compiled")
        };
        assert_eq!(read("before"), read("after"), "{file}");
    }

    // Idempotent: the second run changes nothing.
    let again = sandbox.run(&["fmt", "workflows"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stderr, "0 files formatted, 1 already formatted\n");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FORMATTED);
}

#[test]
fn fmt_is_a_fixed_point_on_awkward_yaml() {
    let sandbox = Sandbox::new();
    // Anchors and aliases, block scalars with chomping and a leading space, flow collections,
    // quotes that must stay, a test file, several documents, CRLF, a BOM and tabs.
    let awkward = "\u{feff}workflow: awkward\r\n\
        version: 1\r\n\
        ownerEmail: a@example.com\r\n\
        inputTemplate: &defaults\r\n\
        \x20   retries: 3\r\n\
        \x20   label: \"null\"\t# tab before the comment\r\n\
        \x20   star: \"*not an alias\"\r\n\
        \x20   colon: \"a: b\"\r\n\
        \x20   hash: \"a #b\"\r\n\
        \x20   at: \"@x\"\r\n\
        \x20   tabbed: \"x\\ty\"\r\n\
        tasks:\r\n\
        - ref: first\r\n\
        \x20 inline:\r\n\
        \x20     expression: |4+\r\n\
        \x20           \x20 indented first line\r\n\
        \x20         second\r\n\
        \r\n\
        \x20 input: {copy: *defaults, list: [a, b]}\r\n\
        - ref: second\r\n\
        \x20 jq: >-\r\n\
        \x20     .a\r\n\
        \x20     | .b\r\n";
    let test_file =
        "test: greets\nworkflow: awkward\ninput:   {name: Ada}\nexpect:\n    status: COMPLETED\n";
    let definitions = sandbox.write("workflows/awkward.yaml", awkward);
    let tests = sandbox.write("workflows/awkward.test.yaml", test_file);

    let first = sandbox.run(&["fmt", "workflows"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stderr, "2 files formatted, 0 already formatted\n");
    let formatted = std::fs::read_to_string(&definitions).expect("read");
    assert!(
        formatted.starts_with("workflow: awkward\r\n"),
        "{formatted}"
    );
    assert!(formatted.contains("inputTemplate: &defaults\r\n  retries: 3\r\n"));
    assert!(formatted.contains("  label: \"null\" # tab before the comment\r\n"));
    assert!(formatted.contains("  - ref: first\r\n    inline:\r\n      expression: |2+\r\n"));
    assert!(formatted.contains("    input: {copy: *defaults, list: [a, b]}\r\n"));
    assert!(formatted.contains("    jq: >-\r\n      .a\r\n      | .b\r\n"));
    assert_eq!(
        std::fs::read_to_string(&tests).expect("read"),
        "test: greets\nworkflow: awkward\ninput: {name: Ada}\nexpect:\n  status: COMPLETED\n"
    );

    let second = sandbox.run(&["fmt", "--check", "workflows"]);
    assert_eq!(second.code, 0, "{}\n{}", second.stdout, second.stderr);
    assert_eq!(second.stdout, "");
    assert_eq!(second.stderr, "2 files already formatted\n");
}

#[test]
fn fmt_refuses_a_layout_that_changes_the_meaning() {
    // A naive layout that drops "needless" quotes turns the string "1.0" into the number 1.0.
    // Both checks catch it: the formatter's own (the YAML values), and the command's (the
    // compiled JSON), which is what stands when the first is skipped.
    let sandbox = Sandbox::new();
    let original = "\
workflow: versions
version: 1
ownerEmail: a@example.com
tasks:
  - ref: pin
    task: pin
    input:
      version: \"1.0\"
";
    let path = sandbox.write("workflows/versions.yaml", original);
    let run = run_with(
        sandbox.path(),
        &["fmt", "workflows"],
        "",
        &[("CONDUCTOR_APPLY_FMT_HAZARD", "unquote")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "workflows/versions.yaml:8:16: error: formatting would change the value at \
             /tasks/0/input/version from \"1.0\" to 1.0; the file is left as it is"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);

    let run = run_with(
        sandbox.path(),
        &["fmt", "workflows"],
        "",
        &[("CONDUCTOR_APPLY_FMT_HAZARD", "unquote-unchecked")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "workflows/versions.yaml:1:1: error: formatting would change the compiled JSON at \
             /0/definitions/0/tasks/0/inputParameters/version from \"1.0\" to 1.0"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("1 file left as they were (see above)\n"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);

    // Without the mistake, the file is already formatted.
    let run = sandbox.run(&["fmt", "--check", "workflows"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn fmt_check_prints_a_diff_exits_1_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let path = sandbox.write(
        "flows/hello.yaml",
        "workflow: hello\nversion: 1\nownerEmail: a@example.com\ntasks:\n- ref: greet   # hi\n  task: greet\n",
    );
    let original = std::fs::read_to_string(&path).expect("read");
    let run = sandbox.run(&["fmt", "--check", "flows"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "--- a/flows/hello.yaml\n+++ b/flows/hello.yaml\n@@ -2,5 +2,5 @@\n version: 1\n \
         ownerEmail: a@example.com\n tasks:\n-- ref: greet   # hi\n-  task: greet\n+  - ref: \
         greet # hi\n+    task: greet\n"
    );
    assert_eq!(
        run.stderr,
        "1 file not formatted (flows/hello.yaml); run `conductor-apply fmt` to format it\n"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), original);

    let fixed = sandbox.run(&["fmt", "flows"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let clean = sandbox.run(&["fmt", "--check", "flows"]);
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (0, ""),
        "{}",
        clean.stderr
    );
}

#[test]
fn fmt_stdin_writes_the_formatted_text_to_stdout() {
    let sandbox = Sandbox::new();
    let run = run_with(
        sandbox.path(),
        &[
            "fmt",
            "--stdin",
            "--stdin-filename",
            "workflows/orders.yaml",
        ],
        MESSY,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, FORMATTED);
    assert_eq!(run.stderr, "");

    // A file that does not parse: the position under the name given, nothing on stdout.
    let run = run_with(
        sandbox.path(),
        &[
            "fmt",
            "--stdin",
            "--stdin-filename",
            "workflows/orders.yaml",
        ],
        "workflow: orders\ntasks:\n  - ref: a\n    ref: b\n",
        &[],
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "workflows/orders.yaml:4:5: error: duplicate key `ref`\n"
    );
}

#[test]
fn fmt_reports_files_that_do_not_parse_and_leaves_them() {
    let sandbox = Sandbox::new();
    let broken = "workflow: broken\ntasks:\n  - ref: a\n    input: {x: 1\n";
    let tabbed = "workflow: tabbed\ntasks:\n\t- ref: a\n";
    let broken_path = sandbox.write("flows/broken.yaml", broken);
    let tabbed_path = sandbox.write("flows/tabbed.yaml", tabbed);
    let good = sandbox.write("flows/good.yaml", "workflow:  good\n");
    let run = sandbox.run(&["fmt", "flows"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "flows/broken.yaml:5:1: error: expected `,` or `}` in a flow mapping"
    );
    assert_eq!(
        lines[1],
        "flows/tabbed.yaml:3:2: error: tabs cannot be used for indentation"
    );
    assert_eq!(
        lines[2],
        "1 file formatted, 0 already formatted; 2 files left as they were (see above)"
    );
    assert_eq!(std::fs::read_to_string(broken_path).expect("read"), broken);
    assert_eq!(std::fs::read_to_string(tabbed_path).expect("read"), tabbed);
    assert_eq!(
        std::fs::read_to_string(good).expect("read"),
        "workflow: good\n"
    );
}

#[test]
fn fmt_formats_the_project_files_by_default() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "conductor-apply.yaml",
        "project: p\nfiles:\n  - defs/**/*.yaml\n",
    );
    let definition = sandbox.write("defs/a.yaml", "workflow:   a\n");
    let test_file = sandbox.write("defs/a.test.yaml", "test:   t\nworkflow: a\n");
    let outside = sandbox.write("ci/pipeline.yaml", "steps:\n- run:   make\n");
    let run = sandbox.run(&["fmt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "2 files formatted, 0 already formatted\n");
    assert_eq!(
        std::fs::read_to_string(definition).expect("read"),
        "workflow: a\n"
    );
    assert_eq!(
        std::fs::read_to_string(test_file).expect("read"),
        "test: t\nworkflow: a\n"
    );
    assert_eq!(
        std::fs::read_to_string(outside).expect("read"),
        "steps:\n- run:   make\n"
    );

    // `--check` over nothing fails: a CI gate that checks nothing must not pass.
    let empty = Sandbox::new();
    empty.write(
        "conductor-apply.yaml",
        "project: p\nfiles:\n  - defs/**/*.yaml\n",
    );
    let run = empty.run(&["fmt", "--check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "error: no DSL file to check\n")
    );

    // Without a `files:` list, directories are searched and other tools' YAML is left alone.
    let bare = Sandbox::new();
    let definition = bare.write("a.yaml", "workflow:   a\n");
    let other = bare.write(".github/ci.yaml", "on:   push\n");
    let run = bare.run(&["fmt", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(definition).expect("read"),
        "workflow: a\n"
    );
    assert_eq!(
        std::fs::read_to_string(other).expect("read"),
        "on:   push\n"
    );
}

#[test]
fn every_file_of_workflows_is_already_formatted() {
    let run = run_with(&repo_root(), &["fmt", "--check", "workflows"], "", &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn every_file_import_writes_from_the_corpus_is_already_formatted() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: no ../shared/corpus next to this checkout");
        return;
    };
    let sandbox = Sandbox::new();
    let files = corpus_files(&corpus);
    assert!(files.len() >= 128, "the whole corpus: {}", files.len());
    // One folder per corpus file: the corpus holds several versions of some definitions,
    // which one import refuses to write side by side.
    for (index, file) in files.iter().enumerate() {
        let out = format!("imported/{index}");
        let run = sandbox.run(&["import", file.to_str().expect("utf-8"), "--out", &out]);
        assert_eq!(run.code, 0, "{}: {}", file.display(), run.stderr);
    }
    let check = sandbox.run(&["fmt", "--check", "imported"]);
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    assert_eq!(check.stdout, "");
    let count: usize = check
        .stderr
        .split(' ')
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or(0);
    assert!(count >= files.len(), "{}", check.stderr);
    // And a run that writes leaves every file as it is.
    let run = sandbox.run(&["fmt", "imported"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("0 files formatted"),
        "{}",
        run.stderr
    );
}
