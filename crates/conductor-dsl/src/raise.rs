//! Raising: Conductor definitions back into idiomatic DSL documents (what `import` writes).
//!
//! A task is written in its concise form when that form says exactly the same thing, and in the
//! generic form (`type:` plus Conductor's fields) otherwise. "Exactly" is not argued case by
//! case: each concise candidate is lowered back and compared with the original after
//! normalisation (contract §2.13); a candidate that differs falls back to the generic form. The
//! JOIN after a fork is left out when the one lowering generates is the same.
//!
//! The input has had its defaults stripped (`conductor_model::normalize::strip_defaults`), so
//! `None` here means "the server's default" and is not written.

use conductor_model::defaults::ObjectKind;
use conductor_model::normalize::normalize;
use conductor_model::{
    CacheConfig, SchemaDef, StateChangeEvent, SubWorkflowParams, TaskDef, WorkflowDef,
    WorkflowDefinitionRef, WorkflowTask, task_type,
};
use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::locate::escape_segment;
use crate::lower::{
    DYNAMIC_TASKS, DYNAMIC_TASKS_INPUT, JOIN_SUFFIX, SWITCH_CASE_VALUE, TASK_TO_EXECUTE,
    WAIT_SIGNAL, generated_join, lower_tasks_detached,
};
use crate::syntax::JsonMap;
use crate::syntax::document::{
    EmbeddedTaskDef, TaskDocument, WorkflowDocument, move_task_def_settings,
};
use crate::syntax::duration::{Duration, parse_duration};
use crate::syntax::parts::{
    Cache, DoWhile, DynamicFork, DynamicTaskName, DynamicTaskNameParam, Empty, HttpRequest,
    InlineDefinition, InlineScript, IntOrExpression, KafkaRequest, RateLimit, Retry, SchemaRef,
    StartWorkflow, StartWorkflowRequest, StateChangeEvent as DslStateChangeEvent, SubWorkflow,
    SwitchEvaluator, SwitchOn, Terminate, TerminationStatus, WaitFor, WaitUntil, WorkflowRateLimit,
};
use crate::syntax::task::*;

/// Why a definition cannot be written in the DSL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaiseError {
    /// JSON pointer of the offending value in the definition.
    pub pointer: String,
    /// What cannot be expressed.
    pub message: String,
}

type Raised<T> = Result<T, RaiseError>;

fn error(pointer: &str, message: impl Into<String>) -> RaiseError {
    RaiseError {
        pointer: pointer.to_owned(),
        message: message.into(),
    }
}

/// A workflow definition as a DSL document.
pub fn raise_workflow(def: &WorkflowDef) -> Raised<WorkflowDocument> {
    raise_workflow_at(def, "")
}

fn raise_workflow_at(def: &WorkflowDef, pointer: &str) -> Raised<WorkflowDocument> {
    Ok(WorkflowDocument {
        workflow: def.name.clone(),
        description: def.description.clone(),
        version: def.version,
        owner_email: def.owner_email.clone(),
        schema_version: def.schema_version,
        timeout: seconds(def.timeout_seconds, &format!("{pointer}/timeoutSeconds"))?,
        timeout_policy: def.timeout_policy,
        restartable: def.restartable,
        failure_workflow: def.failure_workflow.clone(),
        failure_workflow_version: def.failure_workflow_version,
        workflow_status_listener_enabled: def.workflow_status_listener_enabled,
        workflow_status_listener_sink: def.workflow_status_listener_sink.clone(),
        inputs: def.input_parameters.clone(),
        input_template: def.input_template.clone(),
        variables: def.variables.clone(),
        tasks: raise_tasks(&def.tasks, &format!("{pointer}/tasks"))?,
        output: def.output_parameters.clone(),
        input_schema: def.input_schema.as_ref().map(schema_ref),
        output_schema: def.output_schema.as_ref().map(schema_ref),
        enforce_schema: def.enforce_schema,
        rate_limit_config: def
            .rate_limit_config
            .as_ref()
            .map(|config| WorkflowRateLimit {
                rate_limit_key: config.rate_limit_key.clone(),
                concurrent_exec_limit: config.concurrent_exec_limit,
                policy: config.policy,
            }),
        cache_config: def
            .cache_config
            .as_ref()
            .map(|cache| raise_cache(cache, &format!("{pointer}/cacheConfig")))
            .transpose()?,
        masked_fields: def.masked_fields.clone(),
        metadata: def.metadata.clone(),
    })
}

/// A task definition as a DSL document.
pub fn raise_task_def(def: &TaskDef) -> Raised<TaskDocument> {
    raise_task_def_at(def, "")
}

fn raise_task_def_at(def: &TaskDef, pointer: &str) -> Raised<TaskDocument> {
    let at = |field: &str| format!("{pointer}/{field}");
    let retry = Retry {
        count: unsigned(def.retry_count, &at("retryCount"))?,
        logic: def.retry_logic,
        delay: seconds(
            def.retry_delay_seconds.map(i64::from),
            &at("retryDelaySeconds"),
        )?,
        max_delay: seconds(
            def.max_retry_delay_seconds.map(i64::from),
            &at("maxRetryDelaySeconds"),
        )?,
        scale_factor: unsigned(def.backoff_scale_factor, &at("backoffScaleFactor"))?,
        jitter_ms: unsigned(def.backoff_jitter_ms, &at("backoffJitterMs"))?,
    };
    let rate_limit = match (
        def.rate_limit_per_frequency,
        def.rate_limit_frequency_in_seconds,
    ) {
        (None, None) => None,
        (count, per) => Some(RateLimit {
            count: unsigned(Some(count.unwrap_or(0)), &at("rateLimitPerFrequency"))?.unwrap_or(0),
            per: seconds(per.map(i64::from), &at("rateLimitFrequencyInSeconds"))?,
        }),
    };
    Ok(TaskDocument {
        task: def.name.clone(),
        description: def.description.clone(),
        owner_email: def.owner_email.clone(),
        retry: (retry != Retry::default()).then_some(retry),
        timeout: seconds(def.timeout_seconds, &at("timeoutSeconds"))?,
        timeout_policy: def.timeout_policy,
        response_timeout: seconds(def.response_timeout_seconds, &at("responseTimeoutSeconds"))?,
        poll_timeout: seconds(
            def.poll_timeout_seconds.map(i64::from),
            &at("pollTimeoutSeconds"),
        )?,
        total_timeout: seconds(def.total_timeout_seconds, &at("totalTimeoutSeconds"))?,
        concurrency: unsigned(def.concurrent_exec_limit, &at("concurrentExecLimit"))?,
        rate_limit,
        input_keys: def.input_keys.clone(),
        output_keys: def.output_keys.clone(),
        input_template: def.input_template.clone(),
        runtime_metadata: def.runtime_metadata.clone(),
        isolation_group_id: def.isolation_group_id.clone(),
        execution_name_space: def.execution_name_space.clone(),
        base_type: def.base_type.clone(),
        task_status_listener_enabled: def.task_status_listener_enabled,
        input_schema: def.input_schema.as_ref().map(schema_ref),
        output_schema: def.output_schema.as_ref().map(schema_ref),
        enforce_schema: def.enforce_schema,
    })
}

/// A duration field: seconds as written idiomatically; negative values have no DSL spelling.
fn seconds<T: Into<i64> + Copy>(value: Option<T>, pointer: &str) -> Raised<Option<Duration>> {
    match value.map(Into::into) {
        None => Ok(None),
        Some(seconds) => u64::try_from(seconds)
            .map(|seconds| Some(Duration::from_seconds(seconds)))
            .map_err(|_| {
                error(
                    pointer,
                    format!("the negative duration {seconds} cannot be written in the DSL"),
                )
            }),
    }
}

fn unsigned(value: Option<i32>, pointer: &str) -> Raised<Option<u32>> {
    match value {
        None => Ok(None),
        Some(number) => u32::try_from(number).map(Some).map_err(|_| {
            error(
                pointer,
                format!("the negative value {number} cannot be written in the DSL"),
            )
        }),
    }
}

fn schema_ref(schema: &SchemaDef) -> SchemaRef {
    SchemaRef {
        name: schema.name.clone(),
        version: schema.version,
        schema_type: schema.schema_type,
        data: schema.data.clone(),
        external_ref: schema.external_ref.clone(),
    }
}

fn raise_cache(cache: &CacheConfig, pointer: &str) -> Raised<Cache> {
    Ok(Cache {
        key: cache.key.clone(),
        ttl: seconds(cache.ttl_in_second, &format!("{pointer}/ttlInSecond"))?,
    })
}

/// A list of tasks, each in its concise form when that is exact.
fn raise_tasks(tasks: &[WorkflowTask], pointer: &str) -> Raised<Vec<Task>> {
    let mut raised = Vec::with_capacity(tasks.len());
    let mut idx = 0;
    while let Some(task) = tasks.get(idx) {
        let task_pointer = format!("{pointer}/{idx}");
        let next = tasks.get(idx + 1);
        let concise = concise_task(task, next, &task_pointer)
            .ok()
            .flatten()
            .filter(|(candidate, consumes_join)| {
                lowers_back_to(candidate, task)
                    && (!*consumes_join || join_is_generated(candidate, task, next))
            });
        match concise {
            Some((candidate, consumes_join)) => {
                raised.push(candidate);
                idx += if consumes_join { 2 } else { 1 };
            }
            None => {
                let generic = generic_task(task, &task_pointer)?;
                if !lowers_back_to(&generic, task) {
                    return Err(error(
                        &task_pointer,
                        "this task cannot be written in the DSL without changing it (please report this)",
                    ));
                }
                raised.push(generic);
                idx += 1;
            }
        }
    }
    Ok(raised)
}

/// Whether `candidate` compiles to `original`, compared as the server stores them.
fn lowers_back_to(candidate: &Task, original: &WorkflowTask) -> bool {
    let lowered = lower_tasks_detached(std::slice::from_ref(candidate));
    let Some(first) = lowered.first() else {
        return false;
    };
    same_task(first, original)
}

fn same_task(a: &WorkflowTask, b: &WorkflowTask) -> bool {
    let as_json = |task: &WorkflowTask| serde_json::to_value(task).unwrap_or(Value::Null);
    normalize(ObjectKind::WorkflowTask, &as_json(a))
        == normalize(ObjectKind::WorkflowTask, &as_json(b))
}

fn join_is_generated(
    fork: &Task,
    original_fork: &WorkflowTask,
    next: Option<&WorkflowTask>,
) -> bool {
    let Some(next) = next else { return false };
    same_task(&generated_join(fork, Some(original_fork)), next)
}

/// The keys shared by every form, from the Conductor task.
struct CommonParts {
    reference: String,
    description: Option<String>,
    optional: Option<bool>,
    permissive: Option<bool>,
    async_complete: Option<bool>,
    start_delay: Option<Duration>,
    retry_count: Option<u32>,
    rate_limited: Option<bool>,
    task_definition: Option<Box<EmbeddedTaskDef>>,
    on_state_change: Option<crate::syntax::parts::StateChangeEvents>,
    cache_config: Option<Cache>,
    metadata: Option<JsonMap>,
    join_status: Option<String>,
}

fn common_parts(task: &WorkflowTask, pointer: &str) -> Raised<CommonParts> {
    Ok(CommonParts {
        reference: task.task_reference_name.clone(),
        description: task.description.clone(),
        optional: task.optional,
        permissive: task.permissive,
        async_complete: task.async_complete,
        start_delay: seconds(task.start_delay, &format!("{pointer}/startDelay"))?,
        retry_count: unsigned(task.retry_count, &format!("{pointer}/retryCount"))?,
        rate_limited: task.rate_limited,
        task_definition: task
            .task_definition
            .as_deref()
            .map(|def| embedded_task_def(def, &task.name, &format!("{pointer}/taskDefinition")))
            .transpose()?
            .map(Box::new),
        on_state_change: task.on_state_change.as_ref().map(state_change_events),
        cache_config: task
            .cache_config
            .as_ref()
            .map(|cache| raise_cache(cache, &format!("{pointer}/cacheConfig")))
            .transpose()?,
        metadata: task.metadata.clone(),
        join_status: task.join_status.clone(),
    })
}

fn embedded_task_def(def: &TaskDef, task_name: &str, pointer: &str) -> Raised<EmbeddedTaskDef> {
    let document = raise_task_def_at(def, pointer)?;
    Ok(
        move_task_def_settings!(document, TaskDocument { task } => EmbeddedTaskDef {
            name: (task != task_name).then_some(task),
        }),
    )
}

fn state_change_events(
    events: &IndexMap<String, Vec<StateChangeEvent>>,
) -> crate::syntax::parts::StateChangeEvents {
    events
        .iter()
        .map(|(key, list)| {
            let list = list
                .iter()
                .map(|event| DslStateChangeEvent {
                    event_type: event.event_type.clone(),
                    payload: event.payload.clone(),
                })
                .collect();
            (key.clone(), list)
        })
        .collect()
}

/// Builds a concise form's struct from the common parts.
macro_rules! with_common {
    ($form:ident, $common:expr, { $($field:ident : $value:expr),* $(,)? }) => {{
        let common = $common;
        $form {
            reference: common.reference,
            description: common.description,
            optional: common.optional,
            permissive: common.permissive,
            async_complete: common.async_complete,
            start_delay: common.start_delay,
            retry_count: common.retry_count,
            rate_limited: common.rate_limited,
            task_definition: common.task_definition,
            on_state_change: common.on_state_change,
            cache_config: common.cache_config,
            metadata: common.metadata,
            join_status: common.join_status,
            $($field: $value,)*
        }
    }};
}

/// The name to write for a system task: nothing when it is the reference name (the default).
fn name_unless_default(task: &WorkflowTask) -> Option<String> {
    (task.name != task.task_reference_name).then(|| task.name.clone())
}

/// The input without the given keys, `None` when nothing is left.
fn input_without(task: &WorkflowTask, keys: &[&str]) -> Option<JsonMap> {
    let input = task.input_parameters.as_ref()?;
    let rest: Map<String, Value> = input
        .iter()
        .filter(|(key, _)| !keys.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    (!rest.is_empty()).then_some(rest)
}

fn input_value<'a>(task: &'a WorkflowTask, key: &str) -> Option<&'a Value> {
    task.input_parameters.as_ref()?.get(key)
}

fn strict<T: serde::de::DeserializeOwned>(value: &Value) -> Option<T> {
    serde_json::from_value(value.clone()).ok()
}

/// The concise form of a task, when its type has one; the flag says whether the JOIN after it
/// is the generated one (and is therefore not written).
fn concise_task(
    task: &WorkflowTask,
    next: Option<&WorkflowTask>,
    pointer: &str,
) -> Raised<Option<(Task, bool)>> {
    let common = || common_parts(task, pointer);
    let name = name_unless_default(task);
    let next_is_join = next.is_some_and(|next| next.type_name() == task_type::JOIN);
    let raised = match task.type_name() {
        task_type::SIMPLE => Task::Simple(with_common!(SimpleTask, common()?, {
            task: task.name.clone(),
            input: task.input_parameters.clone(),
        })),
        task_type::HTTP => {
            let Some(request) = input_value(task, "http_request").and_then(strict::<HttpRequest>)
            else {
                return Ok(None);
            };
            Task::Http(with_common!(HttpTask, common()?, {
                name: name,
                http: request,
                input: input_without(task, &["http_request"]),
            }))
        }
        task_type::INLINE => {
            let Some(Value::String(expression)) = input_value(task, "expression") else {
                return Ok(None);
            };
            let evaluator_type = match input_value(task, "evaluatorType") {
                None => None,
                Some(Value::String(evaluator)) => Some(evaluator.clone()),
                Some(_) => return Ok(None),
            };
            Task::Inline(with_common!(InlineTask, common()?, {
                name: name,
                inline: InlineScript { evaluator_type, expression: expression.clone() },
                input: input_without(task, &["expression", "evaluatorType"]),
            }))
        }
        task_type::JSON_JQ_TRANSFORM => {
            let Some(Value::String(query)) = input_value(task, "queryExpression") else {
                return Ok(None);
            };
            Task::Jq(with_common!(JqTask, common()?, {
                name: name,
                jq: query.clone(),
                input: input_without(task, &["queryExpression"]),
            }))
        }
        task_type::SWITCH => {
            let (Some(evaluator_type), Some(expression)) = (&task.evaluator_type, &task.expression)
            else {
                return Ok(None);
            };
            let value_switch = match input_value(task, SWITCH_CASE_VALUE) {
                Some(Value::String(value))
                    if evaluator_type == "value-param" && expression == SWITCH_CASE_VALUE =>
                {
                    Some(value.clone())
                }
                _ => None,
            };
            let (switch, input) = match value_switch {
                Some(value) => (
                    SwitchOn::Value(value),
                    input_without(task, &[SWITCH_CASE_VALUE]),
                ),
                None => (
                    SwitchOn::Evaluator(SwitchEvaluator {
                        evaluator_type: evaluator_type.clone(),
                        expression: expression.clone(),
                    }),
                    task.input_parameters.clone(),
                ),
            };
            Task::Switch(with_common!(SwitchTask, common()?, {
                name: name,
                switch: switch,
                cases: raise_cases(task.decision_cases.as_ref(), &format!("{pointer}/decisionCases"))?,
                default: task
                    .default_case
                    .as_ref()
                    .map(|tasks| raise_tasks(tasks, &format!("{pointer}/defaultCase")))
                    .transpose()?,
                input: input,
            }))
        }
        task_type::FORK_JOIN => {
            if !next_is_join {
                // A concise fork always has a JOIN after it; without one it must stay generic.
                return Ok(None);
            }
            let branches = task
                .fork_tasks
                .iter()
                .flatten()
                .enumerate()
                .map(|(idx, branch)| raise_tasks(branch, &format!("{pointer}/forkTasks/{idx}")))
                .collect::<Raised<Vec<_>>>()?;
            let fork = Task::Fork(with_common!(ForkTask, common()?, {
                name: name,
                fork: branches,
                input: task.input_parameters.clone(),
            }));
            let consumes = join_is_generated(&fork, task, next);
            return Ok(Some((fork, consumes)));
        }
        task_type::FORK_JOIN_DYNAMIC => {
            if !next_is_join {
                return Ok(None);
            }
            let concise_tasks = task.dynamic_fork_tasks_param.as_deref() == Some(DYNAMIC_TASKS)
                && input_value(task, DYNAMIC_TASKS).is_some();
            let concise_inputs = task.dynamic_fork_tasks_input_param_name.as_deref()
                == Some(DYNAMIC_TASKS_INPUT)
                && input_value(task, DYNAMIC_TASKS_INPUT).is_some();
            let mut generated = Vec::new();
            let spec = DynamicFork {
                tasks: concise_tasks
                    .then(|| {
                        generated.push(DYNAMIC_TASKS);
                        input_value(task, DYNAMIC_TASKS).cloned()
                    })
                    .flatten(),
                inputs: concise_inputs
                    .then(|| {
                        generated.push(DYNAMIC_TASKS_INPUT);
                        input_value(task, DYNAMIC_TASKS_INPUT).cloned()
                    })
                    .flatten(),
                dynamic_fork_tasks_param: (!concise_tasks)
                    .then(|| task.dynamic_fork_tasks_param.clone())
                    .flatten(),
                dynamic_fork_tasks_input_param_name: (!concise_inputs)
                    .then(|| task.dynamic_fork_tasks_input_param_name.clone())
                    .flatten(),
                dynamic_fork_join_tasks_param: task.dynamic_fork_join_tasks_param.clone(),
            };
            let fork = Task::DynamicFork(with_common!(DynamicForkTask, common()?, {
                name: name,
                dynamic_fork: spec,
                input: input_without(task, &generated),
            }));
            let consumes = join_is_generated(&fork, task, next);
            return Ok(Some((fork, consumes)));
        }
        task_type::JOIN => Task::Join(with_common!(JoinTask, common()?, {
            name: name,
            join: task.join_on.clone().unwrap_or_default(),
            join_mode: task.join_mode,
            input: task.input_parameters.clone(),
        })),
        task_type::EXCLUSIVE_JOIN => {
            Task::ExclusiveJoin(with_common!(ExclusiveJoinTask, common()?, {
                name: name,
                exclusive_join: task.join_on.clone().unwrap_or_default(),
                default_exclusive_join_task: task.default_exclusive_join_task.clone(),
                input: task.input_parameters.clone(),
            }))
        }
        task_type::DO_WHILE => {
            let Some(body) = task.loop_over.as_ref().filter(|body| !body.is_empty()) else {
                return Ok(None);
            };
            let Some(condition) = &task.loop_condition else {
                return Ok(None);
            };
            let keep_last_n = match input_value(task, "keepLastN") {
                Some(Value::Number(number)) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            };
            let condition =
                (task.items.is_none() || condition != "true").then(|| condition.clone());
            Task::DoWhile(with_common!(DoWhileTask, common()?, {
                name: name,
                do_while: DoWhile {
                    condition,
                    items: task.items.clone(),
                    keep_last_n,
                    tasks: raise_tasks(body, &format!("{pointer}/loopOver"))?,
                },
                input: input_without(task, if keep_last_n.is_some() { &["keepLastN"] } else { &[] }),
            }))
        }
        task_type::SUB_WORKFLOW => {
            let Some(param) = &task.sub_workflow_param else {
                return Ok(None);
            };
            Task::SubWorkflow(with_common!(SubWorkflowTask, common()?, {
                name: name,
                sub_workflow: sub_workflow(param, &format!("{pointer}/subWorkflowParam"))?,
                input: task.input_parameters.clone(),
            }))
        }
        task_type::START_WORKFLOW => {
            let start = match input_value(task, "startWorkflow") {
                Some(Value::String(expression)) => StartWorkflow::Expression(expression.clone()),
                Some(request @ Value::Object(object)) if !object.contains_key("workflowDef") => {
                    match strict::<StartWorkflowRequest>(request) {
                        Some(request) => StartWorkflow::Request(Box::new(request)),
                        None => return Ok(None),
                    }
                }
                _ => return Ok(None),
            };
            Task::StartWorkflow(with_common!(StartWorkflowTask, common()?, {
                name: name,
                start_workflow: start,
                input: input_without(task, &["startWorkflow"]),
            }))
        }
        task_type::EVENT => {
            let Some(sink) = &task.sink else {
                return Ok(None);
            };
            Task::Event(with_common!(EventTask, common()?, {
                name: name,
                event: sink.clone(),
                input: task.input_parameters.clone(),
            }))
        }
        task_type::WAIT => {
            let duration = input_value(task, "duration");
            let until = input_value(task, "until");
            let wait = match (duration, until) {
                (Some(Value::String(text)), None) if is_wait_duration(text) => {
                    WaitFor::Text(text.clone())
                }
                (None, Some(Value::String(until))) => WaitFor::Until(WaitUntil {
                    until: until.clone(),
                }),
                (None, None) => WaitFor::Text(WAIT_SIGNAL.to_owned()),
                _ => return Ok(None),
            };
            Task::Wait(with_common!(WaitTask, common()?, {
                name: name,
                wait: wait,
                input: input_without(task, &["duration", "until"]),
            }))
        }
        task_type::HUMAN => Task::Human(with_common!(HumanTask, common()?, {
            name: name,
            human: Empty {},
            input: task.input_parameters.clone(),
        })),
        task_type::SET_VARIABLE => Task::SetVariable(with_common!(SetVariableTask, common()?, {
            name: name,
            set_variable: task.input_parameters.clone().unwrap_or_default(),
        })),
        task_type::TERMINATE => {
            let Some(status) =
                input_value(task, "terminationStatus").and_then(strict::<TerminationStatus>)
            else {
                return Ok(None);
            };
            let reason = match input_value(task, "terminationReason") {
                None => None,
                Some(Value::String(reason)) => Some(reason.clone()),
                Some(_) => return Ok(None),
            };
            Task::Terminate(with_common!(TerminateTask, common()?, {
                name: name,
                terminate: Terminate {
                    status,
                    reason,
                    output: input_value(task, "workflowOutput").cloned(),
                },
                input: input_without(task, &["terminationStatus", "terminationReason", "workflowOutput"]),
            }))
        }
        task_type::DYNAMIC => {
            let Some(param) = &task.dynamic_task_name_param else {
                return Ok(None);
            };
            let (dynamic, input) = match input_value(task, TASK_TO_EXECUTE) {
                Some(Value::String(value)) if param == TASK_TO_EXECUTE => (
                    DynamicTaskName::Value(value.clone()),
                    input_without(task, &[TASK_TO_EXECUTE]),
                ),
                _ => (
                    DynamicTaskName::Param(DynamicTaskNameParam {
                        dynamic_task_name_param: param.clone(),
                    }),
                    task.input_parameters.clone(),
                ),
            };
            Task::Dynamic(with_common!(DynamicTask, common()?, {
                name: name,
                dynamic: dynamic,
                input: input,
            }))
        }
        task_type::KAFKA_PUBLISH => {
            let Some(request) = input_value(task, "kafka_request").and_then(strict::<KafkaRequest>)
            else {
                return Ok(None);
            };
            Task::Kafka(with_common!(KafkaTask, common()?, {
                name: name,
                kafka: request,
                input: input_without(task, &["kafka_request"]),
            }))
        }
        task_type::NOOP => Task::Noop(with_common!(NoopTask, common()?, {
            name: name,
            noop: Empty {},
            input: task.input_parameters.clone(),
        })),
        _ => return Ok(None),
    };
    Ok(Some((raised, false)))
}

/// A WAIT duration the `wait:` form accepts: the duration grammar, or an expression.
fn is_wait_duration(text: &str) -> bool {
    text != WAIT_SIGNAL
        && (parse_duration(text).is_ok() || (text.starts_with("${") && text.ends_with('}')))
}

fn raise_cases(
    cases: Option<&IndexMap<String, Vec<WorkflowTask>>>,
    pointer: &str,
) -> Raised<IndexMap<String, Vec<Task>>> {
    cases
        .into_iter()
        .flatten()
        .map(|(case, tasks)| {
            let escaped = escape_segment(case);
            Ok((
                case.clone(),
                raise_tasks(tasks, &format!("{pointer}/{escaped}"))?,
            ))
        })
        .collect()
}

fn int_or_expression(value: &Value, pointer: &str) -> Raised<IntOrExpression> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .map(IntOrExpression::Int)
            .ok_or_else(|| error(pointer, format!("`{number}` is not an integer"))),
        Value::String(text) => Ok(IntOrExpression::Expression(text.clone())),
        other => Err(error(
            pointer,
            format!("`{other}` is neither an integer nor an expression"),
        )),
    }
}

fn sub_workflow(param: &SubWorkflowParams, pointer: &str) -> Raised<SubWorkflow> {
    let definition = match &param.workflow_definition {
        None => None,
        Some(WorkflowDefinitionRef::Inline(def)) => Some(InlineDefinition::Workflow(Box::new(
            raise_workflow_at(def, &format!("{pointer}/workflowDefinition"))?,
        ))),
        Some(WorkflowDefinitionRef::Expression(expression)) => {
            Some(InlineDefinition::Expression(expression.clone()))
        }
    };
    // Contract §2.4: with an inline definition the server reports the definition's name and
    // version, so the stored ones are not written.
    let inline = matches!(definition, Some(InlineDefinition::Workflow(_)));
    Ok(SubWorkflow {
        name: (!inline).then(|| param.name.clone()).flatten(),
        version: (!inline).then_some(param.version).flatten(),
        definition,
        task_to_domain: param.task_to_domain.clone(),
        idempotency_key: param.idempotency_key.clone(),
        idempotency_strategy: param.idempotency_strategy,
        priority: param
            .priority
            .as_ref()
            .map(|priority| int_or_expression(priority, &format!("{pointer}/priority")))
            .transpose()?,
    })
}

/// The generic form: `type:` and Conductor's own fields; nested lists are raised.
fn generic_task(task: &WorkflowTask, pointer: &str) -> Raised<Task> {
    Ok(Task::Generic(
        with_common!(GenericTask, common_parts(task, pointer)?, {
            task_type: task.type_name().to_owned(),
            name: name_unless_default(task),
            input: task.input_parameters.clone(),
            dynamic_task_name_param: task.dynamic_task_name_param.clone(),
            case_value_param: task.case_value_param.clone(),
            case_expression: task.case_expression.clone(),
            script_expression: task.script_expression.clone(),
            decision_cases: task
                .decision_cases
                .as_ref()
                .map(|cases| raise_cases(Some(cases), &format!("{pointer}/decisionCases")))
                .transpose()?,
            default_case: task
                .default_case
                .as_ref()
                .map(|tasks| raise_tasks(tasks, &format!("{pointer}/defaultCase")))
                .transpose()?,
            dynamic_fork_join_tasks_param: task.dynamic_fork_join_tasks_param.clone(),
            dynamic_fork_tasks_param: task.dynamic_fork_tasks_param.clone(),
            dynamic_fork_tasks_input_param_name: task.dynamic_fork_tasks_input_param_name.clone(),
            fork_tasks: task
                .fork_tasks
                .as_ref()
                .map(|branches| {
                    branches
                        .iter()
                        .enumerate()
                        .map(|(idx, branch)| raise_tasks(branch, &format!("{pointer}/forkTasks/{idx}")))
                        .collect::<Raised<Vec<_>>>()
                })
                .transpose()?,
            sub_workflow_param: task
                .sub_workflow_param
                .as_ref()
                .map(|param| sub_workflow(param, &format!("{pointer}/subWorkflowParam")))
                .transpose()?,
            join_on: task.join_on.clone(),
            sink: task.sink.clone(),
            default_exclusive_join_task: task.default_exclusive_join_task.clone(),
            loop_condition: task.loop_condition.clone(),
            loop_over: task
                .loop_over
                .as_ref()
                .map(|tasks| raise_tasks(tasks, &format!("{pointer}/loopOver")))
                .transpose()?,
            items: task.items.clone(),
            evaluator_type: task.evaluator_type.clone(),
            expression: task.expression.clone(),
            join_mode: task.join_mode,
        }),
    ))
}

/// Whether the reference name is the one a generated JOIN after `fork` would have.
pub fn is_generated_join_name(fork: &str, join: &str) -> bool {
    join.strip_prefix(fork) == Some(JOIN_SUFFIX)
}
