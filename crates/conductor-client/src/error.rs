//! The client's one error type, and the server's error body (contract §4.5).

use serde::Deserialize;
use serde_json::Value;

/// Why a request failed. Context (method, URL without credentials, attempts) is kept in fields;
/// the transport cause stays in `source()`.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server URL cannot be used.
    #[error("invalid server URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, without credentials.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A name that cannot be a URL path segment.
    #[error(
        "the name `{name}` cannot be sent to the server: as a URL path segment it would name another resource (empty, `.`, `..` or control characters are refused)"
    )]
    InvalidName {
        /// The name.
        name: String,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("building the HTTP client")]
    Build {
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// No answer: the connection failed, was reset, or timed out.
    #[error("{method} {url}: no answer from the server after {attempts} attempt{}", plural(*attempts))]
    Transport {
        /// The HTTP method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// How many times it was tried.
        attempts: u32,
        /// The cause (connection refused, reset, timeout, ...).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The overall deadline (`--timeout`) passed.
    #[error("{method} {url}: no answer within the {} s the conversation with the server may take (after {attempts} attempt{}); raise --timeout or check the server", limit.as_secs_f64(), plural(*attempts))]
    Deadline {
        /// The HTTP method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// How many times it was tried.
        attempts: u32,
        /// The deadline.
        limit: std::time::Duration,
    },
    /// The answer is larger than the configured limit.
    #[error(
        "{method} {url}: the answer is larger than {} bytes, the limit (--max-response-mib); nothing of it was used",
        limit
    )]
    TooLarge {
        /// The HTTP method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The server answered with an error status.
    #[error("{method} {url}: the server answered {}: {}", error.status, error.summary())]
    Server {
        /// The HTTP method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// How many times it was tried.
        attempts: u32,
        /// The server's answer.
        error: ServerError,
    },
    /// The answer is not the JSON expected.
    #[error("{method} {url}: unexpected answer from the server")]
    Decode {
        /// The HTTP method.
        method: String,
        /// The URL, without credentials.
        url: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// No token could be had from `POST /api/token`.
    #[error("getting a token from {url}: {}{message}", status.map(|s| format!("the server answered {s}: ")).unwrap_or_default())]
    Auth {
        /// The token URL.
        url: String,
        /// The status, when the server answered.
        status: Option<u16>,
        /// What went wrong (the server's message, scrubbed of the credentials).
        message: String,
    },
}

impl ClientError {
    /// The server's answer, when the server answered with an error status.
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            ClientError::Server { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status the server answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Server { error, .. } => Some(error.status),
            ClientError::Auth { status, .. } => *status,
            _ => None,
        }
    }

    /// Whether the request may have reached the server and had its effect although no
    /// success was seen (a transport failure, or a 5xx).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ClientError::Transport { .. } | ClientError::Deadline { .. } => true,
            ClientError::Server { error, .. } => error.status >= 500,
            _ => false,
        }
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The server's `ErrorResponse` (contract §4.5). A body that is not one (a proxy's HTML page)
/// becomes its first line as the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// The HTTP status.
    pub status: u16,
    /// The server's message.
    pub message: String,
    /// Whether the server says trying again may help.
    pub retryable: bool,
    /// Bean validation errors (400).
    pub validation_errors: Vec<ValidationError>,
    /// Whether the body is a JSON error answer with a `message`, as the server writes them,
    /// rather than a proxy's or gateway's page.
    pub json_body: bool,
}

/// One entry of `validationErrors` (contract §4.5). Match on `message`: `path` forms are
/// unverified.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationError {
    /// The Hibernate property path, e.g. `updateWorkflowDef.arg0[0].tasks[1]`.
    #[serde(default)]
    pub path: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// The rejected value, for `java.lang` types only.
    #[serde(default)]
    pub invalid_value: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    retryable: bool,
    #[serde(default)]
    validation_errors: Vec<ValidationError>,
}

impl ServerError {
    /// Reads an error answer.
    pub fn from_body(status: u16, body: &str) -> ServerError {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(parsed) => ServerError {
                status,
                json_body: parsed.message.is_some(),
                message: parsed.message.unwrap_or_default(),
                retryable: parsed.retryable,
                validation_errors: parsed.validation_errors,
            },
            Err(_) => ServerError {
                status,
                message: body
                    .lines()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect(),
                // Not the server's own answer (a proxy, a gateway): may be transient.
                retryable: status >= 500,
                validation_errors: Vec::new(),
                json_body: false,
            },
        }
    }

    /// The message, followed by the validation messages when there are any.
    pub fn summary(&self) -> String {
        let mut text = if self.message.is_empty() {
            "(no message)".to_owned()
        } else {
            self.message.clone()
        };
        for error in &self.validation_errors {
            text.push_str("; ");
            text.push_str(&error.message);
        }
        text
    }
}
