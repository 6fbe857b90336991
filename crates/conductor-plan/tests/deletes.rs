//! Deletions against the test server in a real server's profile: a definition someone else
//! deleted first counts as already deleted only when the server confirms it is gone.

#![allow(clippy::unwrap_used)] // Test code: a failure here is a failed test.

use conductor_client::{Client, ClientConfig};
use conductor_model::versions::ServerVersion;
use conductor_plan::apply::{ApplyOptions, Status, apply_plan};
use conductor_plan::stamp::stamp_workflow;
use conductor_plan::{Desired, PlanInput, PruneScope, RemoteState, compute_plan};
use conductor_testserver::{ServerConfig, start};
use serde_json::json;

/// Plans deleting a stamped workflow and a task definition, deletes both behind the plan's
/// back, then applies it on a server of `version`.
fn deletes_of_what_is_already_gone(version: &str) -> Vec<Status> {
    let config = ServerConfig::for_version(version.parse().unwrap());
    let server = start("127.0.0.1:0".parse().unwrap(), config).unwrap();
    let client = Client::new(ClientConfig::new(&server.base_url()).unwrap()).unwrap();
    let server_version = ServerVersion::parse(version).unwrap();
    let workflow = json!({"name": "old_flow", "version": 1, "ownerEmail": "team@example.com",
        "tasks": [{"name": "old_task", "taskReferenceName": "t"}]});
    client
        .upsert_task_defs(&[json!({"name": "old_task", "ownerEmail": "team@example.com"})])
        .unwrap();
    client
        .update_workflow_defs(&[stamp_workflow(&workflow, server_version)])
        .unwrap();
    let scope = PruneScope::new(&["old_*".to_owned()], &["old_*".to_owned()]).unwrap();
    let plan = compute_plan(PlanInput {
        desired: &Desired::default(),
        remote: &RemoteState::read(&client).unwrap(),
        scope: &scope,
        prune: true,
        server: &client.base_url(),
        server_version,
        reported_version: Some(version),
        environment: None,
        tool_version: "test",
        project: None,
    });
    assert_eq!(plan.summary.destroy, 2, "{plan:?}");
    client.delete_workflow_def("old_flow", 1).unwrap();
    client.delete_task_def("old_task").unwrap();
    let report = apply_plan(&client, &plan, ApplyOptions::default());
    assert!(report.complete(), "{:?}", report.error);
    report.outcomes.into_iter().map(|o| o.status).collect()
}

#[test]
fn a_definition_deleted_meanwhile_is_already_absent_on_every_version() {
    // 3.21.14 answers the second delete with 404, 3.32.1's SQLite store with 500.
    for version in ["3.21.14", "3.32.1"] {
        assert_eq!(
            deletes_of_what_is_already_gone(version),
            [Status::AlreadyAbsent, Status::AlreadyAbsent],
            "{version}"
        );
    }
}

#[test]
fn a_change_without_a_body_is_refused_and_nothing_is_written() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let client = Client::new(ClientConfig::new(&server.base_url()).unwrap()).unwrap();
    let desired = Desired {
        task_defs: vec![conductor_plan::DesiredDefinition {
            def: json!({"name": "charge_card", "ownerEmail": "team@example.com"}),
            source: conductor_plan::SourceRef {
                file: "orders.yaml".to_owned(),
                document: 0,
            },
        }],
        ..Desired::default()
    };
    let mut plan = compute_plan(PlanInput {
        desired: &desired,
        remote: &RemoteState::read(&client).unwrap(),
        scope: &PruneScope::default(),
        prune: false,
        server: &client.base_url(),
        server_version: ServerVersion::NEWEST_KNOWN,
        reported_version: None,
        environment: None,
        tool_version: "test",
        project: None,
    });
    assert_eq!(plan.summary.add, 1, "{plan:?}");
    plan.changes[0].body = None;
    let writes_before = server.stats().writes;
    let report = apply_plan(&client, &plan, ApplyOptions::default());
    assert!(!report.complete());
    assert!(
        matches!(&report.outcomes[0].status, Status::Rejected(messages) if messages[0].contains("no definition to send")),
        "{:?}",
        report.outcomes
    );
    assert_eq!(server.stats().writes, writes_before);
}
