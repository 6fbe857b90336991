//! `conductor-apply compile`: write the Conductor JSON of every definition.

use std::path::PathBuf;

use clap::Args;
use conductor_dsl::import::file_stem as file_name;
use serde::Serialize;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Output, eprint_info};
use crate::write::write_generated;

/// The list of the files `compile` wrote, in the output directory: the next run removes those
/// whose definitions are gone.
pub const MANIFEST: &str = ".conductor-apply-compiled";

/// Arguments of `compile`.
#[derive(Debug, Args)]
#[command(
    after_help = "Output layout (deterministic: the same input gives byte-identical files):
  DIR/workflows/<name>.v<version>.json    one per workflow version
  DIR/taskdefs/<name>.json                one per task definition
Names are kept as they are, except characters unsafe in file names, written %XX.
Nothing is written when any definition has an error. Files a previous run wrote for
definitions that are gone are removed (DIR/.conductor-apply-compiled lists them); other
files in DIR are left alone.

Examples:
  conductor-apply compile --out build/conductor
  conductor-apply compile workflows/hello.yaml --out /tmp/out"
)]
pub struct CompileArgs {
    /// Files or directories to compile. Default: the project's files.
    pub paths: Vec<PathBuf>,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A named environment of the project file whose `values` replace `((name))` in the
    /// definitions. Default: the top-level `values`.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
}

/// Runs `compile`.
pub fn run(args: &CompileArgs, output: Output) -> Result<Exit, CliError> {
    let Some(checked) =
        super::definitions_to_write(&args.paths, args.environment.as_deref(), output)?
    else {
        return Ok(Exit::InputErrors);
    };
    // Every file is rendered and every name checked before the first is written.
    let mut files = Vec::new();
    for workflow in &checked.compiled.workflows {
        let version = workflow.def.version.unwrap_or(1);
        files.push((
            format!(
                "workflows/{}.v{version}.json",
                file_name(&workflow.def.name)
            ),
            pretty_json(&workflow.def)?,
        ));
    }
    for task_def in &checked.compiled.task_defs {
        files.push((
            format!("taskdefs/{}.json", file_name(&task_def.def.name)),
            pretty_json(&task_def.def)?,
        ));
    }
    let written = files.len();
    let changed = write_generated(&args.out, &files, MANIFEST, ".json")?;
    eprint_info(&format!(
        "compiled {} workflow{} and {} task definition{} into {} ({written} file{}, {changed} \
         changed or removed)\n",
        checked.compiled.workflows.len(),
        plural(checked.compiled.workflows.len()),
        checked.compiled.task_defs.len(),
        plural(checked.compiled.task_defs.len()),
        args.out.display(),
        plural(written),
    ));
    Ok(Exit::Success)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Pretty JSON with a final newline.
fn pretty_json<T: Serialize>(value: &T) -> Result<String, CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|error| CliError::Write {
        path: PathBuf::new(),
        source: std::io::Error::other(error),
    })?;
    text.push('\n');
    Ok(text)
}
