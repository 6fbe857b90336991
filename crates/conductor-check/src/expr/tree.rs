//! The syntax tree of Conductor expressions: a `${...}` found in a string and the Jayway
//! JSONPath inside it. Every range is a byte range into the string the expression was found
//! in (the decoded YAML value), so a rule can map it back to the file with
//! `Scope::span_in_string`.

use std::ops::Range;

/// One `${...}` in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    /// The whole `${...}`, braces included.
    pub range: Range<usize>,
    /// The text between `${` and the matching `}`.
    pub inner: Range<usize>,
    /// Whether the expression is the whole string, so the server substitutes the typed value
    /// rather than its text (contract §6.4).
    pub whole_value: bool,
    /// What is inside the braces.
    pub body: Body,
    /// Expressions nested inside this one, which the server resolves first (contract §6.6).
    pub nested: Vec<Expression>,
}

/// What is inside `${...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Nothing but whitespace: `${}`, which the server replaces with `""` (contract §6.5).
    Empty,
    /// A JSONPath that parsed.
    Path(Path),
    /// A JSONPath with a syntax error.
    Invalid(SyntaxError),
}

/// A Jayway JSONPath, read with the implicit `$.` the server adds (contract §6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// The segments in order; the first one is the root (`workflow`, a task reference, or a
    /// special name such as `CPEWF_TASK_ID`) unless the path is only `$`.
    pub segments: Vec<Segment>,
    /// Whether the path starts with an explicit `$` (`${$.workflow.input.x}`).
    pub explicit_root: bool,
    /// The path text without surrounding whitespace.
    pub text: Range<usize>,
}

impl Path {
    /// The property names the path starts with, up to the first segment that is not a plain
    /// property (an index, a wildcard, a filter, a nested expression...).
    pub fn leading_names(&self) -> impl Iterator<Item = (&str, &Range<usize>)> {
        self.segments
            .iter()
            .map_while(|segment| match &segment.kind {
                SegmentKind::Name(name) => Some((name.as_str(), &segment.range)),
                _ => None,
            })
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What the step selects.
    pub kind: SegmentKind,
    /// Where it is written: the name in dot notation, or the whole `[...]`.
    pub range: Range<usize>,
}

/// What one path step selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentKind {
    /// One property: `.name`, `['name']`, or the root name.
    Name(String),
    /// Several properties: `['a','b']`.
    Names(Vec<String>),
    /// Array indexes: `[0]`, `[-1]`, `[0,2]`.
    Index,
    /// An array slice: `[1:3]`.
    Slice,
    /// Every member: `*` or `[*]`.
    Wildcard,
    /// Deep scan: the `..` before a name, a wildcard or brackets.
    DeepScan,
    /// A filter: `[?(@.ok == true)]`.
    Filter,
    /// A function call: `.length()`.
    Function(String),
    /// A property named by a nested expression, known only at run time (contract §6.6).
    Dynamic,
}

/// A JSONPath syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, lower case, no trailing period.
    pub message: String,
    /// Where, in the string.
    pub range: Range<usize>,
}
