//! `conductor-apply check`: validate definitions and report every problem.

use std::path::PathBuf;

use clap::Args;
use conductor_model::versions::ServerVersion;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::Output;

/// Arguments of `check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply check                      check the project's files (conductor-apply.yaml)
  conductor-apply check workflows/           check every YAML file below workflows/
  conductor-apply check --format github .    annotate a pull request from GitHub Actions
  conductor-apply check --format sarif > results.sarif
  conductor-apply check --server-version 3.15.0   what that server would drop, refuse or loop on")]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for *.yaml and *.yml files
    /// (honouring .gitignore). Default: the files of the project file, or the working
    /// directory.
    pub paths: Vec<PathBuf>,
    /// Check for this Conductor server version (`3.21.14`): what it would drop (CA901), refuse
    /// (CA904, CA905) or fail to run (CA902, CA903). Default: the project file's
    /// `serverVersion` (of the `--env` environment when given); without one, only the rules
    /// every version shares.
    #[arg(long, value_name = "VERSION", value_parser = parse_server_version)]
    pub server_version: Option<ServerVersion>,
    /// A named environment of the project file whose `serverVersion` to check for.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
}

fn parse_server_version(text: &str) -> Result<ServerVersion, String> {
    ServerVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a server version such as 3.21.14"))
}

/// Runs `check`.
pub fn run(args: &CheckArgs, output: Output) -> Result<Exit, CliError> {
    let (_, checked) = super::load_definitions(&args.paths, |project| {
        if let Some(name) = &args.environment {
            super::remote::environment_exists(project, name)?;
        }
        Ok(super::CheckTarget {
            version: args
                .server_version
                .or_else(|| project.server_version(args.environment.as_deref())),
            server: None,
        })
    })?;
    output.checked(&checked);
    Ok(if checked.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Success
    })
}
