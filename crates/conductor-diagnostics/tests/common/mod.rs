//! Shared fixtures for the renderer tests: a few small files and one diagnostic per case the
//! renderers must get right.

use conductor_diagnostics::{Code, Diagnostic, Severity};
use conductor_source::{FileId, SourceFile, SourceMap};

/// The files and the diagnostics of every rendering case.
pub struct Cases {
    pub map: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

const ORDERS: &str = "\
workflow: order_fulfillment
version: 3
tasks:
  - ref: charge
    task: charge_card
    input:
      orderId: ${workflow.input.orderId}
    input:
      amount: \"12
  - ref: ship
    task: ship_order
    ? [a, b]
    : c
";

const SHARED: &str = "\
workflow: order_fulfillment
version: 3
ownerEmail:
";

/// Ends without a line break, so a span can end exactly at the end of the file.
const UNICODE: &str = "\
workflow: commandes
description: \"Café crème\" # ünïcödé
retry: {count: 名前, delay: .inf}
timeout: 1e999";

/// Windows line breaks, a tab, control characters (BEL, an ANSI "clear screen") and a
/// right-to-left override.
pub const CRLF: &str = "a: 1\r\nb:\t\"x\u{7}y\u{1b}[2J\u{202e}z\"\r\n";

pub const UNICODE_NAME: &str = "workflows/café: v2, 100%.yaml";

/// Byte offset of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn offset(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .map(|(idx, _)| idx)
        .unwrap_or_else(|| panic!("fixture has {} occurrence {nth} of {needle:?}", nth + 1))
}

/// Byte range of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn span(text: &str, needle: &str, nth: usize) -> std::ops::Range<usize> {
    let start = offset(text, needle, nth);
    start..start + needle.len()
}

pub fn files() -> (SourceMap, FileId, FileId, FileId) {
    let mut map = SourceMap::new();
    let orders = map.add(SourceFile::new(
        "workflows/orders.yaml",
        "workflows/orders.yaml",
        ORDERS,
    ));
    let shared = map.add(SourceFile::new(
        "workflows/shared.yaml",
        "workflows/shared.yaml",
        SHARED,
    ));
    // A name with characters that GitHub properties and URIs must escape.
    let unicode = map.add(SourceFile::new(
        UNICODE_NAME,
        "workflows/unicode.yaml",
        UNICODE,
    ));
    (map, orders, shared, unicode)
}

/// One diagnostic per case, deliberately not in rendering order.
pub fn cases() -> Cases {
    let (map, orders, shared, unicode) = files();
    let second_input = offset(ORDERS, "input:", 1);
    let after_owner_email = offset(SHARED, "ownerEmail:", 0) + "ownerEmail:".len();
    let diagnostics = vec![
        // A label in another file.
        Diagnostic::new(
            Code::DuplicateKey,
            "workflow `order_fulfillment` version 3 is defined twice",
        )
        .with_primary(
            orders,
            span(ORDERS, "order_fulfillment", 0),
            "defined again here",
        )
        .with_secondary(
            shared,
            span(SHARED, "order_fulfillment", 0),
            "first defined here",
        )
        .with_help("give one of the two definitions another version"),
        // Two labels in one file.
        Diagnostic::new(Code::DuplicateKey, "duplicate key `input`")
            .with_primary(orders, second_input..second_input + 5, "duplicate key")
            .with_secondary(orders, span(ORDERS, "input", 0), "first defined here")
            .with_help("merge the two `input` mappings into one"),
        // A multi-line span.
        Diagnostic::new(Code::ComplexMappingKey, "mapping key is a sequence")
            .with_primary(
                orders,
                offset(ORDERS, "? [a, b]", 0)..span(ORDERS, "    : c", 0).end,
                "this key is a sequence",
            )
            .with_help("use a string as the key"),
        // A single-line label, with help and note.
        Diagnostic::new(Code::YamlSyntaxError, "unterminated double-quoted string")
            .with_primary(orders, span(ORDERS, "\"12", 0), "string starts here")
            .with_help("close the string with `\"`")
            .with_note(
                "a double-quoted string may span lines, so the parser read on to the end of the file",
            ),
        // Non-ASCII text before the span on the same line: columns count characters.
        Diagnostic::new(
            Code::UnrepresentableNumber,
            "`.inf` cannot be represented in JSON",
        )
        .with_primary(unicode, span(UNICODE, ".inf", 0), "infinite float")
        .with_secondary(unicode, span(UNICODE, "名前", 0), "wide characters before it"),
        // A span that ends at the end of the file, as a warning.
        Diagnostic::new(Code::UnrepresentableNumber, "`1e999` overflows to infinity")
            .with_severity(Severity::Warning)
            .with_primary(unicode, span(UNICODE, "1e999", 0), "too large for a float")
            .with_help("write the timeout as a duration such as `30s`"),
        // An empty span at the very end of a file that ends with a line break.
        Diagnostic::new(Code::YamlSyntaxError, "unexpected end of file")
            .with_primary(orders, ORDERS.len()..ORDERS.len(), "the mapping ends here")
            .with_help("add the value of the key `? [a, b]`"),
        // An empty span, as a note.
        Diagnostic::new(Code::YamlSyntaxError, "`ownerEmail` has no value")
            .with_severity(Severity::Note)
            .with_primary(shared, after_owner_email..after_owner_email, "missing value here")
            .with_note("an empty value is null"),
        // No location at all.
        Diagnostic::new(Code::FileNotUtf8, "`workflows/legacy.yaml` is not valid UTF-8")
            .with_help("save the file as UTF-8"),
    ];
    Cases { map, diagnostics }
}

/// Diagnostics whose spans are wrong in every way a buggy stage could make them.
pub fn broken_spans() -> Cases {
    let (mut map, orders, shared, unicode) = files();
    let crlf = map.add(SourceFile::new("crlf.yaml", "crlf.yaml", CRLF));
    let mut other_map = SourceMap::new();
    for idx in 0..5 {
        other_map.add(SourceFile::new(
            format!("other{idx}.yaml"),
            "o.yaml",
            "x: 1\n",
        ));
    }
    let foreign = other_map
        .iter()
        .map(|(id, _)| id)
        .last()
        .expect("other map has files");
    let inside_cafe = offset(UNICODE, "é", 0) + 1;
    let inside_han = offset(UNICODE, "名", 0) + 1;
    let diagnostics = vec![
        Diagnostic::new(Code::YamlSyntaxError, "past the end").with_primary(
            orders,
            10_000..20_000,
            "far away",
        ),
        Diagnostic::new(Code::YamlSyntaxError, "ends past the end").with_primary(
            shared,
            5..usize::MAX,
            "to infinity",
        ),
        Diagnostic::new(Code::YamlSyntaxError, "reversed").with_primary(
            orders,
            std::ops::Range { start: 20, end: 10 },
            "backwards",
        ),
        Diagnostic::new(Code::YamlSyntaxError, "inside a character")
            .with_primary(unicode, inside_cafe..inside_han, "split")
            .with_secondary(unicode, inside_han..inside_han, "empty inside"),
        Diagnostic::new(Code::YamlSyntaxError, "file from another map")
            .with_primary(foreign, 0..1, "nowhere")
            .with_secondary(foreign, 2..3, "nowhere either")
            .with_secondary(orders, usize::MAX..usize::MAX, "max"),
        Diagnostic::new(
            Code::YamlSyntaxError,
            "between carriage return and line feed \u{1b}[31m",
        )
        .with_primary(
            crlf,
            offset(CRLF, "\n", 0)..offset(CRLF, "\n", 0),
            "split line break",
        )
        .with_secondary(crlf, span(CRLF, "\t", 0), "a tab")
        .with_secondary(crlf, span(CRLF, "y", 0), "control characters after \u{7}")
        .with_help("no \u{1b}[2J escapes"),
        Diagnostic::new(Code::YamlSyntaxError, "beyond the last character").with_primary(
            unicode,
            UNICODE.len()..UNICODE.len() + 3,
            "at the end",
        ),
    ];
    Cases { map, diagnostics }
}

/// Every file of `map` with labels at a sweep of offsets, in range and out of it, on and off
/// character boundaries, empty and reversed.
pub fn span_sweep(map: &SourceMap) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (file, source) in map.iter() {
        let len = source.text().len();
        for start in 0..=len + 2 {
            for end in [
                start,
                start + 1,
                start + 3,
                start.saturating_sub(2),
                len + 7,
            ] {
                diagnostics.push(
                    Diagnostic::new(Code::YamlSyntaxError, format!("sweep {start}..{end}"))
                        .with_primary(file, start..end, "primary")
                        .with_secondary(file, end..start, "reversed")
                        .with_help("help"),
                );
            }
        }
    }
    diagnostics
}
