//! Plan and apply 1,000 workflows and 200 task definitions against the in-memory test server,
//! or against the server at the URL given as the first argument (a real one, started with
//! `scripts/conductor-server start 3.32.1`), printing times and request counts:
//! `cargo run --release -p conductor-plan --example plan_apply_bench [URL]`.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use conductor_client::{Client, ClientConfig};
use conductor_model::versions::ServerVersion;
use conductor_plan::apply::{ApplyOptions, apply_plan};
use conductor_plan::{
    Desired, DesiredDefinition, PlanInput, PruneScope, RemoteState, SourceRef, compute_plan,
};
use conductor_testserver::{ServerConfig, start};
use serde_json::{Value, json};

const WORKFLOWS: usize = 1_000;
const TASK_DEFS: usize = 200;

fn workflow(idx: usize) -> Value {
    let task = |r: &str, n: usize| {
        json!({"name": format!("worker_{}", n % TASK_DEFS), "taskReferenceName": r,
               "inputParameters": {"orderId": "${workflow.input.orderId}", "step": r}})
    };
    json!({
        "name": format!("bench_flow_{idx:04}"), "version": 1 + (idx % 3) as i64,
        "ownerEmail": "bench@example.com", "timeoutSeconds": 3600,
        "inputParameters": ["orderId"],
        "tasks": [
            task("first", idx),
            {"name": "route", "taskReferenceName": "route", "type": "SWITCH",
             "evaluatorType": "value-param", "expression": "switchCaseValue",
             "inputParameters": {"switchCaseValue": "${workflow.input.kind}"},
             "decisionCases": {"a": [task("case_a", idx + 1)], "b": [task("case_b", idx + 2)]},
             "defaultCase": [task("case_default", idx + 3)]},
            {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN",
             "forkTasks": [[task("left", idx + 4)], [task("right", idx + 5)]]},
            {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["left", "right"]},
            {"name": "call", "taskReferenceName": "call", "type": "HTTP",
             "inputParameters": {"http_request": {"uri": "https://example.com/${workflow.input.orderId}", "method": "POST"}}},
            task("last", idx + 6)
        ],
        "outputParameters": {"result": "${last.output.result}"}
    })
}

fn main() {
    let given = std::env::args().nth(1);
    let test_server = given
        .is_none()
        .then(|| start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap());
    let url = given.unwrap_or_else(|| test_server.as_ref().unwrap().base_url());
    let client = Client::new(ClientConfig::new(&url).unwrap()).unwrap();
    let reported = client.server_version().unwrap();
    let version = reported
        .as_deref()
        .and_then(ServerVersion::parse)
        .unwrap_or(ServerVersion::NEWEST_KNOWN);
    let source = |idx| SourceRef {
        file: format!("bench/{idx}.yaml"),
        document: 0,
    };
    let desired = Desired {
        workflows: (0..WORKFLOWS)
            .map(|idx| DesiredDefinition {
                def: workflow(idx),
                source: source(idx),
            })
            .collect(),
        task_defs: (0..TASK_DEFS)
            .map(|idx| DesiredDefinition {
                def: json!({"name": format!("worker_{idx}"), "ownerEmail": "bench@example.com",
                            "retryCount": 2, "responseTimeoutSeconds": 60}),
                source: source(idx),
            })
            .collect(),
    };
    let scope = PruneScope::default();
    let plan_once = |label: &str| {
        let before = client.stats().requests;
        let started = Instant::now();
        let remote = RemoteState::read(&client).unwrap();
        let read = started.elapsed();
        let plan = compute_plan(PlanInput {
            desired: &desired,
            remote: &remote,
            scope: &scope,
            prune: false,
            server: &client.base_url(),
            server_version: version,
            reported_version: reported.as_deref(),
            environment: None,
            tool_version: "bench",
            project: None,
        });
        println!(
            "{label:<16} {:>8.1} ms (read {:>7.1} ms)  {:>5} requests  {} to add, {} to change, {} unchanged",
            started.elapsed().as_secs_f64() * 1e3,
            read.as_secs_f64() * 1e3,
            client.stats().requests - before,
            plan.summary.add,
            plan.summary.change,
            plan.summary.unchanged
        );
        plan
    };
    println!(
        "{WORKFLOWS} workflows, {TASK_DEFS} task definitions, {} on {url} (version {})",
        if test_server.is_some() {
            "test server"
        } else {
            "server"
        },
        reported.as_deref().unwrap_or("unknown")
    );
    let plan = plan_once("plan (empty)");
    let before = client.stats().requests;
    let started = Instant::now();
    let report = apply_plan(&client, &plan, ApplyOptions::default());
    assert!(report.complete(), "{:?}", report.error);
    println!(
        "{:<16} {:>8.1} ms                     {:>5} requests  {} outcomes",
        "apply",
        started.elapsed().as_secs_f64() * 1e3,
        client.stats().requests - before,
        report.outcomes.len()
    );
    let again = plan_once("plan (applied)");
    assert!(!again.has_changes(), "a fresh apply converges");
    if let Some(server) = test_server {
        println!("server totals: {:?}", server.stats());
    }
}
