//! CA406 reference-into-branch: a `${ref...}` that reads a task whose value may be missing or
//! stale where it is read: in a SWITCH case (or another case of the same switch), in a
//! parallel FORK branch, in the body of a DO_WHILE over items read from outside the loop
//! (the list may be empty), or later in the same loop body (contract §6.2, §6.8).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::resolve::Site;
use crate::scope::{TaskSite, Visibility};

fn reference_into_branch(
    file: FileId,
    span: Range<usize>,
    message: String,
    note: String,
    help: &str,
    producer_span: Range<usize>,
    reference: &str,
) -> Diagnostic {
    Diagnostic::new(Code::ReferenceIntoBranch, message)
        .with_primary(file, span, "may be missing or stale here")
        .with_secondary(
            file,
            producer_span,
            format!("`{reference}` is defined here"),
        )
        .with_note(note)
        .with_help(help.to_owned())
}

pub(crate) fn check(
    site: &Site<'_>,
    producer: &TaskSite<'_>,
    range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let reference = producer.task.task_reference_name.as_str();
    let (message, note, help) = match site.flow.visibility(site.user, &producer.location) {
        Visibility::InCase { switch_task } => (
            format!(
                "`{reference}` runs only in one case of switch `{}`",
                switch_task.task_reference_name
            ),
            "when another case is taken, the server resolves it to null".to_owned(),
            "read it inside the same case, or give every case a task that provides the value",
        ),
        Visibility::OtherCase { switch_task } => (
            format!(
                "`{reference}` is in another case of switch `{}`",
                switch_task.task_reference_name
            ),
            "only one case of a switch runs, so the server resolves it to null".to_owned(),
            "read a task that runs before the switch, or in this case",
        ),
        Visibility::ParallelBranch { fork_task } => (
            format!(
                "`{reference}` runs in a parallel branch of fork `{}`",
                fork_task.task_reference_name
            ),
            "fork branches run in parallel; until that branch has produced it, the server resolves it to null".to_owned(),
            "read it after the fork's JOIN, or in the same branch",
        ),
        Visibility::InLoopBody { loop_task } => (
            format!(
                "`{reference}` runs inside loop `{}`, which iterates over a list",
                loop_task.task_reference_name
            ),
            "the loop iterates over a list: outside it the task holds the last item's output, and null when the list was empty".to_owned(),
            "read per-iteration values from the loop's output: `${loop.output['1'].task...}`",
        ),
        Visibility::LaterInLoop { loop_task } => (
            format!(
                "`{reference}` runs later in loop `{}`",
                loop_task.task_reference_name
            ),
            "it holds the previous iteration's output, and null in the first iteration".to_owned(),
            "move the task that reads it after the one it reads",
        ),
        _ => return,
    };
    let producer_span = site.scope.span(
        &format!("{}/taskReferenceName", producer.pointer),
        Part::Value,
    );
    out.push(reference_into_branch(
        site.scope.file(),
        site.span(range),
        message,
        note,
        help,
        producer_span,
        reference,
    ));
}
