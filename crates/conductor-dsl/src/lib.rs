//! The conductor-apply DSL: its types, its JSON Schema, reading YAML documents against that
//! schema, and lowering them to the Conductor model.
//!
//! The stages follow the data:
//! 1. [`load`]: YAML text → JSON values and span trees (problems are CA1xx diagnostics);
//!    [`overlay`] then replaces each `((name))` by the project file's value for the environment;
//! 2. [`validate`]: each document against the generated schema (CA2xx), mapping every schema
//!    error to the exact key or value;
//! 3. [`parse`]: schema-valid documents into the [`syntax`] types;
//! 4. [`lower`]: DSL documents into `conductor_model` definitions, recording each task's
//!    [`lower::provenance`] so later stages can point at the YAML (CA3xx for what the DSL
//!    itself forbids).
//!
//! [`schema`] generates the JSON Schemas committed under `schemas/`.
//!
//! ```
//! use conductor_dsl::{lower::{Compiled, lower_document}, parse::parse_file};
//! use conductor_source::{SourceFile, SourceMap};
//!
//! let mut sources = SourceMap::new();
//! let text = "workflow: hello\ntasks:\n  - ref: greet_ref\n    task: greet\n";
//! let file = sources.add(SourceFile::new("hello.yaml", "hello.yaml", text));
//! let (documents, diagnostics) = parse_file(file, sources.get(file));
//! assert!(diagnostics.is_empty());
//! let mut compiled = Compiled::default();
//! assert!(lower_document(&documents[0], &mut compiled).is_empty());
//! assert_eq!(compiled.workflows[0].def.tasks[0].name, "greet");
//! ```
//!
//! Does no I/O and knows nothing of HTTP.

pub mod import;
pub mod load;
pub mod locate;
pub mod lower;
pub mod overlay;
pub mod parse;
pub mod raise;
pub mod schema;
pub mod syntax;
pub mod validate;
