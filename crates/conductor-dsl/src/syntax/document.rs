//! Documents: a YAML document is a workflow (`workflow: <name>`) or a task definition
//! (`task: <name>`).

use std::borrow::Cow;

use conductor_model::{TaskTimeoutPolicy, WorkflowTimeoutPolicy};
use schemars::JsonSchema;
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::dispatch::{Discriminated, read_rest, reject_non_mappings, split_map};

use super::JsonMap;
use super::duration::Duration;
use super::parts::{Cache, RateLimit, Retry, SchemaRef, WorkflowRateLimit};
use super::task::Task;

/// One YAML document.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(
    title = "conductor-apply document",
    description = "A conductor-apply document: a workflow (`workflow: <name>`) or a task definition (`task: <name>`). A file may hold several documents separated by `---`."
)]
pub enum Document {
    /// A workflow definition.
    Workflow(Box<WorkflowDocument>),
    /// A task definition.
    TaskDef(Box<TaskDocument>),
}

/// The kind of a document, told by its first key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// `workflow:`
    Workflow,
    /// `task:`
    TaskDef,
}

/// The documents kinds with their keys, in the order of the schema's `anyOf`.
pub const DOCUMENT_KINDS: [(DocumentKind, &str); 2] = [
    (DocumentKind::Workflow, "workflow"),
    (DocumentKind::TaskDef, "task"),
];

impl DocumentKind {
    /// The discriminating key.
    pub fn key(self) -> &'static str {
        match self {
            DocumentKind::Workflow => "workflow",
            DocumentKind::TaskDef => "task",
        }
    }

    /// The document kind of a mapping, if exactly one discriminating key is present.
    pub fn detect(mapping: &serde_json::Map<String, Value>) -> Option<DocumentKind> {
        match (
            mapping.contains_key("workflow"),
            mapping.contains_key("task"),
        ) {
            (true, false) => Some(DocumentKind::Workflow),
            (false, true) => Some(DocumentKind::TaskDef),
            _ => None,
        }
    }
}

/// Why a mapping is not a document.
const NOT_A_DOCUMENT: &str = "a document starts with `workflow:` or `task:`";

impl Discriminated for Document {
    type Kind = DocumentKind;

    fn kind_of(key: &str) -> Option<DocumentKind> {
        DOCUMENT_KINDS
            .iter()
            .find(|(_, kind_key)| *kind_key == key)
            .map(|(kind, _)| *kind)
    }

    fn conflict_message(_keys: &[String]) -> String {
        NOT_A_DOCUMENT.to_owned()
    }
}

impl<'de> Deserialize<'de> for Document {
    /// Tells the kind by its key, then reads the mapping as that kind without buffering it
    /// (see `dispatch`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a document")
    }

    reject_non_mappings!(NOT_A_DOCUMENT);

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
        let Some((kind, rest)) = split_map::<Document, A>(map)? else {
            return Err(A::Error::custom(NOT_A_DOCUMENT));
        };
        Ok(match kind {
            DocumentKind::Workflow => Document::Workflow(Box::new(read_rest(rest)?)),
            DocumentKind::TaskDef => Document::TaskDef(Box::new(read_rest(rest)?)),
        })
    }
}

// conductor-contract.md §2.2.
/// A workflow definition (compiles to a Conductor `WorkflowDef`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkflowDocument {
    /// The workflow's name (`name`); with `version`, its identity on the server. Letters,
    /// digits, spaces, `_`, `-`, `<`, `>`, `{`, `}` and `#`.
    #[schemars(length(min = 1), example = &"order_fulfillment")]
    pub workflow: String,
    /// Free text shown in the Conductor UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"Charge, ship and notify for one order.")]
    pub description: Option<String>,
    /// The version; the server defaults it to 1. conductor-apply updates an existing version in
    /// place; give a new number to keep the old version.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 3)]
    pub version: Option<i32>,
    /// The owner's e-mail; servers that set `conductor.app.ownerEmailMandatory` reject
    /// definitions without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"orders@example.com")]
    pub owner_email: Option<String>,
    /// Definition format version (`schemaVersion`); the server supports only 2, its default.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 2, max = 2))]
    #[schemars(example = 2)]
    pub schema_version: Option<i32>,
    /// Execution time limit (`timeoutSeconds`); 0 means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"2h")]
    pub timeout: Option<Duration>,
    /// What happens when `timeout` elapses. Server default `ALERT_ONLY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_policy: Option<WorkflowTimeoutPolicy>,
    /// Whether a completed execution may be restarted. Server default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restartable: Option<bool>,
    /// Name of the workflow started when this one fails; `$workflow.input.<key>` reads it from
    /// the input (without `${}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"order_cleanup")]
    pub failure_workflow: Option<String>,
    /// Version of the failure workflow; latest when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = 2)]
    pub failure_workflow_version: Option<i32>,
    /// Whether the server publishes status changes of executions. Server default `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_status_listener_enabled: Option<bool>,
    /// Where status changes are published.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = &"kafka:workflow-status")]
    pub workflow_status_listener_sink: Option<String>,
    /// Names of the workflow's inputs (`inputParameters`); checks use them to catch
    /// misspelled `${workflow.input.<name>}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!(["orderId", "express"]))]
    pub inputs: Option<Vec<String>>,
    /// Default input values (`inputTemplate`), used when the start request lacks them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"express": false}))]
    pub input_template: Option<JsonMap>,
    /// Initial workflow variables, changed by `setVariable` tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"attempts": 0}))]
    pub variables: Option<JsonMap>,
    /// The tasks, run in order. At least one.
    #[schemars(length(min = 1))]
    #[schemars(example = serde_json::json!([{"ref": "charge", "task": "charge_card"}]))]
    pub tasks: Vec<Task>,
    /// The workflow's output (`outputParameters`), resolved with `${...}` when it completes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"chargeId": "${charge.output.chargeId}"}))]
    pub output: Option<JsonMap>,
    /// Schema of the input (stored by the OSS server, not enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"name": "order_input", "type": "JSON"}))]
    pub input_schema: Option<SchemaRef>,
    /// Schema of the output (stored by the OSS server, not enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"name": "order_output", "type": "JSON"}))]
    pub output_schema: Option<SchemaRef>,
    /// Whether the schemas are enforced. Server default `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_schema: Option<bool>,
    /// Rate limit settings (stored by the OSS server, not enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"rateLimitKey": "${workflow.input.customerId}", "concurrentExecLimit": 2}))]
    pub rate_limit_config: Option<WorkflowRateLimit>,
    /// Result cache settings (stored by the OSS server, not used).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"key": "${workflow.input.orderId}", "ttl": "10m"}))]
    pub cache_config: Option<Cache>,
    /// Input or output fields masked in the UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!(["cardNumber"]))]
    pub masked_fields: Option<Vec<String>>,
    /// Free-form metadata. conductor-apply adds its ownership stamp here when applying.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(example = serde_json::json!({"team": "payments"}))]
    pub metadata: Option<JsonMap>,
}

/// Declares a task-definition struct: the given head fields, then every task definition
/// setting. Shared by [`TaskDocument`] and [`EmbeddedTaskDef`] so the two never drift.
macro_rules! task_def_struct {
    (
        $(#[$struct_meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident : $field_type:ty,
            )*
        }
    ) => {
        $(#[$struct_meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $field_type,
            )*
            /// Free text.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"Charges a card through the payment gateway.")]
            pub description: Option<String>,
            /// The owner's e-mail; servers that set `conductor.app.ownerEmailMandatory` reject
            /// definitions without one.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"payments@example.com")]
            pub owner_email: Option<String>,
            /// Retry policy.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!({"count": 3, "logic": "EXPONENTIAL_BACKOFF", "delay": "5s"}))]
            pub retry: Option<Retry>,
            /// Time limit of one attempt (`timeoutSeconds`); 0 means none. When set,
            /// `responseTimeout` must not exceed it (the server's default `responseTimeout` is
            /// 1 hour).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"2m")]
            pub timeout: Option<Duration>,
            /// What happens when an attempt times out. Server default `TIME_OUT_WF`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub timeout_policy: Option<TaskTimeoutPolicy>,
            /// Time a worker may go without updating the task (`responseTimeoutSeconds`).
            /// Server default 1 hour; at least 1 second.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"30s")]
            pub response_timeout: Option<Duration>,
            /// Time a scheduled task may wait to be polled (`pollTimeoutSeconds`).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"1m")]
            pub poll_timeout: Option<Duration>,
            /// Time limit of all attempts together (`totalTimeoutSeconds`); 0 means none.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"10m")]
            pub total_timeout: Option<Duration>,
            /// Maximum executions IN_PROGRESS at once (`concurrentExecLimit`).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = 10)]
            pub concurrency: Option<u32>,
            /// Maximum executions per time window.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!({"count": 100, "per": "10s"}))]
            pub rate_limit: Option<RateLimit>,
            /// Names of the inputs the task expects (documentation).
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!(["orderId", "amount"]))]
            pub input_keys: Option<Vec<String>>,
            /// Names of the outputs the task produces; checks use them to catch misspelled
            /// `${<ref>.output.<key>}`.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!(["chargeId"]))]
            pub output_keys: Option<Vec<String>>,
            /// Default input values, merged under each task's input.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!({"currency": "EUR"}))]
            pub input_template: Option<JsonMap>,
            /// Runtime metadata keys.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!(["region"]))]
            pub runtime_metadata: Option<Vec<String>>,
            /// Isolation group of the workers.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"payments-workers")]
            pub isolation_group_id: Option<String>,
            /// Execution namespace of the workers.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"payments")]
            pub execution_name_space: Option<String>,
            /// Base type.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = &"worker")]
            pub base_type: Option<String>,
            /// Whether status changes are published. Server default `true`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub task_status_listener_enabled: Option<bool>,
            /// Schema of the input.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!({"name": "charge_input", "type": "JSON"}))]
            pub input_schema: Option<SchemaRef>,
            /// Schema of the output.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schemars(example = serde_json::json!({"name": "charge_output", "type": "JSON"}))]
            pub output_schema: Option<SchemaRef>,
            /// Whether the schemas are enforced. Server default `false`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub enforce_schema: Option<bool>,
        }
    };
}

task_def_struct! {
    // conductor-contract.md §2.9.
    /// A task definition (compiles to a Conductor `TaskDef`): the settings of the worker tasks
    /// of that name.
    pub struct TaskDocument {
        /// The task definition's name (`name`): the task type workers poll and `task:` refers to.
        #[schemars(length(min = 1), example = &"charge_card")]
        pub task: String,
    }
}

task_def_struct! {
    /// A task definition embedded in a workflow task (`taskDefinition`), taking priority over
    /// the registered one.
    pub struct EmbeddedTaskDef {
        /// The definition's name; defaults to the task's name.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(example = &"charge_card_slow")]
        pub name: Option<String>,
    }
}

/// The schema name of a document kind's struct.
pub fn document_schema_name(kind: DocumentKind) -> Cow<'static, str> {
    match kind {
        DocumentKind::Workflow => WorkflowDocument::schema_name(),
        DocumentKind::TaskDef => TaskDocument::schema_name(),
    }
}

/// Builds one task-definition struct from another: the settings both have (every field but the
/// identity, `task` or `name`) move across, named once here; the identity fields are given.
/// The source is destructured without `..`, so a setting added to [`task_def_struct!`] and
/// missing here fails to compile rather than being dropped.
macro_rules! move_task_def_settings {
    ($source:expr, $Source:ident { $($source_only:ident),* } => $Target:ident { $($target_only:ident: $value:expr),* $(,)? }) => {
        $crate::syntax::document::move_task_def_settings!(
            @settings [
                description, owner_email, retry, timeout, timeout_policy, response_timeout,
                poll_timeout, total_timeout, concurrency, rate_limit, input_keys, output_keys,
                input_template, runtime_metadata, isolation_group_id, execution_name_space,
                base_type, task_status_listener_enabled, input_schema, output_schema,
                enforce_schema
            ]
            $source, $Source { $($source_only),* } => $Target { $($target_only: $value),* }
        )
    };
    (@settings [$($setting:ident),*] $source:expr, $Source:ident { $($source_only:ident),* } => $Target:ident { $($target_only:ident: $value:expr),* }) => {{
        let $Source { $($source_only,)* $($setting,)* } = $source;
        $Target { $($target_only: $value,)* $($setting,)* }
    }};
}
pub(crate) use move_task_def_settings;

impl EmbeddedTaskDef {
    /// The same settings as a task-definition document named `name` unless the embedded
    /// definition names itself.
    pub fn to_document(&self, default_name: &str) -> TaskDocument {
        move_task_def_settings!(self.clone(), EmbeddedTaskDef { name } => TaskDocument {
            task: name.unwrap_or_else(|| default_name.to_owned()),
        })
    }
}
