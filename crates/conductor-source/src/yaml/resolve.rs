//! YAML 1.2 core schema: what JSON value a scalar stands for (YAML 1.2.2 §10.3.2).
//!
//! Only plain scalars are resolved; quoted and block scalars are strings. The core tags
//! (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`) force a type on any scalar.

use serde_json::Value;

use super::problem::YamlProblemKind;

/// The core tags, as the suffix of `tag:yaml.org,2002:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Map,
    Seq,
}

/// The meaning of a tag written on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagKind {
    Core(CoreTag),
    /// `!`, the non-specific tag: a scalar written with it is a string (YAML 1.2.2 §6.9.1).
    NonSpecific,
    Unsupported,
}

pub(crate) fn classify_tag(handle: &str, suffix: &str) -> TagKind {
    let core_suffix = if handle == "tag:yaml.org,2002:" {
        Some(suffix)
    } else if handle.is_empty() {
        // A verbatim tag (`!<tag:yaml.org,2002:str>`) arrives with an empty handle; `!` alone
        // arrives as an empty handle and the suffix `!`.
        if suffix == "!" {
            return TagKind::NonSpecific;
        }
        suffix.strip_prefix("tag:yaml.org,2002:")
    } else {
        None
    };
    match core_suffix {
        Some("str") => TagKind::Core(CoreTag::Str),
        Some("int") => TagKind::Core(CoreTag::Int),
        Some("float") => TagKind::Core(CoreTag::Float),
        Some("bool") => TagKind::Core(CoreTag::Bool),
        Some("null") => TagKind::Core(CoreTag::Null),
        Some("map") => TagKind::Core(CoreTag::Map),
        Some("seq") => TagKind::Core(CoreTag::Seq),
        _ => TagKind::Unsupported,
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn is_infinity_or_nan(text: &str) -> bool {
    let unsigned = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN")
}

fn all_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// An integer of the core schema: `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
enum IntSyntax<'a> {
    Decimal(&'a str),
    Radix(&'a str, u32),
}

fn int_syntax(text: &str) -> Option<IntSyntax<'_>> {
    if let Some(octal) = text.strip_prefix("0o") {
        return all_digits(octal, 8).then_some(IntSyntax::Radix(octal, 8));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return all_digits(hex, 16).then_some(IntSyntax::Radix(hex, 16));
    }
    let unsigned = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    all_digits(unsigned, 10).then_some(IntSyntax::Decimal(text))
}

/// The JSON number for an integer, or `None` when it fits neither `i64` nor `u64`.
fn int_value(syntax: &IntSyntax<'_>) -> Option<Value> {
    match *syntax {
        IntSyntax::Decimal(text) => {
            if let Ok(int) = text.parse::<i64>() {
                return Some(Value::from(int));
            }
            let unsigned = text.strip_prefix('+').unwrap_or(text);
            unsigned.parse::<u64>().ok().map(Value::from)
        }
        IntSyntax::Radix(digits, radix) => u64::from_str_radix(digits, radix).ok().map(Value::from),
    }
}

/// Whether `text` matches `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut idx = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        idx += 1;
    }
    let int_start = idx;
    while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
        idx += 1;
    }
    let int_digits = idx - int_start;
    let mut frac_digits = 0;
    if bytes.get(idx) == Some(&b'.') {
        idx += 1;
        let frac_start = idx;
        while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
            idx += 1;
        }
        frac_digits = idx - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(bytes.get(idx), Some(b'e' | b'E')) {
        idx += 1;
        if matches!(bytes.get(idx), Some(b'-' | b'+')) {
            idx += 1;
        }
        let exp_start = idx;
        while bytes.get(idx).is_some_and(u8::is_ascii_digit) {
            idx += 1;
        }
        if idx == exp_start {
            return false;
        }
    }
    idx == bytes.len()
}

/// The JSON number for a float literal whose syntax was checked; `None` if it is not finite.
fn float_value(text: &str) -> Option<Value> {
    let float = text.parse::<f64>().ok()?;
    serde_json::Number::from_f64(float).map(Value::Number)
}

/// The outcome of resolving a scalar: its JSON value and, when the text cannot be what it
/// claims to be, a problem (the value is then the text as a string).
pub(crate) type Resolution = (Value, Option<YamlProblemKind>);

fn out_of_range(text: String) -> Resolution {
    let kind = YamlProblemKind::IntegerOutOfRange { text: text.clone() };
    (Value::String(text), Some(kind))
}

fn not_representable(text: String) -> Resolution {
    let kind = YamlProblemKind::NotRepresentable { text: text.clone() };
    (Value::String(text), Some(kind))
}

/// Resolves a plain scalar without a tag.
pub(crate) fn resolve_plain(text: String) -> Resolution {
    // Fast exit: only these first bytes can start a null, a bool or a number.
    match text.as_bytes().first() {
        None => return (Value::Null, None),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F') => {
        }
        Some(_) => return (Value::String(text), None),
    }
    if is_null(&text) {
        return (Value::Null, None);
    }
    if let Some(bool) = as_bool(&text) {
        return (Value::Bool(bool), None);
    }
    resolve_number(text).unwrap_or_else(|text| (Value::String(text), None))
}

/// Resolves `text` as an integer or a float; gives the text back if it is neither.
fn resolve_number(text: String) -> Result<Resolution, String> {
    if let Some(syntax) = int_syntax(&text) {
        return Ok(match int_value(&syntax) {
            Some(value) => (value, None),
            None => out_of_range(text),
        });
    }
    if is_float_syntax(&text) {
        return Ok(match float_value(&text) {
            Some(value) => (value, None),
            None => not_representable(text),
        });
    }
    if is_infinity_or_nan(&text) {
        return Ok(not_representable(text));
    }
    Err(text)
}

/// Resolves a scalar of any style written with a core tag. `tag_text` is the tag as written,
/// for messages.
pub(crate) fn resolve_tagged(text: String, tag: CoreTag, tag_text: &str) -> Resolution {
    let invalid = |text: String| {
        let kind = YamlProblemKind::InvalidTaggedValue {
            tag: tag_text.to_owned(),
            text: text.clone(),
        };
        (Value::String(text), Some(kind))
    };
    match tag {
        CoreTag::Str => (Value::String(text), None),
        CoreTag::Null if is_null(&text) => (Value::Null, None),
        CoreTag::Bool => match as_bool(&text) {
            Some(bool) => (Value::Bool(bool), None),
            None => invalid(text),
        },
        CoreTag::Int => match int_syntax(&text) {
            Some(syntax) => match int_value(&syntax) {
                Some(value) => (value, None),
                None => out_of_range(text),
            },
            None => invalid(text),
        },
        CoreTag::Float => {
            if int_syntax(&text).is_some() || is_float_syntax(&text) {
                // `!!float 1` is the float 1.0; decimal digits only, as for floats.
                let decimal = match text.strip_prefix("0o").or_else(|| text.strip_prefix("0x")) {
                    Some(_) => int_syntax(&text)
                        .as_ref()
                        .and_then(int_value)
                        .and_then(|value| value.as_f64())
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number),
                    None => float_value(&text),
                };
                match decimal {
                    Some(value) => (value, None),
                    None => not_representable(text),
                }
            } else if is_infinity_or_nan(&text) {
                not_representable(text)
            } else {
                invalid(text)
            }
        }
        CoreTag::Null | CoreTag::Map | CoreTag::Seq => invalid(text),
    }
}
