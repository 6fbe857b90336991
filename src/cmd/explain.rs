//! `conductor-apply explain`: print a diagnostic code's page.

use clap::Args;
use conductor_diagnostics::{Code, explain, list_codes};

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::print_text;

/// Arguments of `explain`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply explain CA301
  conductor-apply explain duplicate-task-reference
  conductor-apply explain --list")]
pub struct ExplainArgs {
    /// A code (`CA301`) or its name (`duplicate-task-reference`).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its summary.
    #[arg(long)]
    pub list: bool,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> Result<Exit, CliError> {
    if args.list {
        print_text(&list_codes());
        return Ok(Exit::Success);
    }
    let asked = args.code.clone().unwrap_or_default();
    let code = Code::lookup(&asked).ok_or(CliError::UnknownCode { code: asked })?;
    print_text(&explain(code));
    Ok(Exit::Success)
}
