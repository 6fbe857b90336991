//! The one conversion from saphyr's character indexes to byte offsets.
//!
//! `saphyr_parser::Marker::index` counts characters, even where its error text says "byte";
//! every span we hand out is in bytes. An ASCII text needs no conversion. Otherwise a cursor
//! walks the text from the previous answer: saphyr's events arrive in source order and each
//! span is close to the previous one, so the total walk is linear in the text, and no table of
//! one entry per character is needed (on a 1.8 MB file such a table cost more than the rest of
//! the conversion, by cache misses).

/// Converts character indexes of one text into byte offsets.
pub(crate) struct CharOffsets<'t> {
    text: &'t str,
    ascii: bool,
    /// The cursor: `byte` is the byte offset of the character with index `char_idx`.
    char_idx: usize,
    byte: usize,
}

/// Length of the UTF-8 sequence that starts with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

impl<'t> CharOffsets<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        CharOffsets {
            text,
            ascii: text.is_ascii(),
            char_idx: 0,
            byte: 0,
        }
    }

    /// The byte offset of the character with this index; indexes past the end give the length
    /// of the text, so the result is always a char boundary inside the text.
    pub(crate) fn byte(&mut self, char_idx: usize) -> usize {
        let bytes = self.text.as_bytes();
        if self.ascii {
            return char_idx.min(bytes.len());
        }
        while self.char_idx < char_idx && self.byte < bytes.len() {
            let lead = bytes.get(self.byte).copied().unwrap_or(0);
            self.byte = (self.byte + utf8_len(lead)).min(bytes.len());
            self.char_idx += 1;
        }
        while self.char_idx > char_idx && self.byte > 0 {
            self.byte -= 1;
            while self.byte > 0 && !self.text.is_char_boundary(self.byte) {
                self.byte -= 1;
            }
            self.char_idx -= 1;
        }
        if self.char_idx < char_idx {
            // Past the end: the cursor stays at the end of the text.
            return bytes.len();
        }
        self.byte
    }
}

#[cfg(test)]
mod tests {
    use super::CharOffsets;

    #[test]
    fn converts_in_any_order() {
        let text = "aé😀名b";
        let expected: Vec<usize> = text
            .char_indices()
            .map(|(byte, _)| byte)
            .chain([text.len()])
            .collect();
        let mut offsets = CharOffsets::new(text);
        for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2]] {
            for char_idx in order {
                assert_eq!(offsets.byte(char_idx), expected[char_idx]);
            }
        }
        assert_eq!(offsets.byte(99), text.len());
        assert_eq!(offsets.byte(1), 1);
        let mut ascii = CharOffsets::new("abc");
        assert_eq!(ascii.byte(2), 2);
        assert_eq!(ascii.byte(7), 3);
    }
}
