//! What a value reads: the `${...}` references inside it, found and parsed by
//! conductor-check's expression parser (the one `check` resolves), so that the catalogue and
//! the checker never disagree on what an expression is. Of each path the catalogue keeps the
//! leading segments written as names or plain indexes (`workflow.input.orderId`,
//! `['my ref'].output.x`, `$.charge.output`, `items[0]`), which is all it needs: who is read,
//! and which input or output key.

use conductor_check::expr::{Body, Expression, SegmentKind, expressions_in};
use serde_json::Value;

/// One `${...}` reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Read {
    /// The text between `${` and `}`, trimmed (nested expressions included as written).
    pub path: String,
    /// The leading plain segments of the path: `["workflow", "input", "orderId"]`,
    /// `["charge", "output", "chargeId"]`. Empty when the path starts with something else.
    pub segments: Vec<String>,
}

impl Read {
    /// The root: `workflow`, a task reference name, or another name (a system parameter).
    pub fn root(&self) -> Option<&str> {
        self.segments.first().map(String::as_str)
    }

    /// The workflow input key read, for `workflow.input.<key>`.
    pub fn workflow_input(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [root, field, key, ..] if root == "workflow" && field == "input" => Some(key),
            _ => None,
        }
    }

    /// The segment after the root (`input`, `output`, ...).
    pub fn field(&self) -> Option<&str> {
        self.segments.get(1).map(String::as_str)
    }

    /// The segment after the field (the input or output key).
    pub fn key(&self) -> Option<&str> {
        self.segments.get(2).map(String::as_str)
    }
}

/// Every reference in some values, in the order they appear (strings inside mappings and lists
/// at any depth; mapping keys are not resolved by the server and are skipped), without repeats.
pub fn expression_reads<'v>(values: impl IntoIterator<Item = &'v Value>) -> Vec<Read> {
    let mut reads = Vec::new();
    for value in values {
        collect_value(value, &mut reads);
    }
    let mut unique: Vec<Read> = Vec::with_capacity(reads.len());
    for read in reads {
        if !unique.contains(&read) {
            unique.push(read);
        }
    }
    unique
}

/// The references in one string (see [`expression_reads`]).
pub fn string_reads(text: &str) -> Vec<Read> {
    expression_reads([&Value::from(text)])
}

fn collect_value(value: &Value, reads: &mut Vec<Read>) {
    match value {
        Value::String(text) => collect_text(text, reads),
        Value::Array(items) => items.iter().for_each(|item| collect_value(item, reads)),
        Value::Object(map) => map.values().for_each(|child| collect_value(child, reads)),
        _ => {}
    }
}

fn collect_text(text: &str, reads: &mut Vec<Read>) {
    for expression in expressions_in(text).expressions {
        collect_expression(text, &expression, reads);
    }
}

/// The nested expressions first: the server resolves them first (contract §6.6).
fn collect_expression(text: &str, expression: &Expression<'_>, reads: &mut Vec<Read>) {
    for nested in &expression.nested {
        collect_expression(text, nested, reads);
    }
    let path = text
        .get(expression.inner.clone())
        .unwrap_or_default()
        .trim();
    if path.is_empty() {
        return;
    }
    let segments = match &expression.body {
        Body::Path(parsed) => parsed
            .segments
            .iter()
            .map_while(|segment| match &segment.kind {
                SegmentKind::Name(name) => Some(name.to_string()),
                SegmentKind::Index => text
                    .get(segment.range.clone())
                    .and_then(|written| written.strip_prefix('[')?.strip_suffix(']'))
                    .filter(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned),
                _ => None,
            })
            .collect(),
        Body::Empty | Body::Invalid(_) => Vec::new(),
    };
    reads.push(Read {
        path: path.to_owned(),
        segments,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(text: &str) -> Vec<(String, Vec<String>)> {
        string_reads(text)
            .into_iter()
            .map(|read| (read.path, read.segments))
            .collect()
    }

    fn segments(text: &str) -> Vec<Vec<String>> {
        string_reads(text)
            .into_iter()
            .map(|read| read.segments)
            .collect()
    }

    #[test]
    fn finds_references_where_the_server_resolves_them() {
        assert_eq!(
            segments("${workflow.input.orderId}"),
            [["workflow", "input", "orderId"]]
        );
        assert_eq!(
            segments("Hi ${a.output.x} and ${ b.input }!"),
            [vec!["a", "output", "x"], vec!["b", "input"]]
        );
        assert_eq!(segments("$${escaped} ${real}"), [["real"]]);
        assert_eq!(segments("${a}${b}"), [["a"], ["b"]]);
        assert_eq!(
            segments("no expression ${unterminated"),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(segments("${}"), Vec::<Vec<String>>::new());
    }

    #[test]
    fn nested_expressions_are_read_inside_out() {
        assert_eq!(
            paths("${workflow.input.${workflow.input.key}}"),
            [
                (
                    "workflow.input.key".to_owned(),
                    vec!["workflow".to_owned(), "input".to_owned(), "key".to_owned()]
                ),
                (
                    "workflow.input.${workflow.input.key}".to_owned(),
                    vec!["workflow".to_owned(), "input".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn bracket_and_dollar_notation() {
        assert_eq!(
            segments("${['my ref'].output['a.b'].c}"),
            [["my ref", "output", "a.b", "c"]]
        );
        assert_eq!(segments("${$.t1.output}"), [["t1", "output"]]);
        assert_eq!(
            segments("${t1.output.items[0].id}"),
            [["t1", "output", "items", "0", "id"]]
        );
        assert_eq!(
            segments("${t1.output.items[*].id}"),
            [["t1", "output", "items"]]
        );
        assert_eq!(segments("${t1.output..id}"), [["t1", "output"]]);
        assert_eq!(
            segments("${my-task.output.1}"),
            [["my-task", "output", "1"]]
        );
    }

    #[test]
    fn values_are_walked_and_repeats_dropped() {
        let reads = expression_reads([&json!({
            "a": "${t1.output.x}",
            "b": ["${t1.output.x}", {"c": "${workflow.input.y}"}],
            "${not.a.key}": 3,
        })]);
        let found: Vec<&str> = reads.iter().map(|read| read.path.as_str()).collect();
        assert_eq!(found, ["t1.output.x", "workflow.input.y"]);
        assert_eq!(reads[1].workflow_input(), Some("y"));
        assert_eq!(reads[0].root(), Some("t1"));
    }
}
