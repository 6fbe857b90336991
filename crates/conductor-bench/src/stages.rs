//! `check`'s stages, run one after the other on one thread and timed apart, through the same
//! library functions the CLI calls (`conductor_source::read_source`, `conductor_dsl`'s
//! `load_file`, `validate_document`, `read_document` and `lower_document`,
//! `conductor_check::check_project`, `sort_diagnostics`).
//!
//! The CLI parses files on every core; this runs everything on one, so each figure is the CPU
//! time of its stage. The schema is compiled on first use, once per process, so a fresh
//! process measures it as the CLI pays it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use conductor_check::{Project, check_project};
use conductor_diagnostics::{Diagnostic, Severity, sort_diagnostics};
use conductor_dsl::load::{SourceDocument, load_file};
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::parse::read_document;
use conductor_dsl::schema::dsl_schema;
use conductor_dsl::validate::validate_document;
use conductor_source::{FileId, SourceError, SourceFile, SourceMap, discover, read_source};

/// The stages, in order, with the names the report prints.
pub const STAGE_NAMES: [&str; 9] = [
    "find and read files",
    "load YAML",
    "generate DSL schema",
    "compile schema validator",
    "validate against schema",
    "deserialise into DSL types",
    "lower to Conductor model",
    "check rules",
    "sort diagnostics",
];

/// The time of each stage (in the order of [`STAGE_NAMES`]) and what the run saw.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTimes {
    /// One duration per stage.
    pub stages: [Duration; 9],
    /// Files read.
    pub files: usize,
    /// YAML documents loaded.
    pub documents: usize,
    /// Bytes of YAML read.
    pub bytes: usize,
    /// Diagnostics of every stage.
    pub diagnostics: usize,
    /// Of which errors.
    pub errors: usize,
}

/// Runs `check`'s stages on the YAML files below `root` (as `conductor-apply check ROOT` finds
/// them) and times each.
pub fn time_stages(root: &Path) -> Result<StageTimes, SourceError> {
    let mut stages = [Duration::ZERO; 9];
    let mut diagnostics: Vec<Diagnostic> = Vec::new();

    let started = Instant::now();
    // Workflow tests (`*.test.yaml`) are not definitions: `check` leaves them out too.
    let paths: Vec<PathBuf> = discover(&[root.to_path_buf()])?
        .into_iter()
        .filter(|path| !path.to_string_lossy().contains(".test.y"))
        .collect();
    let mut sources = SourceMap::new();
    let mut ids: Vec<FileId> = Vec::with_capacity(paths.len());
    for path in &paths {
        let name = path.display().to_string();
        ids.push(sources.add(read_source(path, name)?));
    }
    stages[0] = started.elapsed();
    let bytes = ids.iter().map(|&id| sources.get(id).text().len()).sum();

    let started = Instant::now();
    let mut documents: Vec<SourceDocument> = Vec::new();
    for &id in &ids {
        let (file_documents, file_diagnostics) = load_file(id, sources.get(id));
        documents.extend(file_documents);
        diagnostics.extend(file_diagnostics);
    }
    stages[1] = started.elapsed();

    // The validator is built on first use: time generating the schema alone, then the first
    // validation of a one-line document, which generates it again and compiles it.
    let started = Instant::now();
    let schema = dsl_schema();
    stages[2] = started.elapsed();
    drop(schema);
    let mut probe_sources = SourceMap::new();
    let probe = probe_sources.add(SourceFile::new("probe.yaml", "probe.yaml", "task: probe\n"));
    let (probe_documents, _) = load_file(probe, probe_sources.get(probe));
    let started = Instant::now();
    for document in &probe_documents {
        validate_document(document);
    }
    stages[3] = started.elapsed().saturating_sub(stages[2]);

    let started = Instant::now();
    let mut valid = Vec::with_capacity(documents.len());
    let n_documents = documents.len();
    for document in documents {
        let schema_diagnostics = validate_document(&document);
        if schema_diagnostics.is_empty() {
            valid.push(document);
        } else {
            diagnostics.extend(schema_diagnostics);
        }
    }
    stages[4] = started.elapsed();

    let started = Instant::now();
    let mut parsed = Vec::with_capacity(valid.len());
    for document in valid {
        match read_document(document) {
            Ok(document) => parsed.push(document),
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    stages[5] = started.elapsed();

    let started = Instant::now();
    let mut compiled = Compiled::default();
    for document in &parsed {
        diagnostics.extend(lower_document(document, &mut compiled));
    }
    stages[6] = started.elapsed();

    let started = Instant::now();
    diagnostics.extend(check_project(&Project::new(&sources, &parsed, &compiled)));
    stages[7] = started.elapsed();

    let started = Instant::now();
    sort_diagnostics(&mut diagnostics);
    stages[8] = started.elapsed();

    Ok(StageTimes {
        stages,
        files: ids.len(),
        documents: n_documents,
        bytes,
        errors: diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity() == Severity::Error)
            .count(),
        diagnostics: diagnostics.len(),
    })
}
