//! `WorkflowDef` and the types it contains (contract §2.2–§2.7).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::schema_def::SchemaDef;
use crate::task_def::TaskDef;

/// A free-form JSON object whose values may contain `${...}` expressions. Key order is the
/// author's and is kept in output.
pub type JsonMap = Map<String, Value>;

// Field by field as in the server's `WorkflowDef.java` (conductor-contract.md §2.2).
/// A workflow definition as the Conductor server accepts it on `POST`/`PUT /api/metadata/workflow`.
/// Fields left `None` are omitted from the JSON; the server then applies its default (listed in
/// [`crate::defaults::WORKFLOW_DEF`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WorkflowDef {
    // The audit fields: what the server sets on each write is in conductor-contract.md §2.12.
    /// Audit field, stored as sent; conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_app: Option<String>,
    /// Audit field: registration time in epoch milliseconds, set by the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Audit field: last update time in epoch milliseconds, set by the server on each update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<i64>,
    /// Audit field, stored as sent; conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Audit field, stored as sent; conductor-apply never sends it and ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// The workflow's name; with `version`, its identity on the server. Must not be empty.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Free text shown in the Conductor UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The version; with `name`, the identity on the server. The server defaults it to 1 and
    /// never changes it; "latest" means the highest number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// The tasks run in order. Must not be empty.
    #[schemars(length(min = 1))]
    pub tasks: Vec<WorkflowTask>,
    /// Names of the workflow's inputs. Documentation only: the server never reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_parameters: Option<Vec<String>>,
    /// The workflow's output, its `${...}` resolved when the workflow completes. A TERMINATE task
    /// that ends the workflow sets the output instead; when this is empty, the output is the last
    /// task's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_parameters: Option<JsonMap>,
    /// Name of the workflow started when this one fails. The form `$workflow.input.<key>` reads
    /// the name from the workflow's input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_workflow: Option<String>,
    /// Version of the failure workflow; latest when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_workflow_version: Option<i32>,
    /// Definition format version; the server supports only 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 2))]
    pub schema_version: Option<i32>,
    /// Whether a completed execution may be restarted. Server default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restartable: Option<bool>,
    /// Whether the server publishes status changes of executions. Server default `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_status_listener_enabled: Option<bool>,
    /// Where status changes are published when the listener is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_status_listener_sink: Option<String>,
    /// Owner's e-mail; required by servers that set `conductor.app.ownerEmailMandatory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_email: Option<String>,
    /// What happens when `timeoutSeconds` elapses. Server default `ALERT_ONLY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_policy: Option<WorkflowTimeoutPolicy>,
    /// Execution time limit in seconds; 0 or less means none. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    /// Initial workflow variables, changed by SET_VARIABLE tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<JsonMap>,
    /// Default workflow input, merged under the input given at start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_template: Option<JsonMap>,
    /// Rate limit settings; stored by the OSS server, not enforced by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_config: Option<RateLimitConfig>,
    /// Schema of the workflow input; stored by the OSS server, not enforced by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<SchemaDef>,
    /// Schema of the workflow output; stored by the OSS server, not enforced by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<SchemaDef>,
    /// Whether the schemas are enforced. Server default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_schema: Option<bool>,
    /// Free-form metadata (the `classifier` key has a meaning for the server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonMap>,
    /// Result cache settings; stored by the OSS server, not used by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_config: Option<CacheConfig>,
    /// Input or output fields masked in the UI (used only by the agent compiler).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_fields: Option<Vec<String>>,
}

// Field by field as in the server's `WorkflowTask.java` (conductor-contract.md §2.3, §3).
/// One task of a workflow, of any type. Which fields matter depends on `type`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WorkflowTask {
    /// For SIMPLE tasks, the task definition name workers poll; for system tasks, a label.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Unique name of this task within the workflow, used by `${ref.output...}` expressions.
    #[schemars(length(min = 1))]
    pub task_reference_name: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The task's input, resolved with `${...}` when the task is scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_parameters: Option<JsonMap>,
    /// The task type (`SIMPLE`, `HTTP`, `SWITCH`, ... or a custom type). Server default `SIMPLE`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    /// DYNAMIC: the name of the input key whose value is the task to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_task_name_param: Option<String>,
    /// DECISION (deprecated): the name of the input key whose value selects the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_value_param: Option<String>,
    /// DECISION (deprecated): a JavaScript expression selecting the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_expression: Option<String>,
    /// Not read by the server (LAMBDA reads `inputParameters.scriptExpression`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_expression: Option<String>,
    /// SWITCH/DECISION: the tasks of each case, keyed by the case value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_cases: Option<IndexMap<String, Vec<WorkflowTask>>>,
    /// FORK_JOIN_DYNAMIC (legacy form): the name of the input key holding the dynamic tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_fork_join_tasks_param: Option<String>,
    /// FORK_JOIN_DYNAMIC: the name of the input key holding the list of tasks to fork.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_fork_tasks_param: Option<String>,
    /// FORK_JOIN_DYNAMIC: the name of the input key holding each forked task's input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_fork_tasks_input_param_name: Option<String>,
    /// SWITCH/DECISION: the tasks run when no case matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_case: Option<Vec<WorkflowTask>>,
    /// FORK_JOIN: the branches run in parallel, each a list of tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fork_tasks: Option<Vec<Vec<WorkflowTask>>>,
    /// Seconds before the task becomes available to workers. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub start_delay: Option<i32>,
    /// SUB_WORKFLOW: which workflow to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_workflow_param: Option<SubWorkflowParams>,
    /// JOIN/EXCLUSIVE_JOIN: the task reference names waited for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_on: Option<Vec<String>>,
    /// EVENT: where the event is published (`conductor`, `conductor:<queue>`, `sqs:<queue>`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink: Option<String>,
    /// When true, a failure of this task does not fail the workflow. Server default `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
    /// An embedded task definition, taking priority over the registered one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<Box<TaskDef>>,
    /// Stored only; no OSS use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limited: Option<bool>,
    /// EXCLUSIVE_JOIN: reference names tried when none of `joinOn` ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_exclusive_join_task: Option<Vec<String>>,
    /// When true, a system task stays IN_PROGRESS until completed through the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub async_complete: Option<bool>,
    /// DO_WHILE: the JavaScript condition evaluated after each iteration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_condition: Option<String>,
    /// DO_WHILE: the tasks of the loop body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_over: Option<Vec<WorkflowTask>>,
    /// DO_WHILE: an expression resolving to the list to iterate (items mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// Overrides the task definition's `retryCount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<i32>,
    /// SWITCH: `value-param`, `javascript`, `graaljs` or `python`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluator_type: Option<String>,
    /// SWITCH: for `value-param`, the name of an input key; otherwise a script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Events published on status changes, keyed by comma-separated `on<Status>` names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_state_change: Option<IndexMap<String, Vec<StateChangeEvent>>>,
    /// Stored only; no OSS use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_status: Option<String>,
    /// Result cache settings; stored only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_config: Option<CacheConfig>,
    /// When true, the failure is deferred to the JOIN or the end of the workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissive: Option<bool>,
    /// JOIN: `SYNC` evaluates without backoff; absent means asynchronous evaluation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_mode: Option<JoinMode>,
    /// Editor or integration metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonMap>,
}

// conductor-contract.md §2.4.
/// Which workflow a SUB_WORKFLOW task runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SubWorkflowParams {
    /// The child workflow's name; may be a `${...}` expression. With an inline definition, the
    /// server reports the inline definition's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The child's version; when absent the latest is pinned when the parent starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// Task-to-domain mapping for the child.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_to_domain: Option<Map<String, Value>>,
    /// An inline definition, or a `${...}` expression resolving to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_definition: Option<WorkflowDefinitionRef>,
    /// Idempotency key of the child execution; may be a `${...}` expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// What happens when an execution with the same idempotency key exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_strategy: Option<IdempotencyStrategy>,
    /// Priority of the child (an integer or a `${...}` expression); inherited when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Value>,
}

/// `subWorkflowParam.workflowDefinition`: an inline definition or an expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum WorkflowDefinitionRef {
    /// A complete inline workflow definition.
    Inline(Box<WorkflowDef>),
    /// A string that starts with `${` and ends with `}`.
    Expression(String),
}

// conductor-contract.md §2.5.
/// An event published when a task's status changes. The open-source server stores it without
/// publishing it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct StateChangeEvent {
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The payload; may contain `${...}` expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<JsonMap>,
}

// conductor-contract.md §2.6.
/// Result cache settings. The open-source server stores them without using them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CacheConfig {
    /// The cache key; may contain `${...}` expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Time to live in seconds. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_in_second: Option<i32>,
}

// conductor-contract.md §2.7.
/// Workflow rate limit settings. The open-source server stores them without using them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// The key executions are counted by; may contain `${...}` expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_key: Option<String>,
    /// Maximum concurrent executions per key. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrent_exec_limit: Option<i32>,
    /// What happens to executions over the limit. Server default `QUEUE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<RateLimitPolicy>,
}

/// `WorkflowDef.timeoutPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WorkflowTimeoutPolicy {
    /// The workflow is timed out (terminated).
    #[serde(rename = "TIME_OUT_WF")]
    TimeOutWf,
    /// Only an alert is raised.
    #[serde(rename = "ALERT_ONLY")]
    AlertOnly,
}

/// `WorkflowTask.joinMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum JoinMode {
    /// Evaluate the JOIN without backoff.
    #[serde(rename = "SYNC")]
    Sync,
    /// Evaluate the JOIN with backoff (the behaviour when absent).
    #[serde(rename = "ASYNC")]
    Async,
}

/// `RateLimitConfig.policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RateLimitPolicy {
    /// Executions over the limit wait.
    #[serde(rename = "QUEUE")]
    Queue,
    /// Executions over the limit are rejected.
    #[serde(rename = "REJECT")]
    Reject,
}

/// `SubWorkflowParams.idempotencyStrategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum IdempotencyStrategy {
    /// Fail when an execution with the key exists.
    #[serde(rename = "FAIL")]
    Fail,
    /// Return the existing execution.
    #[serde(rename = "RETURN_EXISTING")]
    ReturnExisting,
    /// Fail only when an execution with the key is running.
    #[serde(rename = "FAIL_ON_RUNNING")]
    FailOnRunning,
}

impl WorkflowTask {
    /// The task type, with the server's default `SIMPLE` when absent.
    pub fn type_name(&self) -> &str {
        self.task_type
            .as_deref()
            .unwrap_or(crate::task_type::SIMPLE)
    }

    /// The lists of tasks nested directly in this task, in the order the server's
    /// `collectTasks` visits them: SWITCH/DECISION cases (in key order) then the default case,
    /// fork branches, then the loop body. Case lists that are not arrays of tasks are skipped.
    pub fn nested_task_lists(&self) -> Vec<NestedTasks<'_>> {
        let mut lists = Vec::new();
        if let Some(cases) = &self.decision_cases {
            for (case, tasks) in cases {
                lists.push(NestedTasks::Case(case, tasks));
            }
        }
        if let Some(tasks) = &self.default_case {
            lists.push(NestedTasks::Default(tasks));
        }
        if let Some(branches) = &self.fork_tasks {
            for (idx, tasks) in branches.iter().enumerate() {
                lists.push(NestedTasks::Branch(idx, tasks));
            }
        }
        if let Some(tasks) = &self.loop_over {
            lists.push(NestedTasks::Loop(tasks));
        }
        lists
    }
}

/// A list of tasks nested in another task; see [`WorkflowTask::nested_task_lists`].
#[derive(Debug, Clone, Copy)]
pub enum NestedTasks<'a> {
    /// A SWITCH/DECISION case, with its key.
    Case(&'a str, &'a [WorkflowTask]),
    /// The default case.
    Default(&'a [WorkflowTask]),
    /// A fork branch, with its index.
    Branch(usize, &'a [WorkflowTask]),
    /// A DO_WHILE body.
    Loop(&'a [WorkflowTask]),
}
