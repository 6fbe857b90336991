//! The load stage: a source file's YAML documents, with YAML problems as diagnostics (CA1xx).

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::yaml::{self, YamlProblem, YamlProblemKind};
use conductor_source::{FileId, SourceFile};

use crate::locate::ReplacedString;

/// One YAML document of a file.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// The file it is in.
    pub file: FileId,
    /// Its position among the file's documents, from 0.
    pub index: usize,
    /// The parsed YAML: value and span tree.
    pub yaml: yaml::Document,
    /// The strings the environment overlay changed ([`crate::overlay::apply_overlay`]).
    pub replaced: Vec<ReplacedString>,
}

/// Parses a file's YAML. Documents after a syntax error are lost (the YAML parser cannot
/// recover); every problem is a diagnostic.
pub fn load_file(file: FileId, source: &SourceFile) -> (Vec<SourceDocument>, Vec<Diagnostic>) {
    let parsed = yaml::parse_yaml(source.text());
    let documents = parsed
        .documents
        .into_iter()
        .enumerate()
        .map(|(index, yaml)| SourceDocument {
            file,
            index,
            yaml,
            replaced: Vec::new(),
        })
        .collect();
    let diagnostics = parsed
        .problems
        .iter()
        .map(|problem| problem_diagnostic(file, problem))
        .collect();
    (documents, diagnostics)
}

fn problem_code(kind: &YamlProblemKind) -> Code {
    match kind {
        YamlProblemKind::Syntax { .. } => Code::YamlSyntaxError,
        YamlProblemKind::DuplicateKey { .. } => Code::DuplicateKey,
        YamlProblemKind::ComplexKey => Code::ComplexMappingKey,
        YamlProblemKind::AliasBudgetExceeded | YamlProblemKind::TooDeep => Code::YamlResourceLimit,
        YamlProblemKind::IntegerOutOfRange { .. } | YamlProblemKind::NotRepresentable { .. } => {
            Code::UnrepresentableNumber
        }
        _ => Code::UnsupportedYamlFeature,
    }
}

fn problem_diagnostic(file: FileId, problem: &YamlProblem) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(problem_code(&problem.kind), problem.kind.message())
        .with_primary(file, problem.span.clone(), problem.kind.label());
    if let Some((span, label)) = &problem.related {
        diagnostic = diagnostic.with_secondary(file, span.clone(), *label);
    }
    if let Some(help) = problem.kind.help() {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
