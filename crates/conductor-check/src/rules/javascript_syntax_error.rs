//! CA501 javascript-syntax-error: a JavaScript expression the server syntax-checks at
//! registration (SWITCH with `evaluatorType: javascript`, DECISION `caseExpression`) does not
//! parse (contract §4.2).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_model::task_type::{DECISION, SWITCH};
use conductor_source::FileId;

use crate::context::Scope;
use crate::script::javascript_syntax_errors;
use crate::walk::walk_tasks;

fn javascript_syntax_error(
    file: FileId,
    span: Range<usize>,
    message: &str,
    server_message: String,
) -> Diagnostic {
    Diagnostic::new(
        Code::JavascriptSyntaxError,
        format!("JavaScript syntax error: {message}"),
    )
    .with_primary(file, span, "here")
    .with_note(format!("the server rejects it: {server_message}"))
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        let (field, script) = match task.type_name() {
            SWITCH if task.evaluator_type.as_deref() == Some("javascript") => {
                ("expression", &task.expression)
            }
            DECISION => ("caseExpression", &task.case_expression),
            _ => return,
        };
        let Some(script) = script else { return };
        let pointer = format!("{}/{field}", visit.pointer);
        for error in javascript_syntax_errors(script) {
            let span = scope.span_in_string(&pointer, error.span.clone());
            let server_message = format!(
                "Expression is not well formatted: {}, taskType: {} taskName {}",
                error.message,
                task.type_name(),
                task.name
            );
            out.push(javascript_syntax_error(
                scope.file(),
                span,
                &error.message,
                server_message,
            ));
        }
    });
}
