//! CA311 non-literal-termination-status: a TERMINATE task whose `terminationStatus` is not the
//! literal `COMPLETED`, `FAILED` or `TERMINATED` (contract §4.2: a `${...}` value is rejected).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, did_you_mean, suggest};
use conductor_dsl::locate::Part;
use conductor_model::task_type::TERMINATE;
use conductor_source::FileId;
use serde_json::Value;

use crate::context::Scope;
use crate::walk::walk_tasks;

const STATUSES: [&str; 3] = ["COMPLETED", "FAILED", "TERMINATED"];

fn non_literal_termination_status(
    file: FileId,
    span: Range<usize>,
    name: &str,
    value: Option<&Value>,
) -> Diagnostic {
    let shown = match value {
        None => "no `terminationStatus`".to_owned(),
        Some(Value::String(text)) => format!("`terminationStatus` `{text}`"),
        Some(other) => format!("`terminationStatus` `{other}`"),
    };
    let help = value
        .and_then(Value::as_str)
        .and_then(|text| suggest(text, STATUSES))
        .map(|suggestion| did_you_mean(&suggestion))
        .unwrap_or_else(|| "write one of `COMPLETED`, `FAILED`, `TERMINATED` (a literal, not `${...}`), or use `terminate: {status: ...}`".to_owned());
    Diagnostic::new(
        Code::NonLiteralTerminationStatus,
        format!("TERMINATE task `{name}` has {shown}"),
    )
    .with_primary(file, span, "must be COMPLETED, FAILED or TERMINATED")
    .with_note(format!("the server rejects it: terminate task must have an terminationStatus parameter and must be set to COMPLETED or FAILED, taskName: {name}"))
    .with_help(help)
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() != TERMINATE {
            return;
        }
        let status = visit
            .task
            .input_parameters
            .as_ref()
            .and_then(|input| input.get("terminationStatus"));
        if status
            .and_then(Value::as_str)
            .is_some_and(|s| STATUSES.contains(&s))
        {
            return;
        }
        let pointer = match status {
            Some(_) => format!("{}/inputParameters/terminationStatus", visit.pointer),
            None => format!("{}/type", visit.pointer),
        };
        let part = if status.is_some() {
            Part::Value
        } else {
            Part::Key
        };
        out.push(non_literal_termination_status(
            scope.file(),
            scope.span(&pointer, part),
            &visit.task.name,
            status,
        ));
    });
}
