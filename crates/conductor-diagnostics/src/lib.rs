//! Diagnostics for conductor-apply: the one [`Diagnostic`] type that every stage reports
//! problems with, the catalogue of every code, and the renderers that turn diagnostics into
//! text.
//!
//! # Overview
//!
//! - [`Diagnostic`] is a problem in the user's input: a [`Code`], a [`Severity`], a message, a
//!   primary [`Label`] (a byte span of a file in a [`conductor_source::SourceMap`]), secondary
//!   labels that may point into other files, and an optional help and note. It is built
//!   fluently and is plain data.
//! - The catalogue ([`codes`]) lists every code once: its kebab-case name, [`Stage`], default
//!   severity, summary and explanation page (`explanations/CAxxx.md`). A `Diagnostic` can only
//!   be built from a [`Code`], so every code a user sees is documented. [`explain`] and
//!   [`list_codes`] render the catalogue for `conductor-apply explain`.
//! - The renderers ([`render`]) are pure functions from `(&[Diagnostic], &SourceMap, options)`
//!   to a `String`: [`render_human`] (miette's graphical reports), [`render_json`] (a
//!   versioned document with a [`json_schema`]), [`render_github`] (GitHub Actions workflow
//!   commands) and [`render_sarif`] (SARIF 2.1.0). Each sorts into the same deterministic order
//!   ([`sort_diagnostics`]). [`Summary`] counts a run's diagnostics for the closing line.
//! - [`suggest`] is the did-you-mean helper every stage uses, with [`format_available`] for
//!   "available: …" lists.
//! - [`suppress`] drops the diagnostics a user allowed, by a `# conductor-apply: allow CODE`
//!   comment on the line before or by the project's list of codes.
//!
//! ```
//! use conductor_diagnostics::{Code, Diagnostic, HumanOptions, render_human, summary_line};
//! use conductor_source::{SourceFile, SourceMap};
//!
//! let mut map = SourceMap::new();
//! let file = map.add(SourceFile::new("a.yaml", "a.yaml", "name: a\nname: b\n"));
//! let diags = vec![
//!     Diagnostic::new(Code::DuplicateKey, "duplicate key `name`")
//!         .with_primary(file, 8..12, "duplicate key")
//!         .with_secondary(file, 0..4, "first defined here"),
//! ];
//! let text = render_human(&diags, &map, &HumanOptions::default());
//! assert!(text.starts_with("CA102 duplicate-key"));
//! assert_eq!(summary_line(&diags, 1), "error: 1 error in 1 file");
//! ```
//!
//! # What this crate does not know
//!
//! Who produced a diagnostic: no stage, rule, YAML, Conductor or HTTP type appears here, and
//! stages depend on this crate, never the other way round. It also never prints, exits or
//! reads the environment: choosing a format, colour and width, and writing the text, is the
//! caller's job. Spans are byte ranges produced elsewhere; this crate only displays them
//! (line and column are computed for display, in characters).

#![warn(missing_docs)]

pub mod codes;
mod diagnostic;
mod explain;
mod location;
pub mod render;
mod suggest;
mod summary;
mod suppress;

pub use codes::{Code, CodeInfo, Example, ExampleEncoding, ExampleKind, Severity, Stage};
pub use diagnostic::{Diagnostic, Label, did_you_mean, has_errors, sort_diagnostics};
pub use explain::{explain, list_codes};
pub use render::github::render_github;
pub use render::gitlab::render_gitlab;
pub use render::human::{HumanOptions, render_human};
pub use render::json::{JSON_FORMAT_VERSION, JsonOptions, json_schema, render_json};
pub use render::sarif::{SARIF_SCHEMA_URI, SarifOptions, render_sarif};
pub use suggest::{
    AVAILABLE_LIMIT, FULL_SCAN_LIMIT, NameIndex, SIMILARITY_THRESHOLD, format_available,
    format_available_with_limit, suggest,
};
pub use summary::{Summary, summary_line};
pub use suppress::{
    ALLOW_MARKER, AllowComment, AllowedName, Suppressed, allow_comment_codes,
    allow_comment_problems, files_checked_incompletely, reported_without_target, suppress,
    unallowable_reason,
};
