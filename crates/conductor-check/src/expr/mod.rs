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
