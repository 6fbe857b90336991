//! CA410 json-path-syntax-error: the Jayway JSONPath inside a `${...}` does not parse
//! (contract §6.3). The server then resolves the expression to `null`.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::expr::SyntaxError;
use crate::resolve::Site;

fn json_path_syntax_error(file: FileId, span: Range<usize>, message: &str) -> Diagnostic {
    Diagnostic::new(
        Code::JsonPathSyntaxError,
        format!("invalid expression path: {message}"),
    )
    .with_primary(file, span, "here")
    .with_note("the server evaluates the path with Jayway JSONPath and resolves an invalid one to null")
    .with_help("write the path in dot or bracket notation: `${task.output.key}`, `${task.output['my key'][0]}`")
}

pub(crate) fn check(site: &Site<'_>, error: &SyntaxError, out: &mut Vec<Diagnostic>) {
    out.push(json_path_syntax_error(
        site.scope.file(),
        site.span(error.range.clone()),
        &error.message,
    ));
}
