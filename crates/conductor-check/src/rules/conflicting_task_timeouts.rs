//! CA313 conflicting-task-timeouts: a task definition whose response timeout exceeds its
//! timeout, or whose timeout exceeds its total timeout (contract §4.2, TaskTimeoutConstraint).
//! The server's default response timeout is one hour, so `timeout: 2m` alone is rejected.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, Severity};
use conductor_model::TaskDef;
use conductor_source::FileId;

use crate::seconds::human_seconds;

pub(crate) fn response_exceeds_timeout(
    file: FileId,
    span: Range<usize>,
    secondary: Range<usize>,
    def: &TaskDef,
    response: i64,
    timeout: i64,
    defaulted: bool,
) -> Diagnostic {
    let response_text = if defaulted {
        format!("{} (the server's default)", human_seconds(response))
    } else {
        human_seconds(response)
    };
    let diagnostic = Diagnostic::new(
        Code::ConflictingTaskTimeouts,
        format!(
            "`responseTimeout` {response_text} is longer than `timeout` {}",
            human_seconds(timeout)
        ),
    );
    let diagnostic = if defaulted {
        diagnostic.with_primary(
            file,
            span,
            "shorter than the default response timeout of 1h",
        )
    } else {
        diagnostic
            .with_primary(file, span, "longer than the timeout")
            .with_secondary(file, secondary, "timeout")
    };
    diagnostic
    .with_note(format!(
        "the server rejects it: TaskDef: {} responseTimeoutSeconds: {response} must be less than timeoutSeconds: {timeout}",
        def.name
    ))
    .with_help(format!("set `responseTimeout` to at most {}", human_seconds(timeout)))
}

pub(crate) fn timeout_exceeds_total(
    file: FileId,
    span: Range<usize>,
    secondary: Range<usize>,
    def: &TaskDef,
    timeout: i64,
    total: i64,
) -> Diagnostic {
    Diagnostic::new(
        Code::ConflictingTaskTimeouts,
        format!(
            "`timeout` {} is longer than `totalTimeout` {}",
            human_seconds(timeout),
            human_seconds(total)
        ),
    )
    .with_primary(file, span, "longer than the total timeout")
    .with_secondary(file, secondary, "total timeout")
    .with_note(format!(
        "the server rejects it: TaskDef: {} timeoutSeconds: {timeout} must be less than or equal to totalTimeoutSeconds: {total}",
        def.name
    ))
    .with_help(format!("set `timeout` to at most {}", human_seconds(total)))
}

/// The checks on one task definition; `span(field, part)` locates a compiled field. An embedded
/// definition is not validated by the server at registration, so there the problems are
/// warnings.
pub(crate) fn check(
    def: &TaskDef,
    file: FileId,
    embedded: bool,
    span: &dyn Fn(&str) -> Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let timeout = def.timeout_seconds.unwrap_or(0);
    let response = def.response_timeout_seconds.unwrap_or(3_600);
    let total = def.total_timeout_seconds.unwrap_or(0);
    let severity = if embedded {
        Severity::Warning
    } else {
        Severity::Error
    };
    if timeout > 0 && response > timeout {
        let defaulted = def.response_timeout_seconds.is_none();
        let primary = if defaulted {
            span("timeoutSeconds")
        } else {
            span("responseTimeoutSeconds")
        };
        out.push(
            response_exceeds_timeout(
                file,
                primary,
                span("timeoutSeconds"),
                def,
                response,
                timeout,
                defaulted,
            )
            .with_severity(severity),
        );
    }
    if timeout > 0 && total > 0 && timeout > total {
        out.push(
            timeout_exceeds_total(
                file,
                span("timeoutSeconds"),
                span("totalTimeoutSeconds"),
                def,
                timeout,
                total,
            )
            .with_severity(severity),
        );
    }
}
