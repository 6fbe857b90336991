//! Wiring the stages: find the definition files, read them, parse them (in parallel), lower
//! them and check them. Every problem in the input is a diagnostic; only the environment
//! (an unreadable directory) is an error.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use conductor_check::{Project as CheckedProject, ServerInventory, check_project};
use conductor_diagnostics::{
    Code, Diagnostic, Suppressed, allow_comment_problems, files_checked_incompletely,
    reported_without_target, sort_diagnostics, suppress,
};
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::overlay::Overlay;
use conductor_dsl::parse::{LoadedFile, ParseOptions, ParsedFile, load_file_with};
use conductor_dsl::validate::prepare_validator;
use conductor_model::versions::ServerVersion;
use conductor_source::{FileId, SourceError, SourceFile, SourceMap, discover, read_source};
use globset::{Glob, GlobSetBuilder};

use crate::project::{Project, display_path};

/// Everything a command needs after checking: the sources, the compiled definitions and the
/// diagnostics (sorted).
pub struct Checked {
    /// Every file read, the project file included.
    pub sources: SourceMap,
    /// The compiled definitions.
    pub compiled: Compiled,
    /// Every diagnostic of every stage, sorted by file, offset and code.
    pub diagnostics: Vec<Diagnostic>,
    /// How many definition files were checked.
    pub files_checked: usize,
    /// How many documents are definitions (valid or not).
    pub definitions: usize,
    /// How many YAML documents were skipped as not DSL (see [`CheckOptions::skip_foreign`]).
    pub skipped: usize,
    /// How many diagnostics allow comments or the project's `allow` list suppressed.
    pub suppressed: usize,
}

impl Checked {
    /// Whether any diagnostic left after suppression is an error.
    pub fn has_errors(&self) -> bool {
        conductor_diagnostics::has_errors(&self.diagnostics)
    }
}

/// Why definitions could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// A path could not be walked or read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A glob of the project file is invalid.
    #[error("invalid glob `{glob}` in the project file: {source}")]
    Glob {
        /// The glob.
        glob: String,
        /// The cause.
        #[source]
        source: globset::Error,
    },
}

/// Whether a file holds workflow tests (`*.test.yaml`, `*.test.yml`), which `test` reads and
/// the definition stages leave out.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(".test.yaml") || name.ends_with(".test.yml"))
}

/// The definition files: the given paths, or the project's files when none are given. Test
/// files (`*.test.yaml`) are not definitions.
pub fn definition_files(paths: &[PathBuf], project: &Project) -> Result<Vec<PathBuf>, StageError> {
    let mut files = project_or_given_files(paths, project)?;
    files.retain(|path| !is_test_file(path));
    Ok(files)
}

/// The workflow test files: those under the given paths, or, when none are given, those the
/// project's `files` globs take (tests live beside the workflows they test).
pub fn test_files(paths: &[PathBuf], project: &Project) -> Result<Vec<PathBuf>, StageError> {
    let mut files = project_or_given_files(paths, project)?;
    files.retain(|path| is_test_file(path));
    Ok(files)
}

/// The YAML files of the project, test files included (`fmt`): the given paths, or the
/// project's files when none are given.
pub fn project_yaml_files(
    paths: &[PathBuf],
    project: &Project,
) -> Result<Vec<PathBuf>, StageError> {
    project_or_given_files(paths, project)
}

fn project_or_given_files(
    paths: &[PathBuf],
    project: &Project,
) -> Result<Vec<PathBuf>, StageError> {
    if !paths.is_empty() {
        return Ok(discover(paths)?);
    }
    let found = discover(std::slice::from_ref(&project.root))?;
    let patterns = project
        .settings
        .files
        .clone()
        .unwrap_or_else(|| vec!["**/*.yaml".to_owned(), "**/*.yml".to_owned()]);
    let mut builder = GlobSetBuilder::new();
    for pattern in &patterns {
        let glob = Glob::new(pattern).map_err(|source| StageError::Glob {
            glob: pattern.clone(),
            source,
        })?;
        builder.add(glob);
    }
    let globs = builder.build().map_err(|source| StageError::Glob {
        glob: patterns.join(", "),
        source,
    })?;
    Ok(found
        .into_iter()
        .filter(|path| Some(path.as_path()) != project.file.as_deref())
        .filter(|path| {
            path.strip_prefix(&project.root)
                .is_ok_and(|relative| globs.is_match(relative))
        })
        .collect())
}

/// What [`check_files`] checks against and how.
#[derive(Debug, Default, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// Codes the project allows everywhere.
    pub allowed: &'a [Code],
    /// The server version whose rules run too (CA9xx).
    pub target: Option<ServerVersion>,
    /// What a server has, so that references resolving there are not reported as missing.
    pub server: Option<&'a ServerInventory>,
    /// Skip the YAML documents that are obviously not DSL (no `workflow:` or `task:` key),
    /// counting them, rather than report them: for files found by the default globs.
    pub skip_foreign: bool,
    /// Files named on the command line: never skipped, since the user said they are
    /// definitions.
    pub explicit: &'a [PathBuf],
    /// Only the first `n` files are reported (and counted); the others are read for what they
    /// define, so that references into them resolve: a project's other files when `check` is
    /// given some. `None`: every file is reported.
    pub reported: Option<usize>,
    /// The values of the chosen environment: each `((name))` takes its value from it (CA110
    /// when it has none).
    pub overlay: Option<&'a Overlay>,
}

/// Reads, parses, lowers and checks the files, then drops the diagnostics whose code is in
/// `options.allowed` or named by an allow comment (`# conductor-apply: allow CODE`). With a
/// target server version, that version's rules run too (CA9xx); with what a server has,
/// references that resolve there are not reported as missing.
pub fn check_files(
    files: &[PathBuf],
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    options: &CheckOptions<'_>,
) -> Result<Checked, StageError> {
    std::thread::scope(|scope| {
        if !files.is_empty() {
            // Building the schema validator takes about as long as reading the files: do it
            // meanwhile, rather than in the first parsing thread while the others wait for it.
            scope.spawn(prepare_validator);
        }
        read_parse_lower_check(files, sources, diagnostics, options)
    })
}

fn read_parse_lower_check(
    files: &[PathBuf],
    mut sources: SourceMap,
    mut diagnostics: Vec<Diagnostic>,
    options: &CheckOptions<'_>,
) -> Result<Checked, StageError> {
    let CheckOptions {
        allowed,
        target,
        server,
        skip_foreign,
        explicit,
        reported,
        overlay,
    } = *options;
    let mut ids = Vec::with_capacity(files.len());
    let mut strict = Vec::with_capacity(files.len());
    let read = in_parallel(files.len(), |idx| read_file(&files[idx]));
    for (path, read) in files.iter().zip(read) {
        strict.push(!skip_foreign || explicit.contains(path));
        let (file, problem) = read?;
        let id = sources.add(file);
        if let Some(problem) = problem {
            diagnostics.push(problem(id));
        }
        ids.push(id);
    }
    let parsed = parse_in_parallel(&sources, &ids, &strict, overlay);
    let reported = reported.unwrap_or(ids.len()).min(ids.len());
    let mut documents = Vec::new();
    let (mut definitions, mut skipped) = (0, 0);
    let mut compiled = Compiled::default();
    for (idx, (file, file_compiled)) in parsed.into_iter().enumerate() {
        documents.extend(file.documents);
        diagnostics.extend(file.diagnostics);
        compiled.workflows.extend(file_compiled.workflows);
        compiled.task_defs.extend(file_compiled.task_defs);
        if idx < reported {
            definitions += file.definitions;
            skipped += file.skipped;
        }
    }
    diagnostics.extend(check_project(
        &CheckedProject::new(&sources, &documents, &compiled)
            .with_target(target)
            .with_server(server),
    ));
    // Freeing the parsed documents (span trees and DSL types: hundreds of thousands of small
    // blocks in a large project) takes milliseconds; another thread does it while this one
    // goes on (the process may end first, which is as good). Should the system refuse a
    // thread, the documents are freed here.
    let _ = std::thread::Builder::new().spawn(move || drop(documents));
    // The files read only for what they define are not reported on: what the run says of a
    // reported file is exactly that file's part of a run over every file.
    let context: BTreeSet<usize> = ids
        .get(reported..)
        .unwrap_or_default()
        .iter()
        .map(|id| id.index())
        .collect();
    if !context.is_empty() {
        diagnostics.retain(|diagnostic| {
            diagnostic
                .primary()
                .is_none_or(|label| !context.contains(&label.file.index()))
        });
    }
    let incomplete = files_checked_incompletely(&diagnostics);
    let checked_files: BTreeSet<usize> = ids
        .get(..reported)
        .unwrap_or_default()
        .iter()
        .map(|id| id.index())
        .collect();
    let Suppressed {
        kept: mut diagnostics,
        mut suppressed,
        comments,
    } = suppress(diagnostics, &sources, allowed);
    // Unused allow comments are judged only where the run computed every diagnostic their
    // codes name: not with a server's inventory (plan resolves references there), and not
    // for server-version codes without a target version.
    let judge_unused = |file: FileId, code: Code| {
        server.is_none()
            && checked_files.contains(&file.index())
            && !incomplete.contains(&file.index())
            && (target.is_some() || reported_without_target(code))
    };
    for problem in allow_comment_problems(&comments, judge_unused) {
        if allowed.contains(&problem.code()) {
            suppressed += 1;
        } else {
            diagnostics.push(problem);
        }
    }
    sort_diagnostics(&mut diagnostics);
    Ok(Checked {
        sources,
        compiled,
        diagnostics,
        files_checked: reported,
        definitions,
        skipped,
        suppressed,
    })
}

type Problem = Box<dyn FnOnce(FileId) -> Diagnostic + Send>;

/// A file as text; a file that is not UTF-8 is read lossily and reported (CA107), so that the
/// rest of the run goes on.
fn read_file(path: &Path) -> Result<(SourceFile, Option<Problem>), StageError> {
    let name = display_path(path);
    match read_source(path, name.clone()) {
        Ok(file) => Ok((file, None)),
        Err(SourceError::NotUtf8 { valid_up_to, .. }) => {
            let bytes = std::fs::read(path).map_err(|source| SourceError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let problem: Problem = Box::new(move |id| {
                Diagnostic::new(Code::FileNotUtf8, "the file is not valid UTF-8")
                    .with_primary(
                        id,
                        valid_up_to..valid_up_to,
                        "the first invalid byte is here",
                    )
                    .with_help("save the file as UTF-8")
            });
            Ok((SourceFile::new(name, path, text), Some(problem)))
        }
        Err(error) => Err(error.into()),
    }
}

/// `work(0)`, `work(1)`, … `work(count - 1)` on every core, the results in that order.
pub fn in_parallel<R: Send>(count: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(count);
    if workers <= 1 {
        return (0..count).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut local = Vec::new();
                    loop {
                        let idx = next.fetch_add(1, Ordering::Relaxed);
                        if idx >= count {
                            break;
                        }
                        local.push((idx, work(idx)));
                    }
                    local
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                // A panic in a worker is a bug; re-raise it rather than lose results.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(idx, _)| *idx);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Parses and lowers every file, spreading files over the machine's cores. Results are in file
/// order. `strict[i]` says whether file `i` is read as definitions whatever it holds; the
/// others skip documents that are not DSL.
///
/// Two rounds: every file is loaded (YAML, the overlay) while the schema validator is still
/// being built on another thread, then validated and lowered. In one round, each core would
/// wait for the validator at its first document.
fn parse_in_parallel(
    sources: &SourceMap,
    ids: &[FileId],
    strict: &[bool],
    overlay: Option<&Overlay>,
) -> Vec<(ParsedFile, Compiled)> {
    let loaded: Vec<Mutex<Option<LoadedFile>>> = in_parallel(ids.len(), |idx| {
        let options = ParseOptions {
            skip_foreign: !strict.get(idx).copied().unwrap_or(true),
            overlay,
        };
        let id = ids[idx];
        Mutex::new(Some(load_file_with(id, sources.get(id), options)))
    });
    in_parallel(loaded.len(), |idx| {
        let file = loaded[idx]
            .lock()
            .ok()
            .and_then(|mut file| file.take())
            .map(LoadedFile::validate)
            .unwrap_or_default();
        // Each file's documents are lowered where they were parsed; the lowering's
        // diagnostics join the file's.
        let mut parsed = file;
        let mut compiled = Compiled::default();
        for document in &parsed.documents {
            let problems = lower_document(document, &mut compiled);
            parsed.diagnostics.extend(problems);
        }
        (parsed, compiled)
    })
}
