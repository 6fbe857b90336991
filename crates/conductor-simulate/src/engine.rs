//! The interpreter: one workflow's tasks in order, each by its type's semantics on the server.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::jq::run_jq;
use crate::resolve::{Roots, resolve_value};
use crate::script::Engine;
use crate::values::{java_string, truthy};
use crate::{Case, Execution, Library, MockStatus, Reached, SimError, TaskRun};

/// Iterations a DO_WHILE may run before the simulation gives up.
const LOOP_LIMIT: u32 = 1000;

/// Sub-workflows nested deeper than this are refused (a workflow that starts itself).
const DEPTH_LIMIT: u32 = 16;

/// Task types whose input gets the task definition's `inputTemplate` (contract §6.7).
const TEMPLATE_TYPES: &[&str] = &[
    "SIMPLE",
    "HTTP",
    "INLINE",
    "LAMBDA",
    "JSON_JQ_TRANSFORM",
    "KAFKA_PUBLISH",
    "DO_WHILE",
    "USER_DEFINED",
    "DYNAMIC",
];

/// Runs `case` against `library`, with a JavaScript engine of its own.
pub fn simulate(library: &Library, case: &Case) -> Result<Execution, SimError> {
    simulate_with(&Engine::new()?, library, case)
}

/// Runs `case` against `library` with `engine`, which many cases can share (starting an
/// engine costs more than most cases).
pub fn simulate_with(
    engine: &Engine,
    library: &Library,
    case: &Case,
) -> Result<Execution, SimError> {
    let def = library
        .workflow(&case.workflow, case.version)
        .ok_or_else(|| SimError::UnknownWorkflow {
            name: case.workflow.clone(),
            version: case.version,
        })?;
    let mut shared = Shared {
        library,
        case,
        used: BTreeMap::new(),
        engine,
        reached: BTreeMap::new(),
        next_id: 0,
    };
    let mut execution = run_workflow(&mut shared, def, case.input.clone(), 0)?;
    execution.reached = std::mem::take(&mut shared.reached);
    Ok(execution)
}

/// What every workflow of one simulation shares: mocks consumed, the engine, coverage.
struct Shared<'a> {
    library: &'a Library,
    case: &'a Case,
    used: BTreeMap<String, usize>,
    engine: &'a Engine,
    reached: BTreeMap<String, Reached>,
    next_id: u64,
}

impl Shared<'_> {
    fn id(&mut self, kind: &str) -> String {
        self.next_id += 1;
        format!("sim-{kind}-{}", self.next_id)
    }
}

enum Flow {
    Next,
    Stop(End),
}

enum End {
    Terminated {
        status: String,
        reason: Option<String>,
        output: Option<Value>,
    },
    Failed {
        reason: String,
    },
}

struct Run<'s, 'a> {
    shared: &'s mut Shared<'a>,
    name: String,
    version: i64,
    workflow_id: String,
    input: Value,
    variables: Map<String, Value>,
    tasks: Vec<TaskRun>,
    /// Each reference's entry in the resolution document (the latest run of it).
    refs: Map<String, Value>,
    /// The iteration of the DO_WHILE being run, for the `__N` suffix.
    iteration: Option<u32>,
    /// The references of the last dynamic fork's tasks, for its JOIN.
    dynamic_refs: Vec<String>,
    depth: u32,
}

fn run_workflow(
    shared: &mut Shared<'_>,
    def: &Value,
    input: Value,
    depth: u32,
) -> Result<Execution, SimError> {
    let name = text(def, "name").to_owned();
    let version = def.get("version").and_then(Value::as_i64).unwrap_or(1);
    // The definition's inputTemplate gives defaults for missing input (contract §2.2).
    let mut input = match input {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            let mut map = Map::new();
            map.insert("input".to_owned(), other);
            map
        }
    };
    if let Some(Value::Object(template)) = def.get("inputTemplate") {
        for (key, value) in template {
            input.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    let workflow_id = shared.id("workflow");
    let mut run = Run {
        shared,
        name: name.clone(),
        version,
        workflow_id,
        input: Value::Object(input),
        variables: def
            .get("variables")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        tasks: Vec::new(),
        refs: Map::new(),
        iteration: None,
        dynamic_refs: Vec::new(),
        depth,
    };
    run.shared.reached.entry(name).or_default();
    let tasks = list(def, "tasks");
    let flow = run.run_tasks(tasks)?;
    let (status, reason, terminal_output) = match flow {
        Flow::Next => ("COMPLETED".to_owned(), None, None),
        Flow::Stop(End::Failed { reason }) => ("FAILED".to_owned(), Some(reason), None),
        Flow::Stop(End::Terminated {
            status,
            reason,
            output,
        }) => (status, reason, output),
    };
    let output = match terminal_output {
        Some(output) => output,
        None => match def.get("outputParameters") {
            Some(Value::Object(parameters)) if !parameters.is_empty() => {
                let document = run.document(&status, reason.as_deref());
                resolve_value(&Value::Object(parameters.clone()), &document)?
            }
            _ => run
                .tasks
                .last()
                .map(|task| task.output.clone())
                .unwrap_or_else(|| json!({})),
        },
    };
    let mut output = output;
    let failure_workflow = text(def, "failureWorkflow");
    if matches!(status.as_str(), "FAILED" | "TERMINATED")
        && !failure_workflow.trim().is_empty()
        && let Value::Object(fields) = &mut output
    {
        // The server starts the failure workflow and writes its id into the output, or why it
        // could not (WorkflowExecutor.terminateWorkflow); `test` registers no failure workflow.
        let started = match run.shared.library.workflow(failure_workflow, None) {
            Some(_) => format!("sim-failure-workflow-{failure_workflow}"),
            None => format!(
                "Error workflow {failure_workflow} failed to start.  reason: No such workflow \
                 defined. name={failure_workflow}, version=null"
            ),
        };
        fields.insert(
            "conductor.failure_workflow".to_owned(),
            Value::from(started),
        );
    }
    Ok(Execution {
        status,
        output,
        reason_for_incompletion: reason,
        variables: run.variables,
        tasks: run.tasks,
        reached: BTreeMap::new(),
    })
}

/// The roots of one resolution.
struct Document<'r> {
    workflow: Value,
    refs: &'r Map<String, Value>,
}

impl Roots for Document<'_> {
    fn root(&self, name: &str) -> Option<&Value> {
        if name == "workflow" {
            Some(&self.workflow)
        } else {
            self.refs.get(name)
        }
    }

    fn all(&self) -> Map<String, Value> {
        let mut all = self.refs.clone();
        all.insert("workflow".to_owned(), self.workflow.clone());
        all
    }
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `ref` without a loop's `__N` suffix (contract §6.8).
fn base_reference(reference: &str) -> &str {
    reference.split("__").next().unwrap_or(reference)
}

impl Run<'_, '_> {
    fn reached(&mut self) -> &mut Reached {
        self.shared.reached.entry(self.name.clone()).or_default()
    }

    /// The document `${...}` is read against: `workflow` and one root per task reference
    /// (borrowed: nothing is copied but the `workflow` root).
    fn document(&self, status: &str, reason: Option<&str>) -> Document<'_> {
        Document {
            workflow: json!({
                "input": self.input,
                "output": {},
                "status": status,
                "workflowId": self.workflow_id,
                "parentWorkflowId": null,
                "workflowType": self.name,
                "version": self.version,
                "correlationId": null,
                "reasonForIncompletion": reason,
                "schemaVersion": 2,
                "variables": self.variables,
            }),
            refs: &self.refs,
        }
    }

    fn full_reference(&self, base: &str) -> String {
        match self.iteration {
            Some(iteration) => format!("{base}__{iteration}"),
            None => base.to_owned(),
        }
    }

    fn task_def(&self, task: &Value, name: &str) -> Option<Value> {
        task.get("taskDefinition")
            .filter(|def| def.is_object())
            .cloned()
            .or_else(|| self.shared.library.task_defs.get(name).cloned())
    }

    /// The task's resolved input, with the task definition's template merged (contract §6.7).
    fn resolve_input(&self, task: &Value, kind: &str) -> Result<Value, SimError> {
        let mut parameters = task
            .get("inputParameters")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let template = if TEMPLATE_TYPES.contains(&kind) {
            self.task_def(task, text(task, "name"))
                .and_then(|def| def.get("inputTemplate").and_then(Value::as_object).cloned())
                .unwrap_or_default()
        } else {
            Map::new()
        };
        for (key, value) in &template {
            parameters
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
        let document = self.document("RUNNING", None);
        let mut resolved = match resolve_value(&Value::Object(parameters), &document)? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        for (key, value) in &template {
            if resolved.get(key).is_some_and(Value::is_null) {
                resolved.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(resolved))
    }

    /// Records a task's run: in the list, and as its reference's entry in the document.
    fn record(&mut self, run: TaskRun, task: &Value) -> usize {
        let base = base_reference(&run.reference).to_owned();
        let entry = json!({
            "input": run.input,
            "output": run.output,
            "taskType": run.task_type,
            "status": run.status,
            "referenceTaskName": run.reference,
            "retryCount": run.retry_count,
            "taskDefName": text(task, "name"),
            "iteration": self.iteration.unwrap_or(0),
            "taskId": self.shared.id("task"),
            "reasonForIncompletion": run.reason,
        });
        self.refs.insert(base, entry);
        self.tasks.push(run);
        self.tasks.len() - 1
    }

    /// Updates a recorded task (a SWITCH, loop or fork that finished after its children).
    fn update(&mut self, index: usize, status: &str, output: Value) {
        let Some(run) = self.tasks.get_mut(index) else {
            return;
        };
        run.status = status.to_owned();
        run.output = output;
        let base = base_reference(&run.reference).to_owned();
        if let Some(Value::Object(entry)) = self.refs.get_mut(&base) {
            entry.insert("status".to_owned(), Value::from(status));
            entry.insert("output".to_owned(), run.output.clone());
        }
    }

    fn run_tasks(&mut self, tasks: &[Value]) -> Result<Flow, SimError> {
        for (position, task) in tasks.iter().enumerate() {
            if let Flow::Stop(end) = self.run_task(task)? {
                // The server schedules a fork's JOIN together with the fork (ForkJoinTaskMapper):
                // a fork that stops the workflow lists its JOIN too, canceled.
                let forked = matches!(text(task, "type"), "FORK_JOIN" | "FORK_JOIN_DYNAMIC");
                if let Some(join) = tasks
                    .get(position + 1)
                    .filter(|next| forked && text(next, "type") == "JOIN")
                {
                    let reference = self.full_reference(text(join, "taskReferenceName"));
                    let run = TaskRun {
                        reference,
                        task_type: "JOIN".to_owned(),
                        status: "CANCELED".to_owned(),
                        input: json!({}),
                        output: json!({}),
                        reason: None,
                        retry_count: 0,
                    };
                    self.record(run, join);
                }
                return Ok(Flow::Stop(end));
            }
        }
        Ok(Flow::Next)
    }

    fn run_task(&mut self, task: &Value) -> Result<Flow, SimError> {
        let kind = match text(task, "type") {
            "" => "SIMPLE",
            kind => kind,
        }
        .to_owned();
        let base = text(task, "taskReferenceName").to_owned();
        self.reached().tasks.insert(base.clone());
        match kind.as_str() {
            "SWITCH" | "DECISION" => self.run_switch(task, &kind, &base),
            "DO_WHILE" => self.run_loop(task, &base),
            "FORK_JOIN" => self.run_fork(task, &base),
            "FORK_JOIN_DYNAMIC" => self.run_dynamic_fork(task, &base),
            "JOIN" | "EXCLUSIVE_JOIN" => self.run_join(task, &kind, &base),
            "INLINE" | "LAMBDA" | "JSON_JQ_TRANSFORM" => self.run_evaluated(task, &kind, &base),
            "SET_VARIABLE" => {
                let input = self.resolve_input(task, &kind)?;
                if let Value::Object(map) = &input {
                    for (key, value) in map {
                        self.variables.insert(key.clone(), value.clone());
                    }
                }
                self.complete(task, &kind, &base, input, json!({}));
                Ok(Flow::Next)
            }
            "NOOP" => {
                let input = self.resolve_input(task, &kind)?;
                self.complete(task, &kind, &base, input, json!({}));
                Ok(Flow::Next)
            }
            "TERMINATE" => {
                let input = self.resolve_input(task, &kind)?;
                let status = match input.get("terminationStatus").and_then(Value::as_str) {
                    Some(status @ ("COMPLETED" | "FAILED" | "TERMINATED")) => status.to_owned(),
                    _ => "COMPLETED".to_owned(),
                };
                let reason = input
                    .get("terminationReason")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let output = input.get("workflowOutput").cloned();
                // Terminate.getInputFromParam: an object is the output itself, another value
                // is `{"output": value}`, none is `{}`.
                let task_output = match &output {
                    None | Some(Value::Null) => json!({}),
                    Some(Value::Object(object)) => Value::Object(object.clone()),
                    Some(other) => json!({"output": other}),
                };
                self.complete(task, &kind, &base, input.clone(), task_output.clone());
                // Without a reason the server writes one (WorkflowExecutor.decide).
                let reason = reason
                    .filter(|reason| !reason.trim().is_empty())
                    .or_else(|| {
                        let task_id = self
                            .refs
                            .get(&base)
                            .and_then(|entry| entry.get("taskId"))
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        Some(format!("Workflow is {status} by TERMINATE task: {task_id}"))
                    });
                // The workflow's output is the TERMINATE task's, even `{}`: the definition's
                // outputParameters are not read (DeciderService.updateWorkflowOutput).
                Ok(Flow::Stop(End::Terminated {
                    status,
                    reason,
                    output: Some(task_output),
                }))
            }
            "SUB_WORKFLOW" if !self.shared.case.mocks.contains_key(&base) => {
                self.run_sub_workflow(task, &base)
            }
            _ => self.run_mocked(task, &kind, &base),
        }
    }

    fn complete(&mut self, task: &Value, kind: &str, base: &str, input: Value, output: Value) {
        let run = TaskRun {
            reference: self.full_reference(base),
            task_type: kind.to_owned(),
            status: "COMPLETED".to_owned(),
            input,
            output,
            reason: None,
            retry_count: 0,
        };
        self.record(run, task);
    }

    /// A terminal failure of a task: the workflow fails, unless the task is optional.
    fn fail(&mut self, task: &Value, index: usize, reason: &str) -> Flow {
        if task.get("optional").and_then(Value::as_bool) == Some(true) {
            if let Some(run) = self.tasks.get_mut(index) {
                run.status = "COMPLETED_WITH_ERRORS".to_owned();
            }
            let reference = self.tasks.get(index).map(|run| run.reference.clone());
            if let Some(reference) = reference
                && let Some(Value::Object(entry)) = self.refs.get_mut(base_reference(&reference))
            {
                entry.insert("status".to_owned(), Value::from("COMPLETED_WITH_ERRORS"));
            }
            return Flow::Next;
        }
        let task_id = self
            .refs
            .get(base_reference(
                &self
                    .tasks
                    .get(index)
                    .map(|run| run.reference.clone())
                    .unwrap_or_default(),
            ))
            .and_then(|entry| entry.get("taskId"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Flow::Stop(End::Failed {
            // The status named is the workflow's, FAILED for a terminal error too
            // (DeciderService.retry).
            reason: format!("Task {task_id} failed with status: FAILED and reason: '{reason}'"),
        })
    }

    fn retries_allowed(&self, task: &Value, name: &str, kind: &str) -> u32 {
        // A DYNAMIC task retries by the definition of its own workflow task (named in the
        // workflow), not of the task it runs: the server gives the workflow task an ad-hoc
        // definition when it starts the workflow, which DynamicTaskMapper then keeps.
        let name = if kind == "DYNAMIC" {
            text(task, "name")
        } else {
            name
        };
        match self.task_def(task, name) {
            // TaskDef's default retryCount is 3 (contract §2.9).
            Some(def) => def
                .get("retryCount")
                .and_then(Value::as_u64)
                .unwrap_or(3)
                .min(100) as u32,
            // Without a definition the server gives the task an ad-hoc `new TaskDef(name)`,
            // whose retryCount is 3; from 3.22 a task of another type than SIMPLE gets 0
            // (MetadataMapperService.populateWorkflowTaskWithDefinition; up to 3.21 every
            // type gets 3, a difference the differential test documents).
            None if kind == "SIMPLE" && !name.is_empty() => 3,
            None => 0,
        }
    }

    /// A task whose outcome comes from the case's mocks: workers, HTTP, WAIT, HUMAN, EVENT,
    /// KAFKA_PUBLISH, DYNAMIC, START_WORKFLOW, a mocked SUB_WORKFLOW.
    fn run_mocked(&mut self, task: &Value, kind: &str, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, kind)?;
        let name = if kind == "DYNAMIC" {
            let parameter = text(task, "dynamicTaskNameParam");
            input
                .get(parameter)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        } else {
            text(task, "name").to_owned()
        };
        let allowed = self.retries_allowed(task, &name, kind);
        let mut retry_count = 0;
        loop {
            let mock = self.next_mock(base, kind)?;
            let run = TaskRun {
                reference: self.full_reference(base),
                // The server lists a worker task under its task definition's name.
                task_type: if matches!(kind, "SIMPLE" | "DYNAMIC") && !name.is_empty() {
                    name.clone()
                } else {
                    kind.to_owned()
                },
                status: match mock.status {
                    MockStatus::Completed => "COMPLETED",
                    MockStatus::Failed => "FAILED",
                    MockStatus::FailedWithTerminalError => "FAILED_WITH_TERMINAL_ERROR",
                }
                .to_owned(),
                input: input.clone(),
                output: mock.output.clone(),
                reason: mock.reason.clone(),
                retry_count,
            };
            let index = self.record(run, task);
            match mock.status {
                MockStatus::Completed => return Ok(Flow::Next),
                MockStatus::Failed if retry_count < allowed => retry_count += 1,
                _ => {
                    let reason = mock.reason.clone().unwrap_or_default();
                    return Ok(self.fail(task, index, &reason));
                }
            }
        }
    }

    fn next_mock(&mut self, base: &str, kind: &str) -> Result<crate::Mock, SimError> {
        let mocks = self
            .shared
            .case
            .mocks
            .get(base)
            .filter(|mocks| !mocks.is_empty())
            .ok_or_else(|| SimError::MissingMock {
                reference: base.to_owned(),
                task_type: kind.to_owned(),
            })?;
        let used = self.shared.used.entry(base.to_owned()).or_default();
        // Outcomes are used once each, as the server's test endpoint does: a task that runs
        // more often than it has outcomes is an error, not a silent repeat.
        let mock = mocks
            .get(*used)
            .cloned()
            .ok_or_else(|| SimError::MocksUsedUp {
                reference: base.to_owned(),
                given: mocks.len(),
            })?;
        *used += 1;
        Ok(mock)
    }

    /// INLINE, LAMBDA and JSON_JQ_TRANSFORM: computed by the server itself.
    fn run_evaluated(&mut self, task: &Value, kind: &str, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, kind)?;
        let outcome = match kind {
            "INLINE" => {
                let evaluator = input
                    .get("evaluatorType")
                    .and_then(Value::as_str)
                    .unwrap_or("javascript");
                if !matches!(evaluator, "javascript" | "graaljs") {
                    return Err(SimError::NotSimulated {
                        what: format!("the `{evaluator}` evaluator of INLINE task `{base}`"),
                    });
                }
                let script = input
                    .get("expression")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.shared
                    .engine
                    .evaluate(script, &input)
                    .map(|result| json!({"result": result}))
            }
            "LAMBDA" => {
                let script = input
                    .get("scriptExpression")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.shared
                    .engine
                    .evaluate(&format!("(function(){{{script}\n}})()"), &input)
                    .map(|result| json!({"result": result}))
            }
            _ => {
                let program = input
                    .get("queryExpression")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                run_jq(program, &input).map(|results| {
                    json!({
                        "result": results.first().cloned().unwrap_or(Value::Null),
                        "resultList": results,
                    })
                })
            }
        };
        match outcome {
            Ok(output) => {
                self.complete(task, kind, base, input, output);
                Ok(Flow::Next)
            }
            // A script or program that fails at run time fails the task, as on the server.
            Err(error) => {
                let reason = error.to_string();
                let run = TaskRun {
                    reference: self.full_reference(base),
                    task_type: kind.to_owned(),
                    status: "FAILED".to_owned(),
                    input,
                    output: json!({"error": reason}),
                    reason: Some(reason.clone()),
                    retry_count: 0,
                };
                let index = self.record(run, task);
                Ok(self.fail(task, index, &reason))
            }
        }
    }

    fn run_switch(&mut self, task: &Value, kind: &str, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, kind)?;
        let value = if kind == "DECISION" {
            match task.get("caseValueParam").and_then(Value::as_str) {
                Some(parameter) if !parameter.is_empty() => {
                    input.get(parameter).cloned().unwrap_or(Value::Null)
                }
                _ => self
                    .shared
                    .engine
                    .evaluate(text(task, "caseExpression"), &input)?,
            }
        } else {
            let expression = text(task, "expression");
            match text(task, "evaluatorType") {
                "javascript" | "graaljs" => self.shared.engine.evaluate(expression, &input)?,
                "value-param" | "" => input.get(expression).cloned().unwrap_or(Value::Null),
                other => {
                    return Err(SimError::NotSimulated {
                        what: format!("the `{other}` evaluator of SWITCH `{base}`"),
                    });
                }
            }
        };
        let case = java_string(&value);
        let branch = task
            .get("decisionCases")
            .and_then(|cases| cases.get(&case))
            .and_then(Value::as_array);
        let taken = if branch.is_some() {
            case.clone()
        } else {
            "default".to_owned()
        };
        self.reached()
            .switch_cases
            .entry(base.to_owned())
            .or_default()
            .insert(taken);
        // As 3.32.1 answers: a DECISION says `caseOutput`, a SWITCH `evaluationResult` and
        // the case it selected.
        let output = if kind == "DECISION" {
            json!({"caseOutput": [case]})
        } else {
            json!({"evaluationResult": [case.clone()], "selectedCase": case})
        };
        self.complete(task, kind, base, input, output);
        let branch = branch
            .map(Vec::as_slice)
            .unwrap_or(list(task, "defaultCase"));
        self.run_tasks(branch)
    }

    fn run_loop(&mut self, task: &Value, base: &str) -> Result<Flow, SimError> {
        if self.iteration.is_some() {
            return Err(SimError::NotSimulated {
                what: format!("the DO_WHILE `{base}` inside another DO_WHILE"),
            });
        }
        let input = self.resolve_input(task, "DO_WHILE")?;
        let items = match task.get("items") {
            Some(Value::String(expression)) => {
                match crate::resolve::resolve_string(expression, &self.document("RUNNING", None))? {
                    Value::Array(items) => Some(items),
                    _ => Some(Vec::new()),
                }
            }
            Some(Value::Array(items)) => Some(items.clone()),
            _ => None,
        };
        let keep_last = input
            .get("keepLastN")
            .and_then(Value::as_u64)
            .map(|n| n.max(1) as u32);
        let body = list(task, "loopOver");
        let condition = text(task, "loopCondition").to_owned();
        let index = self.record(
            TaskRun {
                reference: base.to_owned(),
                task_type: "DO_WHILE".to_owned(),
                status: "IN_PROGRESS".to_owned(),
                input: input.clone(),
                output: json!({}),
                reason: None,
                retry_count: 0,
            },
            task,
        );
        let mut output = Map::new();
        let mut iteration = 0;
        let flow = loop {
            if let Some(items) = &items
                && iteration as usize >= items.len()
            {
                break Flow::Next;
            }
            iteration += 1;
            if iteration > LOOP_LIMIT {
                return Err(SimError::EndlessLoop {
                    reference: base.to_owned(),
                    limit: LOOP_LIMIT,
                });
            }
            output.insert("iteration".to_owned(), Value::from(iteration));
            if let Some(items) = &items {
                let at = (iteration - 1) as usize;
                output.insert(
                    "loopItem".to_owned(),
                    items.get(at).cloned().unwrap_or(Value::Null),
                );
                output.insert("loopIndex".to_owned(), Value::from(at));
            }
            self.update(index, "IN_PROGRESS", Value::Object(output.clone()));
            // The loop task's own `iteration` (`${loop['iteration']}`) counts its iterations.
            if let Some(Value::Object(entry)) = self.refs.get_mut(base) {
                entry.insert("iteration".to_owned(), Value::from(iteration));
            }
            let first = self.tasks.len();
            self.iteration = Some(iteration);
            let flow = self.run_tasks(body);
            self.iteration = None;
            let flow = flow?;
            let mut outputs = Map::new();
            for run in &self.tasks[first..] {
                outputs.insert(
                    base_reference(&run.reference).to_owned(),
                    run.output.clone(),
                );
            }
            output.insert(iteration.to_string(), Value::Object(outputs.clone()));
            if let Some(keep) = keep_last
                && iteration > keep
            {
                // The server drops the old iteration from the output and its tasks from the
                // execution (seen on 3.32.1).
                let old = iteration - keep;
                output.remove(&old.to_string());
                let suffix = format!("__{old}");
                self.tasks.retain(|run| !run.reference.ends_with(&suffix));
            }
            self.update(index, "IN_PROGRESS", Value::Object(output.clone()));
            if let Flow::Stop(end) = flow {
                self.update(index, "FAILED", Value::Object(output.clone()));
                break Flow::Stop(end);
            }
            if items.is_some() {
                continue;
            }
            // The condition sees the loop's own inputs, evaluated now, its output, and each
            // body task's output directly (contract §6.12).
            let mut scope = match self.resolve_input(task, "DO_WHILE")? {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            scope.insert(base.to_owned(), Value::Object(output.clone()));
            for (reference, body_output) in &outputs {
                scope.insert(reference.clone(), body_output.clone());
            }
            let go_on = self
                .shared
                .engine
                .evaluate(&condition, &Value::Object(scope))?;
            if !truthy(&go_on) {
                break Flow::Next;
            }
        };
        let entry = self
            .reached()
            .loop_iterations
            .entry(base.to_owned())
            .or_default();
        *entry = (*entry).max(iteration);
        if let Flow::Next = flow {
            self.update(index, "COMPLETED", Value::Object(output));
        }
        Ok(flow)
    }

    fn run_fork(&mut self, task: &Value, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, "FORK_JOIN")?;
        self.complete(task, "FORK_JOIN", base, input, json!({}));
        for (number, branch) in list(task, "forkTasks").iter().enumerate() {
            self.reached()
                .fork_branches
                .entry(base.to_owned())
                .or_default()
                .insert(number);
            let branch = branch.as_array().map(Vec::as_slice).unwrap_or_default();
            if let Flow::Stop(end) = self.run_tasks(branch)? {
                return Ok(Flow::Stop(end));
            }
        }
        Ok(Flow::Next)
    }

    fn run_dynamic_fork(&mut self, task: &Value, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, "FORK_JOIN_DYNAMIC")?;
        let mut forked: Vec<Value> = Vec::new();
        let tasks_param = text(task, "dynamicForkTasksParam");
        if let Some(Value::Array(tasks)) =
            input.get(tasks_param).filter(|_| !tasks_param.is_empty())
        {
            let inputs = input
                .get(text(task, "dynamicForkTasksInputParamName"))
                .cloned()
                .unwrap_or(Value::Null);
            for forked_task in tasks {
                let mut forked_task = forked_task.clone();
                let reference = text(&forked_task, "taskReferenceName").to_owned();
                if let Some(task_input) = inputs.get(&reference) {
                    forked_task["inputParameters"] = task_input.clone();
                }
                forked.push(forked_task);
            }
        } else if let Some(name) = input.get("forkTaskName").and_then(Value::as_str) {
            let kind = input
                .get("forkTaskType")
                .and_then(Value::as_str)
                .unwrap_or("SIMPLE");
            let inputs = input
                .get("forkTaskInputs")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (number, task_input) in inputs.into_iter().enumerate() {
                forked.push(json!({
                    "name": name,
                    "taskReferenceName": format!("_{name}_{number}"),
                    "type": kind,
                    "inputParameters": task_input,
                }));
            }
        } else {
            return Err(SimError::NotSimulated {
                what: format!("FORK_JOIN_DYNAMIC `{base}` without its tasks in its input"),
            });
        }
        self.complete(task, "FORK_JOIN_DYNAMIC", base, input, json!({}));
        self.dynamic_refs.clear();
        for (number, forked_task) in forked.iter().enumerate() {
            self.reached()
                .fork_branches
                .entry(base.to_owned())
                .or_default()
                .insert(number);
            self.dynamic_refs
                .push(text(forked_task, "taskReferenceName").to_owned());
            if let Flow::Stop(end) = self.run_task(forked_task)? {
                return Ok(Flow::Stop(end));
            }
        }
        Ok(Flow::Next)
    }

    fn run_join(&mut self, task: &Value, kind: &str, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, kind)?;
        let mut join_on: Vec<String> = list(task, "joinOn")
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        if join_on.is_empty() {
            join_on = std::mem::take(&mut self.dynamic_refs);
        }
        let output = if kind == "EXCLUSIVE_JOIN" {
            // The output of the first `joinOn` task that ran, else of the first
            // `defaultExclusiveJoinTask` that ran (ExclusiveJoin.execute, 3.15 to 3.32).
            let defaults = list(task, "defaultExclusiveJoinTask");
            join_on
                .iter()
                .map(String::as_str)
                .chain(defaults.iter().filter_map(Value::as_str))
                .find_map(|reference| self.refs.get(reference))
                .and_then(|entry| entry.get("output").cloned())
                .unwrap_or_else(|| json!({}))
        } else {
            let mut joined = Map::new();
            for reference in &join_on {
                if let Some(entry) = self.refs.get(reference) {
                    joined.insert(
                        reference.clone(),
                        entry.get("output").cloned().unwrap_or(Value::Null),
                    );
                }
            }
            Value::Object(joined)
        };
        self.complete(task, kind, base, input, output);
        Ok(Flow::Next)
    }

    fn run_sub_workflow(&mut self, task: &Value, base: &str) -> Result<Flow, SimError> {
        let input = self.resolve_input(task, "SUB_WORKFLOW")?;
        if !self.shared.case.run_sub_workflows {
            return Err(SimError::MissingMock {
                reference: base.to_owned(),
                task_type: "SUB_WORKFLOW".to_owned(),
            });
        }
        if self.depth >= DEPTH_LIMIT {
            return Err(SimError::NotSimulated {
                what: format!("sub-workflows nested more than {DEPTH_LIMIT} deep (at `{base}`)"),
            });
        }
        let document = self.document("RUNNING", None);
        // The server resolves the name and version (SubWorkflowTaskMapper), never the inline
        // definition: its `${...}` belong to the child.
        let mut written = task.get("subWorkflowParam").cloned().unwrap_or(Value::Null);
        let inline = written
            .as_object_mut()
            .and_then(|parameters| parameters.remove("workflowDefinition"))
            .filter(Value::is_object);
        let parameters = resolve_value(&written, &document)?;
        let def = match inline {
            Some(def) => def,
            None => {
                let name = text(&parameters, "name");
                let version = parameters.get("version").and_then(Value::as_i64);
                self.shared
                    .library
                    .workflow(name, version)
                    .cloned()
                    .ok_or_else(|| SimError::UnknownWorkflow {
                        name: name.to_owned(),
                        version,
                    })?
            }
        };
        let child = run_workflow(self.shared, &def, input.clone(), self.depth + 1)?;
        let completed = child.status == "COMPLETED";
        let mut output = child.output.clone();
        if let Value::Object(map) = &mut output {
            map.insert(
                "subWorkflowId".to_owned(),
                Value::from(format!("sim-sub-{base}")),
            );
        }
        let run = TaskRun {
            reference: self.full_reference(base),
            task_type: "SUB_WORKFLOW".to_owned(),
            status: if completed { "COMPLETED" } else { "FAILED" }.to_owned(),
            input,
            output,
            reason: child.reason_for_incompletion.clone(),
            retry_count: 0,
        };
        let index = self.record(run, task);
        if completed {
            Ok(Flow::Next)
        } else {
            let reason = child.reason_for_incompletion.unwrap_or_default();
            Ok(self.fail(task, index, &reason))
        }
    }
}
