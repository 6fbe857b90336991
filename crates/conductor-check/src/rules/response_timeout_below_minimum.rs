//! CA323 response-timeout-below-minimum: a task definition with a response timeout under one
//! second (contract §4.2: `@Min(1)`).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, Severity};
use conductor_model::TaskDef;
use conductor_source::FileId;

fn response_timeout_below_minimum(file: FileId, span: Range<usize>, value: i64) -> Diagnostic {
    Diagnostic::new(
        Code::ResponseTimeoutBelowMinimum,
        format!("`responseTimeout` is {value} seconds"),
    )
    .with_primary(file, span, "must be at least 1 second")
    .with_note(format!(
        "the server rejects it: TaskDef responseTimeoutSeconds: {value} should be minimum 1 second"
    ))
    .with_help(
        "remove `responseTimeout` for the server's default (1 hour), or set it to at least `1s`",
    )
}

pub(crate) fn check(
    def: &TaskDef,
    file: FileId,
    embedded: bool,
    span: &dyn Fn(&str) -> Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(value) = def.response_timeout_seconds.filter(|value| *value < 1) {
        let severity = if embedded {
            Severity::Warning
        } else {
            Severity::Error
        };
        out.push(
            response_timeout_below_minimum(file, span("responseTimeoutSeconds"), value)
                .with_severity(severity),
        );
    }
}
