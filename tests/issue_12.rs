//! Regression tests for issue 12: `check` and `import` on real definitions written by others
//! (false errors, files that are not JSON-parsed as JSON, a project checked one file at a time).
//! Each test drives the binary in a sandbox.

mod common;

use common::{Found, Sandbox, found};

/// The `(code, line:column)` pairs of a `--format json` run.
fn codes_at(found: &[Found]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|found| (found.code.clone(), found.at.clone()))
        .collect()
}

/// A DO_WHILE's own `inputParameters` are resolved again each time the server evaluates the
/// loop condition, after the body ran (the shape of conductor-oss's cookbook agents): reading
/// the loop's output and its body's tasks there is not a read of a later task. Its `items`,
/// resolved once when the loop is scheduled, and the body's own inputs still are.
#[test]
fn issue_12_do_while_inputs_read_the_loop_and_its_body() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "agent.yaml",
        "\
workflow: research_agent
ownerEmail: team@example.com
inputs: [topic]
tasks:
  - ref: research_loop
    input:
      research_loop: ${research_loop.output}
      sufficient: ${review_coverage.output.result.sufficient}
    doWhile:
      condition: \"$.research_loop['iteration'] < 3 && !$.sufficient\"
      tasks:
        - ref: search
          task: web_search
          input:
            topic: ${workflow.input.topic}
        - ref: review_coverage
          inline:
            expression: \"({sufficient: $.found != null})\"
          input:
            found: ${search.output.results}
  - ref: each
    doWhile:
      items: ${per_item.output.result}
      tasks:
        - ref: per_item
          inline:
            expression: \"1\"
",
    );
    let run = sandbox.run(&["--format", "json", "check", "agent.yaml"]);
    let errors: Vec<_> = codes_at(&found(&run.json()))
        .into_iter()
        .filter(|(code, _)| code != "CA601")
        .collect();
    // Only `items`, resolved when the loop is scheduled, reads a task that has not run.
    assert_eq!(
        errors,
        vec![("CA405".to_owned(), "23:16".to_owned())],
        "{}",
        run.stdout
    );
}

/// `.json` files are read by a JSON parser: a surrogate pair (how JSON writes an emoji) is
/// one character; an alias, YAML that is not JSON, and a syntax error are CA808 at their
/// line:column, and nothing is written.
#[test]
fn issue_12_import_reads_json_as_json() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "in/emoji.json",
        r#"{"name": "emoji_flow", "ownerEmail": "a@example.com", "schemaVersion": 2,
 "tasks": [{"name": "say", "taskReferenceName": "say", "type": "INLINE",
   "inputParameters": {"evaluatorType": "graaljs", "expression": "'\ud83d\udd39 ' + $.x", "x": 1}}]}"#,
    );
    let run = sandbox.run(&["import", "in", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let yaml =
        std::fs::read_to_string(sandbox.path().join("out/emoji_flow.yaml")).expect("written");
    assert!(yaml.contains("expression: '''🔹 '' + $.x'"), "{yaml}");

    let broken = [
        (
            "alias.json",
            r#"{"name": "x", "ownerEmail": &a "a@example.com", "description": *a}"#,
            "1:29",
        ),
        ("yaml.json", "name: x\nownerEmail: a@example.com\n", "1:1"),
        (
            "comma.json",
            "{\"name\": \"x\",\n \"ownerEmail\": \"a@example.com\",}",
            "2:32",
        ),
    ];
    for (name, text, at) in broken {
        let sandbox = Sandbox::new();
        sandbox.write(name, text);
        let run = sandbox.run(&["import", "--format", "json", name, "--out", "out"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_eq!(
            codes_at(&found(&run.json())),
            vec![("CA808".to_owned(), at.to_owned())],
            "{name}"
        );
        assert!(!sandbox.path().join("out").exists(), "{name}");
    }
}

/// The server stores an embedded `taskDefinition` as given, without validating it: one without
/// `name` is imported (the DSL names it after its task, as the server's mappers do), not
/// refused with CA804.
#[test]
fn issue_12_import_accepts_an_embedded_task_definition_without_name() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "in/embedded.json",
        r#"{"name": "with_embedded", "ownerEmail": "a@example.com", "schemaVersion": 2,
 "tasks": [{"name": "work", "taskReferenceName": "work", "type": "SIMPLE",
   "taskDefinition": {"retryCount": 2, "timeoutSeconds": 60, "responseTimeoutSeconds": 30}}]}"#,
    );
    let run = sandbox.run(&["import", "in", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let yaml =
        std::fs::read_to_string(sandbox.path().join("out/with_embedded.yaml")).expect("written");
    assert!(yaml.contains("taskDefinition:"), "{yaml}");
    assert!(!yaml.contains("name:"), "{yaml}");
    let check = sandbox.run(&["check", "--format", "json", "out"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

/// `connectionTimeOut: 5s` ends up in a millisecond field and `FETCH` is not an HTTP method:
/// both fail the task at run time, so both are errors (CA326), in the concise and the generic
/// form; an expression is not judged.
#[test]
fn issue_12_http_method_and_timeouts_are_checked() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "http.yaml",
        "\
workflow: notify
ownerEmail: team@example.com
inputs: [method]
tasks:
  - ref: concise
    http:
      uri: https://example.com/hook
      method: FETCH
      connectionTimeOut: 5s
      readTimeOut: 3000
  - ref: generic
    type: HTTP
    input:
      http_request:
        uri: https://example.com/hook
        method: post
        readTimeOut: \"2 seconds\"
  - ref: dynamic
    http:
      uri: https://example.com/hook
      method: ${workflow.input.method}
      connectionTimeOut: \"1000\"
",
    );
    let run = sandbox.run(&["--format", "json", "check", "http.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        codes_at(&found(&run.json())),
        vec![
            ("CA326".to_owned(), "16:17".to_owned()),
            ("CA326".to_owned(), "17:22".to_owned()),
            ("CA326".to_owned(), "8:15".to_owned()),
            ("CA326".to_owned(), "9:26".to_owned()),
        ],
        "{}",
        run.stdout
    );
    let human = sandbox.run(&["check", "http.yaml"]);
    assert!(
        human.stderr.contains("did you mean `POST`?"),
        "{}",
        human.stderr
    );
    assert!(human.stderr.contains("write `5000`"), "{}", human.stderr);
}

/// An unterminated `${` is always a mistake (the server keeps it as literal text): an error.
#[test]
fn issue_12_unterminated_expression_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "flow.yaml",
        "\
workflow: unterminated
ownerEmail: team@example.com
inputs: [x]
tasks:
  - ref: say
    inline:
      expression: $.v
    input:
      v: \"id ${workflow.input.x\"
",
    );
    let run = sandbox.run(&["--format", "json", "check", "flow.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["diagnostics"][0]["code"], "CA411", "{}", run.stdout);
    assert_eq!(
        report["diagnostics"][0]["severity"], "error",
        "{}",
        run.stdout
    );
}

/// An allow comment naming no code is reported where the name is written (with a
/// did-you-mean), and one that suppresses nothing is reported as unused; a used one is not.
#[test]
fn issue_12_allow_comments_naming_no_code_or_suppressing_nothing_are_reported() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "flow.yaml",
        "\
workflow: suppressions
ownerEmail: team@example.com
tasks:
  - ref: first
    inline:
      expression: $.v
    input:
      # conductor-apply: allow CA405
      v: ${second.output.result}
      # conductor-apply: allow CA999, reference-into-brnch
      w: 1
      # conductor-apply: allow CA406
      x: 2
  - ref: second
    inline:
      expression: \"1\"
",
    );
    let run = sandbox.run(&["--format", "json", "check", "flow.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        codes_at(&found(&run.json())),
        vec![
            ("CA108".to_owned(), "10:32".to_owned()),
            ("CA108".to_owned(), "10:39".to_owned()),
            ("CA109".to_owned(), "12:32".to_owned()),
        ],
        "{}",
        run.stdout
    );
    let human = sandbox.run(&["check", "flow.yaml"]);
    assert!(
        human
            .stderr
            .contains("did you mean `reference-into-branch`?"),
        "{}",
        human.stderr
    );
    // The project's list can accept them like any other code.
    sandbox.write(
        "conductor-apply.yaml",
        "allow: [unknown-allowed-code, unused-allow-comment]\n",
    );
    let run = sandbox.run(&["--format", "json", "check", "flow.yaml"]);
    assert_eq!(codes_at(&found(&run.json())), vec![], "{}", run.stdout);
}

/// `check` of a folder without definitions checks nothing: that is an error, not "no problems
/// found in 0 files".
#[test]
fn issue_12_check_of_a_folder_without_definitions_fails() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.path().join("empty")).expect("directory");
    let run = sandbox.run(&["check", "empty"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("no problems found"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: no workflow or task definition in `empty` (0 files read)"),
        "{}",
        run.stderr
    );
    let json = sandbox.run(&["--format", "json", "check", "empty"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    assert_eq!(json.json()["diagnostics"], serde_json::json!([]));
}

/// A folder that holds one definition twice: the first copy is written and the second is
/// not, as the help line says, instead of nothing at all; two different definitions of one
/// name still write nothing, since which one is meant is not known.
#[test]
fn issue_12_import_writes_one_of_two_identical_duplicates() {
    let sandbox = Sandbox::new();
    let task = r#"{"name": "charge_card", "ownerEmail": "payments@example.com", "retryCount": 5}"#;
    sandbox.write("in/a.json", task);
    sandbox.write(
        "in/b.json",
        r#"{"name": "charge_card", "ownerEmail": "payments@example.com", "retryCount": 5,
            "createTime": 1700000000000, "updatedBy": "someone"}"#,
    );
    sandbox.write(
        "in/c.json",
        r#"{"name": "refund_card", "ownerEmail": "payments@example.com"}"#,
    );
    let run = sandbox.run(&["--format", "json", "import", "in", "--out", "out"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["diagnostics"][0]["code"], "CA806", "{}", run.stdout);
    assert_eq!(
        report["diagnostics"][0]["severity"], "warning",
        "{}",
        run.stdout
    );
    let written =
        std::fs::read_to_string(sandbox.path().join("out/task-definitions.yaml")).expect("written");
    assert_eq!(written.matches("task: charge_card").count(), 1, "{written}");
    assert!(written.contains("task: refund_card"), "{written}");

    let sandbox = Sandbox::new();
    sandbox.write("in/a.json", task);
    sandbox.write(
        "in/b.json",
        r#"{"name": "charge_card", "ownerEmail": "payments@example.com", "retryCount": 9}"#,
    );
    let run = sandbox.run(&["import", "in", "--out", "out"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!sandbox.path().join("out").exists());
}

/// The project file: an unknown key is reported at the key with a did-you-mean, a server
/// without a scheme fails `check` (it would fail `plan`), and what is valid is still used.
#[test]
fn issue_12_project_file_errors_point_at_the_key_and_the_value() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "conductor-apply.yaml",
        "file: [\"*.yaml\"]\nserver: localhost:8080\nenvironments:\n  prod: {server: \"https://x.example.com/api\"}\n",
    );
    sandbox.write(
        "flow.yaml",
        "workflow: hello\nownerEmail: team@example.com\ntasks:\n  - ref: a\n    noop: {}\n",
    );
    let run = sandbox.run(&["--format", "json", "check", "--env", "prod"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        codes_at(&found(&run.json())),
        vec![
            ("CA201".to_owned(), "1:1".to_owned()),
            ("CA205".to_owned(), "2:9".to_owned()),
        ],
        "{}",
        run.stdout
    );
    let human = sandbox.run(&["check"]);
    assert!(
        human.stderr.contains("did you mean `files`?"),
        "{}",
        human.stderr
    );
    assert!(
        human
            .stderr
            .contains("write the URL with its scheme: `http://localhost:8080`"),
        "{}",
        human.stderr
    );
    // An unknown environment is a usage error, before anything is checked.
    sandbox.write("broken.yaml", "workflow: broken\ntasks: [\n");
    let run = sandbox.run(&["check", "--env", "nope"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: unknown environment `nope`; the project file defines: `prod`\n"
    );
}

/// Without a project file every YAML file of the tree is read: other tools' files
/// (docker-compose, Kubernetes manifests) are skipped with a note, not reported; a definition
/// whose kind key is misspelled still is.
#[test]
fn issue_12_yaml_that_is_not_dsl_is_skipped_without_a_project_file() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "docker-compose.yml",
        "services:\n  conductor:\n    image: conductoross/conductor:3.21.14\n",
    );
    sandbox.write(
        "deploy/k8s.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: conductor}\n---\napiVersion: apps/v1\nkind: Deployment\n",
    );
    sandbox.write(
        "workflows/hello.yaml",
        "workflow: hello\nownerEmail: team@example.com\ntasks:\n  - ref: a\n    noop: {}\n",
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: skipped 3 YAML documents with no `workflow:` or `task:` key"),
        "{}",
        run.stderr
    );
    sandbox.write(
        "workflows/typo.yaml",
        "workflw: typo\nownerEmail: team@example.com\ntasks: []\n",
    );
    let run = sandbox.run(&["--format", "json", "check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        found(&run.json())
            .iter()
            .all(|found| found.code.starts_with("CA2")),
        "{}",
        run.stdout
    );
}

/// `check FILE`, as pre-commit and editors run it, resolves references against the whole
/// project: its result for a file is that file's part of a project-wide run, and nothing of
/// the other files is reported.
#[test]
fn issue_12_check_of_one_file_resolves_against_the_project() {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", "files: [\"workflows/*.yaml\"]\n");
    sandbox.write(
        "workflows/orders.yaml",
        "\
workflow: orders
ownerEmail: team@example.com
tasks:
  - ref: charge
    task: charge_card
  - ref: ship
    subWorkflow: {name: shipping, version: 1}
  - ref: notify
    task: notify_customer
",
    );
    sandbox.write(
        "workflows/shipping.yaml",
        "\
workflow: shipping
version: 1
ownerEmail: team@example.com
tasks:
  - ref: label
    inline: {expression: \"1\"}
    input:
      v: ${nowhere.output.result}
---
task: charge_card
ownerEmail: team@example.com
",
    );
    let whole = sandbox.run(&["--format", "json", "check"]);
    let of_orders: Vec<_> = whole.json()["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|diagnostic| diagnostic["location"]["file"] == "workflows/orders.yaml")
        .cloned()
        .collect();
    // Only `notify_customer` is missing from the project.
    assert_eq!(of_orders.len(), 1, "{}", whole.stdout);
    assert_eq!(of_orders[0]["code"], "CA601", "{}", whole.stdout);
    let one = sandbox.run(&["--format", "json", "check", "workflows/orders.yaml"]);
    assert_eq!(one.code, 0, "{}", one.stdout);
    assert_eq!(
        one.json()["diagnostics"],
        serde_json::Value::Array(of_orders),
        "{}",
        one.stdout
    );
    let human = sandbox.run(&["check", "workflows/orders.yaml"]);
    assert!(
        human.stderr.ends_with("warning: 1 warning in 1 file\n"),
        "{}",
        human.stderr
    );
}

/// A schema error no longer hides the later checks of its document: each key with an error is
/// left out and the rest is checked, so one run reports the unknown key, the bad duration and
/// the broken `${...}` beside them. A document that leaving keys out cannot repair (a missing
/// `ref`) is reported by the schema alone. Nothing is compiled from either.
#[test]
fn issue_12_a_schema_error_does_not_hide_the_later_checks_of_its_document() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "orders.yaml",
        "\
workflow: orders
ownerEmail: team@example.com
inputs: [id]
timeout: 5 minutes please
tasks:
  - ref: price
    inline:
      expression: \"42\"
    inptu:
      id: ${workflow.input.id}
  - ref: notify
    inline:
      expression: $.v
    input:
      v: ${prise.output.result}
      w: ${workflow.input.idd}
---
workflow: broken
ownerEmail: team@example.com
tasks:
  - inline:
      expression: \"1\"
    input:
      v: ${nope.output.x}
",
    );
    let run = sandbox.run(&["--format", "json", "check", "orders.yaml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut codes = codes_at(&found(&run.json()));
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("CA201".to_owned(), "9:5".to_owned()),
            ("CA202".to_owned(), "21:5".to_owned()),
            ("CA209".to_owned(), "4:10".to_owned()),
            ("CA401".to_owned(), "15:12".to_owned()),
            ("CA407".to_owned(), "16:27".to_owned()),
        ],
        "{}",
        run.stdout
    );
    let compile = sandbox.run(&["compile", "orders.yaml", "--out", "out"]);
    assert_eq!(compile.code, 1, "{}", compile.stderr);
    assert!(!sandbox.path().join("out").exists(), "nothing is written");
}

/// A YAML or schema error cannot be allowed, neither by a comment nor by the project's
/// `allow` list: allowing it made the definition vanish from `compile` without a word (and
/// from `apply`, where a pruning plan would delete it). The allow is reported as CA111.
#[test]
fn issue_12_a_schema_error_cannot_be_allowed() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "conductor-apply.yaml",
        "files: ['*.yaml']\nallow: [CA202, unknown-task-reference]\n",
    );
    sandbox.write(
        "orders.yaml",
        "\
workflow: orders
ownerEmail: team@example.com
tasks:
  - ref: price
    inline:
      expression: \"42\"
      # conductor-apply: allow CA201
      langauge: javascript
",
    );
    let run = sandbox.run(&["--format", "json", "check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut codes = codes_at(&found(&run.json()));
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("CA111".to_owned(), "2:9".to_owned()),
            ("CA111".to_owned(), "7:32".to_owned()),
            ("CA201".to_owned(), "8:7".to_owned()),
        ],
        "{}",
        run.stdout
    );
    let compile = sandbox.run(&["compile", "--out", "out"]);
    assert_eq!(compile.code, 1, "{}", compile.stderr);
    assert!(
        compile.stderr.contains("nothing was written"),
        "{}",
        compile.stderr
    );
}
