//! One module per subcommand.

pub mod check;
pub mod compile;
pub mod explain;
pub mod schema;

use std::path::PathBuf;

use conductor_source::SourceMap;

use crate::error::CliError;
use crate::project::load_project;
use crate::stages::{Checked, check_files, definition_files};

/// Finds the project, then reads, parses, lowers and checks the definition files.
pub fn check_definitions(paths: &[PathBuf]) -> Result<Checked, CliError> {
    let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
    let mut sources = SourceMap::new();
    let (project, diagnostics) = load_project(&cwd, &mut sources)?;
    let files = definition_files(paths, &project)?;
    let allowed = project.allowed_codes();
    Ok(check_files(&files, sources, diagnostics, &allowed)?)
}
