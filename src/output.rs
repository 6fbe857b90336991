//! Where diagnostics and messages go, in which format and colour.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU8, Ordering};

use clap::ValueEnum;
use conductor_diagnostics::{
    Diagnostic, HumanOptions, JsonOptions, SarifOptions, render_github, render_gitlab,
    render_human, render_json, render_sarif, summary_line,
};
use conductor_source::SourceMap;

use crate::stages::Checked;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style reports on stderr, with the source and underlines.
    Human,
    /// A JSON document on stdout (schema: schemas/diagnostics.schema.json).
    Json,
    /// GitHub Actions workflow commands on stdout, so a pull request shows them inline.
    Github,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
    /// A GitLab Code Quality report on stdout (`artifacts: reports: codequality:`), for the
    /// merge request's widget and diff.
    Gitlab,
    /// `plan` and `apply`: a markdown document on stdout, for a pull-request comment or
    /// `$GITHUB_STEP_SUMMARY` (diagnostics are printed as with `human`).
    Markdown,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout (where `plan` prints), given the environment.
    pub fn enabled_for_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }

    /// Whether to colour, given the environment.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                    && std::io::stderr().is_terminal()
            }
        }
    }
}

/// Output settings shared by the commands.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// The diagnostics format.
    pub format: Format,
    /// Whether to colour diagnostics (stderr).
    pub color: bool,
    /// Whether to colour the plan (stdout).
    pub color_stdout: bool,
}

impl Output {
    /// Prints the report of a command that produces other output too (`compile`, `import`):
    /// in the human format only when there is something to report; machine formats always
    /// print a (possibly empty) report, so that their output is always parseable.
    pub fn report(&self, diagnostics: &[Diagnostic], sources: &SourceMap, files_checked: usize) {
        if self.format != Format::Human || !diagnostics.is_empty() {
            self.diagnostics(diagnostics, sources, files_checked);
        }
    }

    /// Prints the diagnostics of a check and, for the human format, the summary line, which
    /// also says how many were suppressed by allow comments or the project's `allow` list.
    pub fn checked(&self, checked: &Checked) {
        self.diagnostics_and_suppressed(
            &checked.diagnostics,
            &checked.sources,
            checked.files_checked,
            checked.suppressed,
        );
    }

    /// Prints the diagnostics of a command whose standard output carries another document
    /// (`plan`, `apply`): on stderr in the human form, so that stdout holds exactly one JSON or
    /// markdown document; GitHub annotations, which are lines of their own, stay on stdout.
    pub fn side_report(
        &self,
        diagnostics: &[Diagnostic],
        sources: &SourceMap,
        files_checked: usize,
    ) {
        if diagnostics.is_empty() {
            return;
        }
        let side = Output {
            format: if self.format == Format::Github {
                Format::Github
            } else {
                Format::Human
            },
            ..*self
        };
        side.diagnostics(diagnostics, sources, files_checked);
    }

    /// Prints the diagnostics and, for the human format, the summary line.
    pub fn diagnostics(
        &self,
        diagnostics: &[Diagnostic],
        sources: &SourceMap,
        files_checked: usize,
    ) {
        self.diagnostics_and_suppressed(diagnostics, sources, files_checked, 0);
    }

    fn diagnostics_and_suppressed(
        &self,
        diagnostics: &[Diagnostic],
        sources: &SourceMap,
        files_checked: usize,
        suppressed: usize,
    ) {
        match self.format {
            Format::Human | Format::Markdown => {
                let width = terminal_width();
                let text = render_human(
                    diagnostics,
                    sources,
                    &HumanOptions {
                        color: self.color,
                        width,
                    },
                );
                eprint_text(&text);
                let mut summary = summary_line(diagnostics, files_checked);
                if suppressed > 0 {
                    summary.push_str(&format!(" ({suppressed} suppressed)"));
                }
                eprint_info(&format!("{summary}\n"));
            }
            Format::Json => print_text(&render_json(
                diagnostics,
                sources,
                &JsonOptions {
                    files_checked,
                    pretty: true,
                },
            )),
            Format::Github => print_text(&render_github(diagnostics, sources)),
            Format::Gitlab => print_text(&render_gitlab(diagnostics, sources)),
            Format::Sarif => print_text(&render_sarif(
                diagnostics,
                sources,
                &SarifOptions {
                    tool_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                    information_uri: None,
                },
            )),
        }
    }
}

/// The width for human reports: `COLUMNS` when set, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .filter(|width: &usize| *width >= 40)
        .unwrap_or(100)
}

/// Writes to stdout; a closed pipe ends the program quietly with success (as `rg | head`).
pub fn print_text(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if written.is_err_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe) {
        std::process::exit(0);
    }
}

/// How much the tool says on stderr besides diagnostics, warnings and errors (`-q`, `-v`).
/// Standard output is the same at every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `--quiet`: diagnostics, warnings and errors only; no summary line, notes or progress.
    Quiet = 0,
    /// The default.
    Normal = 1,
    /// `--verbose`: also the project file, the server chosen and why, and each request made
    /// (method, URL without credentials, status, size, time; never a header or a body).
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Sets the verbosity for the whole run (once, from the flags).
pub fn set_verbosity(verbosity: Verbosity) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
}

/// The verbosity of this run.
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Writes an informational line to stderr (a summary, a note), unless `--quiet`.
pub fn eprint_info(text: &str) {
    if verbosity() > Verbosity::Quiet {
        eprint_text(text);
    }
}

/// Writes a line to stderr only with `--verbose`; `text` is built only then.
pub fn eprint_verbose(text: impl FnOnce() -> String) {
    if verbosity() == Verbosity::Verbose {
        eprint_text(&text());
    }
}

/// Writes to stderr, ignoring failures (there is nowhere left to report them). A progress
/// line on the terminal is taken away while the text is written, then drawn again below it.
pub fn eprint_text(text: &str) {
    let write = || {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    };
    let active = PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    match active {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// The progress line shown while the server is talked to, if one is (see [`Progress`]).
static PROGRESS: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);

/// A progress line on stderr for a phase that talks to the server (reading it, applying):
/// a spinner, what is being done, the requests made so far, the last one, and the time. Shown
/// only when stderr is a terminal, outside CI (`CI` set), without `--quiet` or `--verbose`
/// (which prints a line per request instead) and not with `--format json`; cleared when the
/// phase ends (this value is dropped), so nothing of it stays in the terminal or reaches a log.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Starts the progress line of a phase, when [`Progress::wanted`].
    pub fn start(output: &Output, what: &str) -> Progress {
        if !Progress::wanted(output) {
            return Progress { bar: None };
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_prefix(what.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        *PROGRESS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bar.clone());
        Progress { bar: Some(bar) }
    }

    /// Whether a progress line is shown at all (see [`Progress`]).
    fn wanted(output: &Output) -> bool {
        output.format != Format::Json
            && verbosity() == Verbosity::Normal
            && std::env::var_os("CI").is_none_or(|value| value.is_empty())
            && std::io::stderr().is_terminal()
    }

    /// Counts a request of the active phase (from the client's request observer).
    pub fn request(method: &str, url: &str) {
        let active = PROGRESS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(bar) = active {
            bar.inc(1);
            let count = bar.position();
            let path = url.find("/api/").map_or(url, |at| &url[at..]);
            bar.set_message(format!(
                "{count} request{}, the last {method} {path}",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
            *PROGRESS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        }
    }
}
