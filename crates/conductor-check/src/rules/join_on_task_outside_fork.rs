//! CA307 join-on-task-outside-fork: a JOIN waits for a task that is not in the branches of the
//! fork before it, or an EXCLUSIVE_JOIN or lone JOIN waits for a task the workflow does not have.
//! Such a JOIN waits for a task that never runs there, or completes before the branches do.

use std::collections::BTreeSet;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_dsl::locate::Part;
use conductor_model::task_type::{EXCLUSIVE_JOIN, FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::{references_in, walk_tasks};

fn join_on_task_outside_fork(
    file: FileId,
    span: Range<usize>,
    waited: &str,
    fork: Option<(&str, Range<usize>)>,
    suggestion: Option<String>,
) -> Diagnostic {
    let (message, label) = match &fork {
        Some((fork_ref, _)) => (
            format!("JOIN waits for `{waited}`, which is not in the branches of fork `{fork_ref}`"),
            "not in the fork",
        ),
        None => (
            format!("JOIN waits for `{waited}`, which is not a task of this workflow"),
            "no such task",
        ),
    };
    let mut diagnostic =
        Diagnostic::new(Code::JoinOnTaskOutsideFork, message).with_primary(file, span, label);
    if let Some((fork_ref, fork_span)) = fork {
        diagnostic = diagnostic.with_secondary(file, fork_span, format!("fork `{fork_ref}`"));
    }
    diagnostic.with_suggestion_or_help(
        suggestion,
        "list the reference names of the last task of each branch",
    )
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let all_references = references_in(&scope.def.tasks);
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task_type = visit.task.type_name();
        if task_type != JOIN && task_type != EXCLUSIVE_JOIN {
            return;
        }
        let Some(join_on) = &visit.task.join_on else {
            return;
        };
        let previous = visit
            .index
            .checked_sub(1)
            .and_then(|idx| visit.siblings.get(idx));
        let parent = visit.pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        let (allowed, fork) = match previous {
            // Contract §3.3: the server replaces a dynamic fork's JOIN's joinOn at run time.
            Some(fork) if task_type == JOIN && fork.type_name() == FORK_JOIN_DYNAMIC => return,
            Some(fork) if task_type == JOIN && fork.type_name() == FORK_JOIN => {
                let mut in_branches = BTreeSet::new();
                for branch in fork.fork_tasks.iter().flatten() {
                    in_branches.extend(references_in(branch));
                }
                let fork_pointer = format!("{parent}/{}/taskReferenceName", visit.index - 1);
                (
                    in_branches,
                    Some((
                        fork.task_reference_name.as_str(),
                        scope.span(&fork_pointer, Part::Value),
                    )),
                )
            }
            _ => (all_references.clone(), None),
        };
        for (idx, waited) in join_on.iter().enumerate() {
            if allowed.contains(waited.as_str()) {
                continue;
            }
            let span = scope.span(&format!("{}/joinOn/{idx}", visit.pointer), Part::Value);
            let suggestion = suggest(waited, allowed.iter().copied());
            out.push(join_on_task_outside_fork(
                scope.file(),
                span,
                waited,
                fork.clone(),
                suggestion,
            ));
        }
    });
}
