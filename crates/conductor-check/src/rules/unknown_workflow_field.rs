//! CA403 unknown-workflow-field: `${workflow.<field>}` with a field the server does not put in
//! the resolution document (contract §6.2), such as `workflow.createTime`, which resolves to
//! `null`.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, format_available_with_limit, suggest};
use conductor_source::FileId;

use crate::resolve::Site;
use crate::shape::{WORKFLOW_FIELDS, WORKFLOW_SPECIAL_FIELDS};

fn unknown_workflow_field(
    file: FileId,
    span: Range<usize>,
    field: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UnknownWorkflowField,
        format!("`workflow` has no field `{field}`"),
    )
    .with_primary(file, span, "not a field of `workflow`")
    .with_note(format!(
        "the server resolves it to null; {}",
        format_available_with_limit(
            WORKFLOW_FIELDS
                .iter()
                .chain(WORKFLOW_SPECIAL_FIELDS)
                .copied(),
            usize::MAX
        )
    ));
    if field == "name" {
        diagnostic.with_help("the workflow's name is `workflow.workflowType`")
    } else {
        diagnostic.with_suggestion(suggestion)
    }
}

/// Checks the field after `workflow`; returns whether it is known, so that the rules on what
/// follows it run.
pub(crate) fn check(
    site: &Site<'_>,
    field: &str,
    range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if WORKFLOW_FIELDS.contains(&field) || WORKFLOW_SPECIAL_FIELDS.contains(&field) {
        return true;
    }
    let suggestion = suggest(
        field,
        WORKFLOW_FIELDS
            .iter()
            .chain(WORKFLOW_SPECIAL_FIELDS)
            .copied(),
    );
    out.push(unknown_workflow_field(
        site.scope.file(),
        site.span(range),
        field,
        suggestion,
    ));
    false
}
