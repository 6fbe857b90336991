//! Suppressing diagnostics the user has decided to accept: an allow comment on the line before
//! the offending line, or a list of codes for the whole project.
//!
//! The comment is a YAML comment naming codes or names, separated by commas or spaces:
//!
//! ```yaml
//! input:
//!   # conductor-apply: allow CA406, undeclared-workflow-input
//!   cost: ${express_quote.output.result}
//! ```
//!
//! It applies to diagnostics whose primary label starts on the next line that is not itself a
//! comment (so several allow comments can stack above one line). Suppression is a filter
//! over finished diagnostics and the source text; it knows nothing of who produced them.

use conductor_source::{SourceFile, SourceMap};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;

/// The marker that starts an allow comment, after the `#`.
pub const ALLOW_MARKER: &str = "conductor-apply: allow";

/// The outcome of [`suppress`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// The diagnostics that remain, in their original order.
    pub kept: Vec<Diagnostic>,
    /// How many were suppressed.
    pub suppressed: usize,
}

/// Removes the diagnostics whose code is in `allowed` (the project's list) or named by an
/// allow comment above their primary line. Diagnostics without a location are suppressed only
/// by `allowed`.
pub fn suppress(diagnostics: Vec<Diagnostic>, sources: &SourceMap, allowed: &[Code]) -> Suppressed {
    let mut outcome = Suppressed::default();
    for diagnostic in diagnostics {
        let by_project = allowed.contains(&diagnostic.code());
        let by_comment = || {
            diagnostic.primary().is_some_and(|label| {
                label.file.index() < sources.len()
                    && allowed_by_comment(
                        sources.get(label.file),
                        label.span.start,
                        diagnostic.code(),
                    )
            })
        };
        if by_project || by_comment() {
            outcome.suppressed += 1;
        } else {
            outcome.kept.push(diagnostic);
        }
    }
    outcome
}

/// Whether the comment lines directly above the line holding `offset` allow `code`.
fn allowed_by_comment(file: &SourceFile, offset: usize, code: Code) -> bool {
    let text = file.text();
    let mut line = file.line_col(offset).line;
    while line > 1 {
        line -= 1;
        let Some(range) = file.line_range(line) else {
            return false;
        };
        let content = text.get(range).unwrap_or_default();
        if allow_comment_codes(content).any(|allowed| allowed == code) {
            return true;
        }
        // Keep climbing only over lines that are nothing but a comment.
        if !content.trim_start().starts_with('#') {
            return false;
        }
    }
    false
}

/// The codes named by an allow comment in `line`, if it has one.
pub fn allow_comment_codes(line: &str) -> impl Iterator<Item = Code> + '_ {
    // The marker must open a comment: `#`, optional spaces, the marker. Searching for the
    // marker rather than the first `#` keeps a `#` inside a quoted value from hiding it.
    let names = line
        .match_indices(ALLOW_MARKER)
        .find(|(at, _)| {
            line.get(..*at)
                .is_some_and(|before| before.trim_end().ends_with('#'))
        })
        .and_then(|(at, _)| line.get(at + ALLOW_MARKER.len()..))
        .unwrap_or_default();
    names
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        .filter_map(Code::lookup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use conductor_source::SourceFile;

    fn run(text: &str, code: Code, line: usize, allowed: &[Code]) -> usize {
        let mut map = SourceMap::new();
        let file = map.add(SourceFile::new("a.yaml", "a.yaml", text));
        let start = map.get(file).line_range(line).expect("line").start;
        let diagnostic = Diagnostic::new(code, "problem").with_primary(file, start..start + 1, "");
        suppress(vec![diagnostic], &map, allowed).suppressed
    }

    #[test]
    fn comment_on_the_line_before_suppresses_by_code_or_name() {
        let text = "a:\n  # conductor-apply: allow CA406\n  b: 1\n";
        assert_eq!(run(text, Code::ReferenceIntoBranch, 3, &[]), 1);
        assert_eq!(run(text, Code::UnknownTaskField, 3, &[]), 0);
        let named = "a:\n  # conductor-apply: allow reference-into-branch, CA404\n  b: 1\n";
        assert_eq!(run(named, Code::ReferenceIntoBranch, 3, &[]), 1);
        assert_eq!(run(named, Code::UnknownTaskField, 3, &[]), 1);
    }

    #[test]
    fn comments_stack_but_code_lines_stop_the_search() {
        let stacked = "# conductor-apply: allow CA406\n# another comment\nb: 1\n";
        assert_eq!(run(stacked, Code::ReferenceIntoBranch, 3, &[]), 1);
        let interrupted = "# conductor-apply: allow CA406\nx: 2\nb: 1\n";
        assert_eq!(run(interrupted, Code::ReferenceIntoBranch, 3, &[]), 0);
        let trailing = "x: 2  # conductor-apply: allow CA406\nb: 1\n";
        assert_eq!(run(trailing, Code::ReferenceIntoBranch, 2, &[]), 1);
        let hash_in_value = "x: \"a#b\"  # conductor-apply: allow CA406\nb: 1\n";
        assert_eq!(run(hash_in_value, Code::ReferenceIntoBranch, 2, &[]), 1);
        let not_a_comment = "x: \"conductor-apply: allow CA406\"\nb: 1\n";
        assert_eq!(run(not_a_comment, Code::ReferenceIntoBranch, 2, &[]), 0);
    }

    #[test]
    fn project_list_suppresses_everywhere() {
        assert_eq!(
            run(
                "b: 1\n",
                Code::ReferenceIntoBranch,
                1,
                &[Code::ReferenceIntoBranch]
            ),
            1
        );
        assert_eq!(
            run(
                "b: 1\n",
                Code::ReferenceIntoBranch,
                1,
                &[Code::UnknownTaskField]
            ),
            0
        );
    }
}
