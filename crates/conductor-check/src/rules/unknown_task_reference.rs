//! CA401 unknown-task-reference: a `${X...}` whose root `X` is neither `workflow`, a task
//! reference of the workflow, nor a special form (contract §6.2). The server resolves it to
//! `null` at run time; in a top-level task's input it also rejects the definition at
//! registration (§4.2), reading only the text before the first `.` (§6.9). That registration
//! part is replicated exactly here, and the general part covers every other place.

use std::collections::BTreeSet;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, Severity, suggest};
use conductor_model::task_type::INLINE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::registration::{
    SYSTEM_PARAMETERS, input_expression_strings, path_syntax_error, registration_paths,
};
use crate::resolve::Site;
use crate::rules::expression_in_template_literal;
use crate::script::scan_script;
use crate::walk::{TaskVisit, references_in, walk_tasks};

/// What is known about an unknown root besides its name.
pub(crate) struct UnknownRoot {
    /// The closest valid root.
    pub suggestion: Option<String>,
    /// The server's registration message, when it rejects the definition.
    pub server_message: Option<String>,
    /// Whether the workflow has a dynamic fork, whose tasks are named only at run time.
    pub dynamic_fork: bool,
}

fn unknown_task_reference(
    file: FileId,
    span: Range<usize>,
    root: &str,
    known: UnknownRoot,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::UnknownTaskReference,
        format!("unknown task reference `{root}`"),
    )
    .with_primary(file, span, "no task has this reference name");
    diagnostic = match (&known.server_message, known.dynamic_fork) {
        (Some(message), _) => diagnostic.with_note(format!("the server rejects it: {message}")),
        (None, true) => diagnostic
            .with_severity(Severity::Warning)
            .with_note("the workflow has a dynamic fork, whose tasks get their reference names at run time; if this is one of them, the value exists only after the fork's JOIN"),
        (None, false) => diagnostic.with_note("the server resolves it to null at run time"),
    };
    if known.server_message.is_some() && root.trim() != root {
        return diagnostic.with_help("the server's registration check does not trim the path: remove the spaces inside `${ ... }`");
    }
    if known.server_message.is_some() && (root == "$" || root.starts_with('[')) {
        return diagnostic.with_help("the server's registration check reads the text before the first `.`; start the path with `workflow` or a task reference, without `$.` or brackets");
    }
    diagnostic.with_suggestion_or_help(known.suggestion, "use `workflow.input...`, `workflow.variables...` or `<ref>.output...` of a task of this workflow")
}

/// The registration part: every `${...}` piece of a top-level task's input, split as the
/// server splits it. Records the `(pointer, offset of "${")` of each piece it reports.
pub(crate) fn check_registration(
    scope: &Scope<'_>,
    reported: &mut BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let references = references_in(&scope.def.tasks);
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if !visit.top_level {
            return;
        }
        check_task(scope, &visit, &references, reported, out);
    });
}

fn check_task(
    scope: &Scope<'_>,
    visit: &TaskVisit<'_, '_>,
    references: &BTreeSet<&str>,
    reported: &mut BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(input) = &visit.task.input_parameters else {
        return;
    };
    let strings = input_expression_strings(input, visit.pointer);
    for (pointer, text) in strings {
        let is_script = visit.task.type_name() == INLINE
            && pointer == format!("{}/inputParameters/expression", visit.pointer);
        let scan = is_script.then(|| scan_script(text));
        for found in registration_paths(text) {
            let path = found.path;
            // An empty or uncompilable path is CA402's; the server reports it as not valid.
            if path.trim().is_empty()
                || path_syntax_error(path).is_some()
                || SYSTEM_PARAMETERS.contains(&path)
            {
                continue;
            }
            // ConstraintParamUtil splits the untrimmed path: `${ workflow.x }` has the root
            // ` workflow`, which is no task reference.
            let root = path.split('.').next().unwrap_or_default();
            if root == "workflow" || references.contains(root) {
                continue;
            }
            let expression_start = found.range.start.saturating_sub(2);
            reported.insert((pointer.clone(), expression_start));
            let key = pointer.rsplit('/').next().unwrap_or_default();
            let server_message = format!(
                "taskReferenceName: {root} for given task: {} input value: {key} of input parameter: {} is not defined in workflow definition.",
                visit.task.name,
                text.trim_end()
            );
            if scan
                .as_ref()
                .is_some_and(|scan| scan.in_template_literal(expression_start))
            {
                let range = expression_start..found.range.end + 1;
                out.push(expression_in_template_literal::diagnostic(
                    scope.file(),
                    scope.span_in_string(&pointer, range),
                    text.get(expression_start..found.range.end + 1)
                        .unwrap_or_default(),
                    Some(server_message),
                ));
                continue;
            }
            let root_range = found.range.start..found.range.start + root.len();
            let span = scope.span_in_string(&pointer, root_range);
            let suggestion = suggest(root, references.iter().copied().chain(["workflow"]));
            out.push(unknown_task_reference(
                scope.file(),
                span,
                root,
                UnknownRoot {
                    suggestion,
                    server_message: Some(server_message),
                    dynamic_fork: false,
                },
            ));
        }
    }
}

/// The general part: `root` (at `range` of the string) names no task of the workflow.
pub(crate) fn check(site: &Site<'_>, root: &str, range: Range<usize>, out: &mut Vec<Diagnostic>) {
    let suggestion = suggest(root, site.flow.references().chain(["workflow"]));
    out.push(unknown_task_reference(
        site.scope.file(),
        site.span(range),
        root,
        UnknownRoot {
            suggestion,
            server_message: None,
            dynamic_fork: site.flow.has_dynamic_fork,
        },
    ));
}
