//! The DSL's syntax: Rust types for every document and task form, deriving serde and
//! `JsonSchema`. The generated schemas in `schemas/` come from these types and their doc
//! comments, so the doc comments are the DSL's reference.

mod dispatch;
pub mod document;
pub mod duration;
pub mod parts;
pub mod task;
pub mod test_case;

/// A free-form mapping (task input, workflow output, variables); values may contain `${...}`
/// expressions and `null`.
pub type JsonMap = serde_json::Map<String, serde_json::Value>;
