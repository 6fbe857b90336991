//! conductor-apply: keep Conductor workflow and task definitions in git as a YAML DSL.
//!
//! This binary is thin: it parses arguments, finds the project file, calls the stages in the
//! library crates, picks a renderer and maps the outcome to an exit code. See ARCHITECTURE.md.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

mod cmd;
mod error;
mod exit;
mod output;
mod project;
mod stages;
mod write;

use std::error::Error as _;

use clap::{Parser, Subcommand};

use crate::exit::{EXIT_CODES_HELP, Exit};
use crate::output::{ColorChoice, Format, Output, Verbosity, eprint_text, set_verbosity};

/// mimalloc rather than the system allocator: a check allocates about a million small blocks
/// (YAML values, span trees, DSL types, compiled definitions), and with glibc's allocator
/// malloc and free took a quarter of the instructions (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keep Conductor workflow and task definitions in git as a concise YAML DSL: check them
/// like a compiler, compile them to the JSON the server accepts, plan and apply them.
#[derive(Debug, Parser)]
#[command(name = "conductor-apply", version, after_help = EXIT_CODES_HELP)]
struct Cli {
    /// How to print diagnostics (and the plan): a command refuses a format it has no output
    /// for (`check`: human, json, github, sarif; `plan`, `apply`: human, json, markdown, github).
    #[arg(long, global = true, value_enum, default_value = "human")]
    format: Format,
    /// When to use colour (also honours NO_COLOR).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Never use colour (same as `--color never`).
    #[arg(long, global = true)]
    no_color: bool,
    /// Say less on stderr: diagnostics, warnings and errors only (no summary line, notes or
    /// progress). Standard output is unchanged.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more on stderr: the project file, the server and why it was chosen, and each request
    /// made (method, URL, status, size, time; never a header, a body or a credential).
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check definitions: YAML, schema, the server's rules and expressions.
    Check(cmd::check::CheckArgs),
    /// Compile definitions to Conductor JSON files.
    Compile(cmd::compile::CompileArgs),
    /// Import Conductor JSON definitions into DSL files.
    Import(cmd::import::ImportArgs),
    /// Format DSL files in the canonical layout, keeping every comment (--check for CI).
    Fmt(cmd::fmt::FmtArgs),
    /// Write the JSON Schemas (regenerates `schemas/`).
    Schema(cmd::schema::SchemaArgs),
    /// Write Markdown docs: the workflow catalogue with flowcharts, and the DSL reference.
    Docs(cmd::docs::DocsArgs),
    /// Explain a diagnostic code.
    Explain(cmd::explain::ExplainArgs),
    /// Show what `apply` would change on a Conductor server (never writes).
    Plan(cmd::plan::PlanArgs),
    /// Apply the definitions (or a saved plan) to a Conductor server.
    Apply(cmd::apply::ApplyArgs),
    /// Run the workflow tests (`*.test.yaml`) offline, in a simulator of the server.
    Test(cmd::test::TestArgs),
    /// Run the language server on stdio, for editors: diagnostics, hover, go to definition,
    /// completion.
    Lsp(cmd::lsp::LspArgs),
    /// Scaffold a project: project file, an example workflow, schemas, a CI workflow.
    Init(cmd::init::InitArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or PowerShell.
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (or write every page with --out DIR).
    Man(cmd::completions::ManArgs),
}

/// The command's name, for [`cmd::format_refusal`].
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Check(_) => "check",
        Command::Compile(_) => "compile",
        Command::Import(_) => "import",
        Command::Fmt(_) => "fmt",
        Command::Schema(_) => "schema",
        Command::Docs(_) => "docs",
        Command::Explain(_) => "explain",
        Command::Plan(_) => "plan",
        Command::Apply(_) => "apply",
        Command::Test(_) => "test",
        Command::Init(_) => "init",
        Command::Lsp(_) => "lsp",
        Command::Completions(_) => "completions",
        Command::Man(_) => "man",
    }
}

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` are answers (0); a usage error is the tool failing to run
        // (3), never the 2 that `plan --detailed-exitcode` gives to "changes pending".
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Failure.code()
            } else {
                Exit::Success.code()
            };
        }
    };
    set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    });
    let output = Output {
        format: cli.format,
        color: !cli.no_color && cli.color.enabled(),
        color_stdout: !cli.no_color && cli.color.enabled_for_stdout(),
    };
    if let Some(refusal) = cmd::format_refusal(command_name(&cli.command), cli.format) {
        eprint_text(&format!("error: {refusal}\n"));
        return Exit::Failure.code();
    }
    let result = match &cli.command {
        Command::Check(args) => cmd::check::run(args, output),
        Command::Compile(args) => cmd::compile::run(args, output),
        Command::Import(args) => cmd::import::run(args, output),
        Command::Fmt(args) => cmd::fmt::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Docs(args) => cmd::docs::run(args, output),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Plan(args) => cmd::plan::run(args, output),
        Command::Apply(args) => cmd::apply::run(args, output),
        Command::Test(args) => cmd::test::run(args, output),
        Command::Init(args) => cmd::init::run(args),
        Command::Lsp(args) => cmd::lsp::run(args),
        Command::Completions(args) => cmd::completions::run_completions(args),
        Command::Man(args) => cmd::completions::run_man(args),
    };
    match result {
        Ok(exit) => exit.code(),
        Err(error) => {
            let mut message = format!("error: {error}\n");
            let mut source = error.source();
            while let Some(cause) = source {
                message.push_str(&format!("  caused by: {cause}\n"));
                source = cause.source();
            }
            if let Some(hint) = error.hint() {
                message.push_str(&format!("hint: {hint}\n"));
            }
            eprint_text(&message);
            Exit::Failure.code()
        }
    }
}
