//! Offsets inside a scalar's decoded string, mapped back to the source text.
//!
//! A `${…}` expression, a JavaScript error or a jq error is found at a byte offset inside the
//! *decoded* string; the diagnostic must underline the characters in the file. The parser does
//! not keep that mapping, so it is rebuilt here, on demand, by scanning the scalar's source again
//! with the rules of its style (YAML 1.2.2 §7.3 for flow scalars, §8.1 for block scalars),
//! following saphyr's scanner step by step:
//!
//! * every decoded character copied from the source maps to that character;
//! * a character produced by an escape (`\n`, `\u00e9`, `''`) maps to the escape's first
//!   character (the backslash, or the first quote of `''`);
//! * a space produced by folding a line break, and a `\n` produced by a line break, map to that
//!   line break (the kept one, for runs of empty lines);
//! * a `\n` that clipping or keeping adds after a last line without a line break maps to the end
//!   of the text (zero-width).
//!
//! The mapping is exact for every style; there is no case where it falls back to an
//! approximation. The only `None` answers are for offsets outside the decoded string, for nodes
//! that are not scalars, and for a text that is not the one the node was parsed from.

use std::ops::Range;

use super::source_scan::{
    Chomping, block_header_at, break_len, ceil_char_boundary, floor_char_boundary, is_blank,
    is_break, line_end,
};
use super::{Node, Scalar, ScalarStyle};

/// The byte offset in `text` of byte `value_offset` of the scalar's decoded string.
///
/// `value_offset` equal to the decoded length maps to the end of the content (just after the
/// source of the last decoded character); an offset inside a multi-byte character counts as that
/// character. `None` if `node` is not a scalar or the offset is past the end of the string.
/// Computed on demand by scanning the scalar's source (see the module docs); to map several
/// offsets of one scalar, build a [`ScalarSourceMap`] once.
pub fn scalar_source_offset(text: &str, node: &Node, value_offset: usize) -> Option<usize> {
    ScalarSourceMap::new(text, node)?.offset(value_offset)
}

/// The byte range in `text` of a byte range of the scalar's decoded string: from the source of
/// its first character to the end of the source of its last one (a whole escape such as
/// `\u00e9` when the range covers its character). An empty range maps to an empty range.
pub fn scalar_source_range(
    text: &str,
    node: &Node,
    value_range: Range<usize>,
) -> Option<Range<usize>> {
    ScalarSourceMap::new(text, node)?.range(value_range)
}

/// One run of the decoded string and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    decoded_start: usize,
    decoded_len: usize,
    src_start: usize,
    src_len: usize,
    /// Copied byte for byte from the source (so `src_len == decoded_len`); otherwise produced
    /// by an escape, a fold or a line break, and every offset in it maps to `src_start`.
    verbatim: bool,
}

/// The decoded string of one scalar together with the source position of each of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarSourceMap {
    decoded: String,
    pieces: Vec<Piece>,
    /// Where offsets map when the decoded string is empty.
    empty_at: usize,
}

impl ScalarSourceMap {
    /// Scans the scalar's source in `text` (the text the node was parsed from). `None` if the
    /// node is not a scalar, or if the text does not hold the scalar there.
    pub fn new(text: &str, node: &Node) -> Option<Self> {
        let scalar = node.as_scalar()?;
        Self::from_scalar(text, scalar)
    }

    /// Like [`ScalarSourceMap::new`], from the [`Scalar`] itself.
    pub fn from_scalar(text: &str, scalar: &Scalar) -> Option<Self> {
        let source = scalar.source.clone();
        if source.start > source.end || source.end > text.len() {
            return None;
        }
        let mut decoder = Decoder::new(text);
        let empty_at = match scalar.style {
            ScalarStyle::Plain => {
                decoder.plain(source.clone())?;
                source.start
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                decoder.quoted(source.start, scalar.style == ScalarStyle::SingleQuoted)?;
                (source.start + 1).min(source.end)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let folded = scalar.style == ScalarStyle::Folded;
                decoder.block(source.start, scalar.block_indent, folded)?;
                source.start
            }
        };
        Some(ScalarSourceMap {
            decoded: decoder.decoded,
            pieces: decoder.pieces,
            empty_at,
        })
    }

    /// The decoded string, as the parser produced it (callers may compare it with the value).
    pub fn decoded(&self) -> &str {
        &self.decoded
    }

    /// See [`scalar_source_offset`].
    pub fn offset(&self, value_offset: usize) -> Option<usize> {
        if value_offset > self.decoded.len() {
            return None;
        }
        if value_offset == self.decoded.len() {
            return Some(self.end_of(value_offset));
        }
        let offset = floor_char_boundary(&self.decoded, value_offset);
        let piece = self.piece_containing(offset)?;
        Some(if piece.verbatim {
            piece.src_start + (offset - piece.decoded_start)
        } else {
            piece.src_start
        })
    }

    /// See [`scalar_source_range`].
    pub fn range(&self, value_range: Range<usize>) -> Option<Range<usize>> {
        if value_range.start > value_range.end || value_range.end > self.decoded.len() {
            return None;
        }
        let start = self.offset(value_range.start)?;
        if value_range.is_empty() {
            return Some(start..start);
        }
        let end = ceil_char_boundary(&self.decoded, value_range.end);
        Some(start..self.end_of(end).max(start))
    }

    /// The source position just after the decoded bytes before `decoded_end` (> 0).
    fn end_of(&self, decoded_end: usize) -> usize {
        if decoded_end == 0 || self.pieces.is_empty() {
            return self.empty_at;
        }
        match self.piece_containing(decoded_end - 1) {
            Some(piece) if piece.verbatim => piece.src_start + (decoded_end - piece.decoded_start),
            Some(piece) => piece.src_start + piece.src_len,
            None => self.empty_at,
        }
    }

    fn piece_containing(&self, offset: usize) -> Option<&Piece> {
        let idx = self
            .pieces
            .partition_point(|piece| piece.decoded_start + piece.decoded_len <= offset);
        self.pieces.get(idx)
    }
}

/// Rebuilds a scalar's decoded string from its source, recording where each piece came from.
struct Decoder<'t> {
    text: &'t str,
    decoded: String,
    pieces: Vec<Piece>,
}

fn byte_at(text: &str, pos: usize) -> Option<u8> {
    text.as_bytes().get(pos).copied()
}

impl<'t> Decoder<'t> {
    fn new(text: &'t str) -> Self {
        Decoder {
            text,
            decoded: String::new(),
            pieces: Vec::new(),
        }
    }

    /// Copies `text[range]`, merging with the previous piece when both are contiguous.
    fn verbatim(&mut self, range: Range<usize>) -> Option<()> {
        if range.is_empty() {
            return Some(());
        }
        let slice = self.text.get(range.clone())?;
        let decoded_start = self.decoded.len();
        self.decoded.push_str(slice);
        if let Some(last) = self.pieces.last_mut()
            && last.verbatim
            && last.src_start + last.src_len == range.start
            && last.decoded_start + last.decoded_len == decoded_start
        {
            last.src_len += slice.len();
            last.decoded_len += slice.len();
            return Some(());
        }
        self.pieces.push(Piece {
            decoded_start,
            decoded_len: slice.len(),
            src_start: range.start,
            src_len: slice.len(),
            verbatim: true,
        });
        Some(())
    }

    /// Appends `decoded`, produced by the source `src` (an escape, a fold, a line break).
    fn replaced(&mut self, src: Range<usize>, decoded: &str) {
        self.pieces.push(Piece {
            decoded_start: self.decoded.len(),
            decoded_len: decoded.len(),
            src_start: src.start,
            src_len: src.end.saturating_sub(src.start),
            verbatim: false,
        });
        self.decoded.push_str(decoded);
    }

    fn line_break_at(&self, pos: usize) -> Option<Range<usize>> {
        let len = break_len(self.text, pos);
        (len > 0).then_some(pos..pos + len)
    }

    /// A plain scalar: runs of non-blank characters are copied; between two runs, spaces on one
    /// line are copied, and line breaks fold (one break is a space, `n` breaks are `n - 1`
    /// newlines), dropping the spaces around them.
    fn plain(&mut self, source: Range<usize>) -> Option<()> {
        let mut pos = source.start;
        while pos < source.end {
            let chunk_start = pos;
            while pos < source.end && !byte_at(self.text, pos).is_some_and(is_space_or_break) {
                pos += 1;
            }
            self.verbatim(chunk_start..pos)?;
            let gap_start = pos;
            let mut breaks = Vec::new();
            while pos < source.end && byte_at(self.text, pos).is_some_and(is_space_or_break) {
                match self.line_break_at(pos) {
                    Some(line_break) => {
                        pos = line_break.end;
                        breaks.push(line_break);
                    }
                    None => pos += 1,
                }
            }
            if pos >= source.end {
                break;
            }
            self.fold(gap_start..pos, &breaks)?;
        }
        Some(())
    }

    /// Joins two runs separated by `gap`, which contains `breaks`.
    fn fold(&mut self, gap: Range<usize>, breaks: &[Range<usize>]) -> Option<()> {
        match breaks {
            [] => self.verbatim(gap)?,
            [only] => self.replaced(only.clone(), " "),
            [_, kept @ ..] => {
                for line_break in kept {
                    self.replaced(line_break.clone(), "\n");
                }
            }
        }
        Some(())
    }

    /// A quoted scalar whose opening quote is at `open`, mirroring saphyr's `scan_flow_scalar`.
    fn quoted(&mut self, open: usize, single: bool) -> Option<()> {
        let quote = if single { b'\'' } else { b'"' };
        if byte_at(self.text, open) != Some(quote) {
            return None;
        }
        let mut pos = open + 1;
        loop {
            let mut leading_blanks = false;
            // Non-blank characters, escapes included.
            loop {
                let byte = byte_at(self.text, pos)?;
                if is_space_or_break(byte) {
                    break;
                }
                if byte == quote {
                    if single && byte_at(self.text, pos + 1) == Some(b'\'') {
                        self.replaced(pos..pos + 2, "'");
                        pos += 2;
                        continue;
                    }
                    break;
                }
                if !single && byte == b'\\' {
                    if let Some(line_break) = self.line_break_at(pos + 1) {
                        // An escaped line break: it and the next line's indentation vanish.
                        pos = line_break.end;
                        leading_blanks = true;
                        break;
                    }
                    let (len, decoded) = escape_at(self.text, pos)?;
                    let mut buf = [0; 4];
                    self.replaced(pos..pos + len, decoded.encode_utf8(&mut buf));
                    pos += len;
                    continue;
                }
                let len = self.text.get(pos..)?.chars().next()?.len_utf8();
                self.verbatim(pos..pos + len)?;
                pos += len;
            }
            if byte_at(self.text, pos)? == quote {
                return Some(());
            }
            // Blanks and line breaks.
            let mut spaces: Option<Range<usize>> = None;
            let mut leading_break: Option<Range<usize>> = None;
            let mut trailing_breaks = Vec::new();
            while let Some(byte) = byte_at(self.text, pos) {
                if is_blank(byte) {
                    if !leading_blanks {
                        let start = spaces.as_ref().map_or(pos, |spaces| spaces.start);
                        spaces = Some(start..pos + 1);
                    }
                    pos += 1;
                } else if let Some(line_break) = self.line_break_at(pos) {
                    pos = line_break.end;
                    if leading_blanks {
                        trailing_breaks.push(line_break);
                    } else {
                        spaces = None;
                        leading_break = Some(line_break);
                        leading_blanks = true;
                    }
                } else {
                    break;
                }
            }
            if leading_blanks {
                match leading_break {
                    Some(line_break) if trailing_breaks.is_empty() => {
                        self.replaced(line_break, " ");
                    }
                    _ => {
                        for line_break in trailing_breaks {
                            self.replaced(line_break, "\n");
                        }
                    }
                }
            } else if let Some(spaces) = spaces {
                self.verbatim(spaces)?;
            }
        }
    }

    /// Skips up to `limit` spaces (all of them with `None`); returns the new position.
    fn skip_indent(&self, mut pos: usize, limit: Option<usize>, line_start: usize) -> usize {
        while byte_at(self.text, pos) == Some(b' ')
            && limit.is_none_or(|limit| pos - line_start < limit)
        {
            pos += 1;
        }
        pos
    }

    /// A block scalar whose header (`|`, `>`) is at `header_start`, mirroring saphyr's
    /// `scan_block_scalar`. `indent` is the content indentation, `None` when there is no content
    /// line.
    fn block(&mut self, header_start: usize, indent: Option<u32>, folded: bool) -> Option<()> {
        let header = block_header_at(self.text, header_start)?;
        let indent = match indent {
            Some(indent) => Some(usize::try_from(indent).ok()?),
            None => None,
        };
        let header_line_end = line_end(self.text, header.span.end);
        let mut pos = header_line_end;
        let mut line_start = pos;
        let mut moved_to_next_line = false;
        if let Some(line_break) = self.line_break_at(pos) {
            pos = line_break.end;
            line_start = pos;
            moved_to_next_line = true;
        }

        // Empty lines before the first content line.
        let mut trailing_breaks = Vec::new();
        loop {
            pos = self.skip_indent(pos, indent, line_start);
            match self.line_break_at(pos) {
                Some(line_break) => {
                    pos = line_break.end;
                    line_start = pos;
                    trailing_breaks.push(line_break);
                }
                None => break,
            }
        }
        let at_eof = pos >= self.text.len();

        let Some(indent) = indent else {
            // No content line.
            if header.chomping == Chomping::Keep {
                let column = pos - line_start;
                if at_eof && trailing_breaks.is_empty() && moved_to_next_line && column > 0 {
                    self.replaced(pos..pos, "\n");
                }
                for line_break in trailing_breaks {
                    self.replaced(line_break, "\n");
                }
            }
            return Some(());
        };

        let mut leading_break: Option<Range<usize>> = None;
        let mut leading_blank = false;
        while pos - line_start == indent && self.is_content_start(pos) {
            if indent == 0 && self.is_document_end(pos) {
                break;
            }
            let trailing_blank = byte_at(self.text, pos).is_some_and(is_blank);
            if folded && leading_break.is_some() && !leading_blank && !trailing_blank {
                if trailing_breaks.is_empty()
                    && let Some(line_break) = leading_break.take()
                {
                    self.replaced(line_break, " ");
                }
            } else if let Some(line_break) = leading_break.take() {
                self.replaced(line_break, "\n");
            }
            for line_break in trailing_breaks.drain(..) {
                self.replaced(line_break, "\n");
            }
            leading_break = None;
            leading_blank = trailing_blank;

            let content_end = line_end(self.text, pos);
            self.verbatim(pos..content_end)?;
            pos = content_end;
            let Some(line_break) = self.line_break_at(pos) else {
                break;
            };
            pos = line_break.end;
            line_start = pos;
            leading_break = Some(line_break);
            loop {
                pos = self.skip_indent(pos, Some(indent), line_start);
                match self.line_break_at(pos) {
                    Some(line_break) => {
                        pos = line_break.end;
                        line_start = pos;
                        trailing_breaks.push(line_break);
                    }
                    None => break,
                }
            }
        }

        // Chomping.
        if header.chomping != Chomping::Strip {
            if let Some(line_break) = leading_break {
                self.replaced(line_break, "\n");
            }
            if pos >= self.text.len() && pos - line_start >= indent.max(1) {
                self.replaced(pos..pos, "\n");
            }
        }
        if header.chomping == Chomping::Keep {
            for line_break in trailing_breaks {
                self.replaced(line_break, "\n");
            }
        }
        Some(())
    }

    /// Whether a content line can start at `pos`: not at the end, a line break or a BOM.
    fn is_content_start(&self, pos: usize) -> bool {
        match self.text.get(pos..).and_then(|rest| rest.chars().next()) {
            Some(c) => c != '\n' && c != '\r' && c != '\u{feff}',
            None => false,
        }
    }

    /// `...` followed by a blank, a line break or the end.
    fn is_document_end(&self, pos: usize) -> bool {
        self.text.as_bytes().get(pos..pos + 3) == Some(b"...".as_slice())
            && byte_at(self.text, pos + 3).is_none_or(is_space_or_break)
    }
}

fn is_space_or_break(byte: u8) -> bool {
    is_blank(byte) || is_break(byte)
}

/// The escape at `pos` (a backslash) in a double-quoted scalar: its source length and the
/// character it stands for (YAML 1.2.2 §5.7).
fn escape_at(text: &str, pos: usize) -> Option<(usize, char)> {
    let simple = match byte_at(text, pos + 1)? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex_escape(text, pos, 2),
        b'u' => return utf16_escape(text, pos),
        b'U' => return hex_escape(text, pos, 8),
        _ => return None,
    };
    Some((2, simple))
}

/// A `\u` escape; a leading surrogate takes the trailing one after it. YAML has no surrogate
/// escapes, but JSON writes characters beyond the Basic Multilingual Plane so, and the JSON
/// loader's strings are mapped by this decoder too.
fn utf16_escape(text: &str, pos: usize) -> Option<(usize, char)> {
    let hex = |at: usize| {
        let digits = text.get(at..at + 4)?;
        if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    };
    let first = hex(pos + 2)?;
    if !(0xd800..0xdc00).contains(&first) {
        return Some((6, char::from_u32(first)?));
    }
    if text.get(pos + 6..pos + 8)? != "\\u" {
        return None;
    }
    let second = hex(pos + 8).filter(|second| (0xdc00..0xe000).contains(second))?;
    let code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
    Some((12, char::from_u32(code)?))
}

fn hex_escape(text: &str, pos: usize, digits: usize) -> Option<(usize, char)> {
    let hex = text.get(pos + 2..pos + 2 + digits)?;
    if !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(hex, 16).ok()?;
    Some((2 + digits, char::from_u32(code)?))
}
