//! Environment overlays through the binary: `((name))` replaced by the project file's values
//! for the `--env` environment in `check`, `compile`, `plan` and `docs`; a name without a
//! value is CA110 at its line with a did-you-mean.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use common::{Sandbox, run_against};
use conductor_testserver::{ServerConfig, start};
use serde_json::Value;

const PROJECT: &str = "\
project: shop
files: [\"workflows/*.yaml\"]
values:
  notifyHost: notify.example.com
  ownerEmail: orders@example.com
  ordersVersion: 3
environments:
  staging:
    server: http://127.0.0.1:1/api
    values:
      notifyHost: notify.staging.example.com
      ordersVersion: 4
  production:
    values:
      pagerTopic: orders-pager
";

const ORDERS: &str = "\
workflow: orders
version: ((ordersVersion))
ownerEmail: ((ownerEmail))
inputs: [orderId]
tasks:
  - ref: notify
    http:
      uri: https://((notifyHost))/orders/${workflow.input.orderId}
      method: POST
  - ref: script
    inline:
      evaluatorType: graaljs
      expression: \"((1 + 2)) > 0\"
";

fn project() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", PROJECT);
    sandbox.write("workflows/orders.yaml", ORDERS);
    sandbox
}

fn compiled(sandbox: &Sandbox, name: &str) -> Value {
    let text = std::fs::read_to_string(sandbox.path().join("build/workflows").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn values_replace_names_with_their_type_and_environments_override_them() {
    let sandbox = project();
    let run = sandbox.run(&["check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, "no problems found in 1 file\n")
    );

    let run = sandbox.run(&["compile", "--out", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let orders = compiled(&sandbox, "orders.v3.json");
    assert_eq!(
        orders["version"], 3,
        "a whole `((name))` keeps the value's type"
    );
    assert_eq!(orders["ownerEmail"], "orders@example.com");
    assert_eq!(
        orders["tasks"][0]["inputParameters"]["http_request"]["uri"],
        "https://notify.example.com/orders/${workflow.input.orderId}",
        "spliced into a string; Conductor's ${{...}} untouched"
    );
    assert_eq!(
        orders["tasks"][1]["inputParameters"]["expression"], "((1 + 2)) > 0",
        "a `((` without a name is left alone"
    );

    let run = sandbox.run(&["compile", "--env", "staging", "--out", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let orders = compiled(&sandbox, "orders.v4.json");
    assert_eq!(
        orders["tasks"][0]["inputParameters"]["http_request"]["uri"],
        "https://notify.staging.example.com/orders/${workflow.input.orderId}"
    );
    assert!(
        !sandbox
            .path()
            .join("build/workflows/orders.v3.json")
            .exists(),
        "the other environment's file was removed"
    );

    let unknown = sandbox.run(&["compile", "--env", "qa", "--out", "build"]);
    assert_eq!(unknown.code, 3);
    assert!(
        unknown.stderr.contains("unknown environment `qa`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn a_name_without_a_value_is_ca110_at_its_place_with_a_did_you_mean() {
    let sandbox = project();
    sandbox.write(
        "workflows/orders.yaml",
        ORDERS.replace("https://((notifyHost))", "https://((notifyHst))"),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("CA110 unknown-value"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown value `notifyHst`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[workflows/orders.yaml:8:20]"),
        "the name's own place: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `notifyHost`?"),
        "{}",
        run.stderr
    );

    sandbox.write(
        "workflows/orders.yaml",
        ORDERS.replace(
            "method: POST",
            "method: POST\n      body: {topic: ((pagerTopic))}",
        ),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("`pagerTopic` has a value only in environment `production`"),
        "{}",
        run.stderr
    );
    let run = sandbox.run(&["check", "--env", "staging"]);
    assert!(
        run.stderr
            .contains("`pagerTopic` has no value in environment `staging`"),
        "{}",
        run.stderr
    );
    let run = sandbox.run(&["check", "--env", "production"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn plan_compares_the_environments_values_with_the_server() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let sandbox = project();
    let run = run_against(
        sandbox.path(),
        &server.base_url(),
        &[
            "--format",
            "json",
            "plan",
            "--server",
            &server.base_url(),
            "--env",
            "staging",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = run.stdout;
    assert!(
        plan.contains("https://notify.staging.example.com/orders/"),
        "{plan}"
    );
    assert!(!plan.contains("((notifyHost))"), "{plan}");
}

#[test]
fn value_names_in_the_project_file_are_checked() {
    let sandbox = project();
    sandbox.write(
        "conductor-apply.yaml",
        PROJECT.replace(
            "  ownerEmail: orders@example.com",
            "  owner email: orders@example.com",
        ),
    );
    let run = sandbox.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`owner email` is not a value name"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[conductor-apply.yaml:5:3]"),
        "{}",
        run.stderr
    );
}
