//! The progress line of `plan` and `apply`, through the binary on a pseudo-terminal (`script`
//! from util-linux gives it one): shown while a slow server is read and written, and never in
//! CI, with `--format json`, with `--quiet`, or when stderr is not a terminal.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // Test helpers: a failure is a failed test; a skip is said.

mod common;

use common::HELLO;

use std::process::Command;
use std::time::Duration;

use common::Sandbox;
use conductor_testserver::{Faults, ServerConfig, ServerHandle, start};

fn slow_server() -> ServerHandle {
    start(
        "127.0.0.1:0".parse().unwrap(),
        ServerConfig {
            faults: Faults {
                latency: Duration::from_millis(250),
                ..Faults::default()
            },
            ..ServerConfig::default()
        },
    )
    .unwrap()
}

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write(
        "conductor-apply.yaml",
        "project: progress\nfiles: [\"*.yaml\"]\n",
    );
    sandbox.write("hello.yaml", HELLO);
    sandbox
}

/// Runs `conductor-apply ARGS` with stdin, stdout and stderr on a pseudo-terminal, and returns
/// what the terminal received; `None` (the test then skips, saying so) without `script`.
fn on_terminal(
    sandbox: &Sandbox,
    server: &ServerHandle,
    args: &[&str],
    env: &[(&str, &str)],
) -> Option<String> {
    let binary = assert_cmd::cargo::cargo_bin("conductor-apply");
    let command_line = std::iter::once(binary.display().to_string())
        .chain(args.iter().map(|arg| (*arg).to_owned()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut command = Command::new("script");
    command
        .args(["-qefc", &command_line, "/dev/null"])
        .current_dir(sandbox.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("CONDUCTOR_SERVER_URL", server.base_url())
        .env_remove("CI")
        .env_remove("CONDUCTOR_AUTH_KEY")
        .env_remove("CONDUCTOR_AUTH_SECRET");
    for (key, value) in env {
        command.env(key, value);
    }
    match command.output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stdout)
            );
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(error) => {
            eprintln!(
                "skipped: `script` (util-linux) cannot run ({error}), so no terminal for the test"
            );
            None
        }
    }
}

#[test]
fn plan_and_apply_show_progress_on_a_terminal() {
    let server = slow_server();
    let sandbox = sandbox();
    let Some(plan) = on_terminal(&sandbox, &server, &["plan"], &[]) else {
        return;
    };
    assert!(plan.contains("reading the server ["), "{plan:?}");
    assert!(plan.contains("] 1 request, the last GET /api/"), "{plan:?}");
    assert!(
        plan.contains("] 3 requests, the last GET /api/"),
        "{plan:?}"
    );
    assert!(plan.contains("Plan: 2 to add"), "{plan:?}");

    let apply = on_terminal(&sandbox, &server, &["apply", "--auto-approve"], &[]).unwrap();
    assert!(apply.contains("applying 2 changes ["), "{apply:?}");
    assert!(
        apply.contains("Apply complete") || apply.contains("applied"),
        "{apply:?}"
    );
}

#[test]
fn no_progress_in_ci_with_json_quiet_or_without_a_terminal() {
    let server = slow_server();
    let sandbox = sandbox();
    let Some(ci) = on_terminal(&sandbox, &server, &["plan"], &[("CI", "true")]) else {
        return;
    };
    assert!(ci.contains("Plan: 2 to add"), "{ci:?}");
    assert!(!ci.contains("reading the server ["), "{ci:?}");
    for args in [
        &["--format", "json", "plan"][..],
        &["plan", "-q"],
        &["plan", "-v"],
    ] {
        let run = on_terminal(&sandbox, &server, args, &[]).unwrap();
        assert!(!run.contains("reading the server ["), "{args:?}: {run:?}");
    }
    let piped = common::run_against(sandbox.path(), &server.base_url(), &["plan"], &[]);
    assert!(
        !piped.stderr.contains("reading the server ["),
        "{}",
        piped.stderr
    );
}
