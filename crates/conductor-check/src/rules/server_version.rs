//! CA901–CA905: what the target server version stores, enforces and runs (the version table of
//! `conductor_model::versions`). They run only when a target is known: `check
//! --server-version`, the project file's `serverVersion`, or the version `plan` and `apply`
//! read from the server.
//!
//! - CA901 field-not-stored-by-server: a property the version drops on registration;
//! - CA902 loop-over-items-unsupported: DO_WHILE `items` before 3.22.0 (the loop never ends);
//! - CA903 evaluator-unsupported: `graaljs` before 3.21.21 (fails at run time);
//! - CA904 owner-email-required: no `ownerEmail` where the version requires one (replaces
//!   CA314's warning for that target);
//! - CA905 whitespace-in-expression: whitespace in a top-level `${...}` before 3.21.19;
//! - CA906 task-form-unsupported: an HTTP task's `uri` outside `http_request` before 3.22.1,
//!   a dynamic fork's `forkTaskInputs` before 3.22.0, a sub-workflow definition given as an
//!   expression on 3.15 (the generic forms; the DSL's concise forms compile to the old shapes).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::WorkflowDefinitionRef;
use conductor_model::defaults::ObjectKind;
use conductor_model::task_type::{FORK_JOIN_DYNAMIC, HTTP, SUB_WORKFLOW};
use conductor_model::versions::{FieldIntroduced, LostField, ServerVersion, lost_fields};
use conductor_source::FileId;

use crate::context::Scope;
use crate::registration::{input_expression_strings, path_syntax_error, registration_paths};
use crate::walk::walk_tasks;

fn field_not_stored(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
    field: &FieldIntroduced,
) -> Diagnostic {
    Diagnostic::new(
        Code::FieldNotStoredByServer,
        format!(
            "server {version} does not store `{}`: it would be lost",
            field.name
        ),
    )
    .with_primary(file, span, format!("dropped by {version}"))
    .with_note(format!(
        "`{}` is stored from {}; without it {}",
        field.name, field.since, field.effect
    ))
    .with_help(format!(
        "upgrade the server to {} or later, or remove `{}`",
        field.since, field.name
    ))
}

fn loop_over_items_unsupported(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
) -> Diagnostic {
    Diagnostic::new(
        Code::LoopOverItemsUnsupported,
        format!("server {version} drops DO_WHILE `items`: this loop would never end"),
    )
    .with_primary(file, span, format!("dropped by {version}"))
    .with_note(
        "the loop compiles to `loopCondition: \"true\"` plus `items`; servers before 3.22.0 keep \
         only the condition",
    )
    .with_help("upgrade the server to 3.22.0 or later, or loop on a condition over an index")
}

fn evaluator_unsupported(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
    evaluator: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::EvaluatorUnsupported,
        format!("server {version} has no `{evaluator}` evaluator"),
    )
    .with_primary(file, span, format!("unknown to {version}"))
    .with_note(format!(
        "the definition registers, and the task fails at run time with: Unknown evaluator '{evaluator}' (GraalJS exists from 3.21.21)"
    ))
    .with_help("use `evaluatorType: javascript`, or upgrade the server to 3.21.21 or later")
}

/// CA904, where the target requires an owner e-mail.
pub(crate) fn owner_email_required(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
    kind: &str,
    name: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::OwnerEmailRequired,
        format!("{kind} `{name}` has no `ownerEmail`, which server {version} requires"),
    )
    .with_primary(file, span, "no owner e-mail")
    .with_note(
        "before 3.22.0, `conductor.app.ownerEmailMandatory` is on unless the server's \
         configuration turns it off; the server rejects the definition with: ownerEmail cannot \
         be empty",
    )
    .with_help("add `ownerEmail: team@example.com`")
}

fn whitespace_in_expression(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
    key: &str,
    path: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::WhitespaceInExpression,
        format!("server {version} rejects whitespace inside `${{{path}}}`"),
    )
    .with_primary(file, span, "whitespace here")
    .with_note(format!(
        "before 3.21.19 any whitespace makes a path invalid; the server rejects it with: key: {key} input parameter value: {path} is not valid"
    ))
    .with_help("remove the whitespace, or upgrade the server to 3.21.19 or later")
}

fn task_form_unsupported(
    file: FileId,
    span: Range<usize>,
    version: ServerVersion,
    form: &str,
    since: &str,
    server_message: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::TaskFormUnsupported,
        format!("server {version} does not accept {form} (from {since})"),
    )
    .with_primary(file, span, format!("not accepted by {version}"))
    .with_note(format!("the server rejects it with: {server_message}"))
    .with_help(help.to_owned())
}

/// CA906 on one task: the generic forms that only newer servers accept.
fn check_task_form(
    scope: &Scope<'_>,
    task: &conductor_model::WorkflowTask,
    pointer: &str,
    version: ServerVersion,
    out: &mut Vec<Diagnostic>,
) {
    let rules = version.rules();
    let input = task.input_parameters.as_ref();
    let has = |key: &str| input.is_some_and(|input| input.contains_key(key));
    let name = &task.name;
    match task.type_name() {
        HTTP if !rules.http_top_level_uri
            && !has("http_request")
            && (has("uri") || has("method")) =>
        {
            out.push(task_form_unsupported(
                scope.file(),
                scope.span(&format!("{pointer}/inputParameters/uri"), Part::Key),
                version,
                "an HTTP request outside `http_request`",
                "3.22.1",
                &format!("inputParameters.http_request field is required for taskType: HTTP taskName: {name}"),
                "write the task as `http: {uri: ..., method: ...}`, which compiles to `http_request`",
            ));
        }
        FORK_JOIN_DYNAMIC
            if !rules.fork_task_inputs
                && has("forkTaskInputs")
                && task.dynamic_fork_tasks_param.is_none()
                && task.dynamic_fork_join_tasks_param.is_none() =>
        {
            out.push(task_form_unsupported(
                scope.file(),
                scope.span(&format!("{pointer}/inputParameters/forkTaskInputs"), Part::Key),
                version,
                "`forkTaskInputs`",
                "3.22.0",
                &format!("dynamicForkTasksParam field is required for taskType: FORK_JOIN_DYNAMIC taskName: {name}"),
                "write the task as `dynamicFork: {tasks: ..., inputs: ...}`",
            ));
        }
        SUB_WORKFLOW if version < ServerVersion::new(3, 16, 0) => {
            let expression = task.sub_workflow_param.as_ref().is_some_and(|param| {
                matches!(
                    param.workflow_definition,
                    Some(WorkflowDefinitionRef::Expression(_))
                )
            });
            if expression {
                out.push(task_form_unsupported(
                    scope.file(),
                    scope.span(
                        &format!("{pointer}/subWorkflowParam/workflowDefinition"),
                        Part::Value,
                    ),
                    version,
                    "a sub-workflow definition given as an expression",
                    "3.16.0",
                    "500: the expression cannot be read as a WorkflowDef",
                    "give the definition inline, or name a registered workflow",
                ));
            }
        }
        _ => {}
    }
}

/// The rules on one workflow definition (the document's own or an inline one).
pub(crate) fn check_workflow(scope: &Scope<'_>, version: ServerVersion, out: &mut Vec<Diagnostic>) {
    let rules = version.rules();
    // Properties are listed once, from the document's own definition, which contains the
    // inline ones.
    if !scope.is_inline()
        && let Ok(json) = serde_json::to_value(scope.def)
    {
        for LostField { pointer, field } in lost_fields(ObjectKind::WorkflowDef, &json, version) {
            let span = scope.span(&pointer, Part::Key);
            if field.kind == ObjectKind::WorkflowTask && field.name == "items" {
                let value = scope.span(&pointer, Part::Value);
                out.push(loop_over_items_unsupported(
                    scope.file(),
                    if value.is_empty() { span } else { value },
                    version,
                ));
            } else {
                out.push(field_not_stored(scope.file(), span, version, field));
            }
        }
    }
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        check_task_form(scope, visit.task, visit.pointer, version, out);
        if !rules.graaljs {
            // SWITCH and DO_WHILE name the evaluator on the task; INLINE in its input.
            let on_task = visit
                .task
                .evaluator_type
                .as_deref()
                .map(|e| (e, "/evaluatorType"));
            let in_input = visit
                .task
                .input_parameters
                .as_ref()
                .and_then(|input| input.get("evaluatorType")?.as_str())
                .map(|e| (e, "/inputParameters/evaluatorType"));
            for (evaluator, suffix) in on_task.into_iter().chain(in_input) {
                if evaluator == "graaljs" {
                    let pointer = format!("{}{suffix}", visit.pointer);
                    out.push(evaluator_unsupported(
                        scope.file(),
                        scope.span(&pointer, Part::Value),
                        version,
                        evaluator,
                    ));
                }
            }
        }
        if !rules.whitespace_in_expressions_rejected || !visit.top_level || scope.is_inline() {
            return;
        }
        let Some(input) = &visit.task.input_parameters else {
            return;
        };
        for (pointer, text) in input_expression_strings(input, visit.pointer) {
            for found in registration_paths(text) {
                // A path JSONPath cannot compile is CA402 already.
                if !found.path.contains(char::is_whitespace)
                    || path_syntax_error(found.path).is_some()
                {
                    continue;
                }
                let key = pointer.rsplit('/').next().unwrap_or_default();
                let range = found.range.start.saturating_sub(2)..found.range.end + 1;
                out.push(whitespace_in_expression(
                    scope.file(),
                    scope.span_in_string(&pointer, range),
                    version,
                    key,
                    found.path,
                ));
            }
        }
    });
}

/// CA901 on a registered task definition; `span` maps a property name to its span.
pub(crate) fn check_task_def(
    def: &conductor_model::TaskDef,
    file: FileId,
    version: ServerVersion,
    span: &dyn Fn(&str) -> Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let Ok(json) = serde_json::to_value(def) else {
        return;
    };
    for LostField { pointer, field } in lost_fields(ObjectKind::TaskDef, &json, version) {
        let name = pointer.trim_start_matches('/');
        out.push(field_not_stored(file, span(name), version, field));
    }
}
