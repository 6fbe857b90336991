//! Where each part of a compiled definition came from in the DSL document.
//!
//! Lowering records one [`TaskOrigin`] per compiled task and one [`WorkflowOrigin`] per workflow
//! (the document's own and each inline sub-workflow definition). A later stage that finds a
//! problem at a JSON pointer into the compiled definition (`/tasks/2/inputParameters/url`) asks
//! [`Provenance::span`] for the byte span to underline; the form-specific rules below know that
//! an HTTP task's `inputParameters/http_request/uri` is written `http/uri`, that a value switch's
//! `expression` is the `switch:` value, and so on.

use std::ops::Range;

use crate::locate::{DocumentSpans, Part, span_at, split_pointer};
use crate::syntax::task::TaskForm;

/// Where one compiled task came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskOrigin {
    /// JSON pointer of the task in the compiled `WorkflowDef` (`/tasks/2/forkTasks/0/1`).
    pub model: String,
    /// JSON pointer of the DSL task it was lowered from (`/tasks/2/fork/0/1`); for a generated
    /// JOIN, the fork task that caused it.
    pub dsl: String,
    /// The form of the DSL task.
    pub form: TaskForm,
    /// Whether the task is a JOIN generated after a `fork:` or `dynamicFork:`.
    pub generated_join: bool,
}

/// Where one compiled workflow (the document's or an inline sub-workflow's) came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowOrigin {
    /// JSON pointer of the `WorkflowDef` in the compiled document (`""` for the document's own).
    pub model: String,
    /// JSON pointer of its DSL workflow document (`""`, or `/tasks/3/subWorkflow/definition`).
    pub dsl: String,
}

/// The origins of a compiled workflow's parts; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Every compiled task, in pre-order.
    pub tasks: Vec<TaskOrigin>,
    /// The workflow and its inline sub-workflow definitions.
    pub workflows: Vec<WorkflowOrigin>,
}

/// Whether `prefix` is `pointer` or an ancestor of it.
fn is_prefix(prefix: &str, pointer: &str) -> bool {
    pointer.starts_with(prefix)
        && (pointer.len() == prefix.len() || pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
}

impl Provenance {
    /// The origin of the task at this compiled pointer, if a task is there.
    pub fn task(&self, model: &str) -> Option<&TaskOrigin> {
        self.tasks.iter().find(|origin| origin.model == model)
    }

    /// The DSL pointers that may hold what is at `model`, most precise first. The last
    /// candidate always exists in the document (the task or workflow it belongs to).
    pub fn candidates(&self, model: &str) -> Vec<String> {
        let task = self
            .tasks
            .iter()
            .filter(|origin| is_prefix(&origin.model, model))
            .max_by_key(|origin| origin.model.len());
        let workflow = self
            .workflows
            .iter()
            .filter(|origin| is_prefix(&origin.model, model))
            .max_by_key(|origin| origin.model.len());
        match (task, workflow) {
            (Some(task), Some(workflow)) if workflow.model.len() > task.model.len() => {
                workflow_candidates(workflow, model)
            }
            (Some(task), _) => task_candidates(task, model),
            (None, Some(workflow)) => workflow_candidates(workflow, model),
            (None, None) => vec![String::new()],
        }
    }

    /// The span of what is at the compiled pointer `model`: the most precise DSL location that
    /// exists in the document.
    pub fn span(&self, spans: &DocumentSpans, model: &str, part: Part) -> Range<usize> {
        let candidates = self.candidates(model);
        for candidate in &candidates {
            let segments = split_pointer(candidate);
            if spans.root.lookup_segments(segments.iter()).is_some() {
                return span_at(spans, &segments, part);
            }
        }
        let fallback = candidates.last().map(String::as_str).unwrap_or("");
        span_at(spans, &split_pointer(fallback), Part::Head)
    }
}

fn join(base: &str, rest: &[&str]) -> String {
    let mut pointer = base.to_owned();
    for segment in rest {
        pointer.push('/');
        pointer.push_str(segment);
    }
    pointer
}

fn workflow_candidates(origin: &WorkflowOrigin, model: &str) -> Vec<String> {
    let rest = model.get(origin.model.len()..).unwrap_or("");
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mapped: Option<Vec<&str>> = match segments.as_slice() {
        [] => Some(vec![]),
        ["name", ..] => Some(vec!["workflow"]),
        ["inputParameters", tail @ ..] => Some([&["inputs"], tail].concat()),
        ["outputParameters", tail @ ..] => Some([&["output"], tail].concat()),
        ["timeoutSeconds"] => Some(vec!["timeout"]),
        ["cacheConfig", "ttlInSecond"] => Some(vec!["cacheConfig", "ttl"]),
        other => Some(other.to_vec()),
    };
    let mut candidates = Vec::new();
    if let Some(mapped) = mapped {
        candidates.push(join(&origin.dsl, &mapped));
    }
    candidates.push(origin.dsl.clone());
    candidates
}

/// Maps a compiled `TaskDef` path (relative) to its DSL spelling.
pub fn task_def_path<'a>(segments: &[&'a str]) -> Vec<&'a str> {
    let head: &[&str] = match segments.first().copied() {
        Some("retryCount") => &["retry", "count"],
        Some("retryLogic") => &["retry", "logic"],
        Some("retryDelaySeconds") => &["retry", "delay"],
        Some("maxRetryDelaySeconds") => &["retry", "maxDelay"],
        Some("backoffScaleFactor") => &["retry", "scaleFactor"],
        Some("backoffJitterMs") => &["retry", "jitterMs"],
        Some("timeoutSeconds") => &["timeout"],
        Some("responseTimeoutSeconds") => &["responseTimeout"],
        Some("pollTimeoutSeconds") => &["pollTimeout"],
        Some("totalTimeoutSeconds") => &["totalTimeout"],
        Some("concurrentExecLimit") => &["concurrency"],
        Some("rateLimitPerFrequency") => &["rateLimit", "count"],
        Some("rateLimitFrequencyInSeconds") => &["rateLimit", "per"],
        _ => return segments.to_vec(),
    };
    let mut mapped = head.to_vec();
    mapped.extend(segments.iter().skip(1));
    mapped
}

fn task_candidates(origin: &TaskOrigin, model: &str) -> Vec<String> {
    let base = origin.dsl.as_str();
    if origin.generated_join {
        return vec![join(base, &["ref"]), base.to_owned()];
    }
    let rest = model.get(origin.model.len()..).unwrap_or("");
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let form = origin.form;
    let key = form.key();
    let mut paths: Vec<Vec<&str>> = Vec::new();
    match segments.as_slice() {
        [] => paths.push(vec![]),
        ["name"] if form == TaskForm::Simple => paths.push(vec!["task"]),
        ["name"] => {
            paths.push(vec!["name"]);
            paths.push(vec!["ref"]);
        }
        ["taskReferenceName"] => paths.push(vec!["ref"]),
        ["type"] => paths.push(vec![key]),
        ["inputParameters"] => {
            paths.push(vec!["input"]);
            paths.push(vec![key]);
        }
        ["inputParameters", input_key, tail @ ..] => {
            let generated: Option<Vec<&str>> = match (form, *input_key) {
                (TaskForm::Http, "http_request") => Some([&["http"], tail].concat()),
                (TaskForm::Inline, "expression") => Some(vec!["inline", "expression"]),
                (TaskForm::Inline, "evaluatorType") => Some(vec!["inline", "evaluatorType"]),
                (TaskForm::Jq, "queryExpression") => Some(vec!["jq"]),
                (TaskForm::Switch, "switchCaseValue") => Some(vec!["switch"]),
                (TaskForm::DynamicFork, "dynamicTasks") => {
                    Some([&["dynamicFork", "tasks"], tail].concat())
                }
                (TaskForm::DynamicFork, "dynamicTasksInput") => {
                    Some([&["dynamicFork", "inputs"], tail].concat())
                }
                (TaskForm::DoWhile, "keepLastN") => Some(vec!["doWhile", "keepLastN"]),
                (TaskForm::StartWorkflow, "startWorkflow") => {
                    Some([&["startWorkflow"], tail].concat())
                }
                (TaskForm::Wait, "duration") => Some(vec!["wait"]),
                (TaskForm::Wait, "until") => Some(vec!["wait", "until"]),
                (TaskForm::SetVariable, _) => Some([&["setVariable", *input_key], tail].concat()),
                (TaskForm::Terminate, "terminationStatus") => Some(vec!["terminate", "status"]),
                (TaskForm::Terminate, "terminationReason") => Some(vec!["terminate", "reason"]),
                (TaskForm::Terminate, "workflowOutput") => {
                    Some([&["terminate", "output"], tail].concat())
                }
                (TaskForm::Dynamic, "taskToExecute") => Some(vec!["dynamic"]),
                (TaskForm::Kafka, "kafka_request") => Some([&["kafka"], tail].concat()),
                _ => None,
            };
            if let Some(generated) = generated {
                paths.push(generated);
            }
            paths.push([&["input", *input_key], tail].concat());
            paths.push(vec!["input", *input_key]);
            paths.push(vec![key]);
        }
        ["decisionCases", tail @ ..] if form == TaskForm::Switch => {
            paths.push([&["cases"], tail].concat());
        }
        ["defaultCase", tail @ ..] if form == TaskForm::Switch => {
            paths.push([&["default"], tail].concat());
        }
        ["forkTasks", tail @ ..] if form == TaskForm::Fork => {
            paths.push([&["fork"], tail].concat())
        }
        ["loopOver", tail @ ..] if form == TaskForm::DoWhile => {
            paths.push([&["doWhile", "tasks"], tail].concat());
        }
        ["loopCondition"] if form == TaskForm::DoWhile => {
            paths.push(vec!["doWhile", "condition"]);
            paths.push(vec!["doWhile", "items"]);
            paths.push(vec!["doWhile"]);
        }
        ["items"] if form == TaskForm::DoWhile => paths.push(vec!["doWhile", "items"]),
        [field @ ("evaluatorType" | "expression")] if form == TaskForm::Switch => {
            paths.push(vec!["switch", *field]);
            paths.push(vec!["switch"]);
        }
        ["joinOn", tail @ ..] if form == TaskForm::Join => paths.push([&["join"], tail].concat()),
        ["joinOn", tail @ ..] if form == TaskForm::ExclusiveJoin => {
            paths.push([&["exclusiveJoin"], tail].concat());
        }
        ["sink"] if form == TaskForm::Event => paths.push(vec!["event"]),
        ["dynamicTaskNameParam"] if form == TaskForm::Dynamic => {
            paths.push(vec!["dynamic", "dynamicTaskNameParam"]);
            paths.push(vec!["dynamic"]);
        }
        [
            field @ ("dynamicForkTasksParam"
            | "dynamicForkTasksInputParamName"
            | "dynamicForkJoinTasksParam"),
        ] if form == TaskForm::DynamicFork => {
            paths.push(vec!["dynamicFork", *field]);
            let concise = if *field == "dynamicForkTasksInputParamName" {
                "inputs"
            } else {
                "tasks"
            };
            paths.push(vec!["dynamicFork", concise]);
            paths.push(vec!["dynamicFork"]);
        }
        ["subWorkflowParam", tail @ ..] if form == TaskForm::SubWorkflow => {
            let tail = sub_workflow_path(tail);
            paths.push([&["subWorkflow"], tail.as_slice()].concat());
            paths.push(vec!["subWorkflow"]);
        }
        ["subWorkflowParam", tail @ ..] => {
            let tail = sub_workflow_path(tail);
            paths.push([&["subWorkflowParam"], tail.as_slice()].concat());
        }
        ["taskDefinition", tail @ ..] => {
            paths.push([&["taskDefinition"], task_def_path(tail).as_slice()].concat());
            paths.push(vec!["taskDefinition"]);
        }
        ["cacheConfig", "ttlInSecond"] => paths.push(vec!["cacheConfig", "ttl"]),
        other => paths.push(other.to_vec()),
    }
    let mut candidates: Vec<String> = paths.iter().map(|path| join(base, path)).collect();
    candidates.push(base.to_owned());
    candidates
}

/// A path inside `subWorkflowParam` as the DSL writes it: `workflowDefinition` is `definition`.
fn sub_workflow_path<'a>(tail: &[&'a str]) -> Vec<&'a str> {
    tail.iter()
        .map(|segment| {
            if *segment == "workflowDefinition" {
                "definition"
            } else {
                segment
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provenance() -> Provenance {
        Provenance {
            tasks: vec![
                TaskOrigin {
                    model: "/tasks/0".into(),
                    dsl: "/tasks/0".into(),
                    form: TaskForm::Http,
                    generated_join: false,
                },
                TaskOrigin {
                    model: "/tasks/1".into(),
                    dsl: "/tasks/1".into(),
                    form: TaskForm::Fork,
                    generated_join: false,
                },
                TaskOrigin {
                    model: "/tasks/1/forkTasks/0/0".into(),
                    dsl: "/tasks/1/fork/0/0".into(),
                    form: TaskForm::Simple,
                    generated_join: false,
                },
                TaskOrigin {
                    model: "/tasks/2".into(),
                    dsl: "/tasks/1".into(),
                    form: TaskForm::Join,
                    generated_join: true,
                },
            ],
            workflows: vec![WorkflowOrigin {
                model: String::new(),
                dsl: String::new(),
            }],
        }
    }

    #[test]
    fn maps_concise_forms_back() {
        let p = provenance();
        assert_eq!(
            p.candidates("/tasks/0/inputParameters/http_request/uri")[0],
            "/tasks/0/http/uri"
        );
        assert_eq!(
            p.candidates("/tasks/1/forkTasks/0/0/inputParameters/x")[0],
            "/tasks/1/fork/0/0/input/x"
        );
        assert_eq!(
            p.candidates("/tasks/1/forkTasks/0/0/name")[0],
            "/tasks/1/fork/0/0/task"
        );
        assert_eq!(p.candidates("/tasks/2/joinOn/0")[0], "/tasks/1/ref");
        assert_eq!(p.candidates("/outputParameters/a")[0], "/output/a");
        assert_eq!(p.candidates("/timeoutSeconds")[0], "/timeout");
    }

    #[test]
    fn prefixes_respect_segment_boundaries() {
        assert!(is_prefix("/tasks/1", "/tasks/1/forkTasks"));
        assert!(!is_prefix("/tasks/1", "/tasks/10"));
        assert!(is_prefix("", "/tasks"));
    }
}
