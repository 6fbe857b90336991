//! CA412 unresolved-task-id: `${CPEWF_TASK_ID}` where the server leaves it as literal text.
//! It is replaced by the scheduled task's id only where the mapper passes one (contract
//! §6.2): not in the input of SWITCH, DECISION, FORK_JOIN, FORK_JOIN_DYNAMIC, SET_VARIABLE,
//! START_WORKFLOW, SUB_WORKFLOW and the AI tasks, and not in the workflow's output.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_model::task_type::{
    DECISION, FORK_JOIN, FORK_JOIN_DYNAMIC, SET_VARIABLE, START_WORKFLOW, SUB_WORKFLOW, SWITCH,
};
use conductor_source::FileId;

use crate::expr::Expression;
use crate::resolve::Site;

/// The AI task types (contract §3.3), whose input the decider computes without a task id.
const AI_TASK_TYPES: &[&str] = &[
    "LIST_MCP_TOOLS",
    "CALL_MCP_TOOL",
    "AGENT",
    "GET_AGENT_CARD",
    "CANCEL_AGENT",
    "GENERATE_IMAGE",
    "GENERATE_AUDIO",
    "GENERATE_VIDEO",
    "GENERATE_PDF",
    "JDBC",
];

fn unresolved_task_id(file: FileId, span: Range<usize>, place: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnresolvedTaskId,
        format!("`${{CPEWF_TASK_ID}}` is not replaced in {place}"),
    )
    .with_primary(file, span, "stays as literal text")
    .with_note("the server substitutes the task id only where it schedules a task with one: worker, HTTP, INLINE, JSON_JQ, KAFKA, EVENT, WAIT, HUMAN, TERMINATE, DYNAMIC and DO_WHILE inputs")
    .with_help("pass the id from a task that has it, e.g. `${some_task.taskId}`")
}

/// Where the task id is not substituted, described for the message.
fn unsubstituted_place(site: &Site<'_>) -> Option<String> {
    let Some(task) = site.user_task else {
        return Some("the workflow's output".to_owned());
    };
    let task_type = task.type_name();
    let unsubstituted = matches!(
        task_type,
        SWITCH
            | DECISION
            | FORK_JOIN
            | FORK_JOIN_DYNAMIC
            | SET_VARIABLE
            | START_WORKFLOW
            | SUB_WORKFLOW
    ) || task_type.starts_with("LLM_")
        || AI_TASK_TYPES.contains(&task_type);
    unsubstituted.then(|| format!("the input of a {task_type} task"))
}

pub(crate) fn check(site: &Site<'_>, expression: &Expression<'_>, out: &mut Vec<Diagnostic>) {
    let Some(place) = unsubstituted_place(site) else {
        return;
    };
    out.push(unresolved_task_id(
        site.scope.file(),
        site.span(expression.range.clone()),
        &place,
    ));
}
