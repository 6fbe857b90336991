//! A small YAML writer for the generated definitions: block style as people write it (flow
//! style for short lists of words), literal blocks for scripts, comments, and quoting exactly
//! where YAML 1.2 needs it.

use std::fmt::Write;

/// A YAML node to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A string, written plain when that reads back as the same string, quoted otherwise.
    Str(String),
    /// A multi-line string, written as a `|` literal block.
    Block(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A mapping, in order. Entries whose value is [`Yaml::Commented`] get a comment line first.
    Map(Vec<(String, Yaml)>),
    /// A sequence; written in flow style (`[a, b]`) when every item is a short plain word.
    Seq(Vec<Yaml>),
    /// A node with a comment line written before its key.
    Commented(String, Box<Yaml>),
}

impl Yaml {
    /// A string node.
    pub fn str(text: impl Into<String>) -> Yaml {
        Yaml::Str(text.into())
    }

    /// A mapping from pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Yaml)>) -> Yaml {
        Yaml::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A sequence of strings.
    pub fn words<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Yaml {
        Yaml::Seq(words.into_iter().map(|w| Yaml::str(w.as_ref())).collect())
    }
}

/// Writes a document (a mapping) as YAML text ending with a newline.
pub fn write_document(out: &mut String, document: &Yaml) {
    match document {
        Yaml::Map(entries) => write_entries(out, entries, 0, false),
        other => {
            write_inline(out, other);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, width: usize) {
    out.extend(std::iter::repeat_n(' ', width));
}

/// Writes mapping entries at `width`. With `continued`, the first key follows text already on
/// the line (a `- ` of a sequence item).
fn write_entries(out: &mut String, entries: &[(String, Yaml)], width: usize, continued: bool) {
    for (idx, (key, value)) in entries.iter().enumerate() {
        let (comment, value) = match value {
            Yaml::Commented(comment, inner) => (Some(comment), inner.as_ref()),
            other => (None, other),
        };
        let first_on_line = idx == 0 && continued;
        match comment {
            // A comment cannot sit between `- ` and the key: it ends that line, and the key
            // starts the next one.
            Some(comment) if first_on_line => {
                out.push_str("# ");
                out.push_str(comment);
                out.push('\n');
                indent(out, width);
            }
            Some(comment) => {
                indent(out, width);
                out.push_str("# ");
                out.push_str(comment);
                out.push('\n');
                indent(out, width);
            }
            None if first_on_line => {}
            None => indent(out, width),
        }
        write_key(out, key);
        out.push(':');
        write_value(out, value, width);
    }
}

/// Writes what follows `key:`.
fn write_value(out: &mut String, value: &Yaml, width: usize) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            write_entries(out, entries, width + 2, false);
        }
        Yaml::Seq(items) if !items.is_empty() && !is_flow_list(items) => {
            out.push('\n');
            write_items(out, items, width + 2);
        }
        Yaml::Block(text) => {
            out.push_str(" |");
            if !text.ends_with('\n') {
                out.push('-');
            }
            out.push('\n');
            for line in text.lines() {
                if !line.is_empty() {
                    indent(out, width + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        Yaml::Commented(_, inner) => write_value(out, inner, width),
        other => {
            out.push(' ');
            write_inline(out, other);
            out.push('\n');
        }
    }
}

/// Writes sequence items at `width`, each after its comment line if it has one.
fn write_items(out: &mut String, items: &[Yaml], width: usize) {
    for item in items {
        if let Yaml::Commented(comment, _) = item {
            indent(out, width);
            out.push_str("# ");
            out.push_str(comment);
            out.push('\n');
        }
        indent(out, width);
        write_item(out, uncommented(item), width);
    }
}

/// The node without its comment.
fn uncommented(item: &Yaml) -> &Yaml {
    match item {
        Yaml::Commented(_, inner) => uncommented(inner),
        other => other,
    }
}

/// Writes one item after the indentation: `- ` and the item.
fn write_item(out: &mut String, item: &Yaml, width: usize) {
    out.push_str("- ");
    match uncommented(item) {
        Yaml::Map(entries) if !entries.is_empty() => write_entries(out, entries, width + 2, true),
        Yaml::Seq(items) if !items.is_empty() && !is_flow_list(items) => {
            for (idx, inner) in items.iter().enumerate() {
                if idx > 0 {
                    // The first item shares the line of the outer `- `, where a comment cannot
                    // go; later ones get theirs.
                    if let Yaml::Commented(comment, _) = inner {
                        indent(out, width + 2);
                        out.push_str("# ");
                        out.push_str(comment);
                        out.push('\n');
                    }
                    indent(out, width + 2);
                }
                write_item(out, uncommented(inner), width + 2);
            }
        }
        other => write_item_tail(out, other, width),
    }
}

fn write_item_tail(out: &mut String, item: &Yaml, width: usize) {
    match item {
        Yaml::Block(_) => {
            // A literal block as a sequence item: `- |` then the lines.
            let mut text = String::new();
            write_value(&mut text, item, width);
            out.push_str(text.trim_start());
        }
        other => {
            write_inline(out, other);
            out.push('\n');
        }
    }
}

/// Whether a list is written in flow style: at most eight plain words.
fn is_flow_list(items: &[Yaml]) -> bool {
    items.len() <= 8
        && items.iter().all(|item| match item {
            Yaml::Str(text) => text.len() <= 24 && plain_in_flow(text),
            Yaml::Int(_) | Yaml::Bool(_) => true,
            _ => false,
        })
}

/// Writes a scalar, an empty collection or a flow list on the current line.
fn write_inline(out: &mut String, value: &Yaml) {
    match value {
        Yaml::Str(text) => write_scalar(out, text, false),
        Yaml::Block(text) => write_scalar(out, text, false),
        Yaml::Int(number) => {
            let _ = write!(out, "{number}");
        }
        Yaml::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Yaml::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Yaml::Map(entries) => {
            // Only reached for a mapping nested in a flow list, which the writer never makes.
            out.push_str("{ ");
            for (idx, (key, value)) in entries.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                write_scalar(out, key, true);
                out.push_str(": ");
                write_inline(out, value);
            }
            out.push_str(" }");
        }
        Yaml::Seq(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push_str(", ");
                }
                match item {
                    Yaml::Str(text) => write_scalar(out, text, true),
                    other => write_inline(out, other),
                }
            }
            out.push(']');
        }
        Yaml::Commented(_, inner) => write_inline(out, inner),
    }
}

fn write_key(out: &mut String, key: &str) {
    write_scalar(out, key, false);
}

fn write_scalar(out: &mut String, text: &str, in_flow: bool) {
    let plain = if in_flow {
        plain_in_flow(text)
    } else {
        plain_in_block(text)
    };
    if plain {
        out.push_str(text);
        return;
    }
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('"');
}

/// Whether a string can be written plain in block context and read back as the same string
/// (YAML 1.2 core schema).
fn plain_in_block(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        // `-`, `?` and `:` may start a plain scalar when followed by a non-space, but quoting
        // them keeps the rule simple.
        return false;
    }
    if text.ends_with(char::is_whitespace) || text.ends_with(':') {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.contains('\n') || text.contains('\t') {
        return false;
    }
    !resolves_to_non_string(text)
}

fn plain_in_flow(text: &str) -> bool {
    plain_in_block(text) && !text.contains([',', '[', ']', '{', '}'])
}

/// Whether a plain scalar would be read as something other than a string: null, a boolean or
/// a number in the YAML 1.2 core schema.
fn resolves_to_non_string(text: &str) -> bool {
    if matches!(
        text,
        "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if matches!(lower.as_str(), ".inf" | "+.inf" | "-.inf" | ".nan") {
        return true;
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.starts_with("0x") || digits.starts_with("0o") {
        return true;
    }
    // Anything made of digits, dots and exponents might be a number: quote it.
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(document: &Yaml) -> String {
        let mut out = String::new();
        write_document(&mut out, document);
        out
    }

    #[test]
    fn writes_block_style_with_flow_word_lists() {
        let document = Yaml::map([
            ("workflow", Yaml::str("orders")),
            ("inputs", Yaml::words(["orderId", "amount"])),
            (
                "tasks",
                Yaml::Seq(vec![Yaml::map([
                    ("ref", Yaml::str("a")),
                    (
                        "input",
                        Yaml::map([("id", Yaml::str("${workflow.input.orderId}"))]),
                    ),
                ])]),
            ),
        ]);
        assert_eq!(
            written(&document),
            "workflow: orders\ninputs: [orderId, amount]\ntasks:\n  - ref: a\n    input:\n      id: ${workflow.input.orderId}\n"
        );
    }

    #[test]
    fn quotes_what_would_change_meaning() {
        for (text, expected) in [
            ("true", "\"true\""),
            ("10", "\"10\""),
            ("1.5e3", "\"1.5e3\""),
            ("a: b", "\"a: b\""),
            ("", "\"\""),
            ("{x}", "\"{x}\""),
            ("say \"hi\"", "say \"hi\""),
            ("${a.output.b}", "${a.output.b}"),
            ("x #y", "\"x #y\""),
        ] {
            let mut out = String::new();
            write_scalar(&mut out, text, false);
            assert_eq!(out, expected, "{text}");
        }
    }

    #[test]
    fn nested_sequences_and_blocks() {
        let document = Yaml::map([(
            "fork",
            Yaml::Seq(vec![
                Yaml::Seq(vec![Yaml::map([
                    ("ref", Yaml::str("a")),
                    ("task", Yaml::str("x")),
                ])]),
                Yaml::Seq(vec![Yaml::map([(
                    "inline",
                    Yaml::map([("expression", Yaml::Block("return 1;\n".into()))]),
                )])]),
            ]),
        )]);
        assert_eq!(
            written(&document),
            "fork:\n  - - ref: a\n      task: x\n  - - inline:\n        expression: |\n          return 1;\n"
        );
    }
}
