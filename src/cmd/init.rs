//! `conductor-apply init`: scaffold a project (project file, an example workflow, the schemas
//! editors validate with, a CI workflow). Never replaces a file that exists.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{eprint_info, eprint_text};
use crate::project::PROJECT_FILE;
use crate::write::{Replace, write_tree};

/// Where `init` puts the schemas, relative to the project root.
const SCHEMA_DIR: &str = ".conductor-apply/schemas";

/// Arguments of `init`.
#[derive(Debug, Args)]
#[command(
    after_help = "Files written (each only when it does not exist yet; an existing file is kept
as it is and listed):
  conductor-apply.yaml                         the project file
  workflows/hello.yaml                         an example workflow and its task definition
  .conductor-apply/schemas/*.schema.json       the JSON Schemas editors validate with
  .vscode/settings.json                        points the YAML language server at them for
                                               workflows/**/*.yaml at any depth
  .github/workflows/conductor-apply.yml        CI: check in pull requests, plan in the job summary

Examples:
  conductor-apply init                         in the current directory
  conductor-apply init --project shop-orders services/orders"
)]
pub struct InitArgs {
    /// The directory to scaffold (created if missing). Default: the current directory.
    pub dir: Option<PathBuf>,
    /// The project's id (`project:` in the project file). Default: the directory's name.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
}

/// Runs `init`.
pub fn run(args: &InitArgs) -> Result<Exit, CliError> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?,
    };
    let id = match &args.project {
        Some(id) => id.clone(),
        None => project_id(&dir),
    };
    if !valid_project_id(&id) {
        eprint_text(&format!(
            "error: `{id}` is not a project id: use letters, digits, `_`, `.` and `-`, starting \
             with a letter or digit (pass --project ID); nothing was written\n"
        ));
        return Ok(Exit::InputErrors);
    }
    let files = scaffold(&id);
    let (kept, missing): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(relative, _)| exists(&dir.join(relative)));
    let report = write_tree(&dir, &missing, Replace::Refused)?;
    let mut message = String::new();
    for (relative, _) in &missing {
        message.push_str(&format!("created {relative}\n"));
    }
    for (relative, _) in &kept {
        message.push_str(&format!("kept    {relative} (it exists; not changed)\n"));
    }
    message.push_str(&format!(
        "{} file{} created in {}{}\n",
        report.written,
        if report.written == 1 { "" } else { "s" },
        dir.display(),
        if missing.is_empty() {
            ": the project was already there"
        } else {
            "; next: `conductor-apply check`, then `conductor-apply plan`"
        }
    ));
    if let Some(outer) = dir
        .canonicalize()
        .ok()
        .and_then(|dir| dir.parent().map(Path::to_path_buf))
        .and_then(|parent| {
            parent
                .ancestors()
                .map(|folder| folder.join(PROJECT_FILE))
                .find(|file| file.is_file())
        })
    {
        message.push_str(&format!(
            "note: {} is a project too; commands run below {} use the new project file\n",
            outer.display(),
            dir.display()
        ));
    }
    eprint_info(&message);
    Ok(Exit::Success)
}

/// Whether something (a file, a folder, a link) is at `path`.
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The directory's name made into a project id: characters outside `[A-Za-z0-9_.-]` become
/// `-`; `conductor-project` when nothing usable is left.
fn project_id(dir: &Path) -> String {
    let absolute = dir
        .canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let name = absolute
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    let id = id.trim_start_matches(['_', '.', '-']).to_owned();
    if id.is_empty() {
        "conductor-project".to_owned()
    } else {
        id
    }
}

/// The project file's rule for ids (see `project.rs`).
fn valid_project_id(id: &str) -> bool {
    id.len() <= 100
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The modeline for a file at `relative` (a `/`-separated path from the project root) pointing
/// at `schema` in [`SCHEMA_DIR`]: the language server resolves it from the file's folder.
fn modeline(relative: &str, schema: &str) -> String {
    let depth = relative.matches('/').count();
    format!(
        "# yaml-language-server: $schema={}{SCHEMA_DIR}/{schema}\n",
        "../".repeat(depth)
    )
}

/// Every file of a new project, by relative path.
fn scaffold(id: &str) -> Vec<(String, String)> {
    let mut files = vec![
        (
            PROJECT_FILE.to_owned(),
            format!(
                "{}{}",
                modeline(PROJECT_FILE, "project.schema.json"),
                PROJECT_TEMPLATE.replace("{id}", id)
            ),
        ),
        (
            "workflows/hello.yaml".to_owned(),
            format!(
                "{}{HELLO_TEMPLATE}",
                modeline("workflows/hello.yaml", "conductor-apply.schema.json")
            ),
        ),
        (
            ".vscode/settings.json".to_owned(),
            VSCODE_SETTINGS.to_owned(),
        ),
        (
            ".github/workflows/conductor-apply.yml".to_owned(),
            CI_TEMPLATE.replace("{version}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    for (name, text) in super::schema::schema_files() {
        if name == conductor_dsl::schema::DSL_SCHEMA_FILE || name == "project.schema.json" {
            files.push((format!("{SCHEMA_DIR}/{name}"), text));
        }
    }
    files
}

const PROJECT_TEMPLATE: &str = r#"# The conductor-apply project file; the schema above describes every key (editors with the
# YAML language server show it), and so does the README of conductor-apply.
# The project's id: apply keeps its inventory (what this project manages) under it.
project: {id}
# Where the definitions are.
files: ["workflows/**/*.yaml"]
# The server; --env, --server and CONDUCTOR_SERVER_URL take precedence.
server: http://localhost:8080/api
# Values for ((name)) in the definitions (environments may override them).
# values:
#   greetingLanguage: en
# Named environments, chosen with --env NAME.
# environments:
#   staging:
#     server: https://conductor.staging.example.com/api
#     values: {greetingLanguage: en}       # ((greetingLanguage)) in a definition
#   production:
#     server: https://conductor.example.com/api
#     values: {greetingLanguage: en}
# What `apply --prune` may delete (only definitions this project applied).
# prune:
#   workflows: ["hello*"]
#   taskDefs: ["greet*"]
"#;

const HELLO_TEMPLATE: &str = r#"# An example: a workflow with one worker task, and that task's definition.
# `conductor-apply check` checks it, `conductor-apply plan` compares it with the server.
workflow: hello
description: Greets whoever is named in the input.
version: 1
ownerEmail: team@example.com
timeout: 60s
inputs: [name]
tasks:
  - ref: greet
    task: greet # a worker task, named by its task definition
    input:
      name: ${workflow.input.name}
output:
  greeting: ${greet.output.greeting}
---
task: greet
description: Returns a greeting for the given name.
ownerEmail: team@example.com
retry: {count: 3, logic: EXPONENTIAL_BACKOFF, delay: 5s}
timeout: 2m
responseTimeout: 30s
inputKeys: [name]
outputKeys: [greeting]
"#;

/// The YAML language server's own setting (VS Code, and any editor that passes `yaml.schemas`
/// to it): files matching the globs are validated at any folder depth, without a modeline.
const VSCODE_SETTINGS: &str = r#"{
  "yaml.schemas": {
    "./.conductor-apply/schemas/conductor-apply.schema.json": ["workflows/**/*.yaml", "workflows/**/*.yml"],
    "./.conductor-apply/schemas/project.schema.json": ["conductor-apply.yaml"]
  }
}
"#;

const CI_TEMPLATE: &str = r#"# conductor-apply in CI: check every pull request (annotations on the changed lines), show
# the plan in the job summary, apply on the main branch. Set the repository variable
# CONDUCTOR_SERVER_URL and, for servers with auth, the secrets CONDUCTOR_AUTH_KEY and
# CONDUCTOR_AUTH_SECRET.
name: conductor-apply
on:
  pull_request:
  push:
    branches: [main]
jobs:
  conductor:
    runs-on: ubuntu-latest
    env:
      CONDUCTOR_SERVER_URL: ${{ vars.CONDUCTOR_SERVER_URL }}
      CONDUCTOR_AUTH_KEY: ${{ secrets.CONDUCTOR_AUTH_KEY }}
      CONDUCTOR_AUTH_SECRET: ${{ secrets.CONDUCTOR_AUTH_SECRET }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with: {python-version: "3.12"}
      - run: pip install "conductor-apply=={version}"
      - name: check
        run: conductor-apply check --format github
      - name: plan
        if: env.CONDUCTOR_SERVER_URL != ''
        run: conductor-apply plan --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: apply
        if: github.event_name == 'push' && env.CONDUCTOR_SERVER_URL != ''
        run: conductor-apply apply --auto-approve
"#;
