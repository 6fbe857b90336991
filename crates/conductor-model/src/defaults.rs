//! The server's model as data: every JSON property of each definition object, how the server
//! treats an absent or `null` value, and the default a `GET` returns (contract §1.1, §2.2–§2.13).
//!
//! These tables are the one place the defaults live. Normalisation ([`crate::normalize`]) fills
//! them in, import drops values equal to them, and the test server returns them.

use serde_json::Value;

/// A kind of object in the Conductor metadata model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// `WorkflowDef` (contract §2.2).
    WorkflowDef,
    /// `WorkflowTask` (contract §2.3).
    WorkflowTask,
    /// `TaskDef` (contract §2.9), registered or embedded in a task.
    TaskDef,
    /// `SubWorkflowParams` (contract §2.4).
    SubWorkflowParams,
    /// `StateChangeEvent` (contract §2.5).
    StateChangeEvent,
    /// `CacheConfig` (contract §2.6).
    CacheConfig,
    /// `RateLimitConfig` (contract §2.7).
    RateLimitConfig,
    /// `SchemaDef` (contract §2.8).
    SchemaDef,
}

/// How a JSON `null` sent for a property is stored (contract §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullHandling {
    /// A Java object field: `null` is dropped and the default comes back on read, exactly as if
    /// the key were absent.
    AsAbsent,
    /// A Java primitive (`int`, `long`, `boolean`): `null` becomes the zero value (`0`, `false`),
    /// **not** the default.
    Zero(ZeroValue),
}

/// The zero value of a Java primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroValue {
    /// `0` for `int` and `long`.
    Number,
    /// `false` for `boolean`.
    False,
}

/// What a `GET` returns for a property the request did not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// The key is omitted.
    Omitted,
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A string (enums included).
    Str(&'static str),
    /// `{}`.
    EmptyObject,
    /// `[]`.
    EmptyArray,
}

impl DefaultValue {
    /// The default as JSON, or `None` when the key is omitted.
    pub fn to_json(self) -> Option<Value> {
        match self {
            DefaultValue::Omitted => None,
            DefaultValue::Int(n) => Some(Value::from(n)),
            DefaultValue::Bool(b) => Some(Value::Bool(b)),
            DefaultValue::Str(s) => Some(Value::from(s)),
            DefaultValue::EmptyObject => Some(Value::Object(serde_json::Map::new())),
            DefaultValue::EmptyArray => Some(Value::Array(Vec::new())),
        }
    }

    /// Whether `value` equals this default, comparing numbers by value.
    pub fn matches(self, value: &Value) -> bool {
        match (self, value) {
            (DefaultValue::Omitted, _) => false,
            (DefaultValue::Int(n), Value::Number(num)) => num.as_f64() == Some(n as f64),
            (DefaultValue::Bool(b), Value::Bool(v)) => b == *v,
            (DefaultValue::Str(s), Value::String(v)) => s == v,
            (DefaultValue::EmptyObject, Value::Object(map)) => map.is_empty(),
            (DefaultValue::EmptyArray, Value::Array(items)) => items.is_empty(),
            _ => false,
        }
    }
}

/// What a property holds when it nests other model objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nested {
    /// A scalar, or a free-form map or list the server keeps as is.
    None,
    /// One object of the kind.
    One(ObjectKind),
    /// A list of objects of the kind.
    List(ObjectKind),
    /// A map from names to lists of objects of the kind (`decisionCases`, `onStateChange`).
    MapOfLists(ObjectKind),
    /// A list of lists of objects of the kind (`forkTasks`).
    ListOfLists(ObjectKind),
    /// `subWorkflowParam.workflowDefinition`: an inline `WorkflowDef` or an expression string.
    WorkflowDefinition,
}

/// One JSON property of a model object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON property name.
    pub name: &'static str,
    /// What `GET` returns when the property was not sent.
    pub default: DefaultValue,
    /// How an explicit `null` is stored.
    pub null: NullHandling,
    /// Server-populated audit field, dropped at every depth by normalisation (contract §2.12).
    pub audit: bool,
    /// Nested model objects, if any.
    pub nested: Nested,
}

const fn field(name: &'static str) -> Field {
    Field {
        name,
        default: DefaultValue::Omitted,
        null: NullHandling::AsAbsent,
        audit: false,
        nested: Nested::None,
    }
}

const fn with_default(name: &'static str, default: DefaultValue) -> Field {
    Field {
        name,
        default,
        null: NullHandling::AsAbsent,
        audit: false,
        nested: Nested::None,
    }
}

/// A Java `int`/`long` with its initial value.
const fn primitive_int(name: &'static str, initial: i64) -> Field {
    Field {
        name,
        default: DefaultValue::Int(initial),
        null: NullHandling::Zero(ZeroValue::Number),
        audit: false,
        nested: Nested::None,
    }
}

/// A Java `boolean` with its initial value.
const fn primitive_bool(name: &'static str, initial: bool) -> Field {
    Field {
        name,
        default: DefaultValue::Bool(initial),
        null: NullHandling::Zero(ZeroValue::False),
        audit: false,
        nested: Nested::None,
    }
}

const fn nested(name: &'static str, default: DefaultValue, nested: Nested) -> Field {
    Field {
        name,
        default,
        null: NullHandling::AsAbsent,
        audit: false,
        nested,
    }
}

const fn audit(name: &'static str) -> Field {
    Field {
        name,
        default: DefaultValue::Omitted,
        null: NullHandling::AsAbsent,
        audit: true,
        nested: Nested::None,
    }
}

/// `Auditable` fields (contract §2.1): `createTime`/`updateTime` read back as 0 when unset.
const AUDIT: [Field; 5] = [
    audit("ownerApp"),
    audit("createTime"),
    audit("updateTime"),
    audit("createdBy"),
    audit("updatedBy"),
];

/// `WorkflowDef` properties (contract §2.2, §2.11, §2.13).
pub const WORKFLOW_DEF: &[Field] = &[
    AUDIT[0],
    AUDIT[1],
    AUDIT[2],
    AUDIT[3],
    AUDIT[4],
    field("name"),
    field("description"),
    primitive_int("version", 1),
    nested(
        "tasks",
        DefaultValue::EmptyArray,
        Nested::List(ObjectKind::WorkflowTask),
    ),
    with_default("inputParameters", DefaultValue::EmptyArray),
    with_default("outputParameters", DefaultValue::EmptyObject),
    field("failureWorkflow"),
    field("failureWorkflowVersion"),
    primitive_int("schemaVersion", 2),
    primitive_bool("restartable", true),
    primitive_bool("workflowStatusListenerEnabled", false),
    field("workflowStatusListenerSink"),
    field("ownerEmail"),
    with_default("timeoutPolicy", DefaultValue::Str("ALERT_ONLY")),
    primitive_int("timeoutSeconds", 0),
    with_default("variables", DefaultValue::EmptyObject),
    with_default("inputTemplate", DefaultValue::EmptyObject),
    nested(
        "rateLimitConfig",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::RateLimitConfig),
    ),
    nested(
        "inputSchema",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::SchemaDef),
    ),
    nested(
        "outputSchema",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::SchemaDef),
    ),
    primitive_bool("enforceSchema", true),
    with_default("metadata", DefaultValue::EmptyObject),
    nested(
        "cacheConfig",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::CacheConfig),
    ),
    with_default("maskedFields", DefaultValue::EmptyArray),
];

/// `WorkflowTask` properties (contract §2.3, §2.11, §2.13).
pub const WORKFLOW_TASK: &[Field] = &[
    field("name"),
    field("taskReferenceName"),
    field("description"),
    with_default("inputParameters", DefaultValue::EmptyObject),
    with_default("type", DefaultValue::Str("SIMPLE")),
    field("dynamicTaskNameParam"),
    field("caseValueParam"),
    field("caseExpression"),
    field("scriptExpression"),
    nested(
        "decisionCases",
        DefaultValue::EmptyObject,
        Nested::MapOfLists(ObjectKind::WorkflowTask),
    ),
    field("dynamicForkJoinTasksParam"),
    field("dynamicForkTasksParam"),
    field("dynamicForkTasksInputParamName"),
    nested(
        "defaultCase",
        DefaultValue::EmptyArray,
        Nested::List(ObjectKind::WorkflowTask),
    ),
    nested(
        "forkTasks",
        DefaultValue::EmptyArray,
        Nested::ListOfLists(ObjectKind::WorkflowTask),
    ),
    primitive_int("startDelay", 0),
    nested(
        "subWorkflowParam",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::SubWorkflowParams),
    ),
    with_default("joinOn", DefaultValue::EmptyArray),
    field("sink"),
    primitive_bool("optional", false),
    nested(
        "taskDefinition",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::TaskDef),
    ),
    field("rateLimited"),
    with_default("defaultExclusiveJoinTask", DefaultValue::EmptyArray),
    with_default("asyncComplete", DefaultValue::Bool(false)),
    field("loopCondition"),
    nested(
        "loopOver",
        DefaultValue::EmptyArray,
        Nested::List(ObjectKind::WorkflowTask),
    ),
    field("items"),
    field("retryCount"),
    field("evaluatorType"),
    field("expression"),
    nested(
        "onStateChange",
        DefaultValue::EmptyObject,
        Nested::MapOfLists(ObjectKind::StateChangeEvent),
    ),
    field("joinStatus"),
    nested(
        "cacheConfig",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::CacheConfig),
    ),
    primitive_bool("permissive", false),
    field("joinMode"),
    with_default("metadata", DefaultValue::EmptyObject),
];

/// `TaskDef` properties (contract §2.9, §2.11).
pub const TASK_DEF: &[Field] = &[
    AUDIT[0],
    AUDIT[1],
    AUDIT[2],
    AUDIT[3],
    AUDIT[4],
    field("name"),
    field("description"),
    primitive_int("retryCount", 3),
    primitive_int("timeoutSeconds", 0),
    with_default("inputKeys", DefaultValue::EmptyArray),
    with_default("outputKeys", DefaultValue::EmptyArray),
    with_default("runtimeMetadata", DefaultValue::EmptyArray),
    with_default("timeoutPolicy", DefaultValue::Str("TIME_OUT_WF")),
    with_default("retryLogic", DefaultValue::Str("FIXED")),
    primitive_int("retryDelaySeconds", 60),
    primitive_int("responseTimeoutSeconds", 3600),
    field("concurrentExecLimit"),
    with_default("inputTemplate", DefaultValue::EmptyObject),
    // Integer fields whose getters fall back to a value, so they are always present.
    with_default("rateLimitPerFrequency", DefaultValue::Int(0)),
    with_default("rateLimitFrequencyInSeconds", DefaultValue::Int(1)),
    field("isolationGroupId"),
    field("executionNameSpace"),
    field("ownerEmail"),
    field("pollTimeoutSeconds"),
    with_default("backoffScaleFactor", DefaultValue::Int(1)),
    primitive_int("maxRetryDelaySeconds", 0),
    primitive_int("backoffJitterMs", 0),
    field("baseType"),
    primitive_int("totalTimeoutSeconds", 0),
    primitive_bool("taskStatusListenerEnabled", true),
    nested(
        "inputSchema",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::SchemaDef),
    ),
    nested(
        "outputSchema",
        DefaultValue::Omitted,
        Nested::One(ObjectKind::SchemaDef),
    ),
    primitive_bool("enforceSchema", false),
];

/// `SubWorkflowParams` properties (contract §2.4). None has a default.
pub const SUB_WORKFLOW_PARAMS: &[Field] = &[
    field("name"),
    field("version"),
    field("taskToDomain"),
    nested(
        "workflowDefinition",
        DefaultValue::Omitted,
        Nested::WorkflowDefinition,
    ),
    field("idempotencyKey"),
    field("idempotencyStrategy"),
    field("priority"),
];

/// `StateChangeEvent` properties (contract §2.5).
pub const STATE_CHANGE_EVENT: &[Field] = &[field("type"), field("payload")];

/// `CacheConfig` properties (contract §2.6).
pub const CACHE_CONFIG: &[Field] = &[field("key"), primitive_int("ttlInSecond", 0)];

/// `RateLimitConfig` properties (contract §2.7).
pub const RATE_LIMIT_CONFIG: &[Field] = &[
    field("rateLimitKey"),
    primitive_int("concurrentExecLimit", 0),
    with_default("policy", DefaultValue::Str("QUEUE")),
];

/// `SchemaDef` properties (contract §2.8).
pub const SCHEMA_DEF: &[Field] = &[
    AUDIT[0],
    AUDIT[1],
    AUDIT[2],
    AUDIT[3],
    AUDIT[4],
    field("name"),
    primitive_int("version", 1),
    field("type"),
    field("data"),
    field("externalRef"),
];

impl ObjectKind {
    /// The properties of this kind, in the order the server serialises them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            ObjectKind::WorkflowDef => WORKFLOW_DEF,
            ObjectKind::WorkflowTask => WORKFLOW_TASK,
            ObjectKind::TaskDef => TASK_DEF,
            ObjectKind::SubWorkflowParams => SUB_WORKFLOW_PARAMS,
            ObjectKind::StateChangeEvent => STATE_CHANGE_EVENT,
            ObjectKind::CacheConfig => CACHE_CONFIG,
            ObjectKind::RateLimitConfig => RATE_LIMIT_CONFIG,
            ObjectKind::SchemaDef => SCHEMA_DEF,
        }
    }

    /// The property called `name`, if this kind has one.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|field| field.name == name)
    }

    /// The Java class name, for messages.
    pub fn class_name(self) -> &'static str {
        match self {
            ObjectKind::WorkflowDef => "WorkflowDef",
            ObjectKind::WorkflowTask => "WorkflowTask",
            ObjectKind::TaskDef => "TaskDef",
            ObjectKind::SubWorkflowParams => "SubWorkflowParams",
            ObjectKind::StateChangeEvent => "StateChangeEvent",
            ObjectKind::CacheConfig => "CacheConfig",
            ObjectKind::RateLimitConfig => "RateLimitConfig",
            ObjectKind::SchemaDef => "SchemaDef",
        }
    }
}

/// Write-only alias of `WorkflowTask.type`: Jackson accepts it on input and never returns it.
pub const WORKFLOW_TASK_TYPE_ALIAS: &str = "workflowTaskType";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_unique_property_names() {
        for kind in [
            ObjectKind::WorkflowDef,
            ObjectKind::WorkflowTask,
            ObjectKind::TaskDef,
            ObjectKind::SubWorkflowParams,
            ObjectKind::StateChangeEvent,
            ObjectKind::CacheConfig,
            ObjectKind::RateLimitConfig,
            ObjectKind::SchemaDef,
        ] {
            let mut names: Vec<_> = kind.fields().iter().map(|f| f.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{kind:?}");
        }
    }

    #[test]
    fn defaults_match_the_verified_minimal_round_trip() {
        // Contract §2.11: the keys GET adds to a minimal task definition.
        let expected = [
            ("retryCount", "3"),
            ("timeoutSeconds", "0"),
            ("timeoutPolicy", "\"TIME_OUT_WF\""),
            ("retryLogic", "\"FIXED\""),
            ("retryDelaySeconds", "60"),
            ("responseTimeoutSeconds", "3600"),
            ("rateLimitPerFrequency", "0"),
            ("rateLimitFrequencyInSeconds", "1"),
            ("backoffScaleFactor", "1"),
            ("maxRetryDelaySeconds", "0"),
            ("backoffJitterMs", "0"),
            ("totalTimeoutSeconds", "0"),
            ("taskStatusListenerEnabled", "true"),
            ("enforceSchema", "false"),
        ];
        for (name, json) in expected {
            let field = ObjectKind::TaskDef.field(name).expect(name);
            let value: Value = serde_json::from_str(json).expect("literal");
            assert!(field.default.matches(&value), "{name}");
        }
    }
}
