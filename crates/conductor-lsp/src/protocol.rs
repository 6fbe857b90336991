//! conductor-apply's data as LSP JSON: diagnostics with their related places, locations.

use std::collections::BTreeMap;
use std::ops::Range;

use conductor_diagnostics::{Diagnostic, Severity};
use conductor_source::{FileId, SourceFile, SourceMap};
use serde_json::{Value, json};

use crate::text::{LineIndex, path_to_uri};

/// LSP `DiagnosticSeverity`.
fn severity(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Note => 3,
    }
}

/// The URI of a file of the workspace.
pub fn file_uri(file: &SourceFile) -> String {
    path_to_uri(file.path())
}

/// An LSP `Location` of a byte span of a file.
pub fn location(file: &SourceFile, span: &Range<usize>) -> Value {
    let index = LineIndex::new(file.text());
    json!({"uri": file_uri(file), "range": index.range(file.text(), span)})
}

/// Each file's diagnostics as LSP `Diagnostic`s, by URI. A diagnostic is published on the file
/// of its primary label; one without a location goes on the project file when there is one
/// (`fallback`) and is otherwise left out: an editor shows diagnostics on documents only.
pub fn diagnostics_by_uri(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    fallback: Option<FileId>,
) -> BTreeMap<String, Vec<Value>> {
    let mut indexes: BTreeMap<usize, LineIndex> = BTreeMap::new();
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for diagnostic in diagnostics {
        let (file, span) = match diagnostic.primary() {
            Some(label) if label.file.index() < sources.len() => (label.file, label.span.clone()),
            _ => match fallback {
                Some(file) => (file, 0..0),
                None => continue,
            },
        };
        let range = range_of(sources, &mut indexes, file, &span);
        let mut message = diagnostic.message().to_owned();
        if let Some(text) = diagnostic
            .primary()
            .and_then(|label| label.message.as_deref())
        {
            message.push_str(&format!(" ({text})"));
        }
        if let Some(help) = diagnostic.help() {
            message.push_str(&format!("\nhelp: {help}"));
        }
        if let Some(note) = diagnostic.note() {
            message.push_str(&format!("\nnote: {note}"));
        }
        let related: Vec<Value> = diagnostic
            .secondary()
            .iter()
            .filter(|label| label.file.index() < sources.len())
            .map(|label| {
                json!({
                    "location": {
                        "uri": file_uri(sources.get(label.file)),
                        "range": range_of(sources, &mut indexes, label.file, &label.span),
                    },
                    "message": label.message.clone().unwrap_or_else(|| "related".to_owned()),
                })
            })
            .collect();
        let code = diagnostic.code();
        let mut value = json!({
            "range": range,
            "severity": severity(diagnostic.severity()),
            "code": code.as_str(),
            "source": "conductor-apply",
            "message": message,
            "data": {"name": code.name()},
        });
        if !related.is_empty()
            && let Some(object) = value.as_object_mut()
        {
            object.insert("relatedInformation".to_owned(), Value::Array(related));
        }
        out.entry(file_uri(sources.get(file)))
            .or_default()
            .push(value);
    }
    out
}

fn range_of(
    sources: &SourceMap,
    indexes: &mut BTreeMap<usize, LineIndex>,
    file: FileId,
    span: &Range<usize>,
) -> Value {
    let text = sources.get(file).text();
    indexes
        .entry(file.index())
        .or_insert_with(|| LineIndex::new(text))
        .range(text, span)
}
