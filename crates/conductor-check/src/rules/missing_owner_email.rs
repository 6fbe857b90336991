//! CA314 missing-owner-email: a workflow or task definition without `ownerEmail`, which servers
//! that keep `conductor.app.ownerEmailMandatory` on reject (contract §4.2).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

pub(crate) fn missing_owner_email(
    file: FileId,
    span: Range<usize>,
    kind: &str,
    name: &str,
) -> Diagnostic {
    Diagnostic::new(Code::MissingOwnerEmail, format!("{kind} `{name}` has no `ownerEmail`"))
        .with_primary(file, span, "no owner e-mail")
        .with_note("servers that keep the default `conductor.app.ownerEmailMandatory=true` reject it with: ownerEmail cannot be empty")
        .with_help("add `ownerEmail: team@example.com`")
}
