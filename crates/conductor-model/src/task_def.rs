//! `TaskDef`: a registered task definition (contract §2.9).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema_def::SchemaDef;
use crate::workflow_def::JsonMap;

/// A task definition as the server accepts it on `POST /api/metadata/taskdefs`. Fields left
/// `None` are omitted; the server then applies its default (see [`crate::defaults::TASK_DEF`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct TaskDef {
    // The audit fields: what the server sets on each write is in conductor-contract.md §2.12.
    /// Audit field, stored as sent; conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_app: Option<String>,
    /// Audit field: registration time in epoch milliseconds, set by the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Audit field: last update time in epoch milliseconds, set by the server on an update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<i64>,
    /// Audit field set by the server (empty over REST). conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Audit field set by the server on an update. conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// The task type workers poll; SIMPLE tasks refer to it by `name`. Must not be empty.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many times a failed task is retried. Server default 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub retry_count: Option<i32>,
    /// Time limit for one attempt, in seconds; 0 means none. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    /// Names of the inputs the task expects (documentation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_keys: Option<Vec<String>>,
    /// Names of the outputs the task produces (documentation, used by checks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_keys: Option<Vec<String>>,
    /// Runtime metadata keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_metadata: Option<Vec<String>>,
    /// What happens when the task times out. Server default `TIME_OUT_WF`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_policy: Option<TaskTimeoutPolicy>,
    /// How the delay between retries grows. Server default `FIXED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_logic: Option<RetryLogic>,
    /// Delay before a retry, in seconds. Server default 60.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_seconds: Option<i32>,
    /// Time a worker may go without updating the task, in seconds. Server default 3600; at
    /// least 1, and not more than `timeoutSeconds` when that is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub response_timeout_seconds: Option<i64>,
    /// Maximum number of executions IN_PROGRESS at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrent_exec_limit: Option<i32>,
    /// Default input, merged under each task's input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_template: Option<JsonMap>,
    /// Executions allowed per `rateLimitFrequencyInSeconds`; 0 means no limit. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_frequency: Option<i32>,
    /// Window of the rate limit, in seconds. Server default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_frequency_in_seconds: Option<i32>,
    /// Isolation group of the workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isolation_group_id: Option<String>,
    /// Execution namespace of the workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_name_space: Option<String>,
    /// Owner's e-mail; required by servers that set `conductor.app.ownerEmailMandatory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_email: Option<String>,
    /// Time a scheduled task may wait to be polled, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub poll_timeout_seconds: Option<i32>,
    /// Multiplier of the retry delay for LINEAR_BACKOFF. Server default 1; at least 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub backoff_scale_factor: Option<i32>,
    /// Upper bound of the retry delay, in seconds; 0 means none. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub max_retry_delay_seconds: Option<i32>,
    /// Random jitter added to the retry delay, in milliseconds. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub backoff_jitter_ms: Option<i32>,
    /// Base type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_type: Option<String>,
    /// Time limit for all attempts together, in seconds; 0 means none. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub total_timeout_seconds: Option<i64>,
    /// Whether status changes are published. Server default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_status_listener_enabled: Option<bool>,
    /// Schema of the task input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<SchemaDef>,
    /// Schema of the task output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<SchemaDef>,
    /// Whether the schemas are enforced. Server default `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_schema: Option<bool>,
}

/// `TaskDef.timeoutPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaskTimeoutPolicy {
    /// Retry the task.
    #[serde(rename = "RETRY")]
    Retry,
    /// Time out the whole workflow.
    #[serde(rename = "TIME_OUT_WF")]
    TimeOutWf,
    /// Only raise an alert.
    #[serde(rename = "ALERT_ONLY")]
    AlertOnly,
}

/// `TaskDef.retryLogic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RetryLogic {
    /// The same delay before every retry.
    #[serde(rename = "FIXED")]
    Fixed,
    /// The delay doubles with each retry.
    #[serde(rename = "EXPONENTIAL_BACKOFF")]
    ExponentialBackoff,
    /// The delay grows by `backoffScaleFactor` times the base delay with each retry.
    #[serde(rename = "LINEAR_BACKOFF")]
    LinearBackoff,
}
