//! One module per subcommand.

pub mod apply;
pub mod check;
pub mod compile;
pub mod completions;
pub mod docs;
pub mod explain;
pub mod fmt;
pub mod import;
pub mod init;
pub mod lsp;
pub mod plan;
mod remote;
pub mod schema;
pub mod test;

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::ValueEnum;

use conductor_check::ServerInventory;
use conductor_model::versions::ServerVersion;
use conductor_source::SourceMap;

use crate::error::CliError;
use crate::output::{Format, Output, eprint_text};
use crate::project::{Project, load_project};
use crate::stages::{CheckOptions, Checked, check_files, definition_files};

/// The formats each command has an output for: `--format` with another is refused rather
/// than ignored. `human` is the default and always accepted.
pub fn formats(command: &str) -> &'static [Format] {
    use Format::{Github, Gitlab, Human, Json, Markdown, Sarif};
    match command {
        // Diagnostics only.
        "check" | "compile" | "import" | "docs" => &[Human, Json, Github, Sarif, Gitlab],
        // A plan or an apply report on stdout, diagnostics beside it.
        "plan" | "apply" => &[Human, Json, Markdown, Github],
        // Cases on stdout, diagnostics beside them.
        "test" => &[Human, Json, Github],
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

/// Finds the project, then reads, parses, lowers and checks the definition files, with the
/// values of `environment` (`--env`) for their `((name))`.
pub fn check_definitions(
    paths: &[PathBuf],
    environment: Option<&str>,
) -> Result<Checked, CliError> {
    load_definitions(paths, |project| {
        if let Some(name) = environment {
            remote::environment_exists(project, name)?;
        }
        Ok(CheckTarget {
            environment: environment.map(str::to_owned),
            ..CheckTarget::default()
        })
    })
    .map(|(_, checked)| checked)
}

/// For the commands that write from the definitions (`compile`, `docs`): checks them and
/// reports the diagnostics; `None`, after saying so, when any is an error, since nothing is
/// ever written from a definition with an error.
pub fn definitions_to_write(
    paths: &[PathBuf],
    environment: Option<&str>,
    output: Output,
) -> Result<Option<Checked>, CliError> {
    let checked = check_definitions(paths, environment)?;
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
    /// The environment (`--env`) whose values replace `((name))` in the definitions; `None`:
    /// the project's top-level `values`.
    pub environment: Option<String>,
}

/// Like [`check_definitions`], also returning the project (its server, prune scope, ...).
/// `target` chooses what the definitions are checked against, from the project once it is
/// read.
pub fn load_definitions(
    paths: &[PathBuf],
    target: impl FnOnce(&Project) -> Result<CheckTarget, CliError>,
) -> Result<(Project, Checked), CliError> {
    load_definitions_with(paths, target, Context::PathsOnly)
}

/// What is read besides the paths given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Only the paths (`compile`, `docs` and `plan` of part of a project).
    PathsOnly,
    /// The project's files too (when there is a project file), for what they define,
    /// reporting only on the paths: `check FILE` (pre-commit, editors) then says of a file
    /// what a run over the project says.
    Project,
}

/// Like [`load_definitions`], reading `context` besides the paths.
pub fn load_definitions_with(
    paths: &[PathBuf],
    target: impl FnOnce(&Project) -> Result<CheckTarget, CliError>,
    context: Context,
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
    let mut files = definition_files(paths, &project)?;
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
    let mut reported = None;
    // Without a project file there is no project to resolve against, only the working
    // directory: the paths given are the whole run.
    if context == Context::Project && !paths.is_empty() && project.file.is_some() {
        // The same file may be named relative to the working directory and found absolute
        // below the project's root: compare where they lead.
        let canonical =
            |path: &PathBuf| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let given: BTreeSet<PathBuf> = files.iter().map(canonical).collect();
        reported = Some(files.len());
        let others: Vec<PathBuf> = definition_files(&[], &project)?
            .into_iter()
            .filter(|path| !given.contains(&canonical(path)))
            .collect();
        files.extend(others);
    }
    let allowed = project.allowed_codes();
    let target = target(&project)?;
    let overlay = project.overlay(target.environment.as_deref());
    let options = CheckOptions {
        allowed: &allowed,
        target: target.version,
        server: target.server.as_ref(),
        // Without `files:`, every YAML file of the tree is read: other tools' files
        // (docker-compose, Kubernetes manifests, CI pipelines) are skipped, not reported.
        skip_foreign: project.settings.files.is_none(),
        explicit: paths,
        reported,
        overlay: Some(&overlay),
    };
    let checked = check_files(&files, sources, diagnostics, &options)?;
    Ok((project, checked))
}
