//! Normalisation of definitions for comparison (contract §2.13).
//!
//! Two definitions the server would store identically normalise to equal values:
//! 1. audit keys are dropped at every depth;
//! 2. server defaults are filled in (contract §2.11);
//! 3. an explicit `null` on an object-typed property counts as absent, while on a Java
//!    primitive it becomes the zero value, as the server stores it (contract §1.1);
//! 4. numbers are canonical (an integral float becomes an integer), so they compare by value;
//! 5. object keys are sorted, so key order never matters;
//! 6. an inline sub-workflow definition is normalised recursively and supplies
//!    `subWorkflowParam.name` and `version`, as the server reports them;
//! 7. properties the server does not know are dropped, because the server drops them; with
//!    [`normalize_stored`], so are those the given server version does not have
//!    ([`crate::versions`]), rather than defaulted;
//! 8. an embedded `taskDefinition` without a `name` is named after its task: the server stores
//!    an embedded definition as given, without validating it, and its mappers name the task's
//!    definition after the task (`taskDefName` is the task's `name`), as the DSL does.
//!
//! The input is any JSON value: garbage yields garbage, never a panic. Normalising twice gives
//! the same value as normalising once.

use serde_json::{Map, Number, Value};

use crate::versions::{self, ServerVersion};

use crate::defaults::{
    Field, Nested, NullHandling, ObjectKind, WORKFLOW_TASK_TYPE_ALIAS, ZeroValue,
};

/// Normalises a `WorkflowDef` JSON value.
pub fn normalize_workflow_def(value: &Value) -> Value {
    normalize(ObjectKind::WorkflowDef, value)
}

/// Normalises a `TaskDef` JSON value.
pub fn normalize_task_def(value: &Value) -> Value {
    normalize(ObjectKind::TaskDef, value)
}

/// Normalises a value of the given model kind. A value that is not an object is only made
/// canonical.
pub fn normalize(kind: ObjectKind, value: &Value) -> Value {
    normalize_stored(kind, value, ServerVersion::NEWEST_KNOWN)
}

/// Normalises a value as `version` stores it: like [`normalize`], and every property that
/// version does not have is dropped at every depth, so that a definition compares equal to
/// what that server returns for it.
pub fn normalize_stored(kind: ObjectKind, value: &Value, version: ServerVersion) -> Value {
    let stored = Stored::new(version);
    match value {
        Value::Object(object) => normalize_object(kind, object, stored),
        other => canonical(other),
    }
}

/// Which properties the version being normalised for stores; every one, cheaply, for the
/// newest versions.
#[derive(Clone, Copy)]
struct Stored {
    version: ServerVersion,
    everything: bool,
}

impl Stored {
    fn new(version: ServerVersion) -> Stored {
        Stored {
            version,
            everything: version >= versions::NEWEST_INTRODUCTION,
        }
    }

    fn keeps(self, kind: ObjectKind, name: &str) -> bool {
        self.everything || versions::stores(self.version, kind, name)
    }
}

/// The opposite of filling defaults, for writing definitions back as a person would: drops
/// audit keys, unknown keys, `null` on object-typed properties, and every property equal to the
/// server's default, at every depth of the model; turns `null` on a Java primitive into the zero
/// value the server stores; names an embedded task definition without a name after its task
/// (step 8 above), so that it reads as a `TaskDef`. Free-form content (task input, variables) is kept exactly, key
/// order included. `normalize(strip_defaults(x)) == normalize(x)` for every `x`.
pub fn strip_defaults(kind: ObjectKind, value: &Value) -> Value {
    match value {
        Value::Object(object) => strip_object(kind, object),
        other => other.clone(),
    }
}

fn strip_object(kind: ObjectKind, object: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, value) in object {
        let field = kind.field(key).or_else(|| {
            (kind == ObjectKind::WorkflowTask
                && key == WORKFLOW_TASK_TYPE_ALIAS
                && !object.contains_key("type"))
            .then(|| kind.field("type"))
            .flatten()
        });
        let Some(field) = field else { continue };
        if field.audit {
            continue;
        }
        let value = match (value, field.null) {
            (Value::Null, NullHandling::AsAbsent) => continue,
            (Value::Null, NullHandling::Zero(ZeroValue::Number)) => Value::from(0),
            (Value::Null, NullHandling::Zero(ZeroValue::False)) => Value::Bool(false),
            (value, _) => strip_nested(field.nested, value),
        };
        if field.default.matches(&value) {
            continue;
        }
        out.insert(field.name.to_owned(), value);
    }
    if kind == ObjectKind::WorkflowTask {
        let name = out.get("name").cloned();
        if let (Some(name @ Value::String(_)), Some(Value::Object(embedded))) =
            (name, out.get_mut("taskDefinition"))
            && !embedded.contains_key("name")
        {
            embedded.insert("name".to_owned(), name);
        }
    }
    Value::Object(out)
}

fn strip_nested(nested: Nested, value: &Value) -> Value {
    match (nested, value) {
        (Nested::One(kind), Value::Object(object)) => strip_object(kind, object),
        (Nested::List(kind), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| strip_defaults(kind, item))
                .collect(),
        ),
        (Nested::ListOfLists(kind), Value::Array(lists)) => Value::Array(
            lists
                .iter()
                .map(|list| strip_nested(Nested::List(kind), list))
                .collect(),
        ),
        (Nested::MapOfLists(kind), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(key, list)| (key.clone(), strip_nested(Nested::List(kind), list)))
                .collect(),
        ),
        (Nested::WorkflowDefinition, Value::Object(object)) => {
            strip_object(ObjectKind::WorkflowDef, object)
        }
        (_, other) => other.clone(),
    }
}

/// Free-form content (task input, variables, ...): keys sorted at every depth and numbers
/// canonical; `null` values inside maps are kept, as the server keeps them.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.clone(), canonical(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Number(number) => Value::Number(canonical_number(number)),
        other => other.clone(),
    }
}

/// An integral float within the exactly representable range becomes an integer, so that `1e3`,
/// `1000.0` and `1000` compare equal (contract §1.1: Jackson reads `1e3` back as `1000.0`).
fn canonical_number(number: &Number) -> Number {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match number.as_f64() {
        Some(float) if number.is_f64() && float.fract() == 0.0 && float.abs() <= EXACT => {
            Number::from(float as i64)
        }
        _ => number.clone(),
    }
}

fn normalize_object(kind: ObjectKind, object: &Map<String, Value>, stored: Stored) -> Value {
    let mut out: Vec<(&'static str, Value)> = Vec::with_capacity(kind.fields().len());
    for field in kind.fields() {
        if field.audit || !stored.keeps(kind, field.name) {
            continue;
        }
        let mut raw = object.get(field.name);
        if kind == ObjectKind::WorkflowTask && field.name == "type" && raw.is_none() {
            raw = object.get(WORKFLOW_TASK_TYPE_ALIAS);
        }
        if let Some(value) = normalize_field(field, raw, stored) {
            out.push((field.name, value));
        }
    }
    if kind == ObjectKind::SubWorkflowParams {
        adopt_inline_definition_identity(&mut out);
    }
    if kind == ObjectKind::WorkflowTask {
        name_embedded_task_def(&mut out);
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    Value::Object(
        out.into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

fn normalize_field(field: &Field, raw: Option<&Value>, stored: Stored) -> Option<Value> {
    match raw {
        None => field.default.to_json(),
        Some(Value::Null) => match field.null {
            NullHandling::AsAbsent => field.default.to_json(),
            NullHandling::Zero(ZeroValue::Number) => Some(Value::from(0)),
            NullHandling::Zero(ZeroValue::False) => Some(Value::Bool(false)),
        },
        Some(value) => Some(normalize_nested(field.nested, value, stored)),
    }
}

fn normalize_nested(nested: Nested, value: &Value, stored: Stored) -> Value {
    match (nested, value) {
        (Nested::One(kind), Value::Object(object)) => normalize_object(kind, object, stored),
        (Nested::List(kind), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(object) => normalize_object(kind, object, stored),
                    other => canonical(other),
                })
                .collect(),
        ),
        (Nested::ListOfLists(kind), Value::Array(lists)) => Value::Array(
            lists
                .iter()
                .map(|list| normalize_nested(Nested::List(kind), list, stored))
                .collect(),
        ),
        (Nested::MapOfLists(kind), Value::Object(map)) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, list)| {
                        (
                            key.clone(),
                            normalize_nested(Nested::List(kind), list, stored),
                        )
                    })
                    .collect(),
            )
        }
        (Nested::WorkflowDefinition, Value::Object(object)) => {
            normalize_object(ObjectKind::WorkflowDef, object, stored)
        }
        (_, other) => canonical(other),
    }
}

/// Step 8 of the module docs: an embedded task definition without a name takes its task's.
fn name_embedded_task_def(fields: &mut [(&'static str, Value)]) {
    let Some(name @ Value::String(_)) = fields
        .iter()
        .find(|(field, _)| *field == "name")
        .map(|(_, value)| value.clone())
    else {
        return;
    };
    let Some((_, Value::Object(embedded))) = fields
        .iter_mut()
        .find(|(field, _)| *field == "taskDefinition")
    else {
        return;
    };
    if embedded.contains_key("name") {
        return;
    }
    embedded.insert("name".to_owned(), name);
    // Normalised objects have sorted keys.
    let mut entries: Vec<(String, Value)> = std::mem::take(embedded).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    embedded.extend(entries);
}

/// Contract §2.4: with an inline definition, GET reports the inline definition's name and
/// version instead of the stored fields.
fn adopt_inline_definition_identity(fields: &mut Vec<(&'static str, Value)>) {
    let Some(Value::Object(definition)) = fields
        .iter()
        .find(|(name, _)| *name == "workflowDefinition")
        .map(|(_, value)| value)
    else {
        return;
    };
    let name = definition.get("name").cloned();
    let version = definition.get("version").cloned();
    for (key, replacement) in [("name", name), ("version", version)] {
        fields.retain(|(name, _)| *name != key);
        if let Some(value) = replacement {
            fields.push((key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_workflow_normalises_to_the_verified_get_response() {
        // Contract §2.11, with the audit keys removed.
        let sent = json!({"name":"w","tasks":[{"name":"t1","taskReferenceName":"t1"}]});
        let returned = json!({"createTime":0,"updateTime":0,"name":"w","version":1,
         "tasks":[{"name":"t1","taskReferenceName":"t1","inputParameters":{},"type":"SIMPLE",
           "decisionCases":{},"defaultCase":[],"forkTasks":[],"startDelay":0,"joinOn":[],"optional":false,
           "defaultExclusiveJoinTask":[],"asyncComplete":false,"loopOver":[],"onStateChange":{},
           "permissive":false,"metadata":{}}],
         "inputParameters":[],"outputParameters":{},"schemaVersion":2,"restartable":true,
         "workflowStatusListenerEnabled":false,"timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,
         "variables":{},"inputTemplate":{},"enforceSchema":true,"metadata":{},"maskedFields":[]});
        assert_eq!(
            normalize_workflow_def(&sent),
            normalize_workflow_def(&returned)
        );
        let normalised = normalize_workflow_def(&returned);
        assert!(normalised.get("createTime").is_none());
        assert_eq!(normalised["tasks"][0]["type"], "SIMPLE");
    }

    #[test]
    fn minimal_task_def_normalises_to_the_verified_get_response() {
        let returned = json!({"createTime":0,"updateTime":0,"name":"td1","retryCount":3,"timeoutSeconds":0,"inputKeys":[],
         "outputKeys":[],"runtimeMetadata":[],"timeoutPolicy":"TIME_OUT_WF","retryLogic":"FIXED",
         "retryDelaySeconds":60,"responseTimeoutSeconds":3600,"inputTemplate":{},"rateLimitPerFrequency":0,
         "rateLimitFrequencyInSeconds":1,"backoffScaleFactor":1,"maxRetryDelaySeconds":0,"backoffJitterMs":0,
         "totalTimeoutSeconds":0,"taskStatusListenerEnabled":true,"enforceSchema":false,"createdBy":""});
        assert_eq!(
            normalize_task_def(&json!({"name":"td1"})),
            normalize_task_def(&returned)
        );
    }

    #[test]
    fn null_on_primitive_is_zero_and_on_object_is_default() {
        let normalised = normalize_workflow_def(&json!({
            "name": "w", "tasks": [], "version": null, "restartable": null, "timeoutPolicy": null
        }));
        assert_eq!(normalised["version"], 0);
        assert_eq!(normalised["restartable"], false);
        assert_eq!(normalised["timeoutPolicy"], "ALERT_ONLY");
        let task_def = normalize_task_def(
            &json!({"name": "t", "retryCount": null, "backoffScaleFactor": null}),
        );
        assert_eq!(task_def["retryCount"], 0);
        assert_eq!(task_def["backoffScaleFactor"], 1);
    }

    #[test]
    fn nulls_inside_maps_are_kept_and_keys_sorted() {
        let normalised = normalize_workflow_def(&json!({
            "name": "w",
            "tasks": [{"name": "t", "taskReferenceName": "t", "inputParameters": {"b": null, "a": 1.0}}]
        }));
        let input = &normalised["tasks"][0]["inputParameters"];
        assert_eq!(input, &json!({"a": 1, "b": null}));
        let keys: Vec<_> = input.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["a", "b"]);
    }

    #[test]
    fn audit_keys_are_dropped_at_every_depth() {
        let normalised = normalize_workflow_def(&json!({
            "name": "w", "createTime": 5, "ownerApp": "x",
            "inputSchema": {"name": "s", "type": "JSON", "createTime": 0, "updateTime": 0},
            "tasks": [{"name": "t", "taskReferenceName": "t",
                "taskDefinition": {"name": "t", "createdBy": "app", "createTime": 0},
                "subWorkflowParam": {"name": "c", "workflowDefinition": {"name": "c", "tasks": [], "createTime": 1}}}]
        }));
        let text = normalised.to_string();
        for key in ["createTime", "updateTime", "ownerApp", "createdBy"] {
            assert!(!text.contains(key), "{key} in {text}");
        }
    }

    #[test]
    fn inline_sub_workflow_supplies_name_and_version() {
        let normalised = normalize_workflow_def(&json!({
            "name": "w",
            "tasks": [{"name": "s", "taskReferenceName": "s", "type": "SUB_WORKFLOW",
                "subWorkflowParam": {"name": "stale", "workflowDefinition": {"name": "child", "version": 3, "tasks": []}}}]
        }));
        let param = &normalised["tasks"][0]["subWorkflowParam"];
        assert_eq!(param["name"], "child");
        assert_eq!(param["version"], 3);
        assert_eq!(param["workflowDefinition"]["restartable"], true);
    }

    #[test]
    fn embedded_task_definition_without_name_takes_the_tasks() {
        let task = |embedded: Value| {
            json!({"name": "w", "tasks": [{"name": "work", "taskReferenceName": "work",
                "taskDefinition": embedded}]})
        };
        let unnamed = task(json!({"retryCount": 2}));
        let named = task(json!({"name": "work", "retryCount": 2}));
        assert_eq!(
            normalize_workflow_def(&unnamed),
            normalize_workflow_def(&named)
        );
        let stripped = strip_defaults(ObjectKind::WorkflowDef, &unnamed);
        assert_eq!(stripped["tasks"][0]["taskDefinition"]["name"], "work");
        let other = task(json!({"name": "other", "retryCount": 2}));
        assert_ne!(
            normalize_workflow_def(&other),
            normalize_workflow_def(&named)
        );
    }

    #[test]
    fn unknown_keys_are_dropped_and_numbers_compare_by_value() {
        let a = normalize_workflow_def(
            &json!({"name": "w", "tasks": [], "loopConditon": "x", "timeoutSeconds": 60.0}),
        );
        let b = normalize_workflow_def(&json!({"timeoutSeconds": 60, "name": "w", "tasks": []}));
        assert_eq!(a, b);
        assert_eq!(a.to_string(), b.to_string());
    }

    #[test]
    fn normalisation_is_idempotent_and_total() {
        let inputs = [
            json!({"name": "w", "tasks": [{"name": "a", "taskReferenceName": "a", "type": "FORK_JOIN",
                "forkTasks": [[{"name": "b", "taskReferenceName": "b"}], "garbage"],
                "decisionCases": {"x": [{"name": "c", "taskReferenceName": "c"}], "y": 7}}]}),
            json!([1, 2]),
            json!("text"),
            json!({"tasks": "not a list", "inputSchema": 3}),
        ];
        for input in inputs {
            let once = normalize_workflow_def(&input);
            assert_eq!(normalize_workflow_def(&once), once, "{input}");
        }
    }

    #[test]
    fn stripping_defaults_keeps_what_normalisation_sees() {
        let inputs = [
            json!({"name":"w","version":1,"schemaVersion":2,"restartable":true,"createTime":5,"unknown":1,
                "tasks":[{"name":"t","taskReferenceName":"t","type":"SIMPLE","inputParameters":{"b":null,"a":1.0},
                  "decisionCases":{},"optional":false,"startDelay":0,"asyncComplete":null,
                  "taskDefinition":{"name":"t","retryCount":3,"responseTimeoutSeconds":60}}],
                "timeoutSeconds":null,"failureWorkflow":""}),
            json!({"name":"w","tasks":[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW",
                "subWorkflowParam":{"name":"c","workflowDefinition":{"name":"c","version":1,"tasks":[],"restartable":true}}}]}),
        ];
        for input in inputs {
            let stripped = strip_defaults(ObjectKind::WorkflowDef, &input);
            assert_eq!(
                normalize_workflow_def(&stripped),
                normalize_workflow_def(&input),
                "{stripped}"
            );
        }
        let stripped = strip_defaults(
            ObjectKind::WorkflowDef,
            &json!({"name":"w","version":1,"timeoutSeconds":null,
            "tasks":[{"name":"t","taskReferenceName":"t","type":"SIMPLE","inputParameters":{"b":null,"a":1.0},"optional":false}]}),
        );
        assert_eq!(
            stripped,
            json!({"name":"w","tasks":[{"name":"t","taskReferenceName":"t","inputParameters":{"b":null,"a":1.0}}]})
        );
    }

    #[test]
    fn workflow_task_type_alias_sets_the_type() {
        let normalised = normalize_workflow_def(&json!({"name": "w",
            "tasks": [{"name": "a", "taskReferenceName": "a", "workflowTaskType": "HTTP"}]}));
        assert_eq!(normalised["tasks"][0]["type"], "HTTP");
        assert!(
            normalised["tasks"][0]
                .get(WORKFLOW_TASK_TYPE_ALIAS)
                .is_none()
        );
    }
}
