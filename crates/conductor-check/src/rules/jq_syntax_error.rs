//! CA504 jq-syntax-error: the `queryExpression` of a JSON_JQ_TRANSFORM task (contract §3.3)
//! does not parse. The program is checked as the server runs it, after its `${...}` are
//! resolved (§6.5). The same jaq run finds undefined names, reported through CA505's
//! constructor in `undefined_jq_name.rs`, so that each program is compiled once.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_model::task_type::JSON_JQ_TRANSFORM;
use conductor_source::FileId;

use crate::context::Scope;
use crate::jq::{JqProblemKind, jq_problems};
use crate::rules::undefined_jq_name;
use crate::walk::walk_tasks;

fn jq_syntax_error(file: FileId, span: Range<usize>, message: &str) -> Diagnostic {
    Diagnostic::new(Code::JqSyntaxError, format!("jq syntax error: {message}"))
        .with_primary(file, span, "here")
        .with_note("the server accepts the definition, and the task fails when it runs the program")
}

/// The program as the server runs it: each `${...}` replaced by `.` and spaces (the resolved
/// value's text is unknown; offsets stay put), each `$${` by ` ${`.
fn resolved_program(program: &str) -> String {
    if !program.contains("${") {
        return program.to_owned();
    }
    let mut bytes = program.as_bytes().to_vec();
    let found = crate::expr::lexer::find_expressions(program, 0..program.len());
    for range in found.expressions {
        if let Some(replaced) = bytes.get_mut(range) {
            replaced.fill(b' ');
            if let Some(first) = replaced.first_mut() {
                *first = b'.';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| program.to_owned())
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        if task.type_name() != JSON_JQ_TRANSFORM {
            return;
        }
        let Some(program) = task
            .input_parameters
            .as_ref()
            .and_then(|input| input.get("queryExpression"))
            .and_then(|value| value.as_str())
        else {
            return;
        };
        let resolved = resolved_program(program);
        let pointer = format!("{}/inputParameters/queryExpression", visit.pointer);
        for problem in jq_problems(&resolved) {
            let span = scope.span_in_string(&pointer, problem.span.clone());
            out.push(match problem.kind {
                JqProblemKind::Syntax => jq_syntax_error(scope.file(), span, &problem.message),
                JqProblemKind::Undefined => {
                    undefined_jq_name::undefined_jq_name(scope.file(), span, &problem.message)
                }
            });
        }
    });
}
