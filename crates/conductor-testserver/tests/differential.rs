//! The test server against real Conductor servers: for each supported version, the real
//! server (started with `scripts/conductor-server`) and the test server with that version's
//! profile get the same requests, and must answer with the same status codes, the same stored
//! definitions and the same deterministic error messages.
//!
//! Compared after removing the audit fields (`createTime`, `updateTime`, `createdBy`,
//! `updatedBy`), the error bodies' `timestamp` and `instance` (a clock and the host name), and
//! `invalidValue` of validation errors (not modelled); validation errors are compared as a
//! sorted list, as the real servers report them in no fixed order. Only definitions named
//! `diff_*` are compared: the real servers load samples of their own.
//!
//! Needs Java (17, and 21 for 3.22+), Maven (to fetch a missing jar) and redis-server (3.21 and
//! older). Without them the test prints `SKIPPED: ...` and passes, unless `CI` is set.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // A test: failures are panics, notes go to stderr.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use conductor_testserver::{ServerConfig, ServerVersion, start};
use serde_json::{Value, json};

/// The versions `scripts/conductor-server versions` lists.
const VERSIONS: [ServerVersion; 3] = [
    ServerVersion::V3_15_0,
    ServerVersion::V3_21_14,
    ServerVersion::V3_32_1,
];

/// The repository's `scripts/conductor-server`, or `$CONDUCTOR_SERVER_SCRIPT` (for a checkout
/// without the script, e.g. a worktree of a branch older than it).
fn script() -> PathBuf {
    std::env::var_os("CONDUCTOR_SERVER_SCRIPT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/conductor-server"),
        PathBuf::from,
    )
}

/// A real server started by the script; dropping it stops it by process id.
struct RealServer {
    base: String,
    dir: String,
}

impl RealServer {
    fn start(version: ServerVersion) -> Result<RealServer, String> {
        let output = Command::new(script())
            .args(["start", &version.to_string()])
            .output()
            .map_err(|error| format!("running {}: {error}", script().display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let field = |key: &str| {
            stdout
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .map(str::to_owned)
        };
        // Take the guard first, so a server that started is stopped even if its output is odd.
        let dir = field("dir=");
        if !output.status.success() || dir.is_none() {
            if let Some(dir) = dir {
                drop(RealServer {
                    base: String::new(),
                    dir,
                });
            }
            return Err(format!(
                "conductor-server start {version} failed: {}{}",
                stdout,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let server = RealServer {
            base: field("url=").unwrap_or_default(),
            dir: dir.unwrap_or_default(),
        };
        eprintln!(
            "real conductor-server {version}: {} (pid {}, started in {})",
            server.base,
            field("pid=").unwrap_or_default(),
            field("started=").unwrap_or_default()
        );
        Ok(server)
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = Command::new(script()).args(["stop", &self.dir]).status();
    }
}

/// Why the real servers cannot run here, if they cannot.
fn missing_prerequisite() -> Option<String> {
    let on_path = |program: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
    };
    let mut missing: Vec<&str> = ["java", "mvn", "redis-server", "curl"]
        .into_iter()
        .filter(|program| !on_path(program))
        .collect();
    if !script().is_file() {
        missing.push("scripts/conductor-server");
    }
    (!missing.is_empty()).then(|| format!("not found: {}", missing.join(", ")))
}

/// One answer: the status and the body as JSON (a string when it is not JSON, `None` when
/// empty).
type Answer = (u16, Option<Value>);

/// A minimal HTTP/1.1 client (one request per connection), so this crate needs no HTTP client
/// of its own.
fn call(base: &str, method: &str, path: &str, body: Option<&Value>) -> Answer {
    let rest = base.strip_prefix("http://").unwrap();
    let (host, prefix) = rest.split_once('/').unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} /{prefix}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: application/json\r\n"
    );
    if body.is_some() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!(
        "Content-Length: {}\r\n\r\n{payload}",
        payload.len()
    ));
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut content = raw[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap();
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    if chunked {
        content = dechunk(&content);
    }
    let body = if content.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice(&content)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&content).into_owned())),
        )
    };
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..end]).to_string();
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// What is compared of an answer.
fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                if matches!(
                    key.as_str(),
                    "createTime"
                        | "updateTime"
                        | "createdBy"
                        | "updatedBy"
                        | "timestamp"
                        | "instance"
                        | "invalidValue"
                ) {
                    continue;
                }
                out.insert(key.clone(), normalize(item));
            }
            if let Some(Value::Array(errors)) = out.get_mut("validationErrors") {
                errors.sort_by_key(Value::to_string);
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let named = |item: &Value| item.get("name").and_then(Value::as_str).map(str::to_owned);
            // A list of definitions: ours only, in a fixed order.
            if !items.is_empty() && items.iter().all(|item| named(item).is_some()) {
                let mut ours: Vec<Value> = items
                    .iter()
                    .filter(|item| named(item).is_some_and(|name| name.starts_with("diff")))
                    .map(normalize)
                    .collect();
                ours.sort_by_key(Value::to_string);
                return Value::Array(ours);
            }
            // A list of names (`/workflow/names`): ours only.
            if !items.is_empty() && items.iter().all(Value::is_string) {
                return Value::Array(
                    items
                        .iter()
                        .filter(|item| item.as_str().is_some_and(|name| name.starts_with("diff")))
                        .cloned()
                        .collect(),
                );
            }
            Value::Array(items.iter().map(normalize).collect())
        }
        other => other.clone(),
    }
}

/// One request of the sequence, and whether its body is compared (Jackson's parse-error
/// wording is not modelled: only the status of those).
struct Step {
    method: &'static str,
    path: String,
    body: Option<Value>,
    compare_body: bool,
}

fn step(method: &'static str, path: &str, body: Option<Value>) -> Step {
    Step {
        method,
        path: path.to_owned(),
        body,
        compare_body: true,
    }
}

const OWNER: &str = "team@example.com";

fn task(name: &str, reference: &str) -> Value {
    json!({"name": name, "taskReferenceName": reference})
}

fn small_workflow(name: &str, extra: Value) -> Value {
    let mut workflow =
        json!({"name": name, "ownerEmail": OWNER, "tasks": [task("diff_td_min", "a")]});
    for (key, value) in extra.as_object().unwrap() {
        workflow[key] = value.clone();
    }
    workflow
}

/// Every field some version drops, in one workflow.
fn full_workflow(description: &str) -> Value {
    json!({
        "name": "diff_wf", "version": 1, "ownerEmail": OWNER, "description": description,
        "metadata": {"k": "v"}, "failureWorkflow": "diff_failure", "failureWorkflowVersion": 2,
        "rateLimitConfig": {"rateLimitKey": "k", "concurrentExecLimit": 2, "policy": "REJECT"},
        "maskedFields": ["secret"], "cacheConfig": {"key": "c", "ttlInSecond": 5},
        "inputSchema": {"name": "s", "type": "JSON"}, "enforceSchema": false,
        "workflowStatusListenerSink": "sink", "timeoutSeconds": 10, "unknownField": 1,
        "tasks": [
            {"name": "diff_td_min", "taskReferenceName": "a",
             "inputParameters": {"x": "${workflow.input.x}", "f": "${a.output.list[?(@.s == 1)]}"},
             "permissive": true, "joinStatus": "js", "metadata": {"m": 1},
             "onStateChange": {"onStart": [{"type": "t", "payload": {"p": 1}}]},
             "cacheConfig": {"key": "k", "ttlInSecond": 1}},
            {"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
             "loopCondition": "true", "items": "${workflow.input.list}",
             "loopOver": [task("diff_td_min", "b")]},
            {"name": "fork", "taskReferenceName": "fork", "type": "FORK_JOIN",
             "forkTasks": [[task("diff_td_min", "c")]]},
            {"name": "join", "taskReferenceName": "join", "type": "JOIN", "joinOn": ["c"],
             "joinMode": "SYNC"},
            {"name": "switch", "taskReferenceName": "switch", "type": "SWITCH",
             "evaluatorType": "value-param", "expression": "x",
             "decisionCases": {"a": [task("diff_td_min", "d")]}, "defaultCase": []},
            {"name": "sub", "taskReferenceName": "sub", "type": "SUB_WORKFLOW",
             "subWorkflowParam": {"name": "diff_child", "version": 1, "idempotencyKey": "k",
                                  "idempotencyStrategy": "FAIL", "priority": 3}},
            {"name": "inline_def", "taskReferenceName": "e",
             "taskDefinition": {"name": "inline_def", "maxRetryDelaySeconds": 3,
                                "totalTimeoutSeconds": 9, "runtimeMetadata": ["r"]}}
        ]
    })
}

/// The whole sequence; workflows named here are deleted at the end (deleting one that was
/// refused compares the not-found answers).
fn sequence() -> Vec<Step> {
    let full_task_def = json!({
        "name": "diff_td_full", "ownerEmail": OWNER, "description": "d", "retryCount": 2,
        "timeoutSeconds": 100, "responseTimeoutSeconds": 50, "maxRetryDelaySeconds": 30,
        "backoffJitterMs": 5, "runtimeMetadata": ["k"], "totalTimeoutSeconds": 200,
        "baseType": "SIMPLE", "taskStatusListenerEnabled": false, "enforceSchema": true,
        "inputSchema": {"name": "s", "type": "JSON"}, "pollTimeoutSeconds": 10,
        "concurrentExecLimit": 3, "unknownField": 1
    });
    let refused_or_not = [
        // ownerEmail mandatory before 3.22.0.
        small_workflow("diff_no_owner", json!({"ownerEmail": null})),
        // @Email up to 3.21.10.
        small_workflow("diff_bad_email", json!({"ownerEmail": "not-an-email"})),
        // @NoSemiColonConstraint up to 3.21.10.
        small_workflow("diff:colon", json!({})),
        // Any blank in ${...} before 3.21.19; a leading blank always.
        small_workflow(
            "diff_blank_lead",
            json!({"tasks": [{"name": "diff_td_min", "taskReferenceName": "a",
                              "inputParameters": {"x": "${ workflow.input.x}"}}]}),
        ),
        small_workflow(
            "diff_blank_filter",
            json!({"tasks": [{"name": "diff_td_min", "taskReferenceName": "a",
                              "inputParameters": {"y": "${a.output.list[?(@.s == 1)]}",
                                                  "z": "${a.output['my key']}"}}]}),
        ),
        small_workflow(
            "diff_blank_trail",
            json!({"tasks": [{"name": "diff_td_min", "taskReferenceName": "a",
                              "inputParameters": {"x": "${workflow.input.x }"}}]}),
        ),
        small_workflow(
            "diff_blank_dot",
            json!({"tasks": [{"name": "diff_td_min", "taskReferenceName": "a",
                              "inputParameters": {"x": "${workflow.input. x}"}}]}),
        ),
    ];
    let mut steps = vec![
        // Task definitions.
        step("POST", "/metadata/taskdefs", Some(json!([full_task_def]))),
        step("GET", "/metadata/taskdefs/diff_td_full", None),
        step(
            "POST",
            "/metadata/taskdefs",
            Some(json!([{"name": "diff_td_min", "ownerEmail": OWNER}])),
        ),
        step("GET", "/metadata/taskdefs/diff_td_min", None),
        step(
            "POST",
            "/metadata/taskdefs",
            Some(json!([{"name": "diff_td_no_owner"}])),
        ),
        step(
            "POST",
            "/metadata/taskdefs",
            Some(json!([{"name": "diff_td_bad_email", "ownerEmail": "nope"}])),
        ),
        step(
            "POST",
            "/metadata/taskdefs",
            Some(
                json!([{"name": "diff_td_zero", "ownerEmail": OWNER, "responseTimeoutSeconds": 0}]),
            ),
        ),
        step("POST", "/metadata/taskdefs", Some(json!([]))),
        step(
            "PUT",
            "/metadata/taskdefs",
            Some(json!({"name": "diff_td_min", "ownerEmail": OWNER, "retryCount": 5})),
        ),
        step("GET", "/metadata/taskdefs/diff_td_min", None),
        step(
            "PUT",
            "/metadata/taskdefs",
            Some(json!({"name": "diff_td_absent", "ownerEmail": OWNER})),
        ),
        step(
            "PUT",
            "/metadata/taskdefs",
            Some(json!({"name": "diff_td_min"})),
        ),
        step("GET", "/metadata/taskdefs", None),
        // A workflow with every late field: what each version keeps.
        step("POST", "/metadata/workflow", Some(full_workflow("first"))),
        step("GET", "/metadata/workflow/diff_wf", None),
        step("POST", "/metadata/workflow", Some(full_workflow("again"))),
        step(
            "PUT",
            "/metadata/workflow",
            Some(json!([full_workflow("updated")])),
        ),
        step("GET", "/metadata/workflow/diff_wf?version=1", None),
        step(
            "PUT",
            "/metadata/workflow",
            Some(json!([full_workflow("ok"), {"name": "diff_bad", "tasks": []}])),
        ),
        step(
            "POST",
            "/metadata/workflow/validate",
            Some(json!({"name": "diff_bad", "tasks": []})),
        ),
        step(
            "POST",
            "/metadata/workflow?overwrite=true",
            Some(full_workflow("overwritten")),
        ),
        step("GET", "/metadata/workflow/diff_wf", None),
        step("GET", "/metadata/workflow/names", None),
        step("GET", "/metadata/workflow/diff_wf/versions", None),
        step("GET", "/metadata/workflow?classifier=nothing", None),
        step("GET", "/metadata/workflow/latest-versions", None),
        step("GET", "/metadata/workflow/diff_missing", None),
        step("GET", "/metadata/taskdefs/diff_missing", None),
    ];
    for workflow in &refused_or_not {
        steps.push(step("POST", "/metadata/workflow", Some(workflow.clone())));
    }
    steps.push(step("GET", "/metadata/workflow", None));
    for workflow in &refused_or_not {
        let name = workflow["name"].as_str().unwrap();
        steps.push(step("GET", &format!("/metadata/workflow/{name}"), None));
        steps.push(step(
            "DELETE",
            &format!("/metadata/workflow/{name}/1"),
            None,
        ));
    }
    steps.extend([
        // Deletes, and deleting what is gone.
        step("DELETE", "/metadata/workflow/diff_wf/1", None),
        step("DELETE", "/metadata/workflow/diff_wf/1", None),
        step("GET", "/metadata/workflow/diff_wf", None),
        step("DELETE", "/metadata/taskdefs/diff_td_full", None),
        step("DELETE", "/metadata/taskdefs/diff_td_full", None),
        step("GET", "/metadata/taskdefs/diff_td_full", None),
        step("DELETE", "/metadata/taskdefs/diff_td_min", None),
        // Routes: unknown, wrong method, no auth.
        step("GET", "/diff/unknown", None),
        step("PATCH", "/metadata/workflow", Some(json!({}))),
        step("DELETE", "/metadata/taskdefs", None),
        step("POST", "/metadata/workflow/diff_wf/1", None),
        step(
            "POST",
            "/token",
            Some(json!({"keyId": "diff", "keySecret": "diff"})),
        ),
    ]);
    // Unreadable JSON: only the status (Jackson's wording is not modelled).
    steps.push(Step {
        method: "POST",
        path: "/metadata/workflow".to_owned(),
        body: Some(json!({"name": "diff_bad_enum", "ownerEmail": OWNER,
                          "timeoutPolicy": "NOT_A_POLICY", "tasks": [task("diff_td_min", "a")]})),
        compare_body: false,
    });
    steps
}

/// Runs the sequence against both servers and lists every difference.
fn compare(version: ServerVersion, real: &str, ours: &str) -> Vec<String> {
    let mut differences = Vec::new();
    for (index, step) in sequence().iter().enumerate() {
        let body = step.body.as_ref();
        let (real_status, real_body) = call(real, step.method, &step.path, body);
        let (our_status, our_body) = call(ours, step.method, &step.path, body);
        let real_body = real_body.as_ref().map(normalize);
        let our_body = our_body.as_ref().map(normalize);
        let same_body = !step.compare_body || real_body == our_body;
        if real_status != our_status || !same_body {
            differences.push(format!(
                "{version} step {index}: {} {}\n  real:        {real_status} {}\n  testserver:  {our_status} {}",
                step.method,
                step.path,
                real_body.map(|b| b.to_string()).unwrap_or_default(),
                our_body.map(|b| b.to_string()).unwrap_or_default(),
            ));
        }
    }
    differences
}

fn run(version: ServerVersion) -> Result<Vec<String>, String> {
    let real = RealServer::start(version)?;
    let ours = start(
        "127.0.0.1:0".parse().unwrap(),
        ServerConfig::for_version(version),
    )
    .map_err(|error| error.to_string())?;
    let started = Instant::now();
    let differences = compare(version, &real.base, &ours.base_url());
    eprintln!(
        "{version}: {} requests compared in {:.1}s",
        sequence().len(),
        started.elapsed().as_secs_f64()
    );
    Ok(differences)
}

#[test]
fn testserver_profiles_match_real_servers_3_15_0_and_3_21_14_and_3_32_1() {
    if let Some(reason) = missing_prerequisite() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the real-server differential test cannot run in CI: {reason}"
        );
        eprintln!(
            "\n==============================================================\n\
             SKIPPED: differential test against real Conductor servers: {reason}\n\
             ==============================================================\n"
        );
        return;
    }
    let started = Instant::now();
    let threads: Vec<_> = VERSIONS
        .into_iter()
        .map(|version| (version, std::thread::spawn(move || run(version))))
        .collect();
    let mut failures = Vec::new();
    for (version, thread) in threads {
        match thread.join() {
            Ok(Ok(differences)) => failures.extend(differences),
            Ok(Err(error)) => failures.push(format!("{version}: {error}")),
            Err(_) => failures.push(format!("{version}: the comparison panicked")),
        }
    }
    eprintln!(
        "differential test: {} versions in {:.0}s",
        VERSIONS.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} differences between the test server and the real servers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
