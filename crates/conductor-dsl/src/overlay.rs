//! Environment overlays: `((name))` in a definition's string values is replaced by the value
//! the project file gives `name` for the environment being compiled, after loading and before
//! the schema sees the document, so that the replaced document is checked like any other.
//!
//! - A string that is exactly `((name))` becomes the value with its type (`version:
//!   ((ordersVersion))` gives a number); inside a longer string, the value's text is spliced in
//!   (`https://((notifyHost))/orders`).
//! - A name is a letter or `_`, then letters, digits, `_`, `-` and `.`. A `((` not followed by a
//!   name and `))` is left as it is, so Conductor's `${...}` and ordinary text are never touched.
//! - A name without a value is CA110 at its place in the file, with a did-you-mean among the
//!   declared names, or the environments that do declare it.
//! - Keys are not replaced.
//!
//! - A later stage's diagnostic inside a replaced string (an expression after a `((name))`)
//!   is underlined in the string as written: each replacement is recorded
//!   ([`crate::locate::ReplacedString`]) and [`crate::locate::DocumentSpans::written_range`]
//!   maps offsets back.

use std::collections::BTreeMap;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_source::yaml::{Node, NodeKind, scalar_source_range};
use conductor_source::{FileId, SourceFile};
use serde_json::Value;

use crate::load::SourceDocument;
use crate::locate::{ReplacedString, Replacement};

/// The values of one environment, as the project file declares them.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// Each name's value for the chosen environment: the project's `values`, overridden by the
    /// environment's own. Strings, numbers and booleans.
    pub values: BTreeMap<String, Value>,
    /// The environment chosen (`--env`), for messages; `None` for the project's `values` alone.
    pub environment: Option<String>,
    /// Names that only other environments declare, with the environments that do.
    pub elsewhere: BTreeMap<String, Vec<String>>,
}

/// Whether `name` is a value name: a letter or `_`, then letters, digits, `_`, `-` and `.`.
pub fn is_value_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Every `((name))` in `text`: the byte range of the whole reference and the name.
pub fn references(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text.get(from..).and_then(|rest| rest.find("((")) {
        let start = from + offset;
        let inner = start + 2;
        let Some(length) = text.get(inner..).and_then(|rest| rest.find("))")) else {
            break;
        };
        let name = text.get(inner..inner + length).unwrap_or_default();
        if is_value_name(name) {
            found.push((start..inner + length + 2, name));
            from = inner + length + 2;
        } else {
            from = inner - 1;
        }
    }
    found
}

/// Replaces every `((name))` of the document's string values (see the module documentation);
/// returns a CA110 diagnostic for each name without a value, which is then left as it is.
pub fn apply_overlay(
    document: &mut SourceDocument,
    source: &SourceFile,
    overlay: &Overlay,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // A `((` in a value is a `((` in the text, unless written with escapes: a file with
    // neither has nothing to replace, and most files have neither.
    let text = source.text();
    if !text.contains("((") && !text.contains('\\') {
        return diagnostics;
    }
    let file = document.file;
    let yaml = &mut document.yaml;
    replace_in(
        &mut yaml.value,
        &yaml.root,
        &Context {
            file,
            source,
            overlay,
        },
        &mut Found {
            diagnostics: &mut diagnostics,
            replaced: &mut document.replaced,
        },
    );
    diagnostics
}

/// What replacing found: names without a value, and the strings changed.
struct Found<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    replaced: &'a mut Vec<ReplacedString>,
}

struct Context<'a> {
    file: FileId,
    source: &'a SourceFile,
    overlay: &'a Overlay,
}

fn replace_in(value: &mut Value, node: &Node, context: &Context<'_>, out: &mut Found<'_>) {
    match (value, &node.kind) {
        (Value::Object(map), NodeKind::Mapping(entries)) => {
            for ((_, child), entry) in map.iter_mut().zip(entries) {
                replace_in(child, &entry.value, context, out);
            }
        }
        (Value::Array(items), NodeKind::Sequence(nodes)) => {
            for (child, child_node) in items.iter_mut().zip(nodes) {
                replace_in(child, child_node, context, out);
            }
        }
        (slot @ Value::String(_), NodeKind::Scalar(_)) => {
            let replaced = match &*slot {
                Value::String(text) if text.contains("((") => {
                    replace_string(text, node, context, out)
                }
                _ => None,
            };
            if let Some(replaced) = replaced {
                *slot = replaced;
            }
        }
        _ => {}
    }
}

/// The string with its references replaced, or `None` when it has none that resolve.
fn replace_string(
    text: &str,
    node: &Node,
    context: &Context<'_>,
    out: &mut Found<'_>,
) -> Option<Value> {
    let references = references(text);
    if references.is_empty() {
        return None;
    }
    let mut resolved = Vec::with_capacity(references.len());
    for (range, name) in &references {
        match context.overlay.values.get(*name) {
            Some(value) => resolved.push((range.clone(), value)),
            None => out
                .diagnostics
                .push(unknown_value(name, range.clone(), node, context)),
        }
    }
    if resolved.len() != references.len() {
        return None;
    }
    if let [(range, value)] = resolved.as_slice()
        && range.start == 0
        && range.end == text.len()
    {
        if let Value::String(string) = value {
            out.replaced.push(ReplacedString {
                scalar_start: node.span.start,
                replacements: vec![Replacement {
                    at: 0,
                    written_len: text.len(),
                    value_len: string.len(),
                }],
            });
        }
        return Some((*value).clone());
    }
    let mut replaced = String::with_capacity(text.len());
    let mut replacements = Vec::with_capacity(resolved.len());
    let mut last = 0;
    for (range, value) in resolved {
        replaced.push_str(text.get(last..range.start).unwrap_or_default());
        let before = replaced.len();
        match value {
            Value::String(string) => replaced.push_str(string),
            other => replaced.push_str(&other.to_string()),
        }
        replacements.push(Replacement {
            at: range.start,
            written_len: range.len(),
            value_len: replaced.len() - before,
        });
        last = range.end;
    }
    replaced.push_str(text.get(last..).unwrap_or_default());
    // Later stages find problems at offsets of the replaced string; these map them back.
    out.replaced.push(ReplacedString {
        scalar_start: node.span.start,
        replacements,
    });
    Some(Value::String(replaced))
}

fn unknown_value(
    name: &str,
    range: Range<usize>,
    node: &Node,
    context: &Context<'_>,
) -> Diagnostic {
    let span = scalar_source_range(context.source.text(), node, range)
        .unwrap_or_else(|| node.span.clone());
    let overlay = context.overlay;
    let environments = |list: &[String]| {
        list.iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (overlay.elsewhere.get(name), &overlay.environment) {
        (Some(others), Some(environment)) => Diagnostic::new(
            Code::UnknownValue,
            format!("`{name}` has no value in environment `{environment}`"),
        )
        .with_primary(context.file, span, "no value in this environment")
        .with_help(format!(
            "it is declared for {} only: declare it under `environments.{environment}.values` \
             in the project file, or under `values` for every environment",
            environments(others)
        )),
        (Some(others), None) => Diagnostic::new(
            Code::UnknownValue,
            format!(
                "`{name}` has a value only in environment {}",
                environments(others)
            ),
        )
        .with_primary(context.file, span, "no value without --env")
        .with_help(format!(
            "choose the environment with --env {}, or declare a value for every environment \
             under `values` in the project file",
            others.first().map_or("NAME", String::as_str)
        )),
        (None, _) => {
            let known = overlay
                .values
                .keys()
                .chain(overlay.elsewhere.keys())
                .map(String::as_str);
            Diagnostic::new(Code::UnknownValue, format!("unknown value `{name}`"))
                .with_primary(context.file, span, "no such value in the project file")
                .with_suggestion_or_help(
                    suggest(name, known),
                    "declare it under `values` in the project file (conductor-apply.yaml), for \
                     every environment, or under `environments.<name>.values`",
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_names_between_double_parentheses() {
        fn found(text: &str) -> Vec<&str> {
            references(text).into_iter().map(|(_, name)| name).collect()
        }
        assert_eq!(found("https://((host))/((path.v2))"), ["host", "path.v2"]);
        assert_eq!(
            found("((a + b)) ((1x)) (( x )) ${workflow.input.x}"),
            Vec::<&str>::new()
        );
        assert_eq!(found("(((a)))"), ["a"]);
        assert_eq!(found("((unclosed"), Vec::<&str>::new());
    }
}
