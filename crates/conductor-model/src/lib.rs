//! The Conductor metadata model: the JSON the server accepts and returns for workflow and task
//! definitions, the server's defaults as data, and normalisation for comparing definitions.
//!
//! - [`WorkflowDef`], [`WorkflowTask`], [`TaskDef`] and their parts mirror the server's Java
//!   classes field for field (contract §2). Serialising them never writes `null`: an unset
//!   field is omitted, which is what the server needs (contract §1.1). Field order is the
//!   server's, so compiled JSON reads like what `GET` returns.
//! - [`defaults`] lists every property of every model object with the server's default and its
//!   handling of `null`; [`normalize`] uses those tables to make two definitions that the
//!   server would store identically compare equal (contract §2.13).
//! - [`task_type`] names the task types the server knows.
//! - [`versions`] says what each server version stores and enforces: one table of the
//!   properties that appeared after 3.15.0, and the rules of each version.
//!
//! ```
//! use conductor_model::{normalize::normalize_workflow_def, WorkflowDef, WorkflowTask};
//!
//! let def = WorkflowDef {
//!     name: "hello".into(),
//!     tasks: vec![WorkflowTask {
//!         name: "greet".into(),
//!         task_reference_name: "greet_ref".into(),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let json = serde_json::to_value(&def).unwrap();
//! assert_eq!(json["tasks"][0]["taskReferenceName"], "greet_ref");
//! assert_eq!(normalize_workflow_def(&json)["timeoutPolicy"], "ALERT_ONLY");
//! ```
//!
//! Knows nothing of YAML, HTTP or the command line.

pub mod defaults;

/// The key of conductor-apply's ownership stamp inside `WorkflowDef.metadata`.
pub const OWNERSHIP_STAMP_KEY: &str = "conductor-apply";

/// The name prefix of the task definitions that hold projects' inventories.
pub const INVENTORY_PREFIX: &str = "conductor-apply.inventory.";

pub mod normalize;
mod schema_def;
mod task_def;
pub mod task_type;
pub mod versions;
mod workflow_def;

pub use schema_def::{SchemaDef, SchemaType};
pub use task_def::{RetryLogic, TaskDef, TaskTimeoutPolicy};
pub use workflow_def::{
    CacheConfig, IdempotencyStrategy, JoinMode, JsonMap, NestedTasks, RateLimitConfig,
    RateLimitPolicy, StateChangeEvent, SubWorkflowParams, WorkflowDef, WorkflowDefinitionRef,
    WorkflowTask, WorkflowTimeoutPolicy,
};
