//! CA324 unaddressable-name: a definition's name that cannot be used where the tool must put
//! it: `.` and `..` as a URL path segment name other resources of the server
//! (`DELETE /api/metadata/workflow/..` is not that workflow), and a name whose file
//! (`compile`'s `<name>.v<version>.json`) is longer than a file system takes stops `compile`
//! and `docs`.

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::import::file_stem;
use conductor_source::FileId;

use crate::context::Project;

/// The longest file name (bytes of one path component) on ext4, APFS and NTFS.
const MAX_FILE_NAME_BYTES: usize = 255;

pub(crate) fn check(project: &Project<'_>, out: &mut Vec<Diagnostic>) {
    let head = |file: FileId, index: usize, key: &str| project.head_value(file, index, key);
    for workflow in &project.compiled.workflows {
        let file_name = format!(
            "{}.v{}.json",
            file_stem(&workflow.def.name),
            workflow.def.version.unwrap_or(1)
        );
        if let Some(diagnostic) = problem(&workflow.def.name, &file_name, "workflow") {
            out.push(diagnostic.with_primary(
                workflow.file,
                head(workflow.file, workflow.index, "workflow"),
                "this name",
            ));
        }
    }
    for task_def in &project.compiled.task_defs {
        let file_name = format!("{}.json", file_stem(&task_def.def.name));
        if let Some(diagnostic) = problem(&task_def.def.name, &file_name, "task definition") {
            out.push(diagnostic.with_primary(
                task_def.file,
                head(task_def.file, task_def.index, "task"),
                "this name",
            ));
        }
    }
}

fn problem(name: &str, file_name: &str, what: &str) -> Option<Diagnostic> {
    if matches!(name, "." | "..") {
        return Some(
            Diagnostic::new(
                Code::UnaddressableName,
                format!("the {what} name `{name}` cannot be sent to the server"),
            )
            .with_help(
                "`.` and `..` in a URL path name other resources (`/metadata/workflow/..` is \
                 `/metadata`): give it a name with letters",
            ),
        );
    }
    (file_name.len() > MAX_FILE_NAME_BYTES).then(|| {
        Diagnostic::new(
            Code::UnaddressableName,
            format!(
                "the {what} name is {} bytes long: its compiled file name would be {} bytes, more \
                 than the {MAX_FILE_NAME_BYTES} a file system takes",
                name.len(),
                file_name.len()
            ),
        )
        .with_help("shorten the name; `compile` and `docs` cannot write a file for it")
    })
}
