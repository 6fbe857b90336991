//! Offsets inside scalars mapped back to the source: explicit cases and a property test over
//! generated scalars of every style.

use super::{parse_checked, show};
use crate::yaml::{scalar_source_offset, scalar_source_range};

/// Parses `text`, takes the string at `pointer`, finds `needle` in it and maps that range back:
/// the source text must be `expected`.
#[track_caller]
fn check(text: &str, pointer: &str, needle: &str, expected: &str) {
    let parsed = parse_checked(text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let document = &parsed.documents[0];
    let node = document.lookup(pointer).unwrap().node;
    let value = document.value.pointer(pointer).unwrap().as_str().unwrap();
    let start = value
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {value:?}"));
    let range = scalar_source_range(text, node, start..start + needle.len()).unwrap();
    assert_eq!(&text[range.clone()], expected, "mapped range {range:?}");
}

#[test]
fn plain_scalars() {
    check("v: a ${x} b\n", "/v", "${x}", "${x}");
    check(
        "v: first line\n  second ${y.z}\n\n  third\n",
        "/v",
        "${y.z}",
        "${y.z}",
    );
    check(
        "v: first line\n  second ${y.z}\n\n  third\n",
        "/v",
        "z}\nthird",
        "z}\n\n  third",
    );
    check("v: one\n  two\n", "/v", "one two", "one\n  two");
    check("- é ${名前} 😀\n", "/0", "${名前}", "${名前}");
}

#[test]
fn single_quoted_scalars() {
    check("v: 'it''s ${x}'\n", "/v", "${x}", "${x}");
    check("v: 'it''s ${x}'\n", "/v", "'", "''");
    check("v: 'a\n\n   b ${c}'\n", "/v", "${c}", "${c}");
}

#[test]
fn double_quoted_scalars() {
    check("v: \"\\t${x}\"\n", "/v", "${x}", "${x}");
    check(
        "v: \"\\u00e9\\U0001F600${x}\"\n",
        "/v",
        "é😀${x}",
        "\\u00e9\\U0001F600${x}",
    );
    check("v: \"\\\"${x}\\\"\"\n", "/v", "\"${x}\"", "\\\"${x}\\\"");
    check(
        "v: \"esc\\\n   aped ${x}\"\n",
        "/v",
        "aped ${x}",
        "aped ${x}",
    );
    check("v: \"fold\n   ed ${x}\"\n", "/v", "d ${x}", "d ${x}");
    check("v: \"a\\nb\"\n", "/v", "\n", "\\n");
    check("v: \"\\x41\\/\"\n", "/v", "A/", "\\x41\\/");
}

#[test]
fn literal_scalars() {
    let text = "script: |\n  function f() {\n    return ${x};\n  }\n";
    check(text, "/script", "${x}", "${x}");
    check(text, "/script", "{\n  return", "{\n    return");
    check(
        "s: |2-\n    indented ${x}\n",
        "/s",
        "  indented ${x}",
        "  indented ${x}",
    );
    check(
        "s: &a !!str |\n\n  after empty ${x}\n",
        "/s",
        "${x}",
        "${x}",
    );
    check("- - |\n      nested ${x}\n", "/0/0", "${x}", "${x}");
    check("s: |+\n  keep\n\n", "/s", "keep\n\n", "keep\n\n");
}

#[test]
fn folded_scalars() {
    let text = "s: >\n  one\n  two ${x}\n\n  three\n    more ${y}\n  four\n";
    check(text, "/s", "${x}", "${x}");
    check(text, "/s", "${y}", "${y}");
    check(text, "/s", "one two", "one\n  two");
    check(text, "/s", "${x}\nthree", "${x}\n\n  three");
}

#[test]
fn crlf() {
    check("s: |\r\n  a\r\n  b ${x}\r\n", "/s", "${x}", "${x}");
    check("s: \"a\r\n  b ${x}\"\r\n", "/s", "a b", "a\r\n  b");
}

#[test]
fn offsets_at_the_end_and_outside() {
    let text = "a: \"xy\"\nb: |\n  z\nc: ''\n";
    let parsed = parse_checked(text);
    let document = &parsed.documents[0];
    let a = document.lookup("/a").unwrap().node;
    assert_eq!(
        scalar_source_offset(text, a, 2),
        Some(6),
        "end of content, before the quote"
    );
    assert_eq!(scalar_source_offset(text, a, 3), None);
    let b = document.lookup("/b").unwrap().node;
    // "z\n": the clipped line break is the one after `z`.
    assert_eq!(scalar_source_offset(text, b, 1), Some(16));
    assert_eq!(
        show(text, &scalar_source_range(text, b, 1..2).unwrap()),
        "3:4 `\\n`"
    );
    let c = document.lookup("/c").unwrap().node;
    assert_eq!(scalar_source_offset(text, c, 0), Some(21));
    #[allow(
        clippy::reversed_empty_ranges,
        reason = "a reversed range is invalid input"
    )]
    let reversed = 1..0;
    assert_eq!(scalar_source_range(text, a, reversed), None);
    assert_eq!(scalar_source_range(text, a, 1..1), Some(5..5));
    // A mapping is not a scalar.
    assert_eq!(scalar_source_offset(text, &document.root, 0), None);
    // Offsets inside a multi-byte character count as that character.
    let text = "v: é\n";
    let parsed = parse_checked(text);
    let v = parsed.documents[0].lookup("/v").unwrap().node;
    assert_eq!(scalar_source_offset(text, v, 1), Some(3));
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "a",
    "word",
    "${x.y}",
    "é",
    "😀",
    "名前",
    "$",
    "{",
    "}",
    "1",
    "x-y",
    "a.b",
    "#no",
    "q'q",
    "w\"w",
    "back\\slash",
    "tab\there",
    "%",
    "~",
    ":x",
    "-",
];

const PLAIN_WORDS: &[&str] = &[
    "a", "word", "${x.y}", "é", "😀", "名前", "x-y", "a.b", "1", "b#c", "{z}",
];

fn words(rng: &mut Rng, vocabulary: &[&str]) -> Vec<String> {
    (0..1 + rng.below(6))
        .map(|_| rng.pick(vocabulary).to_owned())
        .collect()
}

/// A separator between two words of a flow scalar: spaces, or a fold over 1–3 line breaks with
/// trailing spaces and indentation.
fn flow_gap(rng: &mut Rng, indent: &str) -> String {
    match rng.below(8) {
        0 => format!("{}\n{indent}  ", " ".repeat(rng.below(3))),
        1 => format!("\n\n{indent} {}", " ".repeat(rng.below(3))),
        2 => format!(" \n \n\n{indent}  "),
        3 => format!("\t \n{indent}  \t"),
        4 => " \t ".to_owned(),
        _ => " ".repeat(1 + rng.below(3)),
    }
}

fn double_quoted(rng: &mut Rng, indent: &str) -> String {
    let mut out = String::from("\"");
    for (idx, word) in words(rng, WORDS).iter().enumerate() {
        if idx > 0 {
            if rng.chance(15) {
                let empty_lines = "\n".repeat(rng.below(3));
                out.push_str(&format!(
                    "{}\\\n{empty_lines}{indent}   ",
                    " ".repeat(rng.below(2))
                ));
            } else {
                out.push_str(&flow_gap(rng, indent));
            }
        }
        for c in word.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\t' if rng.chance(50) => out.push_str("\\t"),
                'é' if rng.chance(50) => {
                    out.push_str(rng.pick(&["\\u00e9", "\\xe9", "\\U000000E9"]))
                }
                '😀' if rng.chance(50) => out.push_str("\\U0001F600"),
                '/' => out.push_str("\\/"),
                _ => out.push(c),
            }
            if rng.chance(5) {
                out.push_str(rng.pick(&[
                    "\\n", "\\t", "\\ ", "\\_", "\\N", "\\L", "\\P", "\\0", "\\e", "\\r", "\\/",
                    "\\\t", "\\a", "\\b", "\\v", "\\f",
                ]));
            }
        }
    }
    out.push('"');
    out
}

fn single_quoted(rng: &mut Rng, indent: &str) -> String {
    let mut out = String::from("'");
    for (idx, word) in words(rng, WORDS).iter().enumerate() {
        if idx > 0 {
            out.push_str(&flow_gap(rng, indent));
        }
        out.push_str(&word.replace('\'', "''"));
    }
    out.push('\'');
    out
}

fn plain(rng: &mut Rng, indent: &str) -> String {
    let mut out = String::from("p");
    for word in words(rng, PLAIN_WORDS) {
        out.push_str(&flow_gap(rng, indent));
        out.push_str(&word);
    }
    out
}

fn block(rng: &mut Rng, indent: &str) -> String {
    let style = rng.pick(&["|", ">"]);
    let chomp = rng.pick(&["", "-", "+"]);
    let explicit = rng.chance(30);
    let mut out = String::from(style);
    let extra = 1 + rng.below(3);
    if explicit {
        out.push_str(&extra.to_string());
    }
    out.push_str(chomp);
    if rng.chance(20) {
        out.push_str("  # comment | >");
    }
    out.push('\n');
    let content_indent = format!("{indent}{}", " ".repeat(extra + 1));
    // Without an indicator the first line may not be more indented than the rest.
    let mut first = !explicit;
    for _ in 0..1 + rng.below(5) {
        match rng.below(6) {
            0 => out.push('\n'),
            1 if !first => {
                out.push_str(&content_indent);
                out.push_str(rng.pick(&["  more ${x}\n", "\ttabbed\n", " \n", "   \n"]));
            }
            2 => {
                out.push_str(&content_indent);
                out.push_str("trailing  \n");
                first = false;
            }
            _ => {
                out.push_str(&content_indent);
                out.push_str(&words(rng, WORDS).join(" "));
                out.push('\n');
                first = false;
            }
        }
    }
    if rng.chance(30) {
        out.push_str("\n\n");
    }
    out
}

/// Generates documents holding scalars of every style in several contexts, parses them, and
/// lets `check_invariants` verify the mapping of every decoded character.
#[test]
fn generated_scalars_map_every_character_exactly() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut valid = 0;
    let total = 3000;
    for case in 0..total {
        let (prefix, indent, suffix) = match rng.below(4) {
            0 => ("v: ", "", "after: 1\n"),
            1 => ("- k: ", "  ", "  after: 1\n"),
            2 => ("v: &anchor !!str ", "", "after: 1\n"),
            _ => ("top:\n  - ", "    ", "after: 1\n"),
        };
        let scalar = match case % 5 {
            0 => double_quoted(&mut rng, indent),
            1 => single_quoted(&mut rng, indent),
            2 => plain(&mut rng, indent),
            _ => block(&mut rng, indent),
        };
        let mut text = format!("{prefix}{scalar}\n{suffix}");
        if rng.chance(10) {
            text = text.replace('\n', "\r\n");
        }
        if rng.chance(10) {
            // At the very end of the text, without a final line break.
            text = format!("{prefix}{}", scalar.trim_end_matches('\n'));
        }
        let parsed = parse_checked(&text);
        if parsed.problems.is_empty() {
            valid += 1;
        }
    }
    assert!(
        valid * 100 > total * 95,
        "only {valid} of {total} generated documents were valid"
    );
}
