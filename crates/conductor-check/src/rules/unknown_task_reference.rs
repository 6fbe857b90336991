//! CA401 unknown-task-reference: a `${X...}` in a top-level task's input whose root `X` is
//! neither `workflow` nor a task reference of the workflow (contract §4.2: the server rejects
//! the definition; §6.9: it reads only the text before the first `.`).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_source::FileId;

use crate::context::Scope;
use crate::registration::{SYSTEM_PARAMETERS, registration_paths, strings_in};
use crate::walk::{TaskVisit, references_in, walk_tasks};

fn unknown_task_reference(
    file: FileId,
    span: Range<usize>,
    root: &str,
    suggestion: Option<String>,
    server_message: String,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UnknownTaskReference,
        format!("unknown task reference `{root}`"),
    )
    .with_primary(file, span, "no task has this reference name")
    .with_note(format!("the server rejects it: {server_message}"));
    if root == "$" || root.starts_with('[') {
        return diagnostic.with_help("the server's registration check reads the text before the first `.`; start the path with `workflow` or a task reference, without `$.` or brackets");
    }
    match suggestion {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_help("use `workflow.input...`, `workflow.variables...` or `<ref>.output...` of a task of this workflow"),
    }
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    let references = references_in(&scope.def.tasks);
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if !visit.top_level {
            return;
        }
        check_task(scope, &visit, &references, out);
    });
}

fn check_task(
    scope: &Scope<'_>,
    visit: &TaskVisit<'_>,
    references: &std::collections::BTreeSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(input) = &visit.task.input_parameters else {
        return;
    };
    let mut strings = Vec::new();
    for (key, value) in input {
        let segment = key.replace('~', "~0").replace('/', "~1");
        strings_in(
            value,
            format!("{}/inputParameters/{segment}", visit.pointer),
            &mut strings,
        );
    }
    for (pointer, text) in strings {
        for found in registration_paths(text) {
            let path = found.path;
            if path.is_empty()
                || path.chars().any(char::is_whitespace)
                || SYSTEM_PARAMETERS.contains(&path)
            {
                continue;
            }
            let root = path.split('.').next().unwrap_or_default();
            if root == "workflow" || references.contains(root) {
                continue;
            }
            let root_range = found.range.start..found.range.start + root.len();
            let span = scope.span_in_string(&pointer, root_range);
            let key = pointer.rsplit('/').next().unwrap_or_default();
            let server_message = format!(
                "taskReferenceName: {root} for given task: {} input value: {key} of input parameter: {text} is not defined in workflow definition.",
                visit.task.name
            );
            let suggestion = suggest(root, references.iter().copied().chain(["workflow"]));
            out.push(unknown_task_reference(
                scope.file(),
                span,
                root,
                suggestion,
                server_message,
            ));
        }
    }
}
