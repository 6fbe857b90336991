//! An in-memory Conductor metadata server that behaves as the contract says the real server
//! does, with fault injection, for tests and for trying conductor-apply locally.
//!
//! - [`start`] serves on its own thread and tokio runtime (a blocking HTTP client must never
//!   run inside a tokio runtime, crates.md §3.9) and returns a [`ServerHandle`] with the base
//!   URL (`http://127.0.0.1:PORT/api`) and request counters; dropping the handle stops it.
//! - [`ServerConfig`] holds the server's settings ([`Rules`]: owner e-mail mandatory, workflow
//!   name validation), optional [`Auth`] (`POST /api/token`, `X-Authorization`), and
//!   [`Faults`]: latency, a rate of transient 5xx answers, a rate of dropped connections (the
//!   request is processed and its response lost), and a failure of the Nth write.
//! - The `conductor-testserver` binary wraps [`start`] with flags and prints
//!   `listening on http://HOST:PORT/api` on its first stdout line.
//!
//! **Version profiles.** [`ServerConfig::version`] (`--server-version` on the binary) makes the
//! server imitate one release of the real server, as `scripts/conductor-server` runs it;
//! [`ServerConfig::for_version`] also takes that release's default [`Rules`]. Any `3.x.y` is
//! accepted ([`ServerVersion`]) and behaviour follows thresholds; `tests/differential.rs`
//! checks 3.15.0, 3.21.14 and 3.32.1 against the real servers. Per version:
//! - the fields each class has ([`classes::field_since`]): others are dropped silently, e.g.
//!   WorkflowDef `metadata` from 3.21.14, `cacheConfig` 3.21.16, `maskedFields` 3.21.18,
//!   `failureWorkflowVersion` 3.31.2; WorkflowTask `permissive` 3.16.0, `items` 3.22.0,
//!   `joinMode` 3.22.3, `metadata` 3.32.0; TaskDef `totalTimeoutSeconds` 3.21.11,
//!   `taskStatusListenerEnabled` 3.23.0, `maxRetryDelaySeconds`/`backoffJitterMs` 3.30.0,
//!   `runtimeMetadata` 3.31.2; RateLimitConfig `policy` 3.22.0;
//! - before 3.21.0 (Spring Boot 2, `BaseDef`): `accessPolicy: {}` on WorkflowDef and TaskDef,
//!   unset `createTime`/`updateTime` left out, empty task lists and maps (`decisionCases`,
//!   `forkTasks`, `joinOn`, ...) left out, the creation stamp not carried over by
//!   `PUT /metadata/taskdefs`, parameter names in validation paths
//!   (`registerTaskDef.taskDefinitions[0]`), Boot's `{timestamp, status, error, path}` 404;
//! - registration: owner e-mail mandatory by default before 3.22.0; `@Email` and no `:` in
//!   workflow names up to 3.21.10 (TaskDef `@Email` before 3.21.0); any blank in a `${...}`
//!   path invalid before 3.21.19, a leading one always;
//! - endpoints: `names` and `{name}/versions` from 3.30.0, `overwrite` and `classifier` from
//!   3.31.2; a wrong method is 500 before 3.32.0 and 405 after; `POST /api/token` without
//!   [`Auth`] is the 404 of an unknown route; deleting a missing definition is a 404 with the
//!   Redis message up to 3.21 and a 500 (SQLite) from 3.22.
//!
//! Without a version the server is what it always was: the contract's 3.32.1, which differs
//! from the real 3.32.1 in three places (a missing definition's delete is a 404; `${ x}` fails
//! as an unknown reference rather than as an invalid path; a wrong method is a bare 405).
//!
//! Served (contract §5.2): `GET/POST/PUT /api/metadata/workflow`,
//! `POST /api/metadata/workflow/validate`, `GET /api/metadata/workflow/{name}`,
//! `GET /api/metadata/workflow/latest-versions`, `GET /api/metadata/workflow/names`,
//! `GET /api/metadata/workflow/{name}/versions`, `DELETE /api/metadata/workflow/{name}/{version}`,
//! `GET/POST/PUT /api/metadata/taskdefs`, `GET/DELETE /api/metadata/taskdefs/{name}`,
//! `POST /api/workflow/{name}` (records a running execution, nothing runs) and
//! `GET /api/workflow/running/{name}`.
//!
//! ```
//! use conductor_testserver::{ServerConfig, start};
//!
//! let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert!(server.base_url().ends_with("/api"));
//! ```
//!
//! This crate deliberately depends on no other crate of conductor-apply: its value as a test
//! double is that it implements the server's behaviour from the contract independently,
//! including its own table of the server's defaults ([`classes`]).

#![warn(missing_docs)]

pub mod classes;
mod faults;
mod routes;
pub mod validation;
mod version;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use faults::Faults;
pub use validation::Rules;
pub use version::{ParseVersionError, ServerVersion};

/// Credentials the server accepts on `POST /api/token`.
#[derive(Clone, Default)]
pub struct Auth {
    /// The key id (`keyId`).
    pub key_id: String,
    /// The key secret (`keySecret`).
    pub key_secret: String,
    /// How long a token stays valid; `None` means forever.
    pub token_ttl: Option<Duration>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("key_id", &"(sensitive value)")
            .field("key_secret", &"(sensitive value)")
            .field("token_ttl", &self.token_ttl)
            .finish()
    }
}

/// Everything the server can be told at start.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Registration settings.
    pub rules: Rules,
    /// When set, every endpoint but `POST /api/token` needs a valid `X-Authorization` token.
    pub auth: Option<Auth>,
    /// Faults to inject.
    pub faults: Faults,
    /// The real server release to imitate; `None` keeps the contract's 3.32.1 as this server
    /// always modelled it. See the crate documentation for what changes.
    pub version: Option<ServerVersion>,
}

impl ServerConfig {
    /// A server imitating `version`, with that version's default settings
    /// ([`Rules::for_version`]: the owner e-mail is mandatory before 3.22.0).
    pub fn for_version(version: ServerVersion) -> ServerConfig {
        ServerConfig {
            rules: Rules::for_version(version),
            version: Some(version),
            ..ServerConfig::default()
        }
    }
}

/// Counters of what the server has seen, for tests and benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    requests: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
}

/// A snapshot of [`Stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Every request received, faulted ones included.
    pub requests: u64,
    /// `GET` requests.
    pub reads: u64,
    /// `POST`, `PUT` and `DELETE` requests other than `POST /api/token`.
    pub writes: u64,
}

impl Stats {
    fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
        }
    }
}

/// A running server. Dropping it stops the server.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    stats: Arc<Stats>,
    shutdown: tokio::sync::watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, `http://HOST:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// What the server has received so far.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Blocks until the server stops (it stops only when the handle is dropped, or on an
    /// error of the listener): what the binary does.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds `addr` (port 0 picks a free port) and serves on a new thread with its own runtime.
/// Binding errors are returned here, before the thread starts.
pub fn start(addr: SocketAddr, config: ServerConfig) -> std::io::Result<ServerHandle> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let stats = Arc::new(Stats::default());
    let app = routes::router(config, Arc::clone(&stats));
    let (shutdown, stop) = tokio::sync::watch::channel(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name(format!("conductor-testserver {addr}"))
        .spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let mut graceful_stop = stop.clone();
                let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                    let _ = graceful_stop.wait_for(|stopped| *stopped).await;
                });
                // Graceful shutdown waits for open connections; give them half a second.
                let mut deadline_stop = stop;
                let deadline = async move {
                    let _ = deadline_stop.wait_for(|stopped| *stopped).await;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                };
                tokio::select! {
                    _ = serve.into_future() => {}
                    () = deadline => {}
                }
            });
            // Connections still open (keep-alive) are dropped with the runtime.
            runtime.shutdown_timeout(Duration::from_millis(100));
        })?;
    Ok(ServerHandle {
        addr,
        stats,
        shutdown,
        thread: Some(thread),
    })
}
