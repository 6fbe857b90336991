//! The catalogue is tested (style.md §4): for every code that `check` reports, the failing
//! example of its explanation page yields that code and no other, and its passing example
//! yields no diagnostic at all, through the binary. Plan, import and test (CA0xx) codes are exercised by the tests of
//! their commands, since `check` cannot produce them.

mod common;

use common::Sandbox;
use conductor_diagnostics::{Code, ExampleKind, Stage};

#[test]
fn every_check_code_has_a_failing_and_a_passing_example_that_behave() {
    let mut problems = Vec::new();
    let mut tested = 0;
    for &code in Code::ALL {
        let info = code.info();
        if info.removed || matches!(info.stage, Stage::Plan | Stage::Import | Stage::Test) {
            continue;
        }
        for example in info.examples() {
            let sandbox = Sandbox::new();
            sandbox.write("example.yaml", example.bytes());
            // Server-version codes are examples for a 3.21.14 server (their pages say so).
            let mut args = vec!["check", "--format", "json", "example.yaml"];
            if info.stage == Stage::ServerVersion {
                args.extend(["--server-version", "3.21.14"]);
            }
            let report = sandbox.run(&args).json();
            let codes: Vec<String> = report["diagnostics"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|diagnostic| diagnostic["code"].as_str().unwrap_or_default().to_owned())
                .collect();
            match example.kind {
                ExampleKind::Fail
                    if codes.is_empty() || !codes.iter().all(|found| found == info.code) =>
                {
                    problems.push(format!(
                        "{}: the failing example yields {codes:?}",
                        info.code
                    ))
                }
                ExampleKind::Pass if !codes.is_empty() => problems.push(format!(
                    "{}: the passing example yields {codes:?}",
                    info.code
                )),
                _ => {}
            }
            tested += 1;
        }
    }
    assert!(tested >= 80, "only {tested} examples tested");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn explain_prints_the_page_of_a_code_or_name() {
    let sandbox = Sandbox::new();
    let by_code = sandbox.run(&["explain", "CA301"]);
    assert_eq!(by_code.code, 0);
    assert!(
        by_code.stdout.contains("duplicate-task-reference"),
        "{}",
        by_code.stdout
    );
    assert!(
        by_code.stdout.contains("## How to fix it"),
        "{}",
        by_code.stdout
    );
    let by_name = sandbox.run(&["explain", "duplicate-task-reference"]);
    assert_eq!(by_name.stdout, by_code.stdout);
    let list = sandbox.run(&["explain", "--list"]);
    assert!(
        list.stdout.lines().count() >= Code::ALL.len(),
        "{}",
        list.stdout
    );
    let unknown = sandbox.run(&["explain", "CA999"]);
    assert_eq!(unknown.code, 3);
}
