//! `conductor-apply docs`: the catalogue and the DSL reference, generated through the binary
//! for `workflows/` and for a fixture of nasty names, and through the library for the shared
//! corpus; every link must resolve, every task must appear in its flowchart, every field of the
//! schema in the reference, and every Mermaid diagram must be accepted by the real Mermaid
//! parser (`tests/mermaid/validate.mjs`, which needs `npm ci --prefix tests/mermaid`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::parse::parse_file;
use conductor_model::{TaskDef, WorkflowDef, WorkflowDefinitionRef, WorkflowTask};
use conductor_source::{SourceMap, discover, read_source};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `conductor-apply docs ARGS --out OUT` in `cwd`.
fn docs(cwd: &Path, args: &[&str], out: &Path) -> std::process::Output {
    Command::cargo_bin("conductor-apply")
        .expect("binary builds")
        .current_dir(cwd)
        .arg("--color=never")
        .arg("docs")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("binary runs")
}

fn assert_success(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`, by path relative to it with `/` separators.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("readable directory")
            .map(|entry| entry.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path
                    .strip_prefix(base)
                    .expect("below base")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    relative,
                    std::fs::read_to_string(&path).expect("UTF-8 page"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Lines outside fenced code blocks, with their index.
fn prose_lines(page: &str) -> Vec<&str> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for line in page.lines() {
        let trimmed = line.trim_start();
        match fence {
            Some(open) if trimmed.starts_with(open) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") => fence = Some("```"),
            None => out.push(line),
        }
    }
    out
}

/// The anchors GitHub gives a page's headings (duplicates numbered `-1`, `-2`, ...).
fn anchors(page: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for line in prose_lines(page) {
        let Some(title) = line
            .strip_prefix('#')
            .map(|rest| rest.trim_start_matches('#'))
            .and_then(|rest| rest.strip_prefix(' '))
        else {
            continue;
        };
        let slug: String = title
            .replace('`', "")
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    Some(c.to_lowercase().collect::<String>())
                } else if c == ' ' {
                    Some("-".to_owned())
                } else {
                    None
                }
            })
            .collect();
        let count = seen.entry(slug.clone()).or_insert(0);
        let anchor = if *count == 0 {
            slug.clone()
        } else {
            format!("{slug}-{count}")
        };
        *count += 1;
        out.insert(anchor);
    }
    out
}

/// The targets of the Markdown links and Mermaid `click` links of a page.
fn link_targets(page: &str) -> Vec<String> {
    let mut targets = Vec::new();
    // The language of the fenced block a line is in: text there is code, not links (a
    // pattern such as `[dD](?:...)` looks like one), but for Mermaid's `click` lines.
    let mut fence: Option<String> = None;
    for line in page.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(info.trim().to_owned()),
            };
            continue;
        }
        if fence
            .as_deref()
            .is_some_and(|language| language != "mermaid")
        {
            continue;
        }
        let line = without_code_spans(line);
        let line = line.as_str();
        let bytes = line.as_bytes();
        let mut from = 0;
        while let Some(position) = line.get(from..).and_then(|rest| rest.find("](")) {
            let start = from + position;
            let escaped = start > 0 && bytes.get(start - 1) == Some(&b'\\');
            let rest = &line[start + 2..];
            if let (Some(end), false) = (rest.find(')'), escaped) {
                targets.push(rest[..end].to_owned());
            }
            from = start + 2;
        }
        if let Some(click) = line.trim_start().strip_prefix("click ")
            && let Some(href) = click.split('"').nth(1)
        {
            targets.push(href.to_owned());
        }
    }
    targets
}

/// `line` with the text of its code spans (between runs of backticks) left out.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..open]);
        let ticks = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let after = &rest[open + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(close) => rest = &after[close + ticks..],
            None => {
                out.push_str(&rest[open..]);
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Checks that every link of every page is relative and reaches a generated page (and, with a
/// `#`, a heading of it) or an existing file.
fn assert_links_resolve(out: &Path, pages: &BTreeMap<String, String>) -> usize {
    let mut checked = 0;
    for (path, content) in pages.iter().filter(|(path, _)| path.ends_with(".md")) {
        for target in link_targets(content) {
            assert!(
                !target.contains("://") && !target.starts_with('/'),
                "{path}: link `{target}` is not relative"
            );
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() {
                out.join(path)
            } else {
                out.join(path)
                    .parent()
                    .expect("page has a folder")
                    .join(file)
            };
            assert!(resolved.exists(), "{path}: link `{target}` leads nowhere");
            if let Some(anchor) = anchor {
                let target_page = std::fs::read_to_string(&resolved).expect("linked page");
                assert!(
                    anchors(&target_page).contains(anchor),
                    "{path}: link `{target}` names no heading of its page"
                );
            }
            checked += 1;
        }
    }
    checked
}

/// The Mermaid diagrams of a page.
fn diagrams(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match &mut current {
            Some(body) if line.trim() == "```" => {
                out.push(std::mem::take(body));
                current = None;
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None if line.trim() == "```mermaid" => current = Some(String::new()),
            None => {}
        }
    }
    out
}

/// A diagram with Mermaid's entity codes (`#quot;`, `#35;`, ...) decoded, as it displays.
fn decode_entities(diagram: &str) -> String {
    let mut out = String::new();
    let mut rest = diagram;
    while let Some(position) = rest.find('#') {
        out.push_str(&rest[..position]);
        let after = &rest[position + 1..];
        let decoded = after.find(';').and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                number => number.parse::<u32>().ok().and_then(char::from_u32),
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('#');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every task reference name of a workflow, its inline sub-workflows included.
fn all_refs(def: &WorkflowDef, out: &mut Vec<String>) {
    fn list(tasks: &[WorkflowTask], out: &mut Vec<String>) {
        for task in tasks {
            out.push(task.task_reference_name.clone());
            for (_, tasks) in task.decision_cases.iter().flatten() {
                list(tasks, out);
            }
            list(task.default_case.as_deref().unwrap_or_default(), out);
            for branch in task.fork_tasks.iter().flatten() {
                list(branch, out);
            }
            list(task.loop_over.as_deref().unwrap_or_default(), out);
            if let Some(WorkflowDefinitionRef::Inline(inline)) = task
                .sub_workflow_param
                .as_ref()
                .and_then(|params| params.workflow_definition.as_ref())
            {
                list(&inline.tasks, out);
            }
        }
    }
    list(&def.tasks, out);
}

/// The workflow pages, by the workflow name in their title.
fn workflow_pages(pages: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    pages
        .iter()
        .filter(|(path, _)| path.starts_with("workflows/"))
        .filter_map(|(_, content)| {
            let title = prose_lines(content)
                .into_iter()
                .find_map(|line| line.strip_prefix("# Workflow "))?;
            let name = title.trim_matches('`').to_owned();
            Some((name, content.clone()))
        })
        .collect()
}

/// Checks that every task of every workflow appears in the flowcharts of its page.
fn assert_tasks_in_flowcharts(pages: &BTreeMap<String, String>, workflows: &[&WorkflowDef]) {
    let by_name = workflow_pages(pages);
    for def in workflows {
        let page = by_name
            .get(&def.name)
            .unwrap_or_else(|| panic!("no page for workflow `{}`", def.name));
        let charts = decode_entities(&diagrams(page).join("\n"));
        let mut refs = Vec::new();
        all_refs(def, &mut refs);
        for reference in refs {
            // Labels show control characters as spaces, an empty name as a placeholder, and
            // are cut at 48 characters.
            let flat: String = reference
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let flat = if flat.is_empty() {
                "(no reference name)".to_owned()
            } else {
                flat
            };
            let shown: String = if flat.chars().count() > 48 {
                flat.chars().take(47).collect()
            } else {
                flat
            };
            assert!(
                charts.contains(&format!("\"{shown}")),
                "task `{reference}` of `{}` is not in its flowchart:\n{charts}",
                def.name
            );
        }
    }
}

/// Runs the Mermaid validator on a directory; returns how many diagrams it parsed. Fails (does
/// not skip) when Node.js or the npm packages are missing.
fn validate_mermaid(dir: &Path) -> usize {
    let script = repo_root().join("tests/mermaid/validate.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|error| {
            panic!("running `node` failed ({error}): install Node.js, then run `npm ci --prefix tests/mermaid`")
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Mermaid validator failed (exit {:?}); if it could not load mermaid, run `npm ci --prefix tests/mermaid`\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status.code()
    );
    let summary = stdout
        .lines()
        .find_map(|line| line.strip_prefix("mermaid: "))
        .unwrap_or_else(|| panic!("no summary from the validator:\n{stdout}"));
    summary
        .split_whitespace()
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("unreadable summary `{summary}`"))
}

fn count_diagrams(pages: &BTreeMap<String, String>) -> usize {
    pages.values().map(|page| diagrams(page).len()).sum()
}

/// Compiles the DSL files under `path` with the library, as the binary does.
fn compile(path: &Path) -> Compiled {
    let mut sources = SourceMap::new();
    let mut compiled = Compiled::default();
    for file in discover(&[path.to_path_buf()]).expect("discover") {
        // Workflow tests (`*.test.yaml`) are not definitions.
        if file.to_string_lossy().contains(".test.y") {
            continue;
        }
        let id = sources.add(read_source(&file, file.display().to_string()).expect("read"));
        let (documents, diagnostics) = parse_file(id, sources.get(id));
        assert!(
            diagnostics.is_empty(),
            "{}: {diagnostics:?}",
            file.display()
        );
        for document in &documents {
            assert!(lower_document(document, &mut compiled).is_empty());
        }
    }
    compiled
}

#[test]
fn documents_the_example_workflows() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("docs");
    let output = docs(&repo_root(), &["workflows"], &out);
    assert_success(&output);
    let compiled = compile(&repo_root().join("workflows"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "documented {} workflows and {} task definitions",
            compiled.workflows.len(),
            compiled.task_defs.len()
        )),
        "{stderr}"
    );
    let pages = read_tree(&out);
    for expected in [
        "README.md",
        "workflows/hello.md",
        "workflows/system_tasks.md",
        "workflows/retrying_worker.md",
        "workflows/dynamic_workflow.md",
        "taskdefs/greet.md",
        "taskdefs/task_with_retries.md",
        "reference/README.md",
        "reference/documents/workflow.md",
        "reference/documents/task.md",
        "reference/tasks/README.md",
        "reference/tasks/http.md",
        "reference/types/Retry.md",
    ] {
        assert!(pages.contains_key(expected), "missing {expected}");
    }

    let index = &pages["README.md"];
    assert!(index.contains("[`hello`](workflows/hello.md) | 1 | hello workflow"));
    assert!(index.contains("[`task_with_retries`](taskdefs/task_with_retries.md)"));

    let hello = &pages["workflows/hello.md"];
    assert!(
        hello.contains("- **Owner:** examples@example.com"),
        "{hello}"
    );
    assert!(hello.contains("- **Timeout:** 1 min, then the workflow is timed out"));
    assert!(
        hello.contains("| `name` |   |   | `greet_ref` |"),
        "{hello}"
    );
    assert!(
        hello.contains(
            "| `result` | `${greet_ref.output.result}` | output `result` of task `greet_ref` |"
        ),
        "{hello}"
    );
    assert!(hello.contains(
        "| `greet_ref` | [`SIMPLE`](../reference/tasks/task.md) | [`greet`](../taskdefs/greet.md) |   | `workflow.input.name` |"
    ), "{hello}");
    assert!(
        hello.contains("t0[\"greet_ref<br/>SIMPLE · greet\"]"),
        "{hello}"
    );

    let retries = &pages["taskdefs/task_with_retries.md"];
    assert!(
        retries.contains(
            "- **Retries:** Retries 3 times, 1 s apart, growing by 1 s each time (1 s, 2 s, 3 s)"
        ),
        "{retries}"
    );
    assert!(retries.contains("- **Rate limit:** At most 100 executions per 10 s"));
    assert!(retries.contains("- **Concurrency:** At most 3 in progress at once"));
    assert!(retries.contains(
        "| [`retrying_worker`](../workflows/retrying_worker.md) | 1 | `work` | `SIMPLE` |"
    ));

    let system = &pages["workflows/system_tasks.md"];
    assert!(system.contains("waits until `2024-01-31 00:00 UTC`"));
    assert!(system.contains("`GET` `https://orkes-api-tester.orkesconductor.com/api`"));

    let defs: Vec<&WorkflowDef> = compiled.workflows.iter().map(|w| &w.def).collect();
    assert_tasks_in_flowcharts(&pages, &defs);
    assert!(assert_links_resolve(&out, &pages) > 100);
}

#[test]
fn nasty_names_render_and_link() {
    let fixture = repo_root().join("tests/fixtures/docs/nasty");
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("docs");
    assert_success(&docs(&repo_root(), &["tests/fixtures/docs/nasty"], &out));
    let pages = read_tree(&out);
    let page = &pages["workflows/Orders~20~3Cv2~3E~20~7Bbeta~7D~20~231.md"];
    assert!(page.starts_with("<!-- Generated by `conductor-apply docs`"));
    assert!(page.contains("# Workflow `Orders <v2> {beta} #1`"));
    // Markup in the description is shown, not interpreted.
    assert!(page.contains(
        "Ships \\*orders\\* | &lt;b&gt;bold&lt;/b&gt; \\[link\\](http://x) \\`code\\` &amp; more<br>second line"
    ), "{page}");
    // Case labels, quoted and bracketed names survive as Mermaid entity codes.
    assert!(page.contains("t1 -->|\"#quot;#quot;\"| t3"), "{page}");
    assert!(
        page.contains(
            "t1 -->|\"a #quot;quoted#quot; [case] #124; pipe #37;#37; not a comment\"| t4"
        ),
        "{page}"
    );
    assert!(page.contains("t1 -->|\"${workflow.input.x}\"| t5"));
    assert!(page.contains("t0[\"quote#quot;ref<br/>SIMPLE · charge #quot;card#quot; [v2]\"]"));
    // Where outputs come from; inputs read but not declared.
    assert!(page.contains("| `shipped` | `${end.output.done}` | output `done` of task `end` |"));
    assert!(page.contains("| `fixed` | `42` | a fixed value |"));
    assert!(page.contains("| `express` (not declared) |   | `false` | `quote\"ref`, `route` |"));
    // The generated JOIN, the inline sub-workflow and the calls.
    assert!(page.contains("waits for `fraud`, `reserve` (generated after the fork)"));
    assert!(page.contains("## Inline sub-workflow `inline child` (run by `inline_child`)"));
    assert!(page.contains("click t10 href \"order~20cleanup.md\""));
    assert!(page.contains("starts `notifier`, latest version (not in this project)"));

    let cleanup = &pages["workflows/order~20cleanup.md"];
    assert!(cleanup.contains(
        "| [`Orders <v2> {beta} #1`](Orders~20~3Cv2~3E~20~7Bbeta~7D~20~231.md) | 2 | task `reserve` runs version `1` and waits for it |"
    ), "{cleanup}");
    assert!(cleanup.contains("| failure workflow (the latest version) |"));

    let charge = &pages["taskdefs/charge~20~22card~22~20~5Bv2~5D.md"];
    assert!(
        charge.contains(
            "- **Retries:** Retries 3 times, 5 s apart, doubling each time (5 s, 10 s, 20 s)"
        ),
        "{charge}"
    );
    assert!(charge.contains("a worker must report progress every 30 s"));
    assert!(pages["taskdefs/unused_task.md"].contains("No workflow in this project uses it."));

    let compiled = compile(&fixture);
    let defs: Vec<&WorkflowDef> = compiled.workflows.iter().map(|w| &w.def).collect();
    assert_tasks_in_flowcharts(&pages, &defs);
    assert_links_resolve(&out, &pages);
}

#[test]
fn documents_a_realistic_project() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("docs");
    assert_success(&docs(&repo_root(), &["tests/fixtures/docs/shop"], &out));
    let pages = read_tree(&out);
    let page = &pages["workflows/order_fulfillment.md"];
    assert!(page.contains("- **Timeout:** 2 h, then the workflow is timed out"));
    assert!(
        page.contains(
            "- **Failure workflow:** [`order_cleanup`](order_cleanup.md), latest version"
        )
    );
    assert!(
        page.contains("| `express` |   | `false` | `route` |"),
        "{page}"
    );
    assert!(page.contains(
        "| `delivered` | `${poll.output.response.body.delivered}` | output `response` of task `poll` |"
    ));
    assert!(page.contains(
        "| `poll`<br><sub>in `track` loop body</sub> | [`HTTP`](../reference/tasks/http.md) |   | `GET` `https://carrier.example.com/parcels/${workflow.input.orderId}` | `workflow.input.orderId` |"
    ), "{page}");
    assert!(page.contains("runs [`notify_customer`](notify_customer.md) version `1`"));
    assert!(
        page.contains("t8_condition -.->|\"while $.poll['delivered'] != true\"| t8"),
        "{page}"
    );
    assert!(page.contains("t8_condition -->|\"done\"| t10"), "{page}");
    assert!(page.contains("click t10 href \"notify_customer.md\" \"Open notify_customer\""));
    assert!(pages["workflows/notify_customer.md"].contains(
        "| [`order_fulfillment`](order_fulfillment.md) | 3 | task `notify` runs version `1` and waits for it |"
    ));
    assert!(pages["workflows/order_cleanup.md"].contains(
        "| [`order_fulfillment`](order_fulfillment.md) | 3 | failure workflow (the latest version) |"
    ));
    let ship = &pages["taskdefs/ship.md"];
    assert!(
        ship.contains("- **Retries:** Retries 5 times, 1 min apart"),
        "{ship}"
    );
    assert!(
        ship.contains("`ship_express`<br><sub>in `route` case `true`</sub>"),
        "{ship}"
    );
    assert!(ship.contains("`ship_standard`<br><sub>in `route` default case</sub>"));

    let compiled = compile(&repo_root().join("tests/fixtures/docs/shop"));
    let defs: Vec<&WorkflowDef> = compiled.workflows.iter().map(|w| &w.def).collect();
    assert_tasks_in_flowcharts(&pages, &defs);
    assert_links_resolve(&out, &pages);
}

#[test]
fn every_mermaid_diagram_parses() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mut expected = 0;
    // The fixtures define some task definitions alike, so each is documented on its own.
    for (idx, paths) in [
        &["workflows", "tests/fixtures/docs/nasty"][..],
        &["tests/fixtures/docs/shop"][..],
    ]
    .into_iter()
    .enumerate()
    {
        let out = temp.path().join(idx.to_string());
        assert_success(&docs(&repo_root(), paths, &out));
        expected += count_diagrams(&read_tree(&out));
    }
    assert!(expected >= 10, "only {expected} diagrams");
    assert_eq!(validate_mermaid(temp.path()), expected);
}

#[test]
fn the_mermaid_validator_rejects_a_broken_diagram() {
    // So that a passing validation means something.
    let temp = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        temp.path().join("broken.md"),
        "# Broken\n\n```mermaid\nflowchart TD\n  a[\"x \" y\"] --> b\n```\n",
    )
    .expect("write");
    let output = Command::new("node")
        .arg(repo_root().join("tests/mermaid/validate.mjs"))
        .arg(temp.path())
        .output()
        .expect("node runs: install Node.js");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("broken.md:3: Parse error"), "{stdout}");
    assert!(
        stdout.contains("mermaid: 0 diagrams parsed, 1 rejected"),
        "{stdout}"
    );
}

#[test]
fn output_is_deterministic_and_rewritten_only_when_changed() {
    let temp = tempfile::tempdir().expect("temp dir");
    let first = temp.path().join("first");
    let second = temp.path().join("second");
    assert_success(&docs(&repo_root(), &["workflows"], &first));
    assert_success(&docs(&repo_root(), &["workflows"], &second));
    assert_eq!(read_tree(&first), read_tree(&second));

    let again = docs(&repo_root(), &["workflows"], &first);
    assert_success(&again);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains(", 0 changed)"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // No temporary file is left behind.
    assert!(read_tree(&first).keys().all(|path| !path.ends_with(".tmp")));
}

#[test]
fn pages_of_removed_definitions_are_removed() {
    let temp = tempfile::tempdir().expect("temp dir");
    let project = temp.path();
    std::fs::write(
        project.join("conductor-apply.yaml"),
        "files: [\"defs/**/*.yaml\"]\n",
    )
    .expect("write");
    std::fs::create_dir(project.join("defs")).expect("mkdir");
    let hello = std::fs::read_to_string(repo_root().join("workflows/hello.yaml")).expect("read");
    std::fs::write(project.join("defs/hello.yaml"), &hello).expect("write");
    std::fs::write(
        project.join("defs/other.yaml"),
        "workflow: other\nownerEmail: a@example.com\ntasks:\n  - ref: greet_ref\n    task: greet\n",
    )
    .expect("write");
    let out = project.join("docs");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("notes.md"), "kept\n").expect("write");
    assert_success(&docs(project, &[], &out));
    assert!(out.join("workflows/other.md").exists());
    // Inside the project, pages link to the YAML they document.
    let page = std::fs::read_to_string(out.join("workflows/hello.md")).expect("page");
    assert!(
        page.contains("- **Defined in:** [`defs/hello.yaml`](../../defs/hello.yaml)"),
        "{page}"
    );
    let pages = read_tree(&out);
    assert_links_resolve(&out, &pages);

    std::fs::remove_file(project.join("defs/other.yaml")).expect("remove");
    let output = docs(project, &[], &out);
    assert_success(&output);
    assert!(!out.join("workflows/other.md").exists());
    assert!(out.join("workflows/hello.md").exists());
    // Files the tool did not write are left alone.
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).expect("kept"),
        "kept\n"
    );
}

#[test]
fn nothing_is_written_when_a_definition_has_errors() {
    let temp = tempfile::tempdir().expect("temp dir");
    let broken = temp.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "workflow: broken\ntasks:\n  - ref: a\n    tsk: x\n",
    )
    .expect("write");
    let out = temp.path().join("docs");
    let output = docs(temp.path(), &["broken.yaml"], &out);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was written"));
    assert!(!out.exists());
}

#[test]
fn every_schema_field_appears_in_the_reference() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("docs");
    assert_success(&docs(&repo_root(), &["workflows"], &out));
    let pages = read_tree(&out);
    let schema = conductor_dsl::schema::dsl_schema();
    let defs = schema["$defs"].as_object().expect("$defs");
    let reference: BTreeMap<&String, &String> = pages
        .iter()
        .filter(|(path, _)| path.starts_with("reference/"))
        .collect();
    // One page per definition, plus the index and the project file's page
    // (tests/project_reference.rs).
    assert_eq!(reference.len(), defs.len() + 2);
    let mut fields = 0;
    for (name, def) in defs {
        let Some(properties) = def.get("properties").and_then(|p| p.as_object()) else {
            continue;
        };
        // The page of a definition is the one titled with its name, or else the one whose
        // field sections are exactly its fields (documents and task forms).
        let headings: BTreeSet<String> = properties
            .keys()
            .map(|key| format!("### `{key}`"))
            .collect();
        let titled = format!("# {name}\n");
        let page = reference
            .values()
            .find(|page| page.contains(&titled))
            .or_else(|| {
                reference.values().find(|page| {
                    let found: BTreeSet<String> = prose_lines(page)
                        .into_iter()
                        .filter(|line| line.starts_with("### `"))
                        .map(str::to_owned)
                        .collect();
                    found == headings
                })
            })
            .unwrap_or_else(|| panic!("no reference page documents every field of `{name}`"));
        for (key, property) in properties {
            let section = page
                .split(&format!("### `{key}`\n"))
                .nth(1)
                .expect("field section")
                .split("\n### ")
                .next()
                .expect("section");
            assert!(section.contains("- **Type:** "), "{name}.{key}");
            assert!(section.contains("- **Required:** "), "{name}.{key}");
            let description = property
                .get("description")
                .and_then(|d| d.as_str())
                .or_else(|| {
                    property["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/$defs/"))
                        .and_then(|target| defs[target]["description"].as_str())
                })
                .expect("every property is described");
            let first_words: String = description
                .split_whitespace()
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                section.contains(&first_words),
                "{name}.{key}: description `{first_words}` missing from\n{section}"
            );
            fields += 1;
        }
    }
    assert!(fields > 400, "only {fields} fields");
}

#[test]
fn a_doc_comment_changes_only_its_page() {
    let schema = conductor_dsl::schema::dsl_schema();
    let mut changed = schema.clone();
    changed["$defs"]["WorkflowDocument"]["properties"]["failureWorkflow"]["description"] =
        serde_json::json!("A new description\nwrapped over two lines.");
    let before = conductor_docs::reference::dsl_reference(&schema);
    let after = conductor_docs::reference::dsl_reference(&changed);
    assert_eq!(before.len(), after.len());
    let differing: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.path.as_str())
        .collect();
    assert_eq!(differing, ["reference/documents/workflow.md"]);
    let page = &after
        .iter()
        .find(|page| page.path == "reference/documents/workflow.md")
        .expect("page")
        .content;
    // The soft line break of the doc comment does not break the table row.
    assert!(
        page.contains("| A new description wrapped over two lines. |"),
        "{page}"
    );
}

/// The shared corpus (conductor-oss server tests and Python SDK output), read as Conductor
/// JSON: `../shared/corpus` beside the repository, skipped with a message when absent.
fn corpus_definitions(corpus: &Path) -> Option<(Vec<WorkflowDef>, Vec<TaskDef>)> {
    if !corpus.is_dir() {
        return None;
    }
    let mut workflows = Vec::new();
    let mut task_defs = Vec::new();
    for source in ["conductor-oss", "python-sdk"] {
        for (folder, is_workflow) in [("workflows", true), ("taskdefs", false)] {
            let dir = corpus.join(source).join(folder);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
            files.sort();
            for file in files
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "json"))
            {
                let text = std::fs::read_to_string(&file).expect("read corpus file");
                if is_workflow {
                    workflows.push(
                        serde_json::from_str(&text)
                            .unwrap_or_else(|e| panic!("{}: {e}", file.display())),
                    );
                } else {
                    task_defs.push(
                        serde_json::from_str(&text)
                            .unwrap_or_else(|e| panic!("{}: {e}", file.display())),
                    );
                }
            }
        }
    }
    Some((workflows, task_defs))
}

#[test]
fn documents_the_shared_corpus() {
    let corpus = repo_root().join("../shared/corpus");
    let Some((workflows, task_defs)) = corpus_definitions(&corpus) else {
        eprintln!("skipping: no corpus at {}", corpus.display());
        return;
    };
    assert!(workflows.len() >= 100, "{} workflows", workflows.len());
    let definitions = conductor_docs::Definitions::new(
        workflows.iter().map(|def| (def, None)).collect(),
        task_defs.iter().map(|def| (def, None)).collect(),
    );
    let generated = conductor_docs::generate(&conductor_dsl::schema::dsl_schema(), &definitions);
    assert_eq!(
        generated,
        conductor_docs::generate(&conductor_dsl::schema::dsl_schema(), &definitions),
        "output is deterministic"
    );
    let temp = tempfile::tempdir().expect("temp dir");
    for page in &generated {
        let path = temp.path().join(&page.path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, &page.content).expect("write");
    }
    let pages = read_tree(temp.path());
    // Some corpus files define the same name and version (the server's tests register them
    // one at a time); the first of each is documented, as for a project.
    let mut seen = BTreeSet::new();
    let defs: Vec<&WorkflowDef> = workflows
        .iter()
        .filter(|def| seen.insert((def.name.clone(), def.version.unwrap_or(1))))
        .collect();
    assert_tasks_in_flowcharts(&pages, &defs);
    assert_links_resolve(temp.path(), &pages);
    let expected = count_diagrams(&pages);
    assert!(expected >= workflows.len());
    assert_eq!(validate_mermaid(temp.path()), expected);
}

/// Writes pages into a directory.
fn write_pages(dir: &Path, pages: &[conductor_docs::Page]) {
    for page in pages {
        let path = dir.join(&page.path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, &page.content).expect("write");
    }
}

fn simple(reference: &str, name: &str) -> WorkflowTask {
    WorkflowTask {
        name: name.to_owned(),
        task_reference_name: reference.to_owned(),
        ..WorkflowTask::default()
    }
}

#[test]
fn names_no_dsl_allows_still_render() {
    // Conductor JSON from elsewhere (an import, another tool) may hold names the DSL rejects.
    let nasty = [
        "a\"b",
        "x]y[z",
        "end",
        "graph TD",
        "<script>alert(1)</script>",
        "#35; #quot;",
        "%%{init: {}}%%",
        "line\nbreak",
        "click",
        "pipe|pipe",
        "back\\slash`tick`",
        "${workflow.input.x}",
        "🚀 ünïcödé 日本",
        "-->",
        "",
    ];
    let mut switch = simple("route \"quoted\"", "route");
    switch.task_type = Some("SWITCH".into());
    switch.evaluator_type = Some("javascript".into());
    switch.expression = Some("$.x == \"a\" ? 'yes' : 'no'".into());
    switch.decision_cases = Some(
        nasty
            .iter()
            .enumerate()
            .map(|(idx, case)| {
                (
                    case.to_string(),
                    vec![simple(&format!("c{idx} {case}"), case)],
                )
            })
            .collect(),
    );
    let def = WorkflowDef {
        name: "weird \"name\" | <b>".into(),
        description: Some("```mermaid\nflowchart TD\n  broken[\"\n```".into()),
        tasks: nasty
            .iter()
            .map(|name| simple(name, name))
            .chain([switch])
            .collect(),
        ..WorkflowDef::default()
    };
    let task_def = TaskDef {
        name: "a\"b".into(),
        description: Some("| not | a | table |\n|---|---|---|".into()),
        ..TaskDef::default()
    };
    let definitions = conductor_docs::Definitions::new(vec![(&def, None)], vec![(&task_def, None)]);
    let generated = conductor_docs::generate(&conductor_dsl::schema::dsl_schema(), &definitions);
    let temp = tempfile::tempdir().expect("temp dir");
    write_pages(temp.path(), &generated);
    let pages = read_tree(temp.path());
    assert_tasks_in_flowcharts(&pages, &[&def]);
    assert_links_resolve(temp.path(), &pages);
    // The description's fence is escaped: the page has exactly one diagram, the flowchart.
    let expected = count_diagrams(&pages);
    assert_eq!(expected, 1);
    assert_eq!(validate_mermaid(temp.path()), expected);
}

#[test]
fn a_workflow_too_large_for_mermaid_is_listed_without_a_flowchart() {
    let def = WorkflowDef {
        name: "huge".into(),
        tasks: (0..600)
            .map(|idx| simple(&format!("step_{idx}"), "work"))
            .collect(),
        ..WorkflowDef::default()
    };
    let definitions = conductor_docs::Definitions::new(vec![(&def, None)], vec![]);
    let pages = conductor_docs::catalogue::catalogue(&definitions);
    let page = &pages
        .iter()
        .find(|page| page.path == "workflows/huge.md")
        .expect("page")
        .content;
    assert!(!page.contains("```mermaid"));
    assert!(
        page.contains("The flowchart is left out: with 601 edges"),
        "{page}"
    );
    assert!(page.contains("| `step_599` |"));
}

/// The (name, version) of every workflow in a Conductor JSON file.
fn workflow_identities(file: &Path) -> Vec<(String, i64)> {
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("JSON");
    let items = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    items
        .iter()
        .filter(|item| item.get("tasks").is_some())
        .filter_map(|item| {
            let name = item.get("name")?.as_str()?.to_owned();
            let version = item.get("version").and_then(|v| v.as_i64()).unwrap_or(1);
            Some((name, version))
        })
        .collect()
}

#[test]
fn documents_the_imported_corpus() {
    let corpus = repo_root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipping: no corpus at {}", corpus.display());
        return;
    }
    let mut files = Vec::new();
    for source in ["conductor-oss", "python-sdk"] {
        for folder in ["workflows", "taskdefs"] {
            let Ok(entries) = std::fs::read_dir(corpus.join(source).join(folder)) else {
                continue;
            };
            files.extend(
                entries
                    .map(|entry| entry.expect("entry").path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "json")),
            );
        }
    }
    files.sort();
    files.retain(|file| {
        let name = file.file_name().expect("name").to_string_lossy();
        !common::is_broken_corpus_file(&name)
    });
    assert!(files.len() >= 120, "{} corpus files", files.len());
    // The server's tests register some names twice; each group holds every name once, so that
    // each group is a project `check` accepts.
    #[derive(Default)]
    struct Group {
        identities: BTreeSet<(String, i64)>,
        files: Vec<PathBuf>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for file in files {
        let identities = workflow_identities(&file);
        let slot = groups
            .iter()
            .position(|group| identities.iter().all(|id| !group.identities.contains(id)));
        let slot = slot.unwrap_or_else(|| {
            groups.push(Group::default());
            groups.len() - 1
        });
        groups[slot].identities.extend(identities);
        groups[slot].files.push(file);
    }
    let temp = tempfile::tempdir().expect("temp dir");
    let mut diagrams_written = 0;
    let mut workflows_documented = 0;
    for (idx, group) in groups.iter().enumerate() {
        let imported = temp.path().join(format!("imported-{idx}"));
        let output = Command::cargo_bin("conductor-apply")
            .expect("binary")
            .arg("--color=never")
            .arg("import")
            .args(&group.files)
            .arg("--out")
            .arg(&imported)
            .output()
            .expect("import runs");
        assert_success(&output);
        let out = temp.path().join("docs").join(idx.to_string());
        assert_success(&docs(
            temp.path(),
            &[imported.to_str().expect("UTF-8")],
            &out,
        ));
        let pages = read_tree(&out);
        let compiled = compile(&imported);
        let defs: Vec<&WorkflowDef> = compiled.workflows.iter().map(|w| &w.def).collect();
        assert_tasks_in_flowcharts(&pages, &defs);
        assert_links_resolve(&out, &pages);
        diagrams_written += count_diagrams(&pages);
        workflows_documented += defs.len();
    }
    assert!(
        workflows_documented >= 110,
        "{workflows_documented} workflows"
    );
    assert_eq!(
        validate_mermaid(&temp.path().join("docs")),
        diagrams_written
    );
}
