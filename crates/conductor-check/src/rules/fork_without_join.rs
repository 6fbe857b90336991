//! CA305 fork-without-join: a FORK_JOIN or FORK_JOIN_DYNAMIC not immediately followed by a JOIN
//! (contract §3.3: the workflow terminates at run time; registration does not check it).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::{FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn fork_without_join(
    file: FileId,
    span: Range<usize>,
    task_type: &str,
    reference: &str,
    next: Option<(&str, Range<usize>)>,
) -> Diagnostic {
    let message = format!("{task_type} `{reference}` is not followed by a JOIN");
    let runtime = if task_type == FORK_JOIN {
        "Fork task definition is not followed by a join task.  Check the blueprint"
    } else {
        "Dynamic join definition is not followed by a join task.  Check the workflow definition."
    };
    let mut diagnostic = Diagnostic::new(Code::ForkWithoutJoin, message)
        .with_primary(file, span, "needs a JOIN right after it")
        .with_note(format!("the server accepts it, but the workflow terminates when the fork runs: {runtime}"))
        .with_help("add a JOIN task right after it, or write the fork as `fork:`/`dynamicFork:`, which generates one");
    if let Some((next_ref, next_span)) = next {
        diagnostic = diagnostic.with_secondary(file, next_span, format!("`{next_ref}` comes next"));
    }
    diagnostic
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task_type = visit.task.type_name();
        if task_type != FORK_JOIN && task_type != FORK_JOIN_DYNAMIC {
            return;
        }
        let next = visit.siblings.get(visit.index + 1);
        if next.is_some_and(|next| next.type_name() == JOIN) {
            return;
        }
        let span = scope.span(&format!("{}/type", visit.pointer), Part::Key);
        let next = next.map(|next| {
            let parent = visit.pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            let pointer = format!("{parent}/{}/taskReferenceName", visit.index + 1);
            (
                next.task_reference_name.as_str(),
                scope.span(&pointer, Part::Value),
            )
        });
        out.push(fork_without_join(
            scope.file(),
            span,
            task_type,
            &visit.task.task_reference_name,
            next,
        ));
    });
}
