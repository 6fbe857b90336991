//! `conductor-testserver`: the in-memory Conductor metadata server as a program, for trying
//! conductor-apply locally and for tests that run it as a child process.
//!
//! Prints `listening on http://HOST:PORT/api` as its first line on stdout, then serves until
//! it is killed. `--server-version 3.x.y` imitates that release of the real server.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use conductor_testserver::{Auth, Faults, Rules, ServerConfig, ServerVersion, start};

/// An in-memory Conductor metadata server that follows the server's contract, with fault
/// injection.
///
/// Without --server-version it is the contract's 3.32.1. With it, it imitates that release of
/// the real server as `scripts/conductor-server` runs it (checked against 3.15.0, 3.21.14 and
/// 3.32.1; other versions get the behaviour of the thresholds they pass):
/// the fields each version stores (others are dropped silently, e.g. no WorkflowDef
/// `metadata` before 3.21.14, no task `items` before 3.22.0); 3.15.0's GET shape
/// (`accessPolicy`, unset times and empty task lists left out); an owner e-mail mandatory
/// before 3.22.0; the e-mail format and no `:` in workflow names up to 3.21.10; any blank in
/// `${...}` invalid before 3.21.19; `names`/`versions` from 3.30.0 and
/// `overwrite`/`classifier` from 3.31.2; the 404 of unknown routes and `POST /api/token`, and
/// the wrong-method answer (500 before 3.32.0, 405 after), in each version's shape; deleting a
/// missing definition: 404 up to 3.21 (Redis), 500 from 3.22 (SQLite).
#[derive(Debug, Parser)]
#[command(name = "conductor-testserver", version)]
struct Args {
    /// Where to listen; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Imitate this release of the real server (any 3.x.y, e.g. 3.15.0, 3.21.14, 3.32.1).
    #[arg(long, value_name = "VERSION")]
    server_version: Option<ServerVersion>,
    /// Reject definitions without an owner e-mail (`conductor.app.ownerEmailMandatory`);
    /// `--owner-email-mandatory=false` turns it off. Default: off, or on with a
    /// --server-version before 3.22.0, as that release's bundled settings have it.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    owner_email_mandatory: Option<bool>,
    /// Reject workflow names outside `[A-Za-z0-9_<>{}#\s-]`
    /// (`conductor.app.workflow.name-validation.enabled`).
    #[arg(long)]
    workflow_name_validation: bool,
    /// Require a token from `POST /api/token` for this key id (with --auth-secret).
    #[arg(long, env = "CONDUCTOR_TESTSERVER_AUTH_KEY", requires = "auth_secret")]
    auth_key: Option<String>,
    /// The key secret accepted with --auth-key.
    #[arg(long, env = "CONDUCTOR_TESTSERVER_AUTH_SECRET", hide_env_values = true)]
    auth_secret: Option<String>,
    /// How long a token stays valid, in seconds (default: forever).
    #[arg(long, value_name = "SECONDS")]
    token_ttl: Option<u64>,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Share of requests (0.0–1.0) answered 503 (transient, retryable) without being processed.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    error_rate: f64,
    /// Share of requests (0.0–1.0) processed and then answered by dropping the connection.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    drop_rate: f64,
    /// Fail the Nth write (1-based; repeatable) with a 500, without applying it.
    #[arg(long = "fail-write", value_name = "N")]
    fail_writes: Vec<u64>,
    /// Seed of the fault generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let defaults = args
        .server_version
        .map(Rules::for_version)
        .unwrap_or_default();
    let config = ServerConfig {
        version: args.server_version,
        rules: Rules {
            owner_email_mandatory: args
                .owner_email_mandatory
                .unwrap_or(defaults.owner_email_mandatory),
            workflow_name_validation: args.workflow_name_validation,
        },
        auth: args.auth_key.map(|key_id| Auth {
            key_id,
            key_secret: args.auth_secret.unwrap_or_default(),
            token_ttl: args.token_ttl.map(Duration::from_secs),
        }),
        faults: Faults {
            latency: Duration::from_millis(args.latency_ms),
            error_rate: args.error_rate,
            drop_rate: args.drop_rate,
            fail_writes: args.fail_writes,
            seed: args.seed,
        },
    };
    let server = match start(args.addr, config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: listening on {}: {error}", args.addr);
            return std::process::ExitCode::from(3);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", server.base_url());
    let _ = stdout.flush();
    drop(stdout);
    server.wait();
    std::process::ExitCode::SUCCESS
}
