//! The conductor-apply language server: the checker's diagnostics while typing, hover with the
//! schema's documentation and what a `${...}` reads, go to definition and completion inside
//! `${`, over the Language Server Protocol on stdio.
//!
//! It runs the stages `check` runs (the DSL's parse and lowering, conductor-check's rules and
//! the allow comments of conductor-diagnostics) over the whole project, with the editor's open
//! buffers in place of the files on disk ([`workspace`]); each file's parse is kept until its
//! text changes, so that an edit re-parses one file. Hover and completion read the checker's own
//! expression parser, data-flow scope and output shapes, so that they agree with `check`.
//!
//! The project file belongs to the CLI: the binary hands the server a [`ProjectLoader`] that
//! finds it and lists the definition files, the allowed codes, the target server version and
//! the environment's values. The server knows nothing of the terminal; it is synchronous
//! ([`lsp_server`], rust-analyzer's scaffold): one thread reads stdin, one writes stdout, and
//! one handles messages, checking a debounce interval after the last change.

pub mod complete;
pub mod hover;
pub mod locate;
pub mod navigate;
pub mod protocol;
pub mod schema_docs;
mod server;
pub mod site;
pub mod text;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::time::Duration;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::overlay::Overlay;
use conductor_model::versions::ServerVersion;
use conductor_source::SourceMap;

pub use server::{ServeError, serve, serve_stdio};

/// What the server checks: the project as the CLI finds it.
#[derive(Debug, Clone, Default)]
pub struct ProjectSetup {
    /// The project's root directory.
    pub root: PathBuf,
    /// The project file, when there is one.
    pub project_file: Option<PathBuf>,
    /// The project file's source (so that its diagnostics can point into it), and nothing
    /// else.
    pub sources: SourceMap,
    /// Problems in the project file.
    pub diagnostics: Vec<Diagnostic>,
    /// Every definition file, as `check` without paths reads them (absolute paths).
    pub files: Vec<PathBuf>,
    /// Codes the project allows everywhere.
    pub allowed: Vec<Code>,
    /// The server version whose rules run too (CA9xx).
    pub target: Option<ServerVersion>,
    /// The values that replace `((name))`.
    pub overlay: Option<Overlay>,
    /// Skip YAML documents that are not definitions (no `files:` in the project file).
    pub skip_foreign: bool,
    /// The project's workflow test files (`*.test.yaml`), which `check` validates too.
    pub test_files: Vec<PathBuf>,
    /// How the CLI validates them, if it does.
    pub test_checker: Option<TestChecker>,
}

/// Validates workflow test files against the compiled definitions, as `check` does: reads
/// `files`, adds them to the sources and pushes their diagnostics. `definitions_have_errors`:
/// the definitions have errors, so the workflows the tests name are not resolved.
pub type TestChecker = fn(
    files: &[PathBuf],
    compiled: &conductor_dsl::lower::Compiled,
    definitions_have_errors: bool,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
);

/// Formats a whole document; `Err` says why it cannot be formatted.
pub type Formatter = fn(&str) -> Result<String, String>;

/// Finds the project around a directory: the CLI's project file and file discovery.
pub trait ProjectLoader {
    /// The project whose root is `directory` or one of its ancestors; `Err` says why it could
    /// not be read (an invalid glob, an unreadable directory).
    fn load(&self, directory: &Path) -> Result<ProjectSetup, String>;
}

/// How the server behaves; the client may override these in `initializationOptions`.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long after the last change the project is checked and diagnostics published
    /// (`debounceMs`).
    pub debounce: Duration,
    /// Formats a whole document (`textDocument/formatting`), when the binary has a formatter.
    pub formatter: Option<Formatter>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(30),
            formatter: None,
        }
    }
}
