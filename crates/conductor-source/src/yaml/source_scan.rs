//! Small scanners over the raw YAML text, for what saphyr's events do not say exactly: where
//! node properties end, where a quoted scalar's closing quote is, where a block scalar's header
//! is.
//!
//! All positions are byte offsets. Every function is total: positions past the end of the text
//! are clamped, and only ASCII bytes are ever compared, so results stay on char boundaries.

use std::ops::Range;

/// The node properties (`&anchor`, `!tag`) written before a node's content.
#[derive(Debug, Default, Clone)]
pub(crate) struct Properties {
    pub(crate) anchor: Option<Range<usize>>,
    pub(crate) tag: Option<Range<usize>>,
    /// First byte after the properties and the separation (spaces, line breaks, comments)
    /// that follows them; never past the `limit` given to [`skip_properties`].
    pub(crate) content_start: usize,
}

fn byte_at(text: &str, pos: usize) -> Option<u8> {
    text.as_bytes().get(pos).copied()
}

pub(crate) fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

pub(crate) fn is_break(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

fn is_flow_indicator(byte: u8) -> bool {
    matches!(byte, b',' | b'[' | b']' | b'{' | b'}')
}

/// Length of the line break at `pos` (`\r\n` counts as one break of two bytes); 0 when there is
/// none.
pub(crate) fn break_len(text: &str, pos: usize) -> usize {
    match byte_at(text, pos) {
        Some(b'\r') if byte_at(text, pos + 1) == Some(b'\n') => 2,
        Some(b'\r' | b'\n') => 1,
        _ => 0,
    }
}

/// Position of the first line break at or after `pos`, or the end of the text.
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut idx = pos.min(bytes.len());
    while let Some(&byte) = bytes.get(idx) {
        if is_break(byte) {
            break;
        }
        idx += 1;
    }
    idx
}

/// Skips spaces, tabs, line breaks and comments from `pos`, stopping at `limit`.
fn skip_separation(text: &str, mut pos: usize, limit: usize) -> usize {
    while pos < limit {
        match byte_at(text, pos) {
            Some(byte) if is_blank(byte) || is_break(byte) => pos += 1,
            // Only reached at the start of a token, where `#` always starts a comment.
            Some(b'#') => pos = line_end(text, pos),
            _ => break,
        }
    }
    pos.min(limit)
}

/// End of the whitespace-separated token starting at `pos` (a property or an indicator run).
fn token_end(text: &str, pos: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let verbatim_tag = bytes.get(pos..pos + 2) == Some(b"!<".as_slice());
    let mut idx = pos;
    while idx < limit {
        let Some(&byte) = bytes.get(idx) else { break };
        if verbatim_tag {
            idx += 1;
            if byte == b'>' {
                break;
            }
            continue;
        }
        if is_blank(byte) || is_break(byte) || (idx > pos && is_flow_indicator(byte)) {
            break;
        }
        idx += 1;
    }
    // `limit` and the stops above are ASCII positions or the end of a valid slice, but a limit
    // inside a multi-byte character must not leak out.
    floor_char_boundary(text, idx.min(limit))
}

/// The largest char boundary not above `pos` (clamped to the text).
pub(crate) fn floor_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while pos > 0 && !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// The smallest char boundary not below `pos` (clamped to the text).
pub(crate) fn ceil_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while pos < text.len() && !text.is_char_boundary(pos) {
        pos += 1;
    }
    pos
}

/// Reads the properties that start at `start` (saphyr includes them in a node's span) and finds
/// where the node's content starts, without going past `limit`.
pub(crate) fn skip_properties(text: &str, start: usize, limit: usize) -> Properties {
    let limit = limit.min(text.len());
    let mut props = Properties::default();
    let mut pos = start.min(limit);
    loop {
        pos = skip_separation(text, pos, limit);
        match byte_at(text, pos) {
            Some(b'&') if pos < limit && props.anchor.is_none() => {
                let end = token_end(text, pos, limit);
                props.anchor = Some(pos..end);
                pos = end;
            }
            Some(b'!') if pos < limit && props.tag.is_none() => {
                let end = token_end(text, pos, limit);
                props.tag = Some(pos..end);
                pos = end;
            }
            _ => break,
        }
    }
    props.content_start = pos.min(limit);
    props
}

/// The position just after the closing quote of the quoted scalar whose opening quote is at
/// `start`, or `None` if there is none (never the case for a scalar saphyr accepted).
///
/// saphyr's span for a quoted scalar runs on over trailing spaces and a comment; this finds the
/// real end.
pub(crate) fn quoted_end(text: &str, start: usize, single: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut idx = start + 1;
    loop {
        let byte = *bytes.get(idx)?;
        if single {
            if byte == b'\'' {
                if bytes.get(idx + 1) == Some(&b'\'') {
                    idx += 2;
                    continue;
                }
                return Some(idx + 1);
            }
        } else if byte == b'\\' {
            // Skipping one byte is enough: only ASCII bytes are compared, and a UTF-8
            // continuation byte never equals one.
            idx += 2;
            continue;
        } else if byte == b'"' {
            return Some(idx + 1);
        }
        idx += 1;
    }
}

/// How a block scalar's trailing line breaks are kept (YAML 1.2 §8.1.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chomping {
    /// `-`: no trailing line break.
    Strip,
    /// Default: one trailing line break.
    Clip,
    /// `+`: every trailing line break.
    Keep,
}

/// A block scalar header: `|` or `>`, then an optional indentation indicator and chomping
/// indicator in either order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockHeader {
    pub(crate) span: Range<usize>,
    pub(crate) chomping: Chomping,
}

/// Parses a block scalar header token, if `text[span]` is one.
fn parse_block_header(text: &str, span: Range<usize>) -> Option<BlockHeader> {
    let token = text.as_bytes().get(span.clone())?;
    let (first, rest) = token.split_first()?;
    if *first != b'|' && *first != b'>' {
        return None;
    }
    let mut chomping = Chomping::Clip;
    let mut seen_digit = false;
    let mut seen_chomp = false;
    for &byte in rest {
        match byte {
            b'-' | b'+' if !seen_chomp => {
                seen_chomp = true;
                chomping = if byte == b'-' {
                    Chomping::Strip
                } else {
                    Chomping::Keep
                };
            }
            b'1'..=b'9' if !seen_digit => seen_digit = true,
            _ => return None,
        }
    }
    Some(BlockHeader { span, chomping })
}

/// Finds the header of a block scalar by reading tokens from `from` (a position at a token
/// boundary before the header: the end of the previous event, or the start of the scalar's
/// properties) up to `limit`.
///
/// Between those two points there can only be indicators (`-`, `?`, `:`, `---`), properties,
/// comments and whitespace, so a simple tokenizer is exact.
pub(crate) fn find_block_header(text: &str, from: usize, limit: usize) -> Option<BlockHeader> {
    let limit = limit.min(text.len());
    let mut pos = from.min(limit);
    loop {
        pos = skip_separation(text, pos, limit);
        if pos >= limit {
            return None;
        }
        let end = token_end(text, pos, limit);
        if end <= pos {
            return None;
        }
        if let Some(header) = parse_block_header(text, pos..end) {
            return Some(header);
        }
        pos = end;
    }
}

/// Reads the header at `span` again (for the offset mapper, which only keeps the position).
pub(crate) fn block_header_at(text: &str, start: usize) -> Option<BlockHeader> {
    let end = token_end(text, start, text.len());
    parse_block_header(text, start..end)
}
