//! From a JSON pointer into a document to the byte span that a diagnostic underlines.

use std::ops::Range;

use conductor_source::yaml::Node;

/// The span tree of one document, kept after its value has been read into DSL types.
#[derive(Debug, Clone)]
pub struct DocumentSpans {
    /// The root node.
    pub root: Node,
    /// The byte extent of the document.
    pub span: Range<usize>,
}

/// Which part of a mapping entry to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The key (`timeout` in `timeout: 5x`).
    Key,
    /// The value (`5x`).
    Value,
    /// The head of the node: its key when it is a mapping value, else its first line (for a
    /// mapping, its first key; for a sequence item written as a mapping, `- ref: ...`'s first
    /// key).
    Head,
}

/// The span of the node at `segments`, or of its nearest existing ancestor when the path goes
/// further than the document (a default-generated value), or the document's start.
pub fn span_at<S: AsRef<str>>(
    document: &DocumentSpans,
    segments: &[S],
    part: Part,
) -> Range<usize> {
    for len in (0..=segments.len()).rev() {
        let prefix = segments.get(..len).unwrap_or_default();
        if let Some(found) = document
            .root
            .lookup_segments(prefix.iter().map(AsRef::as_ref))
        {
            return match part {
                Part::Key => found.key_span.unwrap_or_else(|| head(found.node)),
                Part::Value => found.node.span.clone(),
                Part::Head => found.key_span.unwrap_or_else(|| head(found.node)),
            };
        }
    }
    document.span.start..document.span.start
}

/// The first line's worth of a node: a mapping's first key, a sequence's first item head, a
/// scalar itself.
pub fn head(node: &Node) -> Range<usize> {
    if let Some(first) = node.as_mapping().and_then(<[_]>::first) {
        return first.key_span.clone();
    }
    if let Some(first) = node.as_sequence().and_then(<[_]>::first) {
        return head(first);
    }
    node.span.clone()
}

/// Splits an RFC 6901 pointer into unescaped segments (`~1` → `/`, `~0` → `~`).
pub fn split_pointer(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect()
}

pub use conductor_source::yaml::escape_segment;
