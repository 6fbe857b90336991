//! CA303 duplicate-definition: two documents define the same workflow name and version, or
//! the same task definition name; only one can exist on the server.

use std::collections::BTreeMap;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

use crate::context::Project;

fn duplicate_definition(
    what: String,
    duplicate: (FileId, Range<usize>),
    first: (FileId, Range<usize>),
) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDefinition,
        format!("{what} is defined twice"),
    )
    .with_primary(duplicate.0, duplicate.1, "defined again here")
    .with_secondary(first.0, first.1, "first defined here")
    .with_help("keep one of them, or give one a different name or version")
}

pub(crate) fn check(project: &Project<'_>, out: &mut Vec<Diagnostic>) {
    let head = |file: FileId, index: usize, key: &str| project.head_value(file, index, key);
    let mut workflows: BTreeMap<(&str, i32), (FileId, usize)> = BTreeMap::new();
    for workflow in &project.compiled.workflows {
        let identity = (
            workflow.def.name.as_str(),
            workflow.def.version.unwrap_or(1),
        );
        match workflows.get(&identity) {
            None => {
                workflows.insert(identity, (workflow.file, workflow.index));
            }
            Some(&(file, index)) => out.push(duplicate_definition(
                format!("workflow `{}` version {}", identity.0, identity.1),
                (
                    workflow.file,
                    head(workflow.file, workflow.index, "workflow"),
                ),
                (file, head(file, index, "workflow")),
            )),
        }
    }
    let mut task_defs: BTreeMap<&str, (FileId, usize)> = BTreeMap::new();
    for task_def in &project.compiled.task_defs {
        match task_defs.get(task_def.def.name.as_str()) {
            None => {
                task_defs.insert(&task_def.def.name, (task_def.file, task_def.index));
            }
            Some(&(file, index)) => out.push(duplicate_definition(
                format!("task definition `{}`", task_def.def.name),
                (task_def.file, head(task_def.file, task_def.index, "task")),
                (file, head(file, index, "task")),
            )),
        }
    }
}
