//! `conductor-apply test`: the test file format's diagnostics, each kind of expectation,
//! coverage and the three output formats, through the binary.

#![allow(clippy::unwrap_used)] // Test code: a failure here is a failed test.

mod common;

use common::{Sandbox, repo_root};
use serde_json::Value;

/// A workflow with a SWITCH, a loop, a script, a variable and a fork.
const ORDERS: &str = "\
workflow: orders
version: 1
ownerEmail: team@example.com
inputs: [tier, amount]
tasks:
  - ref: route
    switch: ${workflow.input.tier}
    cases:
      premium:
        - ref: discount
          inline:
            expression: \"({ amount: $.amount * 0.9 })\"
          input: {amount: '${workflow.input.amount}'}
    default:
      - ref: full_price
        noop: {}
  - ref: remember
    setVariable: {tier: '${workflow.input.tier}'}
  - ref: charge
    task: charge
    input: {amount: '${workflow.input.amount}'}
  - ref: checks
    fork:
      - - ref: fraud
          task: fraud
      - - ref: stock
          task: stock
output:
  charged: ${charge.output.charged}
  discounted: ${discount.output.result.amount}
---
task: charge
ownerEmail: team@example.com
retry: {count: 1}
---
task: fraud
ownerEmail: team@example.com
---
task: stock
ownerEmail: team@example.com
";

const MOCKS: &str = "\
mocks:
  charge: {output: {charged: 90}}
  fraud: {output: {score: 1}}
  stock: {output: {}}
";

fn sandbox(tests: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", "files: [\"workflows/*.yaml\"]\n");
    sandbox.write("workflows/orders.yaml", ORDERS);
    sandbox.write("workflows/orders.test.yaml", tests);
    sandbox
}

#[test]
fn the_example_workflows_tests_pass() {
    let output = common::conductor_apply()
        .current_dir(repo_root())
        .args(["test", "--coverage"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
    assert!(stdout.contains("dsl_kitchensink: tasks 38/38"), "{stdout}");
}

#[test]
fn a_passing_case_and_its_outputs_in_three_formats() {
    let sandbox = sandbox(&format!(
        "test: premium is discounted\nworkflow: orders\ninput: {{tier: premium, amount: 100}}\n{MOCKS}expect:\n  status: COMPLETED\n  output: {{charged: 90, discounted: 90}}\n  variables: {{tier: premium}}\n  switch: {{route: premium}}\n  tasks: [route, discount, remember, charge, checks, fraud, stock, checks_join]\n  tasksInAnyOrder: [checks_join, stock, fraud, checks, charge, remember, discount, route]\n  notRun: [full_price]\n  taskOutputs:\n    checks_join: {{fraud: {{score: 1}}}}\n"
    ));
    let human = sandbox.run(&["test"]);
    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    assert!(
        human
            .stdout
            .contains("PASS workflows/orders.test.yaml · premium is discounted (orders)"),
        "{}",
        human.stdout
    );
    let json = sandbox.run(&["--format", "json", "test", "--junit", "out/junit.xml"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report = json.json();
    assert_eq!(report["summary"]["passed"], 1);
    assert_eq!(report["cases"][0]["result"], "passed");
    assert_eq!(report["cases"][0]["execution"]["status"], "COMPLETED");
    assert_eq!(
        report["cases"][0]["execution"]["tasks"][1]["input"]["amount"],
        100
    );
    let junit = std::fs::read_to_string(sandbox.path().join("out/junit.xml")).unwrap();
    assert!(
        junit.contains(
            r#"<testsuites name="conductor-apply test" tests="1" failures="0" errors="0""#
        ),
        "{junit}"
    );
    assert!(
        junit.contains(
            r#"<testcase classname="workflows/orders.test.yaml" name="premium is discounted""#
        ),
        "{junit}"
    );
}

#[test]
fn every_kind_of_expectation_fails_at_its_line_with_expected_and_actual() {
    let sandbox = sandbox(&format!(
        "test: everything is wrong\nworkflow: orders\ninput: {{tier: basic, amount: 100}}\n{MOCKS}expect:\n  status: FAILED\n  output: {{charged: 80}}\n  outputExactly: {{charged: 90}}\n  reason: boom\n  variables: {{tier: premium}}\n  tasks: [route]\n  tasksInAnyOrder: [route]\n  notRun: [full_price]\n  switch: {{route: premium}}\n  taskOutputs:\n    charge: {{charged: 1}}\n"
    ));
    let result = sandbox.run(&["test"]);
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert!(result.stdout.contains("FAIL "), "{}", result.stdout);
    for (message, line) in [
        ("expected status FAILED, got COMPLETED", 9),
        ("the output differs at `charged`: expected 80, got 90", 10),
        ("expected the output {\"charged\":90}, got", 11),
        ("expected a reason containing \"boom\", got \"\"", 12),
        (
            "the variables differ at `tier`: expected \"premium\", got \"basic\"",
            13,
        ),
        (
            "expected the tasks [route], ran [route, full_price, remember",
            14,
        ),
        ("expected the tasks {route} in any order", 15),
        ("`full_price` ran, and was expected not to", 16),
        (
            "expected `route` to take case `premium`, it took `default`",
            17,
        ),
        (
            "the output of `charge` differs at `charged`: expected 1, got 90",
            19,
        ),
    ] {
        assert!(
            result.stderr.contains(message),
            "{message}:\n{}",
            result.stderr
        );
        assert!(
            result
                .stderr
                .contains(&format!("workflows/orders.test.yaml:{line}:")),
            "line {line} for {message}:\n{}",
            result.stderr
        );
    }
    assert_eq!(
        result.stderr.matches("CA003").count(),
        10,
        "{}",
        result.stderr
    );
}

#[test]
fn the_file_format_is_checked_with_positions_and_suggestions() {
    let sandbox = sandbox(
        "test: misspelt key\nworkflow: orders\nmokcs: {}\nexpect: {status: COMPLETED}\n---\ntest: bad status\nworkflow: orders\nexpect: {status: DONE}\n---\ntest: unknown workflow\nworkflow: order\nexpect: {}\n---\ntest: unknown reference\nworkflow: orders\nmocks:\n  chrage: {output: {}}\nexpect: {}\n---\ntest: a mock is missing\nworkflow: orders\ninput: {tier: basic}\nmocks:\n  charge: {output: {charged: 1}}\nexpect: {}\n",
    );
    let result = sandbox.run(&["test"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    for expected in [
        "workflows/orders.test.yaml:3:1",
        "did you mean `mocks`",
        "workflows/orders.test.yaml:8:",
        "DONE",
        "CA001",
        "the project has no workflow `order`",
        "did you mean `orders`",
        "CA002",
        "workflow `orders` has no task `chrage`",
        "did you mean `charge`",
        "CA004",
        "task `fraud` (SIMPLE) has no mock",
    ] {
        assert!(
            result.stderr.contains(expected),
            "{expected}:\n{}",
            result.stderr
        );
    }
}

#[test]
fn a_list_of_outcomes_is_used_once_each() {
    let sandbox = sandbox(
        "test: charge fails twice, one retry\nworkflow: orders\ninput: {tier: basic}\nmocks:\n  charge: [{status: FAILED}]\n  fraud: {output: {}}\n  stock: {output: {}}\nexpect: {status: FAILED}\n",
    );
    let result = sandbox.run(&["test"]);
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert!(
        result
            .stderr
            .contains("task `charge` ran more often than its 1 outcome(s)"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("workflows/orders.test.yaml:5:3"),
        "{}",
        result.stderr
    );
}

#[test]
fn what_the_simulator_cannot_follow_fails_the_case() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "flow.yaml",
        "workflow: filtered\nversion: 1\nownerEmail: t@example.com\ntasks:\n  - ref: pick\n    inline:\n      expression: \"1\"\n    input:\n      ok: ${workflow.input.items[?(@.ok == true)]}\n",
    );
    sandbox.write(
        "flow.test.yaml",
        "test: a filter\nworkflow: filtered\ninput: {items: []}\nexpect: {status: COMPLETED}\n",
    );
    let result = sandbox.run(&["test"]);
    assert_eq!(result.code, 1, "{}", result.stdout);
    assert!(
        result.stdout.contains("ERROR flow.test.yaml · a filter"),
        "{}",
        result.stdout
    );
    assert!(
        result.stderr.contains("not simulated: the JSONPath"),
        "{}",
        result.stderr
    );
}

#[test]
fn coverage_lists_what_no_case_reached_in_text_and_json() {
    let sandbox = sandbox(&format!(
        "test: basic pays full price\nworkflow: orders\ninput: {{tier: basic, amount: 100}}\n{MOCKS}expect: {{status: COMPLETED}}\n"
    ));
    let text = sandbox.run(&["test", "--coverage"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    for line in [
        "orders: tasks 8/9, switch cases 1/2, fork branches 2/2",
        "- task discount",
        "- case route → premium",
    ] {
        assert!(text.stdout.contains(line), "{line}:\n{}", text.stdout);
    }
    let json = sandbox
        .run(&["--format", "json", "test", "--coverage"])
        .json();
    let orders: &Value = json["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["workflow"] == "orders")
        .unwrap();
    assert_eq!(orders["tasks"]["missed"], serde_json::json!(["discount"]));
    assert_eq!(
        orders["switchCases"]["missed"],
        serde_json::json!([{"switch": "route", "case": "premium"}])
    );
}

#[test]
fn no_test_files_is_an_error_and_test_files_are_not_definitions() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "flow.yaml",
        "workflow: w\nversion: 1\nownerEmail: t@example.com\ntasks: [{ref: a, noop: {}}]\n",
    );
    let none = sandbox.run(&["test"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("no test files"), "{}", none.stderr);
    sandbox.write(
        "flow.test.yaml",
        "test: it runs\nworkflow: w\nexpect: {status: COMPLETED, tasks: [a]}\n",
    );
    let checked = sandbox.run(&["check"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    let ran = sandbox.run(&["test"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
}

#[test]
fn check_validates_test_files_at_their_lines() {
    let sandbox = sandbox(
        "test: fine\nworkflow: orders\nexpect: {status: COMPLETED}\n---\ntest: a misspelt workflow\nworkflow: order\nexpect: {status: COMPLETED}\n---\ntest: a misspelt reference\nworkflow: orders\nmocks:\n  chrage: {output: {}}\nexpect: {status: COMPLETED}\n---\ntest: a misspelt key\nworkflow: orders\nexpct: {status: COMPLETED}\n",
    );
    let whole = sandbox.run(&["check"]);
    assert_eq!(whole.code, 1, "{}{}", whole.stdout, whole.stderr);
    let report = format!("{}{}", whole.stdout, whole.stderr);
    for expected in [
        "CA001",
        "workflows/orders.test.yaml:6:11",
        "did you mean `orders`?",
        "CA002",
        "workflows/orders.test.yaml:12:3",
        "did you mean `charge`?",
        "CA201",
        "workflows/orders.test.yaml:17:1",
        "did you mean `expect`?",
    ] {
        assert!(report.contains(expected), "{expected} missing:\n{report}");
    }
    // One test file on its own is checked against the project's workflows, in JSON too.
    let one = sandbox.run(&["--format", "json", "check", "workflows/orders.test.yaml"]);
    assert_eq!(one.code, 1, "{}{}", one.stdout, one.stderr);
    let json: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["severity"] == "error")
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["CA001", "CA002", "CA201"], "{}", one.stdout);
    // Fixed, the files check clean.
    sandbox.write(
        "workflows/orders.test.yaml",
        "test: fine\nworkflow: orders\nmocks:\n  charge: {output: {}}\nexpect: {status: COMPLETED}\n",
    );
    let clean = sandbox.run(&["check"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
}

/// The differential corpus of `tests/simulator` (which `tests/real_servers.rs` also runs on
/// real servers) passes offline, without a server: every fix it led to stays fixed where Java
/// is missing too. The cases on the shared corpus need `../shared/corpus`.
#[test]
fn the_differential_corpus_passes_offline() {
    let corpus = common::prepared_differential_corpus();
    let output = common::conductor_apply()
        .current_dir(corpus.dir.path())
        .args(["--format", "json", "test"])
        .args(corpus.test_files.iter().map(|(file, _)| file))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let cases = report["cases"].as_array().unwrap();
    let expected = if common::corpus_dir().is_some() {
        58
    } else {
        11
    };
    assert_eq!(cases.len(), expected, "{stdout}");
    assert!(
        cases.iter().all(|case| case["result"] == "passed"),
        "{stdout}"
    );
}
