//! Turning a [`Label`] into a displayable location: the file, a span made safe to slice, and
//! line and column of both ends. Every renderer goes through here, so a span outside its file
//! or inside a multi-byte character is handled once and the same way for every format.

use std::ops::Range;

use conductor_source::{FileId, LineCol, SourceFile, SourceMap};

use crate::diagnostic::Label;

/// A label resolved against its file.
#[derive(Debug, Clone)]
pub(crate) struct Location<'a> {
    /// The file's id, for grouping labels by file.
    pub(crate) file_id: FileId,
    /// The file.
    pub(crate) file: &'a SourceFile,
    /// The label's span, clamped to the file and widened to character boundaries.
    pub(crate) span: Range<usize>,
    /// Line and column (in characters) of the first character of the span.
    pub(crate) start: LineCol,
    /// Line and column just after the last character of the span (exclusive end); equal to
    /// `start` for an empty span.
    pub(crate) end: LineCol,
    /// The label's text.
    pub(crate) message: Option<&'a str>,
}

impl<'a> Location<'a> {
    /// Resolves `label`, or `None` when its file is not in `map` (a caller bug that must not
    /// panic the renderer: the label is then left out).
    pub(crate) fn resolve(label: &'a Label, map: &'a SourceMap) -> Option<Location<'a>> {
        if label.file.index() >= map.len() {
            return None;
        }
        let file = map.get(label.file);
        let span = clamp_span(file.text(), &label.span);
        Some(Location {
            file_id: label.file,
            file,
            start: file.line_col(span.start),
            end: file.line_col(span.end),
            span,
            message: label.message.as_deref(),
        })
    }

    /// Number of characters before the span (SARIF's `charOffset` in code points).
    pub(crate) fn char_offset(&self) -> usize {
        self.file
            .text()
            .get(..self.span.start)
            .map_or(0, |before| before.chars().count())
    }

    /// Number of characters in the span (SARIF's `charLength` in code points).
    pub(crate) fn char_length(&self) -> usize {
        self.file
            .text()
            .get(self.span.clone())
            .map_or(0, |inside| inside.chars().count())
    }
}

/// Makes `span` safe to slice `text` with: a reversed range is put in order, both ends are
/// clamped to the text, the start moves back and the end forward to the nearest character
/// boundary, so the span still covers every character it touched. An empty span stays empty.
pub(crate) fn clamp_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let (low, high) = if span.start <= span.end {
        (span.start, span.end)
    } else {
        (span.end, span.start)
    };
    let mut start = low.min(text.len());
    let mut end = high.min(text.len());
    // `start` only moves back and `end` only forward, so `start <= end` holds throughout.
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    if low == high {
        return start..start;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamp_keeps_good_spans() {
        assert_eq!(clamp_span("abc", &(1..2)), 1..2);
        assert_eq!(clamp_span("abc", &(3..3)), 3..3);
    }

    #[test]
    fn clamp_fixes_out_of_range_reversed_and_split_characters() {
        assert_eq!(clamp_span("abc", &(2..99)), 2..3);
        assert_eq!(clamp_span("abc", &(50..99)), 3..3);
        assert_eq!(clamp_span("abc", &Range { start: 2, end: 1 }), 1..2);
        // 'é' is bytes 1..3: a span from inside it widens to the whole character.
        assert_eq!(clamp_span("aéb", &(2..2)), 1..1);
        assert_eq!(clamp_span("aéb", &(2..4)), 1..4);
        assert_eq!(clamp_span("", &(0..5)), 0..0);
    }

    #[test]
    fn resolve_counts_columns_in_characters_with_exclusive_end() {
        let mut map = SourceMap::new();
        let file = map.add(SourceFile::new("a.yaml", "a.yaml", "né: x\n"));
        let label = Label::new(file, 5..6, "here");
        let location = Location::resolve(&label, &map).expect("file is in the map");
        assert_eq!(location.start, LineCol { line: 1, column: 5 });
        assert_eq!(location.end, LineCol { line: 1, column: 6 });
        assert_eq!(location.char_offset(), 4);
        assert_eq!(location.char_length(), 1);
    }
}
