//! Problems: duplicate keys, complex and merge keys, aliases, depth, syntax errors.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{parse_checked, render_problems};
use crate::yaml::{ALIAS_NODE_BUDGET, MAX_DEPTH, YamlProblemKind};

/// Parses `text` and compares the problems, one line each (message, position, text, related).
#[track_caller]
fn check(text: &str, expected: &[&str]) {
    let parsed = parse_checked(text);
    assert_eq!(
        render_problems(text, &parsed.problems),
        expected,
        "problems of {text:?}"
    );
}

#[test]
fn duplicate_keys_report_both_spans_and_keep_the_first_value() {
    let text = "name: a\ntype: HTTP\nname: b\nnested: {x: 1, 'x': 2}\n";
    check(
        text,
        &[
            "duplicate key `name` @ 3:1 `name` (first defined here @ 1:1 `name`)",
            "duplicate key `x` @ 4:16 `\\'x\\'` (first defined here @ 4:10 `x`)",
        ],
    );
    let parsed = parse_checked(text);
    assert_eq!(
        parsed.documents[0].value,
        json!({"name": "a", "type": "HTTP", "nested": {"x": 1}})
    );
}

#[test]
fn complex_keys_are_rejected_and_dropped() {
    let text = "? [a, b]\n: 1\n{x: 1}: 2\nok: 3\n";
    check(
        text,
        &[
            "a mapping key must be a scalar @ 1:3 `[a, b]`",
            "a mapping key must be a scalar @ 3:1 `{x: 1}`",
        ],
    );
    assert_eq!(parse_checked(text).documents[0].value, json!({"ok": 3}));
}

#[test]
fn merge_keys_are_reported_and_kept_literally() {
    let text = "base: &b {a: 1}\nx:\n  <<: *b\ny:\n  '<<': quoted is fine\n";
    check(text, &["merge keys (`<<`) are not supported @ 3:3 `<<`"]);
    assert_eq!(
        parse_checked(text).documents[0].value,
        json!({"base": {"a": 1}, "x": {"<<": {"a": 1}}, "y": {"<<": "quoted is fine"}})
    );
}

#[test]
fn unknown_anchor() {
    check("a: *nope\n", &["unknown anchor `nope` @ 1:4 `*nope`"]);
    // Anchors do not cross documents.
    check("a: &x 1\n---\nb: *x\n", &["unknown anchor `x` @ 3:4 `*x`"]);
}

#[test]
fn recursive_alias() {
    check(
        "a: &r [1, *r]\n",
        &[
            "alias `*r` is inside the node its anchor defines @ 1:11 `*r` (anchor defined here @ 1:4 `&r`)",
        ],
    );
    assert_eq!(
        parse_checked("a: &r [1, *r]\n").documents[0].value,
        json!({"a": [1, null]})
    );
}

#[test]
fn billion_laughs_stops_at_the_alias_budget() {
    let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let refs = vec![format!("*l{}", level - 1); 9].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let started = Instant::now();
    let parsed = parse_checked(&text);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let budget: Vec<_> = parsed
        .problems
        .iter()
        .filter(|problem| problem.kind == YamlProblemKind::AliasBudgetExceeded)
        .collect();
    assert_eq!(budget.len(), 1, "reported once");
    assert_eq!(
        parsed.problems[0].kind.message(),
        format!(
            "aliases expand to more than this tool reads from one file ({ALIAS_NODE_BUDGET} nodes, or about 6 MB of text)"
        )
    );
}

#[test]
fn aliases_to_long_text_and_across_documents_are_budgeted_in_bytes() {
    // 40 KB of text aliased 2,000 times would be 80 MB of copies: the budget stops it.
    let long = "x".repeat(40_000);
    let text = format!("a: &a {long}\nb: [{}]\n", vec!["*a"; 2_000].join(", "));
    let parsed = parse_checked(&text);
    assert!(
        parsed
            .problems
            .iter()
            .any(|problem| problem.kind == YamlProblemKind::AliasBudgetExceeded),
        "{:?}",
        parsed.problems.first()
    );
    // Many documents each under the budget add up: the budget is per file.
    let document = format!(
        "a: &a [{}]\nb: [{}]\n",
        vec!["1"; 100].join(", "),
        vec!["*a"; 200].join(", ")
    );
    let text = vec![document; 10].join("---\n");
    let parsed = parse_checked(&text);
    assert!(
        parsed
            .problems
            .iter()
            .any(|problem| problem.kind == YamlProblemKind::AliasBudgetExceeded)
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_reported_without_overflow() {
    let deep_block = format!("{}x\n", "- ".repeat(MAX_DEPTH + 50));
    let parsed = parse_checked(&deep_block);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].kind, YamlProblemKind::TooDeep);

    // saphyr allows 255 levels of flow collections; start them inside block collections.
    let deep_flow = format!("{}{}{}", "- ".repeat(10), "[".repeat(250), "]".repeat(250));
    let parsed = parse_checked(&deep_flow);
    assert_eq!(
        render_problems(&deep_flow, &parsed.problems),
        [format!(
            "nesting is deeper than {MAX_DEPTH} levels @ 1:{} `[`",
            20 + MAX_DEPTH - 10 + 1
        )]
    );

    let mut deep_map = String::new();
    for level in 0..MAX_DEPTH + 10 {
        deep_map.push_str(&" ".repeat(level));
        deep_map.push_str("k:\n");
    }
    let parsed = parse_checked(&deep_map);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].kind, YamlProblemKind::TooDeep);

    // Very deep flow nesting stops at saphyr's own limit.
    let very_deep = "[".repeat(100_000);
    assert_eq!(
        render_problems(&very_deep, &parse_checked(&very_deep).problems),
        ["flow collections are nested too deeply @ 1:256 `[`"]
    );
}

#[test]
fn aliases_cannot_exceed_the_depth_limit() {
    let half = MAX_DEPTH / 2 + 10;
    let text = format!(
        "a: &a {}{}\nb: {}*a{}\n",
        "[".repeat(half),
        "]".repeat(half),
        "[".repeat(half),
        "]".repeat(half)
    );
    let parsed = parse_checked(&text);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].kind, YamlProblemKind::TooDeep);
}

#[test]
fn syntax_errors_point_at_the_position_and_keep_earlier_documents() {
    check(
        "a: 1\nb: [1, 2\n",
        &["expected `,` or `]` in a flow sequence @ 3:1 ``"],
    );
    check(
        "a: b: c\n",
        &["unexpected `:`, a mapping value is not allowed here @ 1:5 `:`"],
    );
    check(
        "key: \"unterminated\n",
        &["unterminated quoted string @ 1:6 `\\\"`"],
    );
    check(
        "é: 1\n  bad: 2\n",
        &["unexpected `:`, a mapping value is not allowed here @ 2:6 `:`"],
    );
    check(
        "a: \"\\q\"\n",
        &["unknown escape sequence in a double-quoted string @ 1:4 `\\\"`"],
    );
    let text = "first: 1\n---\nsecond: [\n";
    let parsed = parse_checked(text);
    assert_eq!(parsed.documents.len(), 1);
    assert_eq!(parsed.documents[0].value, json!({"first": 1}));
    assert_eq!(parsed.problems.len(), 1);
}

#[test]
fn problem_messages_and_help() {
    let kind = YamlProblemKind::NotRepresentable {
        text: ".inf".to_owned(),
    };
    assert_eq!(kind.message(), "`.inf` cannot be represented in JSON");
    assert_eq!(
        kind.help().as_deref(),
        Some("quote the value to keep it as a string")
    );
    let kind = YamlProblemKind::DuplicateKey {
        key: "name".to_owned(),
    };
    assert_eq!(kind.message(), "duplicate key `name`");
}

#[test]
fn syntax_messages_are_reworded() {
    check(
        "a:\n\t- b\n",
        &["tabs cannot be used for indentation @ 2:2 `-`"],
    );
    check("a: @x\n", &["unexpected character `@` @ 1:4 `@`"]);
    check(
        "a: &\n",
        &["expected an anchor name after `&` or `*` @ 1:4 `&`"],
    );
    check(
        "a: | x\n  y\n",
        &["unexpected text after a block scalar indicator @ 1:4 `|`"],
    );
}

#[test]
fn non_ascii_directives_stop_the_parse() {
    // saphyr miscounts their positions; spans after them would be wrong.
    check(
        "%FOO é\n---\na: b\n",
        &["a directive (`%`) with non-ASCII characters is not supported @ 1:1 ``"],
    );
    assert!(parse_checked("%FOO é\n---\na: b\n").documents.is_empty());
    check("%YAML 1.2\n---\na: é\n", &[]);
}

#[test]
fn anchored_keys_and_alias_keys() {
    let text = "&a a: &b b\n*a : *b\nc: *a\n";
    check(
        text,
        &["duplicate key `a` @ 2:1 `*a` (first defined here @ 1:4 `a`)"],
    );
    assert_eq!(
        parse_checked(text).documents[0].value,
        json!({"a": "b", "c": "a"})
    );
}
