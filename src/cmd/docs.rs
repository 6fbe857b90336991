//! `conductor-apply docs`: write the workflow catalogue and the DSL reference as Markdown.

use std::path::{Component, Path, PathBuf};

use clap::Args;
use conductor_docs::{Definitions, Page, SourceLocation};

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Output, eprint_info};
use crate::write::write_generated;

/// The file listing what the last run wrote, so that a later run can remove pages whose
/// definition is gone without touching anything else in the directory.
pub const MANIFEST: &str = ".conductor-apply-docs";

/// Arguments of `docs`.
#[derive(Debug, Args)]
#[command(
    after_help = "Output layout (deterministic: the same input gives byte-identical files):
  DIR/README.md                      the catalogue: every workflow and task definition
  DIR/workflows/<name>.md            one per workflow: versions, inputs, outputs, tasks, flowchart, callers
  DIR/taskdefs/<name>.md             one per task definition: policy in words, keys, users
  DIR/reference/README.md            the DSL reference, generated from the JSON Schema
  DIR/reference/documents/*.md       one per document kind (workflow, task)
  DIR/reference/tasks/*.md           one per task form (http, switch, ...)
  DIR/reference/types/*.md           one per other type (Retry, Duration, ...)
Links are relative; flowcharts are Mermaid code blocks (rendered by GitHub, GitLab and
mkdocs-material). Files are only rewritten when their content changes; pages a previous run
wrote whose definition is gone are removed (the list is kept in DIR/.conductor-apply-docs).
Nothing is written when any definition has an error.

Examples:
  conductor-apply docs --out docs/catalogue
  conductor-apply docs workflows/hello.yaml --out /tmp/docs"
)]
pub struct DocsArgs {
    /// Files or directories to document. Default: the project's files.
    pub paths: Vec<PathBuf>,
    /// The directory to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// A named environment of the project file whose `values` replace `((name))` in the
    /// definitions documented. Default: the top-level `values`.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
}

/// Runs `docs`.
pub fn run(args: &DocsArgs, output: Output) -> Result<Exit, CliError> {
    let Some(checked) =
        super::definitions_to_write(&args.paths, args.environment.as_deref(), output)?
    else {
        return Ok(Exit::InputErrors);
    };
    let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
    let out_dir = lexical_absolute(&cwd, &args.out);
    let root = project_root(&cwd);
    // Pages link to the YAML they document only when both live in the project, so that the
    // links work wherever the repository is checked out.
    let locate = |file: &conductor_source::SourceFile| {
        let source = lexical_absolute(&cwd, file.path());
        let linkable = out_dir.starts_with(&root) && source.starts_with(&root);
        SourceLocation {
            shown: file.name().to_owned(),
            from_output: linkable.then(|| relative_path(&out_dir, &source)).flatten(),
        }
    };
    let definitions = Definitions::from_compiled(&checked.compiled, &checked.sources, &locate);
    let pages = conductor_docs::generate_with_project(
        &conductor_dsl::schema::dsl_schema(),
        &super::schema::project_schema(),
        &definitions,
    );
    let changed = write_pages(&args.out, &pages)?;
    eprint_info(&format!(
        "documented {} workflow{} and {} task definition{} in {} ({} page{}, {changed} changed)\n",
        checked.compiled.workflows.len(),
        plural(checked.compiled.workflows.len()),
        checked.compiled.task_defs.len(),
        plural(checked.compiled.task_defs.len()),
        args.out.display(),
        pages.len(),
        plural(pages.len()),
    ));
    Ok(Exit::Success)
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Writes the pages under `out` (through a temporary file and a rename, only when the content
/// changed); removes the pages the previous run listed that are no longer generated.
/// Returns how many files were written or removed.
fn write_pages(out: &Path, pages: &[Page]) -> Result<usize, CliError> {
    let files: Vec<(String, String)> = pages
        .iter()
        .map(|page| (page.path.clone(), page.content.clone()))
        .collect();
    write_generated(out, &files, MANIFEST, ".md")
}

/// The project's root: the directory of the project file above `cwd`, else `cwd`.
fn project_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| dir.join(crate::project::PROJECT_FILE).is_file())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved without touching the file
/// system (the output directory may not exist yet).
fn lexical_absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The path of `target` relative to the directory `base`, with `/` separators, when both are
/// absolute on the same root.
fn relative_path(base: &Path, target: &Path) -> Option<String> {
    let base: Vec<Component<'_>> = base.components().collect();
    let target: Vec<Component<'_>> = target.components().collect();
    if base.first() != target.first() {
        return None;
    }
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    for component in target.get(common..).unwrap_or_default() {
        parts.push(component.as_os_str().to_str()?.to_owned());
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_directories() {
        let out = Path::new("/repo/docs/catalogue");
        assert_eq!(
            relative_path(out, Path::new("/repo/workflows/a.yaml")).as_deref(),
            Some("../../workflows/a.yaml")
        );
        assert_eq!(
            lexical_absolute(Path::new("/repo/sub"), Path::new("../docs/./x")),
            PathBuf::from("/repo/docs/x")
        );
    }
}
