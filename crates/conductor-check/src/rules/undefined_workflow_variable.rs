//! CA408 undefined-workflow-variable: `${workflow.variables.<name>}` that no SET_VARIABLE task
//! sets and the workflow's `variables` does not default (contract §3.3 SET_VARIABLE); the
//! server resolves it to `null`.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_source::FileId;

use crate::resolve::Site;

fn undefined_workflow_variable(
    file: FileId,
    span: Range<usize>,
    name: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UndefinedWorkflowVariable,
        format!("no task sets workflow variable `{name}`"),
    )
    .with_primary(file, span, "never set")
    .with_note("variables exist once a SET_VARIABLE task sets them; until then the server resolves them to null");
    diagnostic.with_suggestion_or_help(
        suggestion,
        format!("set it with a `setVariable: {{{name}: ...}}` task before it is read"),
    )
}

pub(crate) fn check(site: &Site<'_>, name: &str, range: Range<usize>, out: &mut Vec<Diagnostic>) {
    if site.flow.variables.contains(name) {
        return;
    }
    out.push(undefined_workflow_variable(
        site.scope.file(),
        site.span(range),
        name,
        suggest(name, site.flow.variables.iter().copied()),
    ));
}
