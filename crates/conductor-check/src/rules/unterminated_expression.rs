//! CA411 unterminated-expression: a `${` with no balancing `}`. The server leaves it as
//! literal text (contract §6.5).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::resolve::Site;

fn unterminated_expression(file: FileId, span: Range<usize>) -> Diagnostic {
    Diagnostic::new(Code::UnterminatedExpression, "`${` is never closed")
        .with_primary(file, span, "no matching `}`")
        .with_note("the server leaves an unterminated `${` in the value as literal text")
        .with_help("close the expression with `}`, or write `$${` for a literal `${`")
}

/// `range` runs from the `${` to the end of the string; only the `${` is underlined.
pub(crate) fn check(site: &Site<'_>, range: Range<usize>, out: &mut Vec<Diagnostic>) {
    let opening = range.start..(range.start + 2).min(range.end);
    out.push(unterminated_expression(
        site.scope.file(),
        site.span(opening),
    ));
}
