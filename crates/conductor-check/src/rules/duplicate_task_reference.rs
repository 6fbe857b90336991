//! CA301 duplicate-task-reference: two tasks of one workflow share a reference name
//! (contract §4.2: the server rejects the definition).

use std::collections::BTreeMap;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn duplicate_task_reference(
    file: FileId,
    reference: &str,
    workflow: &str,
    duplicate: Range<usize>,
    first: Range<usize>,
    generated_join: bool,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::DuplicateTaskReference,
        format!("task reference `{reference}` is used twice"),
    )
    .with_primary(file, duplicate, "used again here")
    .with_secondary(file, first, "first used here")
    .with_note(format!(
        "the server rejects it: taskReferenceName: {reference} should be unique across tasks for a given workflowDefinition: {workflow}"
    ));
    diagnostic = if generated_join {
        diagnostic.with_help(format!(
            "`{reference}` is the name of the JOIN generated after a fork; rename the other task, or write the JOIN yourself with another `ref`"
        ))
    } else {
        diagnostic
            .with_help("give each task its own `ref`, including tasks in cases, branches and loops")
    };
    diagnostic
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let mut first_seen: BTreeMap<&str, String> = BTreeMap::new();
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let reference = visit.task.task_reference_name.as_str();
        match first_seen.get(reference) {
            None => {
                first_seen.insert(reference, visit.pointer.to_owned());
            }
            Some(first) => {
                let duplicate_pointer = format!("{}/taskReferenceName", visit.pointer);
                let first_pointer = format!("{first}/taskReferenceName");
                let generated = [visit.pointer, first.as_str()].iter().any(|pointer| {
                    scope
                        .provenance()
                        .task(pointer)
                        .is_some_and(|origin| origin.generated_join)
                });
                out.push(duplicate_task_reference(
                    scope.file(),
                    reference,
                    &scope.def.name,
                    scope.span(&duplicate_pointer, Part::Value),
                    scope.span(&first_pointer, Part::Value),
                    generated,
                ));
            }
        }
    });
}
