//! Documentation generated from conductor-apply's own schema and from a project's definitions,
//! as Markdown pages that render on GitHub and in static-site generators.
//!
//! Two parts, each a pure function from data to a list of [`Page`]s:
//! - [`reference::dsl_reference`]: the DSL reference, from the DSL's JSON Schema
//!   (`conductor_dsl::schema::dsl_schema()`, the value `schemas/conductor-apply.schema.json` is
//!   written from): a page per document kind, per task form and per type.
//! - [`catalogue::catalogue`]: the workflow catalogue, from a project's compiled definitions
//!   ([`Definitions`]): an index, a page per workflow (inputs, outputs and where each comes
//!   from, a table of tasks, a Mermaid flowchart, callers) and a page per task definition
//!   (its policy in words, and which workflows use it).
//!
//! [`generate`] returns both, sorted by path. Paths are relative to the output directory and
//! use `/`; every link between pages is relative, and nothing is fetched when a page is viewed.
//! Output is deterministic: the same input gives byte-identical pages.
//!
//! ```
//! use conductor_docs::{Definitions, generate};
//! use conductor_model::{WorkflowDef, WorkflowTask};
//!
//! let workflow = WorkflowDef {
//!     name: "hello".into(),
//!     tasks: vec![WorkflowTask {
//!         name: "greet".into(),
//!         task_reference_name: "greet_ref".into(),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let definitions = Definitions::new(vec![(&workflow, None)], vec![]);
//! let pages = generate(&conductor_dsl::schema::dsl_schema(), &definitions);
//! let page = pages.iter().find(|page| page.path == "workflows/hello.md").unwrap();
//! assert!(page.content.contains("```mermaid"));
//! ```
//!
//! Does no I/O: the caller writes the pages. Knows nothing of the command line or HTTP.

#![warn(missing_docs)]

pub mod catalogue;
mod flowchart;
mod markdown;
mod policy;
pub mod reads;
pub mod reference;

use conductor_dsl::lower::Compiled;
use conductor_dsl::lower::provenance::Provenance;
use conductor_model::{TaskDef, WorkflowDef};
use conductor_source::SourceMap;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it goes, relative to the output directory, with `/` separators.
    pub path: String,
    /// Its Markdown.
    pub content: String,
}

/// Where a definition is written, for a "Defined in" line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The path as shown to the user (`workflows/orders.yaml`).
    pub shown: String,
    /// The file relative to the output directory, with `/` separators, when the caller could
    /// work it out; pages link to it (relative links only).
    pub from_output: Option<String>,
}

/// A workflow definition to document.
#[derive(Debug, Clone)]
pub struct WorkflowSource<'a> {
    /// The compiled definition.
    pub def: &'a WorkflowDef,
    /// Where it is written.
    pub location: Option<SourceLocation>,
    /// Where its tasks came from in the DSL (marks generated JOINs).
    pub provenance: Option<&'a Provenance>,
}

/// A task definition to document.
#[derive(Debug, Clone)]
pub struct TaskDefSource<'a> {
    /// The compiled definition.
    pub def: &'a TaskDef,
    /// Where it is written.
    pub location: Option<SourceLocation>,
}

/// The definitions of a project, as the catalogue documents them.
#[derive(Debug, Clone, Default)]
pub struct Definitions<'a> {
    /// Workflows, every version.
    pub workflows: Vec<WorkflowSource<'a>>,
    /// Task definitions.
    pub task_defs: Vec<TaskDefSource<'a>>,
}

impl<'a> Definitions<'a> {
    /// Definitions with optional locations and no provenance (e.g. read from Conductor JSON).
    pub fn new(
        workflows: Vec<(&'a WorkflowDef, Option<SourceLocation>)>,
        task_defs: Vec<(&'a TaskDef, Option<SourceLocation>)>,
    ) -> Self {
        Definitions {
            workflows: workflows
                .into_iter()
                .map(|(def, location)| WorkflowSource {
                    def,
                    location,
                    provenance: None,
                })
                .collect(),
            task_defs: task_defs
                .into_iter()
                .map(|(def, location)| TaskDefSource { def, location })
                .collect(),
        }
    }

    /// The definitions compiled from DSL files. `locate` gives each file's location (the
    /// caller knows where the output goes).
    pub fn from_compiled(
        compiled: &'a Compiled,
        sources: &SourceMap,
        locate: &dyn Fn(&conductor_source::SourceFile) -> SourceLocation,
    ) -> Self {
        Definitions {
            workflows: compiled
                .workflows
                .iter()
                .map(|workflow| WorkflowSource {
                    def: &workflow.def,
                    location: Some(locate(sources.get(workflow.file))),
                    provenance: Some(&workflow.provenance),
                })
                .collect(),
            task_defs: compiled
                .task_defs
                .iter()
                .map(|task_def| TaskDefSource {
                    def: &task_def.def,
                    location: Some(locate(sources.get(task_def.file))),
                })
                .collect(),
        }
    }
}

/// Every page: the catalogue (with the index at `README.md`) and the DSL reference under
/// `reference/`, sorted by path.
pub fn generate(dsl_schema: &serde_json::Value, definitions: &Definitions<'_>) -> Vec<Page> {
    let mut pages = catalogue::catalogue(definitions);
    pages.extend(reference::dsl_reference(dsl_schema));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

/// [`generate`], with the reference of the project file from its JSON Schema
/// (`reference/project.md`).
pub fn generate_with_project(
    dsl_schema: &serde_json::Value,
    project_schema: &serde_json::Value,
    definitions: &Definitions<'_>,
) -> Vec<Page> {
    let mut pages = catalogue::catalogue(definitions);
    pages.extend(reference::dsl_and_project_reference(
        dsl_schema,
        project_schema,
    ));
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}
