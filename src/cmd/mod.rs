//! One module per subcommand.

pub mod apply;
pub mod check;
pub mod compile;
pub mod completions;
pub mod docs;
pub mod explain;
pub mod import;
pub mod init;
pub mod plan;
mod remote;
pub mod schema;

use std::path::PathBuf;

use clap::ValueEnum;

use conductor_check::ServerInventory;
use conductor_model::versions::ServerVersion;
use conductor_source::SourceMap;

use crate::error::CliError;
use crate::output::{Format, Output, eprint_text};
use crate::project::{Project, load_project};
use crate::stages::{Checked, check_files, definition_files};

/// The formats each command has an output for: `--format` with another is refused rather
/// than ignored. `human` is the default and always accepted.
pub fn formats(command: &str) -> &'static [Format] {
    use Format::{Github, Human, Json, Markdown, Sarif};
    match command {
        // Diagnostics only.
        "check" | "compile" | "import" | "docs" => &[Human, Json, Github, Sarif],
        // A plan or an apply report on stdout, diagnostics beside it.
        "plan" | "apply" => &[Human, Json, Markdown, Github],
        _ => &[Human],
    }
}

/// Why `--format FORMAT` does not go with `command`, if it does not.
pub fn format_refusal(command: &str, format: Format) -> Option<String> {
    let accepted = formats(command);
    if accepted.contains(&format) {
        return None;
    }
    let name = |format: &Format| {
        format
            .to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    };
    let list: Vec<String> = accepted.iter().map(name).collect();
    Some(if list.len() == 1 {
        format!(
            "`{command}` has no {} output: it takes no --format",
            name(&format)
        )
    } else {
        format!(
            "`{command}` has no {} output; --format takes {} here",
            name(&format),
            list.join(", ")
        )
    })
}

/// Finds the project, then reads, parses, lowers and checks the definition files.
pub fn check_definitions(paths: &[PathBuf]) -> Result<Checked, CliError> {
    load_definitions(paths, |_| Ok(CheckTarget::default())).map(|(_, checked)| checked)
}

/// For the commands that write from the definitions (`compile`, `docs`): checks them and
/// reports the diagnostics; `None`, after saying so, when any is an error, since nothing is
/// ever written from a definition with an error.
pub fn definitions_to_write(
    paths: &[PathBuf],
    output: Output,
) -> Result<Option<Checked>, CliError> {
    let checked = check_definitions(paths)?;
    output.report(
        &checked.diagnostics,
        &checked.sources,
        checked.files_checked,
    );
    if checked.has_errors() {
        eprint_text("nothing was written: fix the errors above first\n");
        return Ok(None);
    }
    Ok(Some(checked))
}

/// What the definitions are checked against, chosen once the project is read: a server
/// version, and what a server has (for `plan`, which has read it).
#[derive(Debug, Default)]
pub struct CheckTarget {
    /// The server version whose rules run.
    pub version: Option<ServerVersion>,
    /// What the server has, so that references resolving there are not reported.
    pub server: Option<ServerInventory>,
}

/// Like [`check_definitions`], also returning the project (its server, prune scope, ...).
/// `target` chooses what the definitions are checked against, from the project once it is
/// read.
pub fn load_definitions(
    paths: &[PathBuf],
    target: impl FnOnce(&Project) -> Result<CheckTarget, CliError>,
) -> Result<(Project, Checked), CliError> {
    let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
    let mut sources = SourceMap::new();
    let (project, diagnostics) = load_project(&cwd, &mut sources)?;
    crate::output::eprint_verbose(|| match &project.file {
        Some(file) => format!("project file: {}\n", file.display()),
        None => format!(
            "project file: none in {} or above (using the defaults)\n",
            cwd.display()
        ),
    });
    let files = definition_files(paths, &project)?;
    crate::output::eprint_verbose(|| {
        format!(
            "definition files: {}{}\n",
            files.len(),
            if paths.is_empty() {
                " (the project's)"
            } else {
                " (from the command line)"
            }
        )
    });
    let allowed = project.allowed_codes();
    let target = target(&project)?;
    let checked = check_files(
        &files,
        sources,
        diagnostics,
        &allowed,
        target.version,
        target.server.as_ref(),
    )?;
    Ok((project, checked))
}
