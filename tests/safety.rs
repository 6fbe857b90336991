//! What the tool guarantees when the server, the network, the names or the files misbehave:
//! credentials stay home, outcomes tell the truth, memory and time stay bounded, and files are
//! written whole and only where they belong. Each test drives the binary, against the test
//! server (behind a raw proxy where the test server cannot misbehave as needed) or a raw peer.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http_peer::{Answer, Peer, response};
use common::{Run, run_against};
use conductor_client::{Client, ClientConfig};
use conductor_testserver::{Auth, ServerConfig, ServerHandle, start};
use serde_json::Value;

const ORDERS: &str = "\
workflow: orders_flow
version: 1
ownerEmail: team@example.com
tasks:
  - ref: charge
    task: charge_card
---
task: charge_card
ownerEmail: team@example.com
";

fn server(config: ServerConfig) -> ServerHandle {
    start("127.0.0.1:0".parse().unwrap(), config).unwrap()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn run(dir: &Path, url: &str, args: &[&str]) -> Run {
    run_against(dir, url, args, &[])
}

fn task_def_names(server: &ServerHandle) -> Vec<String> {
    Client::new(ClientConfig::new(&server.base_url()).unwrap())
        .unwrap()
        .list_task_defs()
        .unwrap()
        .iter()
        .map(|def| def["name"].as_str().unwrap().to_owned())
        .filter(|name| !name.starts_with("conductor-apply."))
        .collect()
}

#[test]
fn a_server_that_never_answers_is_left_at_the_deadline_with_a_line_per_retry() {
    let peer = Peer::start(|_| Answer::Hang);
    let dir = project(&[("orders.yaml", ORDERS)]);
    let started = Instant::now();
    let result = run(
        dir.path(),
        &peer.base_url(),
        &[
            "plan",
            "--timeout",
            "4",
            "--request-timeout",
            "1",
            "--max-attempts",
            "20",
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    assert!(
        result.stderr.contains("retrying GET http://127.0.0.1:")
            && result.stderr.contains("(attempt 2 of 20)"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("no answer within the 4 s"),
        "{}",
        result.stderr
    );
}

#[test]
fn an_answer_larger_than_the_limit_is_refused_before_it_fills_memory() {
    let peer = Peer::start(|request| match request.target.as_str() {
        "/api/metadata/workflow" => Answer::Endless {
            byte: b' ',
            len: 3 * 1024 * 1024,
        },
        _ => response(404, "application/json", r#"{"status":404,"message":"no"}"#),
    });
    let dir = project(&[("orders.yaml", ORDERS)]);
    let result = run(
        dir.path(),
        &peer.base_url(),
        &["plan", "--max-response-mib", "1"],
    );
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("the answer is larger than 1048576 bytes"),
        "{}",
        result.stderr
    );
}

#[test]
fn basic_auth_in_the_url_is_sent_with_every_request_and_never_printed() {
    let server = server(ServerConfig::default());
    let backend = server.addr().to_string();
    let expected = "Basic dXNlcjpodW50ZXIy"; // user:hunter2
    let refused = Arc::new(Mutex::new(Vec::new()));
    let seen = refused.clone();
    let proxy = Peer::start(move |request| {
        if request.header("authorization") == Some(expected) {
            Answer::Forward(backend.clone())
        } else {
            seen.lock()
                .unwrap()
                .push(format!("{} {}", request.method, request.target));
            response(
                401,
                "application/json",
                r#"{"status":401,"message":"who are you"}"#,
            )
        }
    });
    let url = format!("http://user:hunter2@127.0.0.1:{}/api", proxy.port());
    let dir = project(&[("orders.yaml", ORDERS)]);
    let applied = run(dir.path(), &url, &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(refused.lock().unwrap().is_empty(), "{:?}", refused.lock());
    assert_eq!(task_def_names(&server), ["charge_card"]);
    let mut texts = vec![applied.stdout, applied.stderr];
    // Invalid URLs: no part of the password in the error.
    for bad in [
        "user:hunter2@conductor:8080/api",
        "http://user:hun@ter2@bad host/api",
        "http://user:hunter2@",
    ] {
        let result = run(dir.path(), bad, &["plan"]);
        assert_eq!(result.code, 3, "{bad}: {}", result.stderr);
        assert!(
            result.stderr.contains("invalid server URL"),
            "{}",
            result.stderr
        );
        texts.push(result.stderr);
    }
    for text in texts {
        for secret in ["hunter2", "ter2", "hun@"] {
            assert!(!text.contains(secret), "`{secret}` leaked in:\n{text}");
        }
    }
}

#[test]
fn a_token_the_server_echoes_in_an_error_is_never_printed() {
    let server = server(ServerConfig {
        auth: Some(Auth {
            key_id: "key-echo-1".to_owned(),
            key_secret: "secret-echo-2".to_owned(),
            token_ttl: None,
        }),
        ..ServerConfig::default()
    });
    let backend = server.addr().to_string();
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let seen = tokens.clone();
    let proxy = Peer::start(move |request| {
        let token = request
            .header("x-authorization")
            .unwrap_or_default()
            .to_owned();
        if request.method == "PUT" && request.target == "/api/metadata/workflow" {
            seen.lock().unwrap().push(token.clone());
            let body = serde_json::json!({
                "status": 400,
                "message": format!("rejected for token {token} (key key-echo-1)"),
                "validationErrors": [{"path": "x", "message": format!("token {token} may not write"),
                                      "invalidValue": token}],
            });
            return response(400, "application/json", &body.to_string());
        }
        Answer::Forward(backend.clone())
    });
    let dir = project(&[("orders.yaml", ORDERS)]);
    let result = run_against(
        dir.path(),
        &proxy.base_url(),
        &["apply", "--auto-approve"],
        &[
            ("CONDUCTOR_AUTH_KEY", "key-echo-1"),
            ("CONDUCTOR_AUTH_SECRET", "secret-echo-2"),
        ],
    );
    assert_ne!(result.code, 0, "{}{}", result.stdout, result.stderr);
    let tokens = tokens.lock().unwrap().clone();
    assert!(!tokens.is_empty() && !tokens[0].is_empty(), "{tokens:?}");
    assert!(
        result
            .stderr
            .contains("rejected for token (sensitive value)")
            || result
                .stdout
                .contains("rejected for token (sensitive value)")
            || result.stderr.contains("may not write"),
        "{}{}",
        result.stdout,
        result.stderr
    );
    for text in [&result.stdout, &result.stderr] {
        for secret in [tokens[0].as_str(), "key-echo-1", "secret-echo-2"] {
            assert!(!text.contains(secret), "`{secret}` leaked in:\n{text}");
        }
    }
}

#[test]
fn plain_http_to_another_host_gets_a_warning_loopback_does_not() {
    // An address of this machine that is not loopback: the address the system would use to
    // reach another network (a UDP "connection" sends nothing).
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    let local = socket
        .connect("10.255.255.254:9")
        .ok()
        .and_then(|()| socket.local_addr().ok())
        .map(|address| address.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    let server = start("0.0.0.0:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let dir = project(&[("orders.yaml", ORDERS)]);
    let quiet = run(
        dir.path(),
        &server.base_url().replace("0.0.0.0", "127.0.0.1"),
        &["plan"],
    );
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("plain http"), "{}", quiet.stderr);
    let Some(ip) = local else {
        eprintln!("skipped the remote half: this machine has no address but loopback");
        return;
    };
    let url = format!("http://{ip}:{}/api", server.addr().port());
    let warned = run_against(
        dir.path(),
        &url,
        &["plan"],
        &[("CONDUCTOR_AUTH_KEY", "k"), ("CONDUCTOR_AUTH_SECRET", "s")],
    );
    assert!(
        warned.stderr.contains(&format!(
            "is plain http to `{ip}`, which is not this machine: definitions, the key, the secret and the token travel unencrypted"
        )),
        "{}",
        warned.stderr
    );
}

#[test]
fn a_proxy_404_on_delete_is_not_taken_for_absence() {
    let server = server(ServerConfig::default());
    let dir = project(&[
        ("conductor-apply.yaml", "project: shop\n"),
        ("orders.yaml", ORDERS),
        ("old.yaml", "task: old_task\nownerEmail: team@example.com\n"),
    ]);
    let applied = run(dir.path(), &server.base_url(), &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    std::fs::remove_file(dir.path().join("old.yaml")).unwrap();
    let backend = server.addr().to_string();
    let proxy = Peer::start(move |request| {
        let single_read = request.method == "GET" && request.target.contains("/old_task");
        if request.method == "DELETE" || single_read {
            return response(
                404,
                "text/html",
                "<html><body><h1>404 Not Found</h1>nginx</body></html>",
            );
        }
        Answer::Forward(backend.clone())
    });
    let pruned = run(
        dir.path(),
        &proxy.base_url(),
        &["apply", "--prune", "--auto-approve"],
    );
    assert_ne!(pruned.code, 0, "{}{}", pruned.stdout, pruned.stderr);
    assert!(
        !pruned.stdout.contains("already absent") && !pruned.stdout.contains("1 destroyed"),
        "{}",
        pruned.stdout
    );
    assert!(task_def_names(&server).contains(&"old_task".to_owned()));
    // The inventory still records it: the next prune, without the proxy, deletes it.
    let direct = run(
        dir.path(),
        &server.base_url(),
        &["apply", "--prune", "--auto-approve"],
    );
    assert_eq!(direct.code, 0, "{}{}", direct.stdout, direct.stderr);
    assert_eq!(task_def_names(&server), ["charge_card"]);
}

#[test]
fn names_that_would_address_other_urls_are_refused_before_any_request() {
    let server = server(ServerConfig::default());
    let dir = project(&[(
        "dots.yaml",
        "task: ..\nownerEmail: team@example.com\n---\nworkflow: .\nversion: 1\nownerEmail: team@example.com\ntasks:\n  - ref: a\n    task: ..\n",
    )]);
    let checked = run(dir.path(), &server.base_url(), &["check"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert!(checked.stderr.contains("CA324"), "{}", checked.stderr);
    let applied = run(dir.path(), &server.base_url(), &["apply", "--auto-approve"]);
    assert_eq!(applied.code, 1, "{}", applied.stderr);
    assert_eq!(server.stats().writes, 0);
}

#[test]
fn the_markdown_plan_shows_names_as_text_never_as_markup() {
    let server = server(ServerConfig::default());
    let dir = project(&[(
        "evil.yaml",
        "task: \"x` [approve](https://evil.example) <img src=y> | *b*\"\nownerEmail: team@example.com\n",
    )]);
    let planned = run(
        dir.path(),
        &server.base_url(),
        &["--format", "markdown", "plan"],
    );
    assert_eq!(planned.code, 0, "{}{}", planned.stdout, planned.stderr);
    let table_row = planned
        .stdout
        .lines()
        .find(|line| line.contains("create"))
        .unwrap_or_default()
        .to_owned();
    for active in ["](https", "<img", "| *b*", "x`"] {
        assert!(
            !planned.stdout.contains(active),
            "`{active}` in:\n{}",
            planned.stdout
        );
    }
    // The row still has its four cells.
    assert_eq!(table_row.matches(" | ").count(), 3, "{table_row}");
}

#[test]
fn import_never_replaces_a_file_without_force_and_keys_read_back_as_themselves() {
    let dir = project(&[(
        "exported/orders.json",
        r#"{"name": "orders_flow", "version": 1, "ownerEmail": "team@example.com",
            "tasks": [{"name": "charge_card", "taskReferenceName": "charge", "type": "SIMPLE",
                       "inputParameters": {"<<": "merge is not a key here", "x": 1}}]}"#,
    )]);
    let first = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["import", "exported", "--out", "workflows"],
    );
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let written = dir.path().join("workflows/orders_flow.yaml");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("'<<'") || text.contains("\"<<\""), "{text}");
    let compiled = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["compile", "workflows", "--out", "build"],
    );
    assert_eq!(compiled.code, 0, "{}", compiled.stderr);
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("build/workflows/orders_flow.v1.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        json["tasks"][0]["inputParameters"]["<<"],
        "merge is not a key here"
    );
    // A hand edit, then import again: refused, the edit kept.
    let edited = format!("# reviewed by the payments team\n{text}");
    std::fs::write(&written, &edited).unwrap();
    let again = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["import", "exported", "--out", "workflows"],
    );
    assert_ne!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), edited);
    let forced = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["import", "exported", "--out", "workflows", "--force"],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(forced.stderr.contains("replaced "), "{}", forced.stderr);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), text);
}

#[cfg(unix)]
#[test]
fn output_never_goes_through_a_symlink_and_a_bad_name_writes_nothing() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let dir = project(&[("orders.yaml", ORDERS)]);
    let workflows = dir.path().join("build/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    // A committed `.tmp` link, and the target itself a link: neither is written through.
    std::os::unix::fs::symlink(&victim, workflows.join("orders_flow.v1.json.tmp")).unwrap();
    std::os::unix::fs::symlink(&victim, workflows.join("orders_flow.v1.json")).unwrap();
    let compiled = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["compile", "--out", "build"],
    );
    assert_eq!(compiled.code, 0, "{}", compiled.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    let target = workflows.join("orders_flow.v1.json");
    assert!(!target.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("orders_flow")
    );
    // A name too long for a file: `check` says so, and nothing at all is written.
    let long = "w".repeat(300);
    let dir = project(&[
        ("orders.yaml", ORDERS),
        (
            "long.yaml",
            &format!(
                "workflow: {long}\nversion: 1\nownerEmail: team@example.com\ntasks:\n  - ref: a\n    task: charge_card\n"
            ),
        ),
    ]);
    let checked = run(dir.path(), "http://127.0.0.1:1/api", &["check"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert!(checked.stderr.contains("CA324"), "{}", checked.stderr);
    for command in ["compile", "docs"] {
        let result = run(
            dir.path(),
            "http://127.0.0.1:1/api",
            &[command, "--out", "out"],
        );
        assert_ne!(result.code, 0, "{command}: {}", result.stderr);
        assert!(
            !dir.path().join("out").exists(),
            "{command} wrote part of its output"
        );
    }
    // Names that differ only by case: a warning in `check`; `compile` writes nothing (`docs`
    // gives the second page another name).
    let dir = project(&[
        ("orders.yaml", ORDERS),
        (
            "upper.yaml",
            &ORDERS
                .replace("orders_flow", "Orders_Flow")
                .replace("---\ntask: charge_card\nownerEmail: team@example.com\n", ""),
        ),
    ]);
    let checked = run(dir.path(), "http://127.0.0.1:1/api", &["check"]);
    assert_eq!(checked.code, 0, "{}", checked.stderr);
    assert!(checked.stderr.contains("CA325"), "{}", checked.stderr);
    let result = run(
        dir.path(),
        "http://127.0.0.1:1/api",
        &["compile", "--out", "out"],
    );
    assert_eq!(result.code, 3, "compile: {}", result.stderr);
    assert!(
        result.stderr.contains("differ only by case"),
        "{}",
        result.stderr
    );
    assert!(
        std::fs::read_dir(dir.path().join("out"))
            .map(|entries| entries.count() == 0)
            .unwrap_or(true),
        "compile wrote part of its output"
    );
}

#[test]
fn an_alias_bomb_of_long_text_is_stopped_by_its_size() {
    let long = "x".repeat(40_000);
    let text = format!(
        "workflow: bomb\nversion: 1\nownerEmail: team@example.com\ndescription: &d {long}\ninput:\n  big: [{}]\ntasks:\n  - ref: a\n    task: charge_card\n",
        vec!["*d"; 20_000].join(", ")
    );
    let dir = project(&[("bomb.yaml", &text)]);
    let started = Instant::now();
    let checked = run(dir.path(), "http://127.0.0.1:1/api", &["check"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert!(
        checked.stderr.contains("aliases expand to more than"),
        "{}",
        checked.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// Whether the project's inventory on the server holds a lease now.
fn lease_held(server: &ServerHandle, project: &str) -> bool {
    let name = format!("conductor-apply.inventory.{project}");
    Client::new(ClientConfig::new(&server.base_url()).unwrap())
        .unwrap()
        .list_task_defs()
        .unwrap_or_default()
        .iter()
        .any(|def| {
            def["name"] == name.as_str()
                && def["inputTemplate"].get("conductor-apply.lease").is_some()
        })
}

#[test]
fn a_second_apply_of_the_project_waits_for_the_lease_or_refuses_naming_the_holder() {
    // Slow answers keep the first apply busy for seconds.
    let server = server(ServerConfig {
        faults: conductor_testserver::Faults {
            latency: Duration::from_millis(250),
            ..Default::default()
        },
        ..ServerConfig::default()
    });
    let mut files = vec![
        (
            "conductor-apply.yaml".to_owned(),
            "project: shop\n".to_owned(),
        ),
        ("orders.yaml".to_owned(), ORDERS.to_owned()),
    ];
    for index in 0..5 {
        files.push((
            format!("flow_{index}.yaml"),
            ORDERS
                .replace("orders_flow", &format!("flow_{index}"))
                .replace("---\ntask: charge_card\nownerEmail: team@example.com\n", ""),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let dir = project(&files);
    let program = common::conductor_apply().get_program().to_owned();
    let spawn = |args: &[&str]| {
        std::process::Command::new(&program)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("CONDUCTOR_SERVER_URL", server.base_url())
            .env_remove("CONDUCTOR_AUTH_KEY")
            .env_remove("CONDUCTOR_AUTH_SECRET")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn(&["apply", "--auto-approve"]);
    let first_pid = first.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !lease_held(&server, "shop") {
        assert!(
            Instant::now() < deadline,
            "the first apply never took the lease"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let refused = spawn(&["apply", "--auto-approve"]);
    let waiting = spawn(&["apply", "--auto-approve", "--lock-timeout", "120"]);
    let outputs: Vec<(i32, String, String)> = [first, refused, waiting]
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            (
                output.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&output.stdout).into_owned(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            )
        })
        .collect();
    let (first, refused, waiting) = (&outputs[0], &outputs[1], &outputs[2]);
    assert_eq!(first.0, 0, "{}{}", first.1, first.2);
    assert_eq!(refused.0, 1, "{}{}", refused.1, refused.2);
    assert!(
        refused.2.contains("project `shop` is being applied by")
            && refused.2.contains(&format!("(pid {first_pid})"))
            && refused.2.contains("nothing was applied"),
        "{}",
        refused.2
    );
    assert_eq!(waiting.0, 0, "{}{}", waiting.1, waiting.2);
    assert!(
        waiting
            .2
            .contains("waiting for the lease on project `shop`"),
        "{}",
        waiting.2
    );
    assert!(
        waiting
            .2
            .contains("the server already holds these definitions"),
        "{}",
        waiting.2
    );
    // Converged, and no lease left behind.
    let clean = run(
        dir.path(),
        &server.base_url(),
        &["plan", "--detailed-exitcode"],
    );
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(!lease_held(&server, "shop"));
}
