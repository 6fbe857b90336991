//! Invariants over a varied corpus: spans inside the text on char boundaries, the tree mirrors
//! the value, offsets inside strings map exactly (see `check_invariants`).

use std::path::Path;

use super::parse_checked;

/// Snippets covering every construct, valid or not; each must keep the invariants.
const SNIPPETS: &[&str] = &[
    "a: 1\nb: [x, {y: z}]\n",
    "- |\n  lit\n   more\n- >-\n  fold\n  ed\n\n  para\n- \"dq\\n\\t\\u00e9\"\n- 'sq''s'\n",
    "k: &a !!str v\nl: *a\nm: !!int '3'\n",
    "? complex\n: value\n? [a]\n: b\n",
    "{a: 1, b: [1, 2, {c: d}], 'e': \"f\"}",
    "---\n---\n...\n--- |\n  x\n",
    "a: 'multi\n\n  line'\nb: \"esc\\\n   aped\"\n",
    "é: 😀\n名前: \"値 ${x}\"\n",
    "bad: [\n",
    "a: b: c\n",
    "\t- tab\n",
    "a: *unknown\n",
    "a: &r [*r]\n",
    "- !custom x\n- !!map [1]\n",
    "x: 1e400\ny: .nan\nz: 99999999999999999999\n",
    "a:\n  - b\n  -\n  - c:\n",
    "|\n top level\n",
    ">+\n\n folded keep\n\n\n",
    "key: |2-\n    two extra\n   one extra\n",
    "\u{feff}bom: yes\n",
    "a: 1\r\nb: 'x\r\n  y'\r\n",
    "- - - deep\n",
    "[a, [b, [c, [d]]]]",
    "plain: this is\n  a long\n\n  plain scalar\n",
    "q: \"a\\x41\\U0001F600\\_\\N\\L\\P\\/\\ \\0\\a\\b\\e\\f\\r\\v\"\n",
    "\"quoted key\": 1\n'other': 2\n",
    "a: |\n",
    "a: >\n\n\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: !!str\nb: &x\nc: !!null\n",
    "# only comments\n# here\n",
    "",
    ":",
    "-",
    "?",
    "&a",
    "*a",
    "!",
    "'",
    "\"",
    "|",
    ">",
    "[",
    "{",
    "]",
    "}",
    "a: [b, c\n",
    "a:\n- b\n-c\n",
    "--- |\nfoo\n--- |\nbar\n...\n",
    ">\nfolded\n\n line\n...\n",
    "|-\n  \n  x\n   \n",
    "a: |1\n  two\n b\n",
    "k: >\n  a\n\n   b\n\n  c\n",
    "k: \"a\\\n\n  b\"\n",
    "k: '\n  a\n'\n",
    "- \"\\t\\\t\"\n- \"\\x41\\u263A\"\n",
    "%YAML 1.2\n---\na: b\n",
    "%FOO é\n---\na: b\n",
    "k: !!binary aGVsbG8=\n",
    "? a\n? b\n: c\n",
    "[a: b, c: d]\n",
    "{? a: b}\n",
    "a: 'x\ty'\n",
    "&a a: &b b\n*a : *b\n",
    "v: &a\n  |\n   text\n",
    "v: !!str # c |\n  >-\n   folded\n   text\n",
    "- &a # c\n  |2\n    x\n",
    "- !!str\n  &a\n  |+\n  kept\n\n",
];

#[test]
fn snippets_keep_the_invariants() {
    for snippet in SNIPPETS {
        parse_checked(snippet);
    }
}

#[test]
fn every_prefix_of_the_snippets_keeps_the_invariants() {
    // Truncated input exercises every error position.
    for snippet in SNIPPETS {
        for (idx, _) in snippet.char_indices() {
            parse_checked(&snippet[..idx]);
        }
    }
}

/// The shared corpus of Conductor JSON definitions, read as YAML: JSON is YAML 1.2 (flow
/// style), so every file must parse without problems to the same value `serde_json` gives.
#[test]
#[allow(
    clippy::print_stderr,
    reason = "the skip message is for the person running the tests"
)]
fn shared_json_corpus_parses_like_serde_json() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} does not exist", corpus.display());
        return;
    }
    let mut files = Vec::new();
    collect_json(&corpus, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no JSON file under {}", corpus.display());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = parse_checked(&text);
        assert!(
            parsed.problems.is_empty(),
            "{}: {:?}",
            path.display(),
            parsed.problems
        );
        assert_eq!(parsed.documents.len(), 1, "{}", path.display());
        let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed.documents[0].value, expected, "{}", path.display());
    }
}

fn collect_json(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_json(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
}

/// Random strings over the characters that matter to YAML: no input may panic or break the
/// invariants (a cheap stand-in for the fuzz target).
#[test]
fn random_inputs_keep_the_invariants() {
    const ALPHABET: &[&str] = &[
        "-",
        ":",
        "?",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        "\"",
        "|",
        ">",
        "&a",
        "*a",
        "!",
        "!!str",
        "#",
        "%",
        "@",
        "\n",
        "\r\n",
        " ",
        "  ",
        "\t",
        "a",
        "é",
        "😀",
        "\\",
        "\\n",
        "\\u00e9",
        "---",
        "...",
        "1",
        "0x",
        ".inf",
        "<<",
        "~",
        "|+",
        ">-",
        "|2",
        "%YAML 1.2",
        "%TAG ! tag:é,2000:",
        "\n%",
        "!é",
        "&é",
        "*é",
    ];
    let mut state: u64 = 0x0123_4567_89AB_CDEF;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let len = (next() % 24) as usize;
        let text: String = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        if std::panic::catch_unwind(|| parse_checked(&text)).is_err() {
            panic!("invariants broken for {text:?}");
        }
    }
}
