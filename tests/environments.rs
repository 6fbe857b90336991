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
fn the_plan_names_the_environment_it_was_made_for() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let sandbox = project();
    let url = server.base_url();
    let plan = |format: &str, env: Option<&str>| {
        let mut args = vec!["--format", format, "plan", "--server", &url];
        if let Some(env) = env {
            args.extend(["--env", env]);
        }
        let run = run_against(sandbox.path(), &url, &args, &[]);
        assert_eq!(run.code, 0, "{format} {env:?}: {}", run.stderr);
        run.stdout
    };

    let human = plan("human", Some("staging"));
    assert!(
        human.starts_with("Environment: staging\nPlan: 1 to add, 0 to change, 0 to destroy."),
        "{human}"
    );
    let markdown = plan("markdown", Some("staging"));
    assert!(
        markdown
            .starts_with("### conductor-apply plan for environment `staging`\n\n**Plan: 1 to add"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&plan("json", Some("staging"))).unwrap();
    assert_eq!(json["environment"], "staging");

    // Without `--env`, none is named.
    let human = plan("human", None);
    assert!(human.starts_with("Plan: 1 to add"), "{human}");
    assert!(!human.contains("Environment"), "{human}");
    let markdown = plan("markdown", None);
    assert!(
        markdown.starts_with("### conductor-apply plan\n\n"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&plan("json", None)).unwrap();
    assert!(json.get("environment").is_none(), "{json}");

    // A saved plan keeps it: `apply FILE` shows the plan for the environment it was made for,
    // and an edited name breaks the seal.
    let saved = run_against(
        sandbox.path(),
        &url,
        &[
            "plan",
            "--server",
            &url,
            "--env",
            "production",
            "--out",
            "plan.json",
        ],
        &[],
    );
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let plan_path = sandbox.path().join("plan.json");
    let original = std::fs::read_to_string(&plan_path).unwrap();
    let mut edited: Value = serde_json::from_str(&original).unwrap();
    assert_eq!(edited["environment"], "production");
    edited["environment"] = Value::from("staging");
    std::fs::write(&plan_path, edited.to_string()).unwrap();
    let refused = run_against(
        sandbox.path(),
        &url,
        &["apply", "--server", &url, "plan.json"],
        &[],
    );
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stderr.contains("nothing was applied"),
        "{}",
        refused.stderr
    );
    std::fs::write(&plan_path, original).unwrap();
    let applied = run_against(
        sandbox.path(),
        &url,
        &["apply", "--server", &url, "plan.json"],
        &[],
    );
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied.stdout.starts_with("Environment: production\n"),
        "{}",
        applied.stdout
    );
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

/// A problem found in a string after a `((name))` replaced by a value of another length is
/// underlined in the file where it is written: each environment's value shifts the string
/// differently, the diagnostic stays on `${prise...}`.
#[test]
fn a_problem_after_a_replaced_name_is_underlined_where_it_is_written() {
    let sandbox = project();
    sandbox.write(
        "workflows/orders.yaml",
        "\
workflow: orders
ownerEmail: ((ownerEmail))
tasks:
  - ref: price
    inline:
      expression: \"42\"
  - ref: notify
    http:
      uri: https://((notifyHost))/o/${prise.output.result}
      method: GET
",
    );
    // `${prise` starts at column 37 of line 9; `prise` at 39.
    for environment in [None, Some("staging"), Some("production")] {
        let mut args = vec!["--format", "json", "check"];
        if let Some(environment) = environment {
            args.extend(["--env", environment]);
        }
        let run = sandbox.run(&args);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        let found: Vec<(String, u64, u64)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|diagnostic| {
                let start = &diagnostic["location"]["start"];
                (
                    diagnostic["code"].as_str().unwrap().to_owned(),
                    start["line"].as_u64().unwrap(),
                    start["column"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![("CA401".to_owned(), 9, 39)],
            "{environment:?}: {}",
            run.stdout
        );
    }
}
