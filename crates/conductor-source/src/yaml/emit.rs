//! Writing JSON values as idiomatic YAML: block mappings and sequences, flow style only for
//! short lists of scalars and for empty collections, plain scalars wherever YAML 1.2 reads them
//! back as the same string, literal blocks (`|`) for multi-line text.
//!
//! Invariant: [`parse_yaml`](super::parse_yaml) of the output gives back exactly the input value
//! (key order included). The tests check it on generated values and on the corpus.
//!
//! The quoting rules ([`plain_is_safe`], [`single_quoted`], [`double_quoted`]) are public:
//! `conductor-fmt` quotes with the same rules, so that `fmt` leaves `import`'s output as it is.
//! A string is written plain only when a YAML 1.1 reader (PyYAML, many editors' servers) would
//! read it as the same string too: `yes`, `off`, `1_000` and `1:30` are strings in YAML 1.2
//! but booleans and numbers in 1.1, so they are quoted.

use serde_json::{Map, Value};

use super::resolve::resolve_plain;

/// Longest a flow list (`[a, b, c]`) may be, key included, before it is written in block style.
const FLOW_WIDTH: usize = 72;

/// YAML limits a key written in the usual `key: value` form to 1024 characters (spec 7.4.2,
/// "implicit keys"); longer keys are written explicitly. Bytes bound characters from above.
const IMPLICIT_KEY_LIMIT: usize = 1024;

/// The value as a YAML document (without `---`), ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_mapping(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_sequence(items, 0, &mut out),
        scalar_or_empty => {
            out.push_str(&inline_value(scalar_or_empty, 0, Context::Block));
            out.push('\n');
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Block,
    Flow,
}

fn indent(out: &mut String, width: usize) {
    out.extend(std::iter::repeat_n(' ', width));
}

/// A block mapping at `level` (its keys start at that column). Assumes the cursor is at the
/// start of a line, or just after `- ` for the first key.
fn write_mapping(map: &Map<String, Value>, level: usize, out: &mut String) {
    for (idx, (key, value)) in map.iter().enumerate() {
        if idx > 0 {
            indent(out, level);
        }
        let key = scalar_string(key, Context::Block);
        if key.len() > IMPLICIT_KEY_LIMIT {
            // `? key` then `: value` on the next line: YAML's explicit key, which has no limit.
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, level);
        } else {
            out.push_str(&key);
        }
        out.push(':');
        write_value_after_key(value, level, out);
    }
}

/// What follows `key:` — an inline value on the same line, or a nested block on the next lines.
fn write_value_after_key(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            indent(out, level + 2);
            write_mapping(map, level + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            if let Some(flow) = flow_list(items) {
                out.push(' ');
                out.push_str(&flow);
                out.push('\n');
            } else {
                out.push('\n');
                indent(out, level + 2);
                write_sequence(items, level + 2, out);
            }
        }
        Value::String(text) if is_multiline(text) => {
            out.push(' ');
            write_literal_block(text, level + 2, out);
        }
        other => {
            out.push(' ');
            out.push_str(&inline_value(other, level, Context::Block));
            out.push('\n');
        }
    }
}

/// A block sequence at `level` (its dashes start at that column); the cursor is at that column.
fn write_sequence(items: &[Value], level: usize, out: &mut String) {
    for (idx, item) in items.iter().enumerate() {
        if idx > 0 {
            indent(out, level);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_mapping(map, level + 2, out),
            Value::Array(inner) if !inner.is_empty() => match flow_list(inner) {
                Some(flow) => {
                    out.push_str(&flow);
                    out.push('\n');
                }
                None => write_sequence(inner, level + 2, out),
            },
            Value::String(text) if is_multiline(text) => write_literal_block(text, level + 2, out),
            other => {
                out.push_str(&inline_value(other, level + 2, Context::Block));
                out.push('\n');
            }
        }
    }
}

/// `[a, b, c]` when every item is a short single-line scalar and the whole fits.
fn flow_list(items: &[Value]) -> Option<String> {
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(text) if is_multiline(text) => return None,
            Value::Object(_) | Value::Array(_) => return None,
            scalar => parts.push(inline_value(scalar, 0, Context::Flow)),
        }
    }
    let flow = format!("[{}]", parts.join(", "));
    (flow.len() <= FLOW_WIDTH).then_some(flow)
}

/// A scalar, or an empty collection, on one line.
fn inline_value(value: &Value, _level: usize, context: Context) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar_string(text, context),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        // Non-empty collections are never inline; callers handle them.
        other => double_quoted(&other.to_string()),
    }
}

fn is_multiline(text: &str) -> bool {
    text.contains('\n') && literal_block_safe(text)
}

/// Whether a multi-line string can be written as a literal block and read back unchanged:
/// only printable characters and tabs, no carriage return, no line that is only spaces before
/// the last line with text (block indentation detection would change it), and no leading
/// line break.
fn literal_block_safe(text: &str) -> bool {
    if text.starts_with('\n') || text.contains('\r') {
        return false;
    }
    if text
        .chars()
        .any(|c| c != '\n' && c != '\t' && !is_printable(c))
    {
        return false;
    }
    let trimmed = text.trim_end_matches('\n');
    // Trailing spaces at the very end of the content would be taken for indentation of the
    // following (empty) lines and lost.
    if trimmed.ends_with([' ', '\t']) {
        return false;
    }
    // A line made only of spaces would be read as an empty line (or as indentation) and
    // change; such strings are written double-quoted.
    !trimmed
        .lines()
        .any(|line| !line.is_empty() && line.trim().is_empty())
}

/// `|`, `|-` or `|+` with the right chomping, and an indentation indicator when the first line
/// starts with a space.
fn write_literal_block(text: &str, content_indent: usize, out: &mut String) {
    out.push('|');
    if text.starts_with(' ') {
        out.push('2');
    }
    let trailing = text.len() - text.trim_end_matches('\n').len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, content_indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// A string scalar in the simplest style that reads back as the same string.
fn scalar_string(text: &str, context: Context) -> String {
    if plain_safe(text, context) {
        text.to_owned()
    } else if let Some(quoted) = single_quoted(text) {
        quoted
    } else {
        double_quoted(text)
    }
}

/// Whether `text` can be written as a plain scalar in block context (a mapping value, a key or
/// a block sequence item) and be read back, by YAML 1.2 and by YAML 1.1 readers, as the same
/// string.
pub fn plain_is_safe(text: &str) -> bool {
    plain_safe(text, Context::Block)
}

/// `text` in single quotes, when single quotes can hold it (one line of printable characters,
/// no leading or trailing space).
pub fn single_quoted(text: &str) -> Option<String> {
    single_quote_safe(text).then(|| format!("'{}'", text.replace('\'', "''")))
}

fn is_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
        && c != '\u{FEFF}'
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

fn plain_safe(text: &str, context: Context) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !text.chars().all(is_printable) {
        return false;
    }
    if first.is_whitespace() || text.ends_with(char::is_whitespace) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-foo`, `?foo` and `:foo` are plain-able in YAML, but not worth the rules.
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if context == Context::Flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    if starts_a_word_with_a_bare_indicator(text) {
        return false;
    }
    if text.starts_with("---") || text.starts_with("...") {
        return false;
    }
    if text == "<<" {
        // A plain `<<` key is a merge key; quoted, it is the key `<<`.
        return false;
    }
    if not_a_string_in_yaml_1_1(text) {
        return false;
    }
    matches!(resolve_plain(text.to_owned()), (Value::String(_), None))
}

/// Whether a YAML 1.1 reader resolves the plain scalar `text` to something other than a string:
/// its booleans (`yes`, `No`, `ON`, `y`), its numbers with `_` separators, base 60 (`1:30`) and
/// binary (`0b101`), and the value key `=`. Erring on the side of quoting: any word made only of
/// digits, signs, dots, `_`, `:` and exponents that holds a digit counts as a number.
fn not_a_string_in_yaml_1_1(text: &str) -> bool {
    const BOOLEANS: [&str; 22] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if BOOLEANS.contains(&text) || text == "=" {
        return true;
    }
    if let Some(binary) = text.strip_prefix("0b").or_else(|| text.strip_prefix("-0b")) {
        return !binary.is_empty() && binary.bytes().all(|b| matches!(b, b'0' | b'1' | b'_'));
    }
    text.bytes().any(|b| b.is_ascii_digit())
        && text.bytes().all(|b| {
            b.is_ascii_digit() || matches!(b, b'_' | b':' | b'.' | b'+' | b'-' | b'e' | b'E')
        })
        && text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
}

/// Whether a word inside `text` is a lone `-`, `?` or `:` or one followed by a flow indicator
/// (`a -`, `a -]`). The YAML spec lets a plain scalar continue there, but saphyr's scanner reads
/// such a word as the start of a new token and rejects it, so the emitter quotes it.
fn starts_a_word_with_a_bare_indicator(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).enumerate().any(|(at, pair)| {
        matches!(pair[0], b' ' | b'\t')
            && matches!(pair[1], b'-' | b'?' | b':')
            && matches!(
                bytes.get(at + 2),
                None | Some(b',' | b'[' | b']' | b'{' | b'}')
            )
    })
}

fn single_quote_safe(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(is_printable)
        && !text.starts_with(' ')
        && !text.ends_with(' ')
}

/// A double-quoted scalar with JSON-compatible escapes (which are YAML escapes too).
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_yaml;
    use serde_json::json;

    fn round_trip(value: &Value) {
        let text = to_yaml(value);
        let parsed = parse_yaml(&text);
        assert!(parsed.problems.is_empty(), "{:?}\n{text}", parsed.problems);
        let back = parsed
            .documents
            .first()
            .map(|document| document.value.clone())
            .unwrap_or(Value::Null);
        assert_eq!(&back, value, "\n{text}");
        let keys = |v: &Value| serde_json::to_string(v).unwrap_or_default();
        assert_eq!(keys(&back), keys(value), "key order\n{text}");
    }

    #[test]
    fn idiomatic_output() {
        let value = json!({
            "workflow": "orders",
            "inputs": ["orderId", "express"],
            "tasks": [
                {"ref": "charge", "task": "charge_card", "input": {"orderId": "${workflow.input.orderId}"}},
                {"ref": "pause", "wait": "2s"},
                {"ref": "fork", "fork": [[{"ref": "a", "noop": {}}], [{"ref": "b", "noop": {}}]]}
            ],
            "output": {"ok": true}
        });
        let expected = "\
workflow: orders
inputs: [orderId, express]
tasks:
  - ref: charge
    task: charge_card
    input:
      orderId: ${workflow.input.orderId}
  - ref: pause
    wait: 2s
  - ref: fork
    fork:
      - - ref: a
          noop: {}
      - - ref: b
          noop: {}
output:
  ok: true
";
        assert_eq!(to_yaml(&value), expected);
        round_trip(&value);
    }

    #[test]
    fn strings_that_need_quotes() {
        for text in [
            "",
            " lead",
            "trail ",
            "<<",
            "true",
            "False",
            "null",
            "~",
            "123",
            "010",
            "0x1F",
            "1e3",
            ".inf",
            "-",
            "- item",
            "a: b",
            "a #b",
            "#c",
            "key:",
            "@x",
            "`x`",
            "'q'",
            "\"dq\"",
            "tab\there",
            "bell\u{7}",
            "---",
            "...",
            "{a}",
            "[a]",
            "*alias",
            "&anchor",
            "!tag",
            "%dir",
            "?q",
            ":c",
            "yes",
            "no",
            "on",
            "NO",
            "1_000",
            "1:30",
            "é ü 名前 😀",
            "\u{feff}bom",
            "a\u{2028}b",
            // Found by fuzz/yaml_emit_round_trip: an indicator after a space, then a flow
            // indicator or the end.
            "5 -",
            "a -]",
            "a ?",
            "a :",
            "a -,b",
            "a ?}",
            "a - b",
        ] {
            round_trip(&json!({ text: text, "list": [text, "x"] }));
        }
    }

    #[test]
    fn keys_longer_than_yaml_allows_inline() {
        let long = "k".repeat(1100);
        let quoted = format!("a: {}", "q".repeat(1100));
        round_trip(&json!({ "short": 1, long.clone(): "v", quoted.clone(): {"nested": [1, 2]} }));
        round_trip(&json!([{ long.clone(): ["x", {"y": "multi\nline\n"}], "after": true }]));
        round_trip(&json!({ "exact": { "k".repeat(1024): 1, "k".repeat(1025): 2 } }));
        assert!(to_yaml(&json!({ "short": 1 })).starts_with("short: 1"));
    }

    #[test]
    fn multi_line_strings() {
        for text in [
            "line one\nline two",
            "trailing newline\n",
            "two trailing\n\n",
            "  indented first\nsecond",
            "a\n\nb",
            "tab\tinside\nok",
            "with trailing space \nnext",
            "only spaces line\n   \nafter",
            "\nleading newline",
            "crlf\r\nline",
            "ends in spaces  ",
            "function f() {\n  return $.a + 1;\n}\nf();\n",
        ] {
            round_trip(&json!({ "script": text }));
            round_trip(&json!([text]));
            round_trip(&json!({ "nested": { "deeper": [{ "s": text }] } }));
        }
    }

    #[test]
    fn scalars_and_empties() {
        round_trip(&json!({
            "int": 42, "negative": -7, "float": 2.5e-3, "one": 1.0, "big": 9007199254740993u64,
            "exp": 1e300, "bool": false, "null": null, "empty_map": {}, "empty_list": [],
            "nested_empty": [[], {}, [[]]], "long_list": vec!["an item with several words"; 6],
        }));
        round_trip(&json!("just a string"));
        round_trip(&json!([]));
        round_trip(&json!({}));
        round_trip(&json!(null));
        round_trip(&json!([1, [2, [3, []]], {"a": [{}]}]));
    }

    #[test]
    fn corpus_files_round_trip() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if !corpus.is_dir() {
            eprintln!("skipping: no corpus at {}", corpus.display());
            return;
        }
        let mut stack = vec![corpus];
        let mut count = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    round_trip(&value);
                    count += 1;
                }
            }
        }
        assert!(count > 100);
    }

    #[test]
    fn generated_values_round_trip() {
        // A small deterministic generator of nested values with awkward strings.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let atoms = [
            "x",
            "true",
            "1",
            "a: b",
            " sp",
            "multi\nline",
            "multi\nline\n",
            "${a.b}",
            "'",
            "\"",
            "#",
            "-",
            "é",
            "",
            "  \n  x",
            "\t",
            "[x]",
            "null",
            "0o17",
            "1.5e3",
            "key: value\n",
        ];
        fn build(depth: u32, next: &mut dyn FnMut() -> u64, atoms: &[&str]) -> Value {
            let pick = next() % 7;
            if depth > 3 || pick < 3 {
                let atom = atoms[(next() % atoms.len() as u64) as usize];
                return match next() % 5 {
                    0 => json!(next() % 1000),
                    1 => json!(next().is_multiple_of(2)),
                    2 => Value::Null,
                    _ => json!(atom),
                };
            }
            if pick < 5 {
                let len = next() % 4;
                Value::Array((0..len).map(|_| build(depth + 1, next, atoms)).collect())
            } else {
                let len = next() % 4;
                let mut map = Map::new();
                for _ in 0..len {
                    let key = atoms[(next() % atoms.len() as u64) as usize];
                    map.insert(key.to_owned(), build(depth + 1, next, atoms));
                }
                Value::Object(map)
            }
        }
        for _ in 0..3000 {
            let value = build(0, &mut next, &atoms);
            round_trip(&value);
        }
    }
}
