//! The canonical layout of conductor-apply's YAML files (`conductor-apply fmt`, and the language
//! server's formatting): layout only, every comment kept, meaning never changed.
//!
//! [`format_source`] reads a file with `conductor-source`'s YAML parser, walks the span tree it
//! builds, and writes the file again from its own source text:
//!
//! - **Indentation**: two spaces per level; a sequence under a key is indented under it
//!   (`key:` then `  - item`); a mapping or sequence that is a sequence item starts on the dash's
//!   line (`- ref: a`, `- - x`).
//! - **Keys** stay in the order they are written (nothing is sorted, so comments stay with what
//!   they describe and a diff shows only what the author changed).
//! - **Quoting**: a string is written plain when YAML 1.2 and YAML 1.1 readers both read it back
//!   as the same string (`"${a.b}"` becomes `${a.b}`; `"yes"`, `"1.0"`, `"null"`, `"*x"`, `"a: b"`
//!   and `"a #b"` keep their quotes); a string that needs quotes keeps the author's kind of
//!   quotes (double-quoted strings are re-escaped canonically; a single-quoted one that cannot
//!   stay single-quoted becomes double-quoted). The quoting rules are those `import` writes with
//!   (`conductor_source::yaml::plain_is_safe`), so a fresh import is already formatted.
//! - **Kept as written**: numbers, booleans and nulls (`0x1F`, `~`), flow collections
//!   (`{name: Ada}`, `[a, b]`: only their continuation lines are re-indented), aliases, anchors,
//!   tags, and block scalars (`|`, `>`: the header's chomping is kept, the content is
//!   re-indented, an indentation indicator is written only when the first line starts with a
//!   space).
//! - **Comments**: every comment is kept; a comment on its own line is indented like the entry
//!   that follows it (or, when it is deeper than that entry, like the deepest block it was
//!   written in); a trailing comment stays on its line, one space after the content.
//! - **Blank lines**: a run of blank lines becomes one; blank lines at the start of a block, of
//!   a document and at the end of the file are dropped.
//! - **Documents** (`---`) are kept, directives too; trailing whitespace is removed; the file
//!   ends with one line break; a byte order mark is dropped; CRLF files stay CRLF.
//!
//! The result is checked before it is returned ([`verify_same_meaning`]): it must parse without
//! problems, every document must have the same value (key order included), and the same
//! comments must be there in the same order. Anything else is a [`FormatError`], and the caller
//! keeps the file as it is. A file the parser reports problems in (a syntax error, a duplicate
//! key) is not formatted: [`FormatError::Yaml`] lists the problems with their positions.
//!
//! ```
//! let text = "workflow:   orders   # the name\ntasks:\n- ref: \"a\"\n  task: a\n";
//! let formatted = conductor_fmt::format_source(text).unwrap();
//! assert_eq!(formatted, "workflow: orders # the name\ntasks:\n  - ref: a\n    task: a\n");
//! assert_eq!(conductor_fmt::format_source(&formatted).unwrap(), formatted);
//! ```
//!
//! Knows nothing of Conductor: the CLI compiles the file before and after as a second check.
//! Does no I/O.

mod comments;
mod layout;
mod meaning;

use std::fmt;

pub use comments::comments;
pub use meaning::{first_difference, verify_same_meaning};

/// Why a text was not formatted. The text is left as it is in every case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// The YAML has problems (a syntax error, a duplicate key, an unknown anchor, ...): the
    /// formatter only rewrites files that parse cleanly.
    #[error("{}", first_problem(problems))]
    Yaml {
        /// Every problem, in source order.
        problems: Vec<Problem>,
    },
    /// The layout would change what the text means, or drop a comment; this is a bug in the
    /// formatter, caught before anything is written.
    #[error("{at}: formatting would change {what}; the file is left as it is (please report this)")]
    WouldChangeMeaning {
        /// Where, in the original text.
        at: Position,
        /// What would change (`the value at /tasks/0/input/x from "1.0" to 1.0`).
        what: String,
    },
    /// A construct the formatter does not lay out (an explicit `?` key, a lone carriage
    /// return).
    #[error("{at}: {what} is not supported by `fmt`; the file is left as it is")]
    Unsupported {
        /// Where, in the original text.
        at: Position,
        /// What.
        what: String,
    },
}

fn first_problem(problems: &[Problem]) -> String {
    match problems {
        [] => "the YAML does not parse".to_owned(),
        [only] => only.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// A problem of the YAML parser, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub at: Position,
    /// What (`duplicate key `ref``).
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A position in the text given to [`format_source`]: a byte offset (a byte order mark and the
/// carriage returns of CRLF line breaks not counted) and a 1-based line and column (in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Byte offset.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let mut offset_on_boundary = offset;
        while !text.is_char_boundary(offset_on_boundary) {
            offset_on_boundary -= 1;
        }
        let before = &text[..offset_on_boundary];
        let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
        Position {
            offset,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The canonical layout of `text` (see the crate documentation), checked to mean the same.
/// Formatting a formatted text gives it back unchanged.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    format_with(text, Hazard::None, true)
}

/// A deliberate mistake for tests of the meaning check: the layout it gives is wrong on
/// purpose, so that a test can show the check refusing it. Not for use outside tests.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hazard {
    /// No mistake: the real layout.
    None,
    /// Every quoted one-line string is written without its quotes, as a naive formatter that
    /// "removes needless quotes" without asking YAML would: `"1.0"` becomes the number `1.0`,
    /// `"yes"` a YAML 1.1 boolean.
    Unquote,
}

/// [`format_source`] with a [`Hazard`], and with the meaning check on or off, for tests of the
/// meaning checks (this crate's and the CLI's).
#[doc(hidden)]
pub fn format_with(text: &str, hazard: Hazard, verify: bool) -> Result<String, FormatError> {
    let input = layout::Input::normalise(text)?;
    let formatted = layout::lay_out(&input, hazard)?;
    if verify {
        verify_same_meaning(&input.text, &formatted)?;
    }
    Ok(input.restore_line_breaks(formatted))
}

#[cfg(test)]
mod tests;
