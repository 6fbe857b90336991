//! Completion inside `${`: the task references in scope where the cursor is (the checker's
//! data flow decides which have run), `workflow` and its fields, the workflow's declared inputs
//! and variables, a task's fields and its known output keys (`outputKeys`, the system tasks'
//! shapes, a sub-workflow's outputs).

use std::path::Path;

use conductor_check::Project as CheckedProject;
use conductor_check::scope::Visibility;
use conductor_check::shape::{TASK_FIELDS, WORKFLOW_FIELDS, WORKFLOW_SPECIAL_FIELDS, output_shape};
use serde_json::{Value, json};

use crate::locate::spot_at;
use crate::site::{cursor, in_workflow};
use crate::text::LineIndex;
use crate::workspace::Workspace;

/// LSP `CompletionItemKind`s.
const FIELD: u8 = 5;
const VARIABLE: u8 = 6;
const PROPERTY: u8 = 10;
const REFERENCE: u8 = 18;

/// The completion items at `offset` of `path`: none outside a `${`.
pub fn completion(workspace: &Workspace, path: &Path, offset: usize) -> Vec<Value> {
    completion_items(workspace, path, offset).unwrap_or_default()
}

fn completion_items(workspace: &Workspace, path: &Path, offset: usize) -> Option<Vec<Value>> {
    let text = workspace.text(path)?;
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
    let line = before.get(line_start..)?;
    let open = line.rfind("${")?;
    let typed = line.get(open + 2..)?;
    // Only a dotted path so far: past a `}`, a bracket or a space, this is not a reference
    // being typed.
    if !typed
        .chars()
        .all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.'))
    {
        return None;
    }
    let mut segments: Vec<&str> = typed.split('.').collect();
    let partial = segments.pop().unwrap_or_default();
    let index = LineIndex::new(text);
    let range = index.range(text, &(offset - partial.len()..offset));

    let cursor = cursor(workspace, path, offset)?;
    let spot = spot_at(&cursor.document.root, offset);
    let place = in_workflow(workspace, &cursor, &spot.pointer())?;
    let flow = place.data_flow();
    let use_site = place.use_site(&flow);
    let mut items: Vec<(String, u8, String)> = Vec::new();
    match segments.as_slice() {
        [] => {
            items.push((
                "workflow".to_owned(),
                FIELD,
                format!("the running workflow `{}`", place.def.name),
            ));
            for reference in flow.references() {
                let Some(site) = flow.site(reference) else {
                    continue;
                };
                let visibility = flow.visibility(use_site, &site.location);
                let note = match visibility {
                    Visibility::Visible => "",
                    Visibility::InCase { .. } => ", in a case that may not run",
                    Visibility::InLoopBody { .. } => ", last iteration's",
                    Visibility::LaterInLoop { .. } => ", previous iteration's",
                    // Not there when this is resolved: offering it would invite CA5xx.
                    Visibility::Itself
                    | Visibility::Later
                    | Visibility::InsideUser
                    | Visibility::OtherCase { .. }
                    | Visibility::ParallelBranch { .. } => continue,
                };
                items.push((
                    reference.to_owned(),
                    REFERENCE,
                    format!("{} ({}){note}", site.task.name, site.task.type_name()),
                ));
            }
        }
        ["workflow"] => {
            for field in WORKFLOW_FIELDS.iter().chain(WORKFLOW_SPECIAL_FIELDS) {
                items.push(((*field).to_owned(), FIELD, "workflow field".to_owned()));
            }
        }
        ["workflow", "input"] => {
            for input in flow.declared_inputs.iter().flatten() {
                items.push((
                    (*input).to_owned(),
                    VARIABLE,
                    format!("input of `{}`", place.def.name),
                ));
            }
        }
        ["workflow", "variables"] => {
            for variable in &flow.variables {
                items.push((
                    (*variable).to_owned(),
                    VARIABLE,
                    format!("variable of `{}`", place.def.name),
                ));
            }
        }
        [reference] => {
            let site = flow.site(reference)?;
            for field in TASK_FIELDS {
                items.push((
                    (*field).to_owned(),
                    FIELD,
                    format!("field of task `{}`", site.task.task_reference_name),
                ));
            }
        }
        [reference, "output", rest @ ..] => {
            let site = flow.site(reference)?;
            let project = CheckedProject::new(
                &workspace.sources,
                &workspace.documents,
                &workspace.compiled,
            );
            let shape = output_shape(&project, site.task, site.previous)?;
            match rest {
                [] => {
                    for key in &shape.keys {
                        items.push((
                            key.clone(),
                            PROPERTY,
                            format!("output of `{}`", site.task.task_reference_name),
                        ));
                    }
                }
                [key] => {
                    for nested in shape.nested(key)? {
                        items.push((
                            (*nested).to_owned(),
                            PROPERTY,
                            format!("`{key}` of `{}`", site.task.task_reference_name),
                        ));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    Some(
        items
            .into_iter()
            .enumerate()
            .map(|(position, (label, kind, detail))| {
                json!({
                    "label": label,
                    "kind": kind,
                    "detail": detail,
                    "sortText": format!("{position:04}"),
                    "textEdit": {"range": range, "newText": label},
                })
            })
            .collect(),
    )
}
