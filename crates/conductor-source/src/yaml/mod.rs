//! YAML text to JSON values plus a span tree that mirrors them, with exact byte spans.
//!
//! [`parse_yaml`] reads every document of a YAML 1.2 stream (through `saphyr-parser` events) and
//! returns, per document, the value as a [`serde_json::Value`] and a [`Node`] tree of the same
//! shape whose spans are byte ranges into the original text. Problems in the input (syntax
//! errors, duplicate keys, unsupported tags, …) are returned as data in
//! [`ParsedYaml::problems`]; parsing never fails and never panics.
//!
//! The span tree is the index into the source: a JSON pointer is resolved by walking it
//! ([`Document::lookup`]), and an offset inside a decoded string is mapped back to the file with
//! [`scalar_source_offset`] / [`ScalarSourceMap`].

mod build;
mod char_offsets;
mod emit;
mod pointer;
mod problem;
mod resolve;
mod scalar_map;
mod source_scan;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub use build::{ALIAS_NODE_BUDGET, MAX_DEPTH};
pub use emit::{double_quoted, plain_is_safe, single_quoted, to_yaml};
pub use pointer::{Located, escape_segment, push_segment};
pub use problem::{YamlProblem, YamlProblemKind};
pub use scalar_map::{ScalarSourceMap, scalar_source_offset, scalar_source_range};

/// Parses every document of a YAML stream.
///
/// Never fails: problems are collected in [`ParsedYaml::problems`]. A syntax error stops the
/// parse (the YAML parser cannot recover); the documents completed before it are returned and the
/// document in progress is dropped. An empty text, or one of only comments, has no document.
///
/// Plain scalars are resolved with the YAML 1.2 core schema (`yes`, `no`, `on` and `off` stay
/// strings; `010` is the integer 10; `1_000` and `1:30` are strings).
pub fn parse_yaml(text: &str) -> ParsedYaml {
    build::parse(text)
}

/// The result of [`parse_yaml`]: the documents of the stream and the problems found.
#[derive(Debug, Clone, Default)]
pub struct ParsedYaml {
    /// Every complete document, in source order.
    pub documents: Vec<Document>,
    /// Problems in the input, in the order they were found (which is source order).
    pub problems: Vec<YamlProblem>,
}

/// One YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as JSON.
    pub value: serde_json::Value,
    /// The span tree; it mirrors [`Document::value`] exactly (see [`NodeKind`]).
    pub root: Node,
    /// Byte extent of the document: from its `---` marker when it has one, otherwise from the
    /// start of its content, to the end of its content.
    pub span: Range<usize>,
}

/// One node of the span tree.
///
/// Every span in the tree is a byte range into the original text, on char boundaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node is written.
    ///
    /// * Scalars: the scalar's own text, quotes included, anchor (`&a`) and tag (`!!str`)
    ///   properties excluded. A block scalar (`|`, `>`) covers its content: from the content
    ///   indentation of its first content line (leading empty lines excluded) to the end of its
    ///   last non-blank character, so the underline sits on the text and not on the header or the
    ///   trailing empty lines; a block scalar without content covers its header (`|-`). An empty
    ///   plain scalar (`key:` with no value) is zero-width, just after the `:` (or the `---` of
    ///   an empty document). A scalar whose offsets are mapped with [`scalar_source_offset`] may
    ///   map outside this span: to the line breaks around a block scalar's content.
    /// * Block collections: from the start of the first child to the end of the last child.
    /// * Flow collections: from `{` / `[` to `}` / `]` included.
    /// * A node reached through an alias (`*a`): the alias, see [`Node::alias_of`].
    pub span: Range<usize>,
    /// The content.
    pub kind: NodeKind,
    /// For the top node of an alias expansion, the span of the anchored node it copies (the span
    /// that node has where the anchor is defined); `None` elsewhere. The nodes below it keep the
    /// spans of the anchored subtree, so a diagnostic can underline both the value (where the
    /// anchor defines it) and the alias that put it here.
    pub alias_of: Option<Range<usize>>,
}

/// The content of a [`Node`].
///
/// Invariants that let a caller go from a [`serde_json::Value`] to its node by position:
/// a [`NodeKind::Sequence`] has one node per element of the JSON array, in order, and a
/// [`NodeKind::Mapping`] has one [`Entry`] per key of the JSON object, in the order of the
/// object's keys (insertion order: `serde_json` is built with `preserve_order`), so the `n`-th key
/// of the map is the `n`-th entry. Every JSON scalar (null, bool, number, string) is a
/// [`NodeKind::Scalar`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar of any style and any resolved JSON type.
    Scalar(Scalar),
    /// A sequence; items align with the JSON array.
    Sequence(Vec<Node>),
    /// A mapping; entries align with the JSON object's keys.
    Mapping(Vec<Entry>),
}

/// One key and value of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as it appears in the JSON object (the scalar's string value, never resolved:
    /// `1:` gives `"1"`, `true:` gives `"true"`).
    pub key: String,
    /// Where the key is written (same rules as a scalar's [`Node::span`]).
    pub key_span: Range<usize>,
    /// The value.
    pub value: Node,
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// In `'single quotes'`.
    SingleQuoted,
    /// In `"double quotes"`, with escapes.
    DoubleQuoted,
    /// A literal block scalar (`|`).
    Literal,
    /// A folded block scalar (`>`).
    Folded,
}

impl ScalarStyle {
    /// Whether the scalar is a block scalar (`|` or `>`).
    pub fn is_block(self) -> bool {
        matches!(self, ScalarStyle::Literal | ScalarStyle::Folded)
    }
}

/// A scalar node: what is needed to map offsets inside its decoded string back to the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    /// How the scalar is written.
    pub style: ScalarStyle,
    /// The scalar's source text, properties excluded: quotes included for quoted scalars; for
    /// block scalars from the indicator (`|`, `>`) to the end of the content. For a node reached
    /// through an alias this is the anchored scalar's text, so that offsets map to where the text
    /// is actually written.
    pub source: Range<usize>,
    /// For block scalars with at least one content line: the content indentation in columns.
    pub(crate) block_indent: Option<u32>,
}

impl Scalar {
    /// For a block scalar with at least one content line, its content indentation in columns
    /// (what an indentation indicator gave, or what the first content line shows).
    pub fn block_indent(&self) -> Option<u32> {
        self.block_indent
    }
}

impl Node {
    /// The entries, if the node is a mapping.
    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if the node is a sequence.
    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar, if the node is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The entry with this key, if the node is a mapping that has it (linear in the number of
    /// entries).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|entry| entry.key == key)
    }

    /// The item at this index, if the node is a sequence that long.
    pub fn index(&self, idx: usize) -> Option<&Node> {
        self.as_sequence()?.get(idx)
    }
}
