//! CA405 reference-to-later-task: a `${ref...}` that reads a task which has not run when the
//! expression is resolved: later in the same sequence, nested inside the task being
//! scheduled, or the task itself. The server resolves it to `null` (contract §6.2); its
//! registration check only asks whether the reference exists somewhere (§6.9).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::resolve::Site;
use crate::scope::{TaskSite, UseSite, Visibility};

/// How the producer relates to the user.
enum Order {
    Later,
    Inside,
    Itself,
}

fn reference_to_later_task(
    file: FileId,
    span: Range<usize>,
    reference: &str,
    order: Order,
    producer_span: Option<Range<usize>>,
) -> Diagnostic {
    let (message, label, help) = match order {
        Order::Later => (
            format!("`{reference}` runs after the task that reads it"),
            "not run yet",
            "move the task that reads it after the one it reads",
        ),
        Order::Inside => (
            format!(
                "`{reference}` is nested inside the task that reads it, and runs after it is scheduled"
            ),
            "not run yet",
            "read it in a task after this one",
        ),
        Order::Itself => (
            format!("task `{reference}` reads its own data"),
            "the task itself",
            "read the value from the task that produces it",
        ),
    };
    let mut diagnostic = Diagnostic::new(Code::ReferenceToLaterTask, message)
        .with_primary(file, span, label)
        .with_note("the server resolves a task that has not run to null")
        .with_help(help);
    if let Some(producer_span) = producer_span {
        diagnostic = diagnostic.with_secondary(
            file,
            producer_span,
            format!("`{reference}` is defined here"),
        );
    }
    diagnostic
}

pub(crate) fn check(
    site: &Site<'_>,
    producer: &TaskSite<'_>,
    range: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let order = match site.flow.visibility(site.user, &producer.location) {
        Visibility::Later => Order::Later,
        Visibility::InsideUser => Order::Inside,
        Visibility::Itself => Order::Itself,
        _ => return,
    };
    let producer_span = match (order_is_itself(&order), site.user) {
        (false, UseSite::Task(_) | UseSite::LoopCondition(_)) => Some(site.scope.span(
            &format!("{}/taskReferenceName", producer.pointer),
            Part::Value,
        )),
        _ => None,
    };
    out.push(reference_to_later_task(
        site.scope.file(),
        site.span(range),
        &producer.task.task_reference_name,
        order,
        producer_span,
    ));
}

fn order_is_itself(order: &Order) -> bool {
    matches!(order, Order::Itself)
}
