//! The Conductor metadata REST API (contract §5) over blocking reqwest with rustls: the only
//! crate of conductor-apply that makes HTTP requests.
//!
//! - [`ClientConfig`] says where the server is ([`ClientConfig::new`] takes the base URL,
//!   `http://localhost:8080/api` by default in the CLI), which [`Credentials`] to use, the
//!   connect and request timeouts and the [`RetryPolicy`].
//! - [`Client`] has one method per endpoint the product uses. Definitions travel as
//!   `serde_json::Value`, exactly as the server sends them: normalising them is the caller's job.
//! - With credentials, the client gets a token from `POST /api/token` before its first request,
//!   sends it as `X-Authorization`, and gets a new one once when a request answers 401.
//! - Reads and idempotent writes are retried on connection errors, 429 and 5xx (a 500 only when
//!   the server marks it `retryable`, contract §4.5), with exponential backoff and jitter, a
//!   bounded number of times. Creating with `POST /api/metadata/workflow` is not retried.
//!   [`ClientConfig::on_retry`] is told about each retry before the wait, and
//!   [`ClientConfig::deadline`] bounds the whole conversation, waits included.
//!   [`ClientConfig::on_request`] is told about each exchange (method, URL without
//!   credentials, status, size, time; never a header or a body).
//! - Answers are read up to [`ClientConfig::max_response_bytes`]; a longer one is an error.
//! - Text the server sends back is scrubbed of the key, the secret, the token and the URL's
//!   password before it reaches an error; a name that is empty, `.` or `..` is refused as a
//!   path segment ([`is_valid_name`]), since it would address another URL.
//! - Every failure is a [`ClientError`] carrying the method, the URL (without credentials) and,
//!   for an answer of the server, its [`ServerError`] body: status, message and validation
//!   errors.
//! - [`Secret`] holds the key, the secret and the token; its `Debug` and `Display` print a
//!   placeholder, so none of them can reach output by accident.
//!
//! ```
//! use conductor_client::{Client, ClientConfig};
//!
//! let config = ClientConfig::new("http://127.0.0.1:1/api").unwrap();
//! let client = Client::new(config).unwrap();
//! assert_eq!(client.base_url(), "http://127.0.0.1:1/api");
//! ```
//!
//! Knows nothing of the DSL, of plans or of rendering.

#![warn(missing_docs)]

mod error;
mod secret;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use reqwest::blocking::Response;
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;

pub use error::{ClientError, ServerError, ValidationError};
pub use secret::{Credentials, Secret};

/// How failed requests are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles for each further one.
    pub base_delay: Duration,
    /// The longest delay between two attempts (also caps `Retry-After`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Where the server is and how to talk to it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: Url,
    /// Key and secret for `POST /api/token`; `None` for servers without auth (OSS).
    pub credentials: Option<Credentials>,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, from sending to the end of the answer.
    pub request_timeout: Duration,
    /// Retries.
    pub retry: RetryPolicy,
    /// The time the whole conversation may take, from [`Client::new`]: no request starts and
    /// no retry waits past it. `None`: no overall limit.
    pub deadline: Option<Duration>,
    /// The largest answer body read; a longer one is an error, so that a broken or hostile
    /// server cannot exhaust memory.
    pub max_response_bytes: u64,
    /// Told about each retry before the client waits for it (the CLI prints a line).
    pub on_retry: Option<RetryObserver>,
    /// Told about each HTTP exchange once it ended, answered or not (the CLI's `--verbose`).
    pub on_request: Option<RequestObserver>,
}

/// The largest answer body read by default: 512 MiB, far above the metadata of the largest
/// deployments seen (about 5 MB for 1,000 workflows).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// A retry about to happen: what failed and how long the client waits.
#[derive(Debug, Clone)]
pub struct RetryNotice {
    /// The HTTP method.
    pub method: String,
    /// The URL, without credentials.
    pub url: String,
    /// The attempt that follows (2 for the first retry).
    pub next_attempt: u32,
    /// Attempts in all.
    pub max_attempts: u32,
    /// Why the previous attempt failed, scrubbed of secrets.
    pub cause: String,
    /// The wait before the next attempt.
    pub delay: Duration,
}

/// A function told about each retry (see [`ClientConfig::on_retry`]).
#[derive(Clone)]
pub struct RetryObserver(pub std::sync::Arc<dyn Fn(&RetryNotice) + Send + Sync>);

impl std::fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryObserver")
    }
}

/// One HTTP exchange the client made (see [`ClientConfig::on_request`]). Carries no header
/// and no body, so no credential or token can reach it; the URL is without credentials.
#[derive(Debug, Clone)]
pub struct RequestNotice {
    /// The HTTP method.
    pub method: String,
    /// The URL, without credentials.
    pub url: String,
    /// The attempt (1 for the first).
    pub attempt: u32,
    /// The answer's status; `None` when no answer came (no connection, a timeout).
    pub status: Option<u16>,
    /// The length of the answer's body in bytes, as read (0 when it was not read).
    pub bytes: u64,
    /// From sending to the end of the answer.
    pub elapsed: Duration,
}

/// A function told about each HTTP exchange (see [`ClientConfig::on_request`]).
#[derive(Clone)]
pub struct RequestObserver(pub std::sync::Arc<dyn Fn(&RequestNotice) + Send + Sync>);

impl std::fmt::Debug for RequestObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestObserver")
    }
}

impl ClientConfig {
    /// A configuration for the API at `base_url` (`http(s)://host:port/api`), with default
    /// timeouts (10 s to connect, 60 s per request) and retries. A trailing `/` is ignored.
    pub fn new(base_url: &str) -> Result<ClientConfig, ClientError> {
        let trimmed = base_url.trim().trim_end_matches('/');
        let invalid = |reason: &str| ClientError::InvalidUrl {
            url: redact_text(trimmed),
            reason: reason.to_owned(),
        };
        let url = Url::parse(trimmed).map_err(|error| invalid(&error.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if url.cannot_be_a_base() || url.host_str().is_none() {
            return Err(invalid("the URL has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("the URL must not have a query or a fragment"));
        }
        Ok(ClientConfig {
            base_url: url,
            credentials: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            deadline: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            on_retry: None,
            on_request: None,
        })
    }

    /// The base URL without credentials, as shown to users.
    pub fn display_url(&self) -> String {
        redact(&self.base_url)
    }

    /// The host, when the URL is plain `http` to a host other than this machine (loopback
    /// addresses and `localhost`), where what is sent can be read on the way.
    pub fn plain_http_remote_host(&self) -> Option<String> {
        if self.base_url.scheme() != "http" {
            return None;
        }
        let host = self.base_url.host_str()?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = match bare.parse::<std::net::IpAddr>() {
            Ok(address) => address.is_loopback(),
            Err(_) => {
                let name = bare.to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
        };
        (!loopback).then(|| host.to_owned())
    }
}

/// Counters of the requests a client has sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestStats {
    /// HTTP requests sent, retries and token requests included.
    pub requests: u64,
    /// Of those, retries after a failed attempt.
    pub retries: u64,
    /// Of those, token requests.
    pub token_requests: u64,
}

/// The `BulkResponse` of `PUT /api/metadata/workflow` (contract §5.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkResponse {
    /// Errors while storing, keyed by workflow name.
    #[serde(default)]
    pub bulk_error_results: std::collections::BTreeMap<String, String>,
    /// Names stored.
    #[serde(default)]
    pub bulk_successful_results: Vec<String>,
}

/// A client of one Conductor server. Cheap to share by reference; requests are sequential
/// per call.
#[derive(Debug)]
pub struct Client {
    http: reqwest::blocking::Client,
    config: ClientConfig,
    token: Mutex<Option<Secret>>,
    /// Set when `POST /api/token` answered 404: the server has no auth (OSS), so requests go
    /// on without a token, as the official SDKs do.
    no_token_endpoint: AtomicBool,
    requests: AtomicU64,
    retries: AtomicU64,
    token_requests: AtomicU64,
    /// When the client was made: the overall deadline counts from here.
    started: Instant,
}

/// Whether a request may be sent again after a failure whose effect is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Idempotence {
    Idempotent,
    Once,
}

static INSTALL_CRYPTO_PROVIDER: Once = Once::new();

impl Client {
    /// A client for the configured server. Installs rustls's ring provider (once per process)
    /// and builds the HTTP client; makes no request.
    pub fn new(config: ClientConfig) -> Result<Client, ClientError> {
        INSTALL_CRYPTO_PROVIDER.call_once(|| {
            // An error means another provider is installed already, which serves as well.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("conductor-apply/", env!("CARGO_PKG_VERSION")))
            // Credentials travel in a custom header and in the token request's body, which
            // reqwest would carry to any host a redirect names: follow a redirect only within
            // the configured origin.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_origin = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.origin() == attempt.url().origin());
                if same_origin && attempt.previous().len() < 10 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()
            .map_err(|source| ClientError::Build {
                source: source.without_url(),
            })?;
        Ok(Client {
            http,
            config,
            token: Mutex::new(None),
            no_token_endpoint: AtomicBool::new(false),
            requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            started: Instant::now(),
        })
    }

    /// The base URL without credentials.
    pub fn base_url(&self) -> String {
        self.config.display_url()
    }

    /// What this client has sent so far.
    pub fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            token_requests: self.token_requests.load(Ordering::Relaxed),
        }
    }

    /// Whether credentials are configured but the server has no `POST /api/token` (it answered
    /// 404, as every OSS server does), so requests are sent without a token.
    pub fn token_endpoint_missing(&self) -> bool {
        self.no_token_endpoint.load(Ordering::Relaxed)
    }

    /// The server's version as it reports it: `GET /api/version` (text, from 3.22.0), else the
    /// `version` of `GET /api/admin/config` (every 3.x release built with build info). `None`
    /// when neither says; an unreachable server is an error.
    pub fn server_version(&self) -> Result<Option<String>, ClientError> {
        let url = self.url(&["version"], &[])?;
        match self.request(Method::GET, url, None, Idempotence::Idempotent) {
            Ok(text) => {
                let text = text.trim().trim_matches('"').trim();
                // A JSON or HTML body is not a version (a proxy's page, an SPA's index).
                if !text.is_empty() && text.len() < 64 && !text.contains(['{', '<']) {
                    return Ok(Some(text.to_owned()));
                }
            }
            Err(ClientError::Server { .. }) => {}
            Err(other) => return Err(other),
        }
        let url = self.url(&["admin", "config"], &[])?;
        match self.request_json::<Value>(Method::GET, url, None, Idempotence::Idempotent) {
            Ok(config) => Ok(config
                .get("version")
                .and_then(Value::as_str)
                .map(|version| version.trim().to_owned())
                .filter(|version| !version.is_empty())),
            Err(ClientError::Server { .. } | ClientError::Decode { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// `GET /api/metadata/workflow`: every version of every workflow.
    pub fn list_workflow_defs(&self) -> Result<Vec<Value>, ClientError> {
        let url = self.url(&["metadata", "workflow"], &[])?;
        self.request_json(Method::GET, url, None, Idempotence::Idempotent)
    }

    /// `GET /api/metadata/taskdefs`: every task definition (the list, which reads the store
    /// rather than a per-node cache, contract §5.6).
    pub fn list_task_defs(&self) -> Result<Vec<Value>, ClientError> {
        let url = self.url(&["metadata", "taskdefs"], &[])?;
        self.request_json(Method::GET, url, None, Idempotence::Idempotent)
    }

    /// `GET /api/metadata/workflow/{name}?version=N`.
    pub fn get_workflow_def(&self, name: &str, version: i64) -> Result<Value, ClientError> {
        let url = self.url(
            &["metadata", "workflow", name],
            &[("version", version.to_string())],
        )?;
        self.request_json(Method::GET, url, None, Idempotence::Idempotent)
    }

    /// `GET /api/metadata/taskdefs/{name}`; 404 when missing.
    pub fn get_task_def(&self, name: &str) -> Result<Value, ClientError> {
        let url = self.url(&["metadata", "taskdefs", name], &[])?;
        self.request_json(Method::GET, url, None, Idempotence::Idempotent)
    }

    /// `POST /api/metadata/workflow`: registers a new workflow version; the server answers 409
    /// when it exists. Not retried, since it is not idempotent.
    pub fn register_workflow_def(&self, def: &Value) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "workflow"], &[])?;
        self.request(Method::POST, url, Some(def), Idempotence::Once)
            .map(drop)
    }

    /// `PUT /api/metadata/workflow`: creates or replaces each definition. The server validates
    /// the whole list first and rejects all of it with 400 when one is invalid (contract §4.1).
    pub fn update_workflow_defs(&self, defs: &[Value]) -> Result<BulkResponse, ClientError> {
        let url = self.url(&["metadata", "workflow"], &[])?;
        let body = Value::Array(defs.to_vec());
        let text = self.request(
            Method::PUT,
            url.clone(),
            Some(&body),
            Idempotence::Idempotent,
        )?;
        if text.trim().is_empty() {
            return Ok(BulkResponse::default());
        }
        serde_json::from_str(&text).map_err(|source| ClientError::Decode {
            method: Method::PUT.to_string(),
            url: redact(&url),
            source,
        })
    }

    /// `POST /api/metadata/workflow/validate`: the registration checks, nothing stored.
    pub fn validate_workflow_def(&self, def: &Value) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "workflow", "validate"], &[])?;
        self.request(Method::POST, url, Some(def), Idempotence::Idempotent)
            .map(drop)
    }

    /// `POST /api/metadata/taskdefs`: creates or replaces each task definition (an upsert on
    /// every backend, contract §5.2).
    pub fn upsert_task_defs(&self, defs: &[Value]) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "taskdefs"], &[])?;
        let body = Value::Array(defs.to_vec());
        self.request(Method::POST, url, Some(&body), Idempotence::Idempotent)
            .map(drop)
    }

    /// `PUT /api/metadata/taskdefs`: replaces one existing task definition; 404 when missing.
    pub fn update_task_def(&self, def: &Value) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "taskdefs"], &[])?;
        self.request(Method::PUT, url, Some(def), Idempotence::Idempotent)
            .map(drop)
    }

    /// `DELETE /api/metadata/workflow/{name}/{version}`; 404 when missing.
    pub fn delete_workflow_def(&self, name: &str, version: i64) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "workflow", name, &version.to_string()], &[])?;
        self.request(Method::DELETE, url, None, Idempotence::Idempotent)
            .map(drop)
    }

    /// `DELETE /api/metadata/taskdefs/{name}`; 404 when missing.
    pub fn delete_task_def(&self, name: &str) -> Result<(), ClientError> {
        let url = self.url(&["metadata", "taskdefs", name], &[])?;
        self.request(Method::DELETE, url, None, Idempotence::Idempotent)
            .map(drop)
    }

    /// `GET /api/workflow/running/{name}?version=N`: ids of the running executions.
    pub fn running_workflows(&self, name: &str, version: i64) -> Result<Vec<String>, ClientError> {
        let url = self.url(
            &["workflow", "running", name],
            &[("version", version.to_string())],
        )?;
        self.request_json(Method::GET, url, None, Idempotence::Idempotent)
    }

    /// `POST /api/workflow/test` with a `WorkflowTestRequest` (name, version, input,
    /// `taskRefToMockOutput`, `subWorkflowTestRequest`): the server runs the workflow with the
    /// mocked outcomes and answers the execution as it stands. Not retried (it starts an
    /// execution).
    pub fn test_workflow(&self, request: &Value) -> Result<Value, ClientError> {
        let url = self.url(&["workflow", "test"], &[])?;
        self.request_json(Method::POST, url, Some(request), Idempotence::Once)
    }

    /// `POST /api/workflow/{name}?version=N` with `input` as the body: starts an execution and
    /// returns its id. Not retried.
    pub fn start_workflow(
        &self,
        name: &str,
        version: i64,
        input: &Value,
    ) -> Result<String, ClientError> {
        let url = self.url(&["workflow", name], &[("version", version.to_string())])?;
        self.request(Method::POST, url, Some(input), Idempotence::Once)
            .map(|text| text.trim().to_owned())
    }

    /// The URL of an endpoint: the base path, then each segment percent-encoded (a name with
    /// `/` or spaces stays one segment), then the query.
    /// A name that is empty, `.` or `..` is refused: as a path segment it would name another
    /// URL (`/metadata/workflow/..` is `/metadata`).
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, ClientError> {
        if let Some(name) = segments.iter().find(|segment| !is_valid_name(segment)) {
            return Err(ClientError::InvalidName {
                name: (*name).to_owned(),
            });
        }
        let mut url = self.config.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }

    fn request_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        idempotence: Idempotence,
    ) -> Result<T, ClientError> {
        let text = self.request(method.clone(), url.clone(), body, idempotence)?;
        serde_json::from_str(&text).map_err(|source| ClientError::Decode {
            method: method.to_string(),
            url: redact(&url),
            source,
        })
    }

    /// Sends a request with auth, retries and backoff; returns the body of a 2xx answer.
    fn request(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        idempotence: Idempotence,
    ) -> Result<String, ClientError> {
        let body = body.map(Value::to_string);
        let max_attempts = match idempotence {
            Idempotence::Idempotent => self.config.retry.max_attempts.max(1),
            Idempotence::Once => 1,
        };
        let mut refreshed_token = false;
        loop {
            let token = self.token(&url)?;
            let mut headers = Vec::new();
            if let Some(token) = &token {
                let mut value =
                    HeaderValue::from_str(token.expose()).map_err(|_| ClientError::Auth {
                        url: redact(&url),
                        status: None,
                        message: "the token is not a valid header value".to_owned(),
                    })?;
                value.set_sensitive(true);
                headers.push(("X-Authorization", value));
            }
            let (status, text, attempts) =
                self.exchange(&method, &url, &headers, body.as_deref(), max_attempts)?;
            if status.is_success() {
                return Ok(text);
            }
            if status == StatusCode::UNAUTHORIZED
                && self.config.credentials.is_some()
                && !refreshed_token
            {
                // The token expired or was revoked: get a new one, once per request.
                refreshed_token = true;
                self.forget_token();
                continue;
            }
            return Err(ClientError::Server {
                method: method.to_string(),
                url: redact(&url),
                attempts,
                error: self.scrub_error(ServerError::from_body(status.as_u16(), &text)),
            });
        }
    }

    /// Sends one request up to `max_attempts` times: again after a transport failure, a 429,
    /// a 502–504 or a 5xx the server marks retryable. Returns the last answer (status, body,
    /// attempts made); an error only when no answer came.
    fn exchange(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(&'static str, HeaderValue)],
        body: Option<&str>,
        max_attempts: u32,
    ) -> Result<(StatusCode, String, u32), ClientError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            let (status, retry_after, text) =
                match self.send_once(method, url, headers, body, attempt) {
                    Ok(answer) => answer,
                    Err(Failure::Fatal(error)) => return Err(error),
                    Err(Failure::Transport(source)) => {
                        if attempt < max_attempts {
                            let cause = self.scrub(&error_chain(&*source));
                            self.before_retry(method, url, attempt, max_attempts, cause, None)?;
                            continue;
                        }
                        return Err(ClientError::Transport {
                            method: method.to_string(),
                            url: redact(url),
                            attempts: attempt,
                            source,
                        });
                    }
                };
            if !status.is_success() && attempt < max_attempts {
                let error = ServerError::from_body(status.as_u16(), &text);
                let transient = status == StatusCode::TOO_MANY_REQUESTS
                    || matches!(status.as_u16(), 502..=504)
                    || (status.is_server_error() && error.retryable);
                if transient {
                    let cause = format!(
                        "the server answered {}: {}",
                        status.as_u16(),
                        self.scrub_error(error).summary()
                    );
                    self.before_retry(method, url, attempt, max_attempts, cause, retry_after)?;
                    continue;
                }
            }
            return Ok((status, text, attempt));
        }
    }

    /// One HTTP exchange: sends the request within what is left of the deadline and reads the
    /// answer's body up to the size limit.
    fn send_once(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(&'static str, HeaderValue)],
        body: Option<&str>,
        attempt: u32,
    ) -> Result<(StatusCode, Option<Duration>, String), Failure> {
        let remaining = self.remaining(method, url, attempt)?;
        let mut builder = self.http.request(method.clone(), url.clone()).timeout(
            remaining.map_or(self.config.request_timeout, |left| {
                left.min(self.config.request_timeout)
            }),
        );
        for (name, value) in headers {
            builder = builder.header(*name, value.clone());
        }
        if let Some(body) = body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let mut answered = None;
        let exchange = builder
            .send()
            .map_err(|source| Failure::Transport(Box::new(source.without_url())))
            .and_then(|response| {
                let status = response.status();
                answered = Some(status.as_u16());
                let retry_after = retry_after(&response);
                let text = self.read_body(method, url, response)?;
                Ok((status, retry_after, text))
            });
        if let Some(observer) = &self.config.on_request {
            (observer.0)(&RequestNotice {
                method: method.to_string(),
                url: redact(url),
                attempt,
                status: answered,
                bytes: exchange
                    .as_ref()
                    .map_or(0, |(_, _, text)| text.len() as u64),
                elapsed: started.elapsed(),
            });
        }
        exchange
    }

    /// The body of an answer as text, refused past `max_response_bytes`: by its announced
    /// length before reading anything, else once that much was read.
    fn read_body(&self, method: &Method, url: &Url, response: Response) -> Result<String, Failure> {
        use std::io::Read;
        let limit = self.config.max_response_bytes;
        let too_large = || {
            Failure::Fatal(ClientError::TooLarge {
                method: method.to_string(),
                url: redact(url),
                limit,
            })
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        response
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|source| Failure::Transport(Box::new(source)))?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        })
    }

    /// What is left of the overall deadline (`None` without one); an error once it passed.
    fn remaining(
        &self,
        method: &Method,
        url: &Url,
        attempt: u32,
    ) -> Result<Option<Duration>, ClientError> {
        let Some(deadline) = self.config.deadline else {
            return Ok(None);
        };
        let left = deadline.saturating_sub(self.started.elapsed());
        if left.is_zero() {
            return Err(self.deadline_error(method, url, attempt));
        }
        Ok(Some(left))
    }

    fn deadline_error(&self, method: &Method, url: &Url, attempt: u32) -> ClientError {
        ClientError::Deadline {
            method: method.to_string(),
            url: redact(url),
            attempts: attempt,
            limit: self.config.deadline.unwrap_or_default(),
        }
    }

    /// Before attempt `attempt + 1`: tells the observer, then waits (the server's
    /// `Retry-After` when it gave one, else exponential backoff with jitter, half the delay
    /// fixed and half random). An error when the wait would pass the deadline.
    fn before_retry(
        &self,
        method: &Method,
        url: &Url,
        attempt: u32,
        max_attempts: u32,
        cause: String,
        retry_after: Option<Duration>,
    ) -> Result<(), ClientError> {
        let policy = self.config.retry;
        let exponent = attempt.saturating_sub(1).min(16);
        let backoff = policy
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(policy.max_delay);
        let delay = match retry_after {
            Some(wait) => wait.min(policy.max_delay),
            None => {
                let half = backoff / 2;
                let jitter_ms = fastrand::u64(0..=half.as_millis() as u64);
                half + Duration::from_millis(jitter_ms)
            }
        };
        if let Some(left) = self.remaining(method, url, attempt)?
            && delay >= left
        {
            return Err(self.deadline_error(method, url, attempt));
        }
        if let Some(observer) = &self.config.on_retry {
            (observer.0)(&RetryNotice {
                method: method.to_string(),
                url: redact(url),
                next_attempt: attempt + 1,
                max_attempts,
                cause,
                delay,
            });
        }
        std::thread::sleep(delay);
        Ok(())
    }

    /// `text` without the key, the secret, the token or the URL's password, for text that
    /// came from the server (a server may echo what it was sent).
    fn scrub(&self, text: &str) -> String {
        let mut out = match &self.config.credentials {
            Some(credentials) => credentials.scrub(text),
            None => text.to_owned(),
        };
        let token = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let password = self.config.base_url.password().map(str::to_owned);
        for secret in token.iter().map(|t| t.expose().to_owned()).chain(password) {
            if !secret.is_empty() {
                out = out.replace(&secret, secret::REDACTED);
            }
        }
        out
    }

    fn scrub_error(&self, mut error: ServerError) -> ServerError {
        error.message = self.scrub(&error.message);
        for validation in &mut error.validation_errors {
            validation.message = self.scrub(&validation.message);
            if let Some(path) = &validation.path {
                validation.path = Some(self.scrub(path));
            }
            if let Some(Value::String(value)) = &validation.invalid_value {
                validation.invalid_value = Some(Value::String(self.scrub(value)));
            }
        }
        error
    }

    /// The token to send, fetched on first use when credentials are configured.
    fn token(&self, for_url: &Url) -> Result<Option<Secret>, ClientError> {
        let Some(credentials) = &self.config.credentials else {
            return Ok(None);
        };
        if self.no_token_endpoint.load(Ordering::Relaxed) {
            return Ok(None);
        }
        // The lock is not held while the token is fetched: error texts are scrubbed of the
        // token under the same lock.
        if let Some(token) = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            return Ok(Some(token.clone()));
        }
        match self.fetch_token(credentials, for_url) {
            Ok(token) => {
                *self
                    .token
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(token.clone());
                Ok(Some(token))
            }
            // No token endpoint: an OSS server, which has no auth at all (server-versions.md §5).
            Err(ClientError::Auth {
                status: Some(404), ..
            }) => {
                self.no_token_endpoint.store(true, Ordering::Relaxed);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    fn forget_token(&self) {
        *self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// `POST /api/token` with `{"keyId", "keySecret"}`, answering `{"token"}`.
    fn fetch_token(
        &self,
        credentials: &Credentials,
        _for_url: &Url,
    ) -> Result<Secret, ClientError> {
        let url = self.url(&["token"], &[])?;
        let body = serde_json::json!({
            "keyId": credentials.key_id.expose(),
            "keySecret": credentials.key_secret.expose(),
        })
        .to_string();
        let requests_before = self.requests.load(Ordering::Relaxed);
        let answer = self.exchange(
            &Method::POST,
            &url,
            &[],
            Some(&body),
            self.config.retry.max_attempts.max(1),
        );
        let sent = self.requests.load(Ordering::Relaxed) - requests_before;
        self.token_requests.fetch_add(sent, Ordering::Relaxed);
        let (status, text, _) = answer?;
        if status.is_success() {
            #[derive(Deserialize)]
            struct TokenAnswer {
                token: String,
            }
            return match serde_json::from_str::<TokenAnswer>(&text) {
                Ok(answer) if !answer.token.is_empty() => Ok(Secret::new(answer.token)),
                _ => Err(ClientError::Auth {
                    url: redact(&url),
                    status: Some(status.as_u16()),
                    message: "the answer has no `token`".to_owned(),
                }),
            };
        }
        Err(ClientError::Auth {
            url: redact(&url),
            status: Some(status.as_u16()),
            message: self
                .scrub_error(ServerError::from_body(status.as_u16(), &text))
                .message,
        })
    }
}

/// Why one exchange failed.
enum Failure {
    /// No answer (connection, timeout, reset): may be retried.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// Not worth retrying (the deadline passed, the answer is too large).
    Fatal(ClientError),
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Failure {
        Failure::Fatal(error)
    }
}

/// An error and its causes, as one line.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

/// Whether a definition name can be sent as one URL path segment: not empty, `.` or `..`,
/// which name other URLs, and without control characters.
pub fn is_valid_name(name: &str) -> bool {
    !matches!(name, "" | "." | "..") && !name.chars().any(char::is_control)
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A URL without user name and password, for messages.
fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string().trim_end_matches('/').to_owned()
}

/// A URL given as text, without anything up to its last `@` after the scheme: a password may
/// hold `@` or `/`, and a URL without a scheme has no `://` to start from.
fn redact_text(url: &str) -> String {
    let start = url.find("://").map_or(0, |end| end + 3);
    match url.rfind('@') {
        Some(at) if at >= start => format!("{}{}", &url[..start], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_names_and_hide_credentials() {
        let config = ClientConfig::new("https://user:pw@conductor.example.com/api/").unwrap();
        assert_eq!(config.display_url(), "https://conductor.example.com/api");
        let client = Client::new(config).unwrap();
        let url = client
            .url(
                &["metadata", "workflow", "a b/c"],
                &[("version", "2".to_owned())],
            )
            .unwrap();
        for name in ["", ".", ".."] {
            assert!(client.url(&["metadata", "taskdefs", name], &[]).is_err());
        }
        assert_eq!(url.path(), "/api/metadata/workflow/a%20b%2Fc");
        assert_eq!(url.query(), Some("version=2"));
        assert!(ClientConfig::new("ftp://x/api").is_err());
        let error = ClientConfig::new("http://user:secret@").unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
