//! `conductor-apply fmt`: the canonical layout of the DSL files (`conductor-fmt`), keeping
//! every comment, and refusing any change of meaning.
//!
//! Each file is formatted on its own (files in parallel, on every core). Two checks stand between the layout and the disk: the
//! formatter's own (the YAML values and the comments, `conductor_fmt::verify_same_meaning`),
//! then this command's: a definition file is compiled before and after (load, schema, lower,
//! as `compile` does) and the compiled JSON must be identical, diagnostics included. A file
//! that fails either, or whose YAML does not parse, is reported with a position and left as
//! it is.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::parse::{ParseOptions, looks_like_definition, parse_file_with};
use conductor_fmt::{FormatError, Hazard, first_difference};
use conductor_source::yaml::parse_yaml;
use conductor_source::{SourceFile, SourceMap};
use serde_json::Value;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{eprint_info, eprint_text, eprint_verbose, print_text};
use crate::project::{display_path, load_project};
use crate::stages::{is_test_file, project_yaml_files};
use crate::write::write_if_changed;

/// Arguments of `fmt`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply fmt                     format the project's files in place
  conductor-apply fmt workflows/orders.yaml
  conductor-apply fmt --check             in CI: exit 1 and show a diff when a file is not formatted
  conductor-apply fmt --stdin --stdin-filename workflows/orders.yaml < orders.yaml

The layout: two-space indentation, sequences indented under their key, keys in the order written,
quotes only where YAML needs them, every comment and the blank lines between entries kept.")]
pub struct FmtArgs {
    /// Files or directories to format; directories are searched for *.yaml and *.yml files
    /// (honouring .gitignore). Default: the files of the project file (test files included),
    /// or the working directory. Without a `files:` list in the project file, files found in
    /// directories are formatted only when they hold DSL definitions or tests.
    #[arg(conflicts_with = "stdin")]
    pub paths: Vec<PathBuf>,
    /// Write nothing: print a unified diff of what would change and exit 1 if any file is not
    /// formatted (for CI).
    #[arg(long)]
    pub check: bool,
    /// Format the text read from standard input and write it to standard output (for editors).
    #[arg(long)]
    pub stdin: bool,
    /// With --stdin: the file's name, for messages and to tell a test file (`*.test.yaml`, not
    /// compiled) from a definition file.
    #[arg(long, requires = "stdin", value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

/// The environment variable that makes the layout wrong on purpose, so that the tests can show
/// both meaning checks refusing it: `unquote` (the formatter's own check refuses) or
/// `unquote-unchecked` (the formatter's check is skipped; the compiled-JSON check refuses).
/// For tests only.
const HAZARD_VARIABLE: &str = "CONDUCTOR_APPLY_FMT_HAZARD";

/// Runs `fmt`.
pub fn run(args: &FmtArgs) -> Result<Exit, CliError> {
    if args.stdin {
        return run_stdin(args);
    }
    let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
    let mut sources = SourceMap::new();
    let (project, _) = load_project(&cwd, &mut sources)?;
    let files = project_yaml_files(&args.paths, &project)?;
    let explicit: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|path| path.is_file())
        .map(|path| canonical(path))
        .collect();
    let skip_foreign = project.settings.files.is_none();
    let mut report = Report::default();
    let mut to_format = Vec::with_capacity(files.len());
    for path in &files {
        let shown = display_path(path);
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    report.error(&format!("{shown}: error: the file is not UTF-8"));
                    continue;
                }
            },
            Err(source) => {
                report.error(&format!("{shown}: error: reading the file: {source}"));
                continue;
            }
        };
        if skip_foreign
            && !explicit.contains(&canonical(path))
            && !is_test_file(path)
            && !holds_definitions(&text)
        {
            eprint_verbose(|| format!("{shown}: skipped (no DSL definition in it)\n"));
            report.skipped += 1;
            continue;
        }
        to_format.push((path, shown, text));
    }
    let results = format_all(&to_format);
    for ((path, shown, text), result) in to_format.iter().zip(results) {
        let formatted = match result {
            Ok(formatted) => formatted,
            Err(message) => {
                report.error(&format!("{shown}:{message}"));
                continue;
            }
        };
        if formatted == *text {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(shown.clone());
        if args.check {
            print_text(&unified_diff(shown, text, &formatted));
        } else {
            write_if_changed(path, &formatted)?;
        }
    }
    Ok(report.finish(args.check))
}

/// [`format_checked`] of every file, on every core; the results in the files' order.
fn format_all(files: &[(&PathBuf, String, String)]) -> Vec<Result<String, String>> {
    let workers = std::thread::available_parallelism()
        .map(|count| count.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<String, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some((path, _, text)) = files.get(index) else {
                            break done;
                        };
                        done.push((index, format_checked(path, text)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn run_stdin(args: &FmtArgs) -> Result<Exit, CliError> {
    let mut text = String::new();
    if let Err(source) = std::io::stdin().read_to_string(&mut text) {
        eprint_text(&format!(
            "error: reading standard input (as UTF-8): {source}\n"
        ));
        return Ok(Exit::Failure);
    }
    let path = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("<stdin>"));
    match format_checked(&path, &text) {
        Ok(formatted) => {
            if args.check && formatted != text {
                print_text(&unified_diff(&display_path(&path), &text, &formatted));
                return Ok(Exit::InputErrors);
            }
            if !args.check {
                print_text(&formatted);
            }
            Ok(Exit::Success)
        }
        Err(message) => {
            eprint_text(&format!("{}:{message}\n", display_path(&path)));
            Ok(Exit::InputErrors)
        }
    }
}

/// What happened to the files, for the summary and the exit code.
#[derive(Default)]
struct Report {
    changed: Vec<String>,
    unchanged: usize,
    skipped: usize,
    errors: usize,
}

impl Report {
    fn error(&mut self, line: &str) {
        eprint_text(&format!("{line}\n"));
        self.errors += 1;
    }

    fn finish(self, check: bool) -> Exit {
        let files = |count: usize| format!("{count} file{}", if count == 1 { "" } else { "s" });
        let changed = self.changed.len();
        if check && changed + self.unchanged + self.errors == 0 {
            // A CI gate that checks nothing must not pass: a mistyped path or `files:` glob.
            eprint_text(&format!(
                "error: no DSL file to check{}\n",
                if self.skipped > 0 {
                    format!(
                        " ({} skipped: no DSL definition in them)",
                        files(self.skipped)
                    )
                } else {
                    String::new()
                }
            ));
            return Exit::InputErrors;
        }
        let mut summary = if check {
            if changed == 0 {
                format!("{} already formatted", files(self.unchanged))
            } else {
                format!(
                    "{} not formatted ({}); run `conductor-apply fmt` to format {}",
                    files(changed),
                    self.changed.join(", "),
                    if changed == 1 { "it" } else { "them" }
                )
            }
        } else {
            format!(
                "{} formatted, {} already formatted",
                files(changed),
                self.unchanged
            )
        };
        if self.errors > 0 {
            summary.push_str(&format!(
                "; {} left as they were (see above)",
                files(self.errors)
            ));
        }
        if self.skipped > 0 {
            summary.push_str(&format!(
                "; {} skipped (no DSL definition in them)",
                files(self.skipped)
            ));
        }
        eprint_info(&format!("{summary}\n"));
        if self.errors > 0 || (check && changed > 0) {
            Exit::InputErrors
        } else {
            Exit::Success
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Whether a document of the file is a definition (as `check` skips other tools' YAML).
fn holds_definitions(text: &str) -> bool {
    let parsed = parse_yaml(text);
    // A file that does not parse is formatted, so that its error is reported.
    !parsed.problems.is_empty()
        || parsed
            .documents
            .iter()
            .any(|document| looks_like_definition(&document.value))
}

/// The formatted text, or what stopped it as `line:col: error: message` (the caller puts the
/// file's name before it).
fn format_checked(path: &Path, text: &str) -> Result<String, String> {
    let (hazard, verify) = match std::env::var(HAZARD_VARIABLE).as_deref() {
        Ok("unquote") => (Hazard::Unquote, true),
        Ok("unquote-unchecked") => (Hazard::Unquote, false),
        _ => (Hazard::None, true),
    };
    let formatted = conductor_fmt::format_with(text, hazard, verify).map_err(describe)?;
    if formatted != text && !is_test_file(path) {
        let before = compiled(path, text);
        let after = compiled(path, &formatted);
        if let Some((pointer, was, now)) = first_difference(&before, &after) {
            return Err(format!(
                "1:1: error: formatting would change the compiled JSON at {pointer} from {was} \
                 to {now}; the file is left as it is (please report this)"
            ));
        }
    }
    Ok(formatted)
}

fn describe(error: FormatError) -> String {
    match &error {
        FormatError::Yaml { problems } => problems
            .iter()
            .map(|problem| format!("{}: error: {}", problem.at, problem.message))
            .collect::<Vec<_>>()
            .join("\n  "),
        FormatError::WouldChangeMeaning { at, .. } | FormatError::Unsupported { at, .. } => {
            let message = error.to_string();
            let message = message
                .strip_prefix(&format!("{at}: "))
                .unwrap_or(&message)
                .to_owned();
            format!("{at}: error: {message}")
        }
    }
}

/// Every document of the file compiled as `compile` would (each a workflow or task definition
/// as JSON, with the codes of its diagnostics), in document order, then the codes of the
/// diagnostics of the documents that did not compile.
fn compiled(path: &Path, text: &str) -> Value {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(
        display_path(path),
        path.to_path_buf(),
        text.to_owned(),
    ));
    let parsed = parse_file_with(id, sources.get(id), ParseOptions::default());
    let mut documents: Vec<(usize, Value)> = Vec::new();
    for document in &parsed.documents {
        let mut compiled = Compiled::default();
        let diagnostics = lower_document(document, &mut compiled);
        let definitions: Vec<Value> = compiled
            .workflows
            .iter()
            .map(|workflow| serde_json::to_value(&workflow.def))
            .chain(
                compiled
                    .task_defs
                    .iter()
                    .map(|task| serde_json::to_value(&task.def)),
            )
            .map(|value| value.unwrap_or(Value::Null))
            .collect();
        let codes: Vec<Value> = diagnostics
            .iter()
            .map(|diagnostic| Value::String(diagnostic.code().to_string()))
            .collect();
        documents.push((
            document.index,
            serde_json::json!({ "definitions": definitions, "diagnostics": codes }),
        ));
    }
    let codes: Vec<Value> = parsed
        .diagnostics
        .iter()
        .map(|diagnostic| Value::String(diagnostic.code().to_string()))
        .collect();
    documents.sort_by_key(|(index, _)| *index);
    let mut all: Vec<Value> = documents.into_iter().map(|(_, value)| value).collect();
    all.push(serde_json::json!({ "file diagnostics": codes }));
    Value::Array(all)
}

/// A unified diff of the file, as `diff -u` prints it.
fn unified_diff(shown: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}
