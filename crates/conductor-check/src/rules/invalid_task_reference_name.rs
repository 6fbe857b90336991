//! CA302 invalid-task-reference-name: a reference name that breaks expressions: it contains
//! `__` or `.`, or it is `workflow` (contract §6.8).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn invalid_task_reference_name(
    file: FileId,
    span: Range<usize>,
    reference: &str,
    why: &str,
    note: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidTaskReferenceName,
        format!("task reference `{reference}` {why}"),
    )
    .with_primary(file, span, "invalid reference name")
    .with_note(note.to_owned())
    .with_help("use letters, digits, `_` and `-`, without a double underscore")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let reference = visit.task.task_reference_name.as_str();
        let problem = if reference == "workflow" {
            Some((
                "is `workflow`",
                "a task named `workflow` shadows the workflow in expressions: `${workflow.input...}` would read this task",
            ))
        } else if reference.contains("__") {
            Some((
                "contains `__`",
                "Conductor appends `__<iteration>` to references inside loops and cuts a reference at `__` when resolving expressions",
            ))
        } else if reference.contains('.') {
            Some((
                "contains `.`",
                "expressions split on `.`: `${a.b.output}` looks for a task `a`, and the server's registration check does the same",
            ))
        } else {
            None
        };
        if let Some((why, note)) = problem {
            let span = scope.span(&format!("{}/taskReferenceName", visit.pointer), Part::Value);
            out.push(invalid_task_reference_name(
                scope.file(),
                span,
                reference,
                why,
                note,
            ));
        }
    });
}
