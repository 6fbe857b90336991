//! A workflow's tasks: walking them with where each is, and describing each for the tasks table
//! (its type, task definition, what it does, what it reads).

use conductor_dsl::lower::provenance::Provenance;
use conductor_dsl::syntax::task::TASK_FORMS;
use conductor_model::{WorkflowDefinitionRef, WorkflowTask, task_type};
use conductor_source::yaml::escape_segment;
use serde_json::Value;

use super::Catalogue;
use crate::markdown::{code, link, relative};
use crate::policy::duration;
use crate::reads::{Read, expression_reads};
use crate::reference::{REFERENCE_DIR, file_stem};

/// Nested task lists deeper than this are not walked.
const MAX_DEPTH: usize = 32;

/// One step from a task to the list it is in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Within<'a> {
    /// A SWITCH/DECISION case: the switch's reference name and the case value.
    Case(&'a str, &'a str),
    /// A SWITCH/DECISION default case.
    Default(&'a str),
    /// A fork branch, from 0.
    Branch(&'a str, usize),
    /// A DO_WHILE body.
    Loop(&'a str),
}

/// Visits every task of a list, then its cases, branches and loop body, in the server's order
/// (not entering inline sub-workflow definitions). `pointer` is the list's owner in the
/// compiled workflow (`""` for the workflow itself, so tasks are at `/tasks/<n>`).
pub(crate) fn walk_tasks<'a>(
    tasks: &'a [WorkflowTask],
    pointer: &str,
    visit: &mut dyn FnMut(&'a WorkflowTask, &str, &[Within<'a>]),
) {
    walk_list(tasks, &format!("{pointer}/tasks"), &mut Vec::new(), visit);
}

fn walk_list<'a>(
    tasks: &'a [WorkflowTask],
    list_pointer: &str,
    within: &mut Vec<Within<'a>>,
    visit: &mut dyn FnMut(&'a WorkflowTask, &str, &[Within<'a>]),
) {
    if within.len() > MAX_DEPTH {
        return;
    }
    for (idx, task) in tasks.iter().enumerate() {
        let pointer = format!("{list_pointer}/{idx}");
        visit(task, &pointer, within);
        let reference = task.task_reference_name.as_str();
        for (case, list) in task.decision_cases.iter().flatten() {
            within.push(Within::Case(reference, case));
            let segment = escape_segment(case);
            walk_list(
                list,
                &format!("{pointer}/decisionCases/{segment}"),
                within,
                visit,
            );
            within.pop();
        }
        if let Some(list) = &task.default_case {
            within.push(Within::Default(reference));
            walk_list(list, &format!("{pointer}/defaultCase"), within, visit);
            within.pop();
        }
        for (branch_idx, list) in task.fork_tasks.iter().flatten().enumerate() {
            within.push(Within::Branch(reference, branch_idx));
            walk_list(
                list,
                &format!("{pointer}/forkTasks/{branch_idx}"),
                within,
                visit,
            );
            within.pop();
        }
        if let Some(list) = &task.loop_over {
            within.push(Within::Loop(reference));
            walk_list(list, &format!("{pointer}/loopOver"), within, visit);
            within.pop();
        }
    }
}

/// The reference page of the DSL form a Conductor type is written in (the generic form for
/// types without one of their own).
pub(crate) fn form_page(type_name: &str) -> String {
    let key = TASK_FORMS
        .iter()
        .find(|(_, _, conductor_type)| *conductor_type == type_name && !type_name.is_empty())
        .map_or("type", |(_, key, _)| key);
    format!("{REFERENCE_DIR}/tasks/{}.md", file_stem(key))
}

/// What a task reads: `${...}` in every place the server resolves them for it (contract §6.1).
pub(crate) fn task_reads(task: &WorkflowTask) -> Vec<Read> {
    let mut owned: Vec<Value> = Vec::new();
    if let Some(params) = &task.sub_workflow_param {
        owned.extend(params.name.clone().map(Value::from));
        owned.extend(params.idempotency_key.clone().map(Value::from));
        owned.extend(params.priority.clone());
        owned.extend(params.task_to_domain.clone().map(Value::Object));
        if let Some(WorkflowDefinitionRef::Expression(expression)) = &params.workflow_definition {
            owned.push(Value::from(expression.clone()));
        }
    }
    if task.type_name() == task_type::DO_WHILE {
        owned.extend(task.items.clone().map(Value::from));
    }
    if task.type_name() == task_type::EVENT {
        owned.extend(task.sink.clone().map(Value::from));
    }
    let input = task
        .input_parameters
        .iter()
        .flat_map(|input| input.values());
    expression_reads(input.chain(owned.iter()))
}

/// The cells of a task's row: type (linked to its DSL form), task definition, what it does.
pub(crate) struct TaskCells {
    /// The Conductor type, linked to the reference.
    pub type_cell: String,
    /// The task definition it uses, linked when the project defines it.
    pub task_def_cell: String,
    /// What it does, in a few words.
    pub details: String,
}

/// Describes a task for the tasks table of the page at `from`.
pub(crate) fn task_cells(
    catalogue: &Catalogue<'_>,
    from: &str,
    task: &WorkflowTask,
    pointer: &str,
    provenance: Option<&Provenance>,
) -> TaskCells {
    let type_name = task.type_name();
    let type_cell = link(&code(type_name), &relative(from, &form_page(type_name)));
    let task_def_cell = match &task.task_definition {
        Some(embedded) => format!("{} (embedded)", code(&embedded.name)),
        None if catalogue.task_def_page(&task.name).is_some() => {
            catalogue.task_def_link(from, &task.name)
        }
        None if type_name == task_type::SIMPLE => {
            format!("{} (not in this project)", code(&task.name))
        }
        None => String::new(),
    };
    let generated_join = provenance
        .and_then(|provenance| provenance.task(pointer))
        .is_some_and(|origin| origin.generated_join);
    let mut details = what_it_does(catalogue, from, task);
    if generated_join {
        details = format!("{details} (generated after the fork)");
    }
    let mut flags = Vec::new();
    if task.optional == Some(true) {
        flags.push("optional".to_owned());
    }
    if task.permissive == Some(true) {
        flags.push("permissive".to_owned());
    }
    if task.async_complete == Some(true) {
        flags.push("completed through the API".to_owned());
    }
    if let Some(delay) = task.start_delay.filter(|delay| *delay > 0) {
        flags.push(format!("starts after {}", duration(i64::from(delay))));
    }
    if let Some(count) = task.retry_count {
        flags.push(format!("retry count {count}"));
    }
    if !flags.is_empty() {
        let joined = flags.join(", ");
        details = if details.is_empty() {
            joined
        } else {
            format!("{details}; {joined}")
        };
    }
    if let Some(description) = task.description.as_deref().filter(|d| !d.is_empty()) {
        let description = crate::markdown::text(description);
        details = if details.is_empty() {
            description
        } else {
            format!("{description}<br>{details}")
        };
    }
    TaskCells {
        type_cell,
        task_def_cell,
        details,
    }
}

/// A value from the task's input, as code.
fn input_code(task: &WorkflowTask, key: &str) -> Option<String> {
    let value = task.input_parameters.as_ref()?.get(key)?;
    Some(value_code(value))
}

/// A JSON value in a code span, cut to a readable length.
pub(crate) fn value_code(value: &Value) -> String {
    let shown = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    code(&cut(&shown, 80))
}

/// Cuts text to at most `max` characters, marking the cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn names(list: &[String]) -> String {
    list.iter()
        .map(|name| code(name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn what_it_does(catalogue: &Catalogue<'_>, from: &str, task: &WorkflowTask) -> String {
    let input = |key: &str| input_code(task, key);
    match task.type_name() {
        task_type::HTTP => {
            let request = task
                .input_parameters
                .as_ref()
                .and_then(|input| input.get("http_request"));
            let method = request
                .and_then(|request| request.get("method"))
                .and_then(Value::as_str)
                .unwrap_or("GET");
            match request.and_then(|request| request.get("uri")) {
                Some(uri) => format!("{} {}", code(method), value_code(uri)),
                None => "calls an HTTP endpoint".to_owned(),
            }
        }
        task_type::INLINE | task_type::LAMBDA => {
            let evaluator = task
                .input_parameters
                .as_ref()
                .and_then(|input| input.get("evaluatorType"))
                .and_then(Value::as_str)
                .unwrap_or("javascript");
            format!("runs a {} script", code(evaluator))
        }
        task_type::JSON_JQ_TRANSFORM => match input("queryExpression") {
            Some(program) => format!("jq {program}"),
            None => "transforms JSON with jq".to_owned(),
        },
        task_type::SWITCH | task_type::DECISION => {
            let on = match (
                task.evaluator_type.as_deref(),
                task.expression.as_deref(),
                task.case_value_param.as_deref(),
                task.case_expression.as_deref(),
            ) {
                (Some("value-param"), Some(key), _, _) | (None, None, Some(key), _) => {
                    input(key).map(|value| format!("on {value}"))
                }
                (Some(evaluator), Some(expression), _, _) => Some(format!(
                    "on {} {}",
                    code(evaluator),
                    value_code(&Value::from(expression))
                )),
                (_, _, _, Some(expression)) => {
                    Some(format!("on {}", value_code(&Value::from(expression))))
                }
                _ => None,
            };
            let mut cases: Vec<String> = task
                .decision_cases
                .iter()
                .flatten()
                .map(|(case, _)| code(case))
                .collect();
            if task
                .default_case
                .as_ref()
                .is_some_and(|list| !list.is_empty())
            {
                cases.push("default".to_owned());
            }
            let cases = format!("cases {}", cases.join(", "));
            match on {
                Some(on) => format!("{on}; {cases}"),
                None => cases,
            }
        }
        task_type::FORK_JOIN => {
            let count = task.fork_tasks.as_ref().map_or(0, Vec::len);
            format!(
                "{count} branch{} in parallel",
                if count == 1 { "" } else { "es" }
            )
        }
        task_type::FORK_JOIN_DYNAMIC => {
            let tasks = task.dynamic_fork_tasks_param.as_deref().and_then(&input);
            match tasks {
                Some(tasks) => format!("forks the tasks in {tasks}"),
                None => "forks tasks computed at run time".to_owned(),
            }
        }
        task_type::JOIN | task_type::EXCLUSIVE_JOIN => match &task.join_on {
            Some(refs) if !refs.is_empty() => format!("waits for {}", names(refs)),
            _ => "waits for the forked tasks".to_owned(),
        },
        task_type::DO_WHILE => {
            let mut words = match (&task.items, &task.loop_condition) {
                (Some(items), _) if !items.is_empty() => {
                    format!(
                        "for each item of {}",
                        value_code(&Value::from(items.clone()))
                    )
                }
                (_, Some(condition)) => {
                    format!("while {}", value_code(&Value::from(condition.clone())))
                }
                _ => "loops".to_owned(),
            };
            if let Some(keep) = input("keepLastN") {
                words.push_str(&format!(", keeping the last {keep} iterations"));
            }
            words
        }
        task_type::SUB_WORKFLOW => {
            let Some(params) = &task.sub_workflow_param else {
                return "runs a workflow".to_owned();
            };
            match &params.workflow_definition {
                Some(WorkflowDefinitionRef::Inline(inline)) => {
                    format!("runs the inline definition {} (below)", code(&inline.name))
                }
                Some(WorkflowDefinitionRef::Expression(expression)) => {
                    format!(
                        "runs the definition {}",
                        value_code(&Value::from(expression.clone()))
                    )
                }
                None => match params.name.as_deref() {
                    Some(name) if name.contains("${") => {
                        format!("runs the workflow named {}", value_code(&Value::from(name)))
                    }
                    Some(name) => {
                        let version = params.version.map(|v| v.to_string());
                        format!(
                            "runs {}{}",
                            catalogue.workflow_link(from, name),
                            version_words(catalogue, name, version.as_deref())
                        )
                    }
                    None => "runs a workflow".to_owned(),
                },
            }
        }
        task_type::START_WORKFLOW => {
            let request = task
                .input_parameters
                .as_ref()
                .and_then(|input| input.get("startWorkflow"));
            let name = request
                .and_then(|request| request.get("name"))
                .and_then(Value::as_str);
            let version = request
                .and_then(|request| request.get("version"))
                .map(|v| match v {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                });
            match name {
                Some(name) if !name.contains("${") => format!(
                    "starts {}{}",
                    catalogue.workflow_link(from, name),
                    version_words(catalogue, name, version.as_deref())
                ),
                Some(name) => format!(
                    "starts the workflow named {}",
                    value_code(&Value::from(name))
                ),
                None => "starts a workflow".to_owned(),
            }
        }
        task_type::EVENT => match &task.sink {
            Some(sink) => format!("publishes to {}", value_code(&Value::from(sink.clone()))),
            None => "publishes an event".to_owned(),
        },
        task_type::WAIT => {
            if let Some(duration) = input("duration") {
                format!("waits {duration}")
            } else if let Some(until) = input("until") {
                format!("waits until {until}")
            } else {
                "waits for a signal through the API".to_owned()
            }
        }
        task_type::HUMAN => "waits for a person to complete it".to_owned(),
        task_type::SET_VARIABLE => {
            let keys: Vec<String> = task
                .input_parameters
                .iter()
                .flat_map(|input| input.keys())
                .cloned()
                .collect();
            if keys.is_empty() {
                "sets no variables".to_owned()
            } else {
                format!("sets {}", names(&keys))
            }
        }
        task_type::TERMINATE => {
            let status = input("terminationStatus").unwrap_or_else(|| code("?"));
            match input("terminationReason") {
                Some(reason) => format!("ends the workflow as {status}: {reason}"),
                None => format!("ends the workflow as {status}"),
            }
        }
        task_type::DYNAMIC => {
            let named = task.dynamic_task_name_param.as_deref().and_then(&input);
            match named {
                Some(named) => format!("runs the task named by {named}"),
                None => "runs a task chosen at run time".to_owned(),
            }
        }
        task_type::KAFKA_PUBLISH => {
            let topic = task
                .input_parameters
                .as_ref()
                .and_then(|input| input.get("kafka_request"))
                .and_then(|request| request.get("topic"));
            match topic {
                Some(topic) => format!("publishes to Kafka topic {}", value_code(topic)),
                None => "publishes to Kafka".to_owned(),
            }
        }
        task_type::NOOP => "does nothing".to_owned(),
        _ => String::new(),
    }
}

/// ", version 2", ", latest version", with a note when the project lacks that version.
pub(crate) fn version_words(
    catalogue: &Catalogue<'_>,
    name: &str,
    version: Option<&str>,
) -> String {
    // A version computed at run time cannot be looked up.
    let computed = version.is_some_and(|version| version.contains("${"));
    let documented = computed || catalogue.has_workflow_version(name, version);
    let missing = if catalogue.workflow_page(name).is_none() {
        " (not in this project)"
    } else if !documented {
        " (this version is not in this project)"
    } else {
        ""
    };
    match version {
        Some(version) => format!(" version {}{missing}", code(version)),
        None => format!(", latest version{missing}"),
    }
}
