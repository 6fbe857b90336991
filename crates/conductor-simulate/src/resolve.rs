//! `${...}` resolution as the server does it (contract §6.2–§6.6), reusing the checker's
//! expression lexer and path parser, so that `check` and the simulator read an expression the
//! same way.
//!
//! - A string that is exactly one `${...}` becomes the typed value; otherwise each expression
//!   is replaced by the Java text of its value (`null` when missing).
//! - Nested expressions are resolved first, as text, into the outer path.
//! - `$${` is an escape: it is never resolved, and becomes `${` afterwards.
//! - Paths follow Jayway: a definite path gives one value or null, an indefinite one (a
//!   wildcard, a deep scan, several names or indexes, a slice) the list of what it found.

use conductor_check::expr::parser::parse_path;
use conductor_check::expr::{Body, Path, SegmentKind, expressions_in};
use serde_json::{Map, Value};

use crate::SimError;
use crate::values::java_string;

/// The roots a path starts from: `workflow` and one per task reference.
pub trait Roots {
    /// The root named `name`.
    fn root(&self, name: &str) -> Option<&Value>;
    /// Every root, for a path that starts at `$` itself.
    fn all(&self) -> Map<String, Value>;
}

impl Roots for Map<String, Value> {
    fn root(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }

    fn all(&self) -> Map<String, Value> {
        self.clone()
    }
}

/// Resolves every string inside `value` (objects and lists are walked) against `document`.
pub fn resolve_value(value: &Value, document: &dyn Roots) -> Result<Value, SimError> {
    Ok(match value {
        Value::String(text) => resolve_string(text, document)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve_value(item, document))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, item) in map {
                out.insert(key.clone(), resolve_value(item, document)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Resolves one string.
pub fn resolve_string(text: &str, document: &dyn Roots) -> Result<Value, SimError> {
    let found = expressions_in(text);
    if found.expressions.is_empty() {
        return Ok(Value::String(unescape(text)));
    }
    if let [only] = found.expressions.as_slice()
        && only.whole_value
    {
        return evaluate(text, only, document);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for expression in &found.expressions {
        out.push_str(&unescape(&text[last..expression.range.start]));
        out.push_str(&java_string(&evaluate(text, expression, document)?));
        last = expression.range.end;
    }
    out.push_str(&unescape(&text[last..]));
    Ok(Value::String(out))
}

fn unescape(text: &str) -> String {
    text.replace("$${", "${")
}

fn evaluate(
    text: &str,
    expression: &conductor_check::expr::Expression<'_>,
    document: &dyn Roots,
) -> Result<Value, SimError> {
    if !expression.nested.is_empty() {
        // The inner expressions first, as text, then the path they made.
        let inner = &text[expression.inner.clone()];
        let substituted = match resolve_string(inner, document)? {
            Value::String(text) => text,
            other => java_string(&other),
        };
        return match parse_path(&substituted, 0..substituted.len()) {
            Ok(path) => evaluate_path(&substituted, &path, document),
            Err(_) => Ok(Value::Null),
        };
    }
    match &expression.body {
        Body::Empty => Ok(Value::String(String::new())),
        // The server's JSONPath fails quietly: an unreadable path is null.
        Body::Invalid(_) => Ok(Value::Null),
        Body::Path(path) => evaluate_path(text, path, document),
    }
}

/// Evaluates a parsed path against the document of roots (`workflow`, task references).
pub fn evaluate_path(text: &str, path: &Path<'_>, document: &dyn Roots) -> Result<Value, SimError> {
    // The first name picks a root without copying the others.
    let (mut current, rest): (Vec<Value>, &[conductor_check::expr::Segment<'_>]) =
        match path.segments.split_first() {
            Some((first, rest)) if matches!(&first.kind, SegmentKind::Name(_)) => {
                let SegmentKind::Name(name) = &first.kind else {
                    unreachable!("matched above")
                };
                (
                    vec![document.root(name).cloned().unwrap_or(Value::Null)],
                    rest,
                )
            }
            _ => (
                vec![Value::Object(document.all())],
                path.segments.as_slice(),
            ),
        };
    let mut definite = true;
    let mut deep = false;
    for segment in rest {
        let written = &text[segment.range.clone()];
        let mut next = Vec::new();
        let candidates: Vec<Value> = if deep {
            deep = false;
            let mut all = Vec::new();
            for value in &current {
                descendants(value, &mut all);
            }
            all
        } else {
            current
        };
        match &segment.kind {
            SegmentKind::Name(name) => {
                for value in &candidates {
                    if let Some(found) = value.get(name.as_ref()) {
                        next.push(found.clone());
                    } else if definite {
                        next.push(Value::Null);
                    }
                }
            }
            SegmentKind::Names(names) => {
                // `['one']` is a plain name; `['a','b']` makes the path indefinite.
                if names.len() > 1 {
                    definite = false;
                }
                for value in &candidates {
                    for name in names {
                        if let Some(found) = value.get(name.as_ref()) {
                            next.push(found.clone());
                        }
                    }
                }
            }
            SegmentKind::Index => {
                let indexes = bracket_numbers(written);
                if indexes.len() != 1 {
                    definite = false;
                }
                for value in &candidates {
                    let Value::Array(items) = value else {
                        if definite {
                            next.push(Value::Null);
                        }
                        continue;
                    };
                    for index in &indexes {
                        let at = if *index < 0 {
                            items.len() as i64 + index
                        } else {
                            *index
                        };
                        match usize::try_from(at).ok().and_then(|at| items.get(at)) {
                            Some(found) => next.push(found.clone()),
                            None if definite => next.push(Value::Null),
                            None => {}
                        }
                    }
                }
            }
            SegmentKind::Slice => {
                definite = false;
                let (from, to) = slice_bounds(written);
                for value in &candidates {
                    if let Value::Array(items) = value {
                        let len = items.len() as i64;
                        let clamp = |bound: i64| {
                            if bound < 0 {
                                (len + bound).max(0)
                            } else {
                                bound.min(len)
                            }
                        };
                        let start = clamp(from.unwrap_or(0)) as usize;
                        let end = clamp(to.unwrap_or(len)) as usize;
                        if start < end {
                            next.extend(items[start..end].iter().cloned());
                        }
                    }
                }
            }
            SegmentKind::Wildcard => {
                definite = false;
                for value in &candidates {
                    match value {
                        Value::Array(items) => next.extend(items.iter().cloned()),
                        Value::Object(map) => next.extend(map.values().cloned()),
                        _ => {}
                    }
                }
            }
            SegmentKind::DeepScan => {
                definite = false;
                deep = true;
                next = candidates;
            }
            SegmentKind::Function(name) if name.as_ref() == "length" => {
                for value in &candidates {
                    let length = match value {
                        Value::Array(items) => items.len(),
                        Value::Object(map) => map.len(),
                        Value::String(text) => text.chars().count(),
                        _ => 0,
                    };
                    next.push(Value::from(length));
                }
            }
            SegmentKind::Function(_) | SegmentKind::Filter | SegmentKind::Dynamic => {
                return Err(SimError::NotSimulated {
                    what: format!(
                        "the JSONPath `{}` (filters and functions other than `length()`)",
                        &text[path.text.clone()]
                    ),
                });
            }
        }
        current = next;
    }
    Ok(if definite {
        current.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(current)
    })
}

fn descendants(value: &Value, out: &mut Vec<Value>) {
    out.push(value.clone());
    match value {
        Value::Array(items) => items.iter().for_each(|item| descendants(item, out)),
        Value::Object(map) => map.values().for_each(|item| descendants(item, out)),
        _ => {}
    }
}

/// The numbers of `[0]`, `[-1]` or `[0, 2]`.
fn bracket_numbers(written: &str) -> Vec<i64> {
    written
        .trim_start_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .filter_map(|part| part.trim().parse().ok())
        .collect()
}

/// The bounds of `[1:3]`, `[:2]`, `[-2:]`.
fn slice_bounds(written: &str) -> (Option<i64>, Option<i64>) {
    let inner = written
        .trim_start_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']');
    let mut parts = inner.splitn(2, ':');
    let from = parts.next().and_then(|part| part.trim().parse().ok());
    let to = parts.next().and_then(|part| part.trim().parse().ok());
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Map<String, Value> {
        let Value::Object(map) = json!({
            "workflow": {"input": {"n": 5, "name": "bob", "obj": {"a": 1}, "key": "name"}},
            "t1": {"output": {"items": [{"id": 1, "ok": true}, {"id": 2, "ok": false}]}},
            "my-task": {"output": {"x": "y"}},
        }) else {
            unreachable!()
        };
        map
    }

    #[test]
    fn resolution_follows_the_server() {
        let doc = document();
        let cases = [
            ("${workflow.input.n}", json!(5)),
            ("${workflow.input.obj}", json!({"a": 1})),
            ("Hello ${workflow.input.name}!", json!("Hello bob!")),
            ("a ${workflow.input.missing} b", json!("a null b")),
            ("x ${workflow.input.obj}", json!("x {a=1}")),
            ("${t1.output.items[*].id}", json!([1, 2])),
            ("${t1.output.items[1].id}", json!(2)),
            ("${t1.output.items[-1].id}", json!(2)),
            ("${nope.output}", json!(null)),
            ("$${workflow.input.name}", json!("${workflow.input.name}")),
            ("${}", json!("")),
            ("${workflow.input.${workflow.input.key}}", json!("bob")),
            ("${my-task.output.x}", json!("y")),
            ("${t1.output.items.length()}", json!(2)),
            ("${workflow.input.n}${workflow.input.n}", json!("55")),
        ];
        for (text, expected) in cases {
            assert_eq!(resolve_string(text, &doc).unwrap(), expected, "{text}");
        }
    }
}
