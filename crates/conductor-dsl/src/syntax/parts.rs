//! The bodies of the concise task forms and the smaller objects shared by documents.

use std::borrow::Cow;

use conductor_model::{IdempotencyStrategy, RateLimitPolicy, RetryLogic, SchemaType};
use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::JsonMap;
use super::document::WorkflowDocument;
use super::duration::Duration;
use super::task::Task;

/// An integer, or a `${...}` expression that resolves to one at run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IntOrExpression {
    /// A literal integer.
    Int(i64),
    /// An expression such as `${workflow.input.timeout}`.
    Expression(String),
}

/// An empty mapping: the task form needs no settings (`noop: {}`, `human: {}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

// The HTTP task's inputs: conductor-contract.md §3.3 HTTP.
/// The request of an HTTP task, compiled to `inputParameters.http_request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpRequest {
    /// The URL; may contain `${...}` expressions.
    #[schemars(example = &"https://api.example.com/orders/${workflow.input.orderId}")]
    pub uri: String,
    /// The HTTP method: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD` or `OPTIONS`.
    #[schemars(example = &"POST")]
    pub method: String,
    /// Request headers; a value may be a string or a list of strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"Authorization": "Bearer ${workflow.secrets.api_token}"}))]
    pub headers: Option<JsonMap>,
    /// The request body, any JSON value.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"orderId": "${workflow.input.orderId}"}))]
    pub body: Option<Value>,
    /// Accepted response media type (a string or a list). Server default `application/json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"application/json")]
    pub accept: Option<Value>,
    /// Media type of the body. Server default `application/json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"application/json")]
    pub content_type: Option<String>,
    /// Connection timeout in milliseconds. Server default 3000.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 5000)]
    pub connection_time_out: Option<IntOrExpression>,
    /// Read timeout in milliseconds. Server default 3000.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 5000)]
    pub read_time_out: Option<IntOrExpression>,
    /// Service discovery VIP address, instead of a host in `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"orders-service:7001")]
    pub vip_address: Option<String>,
    /// Service discovery application name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"orders-service")]
    pub app_name: Option<String>,
}

// conductor-contract.md §3.3 INLINE, §6.12 (what the script sees as `$`).
/// The script of an INLINE task, compiled to `inputParameters.expression` and
/// `inputParameters.evaluatorType`. The script reads the task's resolved input as `$`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InlineScript {
    /// The evaluator: `javascript` or `graaljs` (both GraalJS), `python`, or `value-param`.
    /// Server default `javascript`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"graaljs")]
    pub evaluator_type: Option<String>,
    /// The script. `$` is the task's resolved input; the value of the last expression is the
    /// task's `result`. `${...}` inside it is resolved by the server first: write JavaScript
    /// template literals as `$${name}`.
    #[schemars(example = &"(function () { return $.price * $.quantity; })();")]
    pub expression: String,
}

/// What a SWITCH task switches on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SwitchOn {
    /// A value (usually a `${...}` expression): compiled to a `value-param` switch on the input
    /// key `switchCaseValue`, whose value this is.
    Value(String),
    /// An evaluator and its expression, as Conductor writes them.
    Evaluator(SwitchEvaluator),
}

// conductor-contract.md §3.3 SWITCH.
/// A SWITCH evaluator, as Conductor writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SwitchEvaluator {
    /// `value-param`, `javascript`, `graaljs` or `python`.
    #[schemars(example = &"javascript")]
    pub evaluator_type: String,
    /// For `value-param`, the name of an input key; otherwise a script whose result, turned into
    /// a string, selects the case.
    #[schemars(example = &"$.amount > 1000 ? 'review' : 'approve'")]
    pub expression: String,
}

// conductor-contract.md §3.3 FORK_JOIN_DYNAMIC.
/// Where a FORK_JOIN_DYNAMIC task gets its branches. Either the concise keys `tasks` and
/// `inputs`, or the raw parameter-name keys, never both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DynamicFork {
    /// The list of tasks to fork (usually a `${...}` expression); compiled to the input key
    /// `dynamicTasks` named by `dynamicForkTasksParam`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${prepare.output.tasks}")]
    pub tasks: Option<Value>,
    /// The input of each forked task, keyed by reference name (usually a `${...}` expression);
    /// compiled to the input key `dynamicTasksInput` named by `dynamicForkTasksInputParamName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${prepare.output.inputs}")]
    pub inputs: Option<Value>,
    /// Raw form: the name of the input key holding the list of tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"dynamicTasks")]
    pub dynamic_fork_tasks_param: Option<String>,
    /// Raw form: the name of the input key holding each task's input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"dynamicTasksInput")]
    pub dynamic_fork_tasks_input_param_name: Option<String>,
    /// Legacy raw form: the name of the input key holding `{dynamicTasks: [...]}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"dynamicTasks")]
    pub dynamic_fork_join_tasks_param: Option<String>,
}

// conductor-contract.md §3.3 DO_WHILE, §6.8 (iterations).
/// A DO_WHILE loop. Its body's tasks are stored as `<ref>__<n>` per iteration; `${ref...}` reads
/// the latest iteration, and each iteration's outputs are in the loop's output under its number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DoWhile {
    /// JavaScript evaluated after each iteration; the loop continues while it is true. `$` holds
    /// the loop's input, `$.<loopRef>` its output (`iteration`, ...) and `$.<bodyRef>` each body
    /// task's output. Required unless `items` is set, where it defaults to `true` (iterate all
    /// items).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"$.poll['iteration'] < 10 && $.check['done'] != true")]
    pub condition: Option<String>,
    /// A `${...}` expression resolving to a list: the body runs once per item, with
    /// `${<loopRef>.output.loopItem}` and `loopIndex`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.input.orders}")]
    pub items: Option<String>,
    /// Keep only the outputs of the last N iterations (compiled to `inputParameters.keepLastN`,
    /// which the server requires to be a literal integer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 3)]
    pub keep_last_n: Option<u32>,
    /// The loop body. Reference names get the suffix `__<iteration>` at run time.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!([{"ref": "check", "task": "check_carrier"}]))]
    pub tasks: Vec<Task>,
}

// conductor-contract.md §2.4.
/// Which workflow a SUB_WORKFLOW task runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubWorkflow {
    /// The child workflow's name (may be a `${...}` expression, which then needs `version`).
    /// With an inline `definition`, defaults to the definition's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"charge_card")]
    pub name: Option<String>,
    /// The child's version; when absent, the latest version is pinned when the parent starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 2)]
    pub version: Option<i32>,
    /// An inline workflow definition (a workflow document), or a `${...}` expression resolving
    /// to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"workflow": "inline_child", "tasks": [{"ref": "step", "noop": {}}]}))]
    pub definition: Option<InlineDefinition>,
    /// Task-to-domain mapping of the child.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"*": "blue"}))]
    pub task_to_domain: Option<JsonMap>,
    /// Idempotency key of the child execution; may be a `${...}` expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.input.orderId}")]
    pub idempotency_key: Option<String>,
    /// What happens when an execution with the same idempotency key exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_strategy: Option<IdempotencyStrategy>,
    /// Priority of the child (0–99, or a `${...}` expression); inherited when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 10)]
    pub priority: Option<IntOrExpression>,
}

/// An inline sub-workflow definition, or an expression resolving to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum InlineDefinition {
    /// A complete workflow document.
    Workflow(Box<WorkflowDocument>),
    /// A string that starts with `${` and ends with `}`.
    Expression(String),
}

// conductor-contract.md §3.3 START_WORKFLOW.
/// What a START_WORKFLOW task starts: compiled to `inputParameters.startWorkflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StartWorkflow {
    /// A start request.
    Request(Box<StartWorkflowRequest>),
    /// A `${...}` expression resolving to a start request.
    Expression(String),
}

/// A workflow start request (StartWorkflowRequest.java).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartWorkflowRequest {
    /// The workflow to start.
    #[schemars(example = &"generate_monthly_report")]
    pub name: String,
    /// Its version; latest when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 4)]
    pub version: Option<IntOrExpression>,
    /// Its input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"accountId": "${workflow.input.accountId}"}))]
    pub input: Option<JsonMap>,
    /// Correlation id; the parent's when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.correlationId}")]
    pub correlation_id: Option<String>,
    /// Task-to-domain mapping; the parent's when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"*": "blue"}))]
    pub task_to_domain: Option<JsonMap>,
    /// Priority, 0–99.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 10)]
    pub priority: Option<IntOrExpression>,
    /// Idempotency key.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.input.orderId}")]
    pub idempotency_key: Option<String>,
    /// What happens when an execution with the same idempotency key exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_strategy: Option<IdempotencyStrategy>,
    /// An inline definition of the workflow to start.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"workflow": "one_off", "tasks": [{"ref": "step", "noop": {}}]}))]
    pub workflow_def: Option<Box<WorkflowDocument>>,
}

// conductor-contract.md §3.3 WAIT.
/// What a WAIT task waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WaitFor {
    /// A number of seconds.
    Seconds(u64),
    /// A duration text (`30s`, `1h 30m`), a `${...}` expression resolving to one, or the word
    /// `signal` (wait until completed through the API).
    Text(String),
    /// A date and time.
    Until(WaitUntil),
}

/// A WAIT until a date and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitUntil {
    /// `yyyy-MM-dd HH:mm`, `yyyy-MM-dd HH:mm z` (with a zone such as `UTC`), `yyyy-MM-dd`, or a
    /// `${...}` expression resolving to one.
    #[schemars(example = &"2024-01-31 00:00 UTC")]
    pub until: String,
}

impl JsonSchema for WaitFor {
    fn schema_name() -> Cow<'static, str> {
        "WaitFor".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let pattern = super::duration::duration_pattern();
        let text_pattern = format!("(?:{})|^signal$|^\\$\\{{.*\\}}$", pattern);
        json_schema!({
            "description": "What the task waits for: a duration (`2s`, `10m`, `1h 30m`, or a number of seconds) compiled to `inputParameters.duration`; `{until: \"2024-01-31 00:00 UTC\"}` compiled to `inputParameters.until`; or the word `signal`, to wait until the task is completed through the API. A `${...}` expression is taken as a duration.",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": text_pattern},
                generator.subschema_for::<WaitUntil>()
            ],
            "examples": ["2s", "signal", {"until": "2024-01-31 00:00 UTC"}]
        })
    }
}

// conductor-contract.md §3.3 TERMINATE.
/// How a TERMINATE task ends the workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Terminate {
    /// The workflow's final status; must be literal (compiled to `terminationStatus`).
    pub status: TerminationStatus,
    /// Why; may contain `${...}` (compiled to `terminationReason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"order ${workflow.input.orderId} was cancelled")]
    pub reason: Option<String>,
    /// The workflow's output: a mapping becomes the output, any other value becomes
    /// `{output: value}` (compiled to `workflowOutput`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"cancelled": true}))]
    pub output: Option<Value>,
}

/// The final status a TERMINATE task sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TerminationStatus {
    /// The workflow completes.
    #[serde(rename = "COMPLETED")]
    Completed,
    /// The workflow fails (and runs its failure workflow).
    #[serde(rename = "FAILED")]
    Failed,
    /// The workflow is terminated.
    #[serde(rename = "TERMINATED")]
    Terminated,
}

// conductor-contract.md §3.3 DYNAMIC.
/// Which task a DYNAMIC task runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DynamicTaskName {
    /// The task name (usually a `${...}` expression): compiled to the input key `taskToExecute`,
    /// named by `dynamicTaskNameParam`.
    Value(String),
    /// The raw form: the name of the input key holding the task name.
    Param(DynamicTaskNameParam),
}

/// The raw form of a DYNAMIC task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DynamicTaskNameParam {
    /// The name of the input key whose value is the task to run.
    #[schemars(example = &"taskToRun")]
    pub dynamic_task_name_param: String,
}

// conductor-contract.md §3.3 KAFKA_PUBLISH.
/// A Kafka message, compiled to `inputParameters.kafka_request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KafkaRequest {
    /// Comma-separated bootstrap servers.
    #[serde(rename = "bootStrapServers")]
    #[schemars(example = &"kafka-1:9092,kafka-2:9092")]
    pub bootstrap_servers: String,
    /// The topic.
    #[schemars(example = &"account-events")]
    pub topic: String,
    /// The message value, any JSON value.
    #[schemars(example = serde_json::json!({"accountId": "${workflow.input.accountId}"}))]
    pub value: Value,
    /// The message key.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.input.accountId}")]
    pub key: Option<Value>,
    /// Kafka serializer class of the key; the server's default is the string serializer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"org.apache.kafka.common.serialization.StringSerializer")]
    pub key_serializer: Option<String>,
    /// Message headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"source": "conductor"}))]
    pub headers: Option<JsonMap>,
    /// Request timeout in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 5000)]
    pub request_timeout_ms: Option<IntOrExpression>,
    /// Maximum blocking time in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 5000)]
    pub max_block_ms: Option<IntOrExpression>,
}

/// Retry policy of a task definition.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retry {
    /// How many times a failed task is retried (`retryCount`). Server default 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 3)]
    pub count: Option<u32>,
    /// How the delay grows (`retryLogic`). Server default `FIXED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<RetryLogic>,
    /// Delay before a retry (`retryDelaySeconds`). Server default 60 s.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"5s")]
    pub delay: Option<Duration>,
    /// Upper bound of the delay (`maxRetryDelaySeconds`); 0 means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"5m")]
    pub max_delay: Option<Duration>,
    /// Multiplier for LINEAR_BACKOFF (`backoffScaleFactor`). Server default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), example = 2)]
    pub scale_factor: Option<u32>,
    /// Random jitter added to the delay, in milliseconds (`backoffJitterMs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 250)]
    pub jitter_ms: Option<u32>,
}

/// Rate limit of a task definition: at most `count` executions per `per`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    /// Executions allowed per window (`rateLimitPerFrequency`); 0 means no limit.
    #[schemars(example = 100)]
    pub count: u32,
    /// The window (`rateLimitFrequencyInSeconds`). Server default 1 s.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"10s")]
    pub per: Option<Duration>,
}

/// A schema attached to an input or output (stored by the OSS server, not enforced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchemaRef {
    /// The schema's name.
    #[schemars(example = &"order_input")]
    pub name: String,
    /// The schema's version. Server default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 1)]
    pub version: Option<i32>,
    /// The schema language.
    #[serde(rename = "type")]
    pub schema_type: SchemaType,
    /// The schema itself, inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"type": "object", "required": ["orderId"]}))]
    pub data: Option<JsonMap>,
    /// A reference to the schema elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"https://schemas.example.com/order.json")]
    pub external_ref: Option<String>,
}

/// Workflow rate limit settings (stored by the OSS server, not enforced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkflowRateLimit {
    /// The key executions are counted by; may contain `${...}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"${workflow.input.customerId}")]
    pub rate_limit_key: Option<String>,
    /// Maximum concurrent executions per key. Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 2)]
    pub concurrent_exec_limit: Option<i32>,
    /// What happens to executions over the limit. Server default `QUEUE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<RateLimitPolicy>,
}

/// Result cache settings (stored by the OSS server, not used).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cache {
    /// The cache key; may contain `${...}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"quote-${workflow.input.sku}")]
    pub key: Option<String>,
    /// Time to live (`ttlInSecond`). Server default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"1h")]
    pub ttl: Option<Duration>,
}

/// An event published when a task's status changes (stored by the OSS server; no OSS
/// component publishes it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateChangeEvent {
    /// The event type.
    #[serde(rename = "type")]
    #[schemars(example = &"refund_events")]
    pub event_type: String,
    /// The payload; may contain `${...}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"orderId": "${workflow.input.orderId}"}))]
    pub payload: Option<JsonMap>,
}

/// Events per status change, keyed by comma-separated `on<Status>` names such as
/// `onSuccess,onFailed`.
pub type StateChangeEvents = IndexMap<String, Vec<StateChangeEvent>>;
