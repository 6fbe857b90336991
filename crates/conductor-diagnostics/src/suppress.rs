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
//! A reason may follow the names in parentheses. A name that is no code (CA108), and a code
//! that suppressed nothing (CA109), are reported by [`allow_comment_problems`].
//!
//! It applies to diagnostics whose primary label starts on the next line that is not itself a
//! comment (so several allow comments can stack above one line). Suppression is a filter
//! over finished diagnostics and the source text; it knows nothing of who produced them.

use std::collections::BTreeMap;
use std::ops::Range;

use conductor_source::{FileId, SourceFile, SourceMap};

use crate::codes::{Code, Stage};
use crate::diagnostic::Diagnostic;
use crate::suggest::suggest;

/// The marker that starts an allow comment, after the `#`.
pub const ALLOW_MARKER: &str = "conductor-apply: allow";

/// The outcome of [`suppress`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressed {
    /// The diagnostics that remain, in their original order.
    pub kept: Vec<Diagnostic>,
    /// How many were suppressed.
    pub suppressed: usize,
    /// Every allow comment of the files, with what each name suppressed.
    pub comments: Vec<AllowComment>,
}

/// One allow comment in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowComment {
    /// The file.
    pub file: FileId,
    /// Its line (1-based).
    pub line: usize,
    /// The names it lists, in order.
    pub names: Vec<AllowedName>,
}

/// One name of an allow comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedName {
    /// As written.
    pub text: String,
    /// Where it is written (bytes).
    pub span: Range<usize>,
    /// The code it names, if any.
    pub code: Option<Code>,
    /// Whether it suppressed a diagnostic.
    pub used: bool,
}

/// Removes the diagnostics whose code is in `allowed` (the project's list) or named by an
/// allow comment above their primary line. Diagnostics without a location are suppressed only
/// by `allowed`. Every allow comment of `sources` is returned, with which of its names were
/// used, for [`allow_comment_problems`].
pub fn suppress(diagnostics: Vec<Diagnostic>, sources: &SourceMap, allowed: &[Code]) -> Suppressed {
    let mut comments = Vec::new();
    for (file, source) in sources.iter() {
        comments.extend(allow_comments(file, source));
    }
    let by_line: BTreeMap<(usize, usize), usize> = comments
        .iter()
        .enumerate()
        .map(|(idx, comment)| ((comment.file.index(), comment.line), idx))
        .collect();
    let mut outcome = Suppressed::default();
    for diagnostic in diagnostics {
        if !diagnostic.code().can_be_allowed() {
            outcome.kept.push(diagnostic);
            continue;
        }
        // The comment first, so that it counts as used even when the project allows the code.
        let by_comment = diagnostic.primary().is_some_and(|label| {
            label.file.index() < sources.len()
                && allowed_by_comment(
                    sources.get(label.file),
                    label.file,
                    label.span.start,
                    diagnostic.code(),
                    &by_line,
                    &mut comments,
                )
        });
        let by_project = allowed.contains(&diagnostic.code());
        if by_comment || by_project {
            outcome.suppressed += 1;
        } else {
            outcome.kept.push(diagnostic);
        }
    }
    outcome.comments = comments;
    outcome
}

/// Whether the comment lines directly above the line holding `offset` allow `code`; the name
/// that does is marked used.
fn allowed_by_comment(
    file: &SourceFile,
    id: FileId,
    offset: usize,
    code: Code,
    by_line: &BTreeMap<(usize, usize), usize>,
    comments: &mut [AllowComment],
) -> bool {
    let text = file.text();
    let mut line = file.line_col(offset).line;
    while line > 1 {
        line -= 1;
        let Some(range) = file.line_range(line) else {
            return false;
        };
        if let Some(comment) = by_line
            .get(&(id.index(), line))
            .and_then(|&idx| comments.get_mut(idx))
            && let Some(name) = comment
                .names
                .iter_mut()
                .find(|name| name.code == Some(code))
        {
            name.used = true;
            return true;
        }
        // Keep climbing only over lines that are nothing but a comment.
        let content = text.get(range).unwrap_or_default();
        if !content.trim_start().starts_with('#') {
            return false;
        }
    }
    false
}

/// The allow comments of one file, in line order.
fn allow_comments(id: FileId, file: &SourceFile) -> Vec<AllowComment> {
    let text = file.text();
    let mut comments: Vec<AllowComment> = Vec::new();
    for (at, _) in text.match_indices(ALLOW_MARKER) {
        let line = file.line_col(at).line;
        if comments.last().is_some_and(|last| last.line == line) {
            continue;
        }
        let Some(range) = file.line_range(line) else {
            continue;
        };
        let content = text.get(range.clone()).unwrap_or_default();
        let Some(names) = allow_comment_names(content) else {
            continue;
        };
        let names = names
            .into_iter()
            .map(|(offset, name)| AllowedName {
                text: name.to_owned(),
                span: range.start + offset..range.start + offset + name.len(),
                code: Code::lookup(name),
                used: false,
            })
            .collect();
        comments.push(AllowComment {
            file: id,
            line,
            names,
        });
    }
    comments
}

/// The names listed by an allow comment in `line`, with their byte offsets in the line; `None`
/// when the line has no allow comment.
fn allow_comment_names(line: &str) -> Option<Vec<(usize, &str)>> {
    // The marker must open a comment: `#`, optional spaces, the marker. Searching for the
    // marker rather than the first `#` keeps a `#` inside a quoted value from hiding it.
    let (at, _) = line.match_indices(ALLOW_MARKER).find(|(at, _)| {
        line.get(..*at)
            .is_some_and(|before| before.trim_end().ends_with('#'))
    })?;
    let start = at + ALLOW_MARKER.len();
    let mut names = Vec::new();
    let mut name_start: Option<usize> = None;
    // A reason may follow in parentheses: `allow CA406 (the default case is empty on purpose)`.
    let rest = line.get(start..)?;
    let rest = rest.split_once('(').map_or(rest, |(names, _)| names);
    for (idx, c) in rest.char_indices().chain([(rest.len(), ' ')]) {
        if c == ',' || c.is_whitespace() {
            if let Some(from) = name_start.take()
                && let Some(name) = rest.get(from..idx)
            {
                names.push((start + from, name));
            }
        } else if name_start.is_none() {
            name_start = Some(idx);
        }
    }
    Some(names)
}

/// The codes named by an allow comment in `line`, if it has one.
pub fn allow_comment_codes(line: &str) -> impl Iterator<Item = Code> + '_ {
    allow_comment_names(line)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, name)| Code::lookup(name))
}

fn unknown_allowed_code(file: FileId, name: &AllowedName) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownAllowedCode,
        format!("`{}` is not a diagnostic code", name.text),
    )
    .with_primary(file, name.span.clone(), "no such code")
    .with_note("an allow comment naming no code suppresses nothing")
    .with_suggestion_or_help(
        suggest(&name.text, Code::infos().map(|info| info.name)),
        "`conductor-apply explain --list` lists every code; write a reason in parentheses after the codes",
    )
}

fn unallowable_code(file: FileId, name: &AllowedName, code: Code) -> Diagnostic {
    Diagnostic::new(
        Code::UnallowableCode,
        format!("`{}` cannot be allowed", name.text),
    )
    .with_primary(file, name.span.clone(), "this error is reported anyway")
    .with_note(unallowable_reason(code))
    .with_help("fix the error, then remove the code from the comment")
}

/// Why `code` cannot be allowed, for CA111 here and in the project file's `allow` list.
pub fn unallowable_reason(code: Code) -> String {
    format!(
        "{} is a {} error: the document it is in is never compiled, so allowing it would make the definition vanish from `compile` and `apply`",
        code.info().code,
        code.info().stage,
    )
}

fn unused_allow_comment(file: FileId, name: &AllowedName, code: Code) -> Diagnostic {
    Diagnostic::new(
        Code::UnusedAllowComment,
        format!("`{}` is allowed here, but nothing reports it", name.text),
    )
    .with_primary(
        file,
        name.span.clone(),
        format!("no {} on the next line", code.info().code),
    )
    .with_help("remove it from the comment")
}

/// The problems of allow comments: a name that is no code (CA108), a code that cannot be
/// allowed (CA111, see [`Code::can_be_allowed`]), and a name that suppressed
/// nothing (CA109) where `judge_unused` says that the run could have reported its code in that
/// file (a file whose documents were all checked, a code the run's stages produce).
pub fn allow_comment_problems(
    comments: &[AllowComment],
    judge_unused: impl Fn(FileId, Code) -> bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for comment in comments {
        for name in &comment.names {
            match name.code {
                None => out.push(unknown_allowed_code(comment.file, name)),
                Some(code) if !code.can_be_allowed() => {
                    out.push(unallowable_code(comment.file, name, code));
                }
                Some(code) if !name.used && judge_unused(comment.file, code) => {
                    out.push(unused_allow_comment(comment.file, name, code));
                }
                Some(_) => {}
            }
        }
    }
    out
}

/// The files (by index) where a YAML or schema error kept later checks from running on all of
/// them: an allow comment there may be unused only because its diagnostic was never computed,
/// so it is not judged (CA109).
pub fn files_checked_incompletely(diagnostics: &[Diagnostic]) -> std::collections::BTreeSet<usize> {
    diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic.severity() == crate::Severity::Error
                && matches!(
                    diagnostic.code().info().stage,
                    crate::Stage::Load | crate::Stage::Schema
                )
        })
        .filter_map(|diagnostic| diagnostic.primary().map(|label| label.file.index()))
        .collect()
}

/// Whether a code can be judged unused in a run without a server version or a server: the
/// server-version codes appear only with a target version.
pub fn reported_without_target(code: Code) -> bool {
    code.info().stage != Stage::ServerVersion
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
    fn names_end_at_a_reason_in_parentheses() {
        let line = "  # conductor-apply: allow CA406, unknown-task-field (on purpose, CA401)";
        let names = allow_comment_names(line).expect("an allow comment");
        let texts: Vec<&str> = names.iter().map(|(_, name)| *name).collect();
        assert_eq!(texts, ["CA406", "unknown-task-field"]);
        let (offset, name) = names[1];
        assert_eq!(&line[offset..offset + name.len()], name);
    }

    #[test]
    fn unknown_and_unused_names_are_problems() {
        let text = "# conductor-apply: allow CA406, CA999, nope\nb: 1\n";
        let mut map = SourceMap::new();
        let file = map.add(SourceFile::new("a.yaml", "a.yaml", text));
        let start = map.get(file).line_range(2).expect("line").start;
        let diagnostic = Diagnostic::new(Code::ReferenceIntoBranch, "problem").with_primary(
            file,
            start..start + 1,
            "",
        );
        let outcome = suppress(vec![diagnostic], &map, &[]);
        assert_eq!(outcome.suppressed, 1);
        let codes: Vec<Code> = allow_comment_problems(&outcome.comments, |_, _| true)
            .iter()
            .map(Diagnostic::code)
            .collect();
        assert_eq!(codes, [Code::UnknownAllowedCode, Code::UnknownAllowedCode]);
        let unused = suppress(vec![], &map, &[]);
        let codes: Vec<Code> = allow_comment_problems(&unused.comments, |_, _| true)
            .iter()
            .map(Diagnostic::code)
            .collect();
        assert_eq!(
            codes,
            [
                Code::UnusedAllowComment,
                Code::UnknownAllowedCode,
                Code::UnknownAllowedCode
            ]
        );
        assert_eq!(
            allow_comment_problems(&unused.comments, |_, _| false).len(),
            2
        );
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
