//! `--format` is refused, with the formats the command takes, where a command has no such
//! output, instead of being ignored; `apply --format markdown` prints Markdown only.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use common::{Sandbox, run_against};
use conductor_testserver::{ServerConfig, start};

#[test]
fn a_format_a_command_has_no_output_for_is_a_usage_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "a.yaml",
        "workflow: a\nownerEmail: a@example.com\ntasks:\n  - {ref: a, task: a}\n",
    );
    for (args, message) in [
        (
            &["--format", "markdown", "check", "a.yaml"][..],
            "error: `check` has no markdown output; --format takes human, json, github, sarif, gitlab here\n",
        ),
        (
            &["compile", "a.yaml", "--out", "out", "--format", "markdown"],
            "error: `compile` has no markdown output; --format takes human, json, github, sarif, gitlab here\n",
        ),
        (
            &["plan", "--format", "sarif"],
            "error: `plan` has no sarif output; --format takes human, json, markdown, github here\n",
        ),
        (
            &["schema", "--out", "s", "--format", "json"],
            "error: `schema` has no json output: it takes no --format\n",
        ),
        (
            &["--format", "github", "explain", "CA201"],
            "error: `explain` has no github output: it takes no --format\n",
        ),
    ] {
        let run = sandbox.run(args);
        assert_eq!((run.code, run.stderr.as_str()), (3, message), "{args:?}");
        assert_eq!(run.stdout, "");
    }
    assert!(!sandbox.path().join("out").exists(), "nothing was written");
    assert!(!sandbox.path().join("s").exists(), "nothing was written");
    assert_eq!(
        sandbox.run(&["--format", "human", "explain", "CA201"]).code,
        0
    );
}

#[test]
fn apply_with_markdown_prints_markdown_only() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", "project: md\nfiles: [\"*.yaml\"]\n");
    sandbox.write(
        "a.yaml",
        "workflow: a\nownerEmail: a@example.com\ntasks:\n  - {ref: a, task: a}\n---\ntask: a\nownerEmail: a@example.com\n",
    );
    let run = run_against(
        sandbox.path(),
        &server.base_url(),
        &["apply", "--auto-approve", "--format", "markdown"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("### conductor-apply plan\n"),
        "{}",
        run.stdout
    );
    let (_, report) = run
        .stdout
        .split_once("\n### conductor-apply apply\n\n```text\n")
        .unwrap_or_else(|| panic!("the outcome as a section:\n{}", run.stdout));
    assert!(
        report.contains("  + workflow `a` v1: created\n"),
        "{report}"
    );
    assert!(report.trim_end().ends_with("```"), "{report}");
    // Outside the fenced outcome, no line of the human plan.
    let before = run.stdout.split("```text").next().unwrap();
    assert!(!before.contains("\n  + "), "{before}");
}
