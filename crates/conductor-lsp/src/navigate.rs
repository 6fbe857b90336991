//! Go to definition: from `${ref...}` to the task whose reference name is `ref`; from a task's
//! `task: <name>` to that task definition's document, and from a sub-workflow's `name` to the
//! workflow's document, in whichever file of the project they are.

use std::path::Path;

use conductor_check::Project as CheckedProject;
use conductor_dsl::locate::{Part, span_at};
use conductor_source::FileId;
use serde_json::Value;

use crate::hover::document_spans;
use crate::locate::{Spot, Step, spot_at};
use crate::protocol::location;
use crate::site::{Cursor, cursor, in_workflow, read_at, string_at};
use crate::workspace::Workspace;

/// The definition of what is at `offset` of `path`, as an LSP `Location`.
pub fn definition(workspace: &Workspace, path: &Path, offset: usize) -> Option<Value> {
    let cursor = cursor(workspace, path, offset)?;
    let spot = spot_at(&cursor.document.root, offset);
    if spot.on_key {
        return None;
    }
    let value = string_at(&cursor.document, &spot)?;
    if let Some(node) = spot.node()
        && let Some(read) = read_at(cursor.text, node, value, offset)
    {
        return task_of_reference(workspace, &cursor, &spot, &read.names.first()?.0);
    }
    let project = CheckedProject::new(
        &workspace.sources,
        &workspace.documents,
        &workspace.compiled,
    );
    match spot.path.as_slice() {
        // `task: <name>` of a task in a list (not the head of a task definition document).
        [.., Step::Index(_), Step::Key(key)] if key == "task" => {
            let target = project.task_def(value)?;
            head_location(workspace, target.file, target.index, "task")
        }
        [.., Step::Key(owner), Step::Key(key)] if owner == "subWorkflow" && key == "name" => {
            let mut version_pointer = spot.pointer();
            version_pointer.truncate(version_pointer.len() - "/name".len());
            version_pointer.push_str("/version");
            let version = cursor
                .document
                .value
                .pointer(&version_pointer)
                .and_then(Value::as_i64)
                .and_then(|version| i32::try_from(version).ok());
            let target = project.workflow(value, version)?;
            head_location(workspace, target.file, target.index, "workflow")
        }
        _ => None,
    }
}

/// The `ref:` of the task that `reference` names, in the workflow around the cursor.
fn task_of_reference(
    workspace: &Workspace,
    cursor: &Cursor<'_>,
    spot: &Spot<'_>,
    reference: &str,
) -> Option<Value> {
    let place = in_workflow(workspace, cursor, &spot.pointer())?;
    let flow = place.data_flow();
    let site = flow.site(reference)?;
    let spans = document_spans(workspace, &place)?;
    let span = place.compiled.provenance.span(
        spans,
        &format!("{}/taskReferenceName", site.pointer),
        Part::Value,
    );
    Some(location(workspace.sources.get(place.compiled.file), &span))
}

/// The head value (`workflow: <name>`, `task: <name>`) of a document.
fn head_location(workspace: &Workspace, file: FileId, index: usize, key: &str) -> Option<Value> {
    let spans = workspace
        .documents
        .iter()
        .find(|document| document.file == file && document.index == index)
        .map(|document| &document.spans)?;
    let span = span_at(spans, &[key], Part::Value);
    Some(location(workspace.sources.get(file), &span))
}
