//! CA308 switch-without-cases: a SWITCH or DECISION with no case (contract §4.2: the server
//! rejects it, even when a default case is given).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::{DECISION, SWITCH};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn switch_without_cases(
    file: FileId,
    span: Range<usize>,
    task_type: &str,
    name: &str,
) -> Diagnostic {
    Diagnostic::new(Code::SwitchWithoutCases, format!("{task_type} `{name}` has no case"))
        .with_primary(file, span, "needs at least one case")
        .with_note(format!(
            "the server rejects it: decisionCases should have atleast one task for taskType: {task_type} taskName: {name}"
        ))
        .with_help("add a case; if every path runs the same tasks, drop the switch and run them directly")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task_type = visit.task.type_name();
        if task_type != SWITCH && task_type != DECISION {
            return;
        }
        if visit
            .task
            .decision_cases
            .as_ref()
            .is_some_and(|cases| !cases.is_empty())
        {
            return;
        }
        let span = scope.span(&format!("{}/decisionCases", visit.pointer), Part::Key);
        out.push(switch_without_cases(
            scope.file(),
            span,
            task_type,
            &visit.task.name,
        ));
    });
}
