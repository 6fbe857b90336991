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
    /// The strings whose `((name))` references the environment overlay replaced
    /// ([`crate::overlay`]), by the start of their scalar's span.
    pub replaced: Vec<ReplacedString>,
}

impl DocumentSpans {
    /// The span tree of a document no overlay changed.
    pub fn new(root: Node, span: Range<usize>) -> DocumentSpans {
        DocumentSpans {
            root,
            span,
            replaced: Vec::new(),
        }
    }

    /// A byte range of the string at `node` as the later stages see it (after the overlay),
    /// as a range of the string as written: offsets after a replaced `((name))` move back by
    /// the difference in length, and an offset inside a replaced value falls on the whole
    /// `((name))`. The identity for a string the overlay did not change.
    pub fn written_range(&self, node: &Node, range: Range<usize>) -> Range<usize> {
        let Some(replaced) = self
            .replaced
            .iter()
            .find(|replaced| replaced.scalar_start == node.span.start)
        else {
            return range;
        };
        let start = replaced.written_offset(range.start, false);
        let end = replaced.written_offset(range.end, true).max(start);
        start..end
    }
}

/// A string the environment overlay changed: each `((name))` replaced, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedString {
    /// The start of the scalar's span in the file (its [`Node::span`]).
    pub scalar_start: usize,
    /// The replacements, in order: where each `((name))` is in the string as written, how long
    /// it is there, and how long its value is.
    pub replacements: Vec<Replacement>,
}

/// One `((name))` replaced by its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// Byte offset of the `((` in the string as written.
    pub at: usize,
    /// Byte length of `((name))`.
    pub written_len: usize,
    /// Byte length of the value put in its place.
    pub value_len: usize,
}

impl ReplacedString {
    /// The offset in the string as written of `offset` in the replaced string; inside a value,
    /// the start of its `((name))` (or its end, for the end of a range).
    fn written_offset(&self, offset: usize, is_end: bool) -> usize {
        // How far the replaced string runs ahead of the written one so far.
        let mut ahead: isize = 0;
        for replacement in &self.replacements {
            let value_start = replacement.at.saturating_add_signed(ahead);
            if offset < value_start || (is_end && offset == value_start) {
                break;
            }
            let value_end = value_start + replacement.value_len;
            if offset < value_end {
                return if is_end {
                    replacement.at + replacement.written_len
                } else {
                    replacement.at
                };
            }
            ahead += replacement.value_len as isize - replacement.written_len as isize;
        }
        offset.saturating_add_signed(-ahead)
    }
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

#[cfg(test)]
mod replaced_tests {
    use super::*;

    /// `a((x))b((yy))c` written; `x` = `XXXX`, `yy` = `` (empty): replaced `aXXXXbc`.
    #[test]
    fn offsets_of_a_replaced_string_map_to_the_string_as_written() {
        let replaced = ReplacedString {
            scalar_start: 0,
            replacements: vec![
                Replacement {
                    at: 1,
                    written_len: 5,
                    value_len: 4,
                },
                Replacement {
                    at: 7,
                    written_len: 6,
                    value_len: 0,
                },
            ],
        };
        // `a` and before it.
        assert_eq!(replaced.written_offset(0, false), 0);
        assert_eq!(replaced.written_offset(1, true), 1);
        // Inside `XXXX`: the whole `((x))`.
        assert_eq!(replaced.written_offset(2, false), 1);
        assert_eq!(replaced.written_offset(3, true), 6);
        // `b` (replaced offset 5) is written at 6; `c` (6) at 13, after the empty value.
        assert_eq!(replaced.written_offset(5, false), 6);
        assert_eq!(replaced.written_offset(6, false), 13);
        assert_eq!(replaced.written_offset(7, true), 14);
    }
}
