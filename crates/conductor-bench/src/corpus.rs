//! A benchmark tree of real shapes: renamed copies of a corpus of Conductor JSON definitions
//! (the shared corpus), as DSL files for `check` and as JSON for a schema validator.
//!
//! The generated tree ([`crate::generate`]) is clean and regular; real definitions are not:
//! long scripts, jq, deep nesting, references to task definitions and workflows that live
//! elsewhere (many CA601/CA602 warnings, each with a did-you-mean over every known name). Copy
//! `n` of the corpus appends `_n` to every definition name and to every name a task, a
//! sub-workflow or a failure workflow refers to, so that copies never collide and every copy
//! has references of its own to resolve. Copies are made until the tree has the asked number
//! of workflows; the last copy may be partial.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use conductor_dsl::import::{ImportedFile, import_files};
use conductor_source::{SourceFile, SourceMap};
use serde_json::Value;

/// The renamed copies: the DSL files and the JSON they were imported from.
#[derive(Debug, Default)]
pub struct CorpusCopies {
    /// DSL files, by path relative to the tree's root.
    pub yaml: Vec<ImportedFile>,
    /// The renamed Conductor JSON, one file per corpus file and copy: (relative path, text).
    pub json: Vec<(String, String)>,
    /// How many workflows.
    pub workflows: usize,
    /// Problems import reported (a corpus file it cannot import is left out).
    pub problems: usize,
}

/// Why the copies could not be made.
#[derive(Debug)]
pub enum CorpusError {
    /// The corpus could not be read.
    Read(PathBuf, std::io::Error),
    /// The corpus has no workflow.
    Empty(PathBuf),
}

impl std::fmt::Display for CorpusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorpusError::Read(path, error) => write!(f, "reading `{}`: {error}", path.display()),
            CorpusError::Empty(path) => write!(f, "no workflow in `{}`", path.display()),
        }
    }
}

/// Every `.json` file below `dir`, sorted, as (path relative to `dir`, text).
fn corpus_files(dir: &Path) -> Result<Vec<(String, String)>, CorpusError> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|error| CorpusError::Read(current.clone(), error))?;
        for entry in entries {
            let path = entry
                .map_err(|error| CorpusError::Read(current.clone(), error))?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|error| CorpusError::Read(path.clone(), error))?;
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace(['/', '\\'], "__");
                files.push((relative, text));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// How many workflow definitions a JSON value holds (a definition, or a list of them).
fn workflow_count(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(workflow_count).sum(),
        Value::Object(object) if object.contains_key("tasks") => 1,
        _ => 0,
    }
}

/// Appends `suffix` to the names of a definition (or list of them) and to what it refers to.
fn rename(value: &mut Value, suffix: &str) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| rename(item, suffix)),
        Value::Object(object) => {
            for key in ["name", "failureWorkflow"] {
                if let Some(Value::String(name)) = object.get_mut(key)
                    && !name.is_empty()
                    && !name.contains('$')
                {
                    name.push_str(suffix);
                }
            }
            for key in [
                "tasks",
                "forkTasks",
                "loopOver",
                "defaultCase",
                "decisionCases",
                "subWorkflowParam",
                "workflowDefinition",
            ] {
                if let Some(child) = object.get_mut(key) {
                    match child {
                        // decisionCases: a map of lists.
                        Value::Object(cases) if key == "decisionCases" => {
                            cases.values_mut().for_each(|list| rename(list, suffix));
                        }
                        // forkTasks: a list of lists.
                        Value::Array(lists) if key == "forkTasks" => {
                            lists.iter_mut().for_each(|list| rename(list, suffix));
                        }
                        other => rename(other, suffix),
                    }
                }
            }
        }
        _ => {}
    }
}

/// Makes renamed copies of the corpus in `dir` until they hold `workflows` workflows.
pub fn corpus_copies(dir: &Path, workflows: usize) -> Result<CorpusCopies, CorpusError> {
    let files = corpus_files(dir)?;
    let parsed: Vec<(String, Value)> = files
        .into_iter()
        .filter_map(|(path, text)| Some((path, serde_json::from_str(&text).ok()?)))
        .collect();
    let per_copy: usize = parsed.iter().map(|(_, value)| workflow_count(value)).sum();
    if per_copy == 0 {
        return Err(CorpusError::Empty(dir.to_path_buf()));
    }
    let mut copies = CorpusCopies::default();
    let mut copy = 0usize;
    'copies: while copies.workflows < workflows {
        copy += 1;
        for (path, value) in &parsed {
            let count = workflow_count(value);
            if count > 0 && copies.workflows + count > workflows {
                continue;
            }
            let mut value = value.clone();
            rename(&mut value, &format!("_{copy}"));
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            copies.json.push((format!("c{copy:05}/{path}"), text));
            copies.workflows += count;
            if copies.workflows >= workflows {
                break 'copies;
            }
        }
    }
    // Import every copy at once, as `conductor-apply import` would.
    let mut sources = SourceMap::new();
    let ids: Vec<_> = copies
        .json
        .iter()
        .map(|(path, text)| {
            sources.add(SourceFile::new(path.as_str(), path.as_str(), text.as_str()))
        })
        .collect();
    let (yaml, problems) = import_files(&sources, &ids, "conductor-apply.schema.json");
    copies.problems += problems.len();
    copies.yaml = yaml;
    Ok(copies)
}

impl CorpusCopies {
    /// Writes the DSL files under `out/yaml` and the JSON under `out/json`.
    pub fn write_to(&self, out: &Path) -> std::io::Result<()> {
        let mut dirs: BTreeMap<PathBuf, ()> = BTreeMap::new();
        let files = self
            .yaml
            .iter()
            .map(|file| (out.join("yaml").join(&file.path), file.text.as_str()))
            .chain(
                self.json
                    .iter()
                    .map(|(path, text)| (out.join("json").join(path), text.as_str())),
            );
        for (path, text) in files {
            if let Some(parent) = path.parent()
                && dirs.insert(parent.to_path_buf(), ()).is_none()
            {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, text)?;
        }
        Ok(())
    }

    /// Bytes of DSL YAML.
    pub fn yaml_bytes(&self) -> usize {
        self.yaml.iter().map(|file| file.text.len()).sum()
    }
}
