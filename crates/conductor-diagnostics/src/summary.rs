//! Counting diagnostics by severity and file, and the one-line summary printed after them.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::codes::Severity;
use crate::diagnostic::Diagnostic;

/// Counts of one run's diagnostics: the data behind the summary line and the JSON `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    /// Diagnostics with severity error.
    pub errors: usize,
    /// Diagnostics with severity warning.
    pub warnings: usize,
    /// Diagnostics with severity note.
    pub notes: usize,
    /// Distinct files holding the primary label of at least one diagnostic.
    pub files_with_problems: usize,
    /// Files the run checked, as the caller counted them.
    pub files_checked: usize,
}

impl Summary {
    /// Counts `diagnostics`; `files_checked` is the number of files the run looked at.
    pub fn new(diagnostics: &[Diagnostic], files_checked: usize) -> Summary {
        let mut summary = Summary {
            files_checked,
            ..Summary::default()
        };
        let mut files = BTreeSet::new();
        for diag in diagnostics {
            match diag.severity() {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Note => summary.notes += 1,
            }
            if let Some(label) = diag.primary() {
                files.insert(label.file);
            }
        }
        summary.files_with_problems = files.len();
        summary
    }

    /// The most serious severity counted, or `None` when there are no diagnostics.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.notes > 0 {
            Some(Severity::Note)
        } else {
            None
        }
    }

    /// The summary line, without a trailing line break:
    /// `error: 3 errors, 1 warning in 2 files`, `warning: 1 warning in 1 file`, or
    /// `no problems found in 12 files`. The prefix is the most serious severity present.
    pub fn line(&self) -> String {
        let Some(worst) = self.worst() else {
            return format!(
                "no problems found in {}",
                counted(self.files_checked, "file", "files")
            );
        };
        let counts: Vec<String> = [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.notes, "note", "notes"),
        ]
        .into_iter()
        .filter(|&(count, _, _)| count > 0)
        .map(|(count, singular, plural)| counted(count, singular, plural))
        .collect();
        let mut line = format!("{worst}: {}", counts.join(", "));
        if self.files_with_problems > 0 {
            line.push_str(" in ");
            line.push_str(&counted(self.files_with_problems, "file", "files"));
        }
        line
    }
}

/// `1 file`, `2 files`, `0 files`.
fn counted(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

/// The summary line for `diagnostics` after checking `files_checked` files; see
/// [`Summary::line`].
pub fn summary_line(diagnostics: &[Diagnostic], files_checked: usize) -> String {
    Summary::new(diagnostics, files_checked).line()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use conductor_source::{SourceFile, SourceMap};

    fn line(diagnostics: &[Diagnostic], files_checked: usize) -> String {
        summary_line(diagnostics, files_checked)
    }

    #[test]
    fn no_problems_counts_checked_files() {
        assert_eq!(line(&[], 12), "no problems found in 12 files");
        assert_eq!(line(&[], 1), "no problems found in 1 file");
        assert_eq!(line(&[], 0), "no problems found in 0 files");
    }

    #[test]
    fn counts_with_plurals_and_worst_prefix() {
        let mut map = SourceMap::new();
        let a = map.add(SourceFile::new("a.yaml", "a.yaml", "a: 1\n"));
        let b = map.add(SourceFile::new("b.yaml", "b.yaml", "b: 1\n"));
        let error = |file| Diagnostic::new(Code::DuplicateKey, "e").with_primary(file, 0..1, "");
        let warning = Diagnostic::new(Code::DuplicateKey, "w")
            .with_severity(Severity::Warning)
            .with_primary(a, 0..1, "");
        let note = Diagnostic::new(Code::DuplicateKey, "n").with_severity(Severity::Note);

        let diags = [error(a), error(a), error(b), warning.clone()];
        assert_eq!(line(&diags, 5), "error: 3 errors, 1 warning in 2 files");
        assert_eq!(
            line(std::slice::from_ref(&warning), 5),
            "warning: 1 warning in 1 file"
        );
        let diags = [warning.clone(), warning, note.clone(), note.clone()];
        assert_eq!(line(&diags, 5), "warning: 2 warnings, 2 notes in 1 file");
        assert_eq!(line(&[note], 5), "note: 1 note");
    }
}
