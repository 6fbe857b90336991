//! CA402 invalid-expression-path: a `${...}` that the server's registration check rejects in a
//! top-level task's input (a path Jayway JSONPath cannot compile, an empty `${}`; contract
//! §4.2), and an empty `${}` anywhere else, which the server replaces with `""` (§6.5).

use std::collections::BTreeSet;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::context::Scope;
use crate::expr::Expression;
use crate::registration::{input_expression_strings, path_syntax_error, registration_paths};
use crate::resolve::Site;
use crate::walk::walk_tasks;

fn invalid_expression_path(
    file: FileId,
    span: Range<usize>,
    path: &str,
    syntax_error: Option<&str>,
    server_message: Option<String>,
) -> Diagnostic {
    let (message, help) = match syntax_error {
        None => (
            "empty expression `${}`".to_owned(),
            "write a path such as `${workflow.input.name}`, or remove the `${}`",
        ),
        Some(syntax_error) => (
            format!("expression path `{path}` is not valid JSONPath: {syntax_error}"),
            "correct the path; for a key with spaces or dots use bracket notation: `${t.output['my key']}`",
        ),
    };
    let note = match server_message {
        Some(message) => format!("the server rejects it: {message}"),
        None => "the server replaces it with an empty string".to_owned(),
    };
    Diagnostic::new(Code::InvalidExpressionPath, message)
        .with_primary(file, span, "invalid path")
        .with_note(note)
        .with_help(help)
}

/// The registration part. Records the `(pointer, offset of "${")` of each piece it reports.
pub(crate) fn check_registration(
    scope: &Scope<'_>,
    reported: &mut BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if !visit.top_level {
            return;
        }
        let Some(input) = &visit.task.input_parameters else {
            return;
        };
        let strings = input_expression_strings(input, visit.pointer);
        for (pointer, text) in strings {
            for found in registration_paths(text) {
                let syntax_error = path_syntax_error(found.path);
                if !(found.path.is_empty() || syntax_error.is_some()) {
                    continue;
                }
                let key = pointer.rsplit('/').next().unwrap_or_default();
                let server_message = if found.path.is_empty() {
                    format!(
                        "taskReferenceName:  for given task: {} input value: {key} of input parameter: {text} is not defined in workflow definition.",
                        visit.task.name
                    )
                } else {
                    format!(
                        "key: {key} input parameter value: {} is not valid",
                        found.path
                    )
                };
                let range = found.range.start.saturating_sub(2)..found.range.end + 1;
                reported.insert((pointer.clone(), range.start));
                let span = scope.span_in_string(&pointer, range);
                out.push(invalid_expression_path(
                    scope.file(),
                    span,
                    found.path,
                    syntax_error.as_deref(),
                    Some(server_message),
                ));
            }
        }
    });
}

/// The general part: an empty `${}` (or `${  }`) anywhere the server resolves expressions.
pub(crate) fn check_empty(site: &Site<'_>, expression: &Expression<'_>, out: &mut Vec<Diagnostic>) {
    let path = site.text.get(expression.inner.clone()).unwrap_or_default();
    out.push(invalid_expression_path(
        site.scope.file(),
        site.span(expression.range.clone()),
        path,
        None,
        None,
    ));
}
