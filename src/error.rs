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
