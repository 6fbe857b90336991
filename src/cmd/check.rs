//! `conductor-apply check`: validate definitions and report every problem.

use std::path::PathBuf;

use clap::Args;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::Output;

/// Arguments of `check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply check                      check the project's files (conductor-apply.yaml)
  conductor-apply check workflows/           check every YAML file below workflows/
  conductor-apply check --format github .    annotate a pull request from GitHub Actions
  conductor-apply check --format sarif > results.sarif")]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for *.yaml and *.yml files
    /// (honouring .gitignore). Default: the files of the project file, or the working
    /// directory.
    pub paths: Vec<PathBuf>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs, output: Output) -> Result<Exit, CliError> {
    let checked = super::check_definitions(&args.paths)?;
    output.checked(&checked);
    Ok(if checked.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Success
    })
}
