//! Runs a compiled Conductor workflow offline, against mocked outcomes of the tasks that need a
//! worker or the outside world, following the server's semantics: `${...}` resolution
//! ([`resolve`], with the checker's expression parser), SWITCH and DECISION, INLINE and LAMBDA
//! (JavaScript, [`script`]), JSON_JQ_TRANSFORM ([`jq`]), DO_WHILE (condition, `items`,
//! `keepLastN`, the `__N` iteration suffix), FORK_JOIN, FORK_JOIN_DYNAMIC, JOIN and
//! EXCLUSIVE_JOIN, SUB_WORKFLOW (mocked, or the library's own definition run in turn),
//! SET_VARIABLE, TERMINATE, optional tasks and retries from the task definitions.
//!
//! What it cannot follow is an error ([`SimError::NotSimulated`], [`SimError::MissingMock`]),
//! never a silent pass.
//!
//! ```
//! use conductor_simulate::{Case, Library, Mock, simulate};
//! use serde_json::json;
//!
//! let mut library = Library::default();
//! library.add_workflow(json!({"name": "hello", "version": 1, "tasks": [
//!     {"name": "greet", "taskReferenceName": "greet", "type": "SIMPLE",
//!      "inputParameters": {"who": "${workflow.input.name}"}}],
//!     "outputParameters": {"message": "${greet.output.text}"}}));
//! let mut case = Case::new("hello", json!({"name": "Ada"}));
//! case.mocks.insert("greet".into(), vec![Mock::completed(json!({"text": "Hello Ada"}))]);
//! let run = simulate(&library, &case).unwrap();
//! assert_eq!(run.status, "COMPLETED");
//! assert_eq!(run.output, json!({"message": "Hello Ada"}));
//! assert_eq!(run.tasks[0].input, json!({"who": "Ada"}));
//! ```
//!
//! Knows nothing of files, YAML or HTTP.

mod engine;
pub mod jq;
pub mod resolve;
pub mod script;
pub mod values;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

pub use engine::{simulate, simulate_with};
pub use script::Engine;

/// The definitions a simulation can use: workflows (for sub-workflows) and task definitions
/// (for retries, optional input templates).
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// Workflows by (name, version), as compiled (Conductor JSON).
    pub workflows: BTreeMap<(String, i64), Value>,
    /// Task definitions by name.
    pub task_defs: BTreeMap<String, Value>,
}

impl Library {
    /// Adds a workflow (its `name` and `version`, 1 when absent).
    pub fn add_workflow(&mut self, def: Value) {
        let name = def
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let version = def.get("version").and_then(Value::as_i64).unwrap_or(1);
        self.workflows.insert((name, version), def);
    }

    /// Adds a task definition.
    pub fn add_task_def(&mut self, def: Value) {
        let name = def
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.task_defs.insert(name, def);
    }

    /// A workflow by name and version; the highest version when none is given.
    pub fn workflow(&self, name: &str, version: Option<i64>) -> Option<&Value> {
        match version {
            Some(version) => self.workflows.get(&(name.to_owned(), version)),
            None => self
                .workflows
                .range((name.to_owned(), i64::MIN)..=(name.to_owned(), i64::MAX))
                .next_back()
                .map(|(_, def)| def),
        }
    }
}

/// How a mocked task ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MockStatus {
    /// It completes with the mock's output.
    Completed,
    /// It fails; retried while the task definition allows.
    Failed,
    /// It fails and is never retried.
    FailedWithTerminalError,
}

/// One outcome of a mocked task.
#[derive(Debug, Clone, PartialEq)]
pub struct Mock {
    /// How it ends.
    pub status: MockStatus,
    /// Its output.
    pub output: Value,
    /// The reason it gives when it fails.
    pub reason: Option<String>,
}

impl Mock {
    /// A completion with `output`.
    pub fn completed(output: Value) -> Mock {
        Mock {
            status: MockStatus::Completed,
            output,
            reason: None,
        }
    }
}

/// One run to simulate.
#[derive(Debug, Clone)]
pub struct Case {
    /// The workflow's name.
    pub workflow: String,
    /// Its version; the highest in the library when absent.
    pub version: Option<i64>,
    /// The workflow's input.
    pub input: Value,
    /// Outcomes by task reference, each used once, in order (a retry or a loop iteration takes
    /// the next). A SUB_WORKFLOW task with a mock is not run.
    pub mocks: BTreeMap<String, Vec<Mock>>,
    /// Whether a SUB_WORKFLOW without a mock runs the library's definition (else it is an
    /// error to have no mock for it).
    pub run_sub_workflows: bool,
}

impl Case {
    /// A case of the highest version of `workflow`, without mocks.
    pub fn new(workflow: &str, input: Value) -> Case {
        Case {
            workflow: workflow.to_owned(),
            version: None,
            input,
            mocks: BTreeMap::new(),
            run_sub_workflows: true,
        }
    }
}

/// One task as it ran: what the server would list in the execution's `tasks`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRun {
    /// The reference as the server names it: `ref__N` inside loops.
    pub reference: String,
    /// The task type as the server lists it: a worker task's task definition name, else the
    /// system type (`SWITCH`, `INLINE`, ...).
    pub task_type: String,
    /// `COMPLETED`, `FAILED`, `COMPLETED_WITH_ERRORS`, `FAILED_WITH_TERMINAL_ERROR`, ...
    pub status: String,
    /// The resolved input.
    pub input: Value,
    /// The output.
    pub output: Value,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How many times it had been retried before this attempt.
    pub retry_count: u32,
}

/// What one workflow's runs reached, for coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reached {
    /// Task references that ran.
    pub tasks: BTreeSet<String>,
    /// SWITCH/DECISION reference → cases taken (`default` for the default case).
    pub switch_cases: BTreeMap<String, BTreeSet<String>>,
    /// FORK_JOIN reference → branches entered (by index).
    pub fork_branches: BTreeMap<String, BTreeSet<usize>>,
    /// DO_WHILE reference → the most iterations seen in one run.
    pub loop_iterations: BTreeMap<String, u32>,
}

impl Reached {
    /// Adds what `other` reached.
    pub fn merge(&mut self, other: &Reached) {
        self.tasks.extend(other.tasks.iter().cloned());
        for (key, cases) in &other.switch_cases {
            self.switch_cases
                .entry(key.clone())
                .or_default()
                .extend(cases.iter().cloned());
        }
        for (key, branches) in &other.fork_branches {
            self.fork_branches
                .entry(key.clone())
                .or_default()
                .extend(branches.iter().copied());
        }
        for (key, iterations) in &other.loop_iterations {
            let entry = self.loop_iterations.entry(key.clone()).or_default();
            *entry = (*entry).max(*iterations);
        }
    }
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    /// `COMPLETED`, `FAILED` or `TERMINATED`.
    pub status: String,
    /// The workflow's output.
    pub output: Value,
    /// Why it did not complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_for_incompletion: Option<String>,
    /// The workflow's variables at the end.
    pub variables: Map<String, Value>,
    /// Every task, in the order the server schedules them.
    pub tasks: Vec<TaskRun>,
    /// What ran, per workflow `name` (sub-workflows included), for coverage.
    #[serde(skip)]
    pub reached: BTreeMap<String, Reached>,
}

/// Why a case could not be simulated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The workflow is not in the library.
    #[error("no workflow `{name}`{} in the project", version.map(|v| format!(" version {v}")).unwrap_or_default())]
    UnknownWorkflow {
        /// Its name.
        name: String,
        /// Its version, when one was asked for.
        version: Option<i64>,
    },
    /// A task that needs a worker or the outside world has no mock.
    #[error("task `{reference}` ({task_type}) has no mock: give it an outcome under `mocks`")]
    MissingMock {
        /// The task reference.
        reference: String,
        /// Its type.
        task_type: String,
    },
    /// A task ran more often than it has outcomes.
    #[error(
        "task `{reference}` ran more often than its {given} outcome(s) under `mocks`: give one per attempt and loop iteration"
    )]
    MocksUsedUp {
        /// The task reference.
        reference: String,
        /// How many outcomes it has.
        given: usize,
    },
    /// Something the simulator does not follow.
    #[error("not simulated: {what}")]
    NotSimulated {
        /// What.
        what: String,
    },
    /// A script failed in a way that is a problem of the definition, not a task failure.
    #[error("JavaScript: {message}")]
    Script {
        /// The engine's message.
        message: String,
    },
    /// A jq program failed.
    #[error("jq: {message}")]
    Jq {
        /// jaq's message.
        message: String,
    },
    /// A loop ran past the limit.
    #[error("the DO_WHILE `{reference}` ran {limit} iterations without ending")]
    EndlessLoop {
        /// The loop's reference.
        reference: String,
        /// The limit.
        limit: u32,
    },
}
