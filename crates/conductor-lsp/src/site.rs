//! From a cursor to what the checker knows there: the compiled workflow, the task the cursor
//! is in (so the data flow can say which references are in scope), and the `${...}` under it.

use std::ops::Range;
use std::path::Path;

use conductor_check::expr::{Body, Expression, expressions_in};
use conductor_check::scope::{DataFlow, UseSite};
use conductor_check::walk::workflow_scopes;
use conductor_dsl::lower::CompiledWorkflow;
use conductor_model::WorkflowDef;
use conductor_source::FileId;
use conductor_source::yaml::{Document, Node, scalar_source_range};
use serde_json::Value;

use crate::locate::{Spot, document_at};
use crate::workspace::Workspace;

/// A cursor in a file of the workspace.
pub struct Cursor<'w> {
    /// The file.
    pub file: FileId,
    /// Its text (the editor's).
    pub text: &'w str,
    /// The byte offset.
    pub offset: usize,
    /// Which YAML document of the file holds the cursor.
    pub index: usize,
    /// That document, parsed again from the text (it may not pass the schema).
    pub document: Document,
}

/// The cursor at `offset` of `path`, when the workspace has the file.
pub fn cursor<'w>(workspace: &'w Workspace, path: &Path, offset: usize) -> Option<Cursor<'w>> {
    let file = workspace.file_id(path)?;
    let text = workspace.sources.get(file).text();
    let (index, document) = document_at(text, offset)?;
    Some(Cursor {
        file,
        text,
        offset,
        index,
        document,
    })
}

/// A place inside a compiled workflow.
pub struct InWorkflow<'w> {
    /// The compiled document.
    pub compiled: &'w CompiledWorkflow,
    /// The workflow definition the place belongs to (the document's, or an inline
    /// sub-workflow's).
    pub def: &'w WorkflowDef,
    /// The pointer of `def` in the compiled document.
    pub base: String,
    /// The compiled pointer of the task the place is in, if it is in one.
    pub task: Option<String>,
}

impl<'w> InWorkflow<'w> {
    /// The data flow of the definition.
    pub fn data_flow(&self) -> DataFlow<'w> {
        DataFlow::new(self.def, &self.base)
    }

    /// Where a `${...}` at the place is resolved, given the definition's data flow.
    pub fn use_site<'f>(&self, flow: &'f DataFlow<'w>) -> UseSite<'f> {
        match self
            .task
            .as_ref()
            .and_then(|pointer| flow.sites.iter().find(|site| &site.pointer == pointer))
        {
            Some(site) => UseSite::Task(&site.location),
            None => UseSite::WorkflowOutput,
        }
    }
}

/// Whether `prefix` is `pointer` or one of its ancestors.
fn is_prefix(prefix: &str, pointer: &str) -> bool {
    pointer.starts_with(prefix)
        && (pointer.len() == prefix.len() || pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// The compiled workflow of the cursor's document and the place of the DSL pointer `dsl` in it;
/// `None` when the document is not a workflow that compiled.
pub fn in_workflow<'w>(
    workspace: &'w Workspace,
    cursor: &Cursor<'_>,
    dsl: &str,
) -> Option<InWorkflow<'w>> {
    let compiled = workspace
        .compiled
        .workflows
        .iter()
        .find(|workflow| workflow.file == cursor.file && workflow.index == cursor.index)?;
    let task = compiled
        .provenance
        .tasks
        .iter()
        .filter(|origin| !origin.generated_join && is_prefix(&origin.dsl, dsl))
        .max_by_key(|origin| origin.dsl.len())
        .map(|origin| origin.model.clone());
    // The innermost workflow definition around the place: by the task's compiled pointer, or
    // by the DSL pointer of an inline definition's own fields.
    let model = match &task {
        Some(model) => model.clone(),
        None => compiled
            .provenance
            .workflows
            .iter()
            .filter(|origin| is_prefix(&origin.dsl, dsl))
            .max_by_key(|origin| origin.dsl.len())
            .map(|origin| origin.model.clone())
            .unwrap_or_default(),
    };
    let (def, base) = workflow_scopes(&compiled.def)
        .into_iter()
        .filter(|(_, base)| is_prefix(base, &model))
        .max_by_key(|(_, base)| base.len())?;
    Some(InWorkflow {
        compiled,
        def,
        base,
        task,
    })
}

/// The leading property names of a `${...}` under the cursor, each with its span in the file.
#[derive(Debug, Clone)]
pub struct ReadAt {
    /// `greet_ref`, `output`, `name` in `${greet_ref.output.name}`.
    pub names: Vec<(String, Range<usize>)>,
    /// Which of `names` the cursor is on, if any.
    pub at: Option<usize>,
    /// The span of the whole `${...}` in the file.
    pub span: Range<usize>,
}

/// The `${...}` of the scalar `node` (whose decoded value is `value`) under the cursor.
pub fn read_at(text: &str, node: &Node, value: &str, offset: usize) -> Option<ReadAt> {
    let found = expressions_in(value);
    let mut stack: Vec<&Expression<'_>> = found.expressions.iter().collect();
    let mut best: Option<ReadAt> = None;
    while let Some(expression) = stack.pop() {
        let Some(span) = scalar_source_range(text, node, expression.range.clone()) else {
            continue;
        };
        if !(span.start <= offset && offset <= span.end) {
            continue;
        }
        stack.extend(expression.nested.iter());
        let Body::Path(path) = &expression.body else {
            continue;
        };
        let names: Vec<(String, Range<usize>)> = path
            .leading_names()
            .filter_map(|(name, range)| {
                Some((
                    name.to_owned(),
                    scalar_source_range(text, node, range.clone())?,
                ))
            })
            .collect();
        let at = names
            .iter()
            .position(|(_, range)| range.start <= offset && offset <= range.end);
        // The innermost expression wins: nested ones are pushed after their parent.
        if best
            .as_ref()
            .is_none_or(|current| span.len() <= current.span.len())
        {
            best = Some(ReadAt { names, at, span });
        }
    }
    best
}

/// The decoded string at a spot of a document, when the spot is a string scalar.
pub fn string_at<'d>(document: &'d Document, spot: &Spot<'_>) -> Option<&'d str> {
    spot.node()?.as_scalar()?;
    document
        .value
        .pointer(&spot.pointer())
        .and_then(Value::as_str)
}
