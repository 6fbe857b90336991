//! The layout on small texts: each case is formatted, compared with what it should give, and
//! formatted again to show the result is a fixed point.

use crate::{FormatError, Hazard, format_source, format_with};

#[track_caller]
fn formats_to(input: &str, expected: &str) {
    let formatted = match format_source(input) {
        Ok(formatted) => formatted,
        Err(error) => panic!("{error}\n--- input\n{input}"),
    };
    assert_eq!(
        formatted, expected,
        "\n--- got\n{formatted}--- input\n{input}"
    );
    let again = format_source(&formatted).expect("the formatted text formats");
    assert_eq!(again, formatted, "not a fixed point");
}

#[test]
fn indentation_and_spacing() {
    formats_to(
        "workflow:    orders\ntasks:\n- ref:   a\n  task: a\n-   ref: b\n    input:\n        x: 1\n",
        "workflow: orders\ntasks:\n  - ref: a\n    task: a\n  - ref: b\n    input:\n      x: 1\n",
    );
    formats_to(
        "a:\n    - - x\n      - w\n    - z\n",
        "a:\n  - - x\n    - w\n  - z\n",
    );
    formats_to("-\n  a: 1\n  b: 2\n", "- a: 1\n  b: 2\n");
    formats_to("key:\n  value\n", "key: value\n");
}

#[test]
fn comments_are_kept_and_indented_with_what_follows() {
    formats_to(
        "# head\n\n\nworkflow: w   # name\ntasks:   # the tasks\n\n  # first\n  - ref: a\n    # inside a\n    task: a\n      # deeper, after a\n\n\n\n  # second\n  - ref: b\n# tail\n",
        "# head\n\nworkflow: w # name\ntasks: # the tasks\n  # first\n  - ref: a\n    # inside a\n    task: a\n    # deeper, after a\n\n  # second\n  - ref: b\n# tail\n",
    );
    formats_to("- # on the dash\n  a: 1\n", "- # on the dash\n  a: 1\n");
    formats_to(
        "a: # before the value\n  1\n",
        "a: # before the value\n  1\n",
    );
}

#[test]
fn aligned_trailing_comments_stay_aligned() {
    formats_to(
        "a: 1     # one\nbb:   2  # two\nccc: 3 # alone\n\nd:\n    e: 1    # x\n    ff: 2   # y\n",
        "a: 1     # one\nbb: 2    # two\nccc: 3 # alone\n\nd:\n  e: 1    # x\n  ff: 2   # y\n",
    );
    // When the content no longer fits before the column, one space after the longest.
    formats_to(
        "x:\n          - a  # p\n          - bb # q\n",
        "x:\n  - a  # p\n  - bb # q\n",
    );
    // Not aligned in the source: one space each.
    formats_to(
        "x:\n          - a      # p\n          - bbbbbbbbbbbb # q\n",
        "x:\n  - a # p\n  - bbbbbbbbbbbb # q\n",
    );
}

#[test]
fn quoting() {
    formats_to(
        "a: \"${x.y}\"\nb: 'plain'\nc: \"yes\"\nd: \"1.0\"\ne: \"null\"\nf: \"*x\"\ng: \"&x\"\nh: \"!x\"\ni: \"%x\"\nj: \"@x\"\nk: \"a: b\"\nl: \"a #b\"\nm: 'it''s: here'\nt: \"tab\\there\"\no: on\n\"p\": 1\n\"true\": 2\n",
        "a: ${x.y}\nb: plain\nc: \"yes\"\nd: \"1.0\"\ne: \"null\"\nf: \"*x\"\ng: \"&x\"\nh: \"!x\"\ni: \"%x\"\nj: \"@x\"\nk: \"a: b\"\nl: \"a #b\"\nm: 'it''s: here'\nt: \"tab\\there\"\no: 'on'\np: 1\n\"true\": 2\n",
    );
    formats_to(
        "x: 0x1F\nm: ~\nf: 1.50\nb: TRUE\n",
        "x: 0x1F\nm: ~\nf: 1.50\nb: TRUE\n",
    );
    formats_to("t: !!str 1\n", "t: !!str 1\n");
}

#[test]
fn block_scalars_are_reindented() {
    formats_to(
        "a:\n    script: |\n        if (x) {\n          y();\n        }\n    folded: >-\n          one\n          two\n\n          three\n",
        "a:\n  script: |\n    if (x) {\n      y();\n    }\n  folded: >-\n    one\n    two\n\n    three\n",
    );
    formats_to("s: |4\n      lead\n    rest\n", "s: |2\n    lead\n  rest\n");
    formats_to(
        "s: |+ # keep\n  a\n\n\nt: 1\n",
        "s: |+ # keep\n  a\n\n\nt: 1\n",
    );
    formats_to("- |\n    x\n- >\n   y\n", "- |\n  x\n- >\n  y\n");
}

#[test]
fn anchors_aliases_flow_and_documents() {
    formats_to(
        "defaults: &defaults\n    retryCount: 3\nx:   *defaults\nlist:   [a,  b]\nmap: {a: 1,\n   b: 2}\nz: &z 1\nv:\n- {a: 1,\n   b: 2}\n",
        "defaults: &defaults\n  retryCount: 3\nx: *defaults\nlist: [a,  b]\nmap: {a: 1,\n   b: 2}\nz: &z 1\nv:\n  - {a: 1,\n     b: 2}\n",
    );
    formats_to(
        "a: 1\n---\n\n# second\nb: 2\n...\n",
        "a: 1\n---\n# second\nb: 2\n...\n",
    );
    formats_to("--- # doc\na: 1\n", "--- # doc\na: 1\n");
    formats_to("- &a\n  x: 1\n- *a\n", "- &a\n  x: 1\n- *a\n");
    // Found by the mutation test: properties of a document's root on a line of their own.
    formats_to("&a # c\n# d\nworkflow: x\n", "&a # c\n# d\nworkflow: x\n");
    formats_to("--- &a\nx:   1\n", "--- &a\nx: 1\n");
}

#[test]
fn crlf_bom_and_tabs() {
    formats_to(
        "\u{feff}a:  1\r\nb:\r\n    - x\r\n",
        "a: 1\r\nb:\r\n  - x\r\n",
    );
    formats_to("a: 1\t# tab\nb: \"x\ty\"\n", "a: 1 # tab\nb: \"x\\ty\"\n");
    let Err(FormatError::Yaml { problems }) = format_source("a:\n\tb: 1\n") else {
        panic!("a tab-indented file is not YAML");
    };
    assert_eq!(problems[0].at.line, 2);
}

#[test]
fn empty_and_comment_only_files() {
    formats_to("", "");
    formats_to("\n\n", "");
    formats_to("# only\n\n# comments\n", "# only\n\n# comments\n");
    formats_to(
        "a:\nb: [ ]\nc: {}\n- x\n"
            .split("- x")
            .next()
            .unwrap_or_default(),
        "a:\nb: [ ]\nc: {}\n",
    );
}

#[test]
fn problems_stop_formatting_with_a_position() {
    let error = format_source("a: 1\na: 2\n").expect_err("duplicate key");
    assert_eq!(error.to_string(), "2:1: duplicate key `a`");
    let error = format_source("a: [1\n").expect_err("syntax");
    assert!(matches!(error, FormatError::Yaml { .. }), "{error}");
}

#[test]
fn the_meaning_check_refuses_a_naive_unquoting() {
    let text = "version: \"1.0\"\nname: \"orders\"\n";
    assert_eq!(
        format_with(text, Hazard::Unquote, false).expect("unchecked"),
        "version: 1.0\nname: orders\n"
    );
    let error = format_with(text, Hazard::Unquote, true).expect_err("checked");
    assert_eq!(
        error.to_string(),
        "1:10: formatting would change the value at /version from \"1.0\" to 1.0; the file is \
         left as it is (please report this)"
    );
}

#[test]
fn the_repository_workflows_are_fixed_points() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let mut count = 0;
    for entry in std::fs::read_dir(folder).expect("workflows/").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("readable");
        let formatted = format_source(&text).expect("formats");
        assert_eq!(
            formatted,
            text,
            "{} is not formatted",
            entry.path().display()
        );
        count += 1;
    }
    assert!(count > 5);
}

/// Mutations of the repository's workflows (a character inserted or deleted somewhere): the
/// formatter never panics, and whatever it formats is a fixed point. (Meaning is checked by
/// `format_source` itself on every one.)
#[test]
fn mutated_files_never_panic_and_format_to_fixed_points() {
    const INSERTS: [&str; 16] = [
        " ", "\n", "# c", "- ", ": ", "'", "\"", "&a ", "*a", "|", "\t", "{", "[", "  ", "\r\n",
        "---\n",
    ];
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut formatted, mut refused) = (0, 0);
    for entry in std::fs::read_dir(folder).expect("workflows/").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("readable");
        for _ in 0..150 {
            let mut mutated = text.clone();
            let mut at = (next() % (mutated.len() as u64 + 1)) as usize;
            while !mutated.is_char_boundary(at) {
                at -= 1;
            }
            if next() % 3 == 0 && at < mutated.len() {
                mutated.remove(at);
            } else {
                mutated.insert_str(at, INSERTS[(next() % INSERTS.len() as u64) as usize]);
            }
            match format_source(&mutated) {
                Ok(once) => {
                    formatted += 1;
                    let twice = format_source(&once)
                        .unwrap_or_else(|error| panic!("{error}\n--- formatted\n{once}"));
                    assert_eq!(twice, once, "not a fixed point\n--- input\n{mutated}");
                }
                // What the parser rejects, and constructs left alone on purpose (an empty key
                // written as a bare `:`), are refusals; a change of meaning caught by the check
                // would be a bug of the layout.
                Err(FormatError::Yaml { .. } | FormatError::Unsupported { .. }) => refused += 1,
                Err(error) => panic!("{error}\n--- input\n{mutated}"),
            }
        }
    }
    assert!(
        formatted > 500 && refused > 50,
        "{formatted} formatted, {refused} refused"
    );
}
