//! Conductor expressions: `${...}` inside any string, and the Jayway JSONPath inside them
//! (contract §6.3–§6.6).
//!
//! [`lexer`] finds the expressions of a string (balanced braces, the `$${` escape), [`parser`]
//! parses each path into segments, and [`tree`] holds the result. Every range is a byte range
//! into the string the expression was found in.

pub mod lexer;
pub mod parser;
pub mod tree;

pub use lexer::may_contain_expression;
pub use tree::{Body, Expression, Path, Segment, SegmentKind, SyntaxError};

use std::ops::Range;

/// The expressions of one string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expressions<'a> {
    /// Each outermost `${...}`, parsed.
    pub expressions: Vec<Expression<'a>>,
    /// Each `${` with no balancing `}`.
    pub unterminated: Vec<Range<usize>>,
}

/// Finds and parses every expression in `text`.
pub fn expressions_in(text: &str) -> Expressions<'_> {
    if !may_contain_expression(text) {
        return Expressions::default();
    }
    let found = lexer::find_expressions(text, 0..text.len());
    Expressions {
        expressions: found
            .expressions
            .into_iter()
            .map(|range| parser::parse_expression(text, range))
            .collect(),
        unterminated: found.unterminated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAGMENTS: &[&str] = &[
        "${", "}", "$${", "$", "{", "a", ".", "..", "[", "]", "'", "\"", "é", " ", "?(", ")", "*",
        "0", ":", ",", "\\", "@", "workflow", "\n", "-1", "length()",
    ];

    fn assert_range(text: &str, range: &Range<usize>, what: &str) {
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "{what} {range:?} outside {text:?}"
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "{what} {range:?} cuts a character in {text:?}"
        );
    }

    fn assert_expression(text: &str, expression: &Expression<'_>) {
        assert_range(text, &expression.range, "expression");
        assert_range(text, &expression.inner, "inner");
        match &expression.body {
            Body::Path(path) => {
                assert_range(text, &path.text, "path");
                for segment in &path.segments {
                    assert_range(text, &segment.range, "segment");
                }
            }
            Body::Invalid(error) => assert_range(text, &error.range, "error"),
            Body::Empty => {}
        }
        for nested in &expression.nested {
            assert_expression(text, nested);
        }
    }

    /// Checks the ranges of `text`; returns how many expressions it holds.
    fn assert_spans_in_bounds(text: &str) -> usize {
        let found = expressions_in(text);
        for range in &found.unterminated {
            assert_range(text, range, "unterminated");
        }
        for expression in &found.expressions {
            assert_expression(text, expression);
        }
        let resolved = crate::script::resolved_script(text);
        assert_eq!(resolved.len(), text.len(), "{text:?}");
        let scan = crate::script::scan_script(text);
        for read in &scan.reads {
            assert_range(text, &read.span, "script read");
        }
        let _ = crate::registration::path_syntax_error(text);
        found.expressions.len()
    }

    /// Every string of up to three fragments, and a few thousand longer ones: no panic, and
    /// every range lies inside the string on character boundaries (style.md §4: the parsers
    /// are checked for properties, not just for not crashing).
    #[test]
    fn every_range_lies_inside_the_string() {
        let n = FRAGMENTS.len();
        let mut expressions = 0;
        for a in FRAGMENTS {
            for b in FRAGMENTS {
                for c in FRAGMENTS {
                    let inner = [*a, *b, *c].concat();
                    expressions += assert_spans_in_bounds(&inner);
                    expressions += assert_spans_in_bounds(&format!("${{{inner}}}"));
                    expressions += assert_spans_in_bounds(&format!("é ${{t.{inner}}} x"));
                }
            }
        }
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..10 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(FRAGMENTS[(state % n as u64) as usize]);
            }
            expressions += assert_spans_in_bounds(&text);
        }
        assert!(
            expressions > 1_000,
            "the inputs hold expressions: {expressions}"
        );
    }
}
