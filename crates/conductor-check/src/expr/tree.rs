//! The syntax tree of Conductor expressions: a `${...}` found in a string and the Jayway
//! JSONPath inside it. Every range is a byte range into the string the expression was found
//! in (the decoded YAML value), so a rule can map it back to the file with
//! `Scope::span_in_string`. Names borrow the string unless they had to be unescaped, so parsing
//! allocates little: `check` parses every expression of every file.

use std::borrow::Cow;
use std::ops::Range;

/// One `${...}` in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression<'a> {
    /// The whole `${...}`, braces included.
    pub range: Range<usize>,
    /// The text between `${` and the matching `}`.
    pub inner: Range<usize>,
    /// Whether the expression is the whole string, so the server substitutes the typed value
    /// rather than its text (contract §6.4).
    pub whole_value: bool,
    /// What is inside the braces.
    pub body: Body<'a>,
    /// Expressions nested inside this one, which the server resolves first (contract §6.6).
    pub nested: Vec<Expression<'a>>,
}

/// What is inside `${...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// Nothing but whitespace: `${}`, which the server replaces with `""` (contract §6.5).
    Empty,
    /// A JSONPath that parsed.
    Path(Path<'a>),
    /// A JSONPath with a syntax error.
    Invalid(SyntaxError),
}

/// A Jayway JSONPath, read with the implicit `$.` the server adds (contract §6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path<'a> {
    /// The segments in order; the first one is the root (`workflow`, a task reference, or a
    /// special name such as `CPEWF_TASK_ID`) unless the path is only `$`.
    pub segments: Vec<Segment<'a>>,
    /// Whether the path starts with an explicit `$` (`${$.workflow.input.x}`).
    pub explicit_root: bool,
    /// The path text without surrounding whitespace.
    pub text: Range<usize>,
}

impl Path<'_> {
    /// The property names the path starts with, up to the first segment that is not a plain
    /// property (an index, a wildcard, a filter, a nested expression...).
    pub fn leading_names(&self) -> impl Iterator<Item = (&str, &Range<usize>)> {
        self.segments
            .iter()
            .map_while(|segment| match &segment.kind {
                SegmentKind::Name(name) => Some((name.as_ref(), &segment.range)),
                _ => None,
            })
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// What the step selects.
    pub kind: SegmentKind<'a>,
    /// Where it is written: the name in dot notation, or the whole `[...]`.
    pub range: Range<usize>,
}

/// What one path step selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentKind<'a> {
    /// One property: `.name`, `['name']`, or the root name.
    Name(Cow<'a, str>),
    /// Several properties: `['a','b']`.
    Names(Vec<Cow<'a, str>>),
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
    Function(Cow<'a, str>),
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
