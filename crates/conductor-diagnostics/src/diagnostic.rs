//! The one [`Diagnostic`] type every stage returns, its [`Label`]s, and the deterministic order
//! in which every renderer shows diagnostics.

use std::cmp::Ordering;
use std::ops::Range;

use conductor_source::FileId;

use crate::codes::{Code, Severity};

/// A marked range of one file, with an optional text shown beside the underline.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    /// The file the span belongs to.
    pub file: FileId,
    /// Byte range into the file's original text. It may be empty (a zero-width position, e.g.
    /// "missing value here"). Renderers clamp a range that lies outside the file or cuts a
    /// character in two, so a wrong span degrades the output but never panics.
    pub span: Range<usize>,
    /// The text shown at the underline: short, lower case, no trailing period.
    pub message: Option<String>,
}

impl Label {
    /// A label over `span` of `file`; an empty `message` means no text.
    pub fn new(file: FileId, span: Range<usize>, message: impl Into<String>) -> Label {
        let message = message.into();
        Label {
            file,
            span,
            message: (!message.is_empty()).then_some(message),
        }
    }
}

/// One problem in the user's input, reported by any stage.
///
/// A diagnostic is data: stages build it, renderers format it, nothing here prints. It has a
/// [`Code`] from the catalogue (so every code a user sees is documented), a severity (the
/// code's default unless overridden), a message saying what is wrong, usually a primary label
/// at the place that is wrong, secondary labels for related places (possibly in other files),
/// and an optional help (how to fix it) and note (background).
///
/// ```
/// # use conductor_diagnostics::{Code, Diagnostic, Severity};
/// # use conductor_source::{SourceFile, SourceMap};
/// let mut map = SourceMap::new();
/// let file = map.add(SourceFile::new("a.yaml", "a.yaml", "name: a\nname: b\n"));
/// let diag = Diagnostic::new(Code::DuplicateKey, "duplicate key `name`")
///     .with_primary(file, 8..12, "duplicate key")
///     .with_secondary(file, 0..4, "first defined here")
///     .with_help("remove one of the two `name` entries");
/// assert_eq!(diag.severity(), Severity::Error);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    code: Code,
    severity: Severity,
    message: String,
    primary: Option<Label>,
    secondary: Vec<Label>,
    help: Option<String>,
    note: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no location yet.
    ///
    /// The message says what is wrong at the span: short, lower case, no trailing period,
    /// the user's text in backticks (`` unknown task reference `chrage` ``).
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            note: None,
        }
    }

    /// Sets the primary label: the place that is wrong. An empty `label` means no text beside
    /// the underline. Calling it again replaces the previous primary label.
    pub fn with_primary(
        mut self,
        file: FileId,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Diagnostic {
        self.primary = Some(Label::new(file, span, label));
        self
    }

    /// Adds a secondary label: a related place, in the same file or another one. Secondary
    /// labels are shown in the order they were added.
    pub fn with_secondary(
        mut self,
        file: FileId,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Diagnostic {
        self.secondary.push(Label::new(file, span, label));
        self
    }

    /// Sets the help: how to fix the problem, in one imperative line (`` did you mean
    /// `charge`? ``).
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the help to `` did you mean `suggestion`? `` when there is a near miss (see
    /// [`suggest`](crate::suggest)), which is then the likeliest fix, and to `otherwise` when
    /// there is not.
    pub fn with_suggestion_or_help(
        self,
        suggestion: Option<impl AsRef<str>>,
        otherwise: impl Into<String>,
    ) -> Diagnostic {
        match suggestion {
            Some(suggestion) => self.with_help(did_you_mean(suggestion.as_ref())),
            None => self.with_help(otherwise),
        }
    }

    /// Sets the help to `` did you mean `suggestion`? `` when there is a near miss, and leaves
    /// it as it is otherwise.
    pub fn with_suggestion(self, suggestion: Option<impl AsRef<str>>) -> Diagnostic {
        match suggestion {
            Some(suggestion) => self.with_help(did_you_mean(suggestion.as_ref())),
            None => self,
        }
    }

    /// Sets the note: background that explains the problem without being a fix.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.note = Some(note.into());
        self
    }

    /// Overrides the severity that the catalogue gives the code.
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The severity: the catalogue's default for the code unless overridden.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The primary label, if the diagnostic has a location.
    pub fn primary(&self) -> Option<&Label> {
        self.primary.as_ref()
    }

    /// The secondary labels, in the order they were added.
    pub fn secondary(&self) -> &[Label] {
        &self.secondary
    }

    /// The primary label (if any) followed by the secondary labels.
    pub fn labels(&self) -> impl Iterator<Item = &Label> {
        self.primary.iter().chain(self.secondary.iter())
    }

    /// How to fix the problem.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Background on the problem.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Compares two diagnostics in rendering order: by the primary label's file index, then
    /// its start offset, then the code, then the message (ruff's rendering sort key).
    /// Diagnostics without a location come first, since they concern the project as a whole.
    pub fn rendering_order(&self, other: &Diagnostic) -> Ordering {
        fn key(diag: &Diagnostic) -> (Option<(usize, usize)>, &'static str, &str) {
            let location = diag
                .primary
                .as_ref()
                .map(|label| (label.file.index(), label.span.start));
            (location, diag.code.as_str(), diag.message.as_str())
        }
        key(self).cmp(&key(other))
    }
}

/// Sorts diagnostics into rendering order (see [`Diagnostic::rendering_order`]). The sort is
/// stable, so diagnostics equal in that order keep the order they were reported in.
///
/// Every renderer in this crate applies the same order itself, so calling this is needed only
/// to hand sorted diagnostics to code of your own.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(Diagnostic::rendering_order);
}

/// The diagnostics in rendering order, without copying them.
pub(crate) fn sorted(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut refs: Vec<&Diagnostic> = diagnostics.iter().collect();
    refs.sort_by(|a, b| a.rendering_order(b));
    refs
}

/// Whether any of `diagnostics` is an error: what makes a command refuse to write, plan or
/// apply, and exit with a failure.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity == Severity::Error)
}

/// The help line for a near miss: `` did you mean `name`? ``.
pub fn did_you_mean(name: &str) -> String {
    format!("did you mean `{name}`?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use conductor_source::{SourceFile, SourceMap};

    fn two_files() -> (FileId, FileId) {
        let mut map = SourceMap::new();
        let a = map.add(SourceFile::new("a.yaml", "a.yaml", "a: 1\n"));
        let b = map.add(SourceFile::new("b.yaml", "b.yaml", "b: 1\n"));
        (a, b)
    }

    #[test]
    fn severity_defaults_to_the_catalogue_and_can_be_overridden() {
        let diag = Diagnostic::new(Code::DuplicateKey, "duplicate key `a`");
        assert_eq!(diag.severity(), Severity::Error);
        let diag = diag.with_severity(Severity::Warning);
        assert_eq!(diag.severity(), Severity::Warning);
    }

    #[test]
    fn empty_label_text_means_none() {
        let (a, _) = two_files();
        let diag = Diagnostic::new(Code::DuplicateKey, "m").with_primary(a, 0..1, "");
        assert_eq!(diag.primary().and_then(|l| l.message.as_deref()), None);
    }

    #[test]
    fn sort_by_file_offset_code_message_with_unlocated_first() {
        let (a, b) = two_files();
        let mut diags = vec![
            Diagnostic::new(Code::DuplicateKey, "z").with_primary(b, 0..1, ""),
            Diagnostic::new(Code::DuplicateKey, "y").with_primary(a, 3..4, ""),
            Diagnostic::new(Code::YamlSyntaxError, "x").with_primary(a, 3..4, ""),
            Diagnostic::new(Code::DuplicateKey, "b").with_primary(a, 0..1, ""),
            Diagnostic::new(Code::DuplicateKey, "a").with_primary(a, 0..1, ""),
            Diagnostic::new(Code::FileNotUtf8, "project"),
        ];
        sort_diagnostics(&mut diags);
        let messages: Vec<&str> = diags.iter().map(Diagnostic::message).collect();
        assert_eq!(messages, ["project", "a", "b", "x", "y", "z"]);
    }
}
