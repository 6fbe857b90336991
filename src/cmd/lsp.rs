//! `conductor-apply lsp`: the language server on stdin and stdout (crate `conductor-lsp`).
//! This module only tells the server how the CLI finds a project (the project file, its
//! `files:`, `allow` list, `serverVersion` and values) and how `fmt` formats a document.

use std::path::{Path, PathBuf};

use clap::Args;
use conductor_lsp::{Options, ProjectLoader, ProjectSetup};
use conductor_source::SourceMap;

use crate::error::CliError;
use crate::exit::Exit;
use crate::project::load_project;
use crate::stages::{definition_files, test_files};

/// Arguments of `lsp`.
#[derive(Debug, Args)]
#[command(
    after_help = "The editor starts it; see the README (VS Code, Neovim, JetBrains).
The project is the one around the editor's workspace folder: its conductor-apply.yaml and the
files it lists, with open buffers in place of the files on disk."
)]
pub struct LspArgs {
    /// How long after the last edit the project is checked, in milliseconds (the client's
    /// `initializationOptions.debounceMs` overrides it).
    #[arg(long, value_name = "MS", default_value_t = 30)]
    pub debounce_ms: u64,
    /// The environment of the project file whose values replace `((name))` and whose
    /// `serverVersion` is checked for.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
}

/// Runs the language server until the editor says `exit`.
pub fn run(args: &LspArgs) -> Result<Exit, CliError> {
    let loader = CliProjectLoader {
        environment: args.environment.clone(),
    };
    let options = Options {
        debounce: std::time::Duration::from_millis(args.debounce_ms),
        formatter: Some(format_document),
    };
    conductor_lsp::serve_stdio(&loader, options).map_err(|source| CliError::LanguageServer {
        message: source.to_string(),
    })?;
    Ok(Exit::Success)
}

/// `textDocument/formatting`: what `fmt` writes (the meaning checked before it is returned).
fn format_document(text: &str) -> Result<String, String> {
    conductor_fmt::format_source(text).map_err(|error| error.to_string())
}

/// The workflow test files, validated as `check` validates them.
fn check_test_files(
    files: &[PathBuf],
    compiled: &conductor_dsl::lower::Compiled,
    definitions_have_errors: bool,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<conductor_diagnostics::Diagnostic>,
) {
    let library = (!definitions_have_errors).then(|| super::test::library_of(compiled));
    // A test file that cannot be read (deleted meanwhile) is left out: the watcher's report
    // of its deletion reloads the project.
    let _ = super::test::validate_test_files(files, library.as_ref(), sources, diagnostics);
}

/// Finds the project as every other command does.
struct CliProjectLoader {
    environment: Option<String>,
}

impl ProjectLoader for CliProjectLoader {
    fn load(&self, directory: &Path) -> Result<ProjectSetup, String> {
        let mut sources = SourceMap::new();
        let (project, diagnostics) =
            load_project(directory, &mut sources).map_err(|error| error.to_string())?;
        let files: Vec<PathBuf> =
            definition_files(&[], &project).map_err(|error| error.to_string())?;
        let environment = self.environment.as_deref();
        Ok(ProjectSetup {
            root: project.root.clone(),
            project_file: project.file.clone(),
            sources,
            diagnostics,
            files,
            allowed: project.allowed_codes(),
            target: project.server_version(environment),
            overlay: Some(project.overlay(environment)),
            skip_foreign: project.settings.files.is_none(),
            test_files: test_files(&[], &project).map_err(|error| error.to_string())?,
            test_checker: Some(check_test_files),
        })
    }
}
