//! JSON values written as YAML, for the examples in the reference and the catalogue.
//!
//! Block style for mappings and lists, plain scalars where YAML 1.2 (and 1.1 readers) would read
//! them back as the same string, and JSON-style double quotes otherwise (a JSON string is a
//! valid YAML double-quoted scalar). A test reads every emitted example back with the project's
//! own YAML loader.

use serde_json::Value;

/// `key: value` as YAML lines (no trailing newline).
pub fn key_value(key: &str, value: &Value) -> String {
    let mut out = String::new();
    write_entry(&mut out, 0, key, value);
    out.trim_end_matches('\n').to_owned()
}

/// A value as a YAML document (no trailing newline).
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                write_entry(&mut out, 0, key, child);
            }
        }
        Value::Array(items) if !items.is_empty() => write_items(&mut out, 0, items),
        scalar => out.push_str(&inline(scalar)),
    }
    out.trim_end_matches('\n').to_owned()
}

fn write_entry(out: &mut String, indent: usize, key: &str, value: &Value) {
    let pad = " ".repeat(indent);
    let key = scalar_string(key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (child_key, child) in map {
                write_entry(out, indent + 2, child_key, child);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            write_items(out, indent + 2, items);
        }
        scalar => out.push_str(&format!("{pad}{key}: {}\n", inline(scalar))),
    }
}

fn write_items(out: &mut String, indent: usize, items: &[Value]) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry goes on the dash line; the rest line up under it.
                let mut nested = String::new();
                for (key, child) in map {
                    write_entry(&mut nested, indent + 2, key, child);
                }
                let body = nested.get(indent + 2..).unwrap_or_default();
                out.push_str(&format!("{pad}- {body}"));
            }
            Value::Array(inner) if !inner.is_empty() => {
                // `- - a` for a list in a list, the inner list lined up under its first item.
                let mut nested = String::new();
                write_items(&mut nested, indent + 2, inner);
                let body = nested.get(indent + 2..).unwrap_or_default();
                out.push_str(&format!("{pad}- {body}"));
            }
            scalar => out.push_str(&format!("{pad}- {}\n", inline(scalar))),
        }
    }
}

/// A value on one line: a scalar, or an empty mapping or list.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar_string(text),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        // Non-empty collections are written in block style by the callers; JSON flow style is
        // valid YAML should one reach here.
        other => other.to_string(),
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
fn scalar_string(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        Value::from(text).to_string()
    }
}

/// Words that YAML 1.2 or 1.1 readers take for something other than a string.
const RESERVED: [&str; 17] = [
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ".nan", ".inf", "-.inf",
    "+.inf", "<<", "=", "",
];

fn is_plain_safe(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return false;
    }
    let Some(first) = text.chars().next() else {
        return false;
    };
    // Text that starts like a number and holds only what numbers, dates and times are made of
    // (`3`, `1.5e3`, `0x1F`, `2024-01-31`, `12:30`) is quoted; `5s` or `1h 30m` stay plain.
    let numeric_looking = text
        .chars()
        .all(|c| c.is_ascii_hexdigit() || "+-.:_ TtZzXxOo".contains(c));
    if (first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) && numeric_looking {
        return false;
    }
    if "?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        return false;
    }
    if text.ends_with(' ') || text.ends_with(':') {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.contains('\t') {
        return false;
    }
    text.chars().all(|c| !c.is_control() && c != '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_back(yaml: &str) -> Value {
        let parsed = conductor_source::yaml::parse_yaml(yaml);
        assert!(parsed.problems.is_empty(), "{yaml}: {:?}", parsed.problems);
        parsed
            .documents
            .into_iter()
            .next()
            .expect("one document")
            .value
    }

    #[test]
    fn round_trips_through_the_loader() {
        let values = [
            json!({"orderId": "${workflow.input.orderId}", "n": 3, "ok": true}),
            json!({"list": ["a", "b", {"c": 1, "d": [1, 2]}], "empty": {}, "none": []}),
            json!({"tricky": ["true", "no", "3", "1.5", "-x", "a: b", "a #b", "#c", "", " x",
                "x ", "line\nbreak", "tab\tx", "\"q\"", "'s'", "*a", "&a", "!t", "%p", "@a",
                "`b`", "{x}", "[y]", "2024-01-31", "~", "null", "é ü 日本", "key:", "?"]}),
            json!([[1, 2], {"a": {"b": {"c": "d"}}}, null, 1.5]),
            json!({"fork": [[{"ref": "a", "task": "b"}, {"ref": "c"}], [[1, [2, 3]]]]}),
            json!("scalar"),
        ];
        for value in values {
            let yaml = document(&value);
            assert_eq!(read_back(&yaml), value, "{yaml}");
        }
    }

    #[test]
    fn key_values_are_block_style() {
        assert_eq!(key_value("timeout", &json!("2h")), "timeout: 2h");
        assert_eq!(
            key_value("retry", &json!({"count": 3, "delay": "5s"})),
            "retry:\n  count: 3\n  delay: 5s"
        );
        assert_eq!(
            key_value("inputs", &json!(["orderId", "express"])),
            "inputs:\n  - orderId\n  - express"
        );
        let yaml = key_value("weird key", &json!({"true": [{"ref": "a", "task": "b"}]}));
        assert_eq!(
            read_back(&yaml),
            json!({"weird key": {"true": [{"ref": "a", "task": "b"}]}})
        );
    }
}
