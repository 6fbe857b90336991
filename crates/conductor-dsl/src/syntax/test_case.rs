//! Workflow test files: `*.test.yaml` beside the workflows, one case per YAML document, run by
//! `conductor-apply test` offline (in a simulator) and, later, on a server.
//!
//! ```yaml
//! test: a premium customer is charged with the discount
//! workflow: orders_flow
//! input: {customer: {tier: premium}, amount: 100}
//! mocks:
//!   charge: {output: {charged: 90}}
//!   notify:                       # a list: one outcome per attempt or loop iteration
//!     - {status: FAILED, reason: mail server down}
//!     - {output: {sent: true}}
//! expect:
//!   status: COMPLETED
//!   output: {charged: 90}         # a subset of the workflow's output
//!   tasks: [route, charge, notify, notify]
//!   switch: {route: premium}
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One test case: a workflow, its input, the outcomes of the tasks that need a worker or the
/// outside world, and what to expect.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "conductor-apply workflow test")]
pub struct TestCase {
    /// What the case shows, in a sentence: its name in reports.
    pub test: String,
    /// The workflow's name, as defined in the project.
    pub workflow: String,
    /// The workflow's version. Default: the highest version in the project.
    #[serde(default)]
    pub version: Option<i64>,
    /// The workflow's input.
    #[serde(default)]
    pub input: Map<String, Value>,
    /// The outcome of each task that a worker or the outside world completes (SIMPLE, HTTP,
    /// WAIT, HUMAN, EVENT, KAFKA_PUBLISH, ...), by task reference: one outcome for every run
    /// of the task, or a list of outcomes taken in turn by retries and loop iterations, one
    /// each (a task that runs more often than its list is long fails the case, as on the
    /// server). A SUB_WORKFLOW with an outcome here is not run.
    #[serde(default)]
    pub mocks: BTreeMap<String, MockOutcomes>,
    /// Whether a SUB_WORKFLOW without a mock runs the project's definition of the sub-workflow.
    /// Default: true.
    #[serde(default)]
    pub run_sub_workflows: Option<bool>,
    /// What the run must show.
    pub expect: Expectations,
}

/// One outcome for every run, or a list of them, one per run.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum MockOutcomes {
    /// Outcomes in turn.
    Many(Vec<MockOutcome>),
    /// The same outcome every time.
    One(MockOutcome),
}

impl MockOutcomes {
    /// The outcomes as a list.
    pub fn as_slice(&self) -> &[MockOutcome] {
        match self {
            MockOutcomes::Many(outcomes) => outcomes,
            MockOutcomes::One(outcome) => std::slice::from_ref(outcome),
        }
    }
}

/// How a mocked task ends.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MockOutcome {
    /// Default: `COMPLETED`.
    #[serde(default)]
    pub status: Option<MockStatus>,
    /// The task's output.
    #[serde(default)]
    pub output: Option<Map<String, Value>>,
    /// Why it failed (its `reasonForIncompletion`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The statuses a mocked task can end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MockStatus {
    /// Completes with the output.
    Completed,
    /// Fails; retried as its task definition says.
    Failed,
    /// Fails and is never retried.
    FailedWithTerminalError,
}

/// The statuses a workflow ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkflowStatus {
    /// Every task done (or a TERMINATE with status COMPLETED).
    Completed,
    /// A task failed for good, or a TERMINATE with status FAILED.
    Failed,
    /// A TERMINATE with status TERMINATED.
    Terminated,
}

impl WorkflowStatus {
    /// As the server writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::Completed => "COMPLETED",
            WorkflowStatus::Failed => "FAILED",
            WorkflowStatus::Terminated => "TERMINATED",
        }
    }
}

/// What the run must show. Every key is optional; each one given is checked.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expectations {
    /// The workflow's status.
    #[serde(default)]
    pub status: Option<WorkflowStatus>,
    /// Keys and values the workflow's output must have (others may be there too; nested
    /// objects are compared the same way, lists exactly).
    #[serde(default)]
    pub output: Option<Map<String, Value>>,
    /// The workflow's output, exactly.
    #[serde(default)]
    pub output_exactly: Option<Value>,
    /// Text the reason for incompletion must contain.
    #[serde(default)]
    pub reason: Option<String>,
    /// Variables the workflow must end with (a subset, as `output`).
    #[serde(default)]
    pub variables: Option<Map<String, Value>>,
    /// The task references that ran, in order, as the server names them (`ref__2` for the
    /// second iteration of a loop's task; a retried task once per attempt).
    #[serde(default)]
    pub tasks: Option<Vec<String>>,
    /// The task references that ran, in any order (forks), each as often as given.
    #[serde(default)]
    pub tasks_in_any_order: Option<Vec<String>>,
    /// References that must not have run.
    #[serde(default)]
    pub not_run: Option<Vec<String>>,
    /// The case each SWITCH or DECISION took, by reference (`default` when none matched);
    /// the last time it ran.
    #[serde(default)]
    pub switch: Option<BTreeMap<String, String>>,
    /// The output each task must have had (a subset), by reference as the server names it;
    /// the last run of it.
    #[serde(default)]
    pub task_outputs: Option<BTreeMap<String, Map<String, Value>>>,
}
