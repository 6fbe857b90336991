//! CA321 unusual-reference-name-characters: a reference name with characters other than
//! letters, digits, `_` and `-`, which dot notation in expressions cannot address reliably.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn unusual_reference_name_characters(
    file: FileId,
    span: Range<usize>,
    reference: &str,
    character: char,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnusualReferenceNameCharacters,
        format!("task reference `{reference}` contains `{character}`"),
    )
    .with_primary(file, span, "unusual character")
    .with_help(
        "use letters, digits, `_` and `-`, so that `${<ref>.output...}` works in dot notation",
    )
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let reference = visit.task.task_reference_name.as_str();
        // `.` is CA302's.
        let unusual = reference
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.'));
        if let Some(character) = unusual {
            let span = scope.span(&format!("{}/taskReferenceName", visit.pointer), Part::Value);
            out.push(unusual_reference_name_characters(
                scope.file(),
                span,
                reference,
                character,
            ));
        }
    });
}
