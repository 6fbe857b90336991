//! CA317 parameter-name-not-in-input: a field that names an input key (contract §6.11:
//! `dynamicTaskNameParam`, `dynamicForkTasksParam`, `dynamicForkTasksInputParamName`,
//! `dynamicForkJoinTasksParam`, `caseValueParam`, value-param SWITCH `expression`) names a key
//! the task's input does not have. The server does not check it; at run time the value is null.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_dsl::locate::Part;
use conductor_model::task_type::{DECISION, DYNAMIC, FORK_JOIN_DYNAMIC, SWITCH};
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn parameter_name_not_in_input(
    file: FileId,
    span: Range<usize>,
    field: &str,
    key: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::ParameterNameNotInInput,
        format!("`{field}` names input key `{key}`, which the task's input does not have"),
    )
    .with_primary(file, span, "no such input key")
    .with_note(format!("`{field}` holds the name of an input key, not a value; the value is read from that key at run time and is null when it is missing"));
    diagnostic.with_suggestion_or_help(
        suggestion,
        format!("add `{key}` to the task's input with the value to use"),
    )
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        let input = task.input_parameters.as_ref();
        let mut fields: Vec<(&str, &str)> = Vec::new();
        match task.type_name() {
            SWITCH if task.evaluator_type.as_deref() == Some("value-param") => {
                if let Some(expression) = &task.expression {
                    fields.push(("expression", expression));
                }
            }
            DECISION => {
                if let Some(param) = &task.case_value_param {
                    fields.push(("caseValueParam", param));
                }
            }
            DYNAMIC => {
                if let Some(param) = &task.dynamic_task_name_param {
                    fields.push(("dynamicTaskNameParam", param));
                }
            }
            FORK_JOIN_DYNAMIC
                if !input.is_some_and(|input| input.contains_key("forkTaskInputs")) =>
            {
                for (field, param) in [
                    ("dynamicForkTasksParam", &task.dynamic_fork_tasks_param),
                    (
                        "dynamicForkTasksInputParamName",
                        &task.dynamic_fork_tasks_input_param_name,
                    ),
                    (
                        "dynamicForkJoinTasksParam",
                        &task.dynamic_fork_join_tasks_param,
                    ),
                ] {
                    if let Some(param) = param {
                        fields.push((field, param));
                    }
                }
            }
            _ => {}
        }
        for (field, key) in fields {
            if input.is_some_and(|input| input.contains_key(key)) {
                continue;
            }
            let span = scope.span(&format!("{}/{field}", visit.pointer), Part::Value);
            let suggestion = input.and_then(|input| suggest(key, input.keys().map(String::as_str)));
            out.push(parameter_name_not_in_input(
                scope.file(),
                span,
                field,
                key,
                suggestion,
            ));
        }
    });
}
