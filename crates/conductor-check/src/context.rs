//! What the rules see: the project's compiled definitions, and for each the way back to the
//! YAML it came from.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use conductor_diagnostics::NameIndex;

use conductor_dsl::locate::{DocumentSpans, Part, split_pointer};
use conductor_dsl::lower::provenance::Provenance;
use conductor_dsl::lower::{Compiled, CompiledTaskDef, CompiledWorkflow, ParsedDocument};
use conductor_model::WorkflowDef;
use conductor_model::versions::ServerVersion;
use conductor_source::yaml::{Node, scalar_source_range};
use conductor_source::{FileId, SourceMap};

/// The whole project, as the rules see it.
pub struct Project<'a> {
    /// The source files, for mapping offsets inside YAML scalars.
    pub sources: &'a SourceMap,
    /// Every document that was read, for spans.
    pub documents: &'a [ParsedDocument],
    /// Every compiled definition.
    pub compiled: &'a Compiled,
    /// The server version the definitions are meant for, when known: its rules run too
    /// (`rules::server_version`).
    pub target: Option<ServerVersion>,
    /// What exists on the server, when `plan` has read it: a reference that resolves there is
    /// not reported as missing (CA601, CA602).
    pub server: Option<&'a ServerInventory>,
    spans: BTreeMap<(FileId, usize), &'a DocumentSpans>,
    task_defs: BTreeMap<&'a str, &'a CompiledTaskDef>,
    workflows: BTreeMap<&'a str, Vec<&'a CompiledWorkflow>>,
    /// Did-you-mean over the task definition names, built at the first unknown one.
    task_def_names: OnceLock<NameIndex>,
    /// Did-you-mean over the workflow names, built at the first unknown one.
    workflow_names: OnceLock<NameIndex>,
}

impl<'a> Project<'a> {
    /// Indexes the project.
    pub fn new(
        sources: &'a SourceMap,
        documents: &'a [ParsedDocument],
        compiled: &'a Compiled,
    ) -> Self {
        let spans = documents
            .iter()
            .map(|document| ((document.file, document.index), &document.spans))
            .collect();
        let mut task_defs = BTreeMap::new();
        for task_def in &compiled.task_defs {
            task_defs
                .entry(task_def.def.name.as_str())
                .or_insert(task_def);
        }
        let mut workflows: BTreeMap<&str, Vec<&CompiledWorkflow>> = BTreeMap::new();
        for workflow in &compiled.workflows {
            workflows
                .entry(workflow.def.name.as_str())
                .or_default()
                .push(workflow);
        }
        Project {
            sources,
            documents,
            compiled,
            target: None,
            server: None,
            spans,
            task_defs,
            workflows,
            task_def_names: OnceLock::new(),
            workflow_names: OnceLock::new(),
        }
    }

    /// The task definition of the project `name` was most likely meant to be.
    pub fn suggest_task_def(&self, name: &str) -> Option<String> {
        self.task_def_names
            .get_or_init(|| NameIndex::new(self.task_defs.keys().copied()))
            .suggest(name)
    }

    /// The workflow of the project `name` was most likely meant to be.
    pub fn suggest_workflow(&self, name: &str) -> Option<String> {
        self.workflow_names
            .get_or_init(|| NameIndex::new(self.workflows.keys().copied()))
            .suggest(name)
    }

    /// The same project, checked for a server version.
    pub fn with_target(mut self, target: Option<ServerVersion>) -> Self {
        self.target = target;
        self
    }

    /// The same project, with what exists on the server.
    pub fn with_server(mut self, server: Option<&'a ServerInventory>) -> Self {
        self.server = server;
        self
    }

    /// The span tree of a document.
    pub fn spans(&self, file: FileId, index: usize) -> Option<&'a DocumentSpans> {
        self.spans.get(&(file, index)).copied()
    }

    /// The span of a document's head value (`workflow: <name>`, `task: <name>`), or an empty
    /// span at the file's start when the document has no span tree.
    pub fn head_value(&self, file: FileId, index: usize, key: &str) -> std::ops::Range<usize> {
        self.spans(file, index)
            .map(|spans| {
                conductor_dsl::locate::span_at(spans, &[key], conductor_dsl::locate::Part::Value)
            })
            .unwrap_or(0..0)
    }

    /// The task definition of this name in the project, if any.
    pub fn task_def(&self, name: &str) -> Option<&'a CompiledTaskDef> {
        self.task_defs.get(name).copied()
    }

    /// Every version of the workflow of this name in the project, in document order.
    pub fn workflow_versions(&self, name: &str) -> &[&'a CompiledWorkflow] {
        self.workflows
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The workflow of this name and version in the project; with no version, the latest
    /// (the server pins the latest version when none is given, contract §3.3).
    pub fn workflow(&self, name: &str, version: Option<i32>) -> Option<&'a CompiledWorkflow> {
        let versions = self.workflow_versions(name);
        match version {
            Some(version) => versions
                .iter()
                .find(|workflow| workflow.def.version.unwrap_or(1) == version)
                .copied(),
            None => versions
                .iter()
                .max_by_key(|workflow| workflow.def.version.unwrap_or(1))
                .copied(),
        }
    }
}

/// The names of what a server has, for resolving references the project does not define.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerInventory {
    /// Task definition names.
    pub task_defs: BTreeSet<String>,
    /// Workflow names, each with its versions.
    pub workflows: BTreeMap<String, BTreeSet<i64>>,
}

impl ServerInventory {
    /// Whether the server has the task definition.
    pub fn has_task_def(&self, name: &str) -> bool {
        self.task_defs.contains(name)
    }

    /// Whether the server has the workflow, at `version` when one is given.
    pub fn has_workflow(&self, name: &str, version: Option<i32>) -> bool {
        self.workflows
            .get(name)
            .is_some_and(|versions| match version {
                Some(version) => versions.contains(&i64::from(version)),
                None => !versions.is_empty(),
            })
    }
}

/// One workflow definition being checked: a document's workflow or an inline sub-workflow
/// definition inside it.
pub struct Scope<'a> {
    /// The project.
    pub project: &'a Project<'a>,
    /// The compiled document the definition belongs to.
    pub compiled: &'a CompiledWorkflow,
    /// The definition (the document's, or an inline one).
    pub def: &'a WorkflowDef,
    /// JSON pointer of `def` in the compiled document (`""` for the document's own).
    pub base: String,
    /// The document's spans.
    pub spans: &'a DocumentSpans,
}

impl Scope<'_> {
    /// The file the definition is written in.
    pub fn file(&self) -> FileId {
        self.compiled.file
    }

    /// Whether this is an inline sub-workflow definition (the server does not validate those at
    /// registration, contract §4.3).
    pub fn is_inline(&self) -> bool {
        !self.base.is_empty()
    }

    /// The provenance of the compiled document.
    pub fn provenance(&self) -> &Provenance {
        &self.compiled.provenance
    }

    /// The span of what is at a pointer into the compiled document.
    pub fn span(&self, pointer: &str, part: Part) -> Range<usize> {
        self.compiled.provenance.span(self.spans, pointer, part)
    }

    /// The span of a byte range inside the string at `pointer` (an expression, a script
    /// error), mapped through the YAML scalar's quoting and escapes. Falls back to the whole
    /// value when the string is not written as one scalar (it was generated).
    pub fn span_in_string(&self, pointer: &str, range: Range<usize>) -> Range<usize> {
        let text = self.project.sources.get(self.file()).text();
        for candidate in self.compiled.provenance.candidates(pointer) {
            let segments = split_pointer(&candidate);
            let Some(found) = self.spans.root.lookup_segments(segments.iter()) else {
                continue;
            };
            let written = self.spans.written_range(found.node, range.clone());
            if let Some(mapped) = scalar_range(text, found.node, written) {
                return mapped;
            }
            break;
        }
        self.span(pointer, Part::Value)
    }
}

fn scalar_range(text: &str, node: &Node, range: Range<usize>) -> Option<Range<usize>> {
    node.as_scalar()?;
    scalar_source_range(text, node, range)
}
