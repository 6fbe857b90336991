//! The span tree: spans of every kind of node, documents, aliases, non-ASCII text.

use serde_json::json;

use super::{parse_checked, render_problems, render_tree};

/// Parses `text` and compares the outline of every document's tree, documents separated by
/// `---`.
#[track_caller]
fn check(text: &str, expected: &str) {
    let parsed = parse_checked(text);
    assert_eq!(
        render_problems(text, &parsed.problems),
        Vec::<String>::new()
    );
    let outline: Vec<String> = parsed
        .documents
        .iter()
        .map(|document| render_tree(text, &document.root))
        .collect();
    let outline = outline.join("---\n");
    assert_eq!(outline.trim_end(), expected.trim(), "outline of {text:?}");
}

#[test]
fn block_mapping_spans_from_first_child_to_last_child() {
    check(
        "# comment\nname: demo\nversion: 2\n\n# trailing\n",
        r"
map 2:1 `name: demo\nversion: 2`
  key 2:1 `name`
    Plain 2:7 `demo`
  key 3:1 `version`
    Plain 3:10 `2`
",
    );
}

#[test]
fn nested_block_collections() {
    check(
        "tasks:\n  - name: a\n    type: HTTP\n  - b\n",
        r"
map 1:1 `tasks:\n  - name: a\n    type: HTTP\n  - b`
  key 1:1 `tasks`
    seq 2:5 `name: a\n    type: HTTP\n  - b`
      map 2:5 `name: a\n    type: HTTP`
        key 2:5 `name`
          Plain 2:11 `a`
        key 3:5 `type`
          Plain 3:11 `HTTP`
      Plain 4:5 `b`
",
    );
}

#[test]
fn flow_collections_include_brackets() {
    check(
        "a: [1, {b: c}, [ ]]\nd: {e: f, g: h}   # c\n",
        r"
map 1:1 `a: [1, {b: c}, [ ]]\nd: {e: f, g: h}`
  key 1:1 `a`
    seq 1:4 `[1, {b: c}, [ ]]`
      Plain 1:5 `1`
      map 1:8 `{b: c}`
        key 1:9 `b`
          Plain 1:12 `c`
      seq 1:16 `[ ]`
  key 2:1 `d`
    map 2:4 `{e: f, g: h}`
      key 2:5 `e`
        Plain 2:8 `f`
      key 2:11 `g`
        Plain 2:14 `h`
",
    );
}

#[test]
fn quoted_scalar_spans_include_quotes_but_not_trailing_comments() {
    check(
        "a: \"x y\"   # comment\nb: 'it''s'\nc: \"multi\n  line\"  \n",
        r#"
map 1:1 `a: \"x y\"   # comment\nb: \'it\'\'s\'\nc: \"multi\n  line\"`
  key 1:1 `a`
    DoubleQuoted 1:4 `\"x y\"`
  key 2:1 `b`
    SingleQuoted 2:4 `\'it\'\'s\'`
  key 3:1 `c`
    DoubleQuoted 3:4 `\"multi\n  line\"`
"#,
    );
}

#[test]
fn properties_are_not_part_of_scalar_spans() {
    check(
        "a: &x !!str 12\nb: !!int\n  7\nc: &y\n  \"q\"\n",
        r#"
map 1:1 `a: &x !!str 12\nb: !!int\n  7\nc: &y\n  \"q\"`
  key 1:1 `a`
    Plain 1:13 `12`
  key 2:1 `b`
    Plain 3:3 `7`
  key 4:1 `c`
    DoubleQuoted 5:3 `\"q\"`
"#,
    );
}

#[test]
fn multi_line_plain_scalar() {
    check(
        "k: one\n  two\n\n  three   \nnext: 1\n",
        r"
map 1:1 `k: one\n  two\n\n  three   \nnext: 1`
  key 1:1 `k`
    Plain 1:4 `one\n  two\n\n  three`
  key 5:1 `next`
    Plain 5:7 `1`
",
    );
}

#[test]
fn block_scalar_spans_cover_the_content() {
    check(
        "a: |\n  line 1\n    line 2\n\n\nb: >-  # folded\n\n  f\n  g\nc: &k !!str |2\n   x\nd: |\ne: |+\n\nf: 1\n",
        r"
map 1:1 `a: |\n  line 1\n    line 2\n\n\nb: >-  # folded\n\n  f\n  g\nc: &k !!str |2\n   x\nd: |\ne: |+\n\nf: 1`
  key 1:1 `a`
    Literal 2:3 `line 1\n    line 2`
  key 6:1 `b`
    Folded 8:3 `f\n  g`
  key 10:1 `c`
    Literal 11:3 ` x`
  key 12:1 `d`
    Literal 12:4 `|`
  key 13:1 `e`
    Literal 13:4 `|+`
  key 15:1 `f`
    Plain 15:4 `1`
",
    );
}

#[test]
fn empty_values_are_zero_width_after_the_colon() {
    check(
        "a:\nb:   # nothing\nc: [x, ]\n",
        r"
map 1:1 `a:\nb:   # nothing\nc: [x, ]`
  key 1:1 `a`
    Plain 1:3 ``
  key 2:1 `b`
    Plain 2:3 ``
  key 3:1 `c`
    seq 3:4 `[x, ]`
      Plain 3:5 `x`
",
    );
}

#[test]
fn aliases_copy_the_anchored_node_with_the_alias_site_as_span() {
    let text = "base: &b\n  type: HTTP\n  retry: 3\nuses:\n  - *b\n  - &s str\n  - *s\n";
    check(
        text,
        r"
map 1:1 `base: &b\n  type: HTTP\n  retry: 3\nuses:\n  - *b\n  - &s str\n  - *s`
  key 1:1 `base`
    map 2:3 `type: HTTP\n  retry: 3`
      key 2:3 `type`
        Plain 2:9 `HTTP`
      key 3:3 `retry`
        Plain 3:10 `3`
  key 4:1 `uses`
    seq 5:5 `*b\n  - &s str\n  - *s`
      map 5:5 `*b` alias of 2:3 `type: HTTP\n  retry: 3`
        key 2:3 `type`
          Plain 2:9 `HTTP`
        key 3:3 `retry`
          Plain 3:10 `3`
      Plain 6:8 `str`
      Plain 7:5 `*s` alias of 6:8 `str`
",
    );
    let parsed = parse_checked(text);
    assert_eq!(
        parsed.documents[0].value["uses"],
        json!([{"type": "HTTP", "retry": 3}, "str", "str"])
    );
}

#[test]
fn alias_as_a_key_uses_the_scalar_text() {
    let parsed = parse_checked("- &k name\n- {*k : v}\n");
    assert_eq!(parsed.documents[0].value, json!(["name", {"name": "v"}]));
}

#[test]
fn multiple_documents() {
    check(
        "a: 1\n---\n--- # empty\n...\n---\n- x\n",
        r"
map 1:1 `a: 1`
  key 1:1 `a`
    Plain 1:4 `1`
---
Plain 2:4 ``
---
Plain 3:4 ``
---
seq 6:3 `x`
  Plain 6:3 `x`
",
    );
    let parsed = parse_checked("a: 1\n---\n--- # empty\n...\n---\n- x\n");
    let values: Vec<_> = parsed.documents.iter().map(|d| d.value.clone()).collect();
    assert_eq!(
        values,
        [json!({"a": 1}), json!(null), json!(null), json!(["x"])]
    );
    let text = "a: 1\n---\nb\n";
    let spans: Vec<_> = parse_checked(text)
        .documents
        .iter()
        .map(|document| &text[document.span.clone()])
        .map(str::to_owned)
        .collect();
    assert_eq!(spans, ["a: 1", "---\nb"]);
}

#[test]
fn empty_and_comment_only_texts_have_no_document() {
    for text in ["", "\n\n", "# just a comment\n", "  # indented\n# two\n"] {
        let parsed = parse_checked(text);
        assert!(parsed.documents.is_empty(), "{text:?}");
        assert!(parsed.problems.is_empty(), "{text:?}");
    }
}

#[test]
fn non_ascii_text_has_byte_spans() {
    check(
        "é: \"😀 ${x}\"\n名前: 値\nz: [ü, 'ß']\n",
        r#"
map 1:1 `é: \"😀 ${x}\"\n名前: 値\nz: [ü, \'ß\']`
  key 1:1 `é`
    DoubleQuoted 1:4 `\"😀 ${x}\"`
  key 2:1 `名前`
    Plain 2:5 `値`
  key 3:1 `z`
    seq 3:4 `[ü, \'ß\']`
      Plain 3:5 `ü`
      SingleQuoted 3:8 `\'ß\'`
"#,
    );
    let text = "名前: 値\n";
    let parsed = parse_checked(text);
    let entry = &parsed.documents[0].root.as_mapping().unwrap()[0];
    assert_eq!(entry.key_span, 0..6);
    assert_eq!(entry.value.span, 8..11);
}

#[test]
fn crlf_line_breaks() {
    check(
        "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: \"p\r\n  q\"\r\n",
        r#"
map 1:1 `a: 1\r\nb: |\r\n  x\r\n  y\r\nc: \"p\r\n  q\"`
  key 1:1 `a`
    Plain 1:4 `1`
  key 2:1 `b`
    Literal 3:3 `x\r\n  y`
  key 5:1 `c`
    DoubleQuoted 5:4 `\"p\r\n  q\"`
"#,
    );
}

#[test]
fn document_with_a_bom() {
    let text = "\u{feff}a: é\n";
    let parsed = parse_checked(text);
    let entry = &parsed.documents[0].root.as_mapping().unwrap()[0];
    assert_eq!(&text[entry.key_span.clone()], "a");
    assert_eq!(&text[entry.value.span.clone()], "é");
}
