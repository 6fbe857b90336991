//! Files, YAML and JSON: reading a repository's definition files into memory, parsing YAML (or JSON) into a
//! JSON value plus a span tree, and looking up line and column for display.
//!
//! # Overview
//!
//! * [`discover`] lists the YAML files under the paths the user gave (honouring `.gitignore`),
//!   and [`read_source`] reads one into a [`SourceFile`]; a [`SourceMap`] holds all files of a
//!   run, each named by a [`FileId`].
//! * [`yaml::parse_yaml`] turns a file's text into [`yaml::Document`]s: a
//!   [`serde_json::Value`] (YAML 1.2 core schema) and a [`yaml::Node`] tree of the same shape
//!   whose spans are byte ranges into the text. Problems in the input are returned as
//!   [`yaml::YamlProblem`] data, never as errors, and parsing never panics.
//! * [`json::parse_json`] does the same for a `.json` file with a JSON parser, into the same
//!   value and span tree (YAML is not quite a superset of JSON).
//! * [`yaml::Document::lookup`] finds the node (and key) at a JSON pointer, e.g. the instance
//!   path of a JSON Schema error; [`yaml::scalar_source_range`] maps a range inside a decoded
//!   string (an expression, a script error) to the exact characters in the file, whatever the
//!   scalar's style.
//! * [`SourceFile::line_col`] turns a byte offset into line and column, for display only.
//!
//! ```
//! use conductor_source::yaml::{parse_yaml, scalar_source_range};
//!
//! let text = "tasks:\n  - uri: \"http://x/${workflow.input.id}?\"\n";
//! let parsed = parse_yaml(text);
//! assert!(parsed.problems.is_empty());
//! let document = &parsed.documents[0];
//! let uri = document.lookup("/tasks/0/uri").unwrap();
//! assert_eq!(&text[uri.key_span.unwrap()], "uri");
//! // Find the expression in the decoded string and map it back to the file.
//! let value = document.value["tasks"][0]["uri"].as_str().unwrap();
//! let start = value.find("${").unwrap();
//! let range = scalar_source_range(text, uri.node, start..value.len() - 1).unwrap();
//! assert_eq!(&text[range], "${workflow.input.id}");
//! ```
//!
//! Knows nothing of Conductor, of diagnostics' codes or of rendering.

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod discover;
mod error;
mod file;
pub mod json;
pub mod yaml;

pub use discover::{discover, discover_with_extensions};
pub use error::SourceError;
pub use file::{FileId, LineCol, SourceFile, SourceMap, read_source};
