//! Known output shapes: which keys a task's `output` has, when that is known statically
//! (contract §3.3). A shape is either known, and then strict (a key outside it is reported),
//! or unknown ("any"), and then nothing is reported through it (style.md §3, actionlint's
//! `AnyType`).

use conductor_model::task_type::{
    DECISION, DO_WHILE, FORK_JOIN, HTTP, INLINE, JOIN, JSON_JQ_TRANSFORM, LAMBDA, SIMPLE,
    START_WORKFLOW, SUB_WORKFLOW, SWITCH, TERMINATE,
};
use conductor_model::{NestedTasks, WorkflowDef, WorkflowDefinitionRef, WorkflowTask};

use crate::context::Project;

/// Fields of a task in the resolution map (contract §6.2).
pub const TASK_FIELDS: &[&str] = &[
    "input",
    "output",
    "taskType",
    "status",
    "referenceTaskName",
    "retryCount",
    "correlationId",
    "pollCount",
    "taskDefName",
    "scheduledTime",
    "startTime",
    "endTime",
    "workflowInstanceId",
    "taskId",
    "reasonForIncompletion",
    "callbackAfterSeconds",
    "workerId",
    "iteration",
];

/// Fields of `workflow` in the resolution map (contract §6.2), besides the special forms
/// `workflow.secrets` and `workflow.env` (§6.2).
pub const WORKFLOW_FIELDS: &[&str] = &[
    "input",
    "output",
    "status",
    "workflowId",
    "parentWorkflowId",
    "parentWorkflowTaskId",
    "workflowType",
    "version",
    "correlationId",
    "reasonForIncompletion",
    "schemaVersion",
    "variables",
];

/// `workflow.<name>` forms the server substitutes before JSONPath (contract §6.2).
pub const WORKFLOW_SPECIAL_FIELDS: &[&str] = &["secrets", "env"];

/// Keys of an HTTP task's `output.response` (contract §3.3).
const HTTP_RESPONSE_KEYS: &[&str] = &["statusCode", "headers", "body", "reasonPhrase"];

/// Where a known output shape comes from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeSource {
    /// A system task whose output the server's code fixes.
    SystemTask(&'static str),
    /// The `outputKeys` of a task definition.
    TaskDefinition(String),
    /// The `outputParameters` of a sub-workflow's definition.
    SubWorkflow(String),
    /// A JOIN's `joinOn`.
    Join,
}

/// The known keys of a task's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputShape {
    /// The keys.
    pub keys: Vec<String>,
    /// Where they come from.
    pub source: ShapeSource,
    /// Whether any all-digit key is also allowed (a DO_WHILE's per-iteration maps).
    pub numeric_keys: bool,
}

impl OutputShape {
    fn system(task_type: &'static str, keys: &[&str]) -> OutputShape {
        OutputShape {
            keys: keys.iter().map(|key| (*key).to_owned()).collect(),
            source: ShapeSource::SystemTask(task_type),
            numeric_keys: false,
        }
    }

    /// Whether `key` is a key of the shape.
    pub fn allows(&self, key: &str) -> bool {
        self.keys.iter().any(|known| known == key)
            || (self.numeric_keys && !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The known keys under `key`, when they are known too (an HTTP task's `response`).
    pub fn nested(&self, key: &str) -> Option<&'static [&'static str]> {
        match (&self.source, key) {
            (ShapeSource::SystemTask(HTTP), "response") => Some(HTTP_RESPONSE_KEYS),
            _ => None,
        }
    }
}

/// The output shape of `task`, when it is known. `previous` is the task before it in its
/// list (a JOIN's fork).
pub fn output_shape(
    project: &Project<'_>,
    task: &WorkflowTask,
    previous: Option<&WorkflowTask>,
) -> Option<OutputShape> {
    match task.type_name() {
        // Contract §3.3: HTTP output is `response: {body, headers, statusCode, reasonPhrase}`.
        HTTP => Some(OutputShape::system(HTTP, &["response"])),
        // INLINE and LAMBDA set `result`, or `error` when the script fails.
        INLINE => Some(OutputShape::system(INLINE, &["result", "error"])),
        LAMBDA => Some(OutputShape::system(LAMBDA, &["result", "error"])),
        JSON_JQ_TRANSFORM => Some(OutputShape::system(
            JSON_JQ_TRANSFORM,
            &["result", "resultList", "error"],
        )),
        SWITCH => Some(OutputShape::system(
            SWITCH,
            &["evaluationResult", "selectedCase"],
        )),
        DECISION => Some(OutputShape::system(DECISION, &["caseOutput"])),
        DO_WHILE => Some(OutputShape {
            keys: ["iteration", "loopItem", "loopIndex"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            source: ShapeSource::SystemTask(DO_WHILE),
            numeric_keys: true,
        }),
        START_WORKFLOW => Some(OutputShape::system(START_WORKFLOW, &["workflowId"])),
        JOIN if previous.is_some_and(|fork| fork.type_name() == FORK_JOIN) => {
            task.join_on.as_ref().map(|join_on| OutputShape {
                keys: join_on.clone(),
                source: ShapeSource::Join,
                numeric_keys: false,
            })
        }
        SUB_WORKFLOW => sub_workflow_shape(project, task),
        SIMPLE => {
            let def = match &task.task_definition {
                Some(embedded) => Some(embedded.as_ref()),
                None => project.task_def(&task.name).map(|compiled| &compiled.def),
            }?;
            let keys = def.output_keys.as_ref().filter(|keys| !keys.is_empty())?;
            Some(OutputShape {
                keys: keys.clone(),
                source: ShapeSource::TaskDefinition(def.name.clone()),
                numeric_keys: false,
            })
        }
        _ => None,
    }
}

/// A sub-workflow's output: `subWorkflowId` and the child's output parameters, when the child
/// is in the project (or inline) and declares them; a child without `outputParameters`
/// outputs its last task's output, and a TERMINATE can replace it, so those are unknown.
fn sub_workflow_shape(project: &Project<'_>, task: &WorkflowTask) -> Option<OutputShape> {
    let param = task.sub_workflow_param.as_ref()?;
    let child: &WorkflowDef = match &param.workflow_definition {
        Some(WorkflowDefinitionRef::Inline(inline)) => inline.as_ref(),
        Some(_) => return None,
        None => {
            let name = param.name.as_deref()?;
            if name.contains("${") {
                return None;
            }
            &project.workflow(name, param.version)?.def
        }
    };
    let output = child
        .output_parameters
        .as_ref()
        .filter(|map| !map.is_empty())?;
    if has_terminate_with_output(&child.tasks) {
        return None;
    }
    let mut keys: Vec<String> = vec!["subWorkflowId".to_owned()];
    keys.extend(output.keys().cloned());
    Some(OutputShape {
        keys,
        source: ShapeSource::SubWorkflow(child.name.clone()),
        numeric_keys: false,
    })
}

fn has_terminate_with_output(tasks: &[WorkflowTask]) -> bool {
    tasks.iter().any(|task| {
        (task.type_name() == TERMINATE
            && task
                .input_parameters
                .as_ref()
                .is_some_and(|input| input.contains_key("workflowOutput")))
            || task.nested_task_lists().iter().any(|nested| {
                let (NestedTasks::Case(_, list)
                | NestedTasks::Default(list)
                | NestedTasks::Branch(_, list)
                | NestedTasks::Loop(list)) = *nested;
                has_terminate_with_output(list)
            })
    })
}
