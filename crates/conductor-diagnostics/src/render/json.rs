//! The JSON format (`--format json`): a versioned document for scripts and editors, described
//! by the JSON Schema that [`json_schema`] returns.
//!
//! ```json
//! {
//!   "version": 1,
//!   "diagnostics": [
//!     {
//!       "code": "CA102",
//!       "name": "duplicate-key",
//!       "severity": "error",
//!       "message": "duplicate key `name`",
//!       "help": "remove one of the two entries",
//!       "note": null,
//!       "location": {
//!         "file": "workflows/a.yaml",
//!         "span": {"start": 40, "end": 44},
//!         "start": {"line": 3, "column": 5},
//!         "end": {"line": 3, "column": 9}
//!       },
//!       "labels": [
//!         {"primary": true, "message": "duplicate key", "location": {"file": "…"}},
//!         {"primary": false, "message": "first defined here", "location": {"file": "…"}}
//!       ]
//!     }
//!   ],
//!   "summary": {"errors": 1, "warnings": 0, "notes": 0, "files_with_problems": 1, "files_checked": 3}
//! }
//! ```
//!
//! Contract (version 1): every key is always present (`null` when absent, never omitted);
//! diagnostics are in rendering order; `location` is the primary label's, or `null` for a
//! diagnostic without one; `labels` lists the primary label first, then the secondary ones in
//! the order they were added; `span` is a byte range into the file as read, `end` exclusive;
//! `line` and `column` start at 1 and columns count Unicode code points; `end` is the position
//! just after the last character (equal to `start` for an empty span). A change that removes or
//! retypes a key bumps `version`; new keys may appear without a bump.

use conductor_source::SourceMap;
use serde::Serialize;
use serde_json::{Value, json};

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, sorted};
use crate::location::Location;
use crate::summary::Summary;

/// The version of the JSON document, the `version` key.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// How the JSON format is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonOptions {
    /// Files the run checked, for `summary.files_checked`.
    pub files_checked: usize,
    /// Indented output (two spaces) instead of one line.
    pub pretty: bool,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    note: Option<&'a str>,
    location: Option<JsonLocation<'a>>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    primary: bool,
    message: Option<&'a str>,
    location: JsonLocation<'a>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    span: JsonSpan,
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

impl<'a> JsonLocation<'a> {
    fn new(location: &Location<'a>) -> JsonLocation<'a> {
        JsonLocation {
            file: location.file.name(),
            span: JsonSpan {
                start: location.span.start,
                end: location.span.end,
            },
            start: JsonPosition {
                line: location.start.line,
                column: location.start.column,
            },
            end: JsonPosition {
                line: location.end.line,
                column: location.end.column,
            },
        }
    }
}

/// Renders `diagnostics` (sorted by the function) as the JSON document, ending with a line
/// break. Labels whose file is not in `map` are left out.
pub fn render_json(diagnostics: &[Diagnostic], map: &SourceMap, options: &JsonOptions) -> String {
    let document = Document {
        version: JSON_FORMAT_VERSION,
        diagnostics: sorted(diagnostics)
            .into_iter()
            .map(|diag| json_diagnostic(diag, map))
            .collect(),
        summary: Summary::new(diagnostics, options.files_checked),
    };
    let text = if options.pretty {
        serde_json::to_string_pretty(&document)
    } else {
        serde_json::to_string(&document)
    };
    // Serialising these plain structs cannot fail (no maps with non-string keys, no foreign
    // Serialize impls); an empty object keeps the function total all the same.
    let mut text = text.unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

fn json_diagnostic<'a>(diag: &'a Diagnostic, map: &'a SourceMap) -> JsonDiagnostic<'a> {
    let primary = diag
        .primary()
        .and_then(|label| Location::resolve(label, map));
    let mut labels = Vec::new();
    if let Some(location) = &primary {
        labels.push(JsonLabel {
            primary: true,
            message: location.message,
            location: JsonLocation::new(location),
        });
    }
    for label in diag.secondary() {
        if let Some(location) = Location::resolve(label, map) {
            labels.push(JsonLabel {
                primary: false,
                message: location.message,
                location: JsonLocation::new(&location),
            });
        }
    }
    let info = diag.code().info();
    JsonDiagnostic {
        code: info.code,
        name: info.name,
        severity: diag.severity(),
        message: diag.message(),
        help: diag.help(),
        note: diag.note(),
        location: primary.as_ref().map(JsonLocation::new),
        labels,
    }
}

/// The JSON Schema (draft 2020-12) of the document [`render_json`] writes; the product commits
/// it under `schemas/` and documents the format from it.
pub fn json_schema() -> Value {
    let position = |what: &str| {
        json!({
            "type": "object",
            "description": what,
            "additionalProperties": false,
            "required": ["line", "column"],
            "properties": {
                "line": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Line number, starting at 1."
                },
                "column": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Column in Unicode code points (characters), starting at 1."
                }
            }
        })
    };
    let nullable_string = |what: &str| {
        json!({
            "type": ["string", "null"],
            "description": what
        })
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "conductor-apply diagnostics",
        "description": "The problems one run of conductor-apply found, as written by `--format json`.",
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "diagnostics", "summary"],
        "properties": {
            "version": {
                "const": JSON_FORMAT_VERSION,
                "description": "Version of this format. Removing or retyping a key bumps it; new keys may appear without a bump."
            },
            "diagnostics": {
                "type": "array",
                "description": "Every diagnostic, sorted by file, byte offset, code and message; diagnostics without a location first.",
                "items": {"$ref": "#/$defs/diagnostic"}
            },
            "summary": {"$ref": "#/$defs/summary"}
        },
        "$defs": {
            "diagnostic": {
                "type": "object",
                "description": "One problem.",
                "additionalProperties": false,
                "required": ["code", "name", "severity", "message", "help", "note", "location", "labels"],
                "properties": {
                    "code": {
                        "type": "string",
                        "pattern": "^CA[1-8][0-9]{2}$",
                        "description": "Stable code: `CA`, the stage digit and two digits. `conductor-apply explain CODE` prints its page."
                    },
                    "name": {
                        "type": "string",
                        "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                        "description": "Kebab-case name of the code, e.g. `duplicate-key`."
                    },
                    "severity": {
                        "enum": ["error", "warning", "note"],
                        "description": "How serious the problem is."
                    },
                    "message": {
                        "type": "string",
                        "description": "What is wrong at the location."
                    },
                    "help": nullable_string("How to fix it, or null."),
                    "note": nullable_string("Background on the problem, or null."),
                    "location": {
                        "description": "Where the problem is (the primary label), or null for a problem of the project as a whole.",
                        "oneOf": [{"$ref": "#/$defs/location"}, {"type": "null"}]
                    },
                    "labels": {
                        "type": "array",
                        "description": "Every marked place: the primary label first, then secondary labels (possibly in other files) in the order the stage added them.",
                        "items": {"$ref": "#/$defs/label"}
                    }
                }
            },
            "label": {
                "type": "object",
                "description": "A marked place with an optional text.",
                "additionalProperties": false,
                "required": ["primary", "message", "location"],
                "properties": {
                    "primary": {
                        "type": "boolean",
                        "description": "True for the label at the place that is wrong."
                    },
                    "message": nullable_string("Text shown at the place, or null."),
                    "location": {"$ref": "#/$defs/location"}
                }
            },
            "location": {
                "type": "object",
                "description": "A range of one file.",
                "additionalProperties": false,
                "required": ["file", "span", "start", "end"],
                "properties": {
                    "file": {
                        "type": "string",
                        "description": "The file's name as shown to the user: a path with forward slashes, relative where possible."
                    },
                    "span": {
                        "type": "object",
                        "description": "Byte range into the file as read; `end` is exclusive and equals `start` for an empty range.",
                        "additionalProperties": false,
                        "required": ["start", "end"],
                        "properties": {
                            "start": {"type": "integer", "minimum": 0, "description": "Offset of the first byte."},
                            "end": {"type": "integer", "minimum": 0, "description": "Offset just after the last byte."}
                        }
                    },
                    "start": position("Position of the first character."),
                    "end": position("Position just after the last character (exclusive)."),
                }
            },
            "summary": {
                "type": "object",
                "description": "Counts over all diagnostics.",
                "additionalProperties": false,
                "required": ["errors", "warnings", "notes", "files_with_problems", "files_checked"],
                "properties": {
                    "errors": {"type": "integer", "minimum": 0, "description": "Diagnostics with severity error."},
                    "warnings": {"type": "integer", "minimum": 0, "description": "Diagnostics with severity warning."},
                    "notes": {"type": "integer", "minimum": 0, "description": "Diagnostics with severity note."},
                    "files_with_problems": {"type": "integer", "minimum": 0, "description": "Distinct files holding the location of at least one diagnostic."},
                    "files_checked": {"type": "integer", "minimum": 0, "description": "Files the run checked."}
                }
            }
        }
    })
}
