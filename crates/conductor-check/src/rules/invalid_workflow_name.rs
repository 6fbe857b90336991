//! CA315 invalid-workflow-name: a workflow name with characters that servers with name
//! validation on reject (contract §4.2: alphanumerics, spaces, `_`, `-`, `<`, `>`, `{`, `}`,
//! `#`).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

pub(crate) fn invalid_workflow_name(
    file: FileId,
    span: Range<usize>,
    name: &str,
    character: char,
) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidWorkflowName,
        format!("workflow name `{name}` contains `{character}`"),
    )
    .with_primary(file, span, "not allowed by name validation")
    .with_note(format!("servers with `conductor.app.workflow.name-validation.enabled=true` reject it with: Invalid name '{name}'. Allowed characters are alphanumeric, underscores, spaces, hyphens, and special characters like <, >, {{, }}, #"))
    .with_help("use letters, digits, spaces, `_` and `-`")
}

/// The first character outside the allowed set, if any.
pub(crate) fn first_invalid(name: &str) -> Option<char> {
    name.chars().find(|c| {
        !(c.is_ascii_alphanumeric()
            || c.is_whitespace()
            || matches!(c, '_' | '-' | '<' | '>' | '{' | '}' | '#'))
    })
}
