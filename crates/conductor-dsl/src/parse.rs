//! Reading a file: YAML (load stage), then the schema (schema stage), then the DSL types.

use conductor_diagnostics::{Code, Diagnostic, suggest};
use conductor_source::{FileId, SourceFile};
use serde_json::Value;

use crate::load::{SourceDocument, load_file};
use crate::locate::{DocumentSpans, Part, span_at};
use crate::lower::ParsedDocument;
use crate::overlay::{Overlay, apply_overlay};
use crate::syntax::document::Document;
use crate::validate::validate_and_repair;

/// Loads, validates and reads every document of a file. A document with schema errors is
/// reported; later stages see it only when leaving out the keys with errors repairs it
/// ([`crate::validate::validate_and_repair`]), and never compile it, since it has errors.
pub fn parse_file(file: FileId, source: &SourceFile) -> (Vec<ParsedDocument>, Vec<Diagnostic>) {
    let parsed = parse_file_with(file, source, ParseOptions::default());
    (parsed.documents, parsed.diagnostics)
}

/// How [`parse_file_with`] treats documents that are not definitions, and the environment
/// overlay to apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions<'o> {
    /// Skip, rather than report, documents that are obviously not DSL: YAML of other tools
    /// (docker-compose files, Kubernetes manifests, CI pipelines) found by a default glob.
    pub skip_foreign: bool,
    /// The `((name))` values of the chosen environment ([`crate::overlay`]), replaced after
    /// loading; a document with a name without a value is reported and left out.
    pub overlay: Option<&'o Overlay>,
}

/// What [`parse_file_with`] found in one file.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// The documents that passed the schema, and those repaired by leaving out the keys with
    /// schema errors (which are in `diagnostics`).
    pub documents: Vec<ParsedDocument>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// How many documents are definitions (valid or not): every document, but those skipped.
    pub definitions: usize,
    /// How many documents were skipped as not DSL ([`ParseOptions::skip_foreign`]).
    pub skipped: usize,
}

/// Like [`parse_file`], with options, counting the definitions and the skipped documents.
pub fn parse_file_with(file: FileId, source: &SourceFile, options: ParseOptions<'_>) -> ParsedFile {
    load_file_with(file, source, options).validate()
}

/// A file whose documents are loaded (YAML, the overlay) but not yet validated: the first half
/// of [`parse_file_with`]. Loading needs no schema validator, so a caller can load files while
/// the validator is still being built ([`crate::validate::prepare_validator`]) and validate
/// them afterwards.
#[derive(Debug)]
pub struct LoadedFile {
    documents: Vec<SourceDocument>,
    parsed: ParsedFile,
}

/// Loads the documents of a file: the first half of [`parse_file_with`].
pub fn load_file_with(file: FileId, source: &SourceFile, options: ParseOptions<'_>) -> LoadedFile {
    let (documents, diagnostics) = load_file(file, source);
    let mut parsed = ParsedFile {
        documents: Vec::with_capacity(documents.len()),
        diagnostics,
        definitions: 0,
        skipped: 0,
    };
    let mut loaded = Vec::with_capacity(documents.len());
    for mut document in documents {
        if options.skip_foreign && !looks_like_definition(&document.yaml.value) {
            parsed.skipped += 1;
            continue;
        }
        parsed.definitions += 1;
        if let Some(overlay) = options.overlay {
            let unknown = apply_overlay(&mut document, source, overlay);
            if !unknown.is_empty() {
                parsed.diagnostics.extend(unknown);
                continue;
            }
        }
        loaded.push(document);
    }
    LoadedFile {
        documents: loaded,
        parsed,
    }
}

impl LoadedFile {
    /// Validates and reads the loaded documents: the second half of [`parse_file_with`].
    pub fn validate(self) -> ParsedFile {
        let LoadedFile {
            documents,
            mut parsed,
        } = self;
        for mut document in documents {
            let validation = validate_and_repair(&document);
            if !validation.diagnostics.is_empty() {
                parsed.diagnostics.extend(validation.diagnostics);
                // The rest of the document is still checked, less the keys with errors; it is
                // never compiled, since it has errors (which cannot be allowed).
                if let Some(repaired) = validation.repaired {
                    document.yaml.value = repaired;
                    if let Ok(document) = read_document(document) {
                        parsed.documents.push(document);
                    }
                }
                continue;
            }
            match read_document(document) {
                Ok(document) => parsed.documents.push(document),
                Err(diagnostic) => parsed.diagnostics.push(*diagnostic),
            }
        }
        parsed
    }
}

/// Whether a document is meant as a definition: a mapping with a `workflow` or `task` key, or
/// a key close to one (`workflw:` is a definition with a typo, reported as such; `services:`
/// or `apiVersion:` is another tool's file), or Conductor JSON written as YAML (`name:` and
/// `tasks:`, reported with a hint to import it). `tasks:` alone does not count: it is also the
/// top key of Taskfiles.
pub fn looks_like_definition(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    const KINDS: [&str; 2] = ["workflow", "task"];
    let conductor_json = map.contains_key("name") && map.contains_key("tasks");
    conductor_json
        || map.keys().any(|key| {
            KINDS.contains(&key.as_str()) || (key != "tasks" && suggest(key, KINDS).is_some())
        })
}

/// Reads a schema-valid document into the DSL types, keeping only its span tree. The third
/// step of [`parse_file`], public so that benchmarks can time each step apart.
pub fn read_document(document: SourceDocument) -> Result<ParsedDocument, Box<Diagnostic>> {
    let SourceDocument {
        file,
        index,
        yaml,
        replaced,
    } = document;
    let spans = DocumentSpans {
        root: yaml.root,
        span: yaml.span,
        replaced,
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
