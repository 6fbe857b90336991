//! CA316 misspelled-task-type: a task type close to one the server knows (`SWICH`, `switch`).
//! The server accepts any type and runs an unknown one as a custom worker task (contract §3.2),
//! so a typo silently becomes a task no worker polls.

use std::ops::Range;
use std::sync::OnceLock;

use conductor_diagnostics::{Code, Diagnostic, NameIndex, did_you_mean};
use conductor_dsl::locate::Part;
use conductor_model::task_type::{is_known_type, known_types};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn misspelled_task_type(
    file: FileId,
    span: Range<usize>,
    written: &str,
    suggestion: &str,
    name: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::MisspelledTaskType,
        format!("`{written}` is not a task type the server knows"),
    )
    .with_primary(file, span, "unknown type")
    .with_note(format!("the server runs an unknown type as a custom task, which needs a task definition named `{name}` and a worker polling for it"))
    .with_help(did_you_mean(suggestion))
}

/// The task types the server knows, indexed once: a project tends to misspell the same custom
/// type in many tasks, and each index answer is kept.
fn known_type_names() -> &'static NameIndex {
    static KNOWN: OnceLock<NameIndex> = OnceLock::new();
    KNOWN.get_or_init(|| NameIndex::new(known_types()))
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let written = visit.task.type_name();
        if is_known_type(written) || scope.project.task_def(&visit.task.name).is_some() {
            return;
        }
        let exact_other_case = known_types().find(|known| known.eq_ignore_ascii_case(written));
        let suggestion = exact_other_case
            .map(str::to_owned)
            .or_else(|| known_type_names().suggest(written));
        if let Some(suggestion) = suggestion {
            let span = scope.span(&format!("{}/type", visit.pointer), Part::Value);
            out.push(misspelled_task_type(
                scope.file(),
                span,
                written,
                &suggestion,
                &visit.task.name,
            ));
        }
    });
}
