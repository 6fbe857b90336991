//! What a value reads: the `${...}` references inside it.
//!
//! This is a small scan, kept behind the one function [`expression_reads`] so that it can be
//! replaced by conductor-check's expression parser and scope resolution when they land. It
//! follows the server's text rules (contract §6.4–§6.6): `$${` is an escape and not a
//! reference; braces nest, and the inner expression is read too; an unterminated `${` is text.
//! Of each path it keeps the leading segments written in dot or bracket notation
//! (`workflow.input.orderId`, `['my ref'].output.x`, `$.charge.output`), which is all the
//! catalogue needs: who is read, and which input or output key.

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
        Value::String(text) => collect_text(text, reads, 0),
        Value::Array(items) => items.iter().for_each(|item| collect_value(item, reads)),
        Value::Object(map) => map.values().for_each(|child| collect_value(child, reads)),
        _ => {}
    }
}

/// Nesting deeper than this is left unread rather than recursed into.
const MAX_NESTING: usize = 16;

fn collect_text(text: &str, reads: &mut Vec<Read>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let bytes = text.as_bytes();
    let mut position = 0;
    while position + 1 < bytes.len() {
        let starts_expression = bytes.get(position) == Some(&b'$')
            && bytes.get(position + 1) == Some(&b'{')
            && (position == 0 || bytes.get(position - 1) != Some(&b'$'));
        if !starts_expression {
            position += 1;
            continue;
        }
        let Some(end) = closing_brace(bytes, position + 2) else {
            // Contract §6.5: an unterminated `${` is left as text.
            return;
        };
        let inner = text.get(position + 2..end).unwrap_or_default();
        // Contract §6.6: the inner expression is resolved first.
        collect_text(inner, reads, depth + 1);
        let path = inner.trim();
        if !path.is_empty() {
            reads.push(Read {
                path: path.to_owned(),
                segments: leading_segments(path),
            });
        }
        position = end + 1;
    }
}

/// The index of the `}` that closes a `${` whose body starts at `from`, counting nested braces.
fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, byte) in bytes.get(from..)?.iter().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(from + offset),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The leading segments of a JSONPath written in dot or bracket notation (contract §6.3): an
/// optional `$.`, then names separated by `.`, `['quoted']` or `["quoted"]` names and `[n]`
/// indexes. Stops at anything else (filters, wildcards, deep scans, nested expressions).
fn leading_segments(path: &str) -> Vec<String> {
    let mut rest = path.strip_prefix("$.").unwrap_or(path);
    let mut segments = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix('[') {
            let quote = after.chars().next();
            let parsed = match quote {
                Some(q @ ('\'' | '"')) => after
                    .get(1..)
                    .and_then(|body| body.find(q).map(|end| (body, end)))
                    .and_then(|(body, end)| {
                        let name = body.get(..end)?;
                        let tail = body.get(end + 1..)?.strip_prefix(']')?;
                        Some((name.to_owned(), tail))
                    }),
                _ => after.find(']').and_then(|end| {
                    let index = after.get(..end)?;
                    let tail = after.get(end + 1..)?;
                    index
                        .chars()
                        .all(|c| c.is_ascii_digit())
                        .then(|| (index.to_owned(), tail))
                        .filter(|(index, _)| !index.is_empty())
                }),
            };
            let Some((name, tail)) = parsed else { break };
            segments.push(name);
            rest = tail;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = rest.get(..end).unwrap_or_default();
            let plain = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$');
            if !plain || name.contains("${") {
                break;
            }
            segments.push(name.to_owned());
            rest = rest.get(end..).unwrap_or_default();
        }
        if let Some(after_dot) = rest.strip_prefix('.') {
            if after_dot.starts_with('.') {
                break;
            }
            rest = after_dot;
        } else if !rest.starts_with('[') {
            break;
        }
    }
    segments
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
