//! Import: Conductor JSON (workflow and task definitions, single or in lists, as files or as
//! `GET /api/metadata/workflow` and `GET /api/metadata/taskdefs` return them) into DSL files.
//!
//! For each definition: what the server would lose is reported (an unknown key, an explicit
//! `null`: CA801, CA802, with the position in the JSON file); values equal to the server's
//! defaults are dropped; the rest is checked against the compiled-JSON schema and raised into
//! idiomatic DSL ([`crate::raise`]). Every imported document is then compiled again through the
//! real pipeline and compared with the original after normalisation (contract §2.13): import
//! never writes a file that would not compile back to what it read.
//!
//! Files: one per workflow name (its versions as documents, in version order); a task
//! definition used by exactly one workflow goes at the end of that workflow's file, the others
//! into `task-definitions.yaml`. Does no I/O: the caller reads the inputs and writes the files.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use conductor_diagnostics::{Code, Diagnostic, Severity};
use conductor_model::defaults::{Nested, NullHandling, ObjectKind, WORKFLOW_TASK_TYPE_ALIAS};
use conductor_model::normalize::{normalize_task_def, normalize_workflow_def, strip_defaults};
use conductor_model::{
    INVENTORY_PREFIX, OWNERSHIP_STAMP_KEY, TaskDef, WorkflowDef, WorkflowDefinitionRef,
    WorkflowTask, task_type,
};
use conductor_source::json::JsonProblemKind;
use conductor_source::yaml::{escape_segment, to_yaml};
use conductor_source::{FileId, SourceFile, SourceMap};
use serde_json::Value;

use crate::locate::{DocumentSpans, Part, span_at, split_pointer};
use crate::lower::{Compiled, lower_document};
use crate::parse::parse_file;
use crate::raise::{RaiseError, raise_task_def, raise_workflow};
use crate::schema::conductor_schema;

/// One JSON document to import, with its span tree (JSON is read with the YAML loader, so every
/// diagnostic points into the JSON file).
pub struct ImportSource<'a> {
    /// The file it is in.
    pub file: FileId,
    /// The parsed JSON.
    pub value: &'a Value,
    /// The span tree of `value`.
    pub spans: &'a DocumentSpans,
}

/// A file `import` writes: a path relative to the output directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// Relative path, with `/` separators.
    pub path: String,
    /// The YAML text.
    pub text: String,
}

/// The file name of definitions used by no workflow or by several.
pub const TASK_DEFINITIONS_FILE: &str = "task-definitions.yaml";

struct Imported<T> {
    def: T,
    file: FileId,
    pointer: String,
    yaml: String,
}

/// Imports every definition of the sources. `modeline` is the schema path written in each file's
/// first line. Files are returned in path order; nothing is returned for a definition with an
/// error.
pub fn import(
    sources: &[ImportSource<'_>],
    modeline: &str,
) -> (Vec<ImportedFile>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut workflows: Vec<Imported<WorkflowDef>> = Vec::new();
    let mut task_defs: Vec<Imported<TaskDef>> = Vec::new();
    for source in sources {
        let mut found = Vec::new();
        match source.value {
            Value::Array(items) => {
                for (idx, item) in items.iter().enumerate() {
                    found.push((format!("/{idx}"), item));
                }
            }
            other => found.push((String::new(), other)),
        }
        for (pointer, value) in found {
            // conductor-apply's own bookkeeping on the server is never a definition of the
            // project: inventories are skipped, ownership stamps removed.
            let is_inventory = value
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.starts_with(INVENTORY_PREFIX));
            if is_inventory {
                continue;
            }
            let unstamped = without_stamp(value);
            let value = unstamped.as_ref().unwrap_or(value);
            match definition_kind(value) {
                Some(ObjectKind::WorkflowDef) => {
                    if let Some(imported) =
                        import_workflow(source, &pointer, value, &mut diagnostics)
                    {
                        workflows.push(imported);
                    }
                }
                Some(_) => {
                    if let Some(imported) =
                        import_task_def(source, &pointer, value, &mut diagnostics)
                    {
                        task_defs.push(imported);
                    }
                }
                None => diagnostics.push(unrecognised_json_document(source, &pointer)),
            }
        }
    }
    drop_duplicates(sources, &mut workflows, &mut task_defs, &mut diagnostics);
    (
        group_into_files(workflows, task_defs, modeline),
        diagnostics,
    )
}

/// A copy of a workflow without conductor-apply's ownership stamp in its `metadata` (and
/// without `metadata` when the stamp was all of it); `None` when it has no stamp.
fn without_stamp(value: &Value) -> Option<Value> {
    value.get("metadata")?.get(OWNERSHIP_STAMP_KEY)?;
    let mut copy = value.clone();
    let object = copy.as_object_mut()?;
    let emptied = match object.get_mut("metadata") {
        Some(Value::Object(metadata)) => {
            metadata.remove(OWNERSHIP_STAMP_KEY);
            metadata.is_empty()
        }
        _ => false,
    };
    if emptied {
        object.remove("metadata");
    }
    Some(copy)
}

/// A workflow has `tasks`; anything else with a `name` is read as a task definition.
fn definition_kind(value: &Value) -> Option<ObjectKind> {
    let object = value.as_object()?;
    if object.contains_key("tasks") {
        Some(ObjectKind::WorkflowDef)
    } else if object.get("name").is_some_and(Value::is_string) {
        Some(ObjectKind::TaskDef)
    } else {
        None
    }
}

fn span(source: &ImportSource<'_>, pointer: &str, part: Part) -> std::ops::Range<usize> {
    span_at(source.spans, &split_pointer(pointer), part)
}

fn unrecognised_json_document(source: &ImportSource<'_>, pointer: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnrecognisedJsonDocument,
        "not a Conductor workflow or task definition",
    )
    .with_primary(
        source.file,
        span(source, pointer, Part::Head),
        "expected a WorkflowDef or a TaskDef",
    )
    .with_help(
        "import reads a WorkflowDef (with `tasks`), a TaskDef (with `name`), or a list of them",
    )
}

fn unknown_property(
    source: &ImportSource<'_>,
    pointer: &str,
    key: &str,
    kind: ObjectKind,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownConductorProperty,
        format!("`{key}` is not a {} property", kind.class_name()),
    )
    .with_primary(source.file, span(source, pointer, Part::Key), "dropped by the server")
    .with_note(format!("the JSON path is `{pointer}`; the server ignores unknown properties, so it was never in effect and is not imported"))
}

fn explicit_null(
    source: &ImportSource<'_>,
    pointer: &str,
    key: &str,
    handling: NullHandling,
) -> Diagnostic {
    let consequence = match handling {
        NullHandling::AsAbsent => {
            "the server treats it as absent, so the default applies".to_owned()
        }
        NullHandling::Zero(_) => format!(
            "the server stores `{key}` as 0 or false, not as its default; import writes that value"
        ),
    };
    Diagnostic::new(Code::NullInDefinition, format!("`{key}` is null"))
        .with_primary(
            source.file,
            span(source, pointer, Part::Value),
            "explicit null",
        )
        .with_note(format!("the JSON path is `{pointer}`; {consequence}"))
}

/// Reports unknown properties and explicit nulls, at every depth of the model.
fn report_losses(
    source: &ImportSource<'_>,
    kind: ObjectKind,
    value: &Value,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (key, child) in object {
        let child_pointer = format!("{pointer}/{}", escape_segment(key));
        let alias = kind == ObjectKind::WorkflowTask && key == WORKFLOW_TASK_TYPE_ALIAS;
        let Some(field) = kind.field(key) else {
            if !alias {
                out.push(unknown_property(source, &child_pointer, key, kind));
            }
            continue;
        };
        if field.audit {
            continue;
        }
        if child.is_null() {
            out.push(explicit_null(source, &child_pointer, key, field.null));
            continue;
        }
        match (field.nested, child) {
            (Nested::One(nested), _) => report_losses(source, nested, child, &child_pointer, out),
            (Nested::List(nested), Value::Array(items)) => {
                for (idx, item) in items.iter().enumerate() {
                    report_losses(source, nested, item, &format!("{child_pointer}/{idx}"), out);
                }
            }
            (Nested::ListOfLists(nested), Value::Array(lists)) => {
                for (list_idx, list) in lists.iter().enumerate() {
                    for (idx, item) in list.as_array().into_iter().flatten().enumerate() {
                        report_losses(
                            source,
                            nested,
                            item,
                            &format!("{child_pointer}/{list_idx}/{idx}"),
                            out,
                        );
                    }
                }
            }
            (Nested::MapOfLists(nested), Value::Object(map)) => {
                for (case, list) in map {
                    let case_pointer = format!("{child_pointer}/{}", escape_segment(case));
                    for (idx, item) in list.as_array().into_iter().flatten().enumerate() {
                        report_losses(source, nested, item, &format!("{case_pointer}/{idx}"), out);
                    }
                }
            }
            (Nested::WorkflowDefinition, Value::Object(_)) => {
                report_losses(source, ObjectKind::WorkflowDef, child, &child_pointer, out);
            }
            _ => {}
        }
    }
    if kind == ObjectKind::SubWorkflowParams {
        report_inline_identity(source, object, pointer, out);
    }
}

/// Contract §2.4: with an inline definition, the server reports the definition's name and
/// version; different stored ones are lost.
fn report_inline_identity(
    source: &ImportSource<'_>,
    param: &serde_json::Map<String, Value>,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(Value::Object(definition)) = param.get("workflowDefinition") else {
        return;
    };
    for key in ["name", "version"] {
        let (Some(stored), Some(inline)) = (param.get(key), definition.get(key)) else {
            continue;
        };
        if stored.is_null() || stored == inline {
            continue;
        }
        let key_pointer = format!("{pointer}/{key}");
        out.push(
            Diagnostic::new(
                Code::InlineDefinitionIdentityLost,
                format!(
                    "`subWorkflowParam.{key}` is {stored} but the inline definition's is {inline}"
                ),
            )
            .with_primary(
                source.file,
                span(source, &key_pointer, Part::Value),
                "the server reports the inline definition's",
            )
            .with_note(format!(
                "the JSON path is `{key_pointer}`; import writes the inline definition only"
            )),
        );
    }
}

fn conductor_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft202012::options()
            .build(&conductor_schema())
            .expect("invariant: the generated Conductor schema is a valid schema")
    })
}

fn invalid_definition(source: &ImportSource<'_>, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::new(Code::InvalidConductorDefinition, message)
        .with_primary(
            source.file,
            span(source, pointer, Part::Value),
            "not accepted here",
        )
        .with_note(format!("the JSON path is `{pointer}`"))
}

/// The stripped definition, if it conforms to the model; problems reported otherwise.
fn checked_definition(
    source: &ImportSource<'_>,
    pointer: &str,
    kind: ObjectKind,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    report_losses(source, kind, value, pointer, diagnostics);
    let stripped = strip_defaults(kind, value);
    let problems = schema_errors_of_kind(&stripped, kind);
    if problems.is_empty() {
        return Some(stripped);
    }
    diagnostics.extend(problems.into_iter().map(|(instance, message)| {
        invalid_definition(source, &format!("{pointer}{instance}"), message)
    }));
    None
}

/// The schema errors of the branch of `kind` (WorkflowDef or TaskDef) of the compiled-JSON
/// schema's `anyOf`, as (instance pointer, message).
fn schema_errors_of_kind(value: &Value, kind: ObjectKind) -> Vec<(String, String)> {
    let branch = usize::from(kind != ObjectKind::WorkflowDef);
    let mut out = Vec::new();
    for error in conductor_validator().iter_errors(value) {
        if let jsonschema::error::ValidationErrorKind::AnyOf { context } = error.kind() {
            for inner in context.get(branch).into_iter().flatten() {
                out.push((inner.instance_path().as_str().to_owned(), inner.to_string()));
            }
        }
    }
    out
}

fn import_workflow(
    source: &ImportSource<'_>,
    pointer: &str,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Imported<WorkflowDef>> {
    let mut stripped =
        checked_definition(source, pointer, ObjectKind::WorkflowDef, value, diagnostics)?;
    // The version is the workflow's identity, not a setting: written even when it is the
    // default 1, so that a file with several versions says which is which.
    if let (Some(version @ Value::Number(_)), Value::Object(object)) =
        (value.get("version"), &mut stripped)
    {
        object.insert("version".to_owned(), version.clone());
    }
    let kind = ImportKind {
        model: "WorkflowDef",
        noun: "workflow",
        raise: |def| raise_workflow(def).map(serde_json::to_value),
        compiled_back: |compiled| match compiled.workflows.as_slice() {
            [only] => Some(serde_json::to_value(&only.def)),
            _ => None,
        },
        normalize: normalize_workflow_def,
    };
    import_definition(&kind, source, pointer, value, stripped, diagnostics)
}

fn import_task_def(
    source: &ImportSource<'_>,
    pointer: &str,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Imported<TaskDef>> {
    let stripped = checked_definition(source, pointer, ObjectKind::TaskDef, value, diagnostics)?;
    let kind = ImportKind {
        model: "TaskDef",
        noun: "task definition",
        raise: |def| raise_task_def(def).map(serde_json::to_value),
        compiled_back: |compiled| match compiled.task_defs.as_slice() {
            [only] => Some(serde_json::to_value(&only.def)),
            _ => None,
        },
        normalize: normalize_task_def,
    };
    import_definition(&kind, source, pointer, value, stripped, diagnostics)
}

/// What importing differs in between workflows and task definitions.
struct ImportKind<T> {
    /// The server's model name, for messages (`WorkflowDef`).
    model: &'static str,
    /// The definition in words, for messages (`workflow`).
    noun: &'static str,
    /// The DSL document for the definition, as a JSON value.
    raise: fn(&T) -> Result<serde_json::Result<Value>, RaiseError>,
    /// The definition compiled back from the YAML, when it compiled to exactly one.
    compiled_back: fn(&Compiled) -> Option<serde_json::Result<Value>>,
    /// The normal form that the round trip must preserve.
    normalize: fn(&Value) -> Value,
}

/// Reads the checked, default-stripped definition into the model, raises it to the DSL,
/// writes the YAML, and proves the YAML compiles back to `original` (normalised): import never
/// writes a file that says something else than the server's definition.
fn import_definition<T: serde::de::DeserializeOwned>(
    kind: &ImportKind<T>,
    source: &ImportSource<'_>,
    pointer: &str,
    original: &Value,
    stripped: Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Imported<T>> {
    let def: T = match serde_json::from_value(stripped) {
        Ok(def) => def,
        Err(error) => {
            diagnostics.push(invalid_definition(
                source,
                pointer,
                format!("not a valid {}: {error}", kind.model),
            ));
            return None;
        }
    };
    let document = match (kind.raise)(&def) {
        Ok(document) => document.unwrap_or(Value::Null),
        Err(problem) => {
            diagnostics.push(inexpressible(
                source,
                pointer,
                &problem.pointer,
                &problem.message,
            ));
            return None;
        }
    };
    let yaml = to_yaml(&document);
    let noun = kind.noun;
    match compile_back(&yaml).as_ref().and_then(kind.compiled_back) {
        Some(back) => {
            let back = back.unwrap_or(Value::Null);
            if (kind.normalize)(&back) != (kind.normalize)(original) {
                let message = format!(
                    "the imported {noun} does not compile back to the original (please report this)"
                );
                diagnostics.push(inexpressible(source, pointer, "", &message));
                return None;
            }
        }
        None => {
            let message = format!("the imported {noun} does not compile (please report this)");
            diagnostics.push(inexpressible(source, pointer, "", &message));
            return None;
        }
    }
    Some(Imported {
        def,
        file: source.file,
        pointer: pointer.to_owned(),
        yaml,
    })
}

fn inexpressible(
    source: &ImportSource<'_>,
    pointer: &str,
    inner: &str,
    message: &str,
) -> Diagnostic {
    let full = format!("{pointer}{inner}");
    Diagnostic::new(
        Code::InexpressibleDefinition,
        format!("cannot import: {message}"),
    )
    .with_primary(source.file, span(source, &full, Part::Value), "here")
    .with_note(format!("the JSON path is `{full}`"))
}

/// Compiles one imported document through the whole pipeline (load, schema, lower), as `check`
/// would; `None` when that reports an error.
fn compile_back(yaml: &str) -> Option<Compiled> {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(
        "imported.yaml",
        "imported.yaml",
        yaml.to_owned(),
    ));
    let (documents, diagnostics) = parse_file(file, sources.get(file));
    if !diagnostics.is_empty() {
        return None;
    }
    let mut compiled = Compiled::default();
    for document in &documents {
        if !lower_document(document, &mut compiled).is_empty() {
            return None;
        }
    }
    Some(compiled)
}

/// A definition imported twice: a warning when both say the same (the first is written, the
/// second is not), an error when they differ, since which one is meant is not known.
fn duplicate(
    source_file: FileId,
    span: std::ops::Range<usize>,
    first: (FileId, std::ops::Range<usize>),
    what: String,
    identical: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::DuplicateImportedDefinition,
        format!("{what} is imported twice"),
    )
    .with_primary(source_file, span, "imported again here")
    .with_secondary(first.0, first.1, "first imported here");
    if identical {
        diagnostic
            .with_severity(Severity::Warning)
            .with_note("the two are the same definition: the first is written, the second is not")
            .with_help("import it once")
    } else {
        diagnostic
            .with_note("the two differ, and which one is meant is not known: nothing is written")
            .with_help("leave one of them out of the import, or give them different versions")
    }
}

fn drop_duplicates(
    sources: &[ImportSource<'_>],
    workflows: &mut Vec<Imported<WorkflowDef>>,
    task_defs: &mut Vec<Imported<TaskDef>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let source_of = |file: FileId| sources.iter().find(|source| source.file == file);
    let head = |file: FileId, pointer: &str| {
        source_of(file)
            .map(|source| span(source, pointer, Part::Head))
            .unwrap_or(0..0)
    };
    // The first of each identity, by its file, pointer and YAML (two copies of a definition
    // that differ only in what import leaves out, audit fields and defaults, are the same).
    let mut seen: BTreeMap<(String, i32), (FileId, String, String)> = BTreeMap::new();
    workflows.retain(|imported| {
        let identity = (imported.def.name.clone(), imported.def.version.unwrap_or(1));
        if let Some((file, pointer, yaml)) = seen.get(&identity) {
            diagnostics.push(duplicate(
                imported.file,
                head(imported.file, &imported.pointer),
                (*file, head(*file, pointer)),
                format!("workflow `{}` version {}", identity.0, identity.1),
                *yaml == imported.yaml,
            ));
            false
        } else {
            seen.insert(
                identity,
                (
                    imported.file,
                    imported.pointer.clone(),
                    imported.yaml.clone(),
                ),
            );
            true
        }
    });
    let mut seen: BTreeMap<String, (FileId, String, String)> = BTreeMap::new();
    task_defs.retain(|imported| {
        if let Some((file, pointer, yaml)) = seen.get(&imported.def.name) {
            diagnostics.push(duplicate(
                imported.file,
                head(imported.file, &imported.pointer),
                (*file, head(*file, pointer)),
                format!("task definition `{}`", imported.def.name),
                *yaml == imported.yaml,
            ));
            false
        } else {
            seen.insert(
                imported.def.name.clone(),
                (
                    imported.file,
                    imported.pointer.clone(),
                    imported.yaml.clone(),
                ),
            );
            true
        }
    });
}

/// The names of task definitions a workflow's tasks may use: SIMPLE tasks and custom types,
/// at every depth, inline sub-workflows included.
fn task_def_names_used(def: &WorkflowDef, out: &mut BTreeSet<String>) {
    fn visit(tasks: &[WorkflowTask], out: &mut BTreeSet<String>) {
        for task in tasks {
            let custom = !task_type::is_known_type(task.type_name());
            if task.type_name() == task_type::SIMPLE || custom {
                out.insert(task.name.clone());
            }
            for list in task.decision_cases.iter().flat_map(|cases| cases.values()) {
                visit(list, out);
            }
            visit(task.default_case.as_deref().unwrap_or_default(), out);
            for branch in task.fork_tasks.iter().flatten() {
                visit(branch, out);
            }
            visit(task.loop_over.as_deref().unwrap_or_default(), out);
            if let Some(WorkflowDefinitionRef::Inline(inline)) = task
                .sub_workflow_param
                .as_ref()
                .and_then(|param| param.workflow_definition.as_ref())
            {
                visit(&inline.tasks, out);
            }
        }
    }
    visit(&def.tasks, out);
}

/// A definition name as a file name, for `import`'s YAML and `compile`'s JSON alike:
/// characters outside `[A-Za-z0-9._-]` become `%XX`, and a leading `.` too, so that no name can
/// escape the directory or hide the file.
pub fn file_stem(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (idx, byte) in name.bytes().enumerate() {
        let safe = byte.is_ascii_alphanumeric()
            || matches!(byte, b'_' | b'-')
            || (byte == b'.' && idx > 0);
        if safe {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() { "%".to_owned() } else { out }
}

fn group_into_files(
    mut workflows: Vec<Imported<WorkflowDef>>,
    mut task_defs: Vec<Imported<TaskDef>>,
    modeline: &str,
) -> Vec<ImportedFile> {
    workflows.sort_by(|a, b| {
        (a.def.name.as_str(), a.def.version.unwrap_or(1))
            .cmp(&(b.def.name.as_str(), b.def.version.unwrap_or(1)))
    });
    task_defs.sort_by(|a, b| a.def.name.cmp(&b.def.name));
    // Which workflow names use each task definition name.
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for workflow in &workflows {
        let mut used = BTreeSet::new();
        task_def_names_used(&workflow.def, &mut used);
        for name in used {
            users
                .entry(name)
                .or_default()
                .insert(workflow.def.name.clone());
        }
    }
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for workflow in &workflows {
        files
            .entry(format!("{}.yaml", file_stem(&workflow.def.name)))
            .or_default()
            .push(workflow.yaml.clone());
    }
    for task_def in &task_defs {
        let only_user = users
            .get(&task_def.def.name)
            .filter(|names| names.len() == 1)
            .and_then(|names| names.first());
        let path = match only_user {
            Some(workflow) => format!("{}.yaml", file_stem(workflow)),
            None => TASK_DEFINITIONS_FILE.to_owned(),
        };
        files.entry(path).or_default().push(task_def.yaml.clone());
    }
    files
        .into_iter()
        .map(|(path, documents)| {
            let mut text = format!("# yaml-language-server: $schema={modeline}\n");
            text.push_str(&documents.join("---\n"));
            ImportedFile { path, text }
        })
        .collect()
}

/// Reads every file of `files` as Conductor JSON ([`read_json`]) and imports all of it at
/// once ([`import`]): what `conductor-apply import` does with its inputs.
pub fn import_files(
    sources: &conductor_source::SourceMap,
    files: &[FileId],
    modeline: &str,
) -> (Vec<ImportedFile>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut read = Vec::with_capacity(files.len());
    for &file in files {
        let (documents, problems) = read_json(file, sources.get(file));
        diagnostics.extend(problems);
        read.push((file, documents));
    }
    let import_sources: Vec<ImportSource<'_>> = read
        .iter()
        .flat_map(|(file, documents)| {
            documents.iter().map(move |(value, spans)| ImportSource {
                file: *file,
                value,
                spans,
            })
        })
        .collect();
    let (imported, problems) = import(&import_sources, modeline);
    diagnostics.extend(problems);
    (imported, diagnostics)
}

/// A JSON file as import sources: its value and span tree, read by a JSON parser (a YAML
/// parser refuses surrogate pairs and accepts aliases, comments and plain words, none of which
/// the server's parser does). A syntax error (CA808) leaves the file without a document; a
/// duplicate key (CA102), nesting too deep (CA105) and a number out of range (CA106) are
/// reported as for YAML.
pub fn read_json(
    file: FileId,
    source: &SourceFile,
) -> (Vec<(Value, DocumentSpans)>, Vec<Diagnostic>) {
    let parsed = conductor_source::json::parse_json(source.text());
    let diagnostics = parsed
        .problems
        .iter()
        .map(|problem| {
            let code = match problem.kind {
                JsonProblemKind::DuplicateKey { .. } => Code::DuplicateKey,
                JsonProblemKind::TooDeep => Code::YamlResourceLimit,
                JsonProblemKind::IntegerOutOfRange { .. }
                | JsonProblemKind::NotRepresentable { .. } => Code::UnrepresentableNumber,
                _ => Code::JsonSyntaxError,
            };
            let mut diagnostic = Diagnostic::new(code, problem.kind.message()).with_primary(
                file,
                problem.span.clone(),
                problem.kind.label(),
            );
            if let Some((span, label)) = &problem.related {
                diagnostic = diagnostic.with_secondary(file, span.clone(), *label);
            }
            if let Some(help) = problem.kind.help() {
                diagnostic = diagnostic.with_help(help);
            }
            diagnostic
        })
        .collect();
    let documents = parsed
        .document
        .into_iter()
        .map(|document| {
            let spans = DocumentSpans::new(document.root, document.span);
            (document.value, spans)
        })
        .collect();
    (documents, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(file_stem("order_fulfillment"), "order_fulfillment");
        assert_eq!(file_stem("a b/c"), "a%20b%2Fc");
        assert_eq!(file_stem("../x"), "%2E.%2Fx");
        assert_ne!(file_stem("a b"), file_stem("a_b"));
        assert_eq!(file_stem(""), "%");
    }
}
