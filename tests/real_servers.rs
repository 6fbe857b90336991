//! The conformance suite: `plan` and `apply` against real Conductor servers, the versions users
//! run (`scripts/conductor-server versions`: 3.15.0, 3.21.14 and 3.32.1), each started here on
//! 127.0.0.1 and a free port by `scripts/conductor-server` and stopped by its process id.
//!
//! On each version, for `workflows/` and every definition of the shared corpus that the version
//! can take: apply, then a plan shows no change, then a second apply writes nothing; what the
//! version cannot take is refused before anything is written, with the CA9xx diagnostic at its
//! line. Then an edit made on the server shows as drift with the right origin, a definition
//! removed from git is deleted only with `--prune`, a definition the server rejects is reported
//! at its file and line with the server's message while the rest of its batch is applied, and
//! the auth variables of the Orkes SDKs are set against the OSS server. The sample definitions
//! that 3.15 and 3.21 load at start survive all of it.
//!
//! Needs Java (17, and 21+ for 3.32), Maven (once, to fetch the jars) and redis-server (for
//! 3.15 and 3.21). Without them the suite says SKIPPED loudly and passes, except under CI
//! (`CI` set), where it fails.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // A failure here is a failed test.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{
    DifferentialCorpus, Run, Sandbox, conductor_apply, copy_dir, corpus_dir, corpus_files,
    is_broken_corpus_file, prepared_differential_corpus, run_against,
};
use conductor_client::{Client, ClientConfig};
use serde_json::Value;

/// A real server started by `scripts/conductor-server`; stopped by process id when dropped.
struct RealServer {
    version: String,
    url: String,
    dir: PathBuf,
}

fn script() -> PathBuf {
    common::repo_root().join("scripts/conductor-server")
}

impl RealServer {
    fn start(version: &str) -> Result<RealServer, String> {
        let output = Command::new(script())
            .args(["start", version])
            .output()
            .map_err(|error| format!("running scripts/conductor-server: {error}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let field = |name: &str| {
            stdout
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        };
        match (output.status.success(), field("url"), field("dir")) {
            (true, Some(url), Some(dir)) => {
                eprintln!(
                    "conductor-server {version}: started on {url} in {}",
                    field("started").unwrap_or_default()
                );
                Ok(RealServer {
                    version: version.to_owned(),
                    url,
                    dir: PathBuf::from(dir),
                })
            }
            _ => Err(format!(
                "conductor-server {version} did not start:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )),
        }
    }

    fn client(&self) -> Client {
        Client::new(ClientConfig::new(&self.url).unwrap()).unwrap()
    }

    fn at_least(&self, minor: u32, patch: u32) -> bool {
        let parts: Vec<u32> = self
            .version
            .split('.')
            .map(|part| part.parse().unwrap())
            .collect();
        (parts[1], parts[2]) >= (minor, patch)
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
    }
}

/// Why the suite cannot run here, if it cannot.
fn missing_prerequisite() -> Option<String> {
    let found = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if !found("java", "-version") {
        return Some("Java is not installed".to_owned());
    }
    if !found("mvn", "--version") {
        return Some("Maven (mvn) is not installed".to_owned());
    }
    if !found("redis-server", "--version") {
        return Some("redis-server is not installed (apt-get install redis-server)".to_owned());
    }
    None
}

fn supported_versions() -> Vec<String> {
    let output = Command::new(script()).arg("versions").output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn run(dir: &Path, server: &RealServer, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_against(dir, &server.url, args, env)
}

/// Every (name, version) of workflow and name of task definition on the server.
fn inventory(client: &Client) -> BTreeSet<String> {
    let workflows = client.list_workflow_defs().unwrap();
    let task_defs = client.list_task_defs().unwrap();
    workflows
        .iter()
        .map(|def| format!("workflow {} v{}", def["name"], def["version"]))
        .chain(task_defs.iter().map(|def| format!("task {}", def["name"])))
        .collect()
}

/// What one version's run counted, for the summary line.
#[derive(Default)]
struct Counts {
    applied: usize,
    refused_files: usize,
    changes_after_apply: usize,
    writes_by_second_apply: usize,
    /// Workflow test cases run offline and on the server, with the same result.
    test_cases_agreeing: usize,
    /// Cases whose server run differs as [`VERSION_DIFFERENCES`] documents.
    documented_differences: usize,
    /// Cases the server's test endpoint cannot run (a mocked SUB_WORKFLOW), run offline only.
    offline_only: usize,
    /// Differential cases left out because `check` refuses their workflows for this version.
    cases_refused: usize,
}

/// `apply`, `plan --detailed-exitcode`, `apply` again on `paths`: the first writes
/// everything, the plan after it is clean and the second apply has nothing to do.
fn converge(
    dir: &Path,
    server: &RealServer,
    paths: &[&str],
    counts: &mut Counts,
    problems: &mut Vec<String>,
) {
    let label = format!("{} {paths:?}", server.version);
    let mut args = vec!["apply", "--auto-approve", "--format", "json"];
    args.extend(paths);
    let first = run(dir, server, &args, &[]);
    if first.code != 0 {
        problems.push(format!(
            "{label}: apply exited {}:\n{}\n{}",
            first.code, first.stdout, first.stderr
        ));
        return;
    }
    let report: Value = serde_json::from_str(&first.stdout).unwrap_or_default();
    counts.applied += report["outcomes"].as_array().map_or(0, Vec::len);
    let mut args = vec!["plan", "--detailed-exitcode", "--format", "json"];
    args.extend(paths);
    let plan = run(dir, server, &args, &[]);
    let plan_json: Value = serde_json::from_str(&plan.stdout).unwrap_or_default();
    let changes = plan_json["changes"].as_array().map_or(0, Vec::len);
    counts.changes_after_apply += changes;
    if plan.code != 0 || changes != 0 {
        problems.push(format!(
            "{label}: the plan after apply is not clean (exit {}):\n{}\n{}",
            plan.code, plan.stdout, plan.stderr
        ));
    }
    let mut args = vec!["apply", "--auto-approve"];
    args.extend(paths);
    let second = run(dir, server, &args, &[]);
    if second.code != 0 || !second.stderr.contains("Nothing to apply.") {
        counts.writes_by_second_apply += 1;
        problems.push(format!(
            "{label}: the second apply wrote something (exit {}):\n{}\n{}",
            second.code, second.stdout, second.stderr
        ));
    }
}

/// The files of `dir` (relative, sorted) whose definitions `check` refuses for the version,
/// with the codes it gives; asserts every such error is a CA9xx one (a server-version rule).
fn refused_for_version(
    dir: &Path,
    server: &RealServer,
    folder: &str,
    problems: &mut Vec<String>,
) -> BTreeSet<String> {
    let check = run(
        dir,
        server,
        &[
            "check",
            "--format",
            "json",
            "--server-version",
            &server.version,
            folder,
        ],
        &[],
    );
    let report: Value = serde_json::from_str(&check.stdout).unwrap_or_default();
    let mut refused = BTreeSet::new();
    for diagnostic in report["diagnostics"].as_array().into_iter().flatten() {
        if diagnostic["severity"] != "error" {
            continue;
        }
        let code = diagnostic["code"].as_str().unwrap_or_default();
        let file = diagnostic["location"]["file"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !code.starts_with("CA9") {
            problems.push(format!(
                "{}: {file} has an error that is not about the server version: {diagnostic}",
                server.version
            ));
        }
        refused.insert(file);
    }
    refused
}

/// The shared corpus as DSL files, one directory per corpus file (several files hold the same
/// workflow, so they cannot be imported together), without the genuinely broken files and
/// without a file whose definitions an earlier one already has. `None` without the corpus.
fn prepared_corpus() -> Option<tempfile::TempDir> {
    let corpus = corpus_dir()?;
    let out = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    for (index, path) in corpus_files(&corpus).iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if is_broken_corpus_file(&name) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(json) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let items = match json {
            Value::Array(items) => items,
            one => vec![one],
        };
        let identities: Vec<String> = items
            .iter()
            .map(|def| {
                format!(
                    "{}@{}",
                    def["name"],
                    def.get("version").unwrap_or(&Value::Null)
                )
            })
            .collect();
        if identities.iter().any(|identity| seen.contains(identity)) {
            continue;
        }
        seen.extend(identities);
        let target = out.path().join(format!("{index:03}"));
        let imported = conductor_apply()
            .arg("import")
            .arg(path)
            .arg("--out")
            .arg(&target)
            .output()
            .unwrap();
        assert!(
            imported.status.success(),
            "import {name}: {}",
            String::from_utf8_lossy(&imported.stderr)
        );
    }
    Some(out)
}

/// A 3.x version as (minor, patch).
type MinorPatch = (u32, u32);

/// A way a server version's run of a differential case differs from the simulator, which
/// follows the newest version; the suite checks that the server still does this.
struct VersionDifference {
    /// The case's `test`.
    case: &'static str,
    /// The versions that differ: each range from `.0` (inclusive) to `.1` (exclusive), as
    /// (minor, patch).
    versions: &'static [(MinorPatch, MinorPatch)],
    /// What those versions answer instead.
    status: &'static str,
    tasks: &'static [&'static str],
    /// Why, with the server source that says so.
    why: &'static str,
}

const VERSION_DIFFERENCES: &[VersionDifference] = &[
    VersionDifference {
        case: "two tasks forked at run time, joined, then the last task",
        versions: &[((0, 0), (22, 0))],
        status: "FAILED",
        tasks: &["dt1"],
        why: "up to 3.21 a dynamically forked SIMPLE task needs a registered task definition \
              (\"Invalid task. Task integration_task_2 does not have a definition\", v3.21.14 \
              core/.../mapper/SimpleTaskMapper.java:78); 3.32.1 runs it with defaults (line 74)",
    },
    VersionDifference {
        case: "DYNAMIC is not retried by the definition of the worker it picks (3.22 and later)",
        versions: &[((0, 0), (22, 0))],
        status: "FAILED",
        tasks: &["load", "address", "notify", "notify"],
        why: "3.21.14 retries a DYNAMIC task as the picked worker's definition says (once here); \
              from 3.22 the DYNAMIC workflow task keeps the ad-hoc definition it gets at start, \
              with no retries for a type other than SIMPLE (v3.32.1 \
              MetadataMapperService.populateWorkflowTaskWithDefinition, DynamicTaskMapper)",
    },
    VersionDifference {
        case: "the sub-workflow runs and terminates as FAILED, which fails the parent",
        versions: &[((0, 0), (16, 0)), ((22, 0), (99, 0))],
        status: "RUNNING",
        tasks: &["lambdaTask1", "test_task_failed_sub_wf"],
        why: "the test endpoint returns once no mock is left (v3.32.1 \
              WorkflowTestService.testWorkflow: `while (!terminal && !mockData.isEmpty())`); \
              a case without mocks returns while its sub-workflow, started asynchronously from \
              3.22 (and on 3.15.0), still runs; 3.21.14 starts it synchronously and answers \
              FAILED as the simulator does",
    },
];

/// Text with the server's ids (UUIDs) and the simulator's (`sim-...`) made equal.
fn without_ids(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let bytes = word.as_bytes();
        let uuid = bytes.len() == 36
            && bytes.iter().enumerate().all(|(at, byte)| {
                if matches!(at, 8 | 13 | 18 | 23) {
                    *byte == b'-'
                } else {
                    byte.is_ascii_hexdigit()
                }
            });
        if uuid || word.starts_with("sim-") {
            out.push_str("<id>");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for character in text.chars() {
        if character.is_ascii_alphanumeric() || character == '-' || character == '_' {
            word.push(character);
        } else {
            flush(&mut word, &mut out);
            out.push(character);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A JSON value with every string's ids made equal.
fn value_without_ids(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::from(without_ids(text)),
        Value::Array(items) => items.iter().map(value_without_ids).collect(),
        Value::Object(fields) => fields
            .iter()
            .map(|(key, value)| (key.clone(), value_without_ids(value)))
            .collect(),
        Value::Number(number) => {
            // 3.21 writes a whole number computed by JavaScript as `2.0`.
            match number.as_f64() {
                Some(float) if float.fract() == 0.0 && float.abs() < 1e15 => {
                    Value::from(float as i64)
                }
                _ => value.clone(),
            }
        }
        other => other.clone(),
    }
}

/// The task references a case ran: in order, or sorted when a fork ran (the simulator runs
/// fork branches one after the other, the server interleaves them as its test loop completes
/// the scheduled tasks round by round; the multiset is the same).
fn task_references(case: &Value, forked: bool) -> Vec<String> {
    let tasks = case["execution"]["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut references: Vec<String> = tasks
        .iter()
        .map(|task| task["reference"].as_str().unwrap_or_default().to_owned())
        .collect();
    if forked {
        references.sort();
    }
    references
}

/// The workflow's reason for incompletion without ids and without the failed task's own
/// reason (the server's test endpoint takes none from a mock).
fn comparable_reason(case: &Value) -> Option<String> {
    let reason = case["execution"]["reasonForIncompletion"].as_str()?;
    let reason = without_ids(reason);
    Some(match reason.find(" and reason: '") {
        Some(at) => reason[..at].to_owned(),
        None => reason,
    })
}

/// What differs between the offline run of a case and its server run, if anything.
fn disagreement(here: &Value, there: &Value) -> Option<String> {
    let mut differences = Vec::new();
    if here["result"] != "passed" || there["result"] != "passed" {
        differences.push(format!(
            "results {} offline, {} on the server ({})",
            here["result"], there["result"], there["failures"]
        ));
    }
    if here["execution"]["status"] != there["execution"]["status"] {
        differences.push(format!(
            "status {} offline, {} on the server",
            here["execution"]["status"], there["execution"]["status"]
        ));
    }
    let (output_here, output_there) = (
        value_without_ids(&here["execution"]["output"]),
        value_without_ids(&there["execution"]["output"]),
    );
    if output_here != output_there {
        differences.push(format!(
            "output {output_here} offline, {output_there} on the server"
        ));
    }
    // The server lists a FORK_JOIN as `FORK`.
    let forked = [here, there].iter().any(|case| {
        case["execution"]["tasks"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|task| {
                matches!(
                    task["taskType"].as_str(),
                    Some("FORK" | "FORK_JOIN" | "FORK_JOIN_DYNAMIC")
                )
            })
    });
    let (tasks_here, tasks_there) = (
        task_references(here, forked),
        task_references(there, forked),
    );
    if tasks_here != tasks_there {
        differences.push(format!(
            "tasks {tasks_here:?} offline, {tasks_there:?} on the server"
        ));
    }
    if comparable_reason(here) != comparable_reason(there) {
        differences.push(format!(
            "reason {:?} offline, {:?} on the server",
            comparable_reason(here),
            comparable_reason(there)
        ));
    }
    (!differences.is_empty()).then(|| differences.join("; "))
}

/// Runs `cases` (test files relative to `dir`) offline and on the server, and checks that
/// each case agrees, differs as [`VERSION_DIFFERENCES`] documents, or is one the server's
/// test endpoint refuses (a mocked SUB_WORKFLOW).
fn compare_offline_and_on_server(
    dir: &Path,
    server: &RealServer,
    cases: &[String],
    counts: &mut Counts,
    problems: &mut Vec<String>,
) {
    let version = &server.version;
    let mut offline_args: Vec<&str> = vec!["--format", "json", "test"];
    offline_args.extend(cases.iter().map(String::as_str));
    let mut online_args = offline_args.clone();
    online_args.extend(["--server", server.url.as_str()]);
    let offline = run(dir, server, &offline_args, &[]);
    let online = run(dir, server, &online_args, &[]);
    let offline_json: Value = serde_json::from_str(&offline.stdout).unwrap_or_default();
    let online_json: Value = serde_json::from_str(&online.stdout).unwrap_or_default();
    let empty = Vec::new();
    let offline_cases = offline_json["cases"].as_array().unwrap_or(&empty);
    let online_cases = online_json["cases"].as_array().unwrap_or(&empty);
    if offline_cases.is_empty() || offline_cases.len() != online_cases.len() {
        problems.push(format!(
            "{version}: workflow tests: {} cases offline, {} on the server:\n{}\n{}",
            offline_cases.len(),
            online_cases.len(),
            offline.stderr,
            online.stderr
        ));
        return;
    }
    // The server's test endpoint races its own system-task worker for an HTTP task (seen on
    // 3.32.1: now and then the worker runs the mocked request for real first), so a case that
    // differs is run on the server once more; a simulator bug differs both times.
    let any_differs = offline_cases
        .iter()
        .zip(online_cases)
        .any(|(here, there)| disagreement(here, there).is_some());
    let second: Value = if any_differs {
        serde_json::from_str(&run(dir, server, &online_args, &[]).stdout).unwrap_or_default()
    } else {
        Value::Null
    };
    for (index, (here, first)) in offline_cases.iter().zip(online_cases).enumerate() {
        let name = here["test"].as_str().unwrap_or_default();
        let there = match disagreement(here, first) {
            None => first,
            Some(_) => second["cases"].get(index).unwrap_or(first),
        };
        let documented = VERSION_DIFFERENCES.iter().find(|difference| {
            difference.case == name
                && difference.versions.iter().any(|(from, to)| {
                    server.at_least(from.0, from.1) && !server.at_least(to.0, to.1)
                })
        });
        if let Some(difference) = documented {
            let tasks: Vec<String> = there["execution"]["tasks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|task| task["reference"].as_str().unwrap_or_default().to_owned())
                .collect();
            if there["execution"]["status"] == difference.status && tasks == difference.tasks {
                counts.documented_differences += 1;
            } else {
                problems.push(format!(
                    "{version}: `{name}` no longer differs as documented ({}): the server \
                     answered {} {tasks:?}, documented {} {:?}",
                    difference.why,
                    there["execution"]["status"],
                    difference.status,
                    difference.tasks
                ));
            }
            continue;
        }
        let refused_by_endpoint = there["result"] == "error"
            && there["failures"]
                .to_string()
                .contains("is a mocked SUB_WORKFLOW");
        if refused_by_endpoint && here["result"] == "passed" {
            counts.offline_only += 1;
            continue;
        }
        match disagreement(here, there) {
            None => counts.test_cases_agreeing += 1,
            Some(what) => problems.push(format!(
                "{version}: workflow test `{name}` ({}) differs: {what}",
                here["file"].as_str().unwrap_or_default()
            )),
        }
    }
}

/// The differential corpus on one server: what `check` refuses for the version is left out
/// (with its cases), every other case agrees offline and on the server.
fn differential(
    server: &RealServer,
    corpus: &DifferentialCorpus,
    counts: &mut Counts,
    problems: &mut Vec<String>,
) {
    let sandbox = Sandbox::new();
    let dir = sandbox.path();
    copy_dir(corpus.dir.path(), dir);
    let refused = refused_for_version(dir, server, ".", problems);
    for file in &refused {
        std::fs::remove_file(dir.join(file)).unwrap();
    }
    let mut cases = Vec::new();
    for (test_file, needs) in &corpus.test_files {
        let runnable = !needs
            .iter()
            .any(|need| refused.iter().any(|file| file.starts_with(need.as_str())));
        if runnable {
            cases.push(test_file.clone());
        } else {
            let text = std::fs::read_to_string(dir.join(test_file)).unwrap();
            counts.cases_refused +=
                text.matches("\ntest: ").count() + usize::from(text.starts_with("test: "));
            std::fs::remove_file(dir.join(test_file)).unwrap();
        }
    }
    compare_offline_and_on_server(dir, server, &cases, counts, problems);
}

/// The whole suite on one running server; returns its counts, and pushes what went wrong.
fn conformance(
    server: &RealServer,
    corpus: Option<&Path>,
    differential_corpus: &DifferentialCorpus,
    problems: &mut Vec<String>,
) -> Counts {
    let client = server.client();
    let version = &server.version;
    let at_start = inventory(&client);
    let mut counts = Counts::default();
    // First, before anything of the examples or the corpus is applied: `test --server` tests
    // a workflow the server already has as the server has it.
    differential(server, differential_corpus, &mut counts, problems);
    let sandbox = Sandbox::new();
    let dir = sandbox.path();

    // The version the tool reads is the one we started.
    let detected = client.server_version().unwrap();
    if detected.as_deref() != Some(version.as_str()) {
        problems.push(format!("{version}: the server reports {detected:?}"));
    }

    // workflows/: what the version cannot run is refused before anything is written.
    copy_dir(
        &common::repo_root().join("workflows"),
        &dir.join("examples"),
    );
    let refused = refused_for_version(dir, server, "examples", problems);
    counts.refused_files += refused.len();
    if !refused.is_empty() {
        let before = inventory(&client);
        let attempt = run(dir, server, &["apply", "--auto-approve", "examples"], &[]);
        if attempt.code != 1 || !attempt.stderr.contains("nothing was planned") {
            problems.push(format!(
                "{version}: apply of definitions it refuses exited {}:\n{}",
                attempt.code, attempt.stderr
            ));
        }
        if inventory(&client) != before {
            problems.push(format!("{version}: a refused apply wrote to the server"));
        }
        for file in &refused {
            std::fs::remove_file(dir.join(file)).unwrap();
        }
    }
    // The kitchen sink uses features from 3.22 on; the rest of the examples run everywhere.
    let expect_refused = !server.at_least(22, 0);
    if expect_refused != refused.contains("examples/kitchensink.yaml") || refused.len() > 1 {
        problems.push(format!(
            "{version}: refused examples {refused:?}, expected only kitchensink.yaml below 3.22"
        ));
    }
    converge(dir, server, &["examples"], &mut counts, problems);

    // Workflow tests: every example case this version can run passes offline and on the
    // server (`POST /api/workflow/test`), with the same status, output and tasks.
    let mut cases: Vec<String> = std::fs::read_dir(dir.join("examples"))
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.yaml"))
        .filter(|name| {
            !refused.contains(&format!("examples/{}", name.replace(".test.yaml", ".yaml")))
        })
        .map(|name| format!("examples/{name}"))
        .collect();
    cases.sort();
    compare_offline_and_on_server(dir, server, &cases, &mut counts, problems);

    // Drift: an edit on the server shows as a change whose origin is the server, where the
    // version can keep the stamp; apply restores git's definition.
    let mut hello = client.get_workflow_def("hello", 1).unwrap();
    hello["description"] = Value::from("edited on the server");
    client.update_workflow_defs(&[hello]).unwrap();
    let plan = run(dir, server, &["plan", "--format", "json", "examples"], &[]);
    let plan_json: Value = serde_json::from_str(&plan.stdout).unwrap_or_default();
    let changes = plan_json["changes"].as_array().cloned().unwrap_or_default();
    let expected_origin = if server.at_least(21, 14) {
        Value::from("server")
    } else {
        Value::Null
    };
    match changes.as_slice() {
        [change]
            if change["resource"]["name"] == "hello" && change["origin"] == expected_origin => {}
        _ => problems.push(format!(
            "{version}: drift on `hello` planned as {changes:?} (expected origin {expected_origin})"
        )),
    }
    converge(dir, server, &["examples"], &mut Counts::default(), problems);

    // With a project id, the inventory on the server tells drift on every version, task
    // definitions included.
    sandbox.write(
        "conductor-apply.yaml",
        "project: conformance\nfiles: [\"examples/*.yaml\"]\n",
    );
    converge(dir, server, &["examples"], &mut Counts::default(), problems);
    let mut hello = client.get_workflow_def("hello", 1).unwrap();
    hello["description"] = Value::from("edited on the server again");
    client.update_workflow_defs(&[hello]).unwrap();
    let mut greet = client.get_task_def("greet").unwrap();
    greet["retryCount"] = Value::from(7);
    client.upsert_task_defs(&[greet]).unwrap();
    let plan = run(dir, server, &["plan", "--format", "json", "examples"], &[]);
    let plan_json: Value = serde_json::from_str(&plan.stdout).unwrap_or_default();
    let origins: Vec<(String, Value)> = plan_json["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|change| {
            (
                change["resource"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                change["origin"].clone(),
            )
        })
        .collect();
    let expected = vec![
        ("greet".to_owned(), Value::from("server")),
        ("hello".to_owned(), Value::from("server")),
    ];
    if origins != expected {
        problems.push(format!(
            "{version}: drift with the inventory planned as {origins:?}, expected {expected:?}"
        ));
    }
    converge(dir, server, &["examples"], &mut Counts::default(), problems);

    // A definition the server rejects (a SWITCH script it cannot parse; `check`'s CA501 is
    // allowed on purpose) is reported at its line with the server's message, and the other
    // workflow of the same batch is applied.
    sandbox.write(
        "rejected/two.yaml",
        "\
workflow: conformance_accepted
ownerEmail: team@example.com
tasks:
  - {ref: done, noop: {}}
---
workflow: conformance_rejected
ownerEmail: team@example.com
tasks:
  - ref: route
    # conductor-apply: allow CA501
    switch: {evaluatorType: javascript, expression: \"$.kind == \"}
    input: {kind: x}
    cases:
      a: [{ref: noop_a, noop: {}}]
",
    );
    let rejected = run(dir, server, &["apply", "--auto-approve", "rejected"], &[]);
    let output = format!("{}{}", rejected.stdout, rejected.stderr);
    if rejected.code == 0
        || !output.contains("rejected/two.yaml:")
        || !output.contains("Expression is not well formatted")
    {
        problems.push(format!(
            "{version}: a rejected definition was not reported at its line with the server's message (exit {}):\n{output}",
            rejected.code
        ));
    }
    let after = inventory(&client);
    if !after.contains("workflow \"conformance_accepted\" v1")
        || after.contains("workflow \"conformance_rejected\" v1")
    {
        problems.push(format!(
            "{version}: after a rejection the batch's other workflow is missing, or the rejected one is stored"
        ));
    }

    // Prune: a workflow removed from git is listed, and deleted only with --prune; the
    // project's inventory makes it possible on every version.
    sandbox.write(
        "conductor-apply.yaml",
        "project: conformance\nfiles: [\"examples/*.yaml\"]\nprune:\n  workflows: [hello]\n",
    );
    std::fs::remove_file(dir.join("examples/hello.yaml")).unwrap();
    let plan = run(dir, server, &["plan", "--format", "json"], &[]);
    let listed = plan.stdout.contains("\"prunable\"");
    let without = run(dir, server, &["apply", "--auto-approve"], &[]);
    let kept = inventory(&client).contains("workflow \"hello\" v1");
    let with = run(dir, server, &["apply", "--auto-approve", "--prune"], &[]);
    let gone = !inventory(&client).contains("workflow \"hello\" v1");
    if without.code != 0 || with.code != 0 || !kept || !listed || !gone {
        problems.push(format!(
            "{version}: prune: listed {listed}, kept without --prune {kept}, gone with --prune {gone}:\n{}\n{}",
            without.stderr, with.stderr
        ));
    }

    // The Orkes SDKs' auth variables against an OSS server: said once, then the plan runs.
    let secret = "conformance-secret-value";
    let auth = run(
        dir,
        server,
        &["plan"],
        &[
            ("CONDUCTOR_AUTH_KEY", "conformance-key"),
            ("CONDUCTOR_AUTH_SECRET", secret),
        ],
    );
    let output = format!("{}{}", auth.stdout, auth.stderr);
    if auth.code != 0
        || output.matches("has no token endpoint").count() != 1
        || output.contains(secret)
    {
        problems.push(format!(
            "{version}: with auth variables set against OSS (exit {}):\n{output}",
            auth.code
        ));
    }

    // The shared corpus (last: it has definitions named like the examples' task
    // definitions, which it takes over), imported, minus what is broken or refused for this version.
    if let Some(corpus) = corpus {
        copy_dir(corpus, &dir.join("corpus"));
        let refused = refused_for_version(dir, server, "corpus", problems);
        counts.refused_files += refused.len();
        for file in &refused {
            std::fs::remove_file(dir.join(file)).unwrap();
        }
        converge(dir, server, &["corpus"], &mut counts, problems);
    } else {
        eprintln!("conductor-server {version}: ../shared/corpus is absent: corpus part skipped");
    }

    // The samples the server loaded at start are all still there.
    let now = inventory(&client);
    let lost: Vec<&String> = at_start.difference(&now).collect();
    if !lost.is_empty() {
        problems.push(format!(
            "{version}: the server's own definitions were lost: {lost:?}"
        ));
    }
    counts
}

#[test]
fn plan_and_apply_conform_on_real_servers() {
    if let Some(missing) = missing_prerequisite() {
        let message = format!("SKIPPED: the real-server conformance suite cannot run: {missing}");
        if std::env::var_os("CI").is_some() {
            panic!("{message} (CI must run it)");
        }
        let _ = writeln!(
            std::io::stderr(),
            "\n{}\n{message}\n{}\n",
            "!".repeat(80),
            "!".repeat(80)
        );
        return;
    }
    let started = Instant::now();
    // Start every version at once: a JVM spends its first minute on one core.
    let servers: Vec<Result<RealServer, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = supported_versions()
            .into_iter()
            .map(|version| scope.spawn(move || RealServer::start(&version)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    eprintln!("servers up in {:.0?}", started.elapsed());
    let corpus = prepared_corpus();
    let differential_corpus = prepared_differential_corpus();
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for server in &servers {
        let server = match server {
            Ok(server) => server,
            Err(error) => {
                problems.push(error.clone());
                continue;
            }
        };
        let begun = Instant::now();
        let counts = conformance(
            server,
            corpus.as_ref().map(|dir| dir.path()),
            &differential_corpus,
            &mut problems,
        );
        summary.push(format!(
            "conductor-server {}: {} definitions applied, {} files refused for this version, \
             changes shown by the plan after apply: {}, writes by the second apply: {}, \
             workflow test cases agreeing offline and on the server: {}, differing as \
             documented: {}, offline only (a mocked SUB_WORKFLOW): {}, left out as refused \
             for this version: {} ({:.0?})",
            server.version,
            counts.applied,
            counts.refused_files,
            counts.changes_after_apply,
            counts.writes_by_second_apply,
            counts.test_cases_agreeing,
            counts.documented_differences,
            counts.offline_only,
            counts.cases_refused,
            begun.elapsed()
        ));
    }
    // Straight to stderr, past the test harness's capture: CI's log shows every version's counts.
    let _ = writeln!(std::io::stderr(), "\n{}\n", summary.join("\n"));
    drop(servers);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
