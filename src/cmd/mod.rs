//! One module per subcommand.

pub mod apply;
pub mod check;
pub mod compile;
pub mod docs;
pub mod explain;
pub mod import;
pub mod plan;
mod remote;
pub mod schema;

use std::path::PathBuf;

use conductor_source::SourceMap;

use crate::error::CliError;
use crate::project::{Project, load_project};
use crate::stages::{Checked, check_files, definition_files};

/// Finds the project, then reads, parses, lowers and checks the definition files.
pub fn check_definitions(paths: &[PathBuf]) -> Result<Checked, CliError> {
    load_definitions(paths).map(|(_, checked)| checked)
}

/// Like [`check_definitions`], also returning the project (its server, prune scope, ...).
pub fn load_definitions(paths: &[PathBuf]) -> Result<(Project, Checked), CliError> {
    let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
    let mut sources = SourceMap::new();
    let (project, diagnostics) = load_project(&cwd, &mut sources)?;
    let files = definition_files(paths, &project)?;
    let allowed = project.allowed_codes();
    let checked = check_files(&files, sources, diagnostics, &allowed)?;
    Ok((project, checked))
}
