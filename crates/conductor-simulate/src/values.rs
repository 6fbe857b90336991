//! How the server turns values into text: Java's `toString` of the Jackson-read value, which is
//! what an expression embedded in a longer string becomes (contract §6.4), and what a SWITCH
//! compares with its case names.

use serde_json::{Number, Value};

/// Java's `toString` of a JSON value as Jackson reads it: `{a=1, b=[x, y]}` for a map, not
/// JSON; `null` for null.
pub fn java_string(value: &Value) -> String {
    let mut out = String::new();
    write_java(value, &mut out);
    out
}

fn write_java(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&java_number(number)),
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_java(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                write_java(item, out);
            }
            out.push('}');
        }
    }
}

/// An integer as Java prints an Integer or Long; a decimal as `Double.toString` does (`1.0`,
/// `1.0E10` from ten million up and below one thousandth).
fn java_number(number: &Number) -> String {
    if let Some(integer) = number.as_i64() {
        return integer.to_string();
    }
    if let Some(integer) = number.as_u64() {
        return integer.to_string();
    }
    let float = number.as_f64().unwrap_or(0.0);
    if float == 0.0 {
        return "0.0".to_owned();
    }
    let magnitude = float.abs();
    if (1e-3..1e7).contains(&magnitude) {
        let text = float.to_string();
        return if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        };
    }
    let exponent = magnitude.log10().floor() as i32;
    let mantissa = float / 10f64.powi(exponent);
    let mut mantissa_text = mantissa.to_string();
    if !mantissa_text.contains('.') {
        mantissa_text.push_str(".0");
    }
    format!("{mantissa_text}E{exponent}")
}

/// Conductor's `toBoolean` for script results: a boolean as it is, a number when above zero,
/// anything else false (contract §6.12).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n > 0.0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_print_as_java_prints_them() {
        assert_eq!(
            java_string(&json!({"a": 1, "b": [1, "x"]})),
            "{a=1, b=[1, x]}"
        );
        assert_eq!(java_string(&json!(null)), "null");
        assert_eq!(java_string(&json!(1.5)), "1.5");
        assert_eq!(java_string(&json!(2.0)), "2.0");
        assert_eq!(java_string(&json!(12345678.0)), "1.2345678E7");
        assert!(truthy(&json!(2)) && !truthy(&json!(0)) && !truthy(&json!("true")));
    }
}
