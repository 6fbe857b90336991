//! YAML 1.2 core schema resolution of scalars.

use serde_json::{Value, json};

use super::{parse_checked, render_problems};

/// Parses `v: <scalar>` and compares the value of `v` (and the problems, one line each).
#[track_caller]
fn check(scalar: &str, expected: Value, expected_problems: &[&str]) {
    let text = format!("v: {scalar}\n");
    let parsed = parse_checked(&text);
    let value = parsed
        .documents
        .first()
        .map(|document| &document.value["v"]);
    assert_eq!(value, Some(&expected), "value of {scalar:?}");
    assert_eq!(
        render_problems(&text, &parsed.problems),
        expected_problems,
        "problems of {scalar:?}"
    );
}

#[test]
fn nulls() {
    for scalar in ["null", "Null", "NULL", "~", ""] {
        check(scalar, Value::Null, &[]);
    }
    for scalar in ["nULL", "none", "None", "nil"] {
        check(scalar, json!(scalar), &[]);
    }
}

#[test]
fn booleans_are_only_true_and_false() {
    for scalar in ["true", "True", "TRUE"] {
        check(scalar, json!(true), &[]);
    }
    for scalar in ["false", "False", "FALSE"] {
        check(scalar, json!(false), &[]);
    }
    // The Norway problem does not exist in YAML 1.2.
    for scalar in ["yes", "no", "on", "off", "NO", "Yes", "y", "n", "tRUE"] {
        check(scalar, json!(scalar), &[]);
    }
}

#[test]
fn integers() {
    let cases = [
        ("0", json!(0)),
        ("42", json!(42)),
        ("-17", json!(-17)),
        ("+17", json!(17)),
        ("010", json!(10)),
        ("-0", json!(0)),
        ("0o17", json!(15)),
        ("0x1F", json!(31)),
        ("0xff", json!(255)),
        ("9223372036854775807", json!(i64::MAX)),
        ("-9223372036854775808", json!(i64::MIN)),
        ("18446744073709551615", json!(u64::MAX)),
        ("0xFFFFFFFFFFFFFFFF", json!(u64::MAX)),
    ];
    for (scalar, expected) in cases {
        check(scalar, expected, &[]);
    }
    for scalar in [
        "1_000", "1:30", "0b101", "0o8", "0x", "0xG", "+0x1", "-0o7", "1 000", "12abc",
    ] {
        check(scalar, json!(scalar), &[]);
    }
}

#[test]
fn integers_out_of_range_are_problems_not_floats() {
    check(
        "18446744073709551616",
        json!("18446744073709551616"),
        &["integer `18446744073709551616` does not fit in 64 bits @ 1:4 `18446744073709551616`"],
    );
    check(
        "-9223372036854775809",
        json!("-9223372036854775809"),
        &["integer `-9223372036854775809` does not fit in 64 bits @ 1:4 `-9223372036854775809`"],
    );
    check(
        "0x10000000000000000",
        json!("0x10000000000000000"),
        &["integer `0x10000000000000000` does not fit in 64 bits @ 1:4 `0x10000000000000000`"],
    );
}

#[test]
fn floats() {
    let cases = [
        ("1.5", json!(1.5)),
        ("-1.5", json!(-1.5)),
        ("+.5", json!(0.5)),
        (".5", json!(0.5)),
        ("1.", json!(1.0)),
        ("1e3", json!(1000.0)),
        ("1E-3", json!(0.001)),
        ("2.5e+2", json!(250.0)),
        ("0.0", json!(0.0)),
    ];
    for (scalar, expected) in cases {
        check(scalar, expected, &[]);
    }
    for scalar in ["1.2.3", "e3", "1e", ".", "-.", "1,5", "1.5f", "0x1.8"] {
        check(scalar, json!(scalar), &[]);
    }
}

#[test]
fn infinity_and_nan_are_not_representable() {
    for scalar in [
        ".inf", ".Inf", ".INF", "-.inf", "+.INF", ".nan", ".NaN", ".NAN",
    ] {
        let problem = format!("`{scalar}` cannot be represented in JSON @ 1:4 `{scalar}`");
        check(scalar, json!(scalar), &[problem.as_str()]);
    }
    check(
        "1e400",
        json!("1e400"),
        &["`1e400` cannot be represented in JSON @ 1:4 `1e400`"],
    );
    // Not core-schema spellings: plain strings.
    for scalar in [".iNf", "inf", "nan", "-.nan", "infinity"] {
        check(scalar, json!(scalar), &[]);
    }
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    check("'true'", json!("true"), &[]);
    check("\"42\"", json!("42"), &[]);
    check("\"null\"", json!("null"), &[]);
    check("''", json!(""), &[]);
    check("|\n  42\n", json!("42\n"), &[]);
    check(">-\n  true\n", json!("true"), &[]);
    check("'.inf'", json!(".inf"), &[]);
}

#[test]
fn core_tags_are_honoured() {
    let cases = [
        ("!!str 42", json!("42")),
        ("!!str true", json!("true")),
        ("!!str", json!("")),
        ("!!int \"42\"", json!(42)),
        ("!!int 0x10", json!(16)),
        ("!!float 1", json!(1.0)),
        ("!!float '2.5'", json!(2.5)),
        ("!!bool 'true'", json!(true)),
        ("!!null ''", Value::Null),
        ("!!null", Value::Null),
        ("!<tag:yaml.org,2002:str> 7", json!("7")),
        ("! 42", json!("42")),
        ("&anchor !!str 5", json!("5")),
    ];
    for (scalar, expected) in cases {
        check(scalar, expected, &[]);
    }
    check("!!map {a: 1}", json!({"a": 1}), &[]);
    check("!!seq [1]", json!([1]), &[]);
}

#[test]
fn wrong_and_unsupported_tags_are_problems() {
    check(
        "!!int abc",
        json!("abc"),
        &["`abc` is not a valid `!!int` value @ 1:10 `abc`"],
    );
    check(
        "!!bool yes",
        json!("yes"),
        &["`yes` is not a valid `!!bool` value @ 1:11 `yes`"],
    );
    check(
        "!!float .inf",
        json!(".inf"),
        &["`.inf` cannot be represented in JSON @ 1:12 `.inf`"],
    );
    check(
        "!!null x",
        json!("x"),
        &["`x` is not a valid `!!null` value @ 1:11 `x`"],
    );
    check(
        "!custom 5",
        json!(5),
        &["unsupported tag `!custom` @ 1:4 `!custom`"],
    );
    check(
        "!!timestamp 2001-12-14",
        json!("2001-12-14"),
        &["unsupported tag `!!timestamp` @ 1:4 `!!timestamp`"],
    );
    check(
        "!!map 5",
        json!(5),
        &["tag `!!map` cannot be used on a scalar @ 1:4 `!!map`"],
    );
    check(
        "!!seq {a: 1}",
        json!({"a": 1}),
        &["tag `!!seq` cannot be used on a mapping @ 1:4 `!!seq`"],
    );
    check(
        "!!str [1]",
        json!([1]),
        &["tag `!!str` cannot be used on a sequence @ 1:4 `!!str`"],
    );
}

#[test]
fn keys_are_the_scalar_text() {
    let parsed = parse_checked("1: a\ntrue: b\nnull: c\n~: d\n0x10: e\n'q': f\n");
    assert_eq!(
        parsed.documents[0].value,
        json!({"1": "a", "true": "b", "null": "c", "~": "d", "0x10": "e", "q": "f"})
    );
}
