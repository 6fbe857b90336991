//! The server's Java classes as data: what Jackson does to a request body when it reads it into
//! `WorkflowDef`, `WorkflowTask`, `TaskDef` and their parts, and what `GET` then returns.
//!
//! This table is written from the contract (§1.1, §2.1–§2.9, §2.11) in the server's terms, a
//! Java field, its type and its initializer, and deliberately shares nothing with the
//! product's own defaults table: a test double that reused the product's table would agree
//! with the product's bugs.
//!
//! [`materialize`] plays the whole round trip of contract §1.2 at once: unknown properties are
//! dropped (`FAIL_ON_UNKNOWN_PROPERTIES` is off), `null` on a primitive becomes its zero value,
//! `null` on an object field falls back to the field's initializer, and every field with a
//! non-null initializer appears in the result. Values of the wrong JSON type fail, as Jackson's
//! deserialisation does (contract §4.4), with a message in Jackson's style.

use serde_json::{Map, Value};

use crate::version::ServerVersion;

/// A Java class of the metadata model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `WorkflowDef`.
    WorkflowDef,
    /// `WorkflowTask`.
    WorkflowTask,
    /// `TaskDef`.
    TaskDef,
    /// `SubWorkflowParams`.
    SubWorkflowParams,
    /// `StateChangeEvent`.
    StateChangeEvent,
    /// `CacheConfig`.
    CacheConfig,
    /// `RateLimitConfig`.
    RateLimitConfig,
    /// `SchemaDef`.
    SchemaDef,
}

/// The Java type of a field, with what an initializer or a getter supplies when unset.
#[derive(Debug, Clone, Copy)]
enum JavaType {
    /// `String`: no initializer.
    Text,
    /// `int`/`long`: a primitive with this initializer; `null` reads as 0.
    PrimitiveNumber(i64),
    /// `boolean`: a primitive with this initializer; `null` reads as false.
    PrimitiveBool(bool),
    /// `Integer`/`Long` without an initializer.
    BoxedNumber,
    /// `Integer` whose getter or initializer supplies this value when unset.
    BoxedNumberDefault(i64),
    /// `Boolean` without an initializer.
    BoxedBool,
    /// `Boolean` initialized to this value.
    BoxedBoolDefault(bool),
    /// An enum; `Some` is its initializer.
    Enum(&'static [&'static str], Option<&'static str>),
    /// `List<String>` initialized to an empty list.
    StringList,
    /// `Map<String, Object>` initialized to an empty map (free-form content).
    FreeMap,
    /// `Map<String, Object>` without an initializer.
    FreeMapNoDefault,
    /// A nested model object, no initializer.
    Object(Class),
    /// `List<Class>` initialized to an empty list.
    ObjectList(Class),
    /// `List<List<Class>>` initialized to an empty list.
    ObjectListList(Class),
    /// `Map<String, List<Class>>` initialized to an empty map.
    ObjectListMap(Class),
    /// `Long` audit time whose getter returns 0 for null (Auditable.java).
    AuditTime,
    /// `SubWorkflowParams.workflowDefinition`: null, a `WorkflowDef`, or a `${...}` string.
    WorkflowDefinition,
    /// `SubWorkflowParams.priority`: an int or a `${...}` string.
    Priority,
}

use JavaType::*;

const WORKFLOW_TIMEOUT_POLICIES: &[&str] = &["TIME_OUT_WF", "ALERT_ONLY"];
const TASK_TIMEOUT_POLICIES: &[&str] = &["RETRY", "TIME_OUT_WF", "ALERT_ONLY"];
const RETRY_LOGICS: &[&str] = &["FIXED", "EXPONENTIAL_BACKOFF", "LINEAR_BACKOFF"];
const JOIN_MODES: &[&str] = &["SYNC", "ASYNC"];
const IDEMPOTENCY_STRATEGIES: &[&str] = &["FAIL", "RETURN_EXISTING", "FAIL_ON_RUNNING"];
const RATE_LIMIT_POLICIES: &[&str] = &["QUEUE", "REJECT"];
const SCHEMA_TYPES: &[&str] = &["JSON", "AVRO", "PROTOBUF"];

/// Auditable.java: the audit fields every definition class starts with.
const AUDITABLE: &[(&str, JavaType)] = &[
    ("ownerApp", Text),
    ("createTime", AuditTime),
    ("updateTime", AuditTime),
    ("createdBy", Text),
    ("updatedBy", Text),
];

/// WorkflowDef.java, in declaration order (contract §2.2).
const WORKFLOW_DEF: &[(&str, JavaType)] = &[
    ("name", Text),
    ("description", Text),
    ("version", PrimitiveNumber(1)),
    ("tasks", ObjectList(Class::WorkflowTask)),
    ("inputParameters", StringList),
    ("outputParameters", FreeMap),
    ("failureWorkflow", Text),
    ("failureWorkflowVersion", BoxedNumber),
    ("schemaVersion", PrimitiveNumber(2)),
    ("restartable", PrimitiveBool(true)),
    ("workflowStatusListenerEnabled", PrimitiveBool(false)),
    ("workflowStatusListenerSink", Text),
    ("ownerEmail", Text),
    (
        "timeoutPolicy",
        Enum(WORKFLOW_TIMEOUT_POLICIES, Some("ALERT_ONLY")),
    ),
    ("timeoutSeconds", PrimitiveNumber(0)),
    ("variables", FreeMap),
    ("inputTemplate", FreeMap),
    ("rateLimitConfig", Object(Class::RateLimitConfig)),
    ("inputSchema", Object(Class::SchemaDef)),
    ("outputSchema", Object(Class::SchemaDef)),
    ("enforceSchema", PrimitiveBool(true)),
    ("metadata", FreeMap),
    ("cacheConfig", Object(Class::CacheConfig)),
    ("maskedFields", StringList),
];

/// WorkflowTask.java, in declaration order (contract §2.3).
const WORKFLOW_TASK: &[(&str, JavaType)] = &[
    ("name", Text),
    ("taskReferenceName", Text),
    ("description", Text),
    ("inputParameters", FreeMap),
    ("type", Text),
    ("dynamicTaskNameParam", Text),
    ("caseValueParam", Text),
    ("caseExpression", Text),
    ("scriptExpression", Text),
    ("decisionCases", ObjectListMap(Class::WorkflowTask)),
    ("dynamicForkJoinTasksParam", Text),
    ("dynamicForkTasksParam", Text),
    ("dynamicForkTasksInputParamName", Text),
    ("defaultCase", ObjectList(Class::WorkflowTask)),
    ("forkTasks", ObjectListList(Class::WorkflowTask)),
    ("startDelay", PrimitiveNumber(0)),
    ("subWorkflowParam", Object(Class::SubWorkflowParams)),
    ("joinOn", StringList),
    ("sink", Text),
    ("optional", PrimitiveBool(false)),
    ("taskDefinition", Object(Class::TaskDef)),
    ("rateLimited", BoxedBool),
    ("defaultExclusiveJoinTask", StringList),
    ("asyncComplete", BoxedBoolDefault(false)),
    ("loopCondition", Text),
    ("loopOver", ObjectList(Class::WorkflowTask)),
    ("items", Text),
    ("retryCount", BoxedNumber),
    ("evaluatorType", Text),
    ("expression", Text),
    ("onStateChange", ObjectListMap(Class::StateChangeEvent)),
    ("joinStatus", Text),
    ("cacheConfig", Object(Class::CacheConfig)),
    ("permissive", PrimitiveBool(false)),
    ("joinMode", Enum(JOIN_MODES, None)),
    ("metadata", FreeMap),
];

/// TaskDef.java, in declaration order (contract §2.9).
const TASK_DEF: &[(&str, JavaType)] = &[
    ("name", Text),
    ("description", Text),
    ("retryCount", PrimitiveNumber(3)),
    ("timeoutSeconds", PrimitiveNumber(0)),
    ("inputKeys", StringList),
    ("outputKeys", StringList),
    ("runtimeMetadata", StringList),
    (
        "timeoutPolicy",
        Enum(TASK_TIMEOUT_POLICIES, Some("TIME_OUT_WF")),
    ),
    ("retryLogic", Enum(RETRY_LOGICS, Some("FIXED"))),
    ("retryDelaySeconds", PrimitiveNumber(60)),
    ("responseTimeoutSeconds", PrimitiveNumber(3600)),
    ("concurrentExecLimit", BoxedNumber),
    ("inputTemplate", FreeMap),
    ("rateLimitPerFrequency", BoxedNumberDefault(0)),
    ("rateLimitFrequencyInSeconds", BoxedNumberDefault(1)),
    ("isolationGroupId", Text),
    ("executionNameSpace", Text),
    ("ownerEmail", Text),
    ("pollTimeoutSeconds", BoxedNumber),
    ("backoffScaleFactor", BoxedNumberDefault(1)),
    ("maxRetryDelaySeconds", PrimitiveNumber(0)),
    ("backoffJitterMs", PrimitiveNumber(0)),
    ("baseType", Text),
    ("totalTimeoutSeconds", PrimitiveNumber(0)),
    ("taskStatusListenerEnabled", PrimitiveBool(true)),
    ("inputSchema", Object(Class::SchemaDef)),
    ("outputSchema", Object(Class::SchemaDef)),
    ("enforceSchema", PrimitiveBool(false)),
];

/// SubWorkflowParams.java (contract §2.4).
const SUB_WORKFLOW_PARAMS: &[(&str, JavaType)] = &[
    ("name", Text),
    ("version", BoxedNumber),
    ("taskToDomain", FreeMapNoDefault),
    ("workflowDefinition", WorkflowDefinition),
    ("idempotencyKey", Text),
    ("idempotencyStrategy", Enum(IDEMPOTENCY_STRATEGIES, None)),
    ("priority", Priority),
];

/// StateChangeEvent.java (contract §2.5).
const STATE_CHANGE_EVENT: &[(&str, JavaType)] = &[("type", Text), ("payload", FreeMapNoDefault)];

/// CacheConfig.java (contract §2.6).
const CACHE_CONFIG: &[(&str, JavaType)] = &[("key", Text), ("ttlInSecond", PrimitiveNumber(0))];

/// RateLimitConfig.java (contract §2.7).
const RATE_LIMIT_CONFIG: &[(&str, JavaType)] = &[
    ("rateLimitKey", Text),
    ("concurrentExecLimit", PrimitiveNumber(0)),
    ("policy", Enum(RATE_LIMIT_POLICIES, Some("QUEUE"))),
];

/// SchemaDef.java (contract §2.8), after its Auditable fields.
const SCHEMA_DEF: &[(&str, JavaType)] = &[
    ("name", Text),
    ("version", PrimitiveNumber(1)),
    ("type", Enum(SCHEMA_TYPES, None)),
    ("data", FreeMapNoDefault),
    ("externalRef", Text),
];

impl Class {
    fn java_name(self) -> &'static str {
        match self {
            Class::WorkflowDef => "WorkflowDef",
            Class::WorkflowTask => "WorkflowTask",
            Class::TaskDef => "TaskDef",
            Class::SubWorkflowParams => "SubWorkflowParams",
            Class::StateChangeEvent => "StateChangeEvent",
            Class::CacheConfig => "CacheConfig",
            Class::RateLimitConfig => "RateLimitConfig",
            Class::SchemaDef => "SchemaDef",
        }
    }

    fn auditable(self) -> bool {
        matches!(self, Class::WorkflowDef | Class::TaskDef | Class::SchemaDef)
    }

    fn fields(self) -> &'static [(&'static str, JavaType)] {
        match self {
            Class::WorkflowDef => WORKFLOW_DEF,
            Class::WorkflowTask => WORKFLOW_TASK,
            Class::TaskDef => TASK_DEF,
            Class::SubWorkflowParams => SUB_WORKFLOW_PARAMS,
            Class::StateChangeEvent => STATE_CHANGE_EVENT,
            Class::CacheConfig => CACHE_CONFIG,
            Class::RateLimitConfig => RATE_LIMIT_CONFIG,
            Class::SchemaDef => SCHEMA_DEF,
        }
    }
}

/// A body Jackson could not read: the server answers 500 (contract §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReadable(pub String);

/// The first release whose class has the field, for the fields not in every 3.x release
/// (server-versions.md §1); `None` for the others.
pub fn field_since(class: Class, field: &str) -> Option<ServerVersion> {
    let (major, minor, patch) = match (class, field) {
        (
            Class::WorkflowDef,
            "workflowStatusListenerSink"
            | "rateLimitConfig"
            | "inputSchema"
            | "outputSchema"
            | "enforceSchema",
        ) => (3, 21, 0),
        (Class::WorkflowDef, "metadata") => (3, 21, 14),
        (Class::WorkflowDef, "cacheConfig") => (3, 21, 16),
        (Class::WorkflowDef, "maskedFields") => (3, 21, 18),
        (Class::WorkflowDef, "failureWorkflowVersion") => (3, 31, 2),
        (Class::WorkflowTask, "permissive") => (3, 16, 0),
        (Class::WorkflowTask, "onStateChange" | "joinStatus" | "cacheConfig") => (3, 21, 0),
        (Class::WorkflowTask, "items") => (3, 22, 0),
        (Class::WorkflowTask, "joinMode") => (3, 22, 3),
        (Class::WorkflowTask, "metadata") => (3, 32, 0),
        (Class::TaskDef, "baseType" | "inputSchema" | "outputSchema" | "enforceSchema") => {
            (3, 21, 0)
        }
        (Class::TaskDef, "totalTimeoutSeconds") => (3, 21, 11),
        (Class::TaskDef, "taskStatusListenerEnabled") => (3, 23, 0),
        (Class::TaskDef, "maxRetryDelaySeconds" | "backoffJitterMs") => (3, 30, 0),
        (Class::TaskDef, "runtimeMetadata") => (3, 31, 2),
        (Class::SubWorkflowParams, "idempotencyKey" | "idempotencyStrategy") => (3, 21, 0),
        (Class::SubWorkflowParams, "priority") => (3, 21, 11),
        (Class::RateLimitConfig, "policy") => (3, 22, 0),
        _ => return None,
    };
    Some(ServerVersion::new(major, minor, patch))
}

/// Whether `version`'s class has the field.
pub fn has_field(class: Class, field: &str, version: ServerVersion) -> bool {
    field_since(class, field).is_none_or(|since| version >= since)
}

/// `WorkflowTask` collections the Boot 2 servers (before 3.21.0) leave out of a `GET` when
/// they are empty.
const BOOT2_NON_EMPTY_TASK_FIELDS: [&str; 6] = [
    "decisionCases",
    "defaultCase",
    "forkTasks",
    "joinOn",
    "loopOver",
    "defaultExclusiveJoinTask",
];

/// Reads `value` as an instance of `class` and returns what the server stores and `GET`
/// returns for it: the 3.32.1 classes.
pub fn materialize(class: Class, value: &Value) -> Result<Value, NotReadable> {
    materialize_as(class, value, ServerVersion::default())
}

/// [`materialize`] with the classes of `version`: the fields it lacks are dropped, and before
/// 3.21.0 (`BaseDef`, Spring Boot 2) `WorkflowDef` and `TaskDef` carry `accessPolicy`, unset
/// audit times are left out, and empty task collections are left out.
pub fn materialize_as(
    class: Class,
    value: &Value,
    version: ServerVersion,
) -> Result<Value, NotReadable> {
    let Value::Object(object) = value else {
        return Err(mismatch(class.java_name(), value));
    };
    let boot2 = !version.at_least(3, 21, 0);
    let mut out = Map::new();
    let audit = if class.auditable() { AUDITABLE } else { &[] };
    const ACCESS_POLICY: &[(&str, JavaType)] = &[("accessPolicy", FreeMap)];
    let base = if boot2 && matches!(class, Class::WorkflowDef | Class::TaskDef) {
        ACCESS_POLICY
    } else {
        &[]
    };
    for (name, java_type) in audit.iter().chain(base).chain(class.fields()) {
        if !has_field(class, name, version) {
            continue;
        }
        let mut raw = object.get(*name);
        // WorkflowTask.setWorkflowTaskType is a write-only alias of `type` (contract §2.3).
        if class == Class::WorkflowTask && *name == "type" && raw.is_none_or(Value::is_null) {
            raw = object.get("workflowTaskType");
        }
        // BaseDef's Auditable getters return null, not 0, for an unset time.
        if boot2 && matches!(java_type, AuditTime) && raw.is_none_or(Value::is_null) {
            continue;
        }
        if let Some(field_value) = read_field(*java_type, raw, name, version)? {
            out.insert((*name).to_owned(), field_value);
        }
    }
    if boot2 && class == Class::WorkflowTask {
        for key in BOOT2_NON_EMPTY_TASK_FIELDS {
            let empty = match out.get(key) {
                Some(Value::Array(items)) => items.is_empty(),
                Some(Value::Object(map)) => map.is_empty(),
                _ => false,
            };
            if empty {
                out.remove(key);
            }
        }
    }
    if class == Class::WorkflowTask && !out.contains_key("type") {
        out.insert("type".to_owned(), Value::from("SIMPLE"));
    }
    if class == Class::SubWorkflowParams {
        // Contract §2.4: with an inline definition, the getters report its name and version.
        if let Some(Value::Object(definition)) = out.get("workflowDefinition").cloned() {
            for key in ["name", "version"] {
                match definition.get(key) {
                    Some(found) => out.insert(key.to_owned(), found.clone()),
                    None => out.remove(key),
                };
            }
        }
    }
    Ok(Value::Object(out))
}

fn read_field(
    java_type: JavaType,
    raw: Option<&Value>,
    name: &str,
    version: ServerVersion,
) -> Result<Option<Value>, NotReadable> {
    let value = match raw {
        None => return Ok(initial(java_type)),
        Some(Value::Null) => {
            return Ok(match java_type {
                // Contract §1.1: FAIL_ON_NULL_FOR_PRIMITIVES is off, so null is the zero value.
                PrimitiveNumber(_) => Some(Value::from(0)),
                PrimitiveBool(_) => Some(Value::Bool(false)),
                AuditTime => Some(Value::from(0)),
                // Null on an object field is dropped when stored, and the initializer comes
                // back on read.
                other => initial(other),
            });
        }
        Some(value) => value,
    };
    let read = match java_type {
        Text => match value {
            Value::String(_) => value.clone(),
            // Jackson coerces scalars to String.
            Value::Number(number) => Value::from(number.to_string()),
            Value::Bool(flag) => Value::from(flag.to_string()),
            other => return Err(mismatch("java.lang.String", other)),
        },
        PrimitiveNumber(_) | BoxedNumber | BoxedNumberDefault(_) | AuditTime => {
            read_number(value, name)?
        }
        PrimitiveBool(_) | BoxedBool | BoxedBoolDefault(_) => match value {
            Value::Bool(_) => value.clone(),
            Value::String(text) if text == "true" || text == "false" => Value::Bool(text == "true"),
            other => return Err(mismatch("boolean", other)),
        },
        Enum(allowed, _) => match value {
            Value::String(text) if allowed.contains(&text.as_str()) => value.clone(),
            Value::String(text) => {
                return Err(NotReadable(format!(
                    "JSON parse error: Cannot deserialize value of type `{name}` from String \"{text}\": not one of the values accepted for Enum class: [{}]",
                    allowed.join(", ")
                )));
            }
            other => return Err(mismatch(name, other)),
        },
        StringList => match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(_) | Value::Null => Ok(item.clone()),
                        Value::Number(number) => Ok(Value::from(number.to_string())),
                        Value::Bool(flag) => Ok(Value::from(flag.to_string())),
                        other => Err(mismatch("java.lang.String", other)),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(mismatch("java.util.List", other)),
        },
        FreeMap | FreeMapNoDefault => match value {
            Value::Object(_) => value.clone(),
            other => return Err(mismatch("java.util.Map", other)),
        },
        Object(class) => materialize_as(class, value, version)?,
        ObjectList(class) => match value {
            Value::Array(items) => Value::Array(read_list(class, items, version)?),
            other => return Err(mismatch("java.util.List", other)),
        },
        ObjectListList(class) => match value {
            Value::Array(lists) => Value::Array(
                lists
                    .iter()
                    .map(|list| match list {
                        Value::Array(items) => Ok(Value::Array(read_list(class, items, version)?)),
                        other => Err(mismatch("java.util.List", other)),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(mismatch("java.util.List", other)),
        },
        ObjectListMap(class) => match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, list) in map {
                    let read = match list {
                        Value::Array(items) => Value::Array(read_list(class, items, version)?),
                        Value::Null => Value::Null,
                        other => return Err(mismatch("java.util.List", other)),
                    };
                    out.insert(key.clone(), read);
                }
                Value::Object(out)
            }
            other => return Err(mismatch("java.util.Map", other)),
        },
        WorkflowDefinition => match value {
            Value::Object(_) => materialize_as(Class::WorkflowDef, value, version)?,
            Value::String(text) if text.starts_with("${") && text.ends_with('}') => value.clone(),
            Value::String(_) => {
                return Err(NotReadable(
                    "JSON parse error: workflowDefinition is a string, but not a valid DSL string"
                        .to_owned(),
                ));
            }
            other => return Err(mismatch("java.lang.Object", other)),
        },
        Priority => match value {
            Value::Number(_) | Value::String(_) => value.clone(),
            other => return Err(mismatch("java.lang.Object", other)),
        },
    };
    Ok(Some(read))
}

fn read_list(
    class: Class,
    items: &[Value],
    version: ServerVersion,
) -> Result<Vec<Value>, NotReadable> {
    items
        .iter()
        .map(|item| match item {
            // A null element stays null in a Java list.
            Value::Null => Ok(Value::Null),
            other => materialize_as(class, other, version),
        })
        .collect()
}

/// Integral values only, as Jackson reads `int`/`long` (a float with a fraction is truncated
/// by Jackson's default `ACCEPT_FLOAT_AS_INT`; a numeric string is coerced).
fn read_number(value: &Value, name: &str) -> Result<Value, NotReadable> {
    match value {
        Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                Ok(Value::from(int))
            } else if let Some(float) = number.as_f64() {
                Ok(Value::from(float.trunc() as i64))
            } else {
                Err(mismatch(name, value))
            }
        }
        Value::String(text) => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| mismatch("int", value)),
        other => Err(mismatch("int", other)),
    }
}

fn initial(java_type: JavaType) -> Option<Value> {
    match java_type {
        PrimitiveNumber(number) | BoxedNumberDefault(number) => Some(Value::from(number)),
        PrimitiveBool(flag) | BoxedBoolDefault(flag) => Some(Value::Bool(flag)),
        Enum(_, Some(initial)) => Some(Value::from(initial)),
        StringList | ObjectList(_) | ObjectListList(_) => Some(Value::Array(Vec::new())),
        FreeMap | ObjectListMap(_) => Some(Value::Object(Map::new())),
        AuditTime => Some(Value::from(0)),
        Text
        | BoxedNumber
        | BoxedBool
        | Enum(_, None)
        | FreeMapNoDefault
        | Object(_)
        | WorkflowDefinition
        | Priority => None,
    }
}

fn mismatch(target: &str, value: &Value) -> NotReadable {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "Boolean",
        Value::Number(_) => "Number",
        Value::String(_) => "String",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    };
    NotReadable(format!(
        "JSON parse error: Cannot deserialize value of type `{target}` from {found} value"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_workflow_reads_back_as_the_contract_says() {
        // Contract §2.11.
        let stored = materialize(
            Class::WorkflowDef,
            &json!({"name":"w","tasks":[{"name":"t1","taskReferenceName":"t1"}]}),
        )
        .unwrap();
        let expected = json!({"createTime":0,"updateTime":0,"name":"w","version":1,
         "tasks":[{"name":"t1","taskReferenceName":"t1","inputParameters":{},"type":"SIMPLE",
           "decisionCases":{},"defaultCase":[],"forkTasks":[],"startDelay":0,"joinOn":[],"optional":false,
           "defaultExclusiveJoinTask":[],"asyncComplete":false,"loopOver":[],"onStateChange":{},
           "permissive":false,"metadata":{}}],
         "inputParameters":[],"outputParameters":{},"schemaVersion":2,"restartable":true,
         "workflowStatusListenerEnabled":false,"timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,
         "variables":{},"inputTemplate":{},"enforceSchema":true,"metadata":{},"maskedFields":[]});
        assert_eq!(stored, expected);
    }

    #[test]
    fn minimal_task_def_reads_back_as_the_contract_says() {
        let stored = materialize(Class::TaskDef, &json!({"name":"td1"})).unwrap();
        let expected = json!({"createTime":0,"updateTime":0,"name":"td1","retryCount":3,"timeoutSeconds":0,"inputKeys":[],
         "outputKeys":[],"runtimeMetadata":[],"timeoutPolicy":"TIME_OUT_WF","retryLogic":"FIXED",
         "retryDelaySeconds":60,"responseTimeoutSeconds":3600,"inputTemplate":{},"rateLimitPerFrequency":0,
         "rateLimitFrequencyInSeconds":1,"backoffScaleFactor":1,"maxRetryDelaySeconds":0,"backoffJitterMs":0,
         "totalTimeoutSeconds":0,"taskStatusListenerEnabled":true,"enforceSchema":false});
        assert_eq!(stored, expected);
    }

    #[test]
    fn nulls_unknown_keys_and_bad_enums() {
        let stored = materialize(
            Class::WorkflowDef,
            &json!({"name":"w","tasks":[],"version":null,"restartable":null,"timeoutPolicy":null,"loopConditon":"x"}),
        )
        .unwrap();
        assert_eq!(stored["version"], 0);
        assert_eq!(stored["restartable"], false);
        assert_eq!(stored["timeoutPolicy"], "ALERT_ONLY");
        assert!(stored.get("loopConditon").is_none());
        let error = materialize(
            Class::WorkflowDef,
            &json!({"name":"w","timeoutPolicy":"time_out_wf"}),
        )
        .unwrap_err();
        assert!(
            error.0.contains("not one of the values accepted"),
            "{error:?}"
        );
    }

    #[test]
    fn inline_sub_workflow_supplies_name_and_version() {
        let stored = materialize(
            Class::SubWorkflowParams,
            &json!({"name":"stale","workflowDefinition":{"name":"child","version":3,"tasks":[]}}),
        )
        .unwrap();
        assert_eq!(stored["name"], "child");
        assert_eq!(stored["version"], 3);
        assert_eq!(stored["workflowDefinition"]["createTime"], 0);
        let error = materialize(
            Class::SubWorkflowParams,
            &json!({"name":"c","workflowDefinition":"child"}),
        )
        .unwrap_err();
        assert!(error.0.contains("not a valid DSL string"));
    }
}
