//! `conductor-apply schema`: write the JSON Schemas (what regenerates `schemas/`).

use std::path::PathBuf;

use clap::Args;
use serde_json::Value;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::eprint_info;

/// Arguments of `schema`.
#[derive(Debug, Args)]
#[command(after_help = "Files written:
  conductor-apply.schema.json   DSL documents (workflows and task definitions)
  conductor.schema.json         compiled Conductor JSON (WorkflowDef or TaskDef)
  diagnostics.schema.json       the output of `check --format json`
  project.schema.json           the project file, conductor-apply.yaml
  plan.schema.json              the output of `plan --format json` and `plan --out`
  apply.schema.json             the output of `apply --format json`
  plan.schema.json              the plan of `plan --format json` and `plan --out`

Editors validate and complete YAML with the first one when a file starts with
  # yaml-language-server: $schema=../schemas/conductor-apply.schema.json

Example:
  conductor-apply schema --out schemas")]
pub struct SchemaArgs {
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The JSON Schema of the project file, `conductor-apply.yaml`.
pub fn project_schema() -> Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<crate::project::ProjectSettings>()
        .into()
}

/// Every committed schema: its file name and contents, pretty-printed with a final newline.
pub fn schema_files() -> Vec<(&'static str, String)> {
    let files: Vec<(&'static str, Value)> = vec![
        (
            conductor_dsl::schema::DSL_SCHEMA_FILE,
            conductor_dsl::schema::dsl_schema(),
        ),
        (
            conductor_dsl::schema::CONDUCTOR_SCHEMA_FILE,
            conductor_dsl::schema::conductor_schema(),
        ),
        (
            "diagnostics.schema.json",
            conductor_diagnostics::json_schema(),
        ),
        ("project.schema.json", crate::project::project_schema()),
        (
            conductor_dsl::schema::TEST_SCHEMA_FILE,
            conductor_dsl::schema::test_schema(),
        ),
        ("plan.schema.json", conductor_plan::plan_schema()),
        (
            "apply.schema.json",
            conductor_plan::render::apply_report::apply_schema(),
        ),
    ];
    files
        .into_iter()
        .map(|(name, value)| {
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            (name, text)
        })
        .collect()
}

/// Runs `schema`.
pub fn run(args: &SchemaArgs) -> Result<Exit, CliError> {
    std::fs::create_dir_all(&args.out).map_err(|source| CliError::Write {
        path: args.out.clone(),
        source,
    })?;
    let files = schema_files();
    for (name, text) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|source| CliError::Write { path, source })?;
    }
    eprint_info(&format!(
        "wrote {} schemas into {}\n",
        files.len(),
        args.out.display()
    ));
    Ok(Exit::Success)
}
