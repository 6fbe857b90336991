//! The project as the editor sees it: every definition file, with the open buffers in place of
//! what is on disk, checked by the same stages as `check` (parse, lower, check, suppress).
//!
//! Parsing and lowering are per document and cost most of a check (YAML, schema, DSL types,
//! lowering: about four fifths), and an edit changes one file, so each file's documents,
//! compiled definitions and diagnostics are kept, in file order, until its text changes. The
//! rules run over the whole project each time, because a change in one file moves what others
//! resolve to (a task definition's `outputKeys`, a sub-workflow's outputs, a duplicate name).
//! A test checks that the result is always what a fresh analysis of the same texts gives.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use conductor_check::{Project as CheckedProject, check_project};
use conductor_diagnostics::{
    Code, Diagnostic, Suppressed, allow_comment_problems, files_checked_incompletely,
    reported_without_target, sort_diagnostics, suppress,
};
use conductor_dsl::lower::{Compiled, ParsedDocument, lower_document};
use conductor_dsl::parse::{ParseOptions, parse_file_with};
use conductor_source::{FileId, SourceFile, SourceMap};

use crate::ProjectSetup;

/// The files, their parses and the latest analysis.
pub struct Workspace {
    setup: ProjectSetup,
    /// The project file (when there is one), then every definition file, then files the editor
    /// opened that the project does not list.
    pub sources: SourceMap,
    /// Each definition file's id, by canonical path.
    ids: BTreeMap<PathBuf, FileId>,
    /// Whether file `i` is read as definitions whatever it holds (`false`: YAML documents of
    /// other tools are skipped, as `check` does without `files:`).
    strict: Vec<bool>,
    /// The texts of the open buffers, by canonical path.
    open: BTreeMap<PathBuf, String>,
    /// Each file's load and schema diagnostics, by file index.
    parse_diagnostics: Vec<Vec<Diagnostic>>,
    /// Each file's reading diagnostics (CA107), by file index.
    read_diagnostics: Vec<Vec<Diagnostic>>,
    /// Each file's lowering diagnostics, by file index.
    lower_diagnostics: Vec<Vec<Diagnostic>>,
    /// Every schema-valid document, ordered by file index.
    pub documents: Vec<ParsedDocument>,
    /// Files whose text changed since they were last parsed.
    stale: BTreeSet<FileId>,
    /// The compiled definitions of the latest analysis, in file order.
    pub compiled: Compiled,
    /// The workspace's sources and the workflow test files, when the latest analysis read any.
    report_sources: Option<SourceMap>,
    /// The diagnostics of the latest analysis, sorted, after allow comments and the project's
    /// `allow` list; they point into [`Workspace::report_sources`].
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// Reads every file of the project; nothing is parsed until [`Workspace::analyze`].
    pub fn new(setup: ProjectSetup) -> Workspace {
        let mut workspace = Workspace {
            sources: setup.sources.clone(),
            setup,
            ids: BTreeMap::new(),
            strict: Vec::new(),
            open: BTreeMap::new(),
            parse_diagnostics: Vec::new(),
            lower_diagnostics: Vec::new(),
            read_diagnostics: Vec::new(),
            documents: Vec::new(),
            stale: BTreeSet::new(),
            compiled: Compiled::default(),
            report_sources: None,
            diagnostics: Vec::new(),
        };
        workspace.strict = vec![true; workspace.sources.len()];
        workspace.parse_diagnostics = vec![Vec::new(); workspace.sources.len()];
        workspace.lower_diagnostics = vec![Vec::new(); workspace.sources.len()];
        workspace.read_diagnostics = vec![Vec::new(); workspace.sources.len()];
        let files = workspace.setup.files.clone();
        for path in files {
            workspace.add_file(&path, !workspace.setup.skip_foreign);
        }
        workspace
    }

    /// The project's root directory.
    pub fn root(&self) -> &Path {
        &self.setup.root
    }

    /// The project file, when there is one.
    pub fn project_file(&self) -> Option<&Path> {
        self.setup.project_file.as_deref()
    }

    /// The project file's id, when there is one (it is the first source).
    pub fn project_file_id(&self) -> Option<FileId> {
        self.setup.project_file.as_ref()?;
        self.setup.sources.iter().next().map(|(id, _)| id)
    }

    fn add_file(&mut self, path: &Path, strict: bool) -> FileId {
        let canonical = canonical(path);
        if let Some(&id) = self.ids.get(&canonical) {
            return id;
        }
        let (text, invalid) = match self.open.get(&canonical) {
            Some(text) => (text.clone(), None),
            None => read_lossy(path),
        };
        let id = self.sources.add(SourceFile::new(
            self.display_name(path),
            path.to_path_buf(),
            text,
        ));
        self.ids.insert(canonical, id);
        self.strict.push(strict);
        self.parse_diagnostics.push(Vec::new());
        self.lower_diagnostics.push(Vec::new());
        self.read_diagnostics.push(
            invalid
                .map(|offset| not_utf8(id, offset))
                .into_iter()
                .collect(),
        );
        self.stale.insert(id);
        id
    }

    fn display_name(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.setup.root).unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }

    /// The id of the file at `path`, if the workspace has it.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(&canonical(path)).copied()
    }

    /// The text the editor shows for `path`: the open buffer's, else the file's.
    pub fn text(&self, path: &Path) -> Option<&str> {
        let canonical = canonical(path);
        if let Some(text) = self.open.get(&canonical) {
            return Some(text);
        }
        self.ids
            .get(&canonical)
            .map(|&id| self.sources.get(id).text())
    }

    /// Whether any file changed since the latest analysis.
    pub fn is_stale(&self) -> bool {
        !self.stale.is_empty()
    }

    /// The editor opened or changed a buffer. A YAML file the project does not list is checked
    /// too, skipping documents that are not definitions, as `check FILE` would.
    pub fn set_buffer(&mut self, path: &Path, text: String) {
        let canonical = canonical(path);
        self.open.insert(canonical.clone(), text.clone());
        match self.ids.get(&canonical) {
            // The editor's spelling of the path too, so that diagnostics go to its URI.
            Some(&id)
                if self.sources.get(id).text() != text || self.sources.get(id).path() != path =>
            {
                let name = self.sources.get(id).name().to_owned();
                self.sources
                    .replace(id, SourceFile::new(name, path.to_path_buf(), text));
                self.stale.insert(id);
                // The editor's text is UTF-8 whatever the file's bytes are.
                if let Some(slot) = self.read_diagnostics.get_mut(id.index()) {
                    slot.clear();
                }
            }
            Some(_) => {}
            None if is_yaml(path)
                && Some(canonical.as_path()) != self.project_file_canonical().as_deref() =>
            {
                self.add_file(path, false);
            }
            None => {}
        }
    }

    fn project_file_canonical(&self) -> Option<PathBuf> {
        self.setup.project_file.as_deref().map(canonical)
    }

    /// The editor closed a buffer: the file on disk counts again.
    pub fn close_buffer(&mut self, path: &Path) {
        let canonical = canonical(path);
        self.open.remove(&canonical);
        self.reload_from_disk(path);
    }

    /// A file changed on disk (saved, or changed by another program): read it again unless
    /// the editor has it open.
    pub fn reload_from_disk(&mut self, path: &Path) {
        let canonical = canonical(path);
        if self.open.contains_key(&canonical) {
            return;
        }
        if let Some(&id) = self.ids.get(&canonical) {
            let (text, invalid) = read_lossy(path);
            if let Some(slot) = self.read_diagnostics.get_mut(id.index()) {
                *slot = invalid
                    .map(|offset| not_utf8(id, offset))
                    .into_iter()
                    .collect();
            }
            if self.sources.get(id).text() != text {
                let name = self.sources.get(id).name().to_owned();
                self.sources
                    .replace(id, SourceFile::new(name, path.to_path_buf(), text));
                self.stale.insert(id);
            }
        }
    }

    /// The open buffers, to carry over to a workspace built from a new project setup.
    pub fn buffers(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.open
            .iter()
            .map(|(path, text)| (path.as_path(), text.as_str()))
    }

    /// Parses and lowers the files that changed, then checks the whole project.
    pub fn analyze(&mut self) -> AnalysisTimes {
        let mut times = AnalysisTimes::default();
        let overlay = self.setup.overlay.as_ref();
        let started = Instant::now();
        let stale = std::mem::take(&mut self.stale);
        times.files = stale.len();
        for &id in &stale {
            let options = ParseOptions {
                skip_foreign: !self.strict.get(id.index()).copied().unwrap_or(true),
                overlay,
            };
            let parsed = parse_file_with(id, self.sources.get(id), options);
            let range = file_range(&self.documents, id, |document| document.file);
            self.documents.splice(range, parsed.documents);
            if let Some(slot) = self.parse_diagnostics.get_mut(id.index()) {
                *slot = parsed.diagnostics;
            }
        }
        times.parse = started.elapsed();
        // Lowering is per document: only the changed files' definitions are replaced, in place,
        // so that the compiled definitions stay in file order.
        let started = Instant::now();
        for &id in &stale {
            let mut lowered = Compiled::default();
            let mut diagnostics = Vec::new();
            let range = file_range(&self.documents, id, |document| document.file);
            for document in self.documents.get(range).unwrap_or_default() {
                diagnostics.extend(lower_document(document, &mut lowered));
            }
            let workflows = file_range(&self.compiled.workflows, id, |workflow| workflow.file);
            self.compiled.workflows.splice(workflows, lowered.workflows);
            let task_defs = file_range(&self.compiled.task_defs, id, |task_def| task_def.file);
            self.compiled.task_defs.splice(task_defs, lowered.task_defs);
            if let Some(slot) = self.lower_diagnostics.get_mut(id.index()) {
                *slot = diagnostics;
            }
        }
        times.lower = started.elapsed();
        let started = Instant::now();
        let mut diagnostics: Vec<Diagnostic> = self.setup.diagnostics.clone();
        diagnostics.extend(self.read_diagnostics.iter().flatten().cloned());
        diagnostics.extend(self.parse_diagnostics.iter().flatten().cloned());
        diagnostics.extend(self.lower_diagnostics.iter().flatten().cloned());
        diagnostics.extend(check_project(
            &CheckedProject::new(&self.sources, &self.documents, &self.compiled)
                .with_target(self.setup.target),
        ));
        times.check = started.elapsed();
        let started = Instant::now();
        let mut diagnostics = self.suppress(diagnostics);
        times.suppress = started.elapsed();
        // The workflow test files, after allow comments as in `check`; they are read from
        // disk into a copy of the sources, so that the workspace's file ids stay put.
        self.report_sources = None;
        if let Some(check_tests) = self.setup.test_checker
            && !self.setup.test_files.is_empty()
        {
            let started = Instant::now();
            let mut sources = self.sources.clone();
            let has_errors = conductor_diagnostics::has_errors(&diagnostics);
            check_tests(
                &self.setup.test_files,
                &self.compiled,
                has_errors,
                &mut sources,
                &mut diagnostics,
            );
            sort_diagnostics(&mut diagnostics);
            self.report_sources = Some(sources);
            times.tests = started.elapsed();
        }
        self.diagnostics = diagnostics;
        times
    }

    /// The sources the latest diagnostics point into: the workspace's, and the test files.
    pub fn report_sources(&self) -> &SourceMap {
        self.report_sources.as_ref().unwrap_or(&self.sources)
    }

    /// Allow comments and the project's `allow` list, as `check` applies them.
    fn suppress(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let allowed: &[Code] = &self.setup.allowed;
        let target = self.setup.target;
        let incomplete = files_checked_incompletely(&diagnostics);
        let Suppressed {
            kept: mut diagnostics,
            comments,
            ..
        } = suppress(diagnostics, &self.sources, allowed);
        let judge_unused = |file: FileId, code: Code| {
            !incomplete.contains(&file.index())
                && (target.is_some() || reported_without_target(code))
        };
        diagnostics.extend(
            allow_comment_problems(&comments, judge_unused)
                .into_iter()
                .filter(|problem| !allowed.contains(&problem.code())),
        );
        sort_diagnostics(&mut diagnostics);
        diagnostics
    }
}

/// Where one analysis spent its time.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalysisTimes {
    /// How many files were parsed and lowered again.
    pub files: usize,
    /// Parsing the changed files (YAML, schema, DSL types).
    pub parse: Duration,
    /// Lowering them.
    pub lower: Duration,
    /// The rules over the whole project.
    pub check: Duration,
    /// Allow comments, the `allow` list and sorting.
    pub suppress: Duration,
    /// The workflow test files.
    pub tests: Duration,
}

impl std::fmt::Display for AnalysisTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
        write!(
            f,
            "{} file(s) parsed {:.1} ms, lowered {:.1} ms, project checked {:.1} ms, suppressed and sorted {:.1} ms, test files {:.1} ms",
            self.files,
            ms(self.parse),
            ms(self.lower),
            ms(self.check),
            ms(self.suppress),
            ms(self.tests)
        )
    }
}

/// The range of the items of `items` (ordered by file) that belong to `file`.
fn file_range<T>(items: &[T], file: FileId, file_of: impl Fn(&T) -> FileId) -> Range<usize> {
    let start = items.partition_point(|item| file_of(item).index() < file.index());
    let end = items.partition_point(|item| file_of(item).index() <= file.index());
    start..end
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| extension == "yaml" || extension == "yml")
        && !path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(".test.yaml") || name.ends_with(".test.yml"))
}

/// The path with symbolic links resolved, so that the editor's path and the project's meet;
/// the path itself when it does not exist (a new buffer).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The file's text; an unreadable file is empty (it may have been deleted meanwhile) and a
/// file that is not UTF-8 is read lossily, as `check` reads it, with the offset of its first
/// invalid byte (CA107).
fn read_lossy(path: &Path) -> (String, Option<usize>) {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(valid_up_to),
                )
            }
        },
        Err(_) => (String::new(), None),
    }
}

/// CA107, as `check` reports it.
fn not_utf8(file: FileId, valid_up_to: usize) -> Diagnostic {
    Diagnostic::new(Code::FileNotUtf8, "the file is not valid UTF-8")
        .with_primary(
            file,
            valid_up_to..valid_up_to,
            "the first invalid byte is here",
        )
        .with_help("save the file as UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(files: &[PathBuf], root: &Path) -> ProjectSetup {
        ProjectSetup {
            root: root.to_path_buf(),
            files: files.to_vec(),
            ..ProjectSetup::default()
        }
    }

    fn rendered(workspace: &Workspace) -> Vec<String> {
        workspace
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let place = diagnostic.primary().map(|label| {
                    (
                        workspace.sources.get(label.file).name().to_owned(),
                        label.span.clone(),
                    )
                });
                format!(
                    "{} {} {place:?}",
                    diagnostic.code().as_str(),
                    diagnostic.message()
                )
            })
            .collect()
    }

    /// The kept parses and lowerings are an optimisation only: after any sequence of edits,
    /// the workspace reports exactly what a fresh analysis of the same texts reports.
    #[test]
    fn an_incremental_analysis_equals_a_fresh_one() {
        let dir = std::env::temp_dir().join(format!("conductor-lsp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let orders = dir.join("orders.yaml");
        let definitions = dir.join("definitions.yaml");
        let orders_text = "workflow: orders\nownerEmail: a@example.com\ntasks:\n  - ref: load\n    task: load_order\n  - ref: use\n    task: load_order\n    input:\n      total: ${load.output.total}\n";
        let definitions_text = "task: load_order\nownerEmail: a@example.com\noutputKeys: [total]\n";
        std::fs::write(&orders, orders_text).expect("write");
        std::fs::write(&definitions, definitions_text).expect("write");
        let files = vec![definitions.clone(), orders.clone()];
        let mut incremental = Workspace::new(setup(&files, &dir));
        incremental.analyze();
        assert!(
            rendered(&incremental).is_empty(),
            "{:?}",
            rendered(&incremental)
        );
        let edits: [(&Path, String); 5] = [
            (&definitions, definitions_text.replace("[total]", "[items]")),
            (&orders, orders_text.replace("ref: use", "ref: load")),
            (&orders, "workflow: orders\ntasks: [".to_owned()),
            (&definitions, definitions_text.to_owned()),
            (
                &orders,
                orders_text.replace("task: load_order\n  - ref", "task: load_ordr\n  - ref"),
            ),
        ];
        for (path, text) in edits {
            incremental.set_buffer(path, text);
            incremental.analyze();
            let mut fresh = Workspace::new(setup(&files, &dir));
            for (open, text) in incremental.buffers() {
                fresh.set_buffer(open, text.to_owned());
            }
            fresh.analyze();
            assert_eq!(rendered(&incremental), rendered(&fresh));
            assert_eq!(
                incremental.compiled.workflows.len(),
                fresh.compiled.workflows.len()
            );
            assert!(!rendered(&incremental).is_empty());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
