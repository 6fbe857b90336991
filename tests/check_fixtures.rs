//! `check` through the binary on the fixtures under `tests/fixtures/check/`: every diagnostic
//! is annotated in its fixture, and every annotation is reported, with its code, severity and
//! exact range; the human output of each fixture is pinned by a snapshot.
//!
//! Annotations are YAML comments (style.md §4):
//! - a caret line under the offending line: `#      ^^^^^ error: CA401` marks the columns of
//!   the primary label on the nearest line above that is not itself an annotation;
//! - an explicit range, for places a caret line cannot reach (inside block scalars):
//!   `# expect: error CA501 at 12:5-12:6` (line:column of start and end, end exclusive).
//!
//! `# ok` comments document cases that must stay silent; any diagnostic there fails the test
//! because it is not annotated.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// One expected or reported diagnostic: code, severity and primary range (1-based line and
/// character column, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    start: (usize, usize),
    end: (usize, usize),
    severity: String,
    code: String,
}

fn annotations(text: &str) -> Vec<Expected> {
    let mut expected = Vec::new();
    let mut last_code_line = 0;
    for (idx, line) in text.lines().enumerate() {
        let number = idx + 1;
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("# expect: ") {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            let [severity, code, "at", range] = parts.as_slice() else {
                panic!("line {number}: malformed `# expect:` annotation: {line}");
            };
            let (start, end) = range.split_once('-').expect("start-end");
            let parse = |position: &str| {
                let (line, column) = position.split_once(':').expect("line:column");
                (line.parse().expect("line"), column.parse().expect("column"))
            };
            expected.push(Expected {
                start: parse(start),
                end: parse(end),
                severity: (*severity).to_owned(),
                code: (*code).to_owned(),
            });
            continue;
        }
        if let Some(after_hash) = trimmed.strip_prefix('#') {
            let carets = after_hash.trim_start();
            if carets.starts_with('^') {
                let column = line.chars().position(|c| c == '^').expect("caret") + 1;
                let width = carets.chars().take_while(|c| *c == '^').count();
                let label = carets[width..].trim();
                let (severity, code) = label.split_once(": ").unwrap_or_else(|| {
                    panic!("line {number}: expected `severity: CODE` after the carets")
                });
                expected.push(Expected {
                    start: (last_code_line, column),
                    end: (last_code_line, column + width),
                    severity: severity.to_owned(),
                    code: code.to_owned(),
                });
                continue;
            }
        }
        if !trimmed.is_empty() {
            last_code_line = number;
        }
    }
    expected.sort();
    expected
}

fn reported(path: &Path) -> Vec<Expected> {
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .args(["--format", "json", "check"])
        .arg(path)
        .output()
        .expect("run");
    let document: Value = serde_json::from_slice(&output.stdout).expect("json output");
    let mut reported: Vec<Expected> = document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|diagnostic| {
            let location = &diagnostic["location"];
            let position = |key: &str| {
                (
                    location[key]["line"].as_u64().expect("line") as usize,
                    location[key]["column"].as_u64().expect("column") as usize,
                )
            };
            Expected {
                start: position("start"),
                end: position("end"),
                severity: diagnostic["severity"]
                    .as_str()
                    .expect("severity")
                    .to_owned(),
                code: diagnostic["code"].as_str().expect("code").to_owned(),
            }
        })
        .collect();
    reported.sort();
    reported
}

fn human(relative: &str) -> String {
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .args(["--color", "never", "check", relative])
        .output()
        .expect("run");
    format!(
        "exit code: {}\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn fixtures_report_exactly_their_annotations() {
    insta::glob!("fixtures/check/**/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let expected = annotations(&text);
        let reported = reported(path);
        assert_eq!(
            reported,
            expected,
            "{}: reported (left) differs from the annotations (right)",
            path.display()
        );
        let relative = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .expect("fixture below the package")
            .to_string_lossy()
            .replace('\\', "/");
        insta::assert_snapshot!(human(&relative));
    });
}

/// The example workflows stay clean (style.md §4: the clean corpus stays clean): no
/// diagnostic at all, not even a warning.
#[test]
fn example_workflows_have_no_diagnostics() {
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never", "check", "workflows"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.starts_with("no problems found in "), "{stderr}");
}
