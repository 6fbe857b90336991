//! Plan and apply: the server's state, the diff against the desired definitions, the plan
//! document, ownership stamps and the apply executor.
//!
//! - [`RemoteState::read`] reads the server in two requests (all workflows, all task
//!   definitions).
//! - [`compute_plan`] normalises both sides (contract §2.13) and diffs workflows by (name,
//!   version) and task definitions by name; inside a workflow, tasks are matched by
//!   `taskReferenceName` ([`diff`]). Workflows are stamped as managed ([`stamp`]), which lets
//!   the plan tell git changes from server edits (drift) and restricts `--prune` to managed
//!   definitions inside the project's [`PruneScope`].
//! - The [`Plan`] is plain data with a `format_version`; [`render`] draws it three ways
//!   (human, JSON, markdown), and a saved plan records the server state it was computed
//!   against, so [`moved_since`] can refuse a stale one.
//! - [`apply::apply_plan`] writes exactly the plan's changes in the order of contract §5.7 and
//!   reports each one's outcome.
//!
//! ```
//! use conductor_plan::{Desired, DesiredDefinition, PlanInput, PruneScope, RemoteState, SourceRef, compute_plan};
//! use serde_json::json;
//!
//! let desired = Desired {
//!     workflows: vec![DesiredDefinition {
//!         def: json!({"name": "hello", "version": 1, "tasks": [{"name": "greet", "taskReferenceName": "greet"}]}),
//!         source: SourceRef { file: "workflows/hello.yaml".into(), document: 0 },
//!     }],
//!     task_defs: vec![],
//! };
//! let plan = compute_plan(PlanInput {
//!     desired: &desired,
//!     remote: &RemoteState::default(),
//!     scope: &PruneScope::default(),
//!     prune: false,
//!     server: "http://localhost:8080/api",
//!     server_version: conductor_model::versions::ServerVersion::NEWEST_KNOWN,
//!     reported_version: Some("3.32.1"),
//!     environment: None,
//!     tool_version: "0.1.0",
//!     project: None,
//! });
//! assert_eq!(plan.summary.add, 1);
//! ```
//!
//! Knows nothing of YAML or the command line; the only I/O is through
//! [`conductor_client::Client`], and [`compute_plan`] itself does none.

#![warn(missing_docs)]

pub mod apply;
pub mod diff;
pub mod inventory;
pub mod lease;
mod plan;
pub mod render;
pub mod stamp;
mod state;

pub use plan::{
    Action, Desired, DesiredDefinition, InventoryChange, Kind, Moved, Movement, Origin,
    PLAN_FORMAT_VERSION, Plan, PlanInput, PruneScope, Resource, ResourceChange,
    ResourceFingerprint, ScopeError, Seal, SealProblem, SourceRef, StateFingerprint, Summary,
    compute_plan, moved_since, plan_schema,
};
pub use state::{RemoteState, task_def_fingerprint, workflow_fingerprint};
