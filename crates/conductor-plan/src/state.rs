//! The server's state, read in two requests (`GET /api/metadata/workflow` and
//! `GET /api/metadata/taskdefs`; never one request per definition), and its fingerprints.

use std::collections::BTreeMap;

use conductor_client::{Client, ClientError};
use conductor_model::defaults::ObjectKind;
use conductor_model::normalize::normalize_stored;
use conductor_model::versions::ServerVersion;
use serde_json::Value;

use crate::stamp::digest;

/// Every workflow version and task definition on the server, as the server returned them.
#[derive(Debug, Clone, Default)]
pub struct RemoteState {
    /// Workflows by (name, version).
    pub workflows: BTreeMap<(String, i64), Value>,
    /// Task definitions by name.
    pub task_defs: BTreeMap<String, Value>,
}

impl RemoteState {
    /// Reads the state with exactly two list requests (task definitions from the list, which
    /// reads the store rather than a node cache, contract §5.6).
    pub fn read(client: &Client) -> Result<RemoteState, ClientError> {
        let workflows = client.list_workflow_defs()?;
        let task_defs = client.list_task_defs()?;
        Ok(RemoteState::from_lists(workflows, task_defs))
    }

    /// The state from the two lists; entries without a name are ignored.
    pub fn from_lists(workflows: Vec<Value>, task_defs: Vec<Value>) -> RemoteState {
        let mut state = RemoteState::default();
        for def in workflows {
            let Some(name) = def.get("name").and_then(Value::as_str) else {
                continue;
            };
            let version = def.get("version").and_then(Value::as_i64).unwrap_or(1);
            state.workflows.insert((name.to_owned(), version), def);
        }
        for def in task_defs {
            let Some(name) = def.get("name").and_then(Value::as_str) else {
                continue;
            };
            state.task_defs.insert(name.to_owned(), def);
        }
        state
    }
}

/// The fingerprint of a workflow as the server has it: a hash of its normalised form as
/// `version` stores it, so audit fields (`updateTime`, ...) never count as a change.
pub fn workflow_fingerprint(def: &Value, version: ServerVersion) -> String {
    normalized_fingerprint(&stored_workflow(def, version))
}

/// The fingerprint of a task definition; see [`workflow_fingerprint`].
pub fn task_def_fingerprint(def: &Value, version: ServerVersion) -> String {
    normalized_fingerprint(&stored_task_def(def, version))
}

/// A workflow as `version` stores it, normalised: what plans compare.
pub(crate) fn stored_workflow(def: &Value, version: ServerVersion) -> Value {
    normalize_stored(ObjectKind::WorkflowDef, def, version)
}

/// A task definition as `version` stores it, normalised: what plans compare.
pub(crate) fn stored_task_def(def: &Value, version: ServerVersion) -> Value {
    normalize_stored(ObjectKind::TaskDef, def, version)
}

/// The fingerprint of a definition already normalised, for callers that need the normal form
/// anyway (the plan diffs it), so that it is computed once.
pub(crate) fn normalized_fingerprint(normalized: &Value) -> String {
    digest(&normalized.to_string())
}
