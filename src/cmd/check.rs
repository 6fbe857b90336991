//! `conductor-apply check`: validate definitions and report every problem.

use std::path::PathBuf;

use clap::Args;
use conductor_model::versions::ServerVersion;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Format, Output, eprint_text};
use crate::stages::Checked;

/// Arguments of `check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply check                      check the project's files (conductor-apply.yaml)
  conductor-apply check workflows/           check every YAML file below workflows/
  conductor-apply check --format github .    annotate a pull request from GitHub Actions
  conductor-apply check --format sarif > results.sarif
  conductor-apply check --server-version 3.15.0   what that server would drop, refuse or loop on")]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for *.yaml and *.yml files
    /// (honouring .gitignore). Default: the files of the project file, or the working
    /// directory. The project's other files are read too, for what they define, and only the
    /// given ones are reported.
    pub paths: Vec<PathBuf>,
    /// Check for this Conductor server version (`3.21.14`): what it would drop (CA901), refuse
    /// (CA904, CA905) or fail to run (CA902, CA903). Default: the project file's
    /// `serverVersion` (of the `--env` environment when given); without one, only the rules
    /// every version shares.
    #[arg(long, value_name = "VERSION", value_parser = parse_server_version)]
    pub server_version: Option<ServerVersion>,
    /// A named environment of the project file: its `values` replace `((name))` in the
    /// definitions, and its `serverVersion` is checked for.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
}

fn parse_server_version(text: &str) -> Result<ServerVersion, String> {
    ServerVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a server version such as 3.21.14"))
}

/// Runs `check`.
pub fn run(args: &CheckArgs, output: Output) -> Result<Exit, CliError> {
    // Files given on the command line are checked against the whole project, so that a
    // definition in a sibling file is not reported missing (pre-commit, editors).
    let (project, mut checked) = super::load_definitions_with(
        &args.paths,
        |project| {
            if let Some(name) = &args.environment {
                super::remote::environment_exists(project, name)?;
            }
            Ok(super::CheckTarget {
                version: args
                    .server_version
                    .or_else(|| project.server_version(args.environment.as_deref())),
                server: None,
                environment: args.environment.clone(),
            })
        },
        super::Context::Project,
    )?;
    // The workflow test files among the paths (or the project's files): their schema, and
    // the workflows and task references they name.
    let tests = crate::stages::test_files(&args.paths, &project)?;
    let library = (!checked.has_errors()).then(|| super::test::library_of(&checked.compiled));
    let cases = super::test::validate_test_files(
        &tests,
        library.as_ref(),
        &mut checked.sources,
        &mut checked.diagnostics,
    )?;
    checked.files_checked += tests.len();
    conductor_diagnostics::sort_diagnostics(&mut checked.diagnostics);
    if checked.definitions == 0 && cases == 0 && !checked.has_errors() {
        // "no problems found in 0 files" would pass a CI gate that checks nothing: a mistyped
        // path or `files:` glob. (A file whose YAML does not parse has errors enough.)
        if !checked.diagnostics.is_empty() || output.format != Format::Human {
            output.checked(&checked);
        }
        let place = if args.paths.is_empty() {
            "the project's files".to_owned()
        } else {
            args.paths
                .iter()
                .map(|path| format!("`{}`", path.display()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        skipped_note(&checked, output);
        eprint_text(&format!(
            "error: no workflow or task definition in {place} ({} file{} read): nothing was checked\n",
            checked.files_checked,
            if checked.files_checked == 1 { "" } else { "s" },
        ));
        return Ok(Exit::InputErrors);
    }
    output.checked(&checked);
    skipped_note(&checked, output);
    Ok(if checked.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Success
    })
}

/// Says how many YAML documents were not read as definitions, so that a definition whose
/// kind key is missing is not skipped unnoticed.
fn skipped_note(checked: &Checked, output: Output) {
    if checked.skipped == 0 || output.format != Format::Human {
        return;
    }
    eprint_text(&format!(
        "note: skipped {} YAML document{} with no `workflow:` or `task:` key (other tools' files); \
         list the definition files in `files:` of conductor-apply.yaml to check every one\n",
        checked.skipped,
        if checked.skipped == 1 { "" } else { "s" },
    ));
}
