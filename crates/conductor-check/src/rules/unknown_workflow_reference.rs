//! CA602 unknown-workflow-reference: a SUB_WORKFLOW or START_WORKFLOW target, or a
//! `failureWorkflow`, that is not in the repository, or not in the pinned version. A missing
//! sub-workflow fails the parent's start (contract §3.3); the workflow may exist only on the
//! server, so this is a warning that `plan` rechecks.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, format_available};
use conductor_dsl::locate::Part;
use conductor_model::WorkflowDefinitionRef;
use conductor_model::task_type::{START_WORKFLOW, SUB_WORKFLOW};
use conductor_source::FileId;
use serde_json::Value;

use crate::context::Scope;
use crate::walk::walk_tasks;

/// What is referenced: `role` names the reference (`sub-workflow`, `failure workflow`, ...).
struct Reference<'a> {
    role: &'a str,
    name: &'a str,
    version: Option<i32>,
}

fn unknown_workflow_reference(
    file: FileId,
    span: Range<usize>,
    Reference {
        role,
        name,
        version,
    }: Reference<'_>,
    versions: &[String],
    suggestion: Option<String>,
    server_checked: bool,
) -> Diagnostic {
    let (note, place) = if server_checked {
        (
            "the server has no such workflow either: the task fails when it runs",
            "in the repository or on the server",
        )
    } else {
        (
            "the workflow may exist only on the server, which `plan` checks",
            "in the repository",
        )
    };
    match (version, versions.is_empty()) {
        (Some(version), false) => Diagnostic::new(
            Code::UnknownWorkflowReference,
            format!("{role} `{name}` has no version {version} {place}"),
        )
        .with_primary(file, span, "no such version")
        .with_note(note)
        .with_help(format!(
            "pin a version the repository has; {}",
            format_available(versions.iter().map(String::as_str))
        )),
        _ => {
            let diagnostic = Diagnostic::new(
                Code::UnknownWorkflowReference,
                format!("{role} `{name}` is not {place}"),
            )
            .with_primary(file, span, "no such workflow")
            .with_note(note);
            diagnostic
                .with_suggestion_or_help(suggestion, format!("add a `workflow: {name}` document"))
        }
    }
}

fn check_target(
    scope: &Scope<'_>,
    role: &str,
    name: &str,
    version: Option<i32>,
    name_pointer: &str,
    version_pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    // Contract §2.2: `failureWorkflow` may be `$workflow.input.x`; names from expressions are
    // known only at run time.
    if name.is_empty() || name.contains('$') {
        return;
    }
    let project = scope.project;
    if project.workflow(name, version).is_some()
        || project
            .server
            .is_some_and(|server| server.has_workflow(name, version))
    {
        return;
    }
    let versions: Vec<String> = project
        .workflow_versions(name)
        .iter()
        .map(|workflow| workflow.def.version.unwrap_or(1).to_string())
        .collect();
    let span = if versions.is_empty() {
        scope.span(name_pointer, Part::Value)
    } else {
        scope.span(version_pointer, Part::Value)
    };
    out.push(unknown_workflow_reference(
        scope.file(),
        span,
        Reference {
            role,
            name,
            version,
        },
        &versions,
        project.suggest_workflow(name),
        project.server.is_some(),
    ));
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(name) = &scope.def.failure_workflow {
        check_target(
            scope,
            "failure workflow",
            name,
            scope.def.failure_workflow_version,
            &format!("{}/failureWorkflow", scope.base),
            &format!("{}/failureWorkflowVersion", scope.base),
            out,
        );
    }
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        match task.type_name() {
            SUB_WORKFLOW => {
                let Some(param) = &task.sub_workflow_param else {
                    return;
                };
                if matches!(
                    param.workflow_definition,
                    Some(WorkflowDefinitionRef::Inline(_))
                ) {
                    return;
                }
                let Some(name) = &param.name else { return };
                check_target(
                    scope,
                    "sub-workflow",
                    name,
                    param.version,
                    &format!("{}/subWorkflowParam/name", visit.pointer),
                    &format!("{}/subWorkflowParam/version", visit.pointer),
                    out,
                );
            }
            START_WORKFLOW => {
                let Some(Value::Object(request)) = task
                    .input_parameters
                    .as_ref()
                    .and_then(|input| input.get("startWorkflow"))
                else {
                    return;
                };
                if request.contains_key("workflowDef") {
                    return;
                }
                let Some(Value::String(name)) = request.get("name") else {
                    return;
                };
                let version = match request.get("version") {
                    None => None,
                    Some(Value::Number(number)) => {
                        number.as_i64().and_then(|v| i32::try_from(v).ok())
                    }
                    // A version given as an expression is known only at run time.
                    Some(_) => return,
                };
                let base = format!("{}/inputParameters/startWorkflow", visit.pointer);
                check_target(
                    scope,
                    "started workflow",
                    name,
                    version,
                    &format!("{base}/name"),
                    &format!("{base}/version"),
                    out,
                );
            }
            _ => {}
        }
    });
}
