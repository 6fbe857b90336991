//! CA310 optional-terminate: a TERMINATE task marked `optional` (contract §4.2: rejected).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::TERMINATE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn optional_terminate(file: FileId, span: Range<usize>, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OptionalTerminate,
        format!("TERMINATE task `{name}` is optional"),
    )
    .with_primary(file, span, "not allowed on TERMINATE")
    .with_note(format!(
        "the server rejects it: terminate task cannot be optional, taskName: {name}"
    ))
    .with_help("remove `optional`")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() == TERMINATE && visit.task.optional == Some(true) {
            let span = scope.span(&format!("{}/optional", visit.pointer), Part::Key);
            out.push(optional_terminate(scope.file(), span, &visit.task.name));
        }
    });
}
