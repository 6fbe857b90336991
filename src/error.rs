//! Failures of the tool itself (not problems in the input, which are diagnostics).

use std::path::PathBuf;

use crate::project::ProjectError;
use crate::stages::StageError;

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The working directory is unknown.
    #[error("reading the working directory: {source}")]
    CurrentDir {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The project file could not be used.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// The language server lost its client (`lsp`).
    #[error("{message}")]
    LanguageServer {
        /// What happened.
        message: String,
    },
    /// Definition files could not be found or read.
    #[error(transparent)]
    Stage(#[from] StageError),
    /// An output file could not be written.
    #[error("writing `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An output cannot be written as a whole; nothing of it was written.
    #[error("nothing was written to {}: {reason}", root.display())]
    Output {
        /// The output folder.
        root: PathBuf,
        /// Why.
        reason: String,
    },
    /// The workflow simulator could not start.
    #[error("the workflow simulator could not start: {message}")]
    Simulator {
        /// Why.
        message: String,
    },
    /// A request to the Conductor server failed.
    #[error(transparent)]
    Client(#[from] conductor_client::ClientError),
    /// The prune scope of the project file has an invalid glob.
    #[error(transparent)]
    Scope(#[from] conductor_plan::ScopeError),
    /// `--env` names an environment the project file does not have.
    #[error("unknown environment `{name}`; the project file defines: {available}")]
    UnknownEnvironment {
        /// What was asked for.
        name: String,
        /// The environments defined.
        available: String,
    },
    /// A saved plan could not be read.
    #[error("reading the saved plan `{}`: {reason}", path.display())]
    ReadPlan {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Standard input could not be read for the confirmation.
    #[error("reading the confirmation from standard input: {source}")]
    Confirmation {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The argument names no diagnostic code.
    #[error("unknown diagnostic code `{code}`; `conductor-apply explain --list` lists them")]
    UnknownCode {
        /// What was asked for.
        code: String,
    },
}

impl CliError {
    /// The hint that solves the error, when one is known: printed under it as `hint: ...`.
    pub fn hint(&self) -> Option<String> {
        let CliError::Client(error) = self else {
            return None;
        };
        let auth_set = auth_variables_set();
        match error {
            conductor_client::ClientError::Server { url, error, .. } if error.status == 404 => {
                let base = url
                    .find("/metadata/")
                    .or_else(|| url.find("/admin/"))
                    .map(|at| &url[..at])?;
                (!base.ends_with("/api")).then(|| {
                    format!(
                        "the server URL `{base}` does not end in `/api`; Conductor's API is under \
                         it: `{base}/api` (set by --server, --env, CONDUCTOR_SERVER_URL or the \
                         project file's `server`)"
                    )
                })
            }
            conductor_client::ClientError::Server { error, .. }
                if matches!(error.status, 401 | 403) =>
            {
                Some(if auth_set {
                    "the server refused the key and secret of CONDUCTOR_AUTH_KEY and \
                     CONDUCTOR_AUTH_SECRET, or they may not do this: check them, and the \
                     application's permissions on the server"
                        .to_owned()
                } else {
                    "the server wants a token: set CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET \
                     to an application's key id and secret (a token is then requested from \
                     POST /api/token)"
                        .to_owned()
                })
            }
            conductor_client::ClientError::Auth { .. } => Some(
                "CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET are the key id and secret of an \
                 application on the server: check both"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// Whether both CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET are set (and not empty).
fn auth_variables_set() -> bool {
    ["CONDUCTOR_AUTH_KEY", "CONDUCTOR_AUTH_SECRET"]
        .iter()
        .all(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}
