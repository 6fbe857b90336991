//! CA306 empty-fork-branch: a FORK_JOIN branch without tasks (contract §3.3: the server takes
//! the first task of every branch at run time and fails on an empty one).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn empty_fork_branch(
    file: FileId,
    span: Range<usize>,
    branch: usize,
    reference: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyForkBranch,
        format!("branch {branch} of fork `{reference}` has no task"),
    )
    .with_primary(file, span, "empty branch")
    .with_note("registration accepts it, but the fork fails at run time when it starts the branch's first task")
    .with_help("remove the branch, or give it at least one task")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let Some(branches) = &visit.task.fork_tasks else {
            return;
        };
        for (idx, branch) in branches.iter().enumerate() {
            if branch.is_empty() {
                let span = scope.span(&format!("{}/forkTasks/{idx}", visit.pointer), Part::Value);
                out.push(empty_fork_branch(
                    scope.file(),
                    span,
                    idx,
                    &visit.task.task_reference_name,
                ));
            }
        }
    });
}
