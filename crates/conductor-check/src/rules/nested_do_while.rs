//! CA319 nested-do-while: a DO_WHILE inside another DO_WHILE's body, which Conductor does not
//! support (contract §3.3 DO_WHILE; docs `do-while-task.md`).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::DO_WHILE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn nested_do_while(file: FileId, span: Range<usize>, reference: &str) -> Diagnostic {
    Diagnostic::new(Code::NestedDoWhile, format!("DO_WHILE `{reference}` is inside another loop"))
        .with_primary(file, span, "nested loop")
        .with_note("Conductor does not support nested DO_WHILE loops: iteration suffixes (`__<n>`) of the inner loop's tasks collide")
        .with_help("move the inner loop into a sub-workflow and call it from the outer loop")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() == DO_WHILE && visit.loop_depth > 0 {
            let span = scope.span(&format!("{}/type", visit.pointer), Part::Key);
            out.push(nested_do_while(
                scope.file(),
                span,
                &visit.task.task_reference_name,
            ));
        }
    });
}
