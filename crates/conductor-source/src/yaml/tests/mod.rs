//! Tests of the YAML loader, data-driven through one helper per feature.

mod corpus;
mod pointer;
mod problems;
mod resolve;
mod scalar_map;
mod structure;

use std::fmt::Write;
use std::ops::Range;

use super::{Node, NodeKind, ParsedYaml, ScalarSourceMap, ScalarStyle, YamlProblem, parse_yaml};

/// `text[span]` for messages, with the span's line:col.
fn show(text: &str, span: &Range<usize>) -> String {
    let file = crate::SourceFile::new("t.yaml", "t.yaml", text);
    let at = file.line_col(span.start);
    let excerpt = text.get(span.clone()).unwrap_or("<not on char boundaries>");
    format!("{}:{} `{}`", at.line, at.column, excerpt.escape_debug())
}

/// One line per problem: `message @ line:col `text`` plus the related span when there is one.
fn render_problems(text: &str, problems: &[YamlProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|problem| {
            let mut line = format!("{} @ {}", problem.kind.message(), show(text, &problem.span));
            if let Some((related, label)) = &problem.related {
                let _ = write!(line, " ({label} @ {})", show(text, related));
            }
            line
        })
        .collect()
}

/// An indented outline of the span tree: every node with the text its span covers.
fn render_tree(text: &str, node: &Node) -> String {
    let mut out = String::new();
    render_node(text, node, 0, &mut out);
    out
}

fn render_node(text: &str, node: &Node, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let alias = node
        .alias_of
        .as_ref()
        .map(|anchor| format!(" alias of {}", show(text, anchor)))
        .unwrap_or_default();
    match &node.kind {
        NodeKind::Scalar(scalar) => {
            let _ = writeln!(
                out,
                "{pad}{:?} {}{alias}",
                scalar.style,
                show(text, &node.span)
            );
        }
        NodeKind::Sequence(items) => {
            let _ = writeln!(out, "{pad}seq {}{alias}", show(text, &node.span));
            for item in items {
                render_node(text, item, depth + 1, out);
            }
        }
        NodeKind::Mapping(entries) => {
            let _ = writeln!(out, "{pad}map {}{alias}", show(text, &node.span));
            for entry in entries {
                let _ = writeln!(out, "{pad}  key {}", show(text, &entry.key_span));
                render_node(text, &entry.value, depth + 2, out);
            }
        }
    }
}

/// Checks the invariants that hold for every parse: spans inside the text on char boundaries,
/// the tree mirrors the value, mapping entries in the order of the object's keys.
fn check_invariants(text: &str, parsed: &ParsedYaml) {
    for problem in &parsed.problems {
        assert_span(text, &problem.span, "problem");
        if let Some((related, _)) = &problem.related {
            assert_span(text, related, "related");
        }
    }
    for document in &parsed.documents {
        assert_span(text, &document.span, "document");
        check_node(text, &document.root, &document.value, 0);
    }
}

fn assert_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what} span {span:?} is not a valid range of {text:?}"
    );
}

fn check_node(text: &str, node: &Node, value: &serde_json::Value, depth: usize) {
    assert!(depth <= super::MAX_DEPTH + 1, "tree deeper than the limit");
    assert_span(text, &node.span, "node");
    if let Some(anchor) = &node.alias_of {
        assert_span(text, anchor, "alias_of");
    }
    match (&node.kind, value) {
        (NodeKind::Scalar(scalar), value) => {
            assert!(
                !value.is_array() && !value.is_object(),
                "scalar node for {value}"
            );
            assert_span(text, &scalar.source, "scalar source");
            if scalar.style.is_block() {
                let header = text.as_bytes().get(scalar.source.start);
                assert!(
                    matches!(header, Some(b'|' | b'>')),
                    "block scalar source {} does not start at its header",
                    show(text, &scalar.source)
                );
            }
            if let Some(string) = value.as_str() {
                check_scalar_map(text, node, string);
            }
        }
        (NodeKind::Sequence(items), serde_json::Value::Array(values)) => {
            assert_eq!(items.len(), values.len(), "sequence length");
            for (item, value) in items.iter().zip(values) {
                check_node(text, item, value, depth + 1);
            }
        }
        (NodeKind::Mapping(entries), serde_json::Value::Object(map)) => {
            assert_eq!(entries.len(), map.len(), "mapping length");
            for (entry, (key, value)) in entries.iter().zip(map) {
                assert_eq!(&entry.key, key, "entries in the order of the object's keys");
                assert_span(text, &entry.key_span, "key");
                check_node(text, &entry.value, value, depth + 1);
            }
        }
        (kind, value) => panic!("node {kind:?} does not mirror {value}"),
    }
}

/// Parses and checks the invariants.
fn parse_checked(text: &str) -> ParsedYaml {
    let parsed = parse_yaml(text);
    check_invariants(text, &parsed);
    parsed
}

/// The offset-mapping property, for a scalar node whose value is `value`: the map decodes to the
/// value, offsets only move forward, and each decoded character maps to that same character in
/// the source, or to the backslash of its escape, or (a folded space or a line feed) to a line
/// break or the end of the text.
fn check_scalar_map(text: &str, node: &Node, value: &str) {
    let Some(scalar) = node.as_scalar() else {
        panic!("not a scalar");
    };
    let context = || format!("{:?} scalar {}", scalar.style, show(text, &scalar.source));
    let map =
        ScalarSourceMap::new(text, node).unwrap_or_else(|| panic!("no map for {}", context()));
    assert_eq!(map.decoded(), value, "decoded string of {}", context());
    let mut previous = 0;
    for (idx, c) in value.char_indices() {
        let src = map.offset(idx).unwrap();
        assert!(
            src >= previous,
            "offsets go backwards at {idx} in {}",
            context()
        );
        previous = src;
        let range = map.range(idx..idx + c.len_utf8()).unwrap();
        assert_span(text, &range, "mapped range");
        assert_eq!(range.start, src);
        let source = &text[range.clone()];
        let ok = source == c.to_string()
            || (scalar.style == ScalarStyle::DoubleQuoted && source.starts_with('\\'))
            || (scalar.style == ScalarStyle::SingleQuoted && c == '\'' && source == "''")
            || ((c == ' ' || c == '\n') && matches!(source, "\n" | "\r\n" | "\r" | ""));
        assert!(
            ok,
            "decoded {c:?} at {idx} maps to {source:?} ({range:?}) in {}",
            context()
        );
    }
    let end = map.offset(value.len()).unwrap();
    assert!(
        end >= previous && end <= text.len(),
        "end offset of {}",
        context()
    );
    assert_eq!(map.offset(value.len() + 1), None);
}
