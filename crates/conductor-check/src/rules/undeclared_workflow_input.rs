//! CA407 undeclared-workflow-input: `${workflow.input.<name>}` where the workflow declares its
//! inputs (`inputParameters`, `inputTemplate`, `inputSchema`) and `name` is not among them. A
//! start request may pass anything, so this is a warning; the name is usually a typo.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, format_available, suggest};
use conductor_source::FileId;

use crate::resolve::Site;

fn undeclared_workflow_input(
    file: FileId,
    span: Range<usize>,
    name: &str,
    declared: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UndeclaredWorkflowInput,
        format!("the workflow does not declare input `{name}`"),
    )
    .with_primary(file, span, "not a declared input")
    .with_note(format!(
        "a missing input resolves to null; declared inputs {declared}"
    ));
    diagnostic.with_suggestion_or_help(
        suggestion,
        format!("add `{name}` to the workflow's `inputs`"),
    )
}

pub(crate) fn check(site: &Site<'_>, name: &str, range: Range<usize>, out: &mut Vec<Diagnostic>) {
    let Some(declared) = &site.flow.declared_inputs else {
        return;
    };
    if declared.contains(name) {
        return;
    }
    out.push(undeclared_workflow_input(
        site.scope.file(),
        site.span(range),
        name,
        &format_available(declared.iter().copied()),
        suggest(name, declared.iter().copied()),
    ));
}
