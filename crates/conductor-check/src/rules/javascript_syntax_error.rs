//! CA501 javascript-syntax-error: a JavaScript program of a task does not parse (contract
//! §6.12): a SWITCH with `javascript` (which the server also rejects at registration, §4.2)
//! or `graaljs`, a DECISION `caseExpression` (rejected at registration too), an INLINE
//! `expression` (checked as the server evaluates it, after resolving its `${...}`), or a
//! DO_WHILE `loopCondition`.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::context::Scope;
use crate::script::{javascript_syntax_errors, resolved_script, task_javascript};
use crate::walk::walk_tasks;

fn javascript_syntax_error(
    file: FileId,
    span: Range<usize>,
    message: &str,
    server_message: Option<String>,
) -> Diagnostic {
    let note = match server_message {
        Some(server_message) => format!("the server rejects it: {server_message}"),
        None => "the server accepts the definition, and the task fails when it runs the script"
            .to_owned(),
    };
    Diagnostic::new(
        Code::JavascriptSyntaxError,
        format!("JavaScript syntax error: {message}"),
    )
    .with_primary(file, span, "here")
    .with_note(note)
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        let Some(script) = task_javascript(task) else {
            return;
        };
        let resolved;
        let text = if script.resolved_first {
            resolved = resolved_script(script.text);
            resolved.as_str()
        } else {
            script.text
        };
        let pointer = format!("{}/{}", visit.pointer, script.field);
        for error in javascript_syntax_errors(text) {
            let span = scope.span_in_string(&pointer, error.span.clone());
            let server_message = script.checked_at_registration.then(|| {
                format!(
                    "Expression is not well formatted: {}, taskType: {} taskName {}",
                    error.message,
                    task.type_name(),
                    task.name
                )
            });
            out.push(javascript_syntax_error(
                scope.file(),
                span,
                &error.message,
                server_message,
            ));
        }
    });
}
