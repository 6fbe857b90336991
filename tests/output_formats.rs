//! The machine formats of `check` through the binary: the SARIF log validates against the
//! official SARIF 2.1.0 schema, and every `--format github` line is a GitHub Actions workflow
//! command (`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`).

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// The fixtures with the most varied diagnostics: errors, warnings, several files.
const FIXTURES: &[&str] = &[
    "tests/fixtures/check/expressions/order.yaml",
    "tests/fixtures/check/scripts/javascript.yaml",
    "tests/fixtures/check/cross_resource/references.yaml",
];

fn check(format: &str) -> String {
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--format", format, "check"])
        .args(FIXTURES)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "the fixtures have errors");
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The OASIS schema, with the one defect that `crates/conductor-diagnostics/tests/render.rs`
/// repairs (a stray `]` in the `language` pattern, which we never write).
fn sarif_validator() -> jsonschema::Validator {
    let text =
        include_str!("../crates/conductor-diagnostics/tests/fixtures/sarif-schema-2.1.0.json")
            .replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
            );
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    jsonschema::options()
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_output_validates_against_the_sarif_schema() {
    let log: Value = serde_json::from_str(&check("sarif")).expect("SARIF is JSON");
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() >= 10, "the fixtures yield many results");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for code in [
        "CA405", "CA406", "CA501", "CA502", "CA503", "CA601", "CA602",
    ] {
        assert!(
            rules.iter().any(|rule| rule["id"] == code),
            "{code} is described in tool.driver.rules"
        );
        assert!(
            results.iter().any(|result| result["ruleId"] == code),
            "{code} is among the results"
        );
    }
}

/// A parsed workflow command: the command, its properties and its message.
type WorkflowCommand<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);

/// Parses `::command key=value,key=value::message`; `None` when the line is not one.
fn workflow_command(line: &str) -> Option<WorkflowCommand<'_>> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|property| !property.is_empty())
        .map(|property| property.split_once('='))
        .collect::<Option<Vec<_>>>()?;
    Some((command, properties, message))
}

#[test]
fn github_output_is_workflow_commands() {
    let text = check("github");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 10, "one line per diagnostic");
    for line in lines {
        let (command, properties, message) =
            workflow_command(line).unwrap_or_else(|| panic!("not a workflow command: {line}"));
        assert!(
            ["error", "warning", "notice"].contains(&command),
            "unknown command in {line}"
        );
        let keys: Vec<&str> = properties.iter().map(|(key, _)| *key).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
        for (key, value) in &properties {
            if ["line", "col", "endLine", "endColumn"].contains(key) {
                assert!(value.parse::<u32>().is_ok_and(|n| n > 0), "{key} in {line}");
            }
            // Property values escape `%`, CR, LF, `:` and `,`.
            assert!(!value.contains([':', ',', '\n', '\r']), "{key} in {line}");
        }
        assert!(
            properties
                .iter()
                .any(|(key, value)| *key == "file" && value.starts_with("tests/fixtures/check/")),
            "{line}"
        );
        // Message data escapes `%`, CR and LF.
        assert!(!message.contains(['\n', '\r']), "{line}");
        assert!(!message.is_empty(), "{line}");
    }
}

/// `--format gitlab` is a GitLab Code Quality report: a JSON array whose every issue has the
/// fields GitLab reads, a severity of GitLab's scale, a relative path to the file with the
/// problem and the line of it, and a fingerprint of its own (GitLab shows one issue per
/// fingerprint) that does not change between runs.
#[test]
fn gitlab_output_is_a_code_quality_report() {
    let text = check("gitlab");
    let report: Value = serde_json::from_str(&text).expect("the report is JSON");
    let issues = report.as_array().expect("an array of issues");
    assert!(issues.len() >= 10, "the fixtures yield many issues");
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[field].is_string(), "{field} in {issue}");
        }
        assert!(
            ["info", "minor", "major"].contains(&issue["severity"].as_str().unwrap_or_default()),
            "{issue}"
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap_or_default().to_owned()));
        let path = issue["location"]["path"].as_str().expect("path");
        assert!(
            FIXTURES.contains(&path),
            "{path} is one of the files checked, as given"
        );
        let line = issue["location"]["positions"]["begin"]["line"]
            .as_u64()
            .expect("line");
        let file = std::fs::read_to_string(path).expect("the file");
        assert!(
            line >= 1 && line as usize <= file.lines().count(),
            "{issue}"
        );
    }
    assert!(issues.iter().any(|issue| issue["severity"] == "major"));
    assert!(issues.iter().any(|issue| issue["severity"] == "minor"));
    assert!(
        issues.iter().any(|issue| issue["content"]["body"]
            .as_str()
            .is_some_and(|body| body.starts_with("help: "))),
        "the help is in the body"
    );
    assert_eq!(check("gitlab"), text, "the same report every run");
}
