//! `conductor-apply test`: workflow test files (`*.test.yaml`) run offline in the simulator.
//!
//! The stages follow the data: the project's definitions are checked and compiled as for
//! `check`; each test file is loaded and validated against `schemas/test.schema.json` (CA1xx,
//! CA2xx); each case's names are resolved against the project (CA001, CA002); each case runs in
//! `conductor-simulate` (CA004 when it cannot); each expectation is compared (CA003, at its
//! line). Reports: the diagnostics on stderr, a line per case on stdout (or a JSON document),
//! JUnit XML with `--junit`, and coverage with `--coverage`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use conductor_diagnostics::{Code, Diagnostic, did_you_mean, suggest};
use conductor_dsl::load::load_file;
use conductor_dsl::locate::{DocumentSpans, Part, span_at};
use conductor_dsl::schema::test_validator;
use conductor_dsl::syntax::test_case::{Expectations, MockOutcomes, MockStatus, TestCase};
use conductor_dsl::validate::validate_against;
use conductor_simulate::{
    Case, Engine, Execution, Library, Mock, Reached, SimError, simulate_with,
};
use conductor_source::{FileId, SourceMap, read_source};
use serde_json::{Map, Value, json};

use super::remote::ServerArgs;
use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Format, Output, eprint_text, print_text};
use crate::project::display_path;
use crate::stages::{StageError, test_files};

/// Arguments of `test`.
#[derive(Debug, Args)]
#[command(
    after_help = "Test files are YAML files named *.test.yaml (or *.test.yml), kept beside the
workflows; each document is one case (schema: schemas/test.schema.json):

  test: a premium customer gets the discount
  workflow: orders_flow            # a workflow of the project (version: the highest by default)
  input: {tier: premium}
  mocks:                           # outcomes of the tasks a worker or the outside world completes
    charge: {output: {charged: 90}}
    notify: [{status: FAILED, reason: down}, {output: {sent: true}}]   # one per attempt
  expect:
    status: COMPLETED
    output: {charged: 90}          # a subset of the workflow's output
    tasks: [route, charge, notify, notify]
    switch: {route: premium}

Cases run offline in a simulator that follows the server: expressions, SWITCH, DECISION,
INLINE and LAMBDA (JavaScript), JSON_JQ_TRANSFORM, DO_WHILE, forks and joins, SET_VARIABLE,
TERMINATE, SUB_WORKFLOW (the project's own, unless mocked), optional tasks and retries. What
it cannot follow fails the case (CA004), never passes it.

Examples:
  conductor-apply test
  conductor-apply test workflows/orders.test.yaml --coverage
  conductor-apply --format json test --junit build/tests.xml"
)]
pub struct TestArgs {
    /// Test files, or directories searched for *.test.yaml. Default: the test files among the
    /// project's files (its `files` globs, or every YAML file under its root).
    pub paths: Vec<PathBuf>,
    /// Show, per workflow, the tasks, SWITCH cases, fork branches and loops the cases reached,
    /// and what no case reached.
    #[arg(long)]
    pub coverage: bool,
    /// Also write the results as JUnit XML to FILE, for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Run the cases on a Conductor server instead (`POST /api/workflow/test`), after
    /// registering the workflows they run and the task definitions the server lacks (nothing
    /// there is replaced): `--server URL` or `--env NAME` chooses it (the tests never run on a
    /// server otherwise).
    #[command(flatten)]
    pub server: ServerArgs,
}

/// How many runs a single outcome (not a list) stands for: more than any loop the simulator
/// follows.
const REPEATED_OUTCOMES: usize = 1000;

/// How one case ended.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Passed,
    /// The expectations that failed, as one-line messages.
    Failed(Vec<String>),
    /// The case could not run (its diagnostic says why).
    Error(String),
}

struct CaseResult {
    file: String,
    name: String,
    workflow: String,
    verdict: Verdict,
    seconds: f64,
    execution: Option<Execution>,
}

/// Runs `test`.
pub fn run(args: &TestArgs, output: Output) -> Result<Exit, CliError> {
    let (project, checked) = super::load_definitions(&[], |_| Ok(super::CheckTarget::default()))?;
    if checked.has_errors() {
        output.side_report(
            &checked.diagnostics,
            &checked.sources,
            checked.files_checked,
        );
        eprint_text("no test was run: fix the errors in the definitions above first\n");
        return Ok(Exit::InputErrors);
    }
    let library = library_of(&checked.compiled);
    let roots = if args.paths.is_empty() {
        vec![project.root.clone()]
    } else {
        args.paths.clone()
    };
    let files = test_files(&args.paths, &project)?;
    if files.is_empty() {
        eprint_text(&format!(
            "error: no test files (*.test.yaml) under {}\n",
            roots
                .iter()
                .map(|root| root.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return Ok(Exit::InputErrors);
    }
    let engine = Engine::new().map_err(|error| CliError::Simulator {
        message: error.to_string(),
    })?;
    let server = if args.server.server.is_some() || args.server.environment.is_some() {
        let connected = super::remote::connect(&args.server, Some(&project))?;
        Some(connected.client)
    } else {
        None
    };
    let mut registered = BTreeSet::new();
    if let Some(client) = &server {
        // Only what the server lacks is registered: a test never replaces a definition there
        // (a managed one keeps its stamp; one that differs is tested as the server has it).
        let present: BTreeSet<String> = client
            .list_task_defs()?
            .iter()
            .filter_map(|def| def.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for def in client.list_workflow_defs()? {
            let name = def.get("name").and_then(Value::as_str).unwrap_or_default();
            let version = def.get("version").and_then(Value::as_i64).unwrap_or(1);
            registered.insert((name.to_owned(), version));
        }
        let missing: Vec<Value> = library
            .task_defs
            .iter()
            .filter(|(name, _)| !present.contains(*name))
            .map(|(_, def)| def.clone())
            .collect();
        for batch in missing.chunks(100) {
            client.upsert_task_defs(batch)?;
        }
    }
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut results = Vec::new();
    let mut reached: BTreeMap<String, Reached> = BTreeMap::new();
    for path in &files {
        for (file, spans, case) in load_cases(path, &mut sources, &mut diagnostics)? {
            let runner = match &server {
                Some(client) => Runner::Server {
                    client,
                    registered: &mut registered,
                },
                None => Runner::Offline(&engine),
            };
            let result = run_case(
                runner,
                &library,
                &case,
                file,
                &spans,
                &sources,
                &mut diagnostics,
            );
            if let Some(execution) = &result.execution {
                for (workflow, what) in &execution.reached {
                    reached.entry(workflow.clone()).or_default().merge(what);
                }
            }
            results.push(result);
        }
    }
    conductor_diagnostics::sort_diagnostics(&mut diagnostics);
    output.side_report(&diagnostics, &sources, files.len());
    let coverage = coverage(&library, &reached);
    if output.format == Format::Json {
        print_text(&json_report(&results, args.coverage.then_some(&coverage)));
    } else {
        print_text(&human_report(&results, args.coverage.then_some(&coverage)));
    }
    if let Some(path) = &args.junit {
        crate::write::write_if_changed(path, &junit(&results))?;
    }
    let failed = results
        .iter()
        .any(|result| result.verdict != Verdict::Passed);
    Ok(
        if failed || results.is_empty() || conductor_diagnostics::has_errors(&diagnostics) {
            Exit::InputErrors
        } else {
            Exit::Success
        },
    )
}

/// Where a case runs.
enum Runner<'a> {
    Offline(&'a Engine),
    Server {
        client: &'a conductor_client::Client,
        /// Workflows registered on the server so far, by (name, version).
        registered: &'a mut BTreeSet<(String, i64)>,
    },
}

fn run_case(
    runner: Runner<'_>,
    library: &Library,
    case: &TestCase,
    file: FileId,
    spans: &DocumentSpans,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> CaseResult {
    let started = Instant::now();
    let at = |segments: &[&str], part: Part| span_at(spans, segments, part);
    let mut result = CaseResult {
        file: sources.get(file).name().to_owned(),
        name: case.test.clone(),
        workflow: case.workflow.clone(),
        verdict: Verdict::Passed,
        seconds: 0.0,
        execution: None,
    };
    let Some(def) = resolve_case(library, case, file, spans, diagnostics) else {
        result.verdict = Verdict::Error("unknown workflow or task reference".to_owned());
        return result;
    };
    let mut simulated = Case::new(&case.workflow, Value::Object(case.input.clone()));
    simulated.version = case.version;
    simulated.run_sub_workflows = case.run_sub_workflows.unwrap_or(true);
    for (reference, outcomes) in &case.mocks {
        // One outcome (not a list) is the outcome of every run of the task.
        let repeat = match outcomes {
            MockOutcomes::One(_) => REPEATED_OUTCOMES,
            MockOutcomes::Many(_) => 1,
        };
        let mocks = outcomes
            .as_slice()
            .iter()
            .flat_map(|outcome| std::iter::repeat_n(outcome, repeat))
            .map(|outcome| Mock {
                status: match outcome.status.unwrap_or(MockStatus::Completed) {
                    MockStatus::Completed => conductor_simulate::MockStatus::Completed,
                    MockStatus::Failed => conductor_simulate::MockStatus::Failed,
                    MockStatus::FailedWithTerminalError => {
                        conductor_simulate::MockStatus::FailedWithTerminalError
                    }
                },
                output: Value::Object(outcome.output.clone().unwrap_or_default()),
                reason: outcome.reason.clone(),
            })
            .collect();
        simulated.mocks.insert(reference.clone(), mocks);
    }
    let on_server = matches!(runner, Runner::Server { .. });
    let outcome = match runner {
        Runner::Offline(engine) => simulate_with(engine, library, &simulated),
        Runner::Server { client, registered } => {
            run_on_server(client, registered, library, def, &simulated)
        }
    };
    let execution = match outcome {
        Ok(execution) => execution,
        Err(error) => {
            let segments: Vec<&str> = match &error {
                SimError::MissingMock { .. } => vec!["mocks"],
                SimError::MocksUsedUp { reference, .. } => vec!["mocks", reference.as_str()],
                _ => vec!["test"],
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::TestNotRunnable,
                    format!("case `{}`: {error}", case.test),
                )
                .with_primary(file, at(&segments, Part::Key), "this case cannot run")
                .with_help(match error {
                    SimError::MissingMock { .. } => {
                        "give the task an outcome under `mocks`: `{output: {...}}`, or \
                             `{status: FAILED, reason: ...}`"
                    }
                    _ => "test this part of the workflow on a server",
                }),
            );
            result.verdict = Verdict::Error(error.to_string());
            result.seconds = started.elapsed().as_secs_f64();
            return result;
        }
    };
    // The server's test endpoint takes no reason for a mocked failure: an expected reason
    // that comes from a mock can only be checked offline.
    let mut expect = case.expect.clone();
    let mocked_reason = case.mocks.values().any(|outcomes| {
        outcomes
            .as_slice()
            .iter()
            .any(|outcome| outcome.reason.is_some())
    });
    if on_server && mocked_reason && expect.reason.take().is_some() {
        eprint_text(&format!(
            "note: case `{}`: `expect.reason` is not checked on a server: its test endpoint takes \
             no reason for a mocked failure\n",
            case.test
        ));
    }
    let failures = compare(&expect, &execution, |reference, value| {
        find_task(library, def, reference, 0).is_some_and(|task| {
            task.get("decisionCases")
                .is_some_and(|cases| cases.get(value).is_some())
        })
    });
    for failure in &failures {
        let mut segments = vec!["expect", failure.key];
        if let Some(sub) = &failure.sub_key {
            segments.push(sub);
        }
        let mut diagnostic = Diagnostic::new(
            Code::TestExpectationFailed,
            format!("case `{}`: {}", case.test, failure.message),
        )
        .with_primary(file, at(&segments, Part::Value), "expected here");
        if let Some(reason) = &execution.reason_for_incompletion
            && failure.key != "reason"
        {
            diagnostic = diagnostic.with_note(format!("the workflow's reason: {reason}"));
        }
        diagnostics.push(diagnostic);
    }
    result.verdict = if failures.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Failed(failures.into_iter().map(|f| f.message).collect())
    };
    result.seconds = started.elapsed().as_secs_f64();
    result.execution = Some(execution);
    result
}

/// The test cases of one file: each YAML document valid against the test schema, with its
/// spans; the problems go to `diagnostics` (CA1xx, CA2xx).
fn load_cases(
    path: &std::path::Path,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(FileId, DocumentSpans, TestCase)>, CliError> {
    let source = read_source(path, display_path(path)).map_err(StageError::from)?;
    let file = sources.add(source);
    let (documents, problems) = load_file(file, sources.get(file));
    diagnostics.extend(problems);
    let (schema, validator) = test_validator();
    let mut cases = Vec::new();
    for document in documents {
        let problems = validate_against(&document, schema, validator);
        if !problems.is_empty() {
            diagnostics.extend(problems);
            continue;
        }
        let spans = DocumentSpans::new(document.yaml.root.clone(), document.yaml.span.clone());
        if let Ok(case) = serde_json::from_value::<TestCase>(document.yaml.value.clone()) {
            cases.push((file, spans, case));
        }
    }
    Ok(cases)
}

/// The project's compiled definitions as the simulator's library.
pub fn library_of(compiled: &conductor_dsl::lower::Compiled) -> Library {
    let mut library = Library::default();
    for workflow in &compiled.workflows {
        library.add_workflow(serde_json::to_value(&workflow.def).unwrap_or_default());
    }
    for task_def in &compiled.task_defs {
        library.add_task_def(serde_json::to_value(&task_def.def).unwrap_or_default());
    }
    library
}

/// Checks the test files `paths` without running them, for `check`: the schema, and that
/// each case's workflow (CA001) and task references (CA002) exist in `library` (not checked
/// without one: when the definitions have errors, a workflow may be missing only because of
/// them). Returns how many cases were read.
pub fn validate_test_files(
    paths: &[PathBuf],
    library: Option<&Library>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<usize, CliError> {
    let mut count = 0;
    for path in paths {
        for (file, spans, case) in load_cases(path, sources, diagnostics)? {
            if let Some(library) = library {
                resolve_case(library, &case, file, &spans, diagnostics);
            }
            count += 1;
        }
    }
    Ok(count)
}

/// The workflow a case runs, once its name, version and every task reference it names are
/// found in the project (else CA001 or CA002 at the name, and `None`).
fn resolve_case<'l>(
    library: &'l Library,
    case: &TestCase,
    file: FileId,
    spans: &DocumentSpans,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'l Value> {
    let at = |segments: &[&str], part: Part| span_at(spans, segments, part);
    let Some(def) = library.workflow(&case.workflow, case.version) else {
        let names: Vec<&str> = library
            .workflows
            .keys()
            .map(|(name, _)| name.as_str())
            .collect();
        let known = library.workflow(&case.workflow, None).is_some();
        let (message, segment) = if known {
            (
                format!(
                    "the project has no version {} of workflow `{}`",
                    case.version.unwrap_or_default(),
                    case.workflow
                ),
                "version",
            )
        } else {
            (
                format!("the project has no workflow `{}`", case.workflow),
                "workflow",
            )
        };
        let mut diagnostic = Diagnostic::new(Code::UnknownTestWorkflow, message).with_primary(
            file,
            at(&[segment], Part::Value),
            "not defined in the project",
        );
        if let Some(suggestion) = suggest(&case.workflow, names.iter().copied()) {
            diagnostic = diagnostic.with_help(did_you_mean(&suggestion));
        }
        diagnostics.push(diagnostic);
        return None;
    };
    // Every reference the run can reach: the workflow's and its sub-workflows'.
    let mut references = BTreeSet::new();
    collect_references(library, def, &mut references, 0);
    // A dynamic fork names its tasks at run time: any reference may be one of them.
    let dynamic = references.contains(DYNAMIC_FORK_MARK);
    let mut unknown = false;
    let mut check_reference = |reference: &str, segments: &[&str]| {
        let base = reference.split("__").next().unwrap_or(reference);
        if dynamic || references.contains(base) {
            return;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownTestReference,
            format!("workflow `{}` has no task `{reference}`", case.workflow),
        )
        .with_primary(file, at(segments, Part::Key), "no such task reference");
        if let Some(suggestion) = suggest(base, references.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_help(did_you_mean(&suggestion));
        }
        diagnostics.push(diagnostic);
        unknown = true;
    };
    for reference in case.mocks.keys() {
        check_reference(reference, &["mocks", reference]);
    }
    for reference in case.expect.switch.iter().flat_map(BTreeMap::keys) {
        check_reference(reference, &["expect", "switch", reference]);
    }
    for reference in case.expect.task_outputs.iter().flat_map(BTreeMap::keys) {
        check_reference(reference, &["expect", "taskOutputs", reference]);
    }
    (!unknown).then_some(def)
}

/// Added to the references of a workflow with a FORK_JOIN_DYNAMIC (not a valid reference).
const DYNAMIC_FORK_MARK: &str = " dynamic fork";

/// Every task of a task list at any depth (SWITCH cases and default, loop bodies, fork
/// branches), with whether it runs inside a DO_WHILE. Sub-workflows are not entered.
fn each_task<'v>(tasks: &'v [Value], looped: bool, visit: &mut dyn FnMut(&'v Value, bool)) {
    let list = |task: &'v Value, key: &str| -> &'v [Value] {
        task.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    for task in tasks {
        visit(task, looped);
        each_task(list(task, "defaultCase"), looped, visit);
        each_task(list(task, "loopOver"), true, visit);
        if let Some(Value::Object(cases)) = task.get("decisionCases") {
            for case in cases.values().filter_map(Value::as_array) {
                each_task(case, looped, visit);
            }
        }
        if let Some(Value::Array(branches)) = task.get("forkTasks") {
            for branch in branches.iter().filter_map(Value::as_array) {
                each_task(branch, looped, visit);
            }
        }
    }
}

/// A workflow's top-level task list.
fn tasks_of(def: &Value) -> &[Value] {
    def.get("tasks")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// References of a workflow at any depth, and of the sub-workflows it runs.
fn collect_references(library: &Library, def: &Value, out: &mut BTreeSet<String>, depth: u32) {
    let mut children = Vec::new();
    each_task(tasks_of(def), false, &mut |task, _| {
        if let Some(reference) = task.get("taskReferenceName").and_then(Value::as_str) {
            out.insert(reference.to_owned());
        }
        if task.get("type").and_then(Value::as_str) == Some("FORK_JOIN_DYNAMIC") {
            out.insert(DYNAMIC_FORK_MARK.to_owned());
        }
        children.extend(sub_workflow_of(library, task));
    });
    if depth < 8 {
        for child in &children {
            collect_references(library, child, out, depth + 1);
        }
    }
}

struct Failure {
    key: &'static str,
    sub_key: Option<String>,
    message: String,
}

fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}

/// Each expectation the execution does not meet.
fn compare(
    expect: &Expectations,
    run: &Execution,
    has_case: impl Fn(&str, &str) -> bool,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    let mut fail = |key: &'static str, sub_key: Option<String>, message: String| {
        failures.push(Failure {
            key,
            sub_key,
            message,
        });
    };
    if let Some(status) = expect.status
        && status.as_str() != run.status
    {
        fail(
            "status",
            None,
            format!("expected status {}, got {}", status.as_str(), run.status),
        );
    }
    if let Some(output) = &expect.output
        && let Some((path, expected, actual)) =
            subset_mismatch(&Value::Object(output.clone()), &run.output, String::new())
    {
        fail(
            "output",
            None,
            format!(
                "the output differs at `{path}`: expected {}, got {}",
                show(&expected),
                show(&actual)
            ),
        );
    }
    if let Some(exactly) = &expect.output_exactly
        && !same(exactly, &run.output)
    {
        fail(
            "outputExactly",
            None,
            format!(
                "expected the output {}, got {}",
                show(exactly),
                show(&run.output)
            ),
        );
    }
    if let Some(reason) = &expect.reason {
        let actual = run.reason_for_incompletion.as_deref().unwrap_or_default();
        if !actual.contains(reason.as_str()) {
            fail(
                "reason",
                None,
                format!("expected a reason containing {reason:?}, got {actual:?}"),
            );
        }
    }
    if let Some(variables) = &expect.variables
        && let Some((path, expected, actual)) = subset_mismatch(
            &Value::Object(variables.clone()),
            &Value::Object(run.variables.clone()),
            String::new(),
        )
    {
        fail(
            "variables",
            None,
            format!(
                "the variables differ at `{path}`: expected {}, got {}",
                show(&expected),
                show(&actual)
            ),
        );
    }
    let ran: Vec<&str> = run
        .tasks
        .iter()
        .map(|task| task.reference.as_str())
        .collect();
    if let Some(tasks) = &expect.tasks
        && tasks.iter().map(String::as_str).ne(ran.iter().copied())
    {
        fail(
            "tasks",
            None,
            format!(
                "expected the tasks [{}], ran [{}]",
                tasks.join(", "),
                ran.join(", ")
            ),
        );
    }
    if let Some(tasks) = &expect.tasks_in_any_order {
        let mut expected: Vec<&str> = tasks.iter().map(String::as_str).collect();
        let mut actual = ran.clone();
        expected.sort_unstable();
        actual.sort_unstable();
        if expected != actual {
            fail(
                "tasksInAnyOrder",
                None,
                format!(
                    "expected the tasks {{{}}} in any order, ran [{}]",
                    tasks.join(", "),
                    ran.join(", ")
                ),
            );
        }
    }
    for reference in expect.not_run.iter().flatten() {
        if ran
            .iter()
            .any(|ran| ran.split("__").next() == Some(reference.as_str()))
        {
            fail(
                "notRun",
                None,
                format!("`{reference}` ran, and was expected not to"),
            );
        }
    }
    for (reference, case) in expect.switch.iter().flatten() {
        let taken = run
            .tasks
            .iter()
            .rev()
            .find(|task| task.reference.split("__").next() == Some(reference.as_str()))
            .and_then(|task| {
                task.output
                    .get("evaluationResult")
                    .or_else(|| task.output.get("caseOutput"))
            })
            .and_then(|result| result.get(0))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let taken_case = match &taken {
            Some(value) if has_case(reference, value) => value.clone(),
            Some(_) => "default".to_owned(),
            None => "(did not run)".to_owned(),
        };
        if &taken_case != case {
            fail(
                "switch",
                Some(reference.clone()),
                format!("expected `{reference}` to take case `{case}`, it took `{taken_case}`"),
            );
        }
    }
    for (reference, output) in expect.task_outputs.iter().flatten() {
        let actual = run
            .tasks
            .iter()
            .rev()
            .find(|task| &task.reference == reference)
            .map(|task| task.output.clone());
        match actual {
            None => fail(
                "taskOutputs",
                Some(reference.clone()),
                format!("`{reference}` did not run"),
            ),
            Some(actual) => {
                if let Some((path, expected, got)) =
                    subset_mismatch(&Value::Object(output.clone()), &actual, String::new())
                {
                    fail(
                        "taskOutputs",
                        Some(reference.clone()),
                        format!(
                            "the output of `{reference}` differs at `{path}`: expected {}, got {}",
                            show(&expected),
                            show(&got)
                        ),
                    );
                }
            }
        }
    }
    failures
}

/// The task of `reference` in a workflow, at any depth, sub-workflows included.
fn find_task(library: &Library, def: &Value, reference: &str, depth: u32) -> Option<Value> {
    let mut found = None;
    let mut children = Vec::new();
    each_task(tasks_of(def), false, &mut |task, _| {
        if found.is_none()
            && task.get("taskReferenceName").and_then(Value::as_str) == Some(reference)
        {
            found = Some(task.clone());
        }
        children.extend(sub_workflow_of(library, task));
    });
    if found.is_some() || depth >= 8 {
        return found;
    }
    children
        .iter()
        .find_map(|child| find_task(library, child, reference, depth + 1))
}

/// The definition a SUB_WORKFLOW task runs: inline, or the project's by name and version.
fn sub_workflow_of(library: &Library, task: &Value) -> Option<Value> {
    let parameters = task.get("subWorkflowParam")?;
    match parameters.get("workflowDefinition") {
        Some(inline) if inline.is_object() => Some(inline.clone()),
        _ => library
            .workflow(
                parameters.get("name").and_then(Value::as_str)?,
                parameters.get("version").and_then(Value::as_i64),
            )
            .cloned(),
    }
}

/// Runs a case on the server's test endpoint: registers the workflow and its sub-workflows
/// (once per run), sends the mocks (those of a sub-workflow's tasks in its own
/// `subWorkflowTestRequest`), and reads the execution back in the simulator's terms.
fn run_on_server(
    client: &conductor_client::Client,
    registered: &mut BTreeSet<(String, i64)>,
    library: &Library,
    def: &Value,
    case: &Case,
) -> Result<Execution, SimError> {
    let server_error = |error: conductor_client::ClientError| SimError::NotSimulated {
        what: format!("the server: {error}"),
    };
    // The server's test endpoint treats a SUB_WORKFLOW as an operator: it runs the
    // sub-workflow and drops the mock (WorkflowTestService, 3.15 to 3.32), so such a case can
    // only run offline.
    if let Some(reference) = case.mocks.keys().find(|reference| {
        find_task(library, def, reference, 0)
            .is_some_and(|task| task.get("type").and_then(Value::as_str) == Some("SUB_WORKFLOW"))
    }) {
        return Err(SimError::NotSimulated {
            what: format!(
                "on a server: `{reference}` is a mocked SUB_WORKFLOW, and the server's test \
                 endpoint runs every sub-workflow, ignoring its mock"
            ),
        });
    }
    let mut to_register = Vec::new();
    collect_workflows(library, def, &mut to_register, 0);
    let fresh: Vec<Value> = to_register
        .into_iter()
        .filter(|workflow| {
            let name = workflow
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let version = workflow.get("version").and_then(Value::as_i64).unwrap_or(1);
            registered.insert((name.to_owned(), version))
        })
        .collect();
    if !fresh.is_empty() {
        client.update_workflow_defs(&fresh).map_err(server_error)?;
    }
    let request = test_request(library, def, case, &case.input, 0);
    let answer = client.test_workflow(&request).map_err(server_error)?;
    Ok(execution_from_server(&answer))
}

/// The workflow and every sub-workflow it runs by name (inline ones travel inside it).
fn collect_workflows(library: &Library, def: &Value, out: &mut Vec<Value>, depth: u32) {
    out.push(def.clone());
    let mut children = Vec::new();
    each_task(tasks_of(def), false, &mut |task, _| {
        let by_name = task.get("subWorkflowParam").is_some_and(|parameters| {
            !parameters
                .get("workflowDefinition")
                .is_some_and(Value::is_object)
        });
        if by_name {
            children.extend(sub_workflow_of(library, task));
        }
    });
    if depth < 8 {
        for child in &children {
            collect_workflows(library, child, out, depth + 1);
        }
    }
}

/// A `WorkflowTestRequest` for `def`: the mocks of its own tasks, and a request of its own for
/// each sub-workflow that runs (not mocked).
fn test_request(library: &Library, def: &Value, case: &Case, input: &Value, depth: u32) -> Value {
    let mut own = BTreeSet::new();
    // References inside a DO_WHILE: the server names each iteration's task `ref__N`, and
    // matches mocks by that name.
    let mut in_loop = BTreeSet::new();
    let mut subs = Vec::new();
    each_task(tasks_of(def), false, &mut |task, looped| {
        if let Some(reference) = task.get("taskReferenceName").and_then(Value::as_str) {
            own.insert(reference.to_owned());
            if looped {
                in_loop.insert(reference.to_owned());
            }
            if task.get("subWorkflowParam").is_some() && !case.mocks.contains_key(reference) {
                subs.push((reference.to_owned(), task.clone()));
            }
        }
    });
    // The references of the sub-workflows too: their mocks travel in their own requests.
    let mut everywhere = BTreeSet::new();
    collect_references(library, def, &mut everywhere, depth);
    let dynamic = everywhere.contains(DYNAMIC_FORK_MARK);
    let mut mocks = Map::new();
    for (reference, outcomes) in &case.mocks {
        // The mocks of the top workflow: its own tasks, and any other reference (a dynamic
        // fork's tasks are named at run time).
        if own.contains(reference) || (depth == 0 && (dynamic || !everywhere.contains(reference))) {
            let list: Vec<Value> = outcomes
                .iter()
                .take(50)
                .map(|mock| {
                    json!({
                        "status": match mock.status {
                            conductor_simulate::MockStatus::Completed => "COMPLETED",
                            conductor_simulate::MockStatus::Failed => "FAILED",
                            conductor_simulate::MockStatus::FailedWithTerminalError => "FAILED_WITH_TERMINAL_ERROR",
                        },
                        "output": mock.output,
                    })
                })
                .collect();
            if in_loop.contains(reference) {
                // One outcome per iteration, under each iteration's name.
                for (iteration, outcome) in list.into_iter().enumerate() {
                    mocks.insert(
                        format!("{reference}__{}", iteration + 1),
                        Value::Array(vec![outcome]),
                    );
                }
            } else {
                mocks.insert(reference.clone(), Value::Array(list));
            }
        }
    }
    let mut sub_requests = Map::new();
    for (reference, task) in subs {
        if depth < 8
            && let Some(child) = sub_workflow_of(library, &task)
        {
            sub_requests.insert(
                reference,
                test_request(library, &child, case, &Value::Object(Map::new()), depth + 1),
            );
        }
    }
    json!({
        "name": def.get("name"),
        "version": def.get("version").and_then(Value::as_i64).unwrap_or(1),
        "input": input,
        "taskRefToMockOutput": mocks,
        "subWorkflowTestRequest": sub_requests,
    })
}

/// The server's execution in the simulator's terms.
fn execution_from_server(workflow: &Value) -> Execution {
    let text = |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    Execution {
        status: text(workflow, "status").unwrap_or_default(),
        output: workflow.get("output").cloned().unwrap_or_else(|| json!({})),
        reason_for_incompletion: text(workflow, "reasonForIncompletion"),
        variables: workflow
            .get("variables")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        tasks: workflow
            .get("tasks")
            .and_then(Value::as_array)
            .map(|tasks| {
                tasks
                    .iter()
                    .map(|task| conductor_simulate::TaskRun {
                        reference: text(task, "referenceTaskName").unwrap_or_default(),
                        task_type: text(task, "taskType").unwrap_or_default(),
                        status: text(task, "status").unwrap_or_default(),
                        input: task.get("inputData").cloned().unwrap_or_else(|| json!({})),
                        output: task.get("outputData").cloned().unwrap_or_else(|| json!({})),
                        reason: text(task, "reasonForIncompletion"),
                        retry_count: task.get("retryCount").and_then(Value::as_u64).unwrap_or(0)
                            as u32,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        reached: BTreeMap::new(),
    }
}

/// Equal as JSON values, numbers compared by value (`90` and `90.0`).
fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same(value, other)))
        }
        (a, b) => a == b,
    }
}

/// The first place where `actual` does not have what `expected` has: objects are compared
/// key by key (extra keys allowed), everything else exactly.
fn subset_mismatch(
    expected: &Value,
    actual: &Value,
    path: String,
) -> Option<(String, Value, Value)> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match actual.get(key) {
                    None => return Some((at, value.clone(), Value::Null)),
                    Some(found) => {
                        if let Some(mismatch) = subset_mismatch(value, found, at) {
                            return Some(mismatch);
                        }
                    }
                }
            }
            None
        }
        (expected, actual) if same(expected, actual) => None,
        (expected, actual) => Some((
            if path.is_empty() {
                "(all)".to_owned()
            } else {
                path
            },
            expected.clone(),
            actual.clone(),
        )),
    }
}

/// Coverage of one workflow: what it has, and what the cases reached.
struct Coverage {
    workflow: String,
    tasks: Vec<(String, bool)>,
    switch_cases: Vec<(String, String, bool)>,
    fork_branches: Vec<(String, usize, bool)>,
    loops: Vec<(String, u32)>,
}

fn coverage(library: &Library, reached: &BTreeMap<String, Reached>) -> Vec<Coverage> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for ((name, _), def) in library.workflows.iter().rev() {
        // The highest version of each workflow.
        if !seen.insert(name.clone()) {
            continue;
        }
        let empty = Reached::default();
        let what = reached.get(name).unwrap_or(&empty);
        let mut coverage = Coverage {
            workflow: name.clone(),
            tasks: Vec::new(),
            switch_cases: Vec::new(),
            fork_branches: Vec::new(),
            loops: Vec::new(),
        };
        walk_coverage(
            def.get("tasks")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default(),
            what,
            &mut coverage,
        );
        out.push(coverage);
    }
    out.sort_by(|a, b| a.workflow.cmp(&b.workflow));
    out
}

fn walk_coverage(tasks: &[Value], what: &Reached, coverage: &mut Coverage) {
    for task in tasks {
        let reference = task
            .get("taskReferenceName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        coverage
            .tasks
            .push((reference.clone(), what.tasks.contains(&reference)));
        let taken = what.switch_cases.get(&reference);
        if let Some(Value::Object(cases)) = task.get("decisionCases") {
            for (case, list) in cases {
                coverage.switch_cases.push((
                    reference.clone(),
                    case.clone(),
                    taken.is_some_and(|taken| taken.contains(case)),
                ));
                walk_coverage(
                    list.as_array().map(Vec::as_slice).unwrap_or_default(),
                    what,
                    coverage,
                );
            }
            coverage.switch_cases.push((
                reference.clone(),
                "default".to_owned(),
                taken.is_some_and(|taken| taken.contains("default")),
            ));
            if let Some(Value::Array(list)) = task.get("defaultCase") {
                walk_coverage(list, what, coverage);
            }
        }
        if let Some(Value::Array(branches)) = task.get("forkTasks") {
            let entered = what.fork_branches.get(&reference);
            for (number, branch) in branches.iter().enumerate() {
                coverage.fork_branches.push((
                    reference.clone(),
                    number,
                    entered.is_some_and(|entered| entered.contains(&number)),
                ));
                walk_coverage(
                    branch.as_array().map(Vec::as_slice).unwrap_or_default(),
                    what,
                    coverage,
                );
            }
        }
        if let Some(Value::Array(body)) = task.get("loopOver") {
            coverage.loops.push((
                reference.clone(),
                what.loop_iterations.get(&reference).copied().unwrap_or(0),
            ));
            walk_coverage(body, what, coverage);
        }
    }
}

fn human_report(results: &[CaseResult], coverage: Option<&[Coverage]>) -> String {
    let mut out = String::new();
    for result in results {
        let (mark, detail) = match &result.verdict {
            Verdict::Passed => ("PASS", String::new()),
            Verdict::Failed(failures) => ("FAIL", format!(": {}", failures.join("; "))),
            Verdict::Error(reason) => ("ERROR", format!(": {reason}")),
        };
        out.push_str(&format!(
            "{mark} {} · {} ({}){detail}\n",
            result.file, result.name, result.workflow
        ));
    }
    let passed = results
        .iter()
        .filter(|result| result.verdict == Verdict::Passed)
        .count();
    out.push_str(&format!(
        "\n{passed} passed, {} failed, {} cases in {:.1} ms\n",
        results.len() - passed,
        results.len(),
        results.iter().map(|result| result.seconds).sum::<f64>() * 1000.0
    ));
    if let Some(coverage) = coverage {
        out.push_str("\nCoverage (what the cases reached; `-` marks what none did):\n");
        for workflow in coverage {
            let tasks = workflow.tasks.iter().filter(|(_, hit)| *hit).count();
            let cases = workflow
                .switch_cases
                .iter()
                .filter(|(_, _, hit)| *hit)
                .count();
            let branches = workflow
                .fork_branches
                .iter()
                .filter(|(_, _, hit)| *hit)
                .count();
            out.push_str(&format!(
                "  {}: tasks {tasks}/{}, switch cases {cases}/{}, fork branches {branches}/{}\n",
                workflow.workflow,
                workflow.tasks.len(),
                workflow.switch_cases.len(),
                workflow.fork_branches.len()
            ));
            for (reference, hit) in &workflow.tasks {
                if !hit {
                    out.push_str(&format!("    - task {reference}\n"));
                }
            }
            for (reference, case, hit) in &workflow.switch_cases {
                if !hit {
                    out.push_str(&format!("    - case {reference} → {case}\n"));
                }
            }
            for (reference, number, hit) in &workflow.fork_branches {
                if !hit {
                    out.push_str(&format!("    - branch {reference}[{number}]\n"));
                }
            }
            for (reference, iterations) in &workflow.loops {
                match iterations {
                    0 => out.push_str(&format!("    - loop {reference} never ran\n")),
                    1 => out.push_str(&format!(
                        "    - loop {reference} never went past its first iteration\n"
                    )),
                    _ => {}
                }
            }
        }
    }
    out
}

fn json_report(results: &[CaseResult], coverage: Option<&[Coverage]>) -> String {
    let cases: Vec<Value> = results
        .iter()
        .map(|result| {
            let (verdict, failures) = match &result.verdict {
                Verdict::Passed => ("passed", Vec::new()),
                Verdict::Failed(failures) => ("failed", failures.clone()),
                Verdict::Error(reason) => ("error", vec![reason.clone()]),
            };
            json!({
                "file": result.file,
                "test": result.name,
                "workflow": result.workflow,
                "result": verdict,
                "failures": failures,
                "seconds": result.seconds,
                "execution": result.execution,
            })
        })
        .collect();
    let passed = results
        .iter()
        .filter(|result| result.verdict == Verdict::Passed)
        .count();
    let mut document = json!({
        "cases": cases,
        "summary": {"passed": passed, "failed": results.len() - passed, "total": results.len()},
    });
    if let Some(coverage) = coverage {
        document["coverage"] = Value::Array(
            coverage
                .iter()
                .map(|workflow| {
                    let missed = |list: Vec<Value>| Value::Array(list);
                    json!({
                        "workflow": workflow.workflow,
                        "tasks": {
                            "total": workflow.tasks.len(),
                            "reached": workflow.tasks.iter().filter(|(_, hit)| *hit).count(),
                            "missed": missed(workflow.tasks.iter().filter(|(_, hit)| !hit)
                                .map(|(reference, _)| json!(reference)).collect()),
                        },
                        "switchCases": {
                            "total": workflow.switch_cases.len(),
                            "reached": workflow.switch_cases.iter().filter(|(_, _, hit)| *hit).count(),
                            "missed": missed(workflow.switch_cases.iter().filter(|(_, _, hit)| !hit)
                                .map(|(reference, case, _)| json!({"switch": reference, "case": case})).collect()),
                        },
                        "forkBranches": {
                            "total": workflow.fork_branches.len(),
                            "reached": workflow.fork_branches.iter().filter(|(_, _, hit)| *hit).count(),
                            "missed": missed(workflow.fork_branches.iter().filter(|(_, _, hit)| !hit)
                                .map(|(reference, number, _)| json!({"fork": reference, "branch": number})).collect()),
                        },
                        "loops": Value::Object(workflow.loops.iter()
                            .map(|(reference, iterations)| (reference.clone(), json!({"mostIterations": iterations})))
                            .collect::<Map<String, Value>>()),
                    })
                })
                .collect(),
        );
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: a test suite per file, a test case per case.
fn junit(results: &[CaseResult]) -> String {
    let mut by_file: BTreeMap<&str, Vec<&CaseResult>> = BTreeMap::new();
    for result in results {
        by_file.entry(&result.file).or_default().push(result);
    }
    let failures = |list: &[&CaseResult]| {
        list.iter()
            .filter(|r| matches!(r.verdict, Verdict::Failed(_)))
            .count()
    };
    let errors = |list: &[&CaseResult]| {
        list.iter()
            .filter(|r| matches!(r.verdict, Verdict::Error(_)))
            .count()
    };
    let all: Vec<&CaseResult> = results.iter().collect();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"conductor-apply test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
        results.len(),
        failures(&all),
        errors(&all),
        results.iter().map(|r| r.seconds).sum::<f64>()
    );
    for (file, list) in &by_file {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
            xml(file),
            list.len(),
            failures(list),
            errors(list),
            list.iter().map(|r| r.seconds).sum::<f64>()
        ));
        for result in list {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(file),
                xml(&result.name),
                result.seconds
            ));
            match &result.verdict {
                Verdict::Passed => out.push_str("/>\n"),
                Verdict::Failed(messages) => out.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(messages.first().map(String::as_str).unwrap_or_default()),
                    xml(&messages.join("\n"))
                )),
                Verdict::Error(reason) => out.push_str(&format!(
                    ">\n      <error message=\"{}\"/>\n    </testcase>\n",
                    xml(reason)
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
