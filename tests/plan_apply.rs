//! `plan` and `apply` end to end: the built binary against the in-memory test server, started
//! here on 127.0.0.1 and a free port.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Run;
use conductor_client::{Client, ClientConfig};
use conductor_diagnostics::Code;
use conductor_testserver::{Auth, Faults, Rules, ServerConfig, ServerHandle, start};
use serde_json::Value;

const ORDERS: &str = "\
workflow: orders_flow
version: 1
ownerEmail: team@example.com
timeout: 60s
tasks:
  - ref: charge
    task: charge_card
    input: {orderId: \"${workflow.input.orderId}\"}
  - ref: ship
    task: ship_order
  - ref: notify
    task: notify_customer
---
task: charge_card
ownerEmail: team@example.com
retry: {count: 2}
";

fn server(config: ServerConfig) -> ServerHandle {
    start("127.0.0.1:0".parse().unwrap(), config).unwrap()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, server: &ServerHandle, args: &[&str]) -> Run {
    run_with_env(dir, &server.base_url(), args, &[])
}

fn run_with_env(dir: &Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    common::run_against(dir, url, args, env)
}

fn client(server: &ServerHandle) -> Client {
    Client::new(ClientConfig::new(&server.base_url()).unwrap()).unwrap()
}

fn field_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|line| line.starts_with("      "))
        .map(str::trim)
        .collect()
}

#[test]
fn create_from_empty_then_no_changes_in_two_requests() {
    let server = server(ServerConfig::default());
    let dir = project(&[("workflows/orders.yaml", ORDERS)]);
    let first = run(dir.path(), &server, &["plan", "--detailed-exitcode"]);
    assert_eq!(first.code, 2, "{}", first.stderr);
    assert!(
        first
            .stdout
            .starts_with("Plan: 2 to add, 0 to change, 0 to destroy."),
        "{}",
        first.stdout
    );
    let applied = run(dir.path(), &server, &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied
            .stdout
            .contains("Apply complete: 2 added, 0 changed, 0 destroyed.")
    );
    let before = server.stats();
    let again = run(dir.path(), &server, &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.starts_with("No changes."), "{}", again.stdout);
    let after = server.stats();
    assert_eq!(
        after.requests - before.requests,
        3,
        "plan reads the server's version, then the state in two requests"
    );
    assert_eq!(after.writes, before.writes, "plan never writes");
    // The stored workflow is stamped as managed.
    let stored = client(&server).get_workflow_def("orders_flow", 1).unwrap();
    assert_eq!(stored["metadata"]["conductor-apply"]["managed"], true);
}

#[test]
fn apply_without_terminal_or_approval_refuses() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    let refused = run(dir.path(), &server, &["apply"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("refusing to apply without confirmation"),
        "{}",
        refused.stderr
    );
    assert_eq!(server.stats().writes, 0);
}

#[test]
fn a_field_change_shows_only_that_field_and_an_insert_is_one_addition() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    write(
        dir.path(),
        "orders.yaml",
        &ORDERS.replace("timeout: 60s", "timeout: 120s"),
    );
    let changed = run(dir.path(), &server, &["plan", "--detailed-exitcode"]);
    assert_eq!(changed.code, 2);
    assert!(
        changed
            .stdout
            .contains("~ workflow `orders_flow` v1 (changed in git)  orders.yaml"),
        "{}",
        changed.stdout
    );
    assert_eq!(field_lines(&changed.stdout), ["~ timeoutSeconds: 60 → 120"]);
    let port = server.addr().port().to_string();
    insta::assert_snapshot!("field_change_human", changed.stdout.replace(&port, "PORT"));

    let inserted = ORDERS.replace(
        "  - ref: ship\n",
        "  - ref: reserve\n    task: reserve_stock\n  - ref: ship\n",
    );
    write(dir.path(), "orders.yaml", &inserted);
    let plan = run(dir.path(), &server, &["plan"]);
    let fields = field_lines(&plan.stdout);
    assert!(
        fields.contains(&"+ tasks[reserve]: SIMPLE task `reserve_stock`"),
        "{}",
        plan.stdout
    );
    assert_eq!(
        fields.len(),
        1,
        "the one task, nothing else: {}",
        plan.stdout
    );

    let json = run(dir.path(), &server, &["--format", "json", "plan"]);
    let document: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(document["format_version"], "1");
    assert_eq!(document["summary"]["change"], 1);
    assert_eq!(
        document["changes"][0]["fields"].as_array().unwrap().len(),
        1
    );
    let markdown = run(dir.path(), &server, &["--format", "markdown", "plan"]);
    assert!(
        markdown.stdout.starts_with("### conductor-apply plan"),
        "{}",
        markdown.stdout
    );
    assert!(markdown.stdout.contains("+ tasks[reserve]"));
}

#[test]
fn a_saved_plan_applies_and_a_stale_one_is_refused() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    let saved = run(dir.path(), &server, &["plan", "--out", "plan.json"]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    let applied = run(dir.path(), &server, &["apply", "plan.json"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(applied.stdout.contains("Apply complete: 2 added"));

    write(
        dir.path(),
        "orders.yaml",
        &ORDERS.replace("timeout: 60s", "timeout: 90s"),
    );
    assert_eq!(
        run(dir.path(), &server, &["plan", "--out", "plan.json"]).code,
        0
    );
    // Someone edits the workflow on the server after the plan was made.
    let client = client(&server);
    let mut edited = client.get_workflow_def("orders_flow", 1).unwrap();
    edited["description"] = Value::from("edited in the UI");
    client.update_workflow_defs(&[edited]).unwrap();
    let writes = server.stats().writes;
    let stale = run(dir.path(), &server, &["apply", "plan.json"]);
    assert_eq!(stale.code, 1);
    assert!(
        stale.stderr.contains("the saved plan is stale"),
        "{}",
        stale.stderr
    );
    assert!(
        stale
            .stderr
            .contains("workflow `orders_flow` v1 was changed on the server"),
        "{}",
        stale.stderr
    );
    assert_eq!(server.stats().writes, writes, "nothing written");
}

#[test]
fn a_server_side_edit_shows_as_drift() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    let client = client(&server);
    let mut edited = client.get_workflow_def("orders_flow", 1).unwrap();
    edited["timeoutSeconds"] = Value::from(7);
    client.update_workflow_defs(&[edited]).unwrap();
    let plan = run(dir.path(), &server, &["plan"]);
    assert!(
        plan.stdout.contains(
            "~ workflow `orders_flow` v1 (changed on the server since the last apply (drift))"
        ),
        "{}",
        plan.stdout
    );
    assert_eq!(field_lines(&plan.stdout), ["~ timeoutSeconds: 7 → 60"]);
    write(
        dir.path(),
        "orders.yaml",
        &ORDERS.replace("team@", "owners@"),
    );
    let both = run(dir.path(), &server, &["plan"]);
    assert!(
        both.stdout
            .contains("(changed in git and on the server since the last apply)"),
        "{}",
        both.stdout
    );
}

#[test]
fn prune_deletes_only_managed_in_scope_definitions_and_only_when_asked() {
    let server = server(ServerConfig::default());
    let extra = "workflow: orders_old\nversion: 1\nownerEmail: t@example.com\ntasks: [{ref: a, task: a}]\n---\nworkflow: other_old\nversion: 1\nownerEmail: t@example.com\ntasks: [{ref: a, task: a}]\n---\ntask: orders_task_old\nownerEmail: t@example.com\n";
    let dir = project(&[
        (
            "conductor-apply.yaml",
            "prune:\n  workflows: [\"orders_*\"]\n  taskDefs: [\"orders_*\"]\n",
        ),
        ("orders.yaml", ORDERS),
        ("extra.yaml", extra),
    ]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    // A workflow in scope that conductor-apply did not create (no stamp).
    let client = client(&server);
    client
        .register_workflow_def(&serde_json::json!({"name": "orders_manual", "tasks": [{"name": "a", "taskReferenceName": "a"}]}))
        .unwrap();
    std::fs::remove_file(dir.path().join("extra.yaml")).unwrap();
    let plan = run(dir.path(), &server, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "without --prune nothing is deleted: {}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("2 managed definitions in prune scope are not in the project"),
        "{}",
        plan.stdout
    );
    let planned = run(dir.path(), &server, &["plan", "--prune"]);
    assert!(
        planned
            .stdout
            .starts_with("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{}",
        planned.stdout
    );
    assert!(planned.stdout.contains("- workflow `orders_old` v1"));
    assert!(
        planned
            .stdout
            .contains("- task definition `orders_task_old`")
    );
    let applied = run(dir.path(), &server, &["apply", "--prune", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    let names: Vec<String> = client
        .list_workflow_defs()
        .unwrap()
        .iter()
        .map(|def| def["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["orders_flow", "orders_manual", "other_old"]);
    assert!(
        client
            .list_task_defs()
            .unwrap()
            .iter()
            .all(|def| def["name"] != "orders_task_old")
    );
}

#[test]
fn a_server_validation_error_points_at_the_yaml() {
    let server = server(ServerConfig {
        rules: Rules {
            owner_email_mandatory: true,
            workflow_name_validation: false,
        },
        ..ServerConfig::default()
    });
    // The failing example of CA701's explanation page is what the server rejects.
    let example = Code::ServerRejectedDefinition
        .info()
        .examples()
        .into_iter()
        .find(|example| example.needs_server)
        .unwrap();
    let dir = project(&[("workflows/report.yaml", example.yaml)]);
    let checked = run(dir.path(), &server, &["check"]);
    assert_eq!(
        checked.code, 0,
        "check alone does not flag it: {}",
        checked.stderr
    );
    let applied = run(dir.path(), &server, &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 1, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied.stderr.contains("CA701 server-rejected-definition"),
        "{}",
        applied.stderr
    );
    assert!(
        applied.stderr.contains("workflows/report.yaml:1:1"),
        "{}",
        applied.stderr
    );
    assert!(
        applied.stderr.contains("ownerEmail cannot be empty"),
        "{}",
        applied.stderr
    );
    assert!(
        applied
            .stdout
            .contains("rejected by the server: ownerEmail cannot be empty")
    );
    let fixed = run(dir.path(), &server, &["--format", "json", "check"]);
    assert_eq!(fixed.code, 0);
}

#[test]
fn running_executions_warn_or_refuse() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    client(&server)
        .start_workflow("orders_flow", 1, &serde_json::json!({}))
        .unwrap();
    write(
        dir.path(),
        "orders.yaml",
        &ORDERS.replace("timeout: 60s", "timeout: 61s"),
    );
    let refused = run(
        dir.path(),
        &server,
        &["apply", "--auto-approve", "--refuse-running"],
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("workflow `orders_flow` v1 has 1 running execution"),
        "{}",
        refused.stderr
    );
    let warned = run(dir.path(), &server, &["apply", "--auto-approve"]);
    assert_eq!(warned.code, 0);
    assert!(warned.stderr.contains("has 1 running execution"));
}

#[test]
fn tokens_are_used_and_secrets_never_printed() {
    const KEY: &str = "key-id-7f3a91";
    const SECRET: &str = "s3cret-value-b2c4e6";
    let server = server(ServerConfig {
        auth: Some(Auth {
            key_id: KEY.to_owned(),
            key_secret: SECRET.to_owned(),
            token_ttl: Some(Duration::from_millis(300)),
        }),
        ..ServerConfig::default()
    });
    let dir = project(&[("orders.yaml", ORDERS)]);
    let env = [
        ("CONDUCTOR_AUTH_KEY", KEY),
        ("CONDUCTOR_AUTH_SECRET", SECRET),
    ];
    let url = server.base_url();
    let mut outputs = Vec::new();
    let without = run(dir.path(), &server, &["plan"]);
    assert_eq!(without.code, 3, "no token, 401: {}", without.stderr);
    assert!(without.stderr.contains("401"), "{}", without.stderr);
    outputs.push(without);
    for args in [
        &["plan", "--out", "plan.json"][..],
        &["--format", "json", "plan"],
        &["--format", "markdown", "plan"],
        &["apply", "plan.json"],
        &["apply", "--auto-approve"],
        &["plan", "--detailed-exitcode"],
    ] {
        let result = run_with_env(dir.path(), &url, args, &env);
        assert!(
            matches!(result.code, 0 | 2),
            "{args:?}: {}{}",
            result.stdout,
            result.stderr
        );
        outputs.push(result);
        // Tokens expire quickly; the client gets a new one on 401.
        std::thread::sleep(Duration::from_millis(350));
    }
    let wrong = run_with_env(
        dir.path(),
        &url,
        &["plan"],
        &[
            ("CONDUCTOR_AUTH_KEY", KEY),
            ("CONDUCTOR_AUTH_SECRET", "wrong-secret-x9"),
        ],
    );
    assert_eq!(wrong.code, 3);
    assert!(wrong.stderr.contains("getting a token"), "{}", wrong.stderr);
    outputs.push(wrong);
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    for text in outputs
        .iter()
        .flat_map(|run| [&run.stdout, &run.stderr])
        .chain(std::iter::once(&saved))
    {
        for secret in [KEY, SECRET, "wrong-secret-x9", "tok-"] {
            assert!(!text.contains(secret), "`{secret}` leaked in:\n{text}");
        }
    }
}

#[test]
fn a_failed_write_stops_with_an_accurate_report_and_a_rerun_converges() {
    let server = server(ServerConfig {
        faults: Faults {
            fail_writes: vec![2],
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let dir = project(&[("orders.yaml", ORDERS)]);
    let first = run(dir.path(), &server, &["apply", "--auto-approve"]);
    // Write 1 stores the task definitions; write 2, the workflows, fails with a 500 that is
    // not retryable: apply stops and says what was and was not applied.
    assert_eq!(first.code, 3, "{}{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .contains("+ task definition `charge_card`: created"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("+ workflow `orders_flow` v1: failed, may or may not have been applied"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("Apply stopped: 1 of 2 changes applied"),
        "{}",
        first.stdout
    );
    assert!(
        first.stderr.contains("injected failure of write 2"),
        "{}",
        first.stderr
    );
    assert!(
        client(&server).list_workflow_defs().unwrap().is_empty(),
        "nothing half-written"
    );
    let again = run(dir.path(), &server, &["apply", "--auto-approve"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again
            .stdout
            .starts_with("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{}",
        again.stdout
    );
    assert_eq!(
        run(dir.path(), &server, &["plan", "--detailed-exitcode"]).code,
        0
    );
}

const SEED: u64 = 11;

#[test]
fn transient_errors_resets_and_latency_are_retried_until_apply_converges() {
    let server = server(ServerConfig {
        faults: Faults {
            latency: Duration::from_millis(2),
            error_rate: 0.3,
            drop_rate: 0.2,
            fail_writes: Vec::new(),
            seed: SEED,
        },
        ..ServerConfig::default()
    });
    let dir = project(&[
        ("orders.yaml", ORDERS),
        (
            "every.yaml",
            include_str!("fixtures/plan/every_task_type.yaml"),
        ),
    ]);
    let args = ["apply", "--auto-approve", "--max-attempts", "8"];
    let mut converged = false;
    for _ in 0..5 {
        let attempt = run(dir.path(), &server, &args);
        if attempt.code == 0 {
            converged = true;
            break;
        }
        // A run that gives up says what it did not apply.
        assert_eq!(attempt.code, 3, "{}{}", attempt.stdout, attempt.stderr);
    }
    assert!(converged, "apply converges through the faults");
    let plan = run(
        dir.path(),
        &server,
        &["plan", "--detailed-exitcode", "--max-attempts", "8"],
    );
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(
        server.stats().requests > 6,
        "faults made the client retry: {:?}",
        server.stats()
    );
}

#[test]
fn every_example_workflow_and_task_type_converges() {
    let server = server(ServerConfig::default());
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for folder in ["workflows", "tests/fixtures/plan"] {
        let path = repo.join(folder);
        let path = path.to_str().unwrap();
        let applied = run(&repo, &server, &["apply", "--auto-approve", path]);
        assert_eq!(
            applied.code, 0,
            "{folder}: {}{}",
            applied.stdout, applied.stderr
        );
        let plan = run(&repo, &server, &["plan", "--detailed-exitcode", path]);
        assert_eq!(plan.code, 0, "{folder}: {}", plan.stdout);
    }
}

#[test]
fn every_corpus_definition_imported_and_applied_plans_no_change() {
    let Some(corpus) = common::corpus_dir() else {
        eprintln!("skipping: no ../shared/corpus next to this checkout");
        return;
    };
    let files = common::corpus_files(&corpus);
    assert!(files.len() >= 128);
    // One fresh server for the run; each file is imported into its own project, applied, then
    // planned. (Three conductor-oss files define the same workflow name and version as others,
    // so the files are applied one at a time; a plan right after its apply must be empty.)
    let server = server(ServerConfig::default());
    let mut failures = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let imported = run(
            dir.path(),
            &server,
            &["import", file.to_str().unwrap(), "--out", "workflows"],
        );
        if imported.code != 0 {
            failures.push(format!("{name}: import failed: {}", imported.stderr));
            continue;
        }
        let refused = common::is_broken_corpus_file(&name);
        let applied = run(
            dir.path(),
            &server,
            &["apply", "--auto-approve", "workflows"],
        );
        if refused {
            if applied.code != 1 {
                failures.push(format!(
                    "{name}: apply should refuse a broken definition: {}",
                    applied.stderr
                ));
            }
            continue;
        }
        if applied.code != 0 {
            failures.push(format!(
                "{name}: apply failed: {}{}",
                applied.stdout, applied.stderr
            ));
            continue;
        }
        let plan = run(
            dir.path(),
            &server,
            &["plan", "--detailed-exitcode", "workflows"],
        );
        if plan.code != 0 {
            failures.push(format!(
                "{name}: plan after apply is not empty:\n{}",
                plan.stdout
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn json_output_is_one_document_even_with_warnings() {
    let server = server(ServerConfig::default());
    // No ownerEmail: a warning, which must not reach stdout in front of the JSON document.
    let dir = project(&[(
        "workflows/w.yaml",
        "workflow: w\nversion: 1\ntasks:\n  - ref: a\n    noop: {}\n",
    )]);
    let plan = run(
        dir.path(),
        &server,
        &["plan", "--format", "json", "workflows"],
    );
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let document: Value = serde_json::from_str(&plan.stdout).expect("one JSON document");
    assert_eq!(document["summary"]["add"], 1);
    assert!(plan.stderr.contains("CA314"), "{}", plan.stderr);
    let apply = run(
        dir.path(),
        &server,
        &["apply", "--format", "json", "--auto-approve", "workflows"],
    );
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    let document: Value = serde_json::from_str(&apply.stdout).expect("one JSON document");
    assert_eq!(document["complete"], true);
    assert_eq!(document["applied"]["added"], 1);
    assert_eq!(document["outcomes"][0]["status"], "applied");
    assert_eq!(document["outcomes"][0]["resource"]["name"], "w");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas/apply.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&document), "{document:#}");
    // Nothing left to apply: still one document.
    let again = run(
        dir.path(),
        &server,
        &["apply", "--format", "json", "--auto-approve", "workflows"],
    );
    let document: Value = serde_json::from_str(&again.stdout).expect("one JSON document");
    assert_eq!(document["applied"]["planned"], 0);
}

#[test]
fn plan_reports_references_that_exist_neither_in_the_project_nor_on_the_server() {
    let server = server(ServerConfig::default());
    let client = client(&server);
    // `ship_order` and the workflow `billing_flow` exist only on the server; `notify_customer`
    // and `archive_flow` exist nowhere.
    client
        .upsert_task_defs(&[
            serde_json::json!({"name": "ship_order", "ownerEmail": "team@example.com"}),
        ])
        .unwrap();
    client
        .update_workflow_defs(&[serde_json::json!({
            "name": "billing_flow", "version": 1, "ownerEmail": "team@example.com",
            "tasks": [{"name": "ship_order", "taskReferenceName": "ship"}]
        })])
        .unwrap();
    let calls = "\
workflow: calls_flow
ownerEmail: team@example.com
tasks:
  - ref: bill
    subWorkflow: {name: billing_flow, version: 1}
  - ref: archive
    subWorkflow: {name: archive_flow, version: 1}
";
    let dir = project(&[("orders.yaml", ORDERS), ("calls.yaml", calls)]);
    let offline = run(dir.path(), &server, &["check"]);
    for name in ["ship_order", "notify_customer"] {
        assert!(
            offline
                .stderr
                .contains(&format!("no task definition `{name}` in the repository")),
            "{}",
            offline.stderr
        );
    }
    assert!(
        offline
            .stderr
            .contains("sub-workflow `billing_flow` is not in the repository")
    );
    let planned = run(dir.path(), &server, &["plan"]);
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    assert!(
        !planned.stderr.contains("`ship_order`"),
        "{}",
        planned.stderr
    );
    assert!(
        !planned.stderr.contains("`billing_flow`"),
        "{}",
        planned.stderr
    );
    assert!(
        planned
            .stderr
            .contains("no task definition `notify_customer` in the repository or on the server"),
        "{}",
        planned.stderr
    );
    assert!(
        planned
            .stderr
            .contains("sub-workflow `archive_flow` is not in the repository or on the server"),
        "{}",
        planned.stderr
    );
}

#[test]
fn prune_refuses_part_of_the_project_an_empty_one_and_a_broken_file() {
    let server = server(ServerConfig::default());
    let dir = project(&[
        (
            "conductor-apply.yaml",
            "files: [\"defs/*.yaml\"]\nprune:\n  workflows: [\"orders_*\"]\n  taskDefs: [\"*\"]\n",
        ),
        ("defs/orders.yaml", ORDERS),
        ("empty/.keep", ""),
    ]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    let client = client(&server);
    let before = (
        client.list_workflow_defs().unwrap().len(),
        client.list_task_defs().unwrap().len(),
    );
    let unchanged = || {
        (
            client.list_workflow_defs().unwrap().len(),
            client.list_task_defs().unwrap().len(),
        ) == before
    };
    // Paths on the command line are part of the project: pruning from them deletes the rest.
    let part = run(
        dir.path(),
        &server,
        &["apply", "--prune", "--auto-approve", "empty"],
    );
    assert_eq!(part.code, 1, "{}", part.stderr);
    assert!(part.stderr.contains("--prune plans from the whole project"));
    assert!(unchanged());
    // A mistyped `files:` glob: no definitions at all.
    std::fs::write(
        dir.path().join("conductor-apply.yaml"),
        "files: [\"defz/*.yaml\"]\nprune:\n  workflows: [\"orders_*\"]\n  taskDefs: [\"*\"]\n",
    )
    .unwrap();
    let empty = run(dir.path(), &server, &["apply", "--prune", "--auto-approve"]);
    assert_eq!(empty.code, 1, "{}", empty.stderr);
    assert!(
        empty.stderr.contains("--prune with no definitions"),
        "{}",
        empty.stderr
    );
    assert!(unchanged());
    // A definition file replaced by a broken link is an error, not a skipped file.
    std::fs::write(
        dir.path().join("conductor-apply.yaml"),
        "files: [\"defs/*.yaml\"]\nprune:\n  workflows: [\"orders_*\"]\n  taskDefs: [\"*\"]\n",
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("defs/orders.yaml")).unwrap();
    std::os::unix::fs::symlink("../nowhere.yaml", dir.path().join("defs/orders.yaml")).unwrap();
    let broken = run(dir.path(), &server, &["apply", "--prune", "--auto-approve"]);
    assert_eq!(broken.code, 3, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("defs/orders.yaml"),
        "{}",
        broken.stderr
    );
    assert!(unchanged());
}

#[test]
fn prune_keeps_a_task_definition_that_a_workflow_on_the_server_uses() {
    let server = server(ServerConfig::default());
    let dir = project(&[
        (
            "conductor-apply.yaml",
            "prune:\n  taskDefs: [\"orders_*\"]\n",
        ),
        ("orders.yaml", ORDERS),
        (
            "tasks.yaml",
            "task: orders_shared\nownerEmail: t@example.com\n---\ntask: orders_unused\nownerEmail: t@example.com\n",
        ),
    ]);
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    // A workflow made by hand, outside the project, uses one of them.
    client(&server)
        .register_workflow_def(
            &serde_json::json!({"name": "by_hand", "ownerEmail": "t@example.com",
            "tasks": [{"name": "orders_shared", "taskReferenceName": "s"}]}),
        )
        .unwrap();
    std::fs::remove_file(dir.path().join("tasks.yaml")).unwrap();
    let applied = run(dir.path(), &server, &["apply", "--prune", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied
            .stdout
            .contains("task definition `orders_shared` is in prune scope and not in the project, but workflow `by_hand` v1 uses it: it is kept"),
        "{}",
        applied.stdout
    );
    let names: Vec<String> = client(&server)
        .list_task_defs()
        .unwrap()
        .iter()
        .map(|def| def["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"orders_shared".to_owned()), "{names:?}");
    assert!(!names.contains(&"orders_unused".to_owned()), "{names:?}");
}

#[test]
fn usage_errors_exit_3_never_the_2_of_changes_pending() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    for args in [
        &["plan", "--detailed-exitcode", "--no-such-flag"][..],
        &["check", "--server-version", "latest"][..],
        &["no-such-command"][..],
    ] {
        let wrong = run(dir.path(), &server, args);
        assert_eq!(wrong.code, 3, "{args:?}: {}", wrong.stderr);
    }
    assert_eq!(run(dir.path(), &server, &["--help"]).code, 0);
}

#[test]
fn a_saved_plan_is_applied_only_as_it_was_saved_and_reviewed() {
    let server = server(ServerConfig::default());
    let dir = project(&[
        (
            "conductor-apply.yaml",
            "prune:\n  workflows: [\"orders_*\"]\n",
        ),
        ("orders.yaml", ORDERS),
    ]);
    let plan_path = dir.path().join("plan.json");
    let save = || {
        let saved = run(dir.path(), &server, &["plan", "--out", "plan.json"]);
        assert_eq!(saved.code, 0, "{}", saved.stderr);
        serde_json::from_str::<Value>(&std::fs::read_to_string(&plan_path).unwrap()).unwrap()
    };
    let write = |plan: &Value| std::fs::write(&plan_path, plan.to_string()).unwrap();
    let refused = |why: &str| {
        let before = client(&server).list_workflow_defs().unwrap();
        let applied = run(dir.path(), &server, &["apply", "plan.json"]);
        assert_eq!(
            applied.code, 1,
            "{why}: {}{}",
            applied.stdout, applied.stderr
        );
        assert!(
            applied.stderr.contains("nothing was applied"),
            "{why}: {}",
            applied.stderr
        );
        assert_eq!(
            client(&server).list_workflow_defs().unwrap(),
            before,
            "{why}"
        );
    };
    // An edited body, with the digest left alone.
    let mut plan = save();
    plan["changes"][1]["body"]["description"] = Value::from("not what was reviewed");
    write(&plan);
    refused("edited body");
    // A deletion slipped into a plan without --prune, and the summary left at 0 to destroy.
    let mut plan = save();
    plan["changes"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"action": "delete", "resource": {"kind": "workflow", "name": "orders_flow", "version": 1}}));
    write(&plan);
    refused("injected deletion");
    // The seal removed.
    let mut plan = save();
    plan.as_object_mut().unwrap().remove("seal");
    write(&plan);
    refused("no seal");
    // Edited consistently, digest included: the plan computed again from its desired state
    // differs.
    let mut plan = save();
    plan["seal"]["desired"]["workflows"][0]["def"]["description"] = Value::from("edited");
    write(&plan);
    refused("edited desired state");
    // A stale plan whose list of what it depends on was emptied.
    let mut plan = save();
    assert_eq!(
        run(dir.path(), &server, &["apply", "--auto-approve"]).code,
        0
    );
    plan["state"]["resources"] = Value::Array(Vec::new());
    write(&plan);
    refused("emptied state");
    // Untouched, it applies.
    save();
    let applied = run(dir.path(), &server, &["apply", "plan.json"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
}

#[test]
fn a_saved_plan_never_sends_credentials_to_the_server_it_names() {
    let server = server(ServerConfig::default());
    let dir = project(&[("orders.yaml", ORDERS)]);
    assert_eq!(
        run(dir.path(), &server, &["plan", "--out", "plan.json"]).code,
        0
    );
    // The plan file names another server; the configured one is the test server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let elsewhere = format!("http://{}/api", listener.local_addr().unwrap());
    let path = dir.path().join("plan.json");
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    plan["server"] = Value::from(elsewhere.clone());
    std::fs::write(&path, plan.to_string()).unwrap();
    let applied = run_with_env(
        dir.path(),
        &server.base_url(),
        &["apply", "plan.json"],
        &[("CONDUCTOR_AUTH_KEY", "k"), ("CONDUCTOR_AUTH_SECRET", "s")],
    );
    assert_eq!(applied.code, 1, "{}", applied.stderr);
    assert!(
        applied.stderr.contains("nothing was sent"),
        "{}",
        applied.stderr
    );
    assert!(
        listener.accept().is_err(),
        "a connection reached the plan's server"
    );
}

#[test]
fn each_project_prunes_only_what_its_inventory_records_on_every_version() {
    // 3.15.0 keeps no workflow metadata, so no stamp: the inventory works there too.
    for version in ["3.15.0", "3.32.1"] {
        let server = server(ServerConfig::for_version(version.parse().unwrap()));
        let client = client(&server);
        let old = "workflow: orders_old\nversion: 1\nownerEmail: t@example.com\ntasks: [{ref: a, task: charge_card}]\n---\ntask: orders_task_old\nownerEmail: t@example.com\n";
        let shop = project(&[
            ("conductor-apply.yaml", "project: shop\n"),
            (
                "orders.yaml",
                &ORDERS
                    .replace("ship_order", "charge_card")
                    .replace("notify_customer", "charge_card"),
            ),
            ("old.yaml", old),
        ]);
        let billing = project(&[
            ("conductor-apply.yaml", "project: billing\n"),
            (
                "billing.yaml",
                "workflow: billing_flow\nversion: 1\nownerEmail: t@example.com\ntasks: [{ref: b, task: billing_task}]\n---\ntask: billing_task\nownerEmail: t@example.com\n",
            ),
        ]);
        for dir in [&shop, &billing] {
            let applied = run(dir.path(), &server, &["apply", "--auto-approve"]);
            assert_eq!(
                applied.code, 0,
                "{version}: {}{}",
                applied.stdout, applied.stderr
            );
            assert!(
                applied.stdout.contains("~ inventory of project"),
                "{}",
                applied.stdout
            );
            let clean = run(dir.path(), &server, &["plan", "--detailed-exitcode"]);
            assert_eq!(clean.code, 0, "{version}: {}", clean.stdout);
        }
        client
            .upsert_task_defs(&[
                serde_json::json!({"name": "by_hand", "ownerEmail": "t@example.com"}),
            ])
            .unwrap();
        // An edit on the server to a task definition: drift, told by the inventory.
        let mut charge = client.get_task_def("charge_card").unwrap();
        charge["retryCount"] = Value::from(9);
        client.upsert_task_defs(&[charge]).unwrap();
        let drift = run(shop.path(), &server, &["plan"]);
        assert!(
            drift.stdout.contains(
                "~ task definition `charge_card` (changed on the server since the last apply (drift))"
            ),
            "{version}: {}",
            drift.stdout
        );
        // The shop's project drops two definitions: only those are pruned, and nothing of the
        // billing project, nor what was made by hand.
        std::fs::remove_file(shop.path().join("old.yaml")).unwrap();
        let pruned = run(
            shop.path(),
            &server,
            &["apply", "--prune", "--auto-approve"],
        );
        assert_eq!(
            pruned.code, 0,
            "{version}: {}{}",
            pruned.stdout, pruned.stderr
        );
        assert!(
            pruned.stdout.contains("0 added, 1 changed, 2 destroyed"),
            "{version}: {}",
            pruned.stdout
        );
        let workflows: Vec<String> = client
            .list_workflow_defs()
            .unwrap()
            .iter()
            .map(|def| def["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(workflows, ["billing_flow", "orders_flow"], "{version}");
        let task_defs: Vec<String> = client
            .list_task_defs()
            .unwrap()
            .iter()
            .map(|def| def["name"].as_str().unwrap().to_owned())
            .filter(|name| !name.starts_with("conductor-apply.inventory."))
            .collect();
        assert_eq!(
            task_defs,
            ["billing_task", "by_hand", "charge_card"],
            "{version}"
        );
        let other = run(
            billing.path(),
            &server,
            &["plan", "--prune", "--detailed-exitcode"],
        );
        assert_eq!(other.code, 0, "{version}: {}", other.stdout);
        // Importing the server's definitions brings neither inventories nor stamps.
        let dump = shop.path().join("dump");
        std::fs::create_dir_all(&dump).unwrap();
        std::fs::write(
            dump.join("workflows.json"),
            Value::Array(client.list_workflow_defs().unwrap()).to_string(),
        )
        .unwrap();
        std::fs::write(
            dump.join("taskdefs.json"),
            Value::Array(client.list_task_defs().unwrap()).to_string(),
        )
        .unwrap();
        let imported = run(
            shop.path(),
            &server,
            &["import", "dump", "--out", "imported"],
        );
        assert_eq!(imported.code, 0, "{}", imported.stderr);
        for entry in std::fs::read_dir(shop.path().join("imported"))
            .unwrap()
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(!text.contains("conductor-apply.inventory"), "{text}");
            assert!(!text.contains("managed"), "{text}");
        }
    }
}
