//! Positions and document addresses as LSP has them: a line and a UTF-16 code unit offset in
//! it (the protocol's default encoding), and `file://` URIs.
//!
//! Everything inside conductor-apply is a byte offset into the text; this module is the one
//! place that converts, so that a non-ASCII character before a position (`é`, an emoji, which
//! is two UTF-16 units) never shifts an underline.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The byte offset of each line's start in a text; line breaks are `\n` (a `\r` before one
/// belongs to the line it ends).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        LineIndex { starts }
    }

    /// The LSP position (0-based line, UTF-16 column) of a byte offset; an offset past the
    /// end clamps to the end, one inside a character counts as that character's start.
    pub fn position(&self, text: &str, byte: usize) -> (u32, u32) {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = match self.starts.binary_search(&byte) {
            Ok(idx) => idx,
            Err(idx) => idx.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text
            .get(start..byte)
            .map_or(0, |prefix| prefix.encode_utf16().count());
        (to_u32(line), to_u32(column))
    }

    /// The byte offset of an LSP position; a column past the line's end clamps to it, a line
    /// past the last to the end of the text.
    pub fn offset(&self, text: &str, line: u32, character: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let mut units = 0u32;
        for (idx, ch) in text.get(start..end).unwrap_or("").char_indices() {
            if units >= character {
                return start + idx;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }

    /// An LSP `Range` of a byte range.
    pub fn range(&self, text: &str, span: &Range<usize>) -> Value {
        let (start_line, start_char) = self.position(text, span.start);
        let (end_line, end_char) = self.position(text, span.end.max(span.start));
        json!({
            "start": {"line": start_line, "character": start_char},
            "end": {"line": end_line, "character": end_char},
        })
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The path of a `file://` URI (percent-decoded), or `None` for another scheme.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///home/a` has an empty authority; `file://localhost/home/a` names the host.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while let Some(&byte) = bytes.get(idx) {
        if byte == b'%'
            && let Some(hex) = rest.get(idx + 1..idx + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            decoded.push(value);
            idx += 3;
            continue;
        }
        decoded.push(byte);
        idx += 1;
    }
    let path = String::from_utf8(decoded).ok()?;
    Some(PathBuf::from(path))
}

/// The `file://` URI of an absolute path, percent-encoding what a URI path may not hold.
pub fn path_to_uri(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_after_non_ascii_text() {
        // `é` is two bytes and one UTF-16 unit; `😀` is four bytes and two units.
        let text = "a: é😀x\nb: y\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(index.position(text, x), (0, 6));
        assert_eq!(index.offset(text, 0, 6), x);
        let y = text.find('y').unwrap_or_default();
        assert_eq!(index.position(text, y), (1, 3));
        assert_eq!(index.offset(text, 1, 3), y);
        // Past the end of a line: the line's end; past the last line: the text's end.
        assert_eq!(
            index.offset(text, 0, 99),
            text.find('\n').unwrap_or_default()
        );
        assert_eq!(index.offset(text, 9, 0), text.len());
    }

    #[test]
    fn uris_round_trip_through_paths() {
        let path = Path::new("/tmp/a dir/é.yaml");
        let uri = path_to_uri(path);
        assert_eq!(uri, "file:///tmp/a%20dir/%C3%A9.yaml");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        assert_eq!(uri_to_path("untitled:1"), None);
    }
}
