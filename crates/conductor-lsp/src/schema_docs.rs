//! A field's documentation from the generated JSON Schema: the doc comments of the DSL's
//! Rust types, which `conductor-apply schema` writes to `schemas/` and `docs` turns into the
//! reference.
//!
//! A path of the document is followed through the schema's properties and items; where the
//! schema offers alternatives (`anyOf`: the task forms, a value or its long form), the ones
//! that declare every key the YAML mapping has are preferred, so that `input` under an `http:`
//! task reads the HTTP task's documentation.

use std::sync::OnceLock;

use conductor_source::yaml::Node;
use serde_json::Value;

use crate::locate::Step;

/// The DSL's schema, generated once.
pub fn dsl_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(conductor_dsl::schema::dsl_schema)
}

/// The workflow tests' schema, generated once.
pub fn test_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(conductor_dsl::schema::test_schema)
}

/// What the schema says of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDoc {
    /// The key.
    pub key: String,
    /// Its description.
    pub description: String,
    /// Its JSON type, when the schema names one.
    pub kind: Option<String>,
    /// The values it takes, when the schema lists them, each with its description.
    pub values: Vec<(String, Option<String>)>,
}

impl FieldDoc {
    /// The documentation as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!("**`{}`**", self.key);
        if let Some(kind) = &self.kind {
            out.push_str(&format!(" ({kind})"));
        }
        out.push_str("\n\n");
        out.push_str(&self.description);
        if !self.values.is_empty() {
            out.push_str("\n\nOne of:");
            for (value, description) in &self.values {
                out.push_str(&format!("\n- `{value}`"));
                if let Some(description) = description {
                    out.push_str(&format!(": {description}"));
                }
            }
        }
        out
    }
}

/// The documentation of the last key of `path` (`nodes[i]` is the YAML node at `path[..i]`).
pub fn field_doc(schema: &Value, path: &[Step], nodes: &[&Node]) -> Option<FieldDoc> {
    let key_position = path.iter().rposition(|step| matches!(step, Step::Key(_)))?;
    let Some(Step::Key(key)) = path.get(key_position) else {
        return None;
    };
    let mut candidates = Vec::new();
    expand(schema, schema, &mut candidates, 0);
    let mut documented: Vec<&Value> = Vec::new();
    for (depth, step) in path.iter().enumerate().take(key_position + 1) {
        if let Some(node) = nodes.get(depth) {
            prefer_matching_keys(&mut candidates, node);
        }
        let mut next = Vec::new();
        documented.clear();
        for candidate in &candidates {
            let child = match step {
                Step::Key(key) => candidate
                    .pointer("/properties")
                    .and_then(|properties| properties.get(key))
                    .or_else(|| {
                        candidate
                            .get("additionalProperties")
                            .filter(|v| v.is_object())
                    }),
                Step::Index(_) => candidate.get("items").filter(|v| v.is_object()),
            };
            if let Some(child) = child {
                documented.push(child);
                expand(schema, child, &mut next, 0);
            }
        }
        candidates = next;
        if candidates.is_empty() {
            break;
        }
    }
    let raw = documented.first().copied()?;
    let description = documented
        .iter()
        .find_map(|schema| schema.get("description").and_then(Value::as_str))
        .or_else(|| {
            candidates
                .iter()
                .filter(|schema| schema.get("const").is_none())
                .find_map(|schema| schema.get("description").and_then(Value::as_str))
        })?;
    let kind = raw
        .get("type")
        .or_else(|| candidates.iter().find_map(|schema| schema.get("type")))
        .map(|kind| match kind {
            Value::String(kind) => kind.clone(),
            other => other.to_string(),
        });
    let described = |schema: &Value| {
        schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut values: Vec<(String, Option<String>)> = Vec::new();
    for candidate in &candidates {
        if let Some(listed) = candidate.get("enum").and_then(Value::as_array) {
            values.extend(
                listed
                    .iter()
                    .filter_map(|value| Some((value.as_str()?.to_owned(), None))),
            );
        }
        if let Some(constant) = candidate.get("const").and_then(Value::as_str) {
            values.push((constant.to_owned(), described(candidate)));
        }
    }
    Some(FieldDoc {
        key: key.clone(),
        description: description.to_owned(),
        kind,
        values,
    })
}

/// Keeps the candidates that declare every key of the mapping `node`, when any does.
fn prefer_matching_keys(candidates: &mut Vec<&Value>, node: &Node) {
    let Some(entries) = node.as_mapping() else {
        return;
    };
    let matching: Vec<&Value> = candidates
        .iter()
        .copied()
        .filter(|candidate| {
            candidate
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|properties| {
                    entries
                        .iter()
                        .all(|entry| properties.contains_key(&entry.key))
                })
        })
        .collect();
    if !matching.is_empty() {
        *candidates = matching;
    }
}

/// The schemas `schema` stands for: `$ref` followed, `anyOf`, `oneOf` and `allOf` flattened.
fn expand<'a>(root: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 16 {
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
        {
            expand(root, target, out, depth + 1);
        }
        return;
    }
    let mut alternatives = false;
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(combinator).and_then(Value::as_array) {
            alternatives = true;
            for alternative in list {
                expand(root, alternative, out, depth + 1);
            }
        }
    }
    if !alternatives || schema.get("properties").is_some() {
        out.push(schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::{document_at, spot_at};

    fn doc_at(text: &str, needle: &str) -> Option<FieldDoc> {
        let offset = text.find(needle).unwrap_or_default() + 1;
        let (_, document) = document_at(text, offset)?;
        let spot = spot_at(&document.root, offset);
        field_doc(dsl_schema(), &spot.path, &spot.nodes)
    }

    #[test]
    fn a_task_key_reads_the_documentation_of_its_form() {
        let text = "workflow: w\ntasks:\n  - ref: a\n    task: greet\n    optional: true\n";
        let doc = doc_at(text, "ref:").expect("documented");
        assert_eq!(doc.key, "ref");
        assert!(doc.description.contains("taskReferenceName"), "{doc:?}");
        let doc = doc_at(text, "optional").expect("documented");
        assert!(doc.description.contains("COMPLETED_WITH_ERRORS"), "{doc:?}");
        assert_eq!(doc.kind.as_deref(), Some("boolean"));
    }

    #[test]
    fn a_workflow_key_reads_the_workflow_documentation() {
        let text = "workflow: w\ntimeoutPolicy: TIME_OUT_WF\ntasks: []\n";
        let doc = doc_at(text, "timeoutPolicy").expect("documented");
        assert!(
            doc.values
                .iter()
                .any(|(value, description)| value == "TIME_OUT_WF"
                    && description.as_deref() == Some("The workflow is timed out (terminated).")),
            "{doc:?}"
        );
        assert!(
            doc.markdown()
                .contains("- `ALERT_ONLY`: Only an alert is raised.")
        );
    }
}
