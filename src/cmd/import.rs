//! `conductor-apply import`: Conductor JSON into DSL files.

use std::path::{Component, Path, PathBuf};

use clap::Args;
use conductor_dsl::import::import_files;
use conductor_source::{SourceMap, discover_with_extensions, read_source};

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Output, eprint_text};
use crate::project::{PROJECT_FILE, display_path};
use crate::stages::StageError;
use crate::write::{Replace, write_tree};

/// Arguments of `import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Reads workflow and task definitions as Conductor JSON: a WorkflowDef, a TaskDef, a
list of either, or what GET /api/metadata/workflow and GET /api/metadata/taskdefs return.
Writes one YAML file per workflow name (its versions as documents); a task definition used
by exactly one workflow goes into that workflow's file, the others into
task-definitions.yaml. Values equal to the server's defaults are left out; concise forms
are used wherever they say exactly the same thing. Every imported definition is compiled
back and compared with the original before anything is written. An existing file with
other content is never replaced without --force (then import lists what it replaced).

Examples:
  conductor-apply import exported/ --out workflows
  curl -s $CONDUCTOR_SERVER_URL/metadata/workflow > all.json
  conductor-apply import all.json --out workflows"
)]
pub struct ImportArgs {
    /// JSON files, or directories searched for *.json files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The directory to write the YAML files into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace existing files whose content differs (they may hold comments and edits of
    /// yours); without it, import writes nothing when it would replace one.
    #[arg(long)]
    pub force: bool,
}

/// Runs `import`.
pub fn run(args: &ImportArgs, output: Output) -> Result<Exit, CliError> {
    let files = discover_with_extensions(&args.paths, &["json"]).map_err(StageError::from)?;
    let mut sources = SourceMap::new();
    let mut ids = Vec::with_capacity(files.len());
    for path in &files {
        let source = read_source(path, display_path(path)).map_err(StageError::from)?;
        ids.push(sources.add(source));
    }
    let (imported, mut diagnostics) = import_files(&sources, &ids, &schema_modeline(&args.out));
    conductor_diagnostics::sort_diagnostics(&mut diagnostics);
    output.report(&diagnostics, &sources, files.len());
    if conductor_diagnostics::has_errors(&diagnostics) {
        eprint_text("nothing was written: fix the errors above first\n");
        return Ok(Exit::InputErrors);
    }
    let outputs: Vec<(String, String)> = imported
        .iter()
        .map(|file| (file.path.clone(), file.text.clone()))
        .collect();
    let replace = if args.force {
        Replace::Allowed
    } else {
        Replace::Refused
    };
    let report = write_tree(&args.out, &outputs, replace)?;
    for path in &report.replaced {
        eprint_text(&format!("replaced {}\n", args.out.join(path).display()));
    }
    eprint_text(&format!(
        "imported {} file{} into {} ({} file{} written, {} unchanged)\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        args.out.display(),
        report.written,
        if report.written == 1 { "" } else { "s" },
        imported.len() - report.written,
    ));
    Ok(Exit::Success)
}

/// The schema path for the imported files' modeline: from the output directory to
/// `schemas/conductor-apply.schema.json` at the root of the project the output directory is in
/// (the directory of the nearest `conductor-apply.yaml` above it, else the working directory).
fn schema_modeline(out: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let out = lexical_absolute(&cwd.join(out));
    let root = out
        .ancestors()
        .find(|dir| dir.join(PROJECT_FILE).is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| lexical_absolute(&cwd));
    let schema = root
        .join("schemas")
        .join(conductor_dsl::schema::DSL_SCHEMA_FILE);
    relative_path(&out, &schema)
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn lexical_absolute(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path of `target` relative to the directory `from`, with `/` separators.
fn relative_path(from: &Path, target: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let target: Vec<_> = target.components().collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|component| component.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/p/workflows"), Path::new("/p/schemas/s.json")),
            "../schemas/s.json"
        );
        assert_eq!(
            relative_path(Path::new("/p"), Path::new("/p/schemas/s.json")),
            "schemas/s.json"
        );
        assert_eq!(
            relative_path(Path::new("/p/a/b"), Path::new("/p/schemas/s.json")),
            "../../schemas/s.json"
        );
    }
}
