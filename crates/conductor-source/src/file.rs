//! Source files held in memory, and the byte-offset → line/column lookup used for display.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::SourceError;

/// Reads a file into a [`SourceFile`]; `display_name` is the name shown in diagnostics.
///
/// The text is kept exactly as read (a byte order mark included), since every span is a byte
/// offset into it. A file that is not UTF-8 is an error that says so.
pub fn read_source(
    path: &Path,
    display_name: impl Into<String>,
) -> Result<SourceFile, SourceError> {
    let bytes = std::fs::read(path).map_err(|source| SourceError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|error| SourceError::NotUtf8 {
        path: path.to_path_buf(),
        valid_up_to: error.utf8_error().valid_up_to(),
    })?;
    Ok(SourceFile::new(display_name, path, text))
}

/// One file of the repository, read into memory once.
///
/// Every span anywhere in conductor-apply is a byte range into [`SourceFile::text`]; line and
/// column are computed from it only for display, through [`SourceFile::line_col`].
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    path: PathBuf,
    text: String,
    /// Byte offset of the first byte of every line; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

/// A 1-based line and a 1-based column counted in Unicode scalar values (characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

impl SourceFile {
    /// Wraps `text` read from `path`; `name` is the path as shown to the user (forward slashes,
    /// relative to where the user ran the tool when possible).
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        // `match_indices` with a `char` searches with memchr, far faster than a byte loop.
        line_starts.extend(text.match_indices('\n').map(|(idx, _)| idx + 1));
        SourceFile {
            name: name.into(),
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The name shown in diagnostics.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text of the file.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column of a byte offset. Offsets past the end clamp to the end of the text;
    /// an offset inside a multi-byte character counts as that character.
    pub fn line_col(&self, byte: usize) -> LineCol {
        let byte = byte.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&byte) {
            Ok(idx) => idx,
            Err(idx) => idx.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..)
            .map(|rest| {
                rest.char_indices()
                    .take_while(|&(i, _)| line_start + i < byte)
                    .count()
            })
            .unwrap_or(0);
        LineCol {
            line: line_idx + 1,
            column: column + 1,
        }
    }

    /// Byte range of the given 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map(|next| next - 1)
            .unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Some(start..end.max(start))
    }

    /// Number of lines (a trailing line break does not start a new counted line of text,
    /// but an empty last line is still addressable).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Identifies a file inside a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

impl FileId {
    /// An id that belongs to no map, for work that needs a `FileId` but reports nothing (its
    /// diagnostics are dropped). Using it with a [`SourceMap`] is a bug.
    pub fn detached() -> FileId {
        FileId(u32::MAX)
    }

    /// The position of the file in its map, for deterministic ordering.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Every file of one run, in the order they were added (which callers keep sorted by name so
/// that output is deterministic).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// Puts `file` in place of the file with this id, keeping the id: an editor's buffer
    /// replacing the text on disk, so that everything that refers to the other files stays
    /// valid. An id this map did not issue changes nothing.
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        if let Some(slot) = self.files.get_mut(id.index()) {
            *slot = file;
        }
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Never for ids this map returned; an id from another map is a bug in the caller.
    pub fn get(&self, id: FileId) -> &SourceFile {
        self.files
            .get(id.index())
            .expect("invariant: a FileId is only used with the SourceMap that issued it")
    }

    /// All files with their ids, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(idx, file)| (FileId(idx as u32), file))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the map holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let file = SourceFile::new("a.yaml", "a.yaml", "ab\nné: x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // "né: x": 'x' is at byte 3 + 5 = 8 ('é' is two bytes) and character column 5.
        assert_eq!(file.line_col(8), LineCol { line: 2, column: 5 });
        assert_eq!(file.line_col(999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn line_range_excludes_line_break() {
        let file = SourceFile::new("a.yaml", "a.yaml", "ab\r\ncd");
        assert_eq!(file.line_range(1), Some(0..2));
        assert_eq!(file.line_range(2), Some(4..6));
        assert_eq!(file.line_range(3), None);
    }
}
