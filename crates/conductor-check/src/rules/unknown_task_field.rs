//! CA404 unknown-task-field: `${ref.<field>}` with a field the server does not record for a
//! task (contract §6.2), such as the typo `.ouput`, which resolves to `null`.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, format_available_with_limit, suggest};
use conductor_source::FileId;

use crate::resolve::Site;
use crate::shape::TASK_FIELDS;

fn unknown_task_field(
    file: FileId,
    span: Range<usize>,
    reference: &str,
    field: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UnknownTaskField,
        format!("task `{reference}` has no field `{field}`"),
    )
    .with_primary(file, span, "not a field of a task")
    .with_note(format!(
        "the server resolves it to null; {}",
        format_available_with_limit(TASK_FIELDS.iter().copied(), usize::MAX)
    ));
    diagnostic.with_suggestion_or_help(
        suggestion,
        format!("read the task's output: `{reference}.output.<key>`"),
    )
}

/// Checks the field after a task reference; returns whether it is known.
pub(crate) fn check(
    site: &Site<'_>,
    reference: &str,
    field: &str,
    range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if TASK_FIELDS.contains(&field) {
        return true;
    }
    let suggestion = suggest(field, TASK_FIELDS.iter().copied());
    out.push(unknown_task_field(
        site.scope.file(),
        site.span(range),
        reference,
        field,
        suggestion,
    ));
    false
}
