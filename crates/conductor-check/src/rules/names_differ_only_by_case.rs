//! CA325 names-differ-only-by-case: two workflows (same version) or two task definitions whose
//! names differ only by case. The server keeps both, but their compiled files are one file on a
//! case-insensitive file system (macOS, Windows): one would overwrite the other, so `compile`
//! refuses to write them (`docs` gives the second page another name).

use std::collections::BTreeMap;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::import::file_stem;
use conductor_source::FileId;

use crate::context::Project;

pub(crate) fn check(project: &Project<'_>, out: &mut Vec<Diagnostic>) {
    let head = |file: FileId, index: usize, key: &str| project.head_value(file, index, key);
    let mut workflows: BTreeMap<(String, i32), (&str, FileId, usize)> = BTreeMap::new();
    for workflow in &project.compiled.workflows {
        let name = workflow.def.name.as_str();
        let key = (
            file_stem(name).to_lowercase(),
            workflow.def.version.unwrap_or(1),
        );
        match workflows.get(&key) {
            Some(&(first, file, index)) if first != name => out.push(
                collision("workflow", name, first)
                    .with_primary(
                        workflow.file,
                        head(workflow.file, workflow.index, "workflow"),
                        "this name",
                    )
                    .with_secondary(file, head(file, index, "workflow"), "differs only by case"),
            ),
            Some(_) => {}
            None => {
                workflows.insert(key, (name, workflow.file, workflow.index));
            }
        }
    }
    let mut task_defs: BTreeMap<String, (&str, FileId, usize)> = BTreeMap::new();
    for task_def in &project.compiled.task_defs {
        let name = task_def.def.name.as_str();
        let key = file_stem(name).to_lowercase();
        match task_defs.get(&key) {
            Some(&(first, file, index)) if first != name => out.push(
                collision("task definition", name, first)
                    .with_primary(
                        task_def.file,
                        head(task_def.file, task_def.index, "task"),
                        "this name",
                    )
                    .with_secondary(file, head(file, index, "task"), "differs only by case"),
            ),
            Some(_) => {}
            None => {
                task_defs.insert(key, (name, task_def.file, task_def.index));
            }
        }
    }
}

fn collision(what: &str, name: &str, first: &str) -> Diagnostic {
    Diagnostic::new(
        Code::NamesDifferOnlyByCase,
        format!("the {what} names `{name}` and `{first}` differ only by case"),
    )
    .with_help(
        "on macOS and Windows their compiled files are one file, so `compile` refuses to write \
         them: rename one",
    )
}
