//! Reading the DSL's JSON Schema: definitions, references, fields, their types in words,
//! defaults stated in prose, constraints and examples.

use serde_json::{Map, Value};

use crate::markdown::{code, first_sentence};

/// The schema and its `$defs`.
pub struct Schema<'a> {
    /// The root schema.
    pub root: &'a Value,
    /// `$defs`, by name.
    pub defs: &'a Map<String, Value>,
}

/// An empty map for schemas without `$defs`.
static NO_DEFS: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

impl<'a> Schema<'a> {
    /// Wraps a root schema.
    pub fn new(root: &'a Value) -> Self {
        let defs = root
            .get("$defs")
            .and_then(Value::as_object)
            .unwrap_or(&NO_DEFS);
        Schema { root, defs }
    }

    /// The definition a `$ref` names.
    pub fn def(&self, name: &str) -> Option<&'a Value> {
        self.defs.get(name)
    }

    /// Follows a `$ref` (once) to its definition.
    pub fn resolve(&self, schema: &'a Value) -> &'a Value {
        ref_name(schema)
            .and_then(|name| self.def(name))
            .unwrap_or(schema)
    }

    /// A property's description, or else the description of the definition it refers to.
    pub fn description(&self, schema: &'a Value) -> &'a str {
        schema
            .get("description")
            .and_then(Value::as_str)
            .or_else(|| {
                self.resolve(schema)
                    .get("description")
                    .and_then(Value::as_str)
            })
            .unwrap_or("")
    }
}

/// The definition name of a `$ref` to `#/$defs/<name>`.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/$defs/"))
}

/// A field of an object schema.
pub struct Field<'a> {
    /// The key.
    pub name: &'a str,
    /// Its schema.
    pub schema: &'a Value,
    /// Whether the object requires it.
    pub required: bool,
}

/// The fields of an object schema, in the schema's order.
pub fn fields(object: &Value) -> Vec<Field<'_>> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    object
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .map(|(name, schema)| Field {
                    name,
                    schema,
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The values of an enumeration schema (`oneOf`/`anyOf` of `const`s, or `enum`), each with its
/// description; `None` when the schema is not an enumeration.
pub fn enumeration(schema: &Value) -> Option<Vec<(Value, String)>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(values.iter().map(|v| (v.clone(), String::new())).collect());
    }
    let options = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)?;
    options
        .iter()
        .map(|option| {
            let value = option.get("const")?.clone();
            let description = option
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            Some((value, description))
        })
        .collect()
}

/// The alternatives of a union schema (`anyOf`/`oneOf` that is not an enumeration).
pub fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    if enumeration(schema).is_some() {
        return None;
    }
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
}

/// Shows a JSON value inline as code.
pub fn value_code(value: &Value) -> String {
    match value {
        Value::String(text) => code(text),
        other => code(&other.to_string()),
    }
}

/// The type of a schema in words, as Markdown. `link` turns a definition name into a link
/// (or plain text) for the page being written.
pub fn type_words(schema: &Value, link: &dyn Fn(&str) -> String) -> String {
    type_words_at(schema, link, 0)
}

const MAX_TYPE_DEPTH: usize = 8;

fn type_words_at(schema: &Value, link: &dyn Fn(&str) -> String, depth: usize) -> String {
    if depth > MAX_TYPE_DEPTH {
        return "…".to_owned();
    }
    if let Some(name) = ref_name(schema) {
        return link(name);
    }
    if schema == &Value::Bool(true) || schema.as_object().is_some_and(Map::is_empty) {
        return "any value".to_owned();
    }
    if let Some(constant) = schema.get("const") {
        return value_code(constant);
    }
    if let Some(values) = enumeration(schema) {
        let shown: Vec<String> = values.iter().map(|(value, _)| value_code(value)).collect();
        return format!("one of {}", shown.join(", "));
    }
    if let Some(options) = alternatives(schema) {
        let shown: Vec<String> = options
            .iter()
            .map(|option| type_words_at(option, link, depth + 1))
            .collect();
        return shown.join(" or ");
    }
    match schema.get("type") {
        Some(Value::String(kind)) => single_type(kind, schema, link, depth),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(|kind| single_type(kind, schema, link, depth))
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any value".to_owned(),
    }
}

fn single_type(kind: &str, schema: &Value, link: &dyn Fn(&str) -> String, depth: usize) -> String {
    match kind {
        "array" => match schema.get("items") {
            Some(items) => format!("list of {}", type_words_at(items, link, depth + 1)),
            None => "list".to_owned(),
        },
        "object" => {
            let has_properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|properties| !properties.is_empty());
            match schema.get("additionalProperties") {
                _ if has_properties => "mapping".to_owned(),
                Some(Value::Bool(false)) => "empty mapping".to_owned(),
                Some(Value::Object(values)) if !values.is_empty() => format!(
                    "mapping of names to {}",
                    type_words_at(&Value::Object(values.clone()), link, depth + 1)
                ),
                _ => "mapping (any keys)".to_owned(),
            }
        }
        "integer" => "integer".to_owned(),
        "number" => "number".to_owned(),
        "string" => "string".to_owned(),
        "boolean" => "boolean".to_owned(),
        "null" => "null".to_owned(),
        other => code(other),
    }
}

/// The constraints of a schema in words: lengths, bounds, patterns, formats.
pub fn constraints(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let number = |key: &str| schema.get(key).and_then(Value::as_i64);
    if let Some(min) = number("minLength").filter(|min| *min > 0) {
        out.push(if min == 1 {
            "must not be empty".to_owned()
        } else {
            format!("at least {min} characters")
        });
    }
    if let Some(min) = number("minItems").filter(|min| *min > 0) {
        out.push(if min == 1 {
            "at least one item".to_owned()
        } else {
            format!("at least {min} items")
        });
    }
    match (number("minimum"), number("maximum")) {
        (Some(min), Some(max)) if min == max => out.push(format!("must be {min}")),
        (Some(min), Some(max)) => out.push(format!("from {min} to {max}")),
        (Some(min), None) => out.push(format!("at least {min}")),
        (None, Some(max)) => out.push(format!("at most {max}")),
        (None, None) => {}
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        out.push(format!("matches the pattern {}", code(pattern)));
    }
    out
}

/// The default of a field: the `default` keyword, or else what the description states in prose
/// ("Server default `ALERT_ONLY`.", "Defaults to `ref`.", "latest when absent").
pub fn default_words(schema: &Value, description: &str) -> Option<String> {
    if let Some(value) = schema.get("default") {
        return Some(value_code(value));
    }
    let flat = crate::markdown::paragraphs(description).join(" ");
    const INTRODUCERS: [&str; 5] = [
        "Server default ",
        "the server defaults it to ",
        "Defaults to ",
        "defaults to ",
        "the server's default is ",
    ];
    for introducer in INTRODUCERS {
        if let Some(start) = flat.find(introducer) {
            let value = clause(flat.get(start + introducer.len()..).unwrap_or(""));
            if !value.is_empty() {
                return Some(value);
            }
        }
    }
    for marker in [" when absent", "absent means "] {
        let Some(position) = flat.find(marker) else {
            continue;
        };
        let value = if marker.starts_with(' ') {
            // The clause before the marker: after the last `;` or sentence end.
            let before = flat.get(..position).unwrap_or("");
            let start = before
                .rfind("; ")
                .map(|idx| idx + 2)
                .or_else(|| before.rfind(". ").map(|idx| idx + 2))
                .unwrap_or(0);
            before.get(start..).unwrap_or("").trim().to_owned()
        } else {
            clause(flat.get(position + marker.len()..).unwrap_or(""))
        };
        let complete = !value.ends_with([';', '.', ':', ',']);
        if !value.is_empty() && complete && value.len() < 40 && !value.contains(',') {
            return Some(value);
        }
    }
    None
}

/// Text up to the end of its clause: a `;`, or a `.` followed by a space or the end, outside
/// code spans.
fn clause(text: &str) -> String {
    let mut in_code = false;
    for (idx, c) in text.char_indices() {
        match c {
            '`' => in_code = !in_code,
            ';' if !in_code => return text.get(..idx).unwrap_or("").trim().to_owned(),
            '.' if !in_code => {
                let next = text.get(idx + 1..).and_then(|rest| rest.chars().next());
                if next.is_none_or(char::is_whitespace) {
                    return text.get(..idx).unwrap_or("").trim().to_owned();
                }
            }
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// The summary of a description for tables: its first sentence.
pub fn summary(description: &str) -> String {
    first_sentence(description)
}

/// An example value for a field: the schema's own `examples`, else one built from the
/// definition it refers to, its first enumeration value, or the examples of its parts.
pub fn example(schema_set: &Schema<'_>, schema: &Value) -> Option<Value> {
    example_at(schema_set, schema, 0)
}

const MAX_EXAMPLE_DEPTH: usize = 8;
/// Below this depth an example mapping holds only its required fields, so that an example of a
/// list of tasks stays a line or two.
const FULL_EXAMPLE_DEPTH: usize = 2;

fn example_at(schema_set: &Schema<'_>, schema: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_EXAMPLE_DEPTH {
        return None;
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|examples| examples.first())
    {
        return Some(first.clone());
    }
    if let Some(name) = ref_name(schema) {
        return schema_set
            .def(name)
            .and_then(|def| example_at(schema_set, def, depth + 1));
    }
    if let Some(constant) = schema.get("const") {
        return Some(constant.clone());
    }
    if let Some(values) = enumeration(schema) {
        return values.into_iter().next().map(|(value, _)| value);
    }
    if let Some(options) = alternatives(schema) {
        return options
            .iter()
            .find_map(|option| example_at(schema_set, option, depth + 1));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("boolean") => Some(Value::Bool(true)),
        Some("array") => {
            let item = example_at(schema_set, schema.get("items")?, depth + 1)?;
            Some(Value::Array(vec![item]))
        }
        Some("object") => object_example(schema_set, schema, depth),
        _ => None,
    }
}

/// An example mapping: every required field (each must have an example), plus, near the top,
/// the optional fields that have examples of their own.
fn object_example(schema_set: &Schema<'_>, schema: &Value, depth: usize) -> Option<Value> {
    let object_fields = fields(schema);
    if object_fields.is_empty() {
        return match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => Some(Value::Object(Map::new())),
            _ => None,
        };
    }
    let mut out = Map::new();
    for field in &object_fields {
        if field.required {
            out.insert(
                field.name.to_owned(),
                example_at(schema_set, field.schema, depth + 1)?,
            );
        } else if depth > FULL_EXAMPLE_DEPTH {
            continue;
        } else if let Some(own) = field
            .schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|examples| examples.first())
        {
            out.insert(field.name.to_owned(), own.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn default_of(description: &str) -> Option<String> {
        default_words(&json!({}), description)
    }

    #[test]
    fn defaults_stated_in_prose() {
        assert_eq!(
            default_of("What happens. Server default `ALERT_ONLY`."),
            Some("`ALERT_ONLY`".into())
        );
        assert_eq!(
            default_of("Time a worker may go (`x`).\nServer default 1 hour; at least 1 second."),
            Some("1 hour".into())
        );
        assert_eq!(
            default_of("The version; the server defaults it to 1. conductor-apply updates"),
            Some("1".into())
        );
        assert_eq!(
            default_of("The task's name (`name`). Defaults to `ref`."),
            Some("`ref`".into())
        );
        assert_eq!(
            default_of("Version of the failure workflow; latest when absent."),
            Some("latest".into())
        );
        assert_eq!(
            default_of("`SYNC` evaluates the join without backoff; absent means asynchronous."),
            Some("asynchronous".into())
        );
        assert_eq!(
            default_of("Delay before a retry (`retryDelaySeconds`). Server default 60 s."),
            Some("60 s".into())
        );
        assert_eq!(default_of("Free text shown in the Conductor UI."), None);
        assert_eq!(
            default_of("The child's version; when absent, the latest version is pinned."),
            None
        );
        assert_eq!(
            default_words(&json!({"default": 5}), "Server default 3."),
            Some("`5`".into())
        );
    }

    #[test]
    fn types_in_words() {
        let link = |name: &str| format!("[{name}]");
        assert_eq!(type_words(&json!({"type": "string"}), &link), "string");
        assert_eq!(
            type_words(
                &json!({"type": "array", "items": {"$ref": "#/$defs/Task"}}),
                &link
            ),
            "list of [Task]"
        );
        assert_eq!(
            type_words(
                &json!({"type": "object", "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/Task"}}}),
                &link
            ),
            "mapping of names to list of [Task]"
        );
        assert_eq!(
            type_words(
                &json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
                &link
            ),
            "integer or string"
        );
        assert_eq!(
            type_words(&json!({"oneOf": [{"const": "A"}, {"const": "B"}]}), &link),
            "one of `A`, `B`"
        );
        assert_eq!(
            type_words(
                &json!({"type": "object", "additionalProperties": true}),
                &link
            ),
            "mapping (any keys)"
        );
    }
}
