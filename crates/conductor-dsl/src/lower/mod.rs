//! The lower stage: DSL documents become Conductor definitions (`WorkflowDef`, `TaskDef`).
//!
//! Lowering is total: it always produces a definition for a document that passed the schema,
//! and reports what the DSL itself forbids (a concise form and `input` setting the same key, a
//! duration too large for its field, a doWhile without a condition, ...) as diagnostics. The
//! server's own rules (unique reference names, a FORK followed by a JOIN, ...) are checked later
//! on the compiled definitions, so they apply equally to every form.
//!
//! Concise forms expand here: `http:` into `inputParameters.http_request`, a value `switch:`
//! into the `switchCaseValue` plumbing, and a `fork:` or `dynamicFork:` not followed by a JOIN
//! gets a generated JOIN named `<ref>_join`.

pub mod provenance;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_model::{
    CacheConfig, RateLimitConfig, SchemaDef, StateChangeEvent, SubWorkflowParams, TaskDef,
    WorkflowDef, WorkflowDefinitionRef, WorkflowTask, task_type,
};
use conductor_source::FileId;
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::locate::{DocumentSpans, Part, escape_segment, span_at, split_pointer};
use crate::syntax::JsonMap;
use crate::syntax::document::{Document, TaskDocument, WorkflowDocument};
use crate::syntax::duration::{Duration, DurationError};
use crate::syntax::parts::{
    Cache, DynamicTaskName, InlineDefinition, IntOrExpression, SchemaRef, StartWorkflow,
    StateChangeEvents, SwitchOn, WaitFor,
};
use crate::syntax::task::{Common, Task, TaskForm};
use provenance::{Provenance, TaskOrigin, WorkflowOrigin};

/// A document read into DSL types, with the span tree of its source.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    /// The file it is in.
    pub file: FileId,
    /// Its position among the file's documents, from 0.
    pub index: usize,
    /// Where everything in it is written.
    pub spans: DocumentSpans,
    /// The document.
    pub document: Document,
}

/// A compiled workflow and where it came from.
#[derive(Debug, Clone)]
pub struct CompiledWorkflow {
    /// The Conductor definition.
    pub def: WorkflowDef,
    /// The file it was compiled from.
    pub file: FileId,
    /// The document's position in the file.
    pub index: usize,
    /// Where each compiled task came from.
    pub provenance: Provenance,
}

/// A compiled task definition and where it came from.
#[derive(Debug, Clone)]
pub struct CompiledTaskDef {
    /// The Conductor definition.
    pub def: TaskDef,
    /// The file it was compiled from.
    pub file: FileId,
    /// The document's position in the file.
    pub index: usize,
}

/// Every definition of a project, in document order.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// Workflows.
    pub workflows: Vec<CompiledWorkflow>,
    /// Task definitions.
    pub task_defs: Vec<CompiledTaskDef>,
}

/// Lowers one document.
pub fn lower_document(parsed: &ParsedDocument, compiled: &mut Compiled) -> Vec<Diagnostic> {
    let mut lowerer = Lowerer {
        file: parsed.file,
        spans: &parsed.spans,
        diagnostics: Vec::new(),
        provenance: Provenance::default(),
    };
    match &parsed.document {
        Document::Workflow(workflow) => {
            let def = lowerer.workflow(workflow, "", "");
            compiled.workflows.push(CompiledWorkflow {
                def,
                file: parsed.file,
                index: parsed.index,
                provenance: std::mem::take(&mut lowerer.provenance),
            });
        }
        Document::TaskDef(task_def) => {
            let def = lowerer.task_def(task_def, "");
            compiled.task_defs.push(CompiledTaskDef {
                def,
                file: parsed.file,
                index: parsed.index,
            });
        }
    }
    lowerer.diagnostics
}

/// Lowers a list of tasks outside any document (no spans, diagnostics dropped), as `raise`
/// needs to check that a DSL task compiles back to the Conductor task it came from.
pub(crate) fn lower_tasks_detached(tasks: &[Task]) -> Vec<WorkflowTask> {
    let spans = DocumentSpans::new(
        conductor_source::yaml::Node {
            span: 0..0,
            kind: conductor_source::yaml::NodeKind::Mapping(Vec::new()),
            alias_of: None,
        },
        0..0,
    );
    let mut lowerer = Lowerer {
        file: FileId::detached(),
        spans: &spans,
        diagnostics: Vec::new(),
        provenance: Provenance::default(),
    };
    lowerer.tasks(tasks, "/tasks", "/tasks")
}

struct Lowerer<'a> {
    file: FileId,
    spans: &'a DocumentSpans,
    diagnostics: Vec<Diagnostic>,
    provenance: Provenance,
}

fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

fn child_index(pointer: &str, idx: usize) -> String {
    format!("{pointer}/{idx}")
}

impl Lowerer<'_> {
    fn span(&self, dsl: &str, part: Part) -> std::ops::Range<usize> {
        span_at(self.spans, &split_pointer(dsl), part)
    }

    fn workflow(&mut self, doc: &WorkflowDocument, model: &str, dsl: &str) -> WorkflowDef {
        self.provenance.workflows.push(WorkflowOrigin {
            model: model.to_owned(),
            dsl: dsl.to_owned(),
        });
        let tasks = self.tasks(&doc.tasks, &child(model, "tasks"), &child(dsl, "tasks"));
        WorkflowDef {
            name: doc.workflow.clone(),
            description: doc.description.clone(),
            version: doc.version,
            tasks,
            input_parameters: doc.inputs.clone(),
            output_parameters: doc.output.clone(),
            failure_workflow: doc.failure_workflow.clone(),
            failure_workflow_version: doc.failure_workflow_version,
            schema_version: doc.schema_version,
            restartable: doc.restartable,
            workflow_status_listener_enabled: doc.workflow_status_listener_enabled,
            workflow_status_listener_sink: doc.workflow_status_listener_sink.clone(),
            owner_email: doc.owner_email.clone(),
            timeout_policy: doc.timeout_policy,
            timeout_seconds: doc
                .timeout
                .as_ref()
                .and_then(|timeout| self.seconds(timeout, &child(dsl, "timeout"))),
            variables: doc.variables.clone(),
            input_template: doc.input_template.clone(),
            rate_limit_config: doc
                .rate_limit_config
                .as_ref()
                .map(|config| RateLimitConfig {
                    rate_limit_key: config.rate_limit_key.clone(),
                    concurrent_exec_limit: config.concurrent_exec_limit,
                    policy: config.policy,
                }),
            input_schema: doc.input_schema.as_ref().map(schema_def),
            output_schema: doc.output_schema.as_ref().map(schema_def),
            enforce_schema: doc.enforce_schema,
            metadata: doc.metadata.clone(),
            cache_config: doc
                .cache_config
                .as_ref()
                .map(|cache| self.cache(cache, &child(dsl, "cacheConfig"))),
            masked_fields: doc.masked_fields.clone(),
            ..WorkflowDef::default()
        }
    }

    /// Lowers a list of tasks, generating the JOIN after a concise fork unless one follows.
    fn tasks(&mut self, tasks: &[Task], model: &str, dsl: &str) -> Vec<WorkflowTask> {
        let mut lowered = Vec::with_capacity(tasks.len());
        for (dsl_idx, task) in tasks.iter().enumerate() {
            let task_dsl = child_index(dsl, dsl_idx);
            let task_model = child_index(model, lowered.len());
            let workflow_task = self.task(task, &task_model, &task_dsl);
            lowered.push(workflow_task);
            if matches!(task.form(), TaskForm::Fork | TaskForm::DynamicFork)
                && !tasks.get(dsl_idx + 1).is_some_and(is_join)
            {
                let join_model = child_index(model, lowered.len());
                let join = generated_join(task, lowered.last());
                self.provenance.tasks.push(TaskOrigin {
                    model: join_model,
                    dsl: task_dsl.clone(),
                    form: TaskForm::Join,
                    generated_join: true,
                });
                lowered.push(join);
            }
        }
        lowered
    }

    fn task_lists(
        &mut self,
        cases: &IndexMap<String, Vec<Task>>,
        model: &str,
        dsl: &str,
    ) -> IndexMap<String, Vec<WorkflowTask>> {
        cases
            .iter()
            .map(|(case, tasks)| {
                let lowered = self.tasks(tasks, &child(model, case), &child(dsl, case));
                (case.clone(), lowered)
            })
            .collect()
    }

    fn branches(
        &mut self,
        branches: &[Vec<Task>],
        model: &str,
        dsl: &str,
    ) -> Vec<Vec<WorkflowTask>> {
        branches
            .iter()
            .enumerate()
            .map(|(idx, tasks)| self.tasks(tasks, &child_index(model, idx), &child_index(dsl, idx)))
            .collect()
    }

    fn task(&mut self, task: &Task, model: &str, dsl: &str) -> WorkflowTask {
        self.provenance.tasks.push(TaskOrigin {
            model: model.to_owned(),
            dsl: dsl.to_owned(),
            form: task.form(),
            generated_join: false,
        });
        let common = task.common();
        let mut lowered = WorkflowTask {
            task_reference_name: common.reference.to_owned(),
            task_type: task.form().conductor_type().map(str::to_owned),
            ..WorkflowTask::default()
        };
        let default_name = || common.reference.to_owned();
        match task {
            Task::Simple(simple) => {
                lowered.name = simple.task.clone();
                lowered.input_parameters = simple.input.clone();
            }
            Task::Http(http) => {
                lowered.name = http.name.clone().unwrap_or_else(default_name);
                let request = serde_json::to_value(&http.http).unwrap_or(Value::Null);
                lowered.input_parameters = self.input(
                    vec![("http_request", request)],
                    http.input.as_ref(),
                    dsl,
                    "http",
                );
            }
            Task::Inline(inline) => {
                lowered.name = inline.name.clone().unwrap_or_else(default_name);
                let mut generated = Vec::new();
                if let Some(evaluator) = &inline.inline.evaluator_type {
                    generated.push(("evaluatorType", Value::from(evaluator.clone())));
                }
                generated.push(("expression", Value::from(inline.inline.expression.clone())));
                lowered.input_parameters =
                    self.input(generated, inline.input.as_ref(), dsl, "inline");
            }
            Task::Jq(jq) => {
                lowered.name = jq.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = self.input(
                    vec![("queryExpression", Value::from(jq.jq.clone()))],
                    jq.input.as_ref(),
                    dsl,
                    "jq",
                );
            }
            Task::Switch(switch) => {
                lowered.name = switch.name.clone().unwrap_or_else(default_name);
                match &switch.switch {
                    SwitchOn::Value(value) => {
                        lowered.evaluator_type = Some("value-param".to_owned());
                        lowered.expression = Some(SWITCH_CASE_VALUE.to_owned());
                        lowered.input_parameters = self.input(
                            vec![(SWITCH_CASE_VALUE, Value::from(value.clone()))],
                            switch.input.as_ref(),
                            dsl,
                            "switch",
                        );
                    }
                    SwitchOn::Evaluator(evaluator) => {
                        lowered.evaluator_type = Some(evaluator.evaluator_type.clone());
                        lowered.expression = Some(evaluator.expression.clone());
                        lowered.input_parameters = switch.input.clone();
                    }
                }
                lowered.decision_cases = Some(self.task_lists(
                    &switch.cases,
                    &child(model, "decisionCases"),
                    &child(dsl, "cases"),
                ));
                lowered.default_case = switch.default.as_ref().map(|tasks| {
                    self.tasks(tasks, &child(model, "defaultCase"), &child(dsl, "default"))
                });
            }
            Task::Fork(fork) => {
                lowered.name = fork.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = fork.input.clone();
                lowered.fork_tasks = Some(self.branches(
                    &fork.fork,
                    &child(model, "forkTasks"),
                    &child(dsl, "fork"),
                ));
            }
            Task::DynamicFork(dynamic) => {
                lowered.name = dynamic.name.clone().unwrap_or_else(default_name);
                let spec = &dynamic.dynamic_fork;
                let mut generated = Vec::new();
                if let Some(tasks) = &spec.tasks {
                    self.conflict(
                        spec.dynamic_fork_tasks_param.is_some(),
                        dsl,
                        "dynamicFork/dynamicForkTasksParam",
                        "`tasks` and `dynamicForkTasksParam` both name the tasks to fork",
                        "keep `tasks` (the value) or `dynamicForkTasksParam` (the name of an input key), not both",
                    );
                    generated.push((DYNAMIC_TASKS, tasks.clone()));
                    lowered.dynamic_fork_tasks_param = Some(DYNAMIC_TASKS.to_owned());
                }
                if let Some(inputs) = &spec.inputs {
                    self.conflict(
                        spec.dynamic_fork_tasks_input_param_name.is_some(),
                        dsl,
                        "dynamicFork/dynamicForkTasksInputParamName",
                        "`inputs` and `dynamicForkTasksInputParamName` both name the inputs of the forked tasks",
                        "keep `inputs` (the value) or `dynamicForkTasksInputParamName` (the name of an input key), not both",
                    );
                    generated.push((DYNAMIC_TASKS_INPUT, inputs.clone()));
                    lowered.dynamic_fork_tasks_input_param_name =
                        Some(DYNAMIC_TASKS_INPUT.to_owned());
                }
                if spec.tasks.is_none() {
                    lowered.dynamic_fork_tasks_param = spec.dynamic_fork_tasks_param.clone();
                }
                if spec.inputs.is_none() {
                    lowered.dynamic_fork_tasks_input_param_name =
                        spec.dynamic_fork_tasks_input_param_name.clone();
                }
                lowered.dynamic_fork_join_tasks_param = spec.dynamic_fork_join_tasks_param.clone();
                lowered.input_parameters =
                    self.input(generated, dynamic.input.as_ref(), dsl, "dynamicFork");
            }
            Task::Join(join) => {
                lowered.name = join.name.clone().unwrap_or_else(default_name);
                lowered.join_on = Some(join.join.clone());
                lowered.join_mode = join.join_mode;
                lowered.input_parameters = join.input.clone();
            }
            Task::ExclusiveJoin(join) => {
                lowered.name = join.name.clone().unwrap_or_else(default_name);
                lowered.join_on = Some(join.exclusive_join.clone());
                lowered.default_exclusive_join_task = join.default_exclusive_join_task.clone();
                lowered.input_parameters = join.input.clone();
            }
            Task::DoWhile(do_while) => {
                lowered.name = do_while.name.clone().unwrap_or_else(default_name);
                let spec = &do_while.do_while;
                lowered.loop_condition = match (&spec.condition, &spec.items) {
                    (Some(condition), _) => Some(condition.clone()),
                    // Contract §3.3 DO_WHILE: the server requires a condition even in items
                    // mode; `true` iterates every item.
                    (None, Some(_)) => Some("true".to_owned()),
                    (None, None) => {
                        let span = self.span(&child(dsl, "doWhile"), Part::Key);
                        self.diagnostics.push(
                            Diagnostic::new(Code::MissingRequiredKey, "missing required key `condition`")
                                .with_primary(self.file, span, "this loop has no `condition` and no `items`")
                                .with_help("add `condition:` (JavaScript, e.g. `$.loop['iteration'] < 3`) or `items:` (a list to iterate)"),
                        );
                        None
                    }
                };
                lowered.items = spec.items.clone();
                let generated = spec
                    .keep_last_n
                    .map(|keep| vec![("keepLastN", Value::from(keep))])
                    .unwrap_or_default();
                lowered.input_parameters =
                    self.input(generated, do_while.input.as_ref(), dsl, "doWhile");
                lowered.loop_over = Some(self.tasks(
                    &spec.tasks,
                    &child(model, "loopOver"),
                    &child(&child(dsl, "doWhile"), "tasks"),
                ));
            }
            Task::SubWorkflow(sub) => {
                lowered.name = sub.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = sub.input.clone();
                lowered.sub_workflow_param = Some(self.sub_workflow(
                    &sub.sub_workflow,
                    &child(model, "subWorkflowParam"),
                    &child(dsl, "subWorkflow"),
                ));
            }
            Task::StartWorkflow(start) => {
                lowered.name = start.name.clone().unwrap_or_else(default_name);
                let request = match &start.start_workflow {
                    StartWorkflow::Expression(expression) => Value::from(expression.clone()),
                    StartWorkflow::Request(request) => {
                        let mut object = Map::new();
                        object.insert("name".into(), Value::from(request.name.clone()));
                        insert_opt(
                            &mut object,
                            "version",
                            request.version.as_ref().map(int_or_expression),
                        );
                        insert_opt(
                            &mut object,
                            "input",
                            request.input.clone().map(Value::Object),
                        );
                        insert_opt(
                            &mut object,
                            "correlationId",
                            request.correlation_id.clone().map(Value::from),
                        );
                        insert_opt(
                            &mut object,
                            "taskToDomain",
                            request.task_to_domain.clone().map(Value::Object),
                        );
                        insert_opt(
                            &mut object,
                            "priority",
                            request.priority.as_ref().map(int_or_expression),
                        );
                        insert_opt(
                            &mut object,
                            "idempotencyKey",
                            request.idempotency_key.clone().map(Value::from),
                        );
                        insert_opt(
                            &mut object,
                            "idempotencyStrategy",
                            request
                                .idempotency_strategy
                                .and_then(|s| serde_json::to_value(s).ok()),
                        );
                        if let Some(definition) = &request.workflow_def {
                            let def = self.workflow(
                                definition,
                                &child(
                                    &child(&child(model, "inputParameters"), "startWorkflow"),
                                    "workflowDef",
                                ),
                                &child(&child(dsl, "startWorkflow"), "workflowDef"),
                            );
                            insert_opt(&mut object, "workflowDef", serde_json::to_value(def).ok());
                        }
                        Value::Object(object)
                    }
                };
                lowered.input_parameters = self.input(
                    vec![("startWorkflow", request)],
                    start.input.as_ref(),
                    dsl,
                    "startWorkflow",
                );
            }
            Task::Event(event) => {
                lowered.name = event.name.clone().unwrap_or_else(default_name);
                lowered.sink = Some(event.event.clone());
                lowered.input_parameters = event.input.clone();
            }
            Task::Wait(wait) => {
                lowered.name = wait.name.clone().unwrap_or_else(default_name);
                let generated = match &wait.wait {
                    WaitFor::Seconds(seconds) => {
                        vec![("duration", Value::from(format!("{seconds}s")))]
                    }
                    WaitFor::Text(text) if text == WAIT_SIGNAL => Vec::new(),
                    WaitFor::Text(text) => vec![("duration", Value::from(text.clone()))],
                    WaitFor::Until(until) => vec![("until", Value::from(until.until.clone()))],
                };
                lowered.input_parameters = self.input(generated, wait.input.as_ref(), dsl, "wait");
            }
            Task::Human(human) => {
                lowered.name = human.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = human.input.clone();
            }
            Task::SetVariable(set) => {
                lowered.name = set.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = Some(set.set_variable.clone());
            }
            Task::Terminate(terminate) => {
                lowered.name = terminate.name.clone().unwrap_or_else(default_name);
                let spec = &terminate.terminate;
                let mut generated = vec![(
                    "terminationStatus",
                    serde_json::to_value(spec.status).unwrap_or(Value::Null),
                )];
                if let Some(reason) = &spec.reason {
                    generated.push(("terminationReason", Value::from(reason.clone())));
                }
                if let Some(output) = &spec.output {
                    generated.push(("workflowOutput", output.clone()));
                }
                lowered.input_parameters =
                    self.input(generated, terminate.input.as_ref(), dsl, "terminate");
            }
            Task::Dynamic(dynamic) => {
                lowered.name = dynamic.name.clone().unwrap_or_else(default_name);
                match &dynamic.dynamic {
                    DynamicTaskName::Value(value) => {
                        lowered.dynamic_task_name_param = Some(TASK_TO_EXECUTE.to_owned());
                        lowered.input_parameters = self.input(
                            vec![(TASK_TO_EXECUTE, Value::from(value.clone()))],
                            dynamic.input.as_ref(),
                            dsl,
                            "dynamic",
                        );
                    }
                    DynamicTaskName::Param(param) => {
                        lowered.dynamic_task_name_param =
                            Some(param.dynamic_task_name_param.clone());
                        lowered.input_parameters = dynamic.input.clone();
                    }
                }
            }
            Task::Kafka(kafka) => {
                lowered.name = kafka.name.clone().unwrap_or_else(default_name);
                let request = serde_json::to_value(&kafka.kafka).unwrap_or(Value::Null);
                lowered.input_parameters = self.input(
                    vec![("kafka_request", request)],
                    kafka.input.as_ref(),
                    dsl,
                    "kafka",
                );
            }
            Task::Noop(noop) => {
                lowered.name = noop.name.clone().unwrap_or_else(default_name);
                lowered.input_parameters = noop.input.clone();
            }
            Task::Generic(generic) => {
                lowered.name = generic.name.clone().unwrap_or_else(default_name);
                lowered.task_type = Some(generic.task_type.clone());
                lowered.input_parameters = generic.input.clone();
                lowered.dynamic_task_name_param = generic.dynamic_task_name_param.clone();
                lowered.case_value_param = generic.case_value_param.clone();
                lowered.case_expression = generic.case_expression.clone();
                lowered.script_expression = generic.script_expression.clone();
                lowered.decision_cases = generic.decision_cases.as_ref().map(|cases| {
                    self.task_lists(
                        cases,
                        &child(model, "decisionCases"),
                        &child(dsl, "decisionCases"),
                    )
                });
                lowered.default_case = generic.default_case.as_ref().map(|tasks| {
                    self.tasks(
                        tasks,
                        &child(model, "defaultCase"),
                        &child(dsl, "defaultCase"),
                    )
                });
                lowered.dynamic_fork_join_tasks_param =
                    generic.dynamic_fork_join_tasks_param.clone();
                lowered.dynamic_fork_tasks_param = generic.dynamic_fork_tasks_param.clone();
                lowered.dynamic_fork_tasks_input_param_name =
                    generic.dynamic_fork_tasks_input_param_name.clone();
                lowered.fork_tasks = generic.fork_tasks.as_ref().map(|branches| {
                    self.branches(
                        branches,
                        &child(model, "forkTasks"),
                        &child(dsl, "forkTasks"),
                    )
                });
                lowered.sub_workflow_param = generic.sub_workflow_param.as_ref().map(|sub| {
                    self.sub_workflow(
                        sub,
                        &child(model, "subWorkflowParam"),
                        &child(dsl, "subWorkflowParam"),
                    )
                });
                lowered.join_on = generic.join_on.clone();
                lowered.sink = generic.sink.clone();
                lowered.default_exclusive_join_task = generic.default_exclusive_join_task.clone();
                lowered.loop_condition = generic.loop_condition.clone();
                lowered.loop_over = generic.loop_over.as_ref().map(|tasks| {
                    self.tasks(tasks, &child(model, "loopOver"), &child(dsl, "loopOver"))
                });
                lowered.items = generic.items.clone();
                lowered.evaluator_type = generic.evaluator_type.clone();
                lowered.expression = generic.expression.clone();
                lowered.join_mode = generic.join_mode;
            }
        }
        self.common(&common, &lowered.name.clone(), &mut lowered, dsl);
        lowered
    }

    fn common(&mut self, common: &Common<'_>, name: &str, lowered: &mut WorkflowTask, dsl: &str) {
        lowered.description = common.description.map(str::to_owned);
        lowered.optional = common.optional;
        lowered.permissive = common.permissive;
        lowered.async_complete = common.async_complete;
        lowered.start_delay = common
            .start_delay
            .and_then(|delay| self.seconds(delay, &child(dsl, "startDelay")));
        lowered.retry_count = common
            .retry_count
            .and_then(|count| self.fit(u64::from(count), &child(dsl, "retryCount")));
        lowered.rate_limited = common.rate_limited;
        lowered.task_definition = common.task_definition.map(|embedded| {
            Box::new(self.task_def(&embedded.to_document(name), &child(dsl, "taskDefinition")))
        });
        lowered.on_state_change = common.on_state_change.map(state_change_events);
        lowered.cache_config = common
            .cache_config
            .map(|cache| self.cache(cache, &child(dsl, "cacheConfig")));
        lowered.metadata = common.metadata.cloned();
        lowered.join_status = common.join_status.map(str::to_owned);
    }

    fn sub_workflow(
        &mut self,
        sub: &crate::syntax::parts::SubWorkflow,
        model: &str,
        dsl: &str,
    ) -> SubWorkflowParams {
        let mut params = SubWorkflowParams {
            name: sub.name.clone(),
            version: sub.version,
            task_to_domain: sub.task_to_domain.clone(),
            idempotency_key: sub.idempotency_key.clone(),
            idempotency_strategy: sub.idempotency_strategy,
            priority: sub.priority.as_ref().map(int_or_expression),
            workflow_definition: None,
        };
        match &sub.definition {
            Some(InlineDefinition::Workflow(definition)) => {
                let def = self.workflow(
                    definition,
                    &child(model, "workflowDefinition"),
                    &child(dsl, "definition"),
                );
                // Contract §2.4: the server reports the inline definition's name and version.
                self.identity_mismatch(sub.name.as_deref(), &def.name, &child(dsl, "name"), "name");
                let inline_version = def.version.unwrap_or(1);
                if let Some(version) = sub.version.filter(|version| *version != inline_version) {
                    self.identity_mismatch(
                        Some(&version.to_string()),
                        &inline_version.to_string(),
                        &child(dsl, "version"),
                        "version",
                    );
                }
                params.name = Some(def.name.clone());
                params.version = sub.version.or(def.version);
                params.workflow_definition = Some(WorkflowDefinitionRef::Inline(Box::new(def)));
            }
            Some(InlineDefinition::Expression(expression)) => {
                params.workflow_definition =
                    Some(WorkflowDefinitionRef::Expression(expression.clone()));
            }
            None => {}
        }
        params
    }

    fn identity_mismatch(&mut self, written: Option<&str>, inline: &str, dsl: &str, field: &str) {
        let Some(written) = written else { return };
        if written == inline {
            return;
        }
        let span = self.span(dsl, Part::Value);
        self.diagnostics.push(
            Diagnostic::new(
                Code::InlineDefinitionMismatch,
                format!("`subWorkflow.{field}` is `{written}` but the inline definition's is `{inline}`"),
            )
            .with_primary(self.file, span, "differs from the inline definition")
            .with_help(format!(
                "remove `{field}`: with an inline definition the server uses the definition's {field}"
            )),
        );
    }

    fn task_def(&mut self, doc: &TaskDocument, dsl: &str) -> TaskDef {
        let retry = doc.retry.as_ref();
        let retry_dsl = child(dsl, "retry");
        TaskDef {
            name: doc.task.clone(),
            description: doc.description.clone(),
            retry_count: retry
                .and_then(|r| r.count)
                .and_then(|count| self.fit(u64::from(count), &child(&retry_dsl, "count"))),
            timeout_seconds: doc
                .timeout
                .as_ref()
                .and_then(|d| self.seconds(d, &child(dsl, "timeout"))),
            input_keys: doc.input_keys.clone(),
            output_keys: doc.output_keys.clone(),
            runtime_metadata: doc.runtime_metadata.clone(),
            timeout_policy: doc.timeout_policy,
            retry_logic: retry.and_then(|r| r.logic),
            retry_delay_seconds: retry
                .and_then(|r| r.delay.as_ref())
                .and_then(|d| self.seconds(d, &child(&retry_dsl, "delay"))),
            response_timeout_seconds: doc
                .response_timeout
                .as_ref()
                .and_then(|d| self.seconds(d, &child(dsl, "responseTimeout"))),
            concurrent_exec_limit: doc
                .concurrency
                .and_then(|limit| self.fit(u64::from(limit), &child(dsl, "concurrency"))),
            input_template: doc.input_template.clone(),
            rate_limit_per_frequency: doc.rate_limit.as_ref().and_then(|limit| {
                self.fit(
                    u64::from(limit.count),
                    &child(&child(dsl, "rateLimit"), "count"),
                )
            }),
            rate_limit_frequency_in_seconds: doc
                .rate_limit
                .as_ref()
                .and_then(|limit| limit.per.as_ref())
                .and_then(|per| self.seconds(per, &child(&child(dsl, "rateLimit"), "per"))),
            isolation_group_id: doc.isolation_group_id.clone(),
            execution_name_space: doc.execution_name_space.clone(),
            owner_email: doc.owner_email.clone(),
            poll_timeout_seconds: doc
                .poll_timeout
                .as_ref()
                .and_then(|d| self.seconds(d, &child(dsl, "pollTimeout"))),
            backoff_scale_factor: retry
                .and_then(|r| r.scale_factor)
                .and_then(|factor| self.fit(u64::from(factor), &child(&retry_dsl, "scaleFactor"))),
            max_retry_delay_seconds: retry
                .and_then(|r| r.max_delay.as_ref())
                .and_then(|d| self.seconds(d, &child(&retry_dsl, "maxDelay"))),
            backoff_jitter_ms: retry
                .and_then(|r| r.jitter_ms)
                .and_then(|jitter| self.fit(u64::from(jitter), &child(&retry_dsl, "jitterMs"))),
            base_type: doc.base_type.clone(),
            total_timeout_seconds: doc
                .total_timeout
                .as_ref()
                .and_then(|d| self.seconds(d, &child(dsl, "totalTimeout"))),
            task_status_listener_enabled: doc.task_status_listener_enabled,
            input_schema: doc.input_schema.as_ref().map(schema_def),
            output_schema: doc.output_schema.as_ref().map(schema_def),
            enforce_schema: doc.enforce_schema,
            ..TaskDef::default()
        }
    }

    fn cache(&mut self, cache: &Cache, dsl: &str) -> CacheConfig {
        CacheConfig {
            key: cache.key.clone(),
            ttl_in_second: cache
                .ttl
                .as_ref()
                .and_then(|ttl| self.seconds(ttl, &child(dsl, "ttl"))),
        }
    }

    /// The input of a concise form: the keys the form generates, then the `input` keys. An
    /// `input` key the form also generates is an error (one way to say a thing).
    fn input(
        &mut self,
        generated: Vec<(&'static str, Value)>,
        input: Option<&JsonMap>,
        dsl: &str,
        form_key: &str,
    ) -> Option<JsonMap> {
        if generated.is_empty() {
            return input.cloned();
        }
        let mut merged = Map::with_capacity(generated.len() + input.map_or(0, Map::len));
        for (key, value) in generated {
            if input.is_some_and(|input| input.contains_key(key)) {
                let span = self.span(&child(&child(dsl, "input"), key), Part::Key);
                let form_span = self.span(&child(dsl, form_key), Part::Key);
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ConflictingInputKey,
                        format!("`input.{key}` is also set by `{form_key}:`"),
                    )
                    .with_primary(self.file, span, "set here")
                    .with_secondary(self.file, form_span, format!("`{form_key}:` compiles to `inputParameters.{key}`"))
                    .with_help(format!("remove `{key}` from `input`, or write the task in the generic form (`type:`) to set `inputParameters` yourself")),
                );
            }
            merged.insert(key.to_owned(), value);
        }
        for (key, value) in input.into_iter().flatten() {
            merged.entry(key.clone()).or_insert_with(|| value.clone());
        }
        Some(merged)
    }

    fn conflict(&mut self, present: bool, dsl: &str, raw: &str, message: &str, help: &str) {
        if !present {
            return;
        }
        let span = self.span(&format!("{dsl}/{raw}"), Part::Key);
        self.diagnostics.push(
            Diagnostic::new(Code::ConflictingInputKey, message)
                .with_primary(self.file, span, "conflicts with the concise key")
                .with_help(help),
        );
    }

    /// A duration in seconds as the field's integer type, or a diagnostic.
    fn seconds<T: TryFrom<u64>>(&mut self, duration: &Duration, dsl: &str) -> Option<T> {
        match duration.seconds() {
            Ok(seconds) => self.fit(seconds, dsl),
            Err(DurationError::Syntax) => {
                let span = self.span(dsl, Part::Value);
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidDuration, "invalid duration")
                        .with_primary(self.file, span, "invalid duration")
                        .with_help("write a number of seconds, or integers with units in the order d, h, m, s: `90s`, `5m`, `1h 30m`"),
                );
                None
            }
            Err(DurationError::TooLarge) => {
                self.too_large(dsl);
                None
            }
        }
    }

    fn fit<T: TryFrom<u64>>(&mut self, value: u64, dsl: &str) -> Option<T> {
        match T::try_from(value) {
            Ok(fitted) => Some(fitted),
            Err(_) => {
                self.too_large(dsl);
                None
            }
        }
    }

    fn too_large(&mut self, dsl: &str) {
        let span = self.span(dsl, Part::Value);
        let field = dsl.rsplit('/').next().unwrap_or_default();
        self.diagnostics.push(
            Diagnostic::new(
                Code::ValueOutOfRange,
                format!("`{field}` is too large for the server"),
            )
            .with_primary(self.file, span, "too large")
            .with_note("the server stores this value as a 32-bit or 64-bit integer"),
        );
    }
}

/// The input key a value `switch:` compiles to (the SDK's and the UI's choice).
pub const SWITCH_CASE_VALUE: &str = "switchCaseValue";
/// The input key `dynamicFork: {tasks}` compiles to.
pub const DYNAMIC_TASKS: &str = "dynamicTasks";
/// The input key `dynamicFork: {inputs}` compiles to.
pub const DYNAMIC_TASKS_INPUT: &str = "dynamicTasksInput";
/// The input key a value `dynamic:` compiles to (the SDK's choice).
pub const TASK_TO_EXECUTE: &str = "taskToExecute";
/// The `wait:` value that waits for a signal.
pub const WAIT_SIGNAL: &str = "signal";
/// Suffix of a generated JOIN's reference name.
pub const JOIN_SUFFIX: &str = "_join";

fn is_join(task: &Task) -> bool {
    match task {
        Task::Join(_) => true,
        Task::Generic(generic) => generic.task_type == task_type::JOIN,
        _ => false,
    }
}

/// The JOIN generated after a fork: it waits on the last task of every non-empty branch (for a
/// dynamic fork the server fills `joinOn` at run time).
pub fn generated_join(fork: &Task, lowered_fork: Option<&WorkflowTask>) -> WorkflowTask {
    let reference = format!("{}{JOIN_SUFFIX}", fork.reference());
    let join_on = match fork.form() {
        TaskForm::Fork => lowered_fork
            .and_then(|task| task.fork_tasks.as_ref())
            .map(|branches| {
                branches
                    .iter()
                    .filter_map(|branch| branch.last().map(|task| task.task_reference_name.clone()))
                    .collect()
            }),
        _ => None,
    };
    WorkflowTask {
        name: reference.clone(),
        task_reference_name: reference,
        task_type: Some(task_type::JOIN.to_owned()),
        join_on,
        ..WorkflowTask::default()
    }
}

fn int_or_expression(value: &IntOrExpression) -> Value {
    match value {
        IntOrExpression::Int(number) => Value::from(*number),
        IntOrExpression::Expression(expression) => Value::from(expression.clone()),
    }
}

fn insert_opt(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

fn schema_def(schema: &SchemaRef) -> SchemaDef {
    SchemaDef {
        owner_app: None,
        create_time: None,
        update_time: None,
        created_by: None,
        updated_by: None,
        name: schema.name.clone(),
        version: schema.version,
        schema_type: schema.schema_type,
        data: schema.data.clone(),
        external_ref: schema.external_ref.clone(),
    }
}

fn state_change_events(events: &StateChangeEvents) -> IndexMap<String, Vec<StateChangeEvent>> {
    events
        .iter()
        .map(|(key, list)| {
            let list = list
                .iter()
                .map(|event| StateChangeEvent {
                    event_type: event.event_type.clone(),
                    payload: event.payload.clone(),
                })
                .collect();
            (key.clone(), list)
        })
        .collect()
}
