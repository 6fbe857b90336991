//! CA601 undefined-task-definition: a SIMPLE task (the DSL's `task:`) whose task definition is
//! neither embedded nor in the repository. The server runs it with default settings (contract
//! §3.3 SIMPLE), and the definition may exist only on the server, so this is a warning that
//! `plan` rechecks against the server.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::SIMPLE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn undefined_task_definition(
    file: FileId,
    span: Range<usize>,
    name: &str,
    suggestion: Option<String>,
    server_checked: bool,
) -> Diagnostic {
    let (message, label, note) = if server_checked {
        (
            format!("no task definition `{name}` in the repository or on the server"),
            "defined nowhere",
            "the server runs a task without a definition with default retries and timeouts",
        )
    } else {
        (
            format!("no task definition `{name}` in the repository"),
            "not defined in the repository",
            "the server runs a task without a definition with default retries and timeouts; the definition may exist only on the server, which `plan` checks",
        )
    };
    Diagnostic::new(Code::UndefinedTaskDefinition, message)
        .with_primary(file, span, label)
        .with_note(note)
        .with_suggestion_or_help(suggestion, format!("add a `task: {name}` document"))
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        if task.type_name() != SIMPLE
            || task.task_definition.is_some()
            || task.name.contains("${")
            || scope.project.task_def(&task.name).is_some()
            || scope
                .project
                .server
                .is_some_and(|server| server.has_task_def(&task.name))
        {
            return;
        }
        out.push(undefined_task_definition(
            scope.file(),
            scope.span(&format!("{}/name", visit.pointer), Part::Value),
            &task.name,
            scope.project.suggest_task_def(&task.name),
            scope.project.server.is_some(),
        ));
    });
}
