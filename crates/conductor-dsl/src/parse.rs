//! Reading a file: YAML (load stage), then the schema (schema stage), then the DSL types.

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::{FileId, SourceFile};

use crate::load::{SourceDocument, load_file};
use crate::locate::{DocumentSpans, Part, span_at};
use crate::lower::ParsedDocument;
use crate::syntax::document::Document;
use crate::validate::validate_document;

/// Loads, validates and reads every document of a file. A document with schema errors is
/// reported and left out, so later stages never see it.
pub fn parse_file(file: FileId, source: &SourceFile) -> (Vec<ParsedDocument>, Vec<Diagnostic>) {
    let (documents, mut diagnostics) = load_file(file, source);
    let mut parsed = Vec::with_capacity(documents.len());
    for document in documents {
        let schema_diagnostics = validate_document(&document);
        if !schema_diagnostics.is_empty() {
            diagnostics.extend(schema_diagnostics);
            continue;
        }
        match read_document(document) {
            Ok(document) => parsed.push(document),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    (parsed, diagnostics)
}

/// Reads a schema-valid document into the DSL types, keeping only its span tree. The third
/// step of [`parse_file`], public so that benchmarks can time each step apart.
pub fn read_document(document: SourceDocument) -> Result<ParsedDocument, Box<Diagnostic>> {
    let SourceDocument { file, index, yaml } = document;
    let spans = DocumentSpans {
        root: yaml.root,
        span: yaml.span,
    };
    match serde_json::from_value::<Document>(yaml.value) {
        Ok(document) => Ok(ParsedDocument {
            file,
            index,
            spans,
            document,
        }),
        Err(error) => {
            let span = span_at(&spans, &[] as &[&str], Part::Head);
            Err(Box::new(
                Diagnostic::new(Code::ValueNotAllowed, format!("could not read the document: {error}"))
                    .with_primary(file, span, "in this document")
                    .with_note("the schema accepted this document but the DSL types did not: this is a bug in conductor-apply, please report it"),
            ))
        }
    }
}
