//! Hover: on a `${...}`, what the reference is (the task, its type, where it is defined, its
//! known output keys, whether it has run at that point); on a key or value, the field's
//! documentation from the schema.

use std::path::Path;

use conductor_check::Project as CheckedProject;
use conductor_check::scope::{TaskSite, Visibility};
use conductor_check::shape::{OutputShape, ShapeSource, output_shape};
use conductor_dsl::locate::{DocumentSpans, Part};
use serde_json::{Value, json};

use crate::locate::spot_at;
use crate::schema_docs::{dsl_schema, field_doc, test_schema};
use crate::site::{Cursor, InWorkflow, ReadAt, cursor, in_workflow, read_at, string_at};
use crate::text::LineIndex;
use crate::workspace::Workspace;

/// The hover at `offset` of `path`, as an LSP `Hover`.
pub fn hover(workspace: &Workspace, path: &Path, offset: usize) -> Option<Value> {
    let cursor = cursor(workspace, path, offset)?;
    let spot = spot_at(&cursor.document.root, offset);
    let index = LineIndex::new(cursor.text);
    if !spot.on_key
        && let (Some(node), Some(value)) = (spot.node(), string_at(&cursor.document, &spot))
        && let Some(read) = read_at(cursor.text, node, value, offset)
        && let Some(markdown) = describe_read(workspace, &cursor, &spot.pointer(), &read)
    {
        let span = read
            .at
            .and_then(|at| read.names.get(at))
            .map_or(read.span.clone(), |(_, span)| span.clone());
        return Some(hover_value(markdown, index.range(cursor.text, &span)));
    }
    let schema = if is_test_file(path) {
        test_schema()
    } else {
        dsl_schema()
    };
    let doc = field_doc(schema, &spot.path, &spot.nodes)?;
    let span = match (&spot.key_span, spot.on_key, spot.node()) {
        (Some(key), true, _) | (Some(key), _, None) => key.clone(),
        (_, _, Some(node)) => node.span.clone(),
        (None, _, None) => return None,
    };
    let mut markdown = doc.markdown();
    if !spot.on_key
        && let Some(name) = string_at(&cursor.document, &spot)
        && let Some(target) = describe_named_definition(workspace, &spot.path, name)
    {
        markdown.push_str("\n\n---\n\n");
        markdown.push_str(&target);
    }
    Some(hover_value(markdown, index.range(cursor.text, &span)))
}

/// What a task's `task: <name>` or a sub-workflow's `name` names, when the project defines it.
fn describe_named_definition(
    workspace: &Workspace,
    path: &[crate::locate::Step],
    name: &str,
) -> Option<String> {
    use crate::locate::Step;
    let project = CheckedProject::new(
        &workspace.sources,
        &workspace.documents,
        &workspace.compiled,
    );
    let keys = |keys: &[String]| {
        keys.iter()
            .map(|key| format!("`{key}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match path {
        [.., Step::Index(_), Step::Key(key)] if key == "task" => {
            let target = project.task_def(name)?;
            let file = workspace.sources.get(target.file);
            let line = file
                .line_col(project.head_value(target.file, target.index, "task").start)
                .line;
            let mut out = format!("Task definition `{name}`, {}:{line}", file.name());
            if let Some(description) = &target.def.description {
                out.push_str(&format!("\n\n{description}"));
            }
            if let Some(inputs) = target.def.input_keys.as_deref().filter(|k| !k.is_empty()) {
                out.push_str(&format!("\n\nInput keys: {}", keys(inputs)));
            }
            if let Some(outputs) = target.def.output_keys.as_deref().filter(|k| !k.is_empty()) {
                out.push_str(&format!("\n\nOutput keys: {}", keys(outputs)));
            }
            Some(out)
        }
        [.., Step::Key(owner), Step::Key(key)] if owner == "subWorkflow" && key == "name" => {
            let target = project.workflow(name, None)?;
            let file = workspace.sources.get(target.file);
            let line = file
                .line_col(
                    project
                        .head_value(target.file, target.index, "workflow")
                        .start,
                )
                .line;
            let mut out = format!(
                "Workflow `{name}` version {}, {}:{line}",
                target.def.version.unwrap_or(1),
                file.name()
            );
            if let Some(description) = &target.def.description {
                out.push_str(&format!("\n\n{description}"));
            }
            if let Some(inputs) = target
                .def
                .input_parameters
                .as_deref()
                .filter(|k| !k.is_empty())
            {
                out.push_str(&format!("\n\nInputs: {}", keys(inputs)));
            }
            if let Some(outputs) = target
                .def
                .output_parameters
                .as_ref()
                .filter(|m| !m.is_empty())
            {
                let names: Vec<String> = outputs.keys().cloned().collect();
                out.push_str(&format!("\n\nOutputs: {}", keys(&names)));
            }
            Some(out)
        }
        _ => None,
    }
}

fn hover_value(markdown: String, range: Value) -> Value {
    json!({"contents": {"kind": "markdown", "value": markdown}, "range": range})
}

fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(".test.yaml") || name.ends_with(".test.yml"))
}

/// What the `${...}` under the cursor reads, as Markdown.
fn describe_read(
    workspace: &Workspace,
    cursor: &Cursor<'_>,
    dsl: &str,
    read: &ReadAt,
) -> Option<String> {
    let place = in_workflow(workspace, cursor, dsl)?;
    let flow = place.data_flow();
    let (root, _) = read.names.first()?;
    let second = read.names.get(1).map(|(name, _)| name.as_str());
    let third = read.names.get(2).map(|(name, _)| name.as_str());
    if root == "workflow" {
        return Some(describe_workflow_read(&place, &flow, second, third));
    }
    let Some(site) = flow.site(root) else {
        let mut out = format!(
            "`{root}` is not a task reference of workflow `{}`",
            place.def.name
        );
        let known: Vec<String> = flow.references().map(|name| format!("`{name}`")).collect();
        if !known.is_empty() {
            out.push_str(&format!("\n\nIts tasks: {}", known.join(", ")));
        }
        return Some(out);
    };
    let project = CheckedProject::new(
        &workspace.sources,
        &workspace.documents,
        &workspace.compiled,
    );
    let mut out = describe_task(workspace, &place, site);
    out.push_str(&format!(
        "\n\n{}",
        visibility_words(flow.visibility(place.use_site(&flow), &site.location))
    ));
    let shape = output_shape(&project, site.task, site.previous);
    match (second, &shape) {
        (Some("output"), Some(shape)) => {
            out.push_str(&format!("\n\n{}", shape_words(shape)));
            if let Some(key) = third {
                if shape.allows(key) {
                    out.push_str(&format!("\n\n`{key}` is one of them."));
                    if let Some(nested) = shape.nested(key) {
                        out.push_str(&format!(
                            " Its keys: {}.",
                            nested
                                .iter()
                                .map(|key| format!("`{key}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                } else {
                    out.push_str(&format!("\n\n`{key}` is not one of them."));
                }
            }
        }
        (Some("output"), None) => {
            out.push_str("\n\nIts output keys are not known statically.");
        }
        _ => {}
    }
    Some(out)
}

fn describe_task(workspace: &Workspace, place: &InWorkflow<'_>, site: &TaskSite<'_>) -> String {
    let task = site.task;
    let mut out = format!(
        "**`{}`**: task `{}` of type `{}`",
        task.task_reference_name,
        task.name,
        task.type_name()
    );
    if let Some(spans) = document_spans(workspace, place) {
        let span = place.compiled.provenance.span(
            spans,
            &format!("{}/taskReferenceName", site.pointer),
            Part::Value,
        );
        let file = workspace.sources.get(place.compiled.file);
        let line = file.line_col(span.start).line;
        out.push_str(&format!(", defined at {}:{line}", file.name()));
    }
    if let Some(description) = &task.description {
        out.push_str(&format!("\n\n{description}"));
    }
    out
}

/// The span tree of the compiled workflow's document.
pub fn document_spans<'w>(
    workspace: &'w Workspace,
    place: &InWorkflow<'_>,
) -> Option<&'w DocumentSpans> {
    workspace
        .documents
        .iter()
        .find(|document| {
            document.file == place.compiled.file && document.index == place.compiled.index
        })
        .map(|document| &document.spans)
}

fn describe_workflow_read(
    place: &InWorkflow<'_>,
    flow: &conductor_check::scope::DataFlow<'_>,
    second: Option<&str>,
    third: Option<&str>,
) -> String {
    let name = &place.def.name;
    let list = |names: Vec<&str>| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (second, third) {
        (Some("input"), key) => {
            let declared = flow.declared_inputs.clone().unwrap_or_default();
            let mut out = match key {
                Some(key) if declared.contains(key) => {
                    format!("**`workflow.input.{key}`**: an input of workflow `{name}`")
                }
                Some(key) if flow.declared_inputs.is_some() => format!(
                    "**`workflow.input.{key}`**: workflow `{name}` does not declare this input"
                ),
                _ => format!("**`workflow.input`**: the input of workflow `{name}`"),
            };
            if flow.declared_inputs.is_some() {
                out.push_str(&format!(
                    "\n\nDeclared inputs: {}",
                    list(declared.into_iter().collect())
                ));
            }
            out
        }
        (Some("variables"), key) => {
            let mut out = match key {
                Some(key) => {
                    format!("**`workflow.variables.{key}`**: a variable of workflow `{name}`")
                }
                None => format!("**`workflow.variables`**: the variables of workflow `{name}`"),
            };
            out.push_str(&format!(
                "\n\nSet or defaulted: {}",
                list(flow.variables.iter().copied().collect())
            ));
            out
        }
        (Some(field), _) => format!("**`workflow.{field}`**: of the running workflow `{name}`"),
        (None, _) => format!("**`workflow`**: the running workflow `{name}`"),
    }
}

fn shape_words(shape: &OutputShape) -> String {
    let from = match &shape.source {
        ShapeSource::SystemTask(kind) => format!("the {kind} task's output"),
        ShapeSource::TaskDefinition(name) => format!("`outputKeys` of task definition `{name}`"),
        ShapeSource::SubWorkflow(name) => format!("the output parameters of workflow `{name}`"),
        ShapeSource::Join => "the tasks it joins on".to_owned(),
    };
    let keys: Vec<String> = shape.keys.iter().map(|key| format!("`{key}`")).collect();
    format!("Output keys ({from}): {}", keys.join(", "))
}

fn visibility_words(visibility: Visibility<'_>) -> String {
    match visibility {
        Visibility::Visible => "It has run when this is resolved.".to_owned(),
        Visibility::Itself => "It is the task whose input this is.".to_owned(),
        Visibility::Later => {
            "It runs **later** than this task: its data is not there yet.".to_owned()
        }
        Visibility::InsideUser => {
            "It runs inside this task, after this input is resolved.".to_owned()
        }
        Visibility::LaterInLoop { loop_task } => format!(
            "It runs later in the loop `{}`: the value is the previous iteration's.",
            loop_task.task_reference_name
        ),
        Visibility::InCase { switch_task } => format!(
            "It is in a case of `{}` that may not have been taken.",
            switch_task.task_reference_name
        ),
        Visibility::OtherCase { switch_task } => format!(
            "It is in another case of `{}`: the two never both run.",
            switch_task.task_reference_name
        ),
        Visibility::ParallelBranch { fork_task } => format!(
            "It runs in a parallel branch of `{}`.",
            fork_task.task_reference_name
        ),
        Visibility::InLoopBody { loop_task } => format!(
            "It is in the body of the loop `{}`: the value is the last iteration's.",
            loop_task.task_reference_name
        ),
    }
}
