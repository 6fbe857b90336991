//! The client against the in-memory test server: status paths, error bodies, retries, auth.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

use std::time::Duration;

use conductor_client::{
    Client, ClientConfig, ClientError, Credentials, RequestNotice, RequestObserver, RetryPolicy,
};
use conductor_testserver::{Auth, Faults, ServerConfig, ServerHandle, start};
use serde_json::json;

fn server(config: ServerConfig) -> ServerHandle {
    start("127.0.0.1:0".parse().unwrap(), config).unwrap()
}

fn client(server: &ServerHandle) -> Client {
    let mut config = ClientConfig::new(&server.base_url()).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    };
    Client::new(config).unwrap()
}

fn workflow(name: &str) -> serde_json::Value {
    json!({"name": name, "version": 1, "tasks": [{"name": "t", "taskReferenceName": "t"}]})
}

#[test]
fn conflict_not_found_and_validation_errors_quote_the_server() {
    let server = server(ServerConfig::default());
    let client = client(&server);
    client.register_workflow_def(&workflow("w")).unwrap();
    let conflict = client.register_workflow_def(&workflow("w")).unwrap_err();
    assert_eq!(conflict.status(), Some(409));
    assert!(
        conflict
            .to_string()
            .contains("Workflow with w.1 already exists!"),
        "{conflict}"
    );
    let missing = client.delete_workflow_def("w", 9).unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert!(
        missing
            .to_string()
            .contains("No such workflow definition: w version: 9")
    );
    let missing = client
        .update_task_def(&json!({"name": "nope"}))
        .unwrap_err();
    assert!(
        missing.to_string().contains("No such task by name nope"),
        "{missing}"
    );
    assert_eq!(
        client.delete_task_def("nope").unwrap_err().status(),
        Some(404)
    );
    let invalid = client
        .update_workflow_defs(&[workflow("ok"), json!({"name": "bad", "tasks": []})])
        .unwrap_err();
    let body = invalid.server_error().unwrap();
    assert_eq!(body.status, 400);
    assert_eq!(
        body.validation_errors[0].message,
        "WorkflowTask list cannot be empty"
    );
    assert!(
        client.get_workflow_def("ok", 1).is_err(),
        "the whole batch was refused"
    );
    let enum_error = client
        .upsert_task_defs(&[json!({"name": "t", "retryLogic": "fixed"})])
        .unwrap_err();
    assert_eq!(
        enum_error.status(),
        Some(500),
        "a bad enum is a 500 (contract §4.4)"
    );
}

#[test]
fn transient_failures_and_dropped_connections_are_retried() {
    let server = server(ServerConfig {
        faults: Faults {
            error_rate: 0.3,
            drop_rate: 0.3,
            seed: 5,
            ..Faults::default()
        },
        ..ServerConfig::default()
    });
    let client = client(&server);
    for idx in 0..20 {
        client
            .update_workflow_defs(&[workflow(&format!("w{idx}"))])
            .unwrap();
    }
    assert_eq!(client.list_workflow_defs().unwrap().len(), 20);
    assert!(client.stats().retries > 0, "{:?}", client.stats());
}

#[test]
fn a_refused_connection_reports_the_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut config = ClientConfig::new(&format!("http://{addr}/api")).unwrap();
    config.retry.max_attempts = 2;
    config.retry.base_delay = Duration::from_millis(1);
    let error = Client::new(config).unwrap().list_task_defs().unwrap_err();
    assert!(
        matches!(error, ClientError::Transport { attempts: 2, .. }),
        "{error:?}"
    );
    let mut chain = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    assert!(!chain.is_empty(), "the cause is kept in source()");
}

#[test]
fn tokens_are_fetched_and_refreshed_on_401() {
    let server = server(ServerConfig {
        auth: Some(Auth {
            key_id: "k".to_owned(),
            key_secret: "s".to_owned(),
            token_ttl: Some(Duration::from_millis(100)),
        }),
        ..ServerConfig::default()
    });
    let mut config = ClientConfig::new(&server.base_url()).unwrap();
    config.credentials = Some(Credentials::new("k", "s"));
    let client = Client::new(config).unwrap();
    client.list_workflow_defs().unwrap();
    std::thread::sleep(Duration::from_millis(150));
    client.list_workflow_defs().unwrap();
    assert_eq!(client.stats().token_requests, 2);
}

#[test]
fn the_request_observer_sees_every_exchange_and_no_secret() {
    let server = server(ServerConfig {
        auth: Some(Auth {
            key_id: "the-key".to_owned(),
            key_secret: "the-secret".to_owned(),
            token_ttl: None,
        }),
        ..ServerConfig::default()
    });
    let url = server
        .base_url()
        .replace("http://", "http://user:pass-word@");
    let mut config = ClientConfig::new(&url).unwrap();
    config.credentials = Some(Credentials::new("the-key", "the-secret"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<RequestNotice>::new()));
    let sink = seen.clone();
    config.on_request = Some(RequestObserver(std::sync::Arc::new(move |notice| {
        sink.lock().unwrap().push(notice.clone());
    })));
    let client = Client::new(config).unwrap();
    client.list_workflow_defs().unwrap();
    client.get_workflow_def("missing", 1).unwrap_err();
    let seen = seen.lock().unwrap();
    let lines: Vec<String> = seen
        .iter()
        .map(|n| format!("{} {} {:?} {}", n.method, n.url, n.status, n.attempt))
        .collect();
    let base = server.base_url();
    assert_eq!(
        lines,
        [
            format!("POST {base}/token Some(200) 1"),
            format!("GET {base}/metadata/workflow Some(200) 1"),
            format!("GET {base}/metadata/workflow/missing?version=1 Some(404) 1"),
        ]
    );
    assert!(seen[1].bytes > 0, "the body's length is counted");
    let debug = format!("{seen:?}");
    for secret in ["the-key", "the-secret", "pass-word"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn credentials_against_a_server_without_auth_go_on_without_a_token() {
    // The test server without auth answers `POST /api/token` with 404, as OSS servers do.
    let server = server(ServerConfig::default());
    let mut config = ClientConfig::new(&server.base_url()).unwrap();
    config.credentials = Some(Credentials::new("key", "secret"));
    let client = Client::new(config).unwrap();
    assert!(!client.token_endpoint_missing());
    client.list_workflow_defs().unwrap();
    client.list_task_defs().unwrap();
    assert!(client.token_endpoint_missing());
    // Asked once, never again.
    assert_eq!(client.stats().token_requests, 1);
}

/// A server on loopback that answers every request with a redirect to `location`, and counts
/// the connections it accepted.
fn redirecting_server(
    location: String,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let _ = write!(
                stream,
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, seen)
}

#[test]
fn credentials_never_follow_a_redirect_to_another_origin() {
    // The other origin: a listener that only counts who comes.
    let (elsewhere, visits) = redirecting_server("http://127.0.0.1:1/".to_owned());
    let (url, _) = redirecting_server(format!("{elsewhere}/token"));
    let mut config = ClientConfig::new(&url).unwrap();
    config.credentials = Some(Credentials::new("key-id", "key-secret"));
    config.retry.max_attempts = 1;
    let client = Client::new(config).unwrap();
    assert!(client.list_workflow_defs().is_err());
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        visits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the token request (key and secret in its body) went to another origin"
    );
}
