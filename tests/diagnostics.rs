//! Diagnostics through the binary: each fixture under `tests/fixtures/diagnostics/` declares
//! the diagnostics it must produce in `# expect: CODE line:column` comments (none: `# ok`). The
//! test asserts exactly those codes at exactly those positions, and snapshots the human report.

mod common;

use common::{Found, Sandbox, found};

/// The `# expect:` lines of a fixture, as (code, line:column).
fn expectations(source: &str) -> Vec<(String, String)> {
    let mut expected: Vec<(String, String)> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("# expect:"))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let code = parts.next().expect("a code").to_owned();
            let at = parts.next().expect("a line:column").to_owned();
            (code, at)
        })
        .collect();
    expected.sort();
    expected
}

#[test]
fn fixtures_report_exactly_their_expected_diagnostics() {
    insta::glob!("fixtures/diagnostics/*.yaml", |path| {
        let source = std::fs::read_to_string(path).expect("read fixture");
        let expected = expectations(&source);
        let sandbox = Sandbox::new();
        sandbox.write("fixture.yaml", &source);
        let json = sandbox.run(&["check", "--format", "json", "fixture.yaml"]);
        let actual: Vec<(String, String)> = found(&json.json())
            .into_iter()
            .map(|Found { code, at, .. }| (code, at))
            .collect();
        assert_eq!(actual, expected, "{}", path.display());
        let errors = expected.iter().any(|(code, _)| {
            conductor_diagnostics::Code::from_code(code)
                .is_some_and(|code| code.info().severity == conductor_diagnostics::Severity::Error)
        });
        assert_eq!(json.code, if errors { 1 } else { 0 }, "{}", path.display());
        let human = sandbox.run(&["check", "fixture.yaml"]);
        insta::assert_snapshot!(format!("exit: {}\n{}", human.code, human.stderr));
    });
}

#[test]
fn duplicate_task_reference_points_at_both() {
    let sandbox = Sandbox::new();
    let source = std::fs::read_to_string(
        common::repo_root().join("tests/fixtures/diagnostics/duplicate_task_reference.yaml"),
    )
    .expect("fixture");
    sandbox.write("fixture.yaml", source);
    let report = sandbox
        .run(&["check", "--format", "json", "fixture.yaml"])
        .json();
    let labels = &report["diagnostics"][0]["labels"];
    let starts: Vec<String> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|label| {
            format!(
                "{}:{}",
                label["location"]["start"]["line"], label["location"]["start"]["column"]
            )
        })
        .collect();
    assert_eq!(starts, ["11:16", "5:10"]);
}

#[test]
fn unknown_key_suggests_the_right_spelling() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "a.yaml",
        "workflow: a\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    noop: {}\n    taskReferenceName: a\n",
    );
    let report = sandbox.run(&["check", "--format", "json", "a.yaml"]).json();
    let help = report["diagnostics"][0]["help"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(help.contains("`ref`"), "{help}");
}

#[test]
fn many_problems_are_reported_in_one_run_with_a_summary() {
    let sandbox = Sandbox::new();
    sandbox.write("a.yaml", "workflow: a\nversion: x\ntasks: []\n");
    sandbox.write("b.yaml", "task: b\nretry: {count: -1}\n");
    let run = sandbox.run(&["check", "."]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("CA203"), "{}", run.stderr);
    assert!(run.stderr.contains("CA206"), "{}", run.stderr);
    assert!(run.stderr.contains("in 2 files"), "{}", run.stderr);
}

#[test]
fn non_utf8_files_are_reported_not_fatal() {
    let sandbox = Sandbox::new();
    sandbox.write("latin1.yaml", b"workflow: caf\xe9\ntasks: []\n");
    sandbox.write(
        "ok.yaml",
        "workflow: ok\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    noop: {}\n",
    );
    let report = sandbox.run(&["check", "--format", "json", "."]).json();
    let codes: Vec<Found> = found(&report);
    assert!(codes.iter().any(|found| found.code == "CA107"), "{codes:?}");
}

#[test]
fn a_missing_path_is_a_tool_failure() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["check", "does-not-exist"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("does-not-exist"), "{}", run.stderr);
}
