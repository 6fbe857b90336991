//! The JSON Schemas generated from the DSL and model types: one for DSL documents, one for the
//! compiled Conductor JSON. `conductor-apply schema --out schemas` writes them; a test fails when
//! the committed copies are stale.

use std::sync::OnceLock;

use conductor_model::{TaskDef, WorkflowDef};
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

use crate::syntax::document::Document;

/// File name of the DSL documents' schema under `schemas/`.
pub const DSL_SCHEMA_FILE: &str = "conductor-apply.schema.json";
/// File name of the compiled Conductor JSON's schema under `schemas/`.
pub const CONDUCTOR_SCHEMA_FILE: &str = "conductor.schema.json";
/// File name of the workflow test files' schema under `schemas/`.
pub const TEST_SCHEMA_FILE: &str = "test.schema.json";

/// The schema of a workflow test case (a document of a `*.test.yaml` file).
pub fn test_schema() -> Value {
    generator()
        .into_root_schema_for::<crate::syntax::test_case::TestCase>()
        .into()
}

/// The test schema, compiled once per process for validation.
pub fn test_validator() -> &'static (Value, jsonschema::Validator) {
    static VALIDATOR: OnceLock<(Value, jsonschema::Validator)> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema = test_schema();
        let validator = jsonschema::draft202012::options()
            .build(&schema)
            .expect("invariant: the generated test schema is a valid draft 2020-12 schema");
        (schema, validator)
    })
}

/// The schema of a DSL document (draft 2020-12).
pub fn dsl_schema() -> Value {
    let mut schema = generator().into_root_schema_for::<Document>();
    schema.insert("title".into(), json!("conductor-apply document"));
    schema.into()
}

/// The schema of one compiled definition: a Conductor `WorkflowDef` or `TaskDef` as
/// `conductor-apply compile` writes it (no `null`, no unknown keys).
pub fn conductor_schema() -> Value {
    let mut generator = generator();
    let workflow = generator.subschema_for::<WorkflowDef>();
    let task_def = generator.subschema_for::<TaskDef>();
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Conductor definition",
        "description": "A Conductor workflow definition (WorkflowDef) or task definition (TaskDef), as the server accepts it on POST /api/metadata/workflow and POST /api/metadata/taskdefs.",
        "anyOf": [workflow, task_def],
    });
    let definitions: serde_json::Map<String, Value> =
        generator.take_definitions(true).into_iter().collect();
    root["$defs"] = Value::Object(definitions);
    let mut schema = Schema::try_from(root).expect("invariant: the root is an object");
    RejectNull.transform(&mut schema);
    schema.into()
}

fn generator() -> schemars::SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.transforms.push(Box::new(RejectNull));
    settings.into_generator()
}

/// The DSL schema, compiled once per process for validation.
static VALIDATOR: OnceLock<(Value, jsonschema::Validator)> = OnceLock::new();

/// Whether [`dsl_validator`] has been built.
pub(crate) fn dsl_validator_is_built() -> bool {
    VALIDATOR.get().is_some()
}

pub(crate) fn dsl_validator() -> &'static (Value, jsonschema::Validator) {
    VALIDATOR.get_or_init(|| {
        let schema = dsl_schema();
        let validator = jsonschema::draft202012::options()
            .build(&schema)
            .expect("invariant: the generated DSL schema is a valid draft 2020-12 schema");
        (schema, validator)
    })
}

/// Removes `null` from every schema: the DSL rejects an explicit `null` on any field (the
/// server turns it into 0/false, not the default, contract §1.1), and compiled JSON never
/// contains one. `Option<T>` only means "may be absent". Free-form maps (`true` schemas) still
/// accept `null` values, which the server keeps.
#[derive(Debug, Clone, Copy)]
struct RejectNull;

impl Transform for RejectNull {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            // Doc comments are wrapped at 100 columns; a description is one paragraph per
            // blank line, so that editors and tables show it unbroken.
            if let Some(Value::String(description)) = object.get_mut("description") {
                *description = unwrap_lines(description);
            }
            // `format: int32` is not enforced by validators (crates.md §2.5, pitfall 7): give
            // the integer fields the server reads as Java `int` their real bounds.
            match object.get("format").and_then(Value::as_str) {
                Some("int32") => {
                    object.entry("minimum").or_insert(json!(i32::MIN));
                    object.entry("maximum").or_insert(json!(i32::MAX));
                }
                Some("uint32") => {
                    object.entry("maximum").or_insert(json!(u32::MAX));
                }
                _ => {}
            }
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    object.insert("type".into(), single);
                }
            }
            if let Some(Value::Array(options)) = object.get_mut("enum") {
                options.retain(|option| !option.is_null());
            }
            if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                branches.retain(|branch| !is_null_schema(branch));
                if branches.len() == 1 {
                    let single = branches.remove(0);
                    object.remove("anyOf");
                    if let Value::Object(single) = single {
                        for (key, value) in single {
                            object.entry(key).or_insert(value);
                        }
                    }
                }
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Joins lines of a paragraph with spaces, keeping blank-line paragraph breaks and list items.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            let mut joined = String::with_capacity(paragraph.len());
            for (idx, line) in paragraph.lines().enumerate() {
                let line = line.trim();
                if idx > 0 {
                    let list_item = line.starts_with("- ") || line.starts_with("* ");
                    joined.push(if list_item { '\n' } else { ' ' });
                }
                joined.push_str(line);
            }
            joined
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("const").is_some_and(Value::is_null)
}

/// Whether the schema of a type mentions `null` anywhere (used by tests).
#[cfg(test)]
fn mentions_null(value: &Value) -> bool {
    match value {
        Value::String(s) => s == "null",
        Value::Null => true,
        Value::Array(items) => items.iter().any(mentions_null),
        Value::Object(map) => map
            .iter()
            .any(|(key, value)| key != "examples" && key != "default" && mentions_null(value)),
        _ => false,
    }
}

#[doc(hidden)]
pub fn _assert_json_schema<T: JsonSchema>() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_never_accept_null() {
        assert!(!mentions_null(&dsl_schema()));
        assert!(!mentions_null(&conductor_schema()));
    }

    #[test]
    fn schemas_compile() {
        for schema in [dsl_schema(), conductor_schema()] {
            jsonschema::draft202012::options()
                .build(&schema)
                .expect("valid schema");
        }
    }

    /// Validating only the documents that fail to deserialise would be unsound: serde reads
    /// these documents, and the schema rejects each (issue #2 measured the shortcut and kept
    /// validating every document).
    #[test]
    fn the_schema_rejects_documents_the_types_accept() {
        let (_, validator) = dsl_validator();
        for document in [
            json!({"workflow": "w", "description": null, "tasks": [{"ref": "a", "task": "x"}]}),
            json!({"workflow": "w", "tasks": [{"ref": "", "task": "x"}]}),
            json!({"task": "x", "retry": {"scaleFactor": 0}}),
            json!({"task": "x", "timeout": "5 fortnights"}),
            json!({"workflow": "w", "tasks": [{"ref": "l", "doWhile": {"condition": "true", "tasks": []}}]}),
        ] {
            assert!(
                serde_json::from_value::<Document>(document.clone()).is_ok(),
                "{document}"
            );
            assert!(!validator.is_valid(&document), "{document}");
        }
    }

    #[test]
    fn every_dsl_property_has_an_example() {
        // dsl.md principle 7: every field has a description and an example. A property whose
        // type is an enumeration or a boolean shows its values instead.
        let schema = dsl_schema();
        let definitions = schema["$defs"].as_object().expect("$defs");
        let shows_values = |property: &Value| {
            if property.get("examples").is_some() || property.get("type") == Some(&json!("boolean"))
            {
                return true;
            }
            let Some(target) = property
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.rsplit('/').next())
                .and_then(|name| definitions.get(name))
            else {
                return false;
            };
            target.get("examples").is_some()
                || target.get("enum").is_some()
                || target
                    .get("oneOf")
                    .and_then(Value::as_array)
                    .is_some_and(|branches| {
                        branches.iter().all(|branch| branch.get("const").is_some())
                    })
        };
        let mut missing = Vec::new();
        for (name, definition) in definitions {
            for (property_name, property) in definition
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !shows_values(property) {
                    missing.push(format!("{name}.{property_name}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "properties without an example: {missing:#?}"
        );
    }

    #[test]
    fn every_property_has_a_description() {
        fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
            if let Some(properties) = value.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let described =
                        property.get("description").is_some() || property.get("$ref").is_some();
                    if !described {
                        missing.push(format!("{path}/{name}"));
                    }
                }
            }
            match value {
                Value::Object(map) => {
                    for (key, child) in map {
                        walk(child, &format!("{path}/{key}"), missing);
                    }
                }
                Value::Array(items) => {
                    for (idx, child) in items.iter().enumerate() {
                        walk(child, &format!("{path}/{idx}"), missing);
                    }
                }
                _ => {}
            }
        }
        for schema in [dsl_schema(), conductor_schema()] {
            let mut missing = Vec::new();
            walk(&schema, "", &mut missing);
            assert!(
                missing.is_empty(),
                "properties without description: {missing:#?}"
            );
        }
    }
}
