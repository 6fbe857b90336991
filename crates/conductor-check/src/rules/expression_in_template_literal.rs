//! CA503 expression-in-template-literal: a JavaScript template literal substitution
//! (`` `Hi ${name}` ``) in a script that is an input value (an INLINE `expression`), whose
//! root is not a task or `workflow`. The server resolves it as a Conductor expression first
//! (contract §6.5): it becomes `null`, and a top-level task is rejected at registration.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::expr::Expression;
use crate::resolve::Site;

/// The diagnostic, shared with the registration check of CA401, which reports this instead
/// when the piece it rejects is in a template literal.
pub(crate) fn diagnostic(
    file: FileId,
    span: Range<usize>,
    text: &str,
    server_message: Option<String>,
) -> Diagnostic {
    let escaped = format!("${}", text);
    let note = match server_message {
        Some(message) => format!(
            "the server resolves `${{...}}` in task inputs before the script runs, and rejects this one at registration: {message}"
        ),
        None => "the server resolves `${...}` in task inputs before the script runs: this one becomes null".to_owned(),
    };
    Diagnostic::new(
        Code::ExpressionInTemplateLiteral,
        format!("template literal substitution `{text}` is resolved by the server first"),
    )
    .with_primary(file, span, "a Conductor expression, not JavaScript")
    .with_note(note)
    .with_help(format!("escape it as `{escaped}`"))
}

pub(crate) fn check(site: &Site<'_>, expression: &Expression<'_>, out: &mut Vec<Diagnostic>) {
    let text = site.text.get(expression.range.clone()).unwrap_or_default();
    out.push(diagnostic(
        site.scope.file(),
        site.span(expression.range.clone()),
        text,
        None,
    ));
}
