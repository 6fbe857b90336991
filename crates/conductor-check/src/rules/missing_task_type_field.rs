//! CA309 missing-task-type-field: a task lacks a field its type requires (contract §4.2, the
//! server's "%s field is required for taskType: %s taskName: %s" rules, and the HTTP,
//! KAFKA_PUBLISH and JSON_JQ_TRANSFORM inputs that may also come from a task definition's
//! `inputTemplate`).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::WorkflowTask;
use conductor_model::task_type::{
    DECISION, DO_WHILE, DYNAMIC, EVENT, FORK_JOIN, FORK_JOIN_DYNAMIC, HTTP, JSON_JQ_TRANSFORM,
    KAFKA_PUBLISH, SUB_WORKFLOW, SWITCH,
};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn missing_task_type_field(
    file: FileId,
    span: Range<usize>,
    task_type: &str,
    reference: &str,
    field: &str,
    server_message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::MissingTaskTypeField,
        format!("{task_type} task `{reference}` has no {field}"),
    )
    .with_primary(file, span, format!("{field} is required"))
    .with_note(format!("the server rejects it: {server_message}"))
    .with_help(help.to_owned())
}

fn required(field: &str, task_type: &str, name: &str) -> String {
    format!("{field} field is required for taskType: {task_type} taskName: {name}")
}

/// Whether the task's input, or the inputTemplate of its task definition (embedded, or in the
/// project under its name), has `key` (contract §4.2, ValidationContext).
fn input_or_template_has(scope: &Scope<'_>, task: &WorkflowTask, keys: &[&str]) -> bool {
    let in_input = task
        .input_parameters
        .as_ref()
        .is_some_and(|input| keys.iter().any(|key| input.contains_key(*key)));
    let template_key = keys.first().copied().unwrap_or_default();
    let in_embedded = task
        .task_definition
        .as_ref()
        .and_then(|def| def.input_template.as_ref())
        .is_some_and(|template| template.contains_key(template_key));
    let in_registered = scope
        .project
        .task_def(&task.name)
        .and_then(|def| def.def.input_template.as_ref())
        .is_some_and(|template| template.contains_key(template_key));
    in_input || in_embedded || in_registered
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        let task_type = task.type_name();
        let name = task.name.as_str();
        let mut missing: Vec<(&str, String, &str)> = Vec::new();
        match task_type {
            SWITCH => {
                if task.evaluator_type.is_none() {
                    missing.push((
                        "`evaluatorType`",
                        required("evaluatorType", task_type, name),
                        "add `evaluatorType` (`value-param`, `javascript`, `graaljs` or `python`)",
                    ));
                } else if task.expression.is_none() {
                    missing.push((
                        "`expression`",
                        required("expression", task_type, name),
                        "add `expression`",
                    ));
                }
            }
            DECISION if task.case_value_param.is_none() && task.case_expression.is_none() => {
                missing.push(("`caseValueParam` or `caseExpression`", required("caseValueParam or caseExpression", task_type, name), "add `caseValueParam` (an input key) or `caseExpression` (JavaScript), or use a `switch:` task"));
            }
            DO_WHILE => {
                if task.loop_condition.is_none() {
                    missing.push((
                        "`loopCondition`",
                        required("loopCondition", task_type, name),
                        "add `loopCondition` (use `true` to iterate every item of `items`)",
                    ));
                }
                if task.loop_over.as_ref().is_none_or(Vec::is_empty) {
                    missing.push((
                        "`loopOver` task",
                        required("loopOver", task_type, name),
                        "add the loop's tasks",
                    ));
                }
            }
            DYNAMIC if task.dynamic_task_name_param.is_none() => {
                missing.push(("`dynamicTaskNameParam`", required("dynamicTaskNameParam", task_type, name), "name the input key holding the task to run, or write the task as `dynamic: <task name>`"));
            }
            EVENT if task.sink.is_none() => {
                missing.push(("`sink`", required("sink", task_type, name), "add `sink`, e.g. `conductor` or `sqs:<queue>`, or write the task as `event: <sink>`"));
            }
            SUB_WORKFLOW if task.sub_workflow_param.is_none() => {
                missing.push((
                    "`subWorkflowParam`",
                    required("subWorkflowParam", task_type, name),
                    "add `subWorkflowParam` with the child's `name`",
                ));
            }
            FORK_JOIN if task.fork_tasks.as_ref().is_none_or(Vec::is_empty) => {
                missing.push(("branch", format!("forkTasks should have atleast one task for taskType: {task_type} taskName: {name}"), "add at least one branch"));
            }
            FORK_JOIN_DYNAMIC => {
                let simple_form = task
                    .input_parameters
                    .as_ref()
                    .is_some_and(|input| input.contains_key("forkTaskInputs"));
                let legacy = task.dynamic_fork_join_tasks_param.is_some();
                let tasks_param = task.dynamic_fork_tasks_param.is_some();
                let inputs_param = task.dynamic_fork_tasks_input_param_name.is_some();
                if !simple_form {
                    if legacy && (tasks_param || inputs_param) {
                        missing.push(("single way to name its tasks", format!("dynamicForkJoinTasksParam or combination of dynamicForkTasksInputParamName and dynamicForkTasksParam cam be used for taskType: {task_type} taskName: {name}"), "keep either `dynamicForkJoinTasksParam` or the pair `dynamicForkTasksParam`/`dynamicForkTasksInputParamName`"));
                    } else if !legacy {
                        if !tasks_param {
                            missing.push(("`dynamicForkTasksParam`", required("dynamicForkTasksParam", task_type, name), "name the input key holding the tasks, or write `dynamicFork: {tasks: ...}`"));
                        }
                        if !inputs_param {
                            missing.push(("`dynamicForkTasksInputParamName`", required("dynamicForkTasksInputParamName", task_type, name), "name the input key holding the inputs, or write `dynamicFork: {inputs: ...}`"));
                        }
                    }
                }
            }
            HTTP if !input_or_template_has(scope, task, &["http_request", "uri", "method"]) => {
                missing.push(("request", format!("inputParameters.http_request or inputParameters.uri field is required for taskType: {task_type} taskName: {name}"), "write the task as `http: {uri: ..., method: ...}`, or give its task definition an `inputTemplate.http_request`"));
            }
            KAFKA_PUBLISH if !input_or_template_has(scope, task, &["kafka_request"]) => {
                missing.push(("`kafka_request`", format!("inputParameters.kafka_request field is required for taskType: {task_type} taskName: {name}"), "write the task as `kafka: {bootStrapServers: ..., topic: ..., value: ...}`"));
            }
            JSON_JQ_TRANSFORM if !input_or_template_has(scope, task, &["queryExpression"]) => {
                missing.push(("`queryExpression`", format!("inputParameters.queryExpression field is required for taskType: {task_type} taskName: {name}"), "write the task as `jq: <program>`"));
            }
            _ => {}
        }
        for (field, server_message, help) in missing {
            let span = scope.span(&format!("{}/type", visit.pointer), Part::Key);
            out.push(missing_task_type_field(
                scope.file(),
                span,
                task_type,
                &task.task_reference_name,
                field,
                server_message,
                help,
            ));
        }
    });
}
