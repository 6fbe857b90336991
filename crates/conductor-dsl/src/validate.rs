//! The schema stage: each YAML document is validated against the generated DSL schema, and
//! every `jsonschema` error becomes a diagnostic at the exact key or value (CA2xx).
//!
//! `jsonschema` reports alternatives (`anyOf`) as nested error lists. A task's form and a
//! document's kind are told by their discriminating key, so for those the errors of the one
//! matching alternative are reported, and a task whose form cannot be told gets one diagnostic
//! saying so rather than twenty. Other alternatives (a duration is a number or a text) are
//! chosen by the value's JSON type.

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, did_you_mean, format_available, suggest};
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use crate::load::SourceDocument;
use crate::locate::{DocumentSpans, Part, head, span_at};
use crate::schema::dsl_validator;
use crate::syntax::document::{DOCUMENT_KINDS, DocumentKind};
use crate::syntax::duration::duration_pattern;
use crate::syntax::task::{FormError, TASK_FORMS, TaskForm};
use conductor_source::FileId;

/// Validates one document against the DSL schema. An empty result means the document can be
/// read into the DSL types.
pub fn validate_document(document: &SourceDocument) -> Vec<Diagnostic> {
    let (schema, validator) = dsl_validator();
    validate_against(document, schema, validator)
}

/// What validating a document found: its schema errors, and, when leaving out the keys they
/// are at makes the document valid, that document, so that the later stages still check the
/// rest of it (every problem in one run). Only the checks see a repaired document: it has
/// errors, so nothing is compiled or applied from it.
#[derive(Debug, Default)]
pub struct Validation {
    /// The schema errors; empty for a valid document.
    pub diagnostics: Vec<Diagnostic>,
    /// The document less the keys with errors, when that is valid; `None` for a valid
    /// document and for one that leaving keys out cannot repair (a missing key, a task whose
    /// type cannot be told, a wrong item in a list).
    pub repaired: Option<Value>,
}

/// Like [`validate_document`], also repairing the document when leaving out the keys with
/// errors makes it valid ([`Validation::repaired`]).
pub fn validate_and_repair(document: &SourceDocument) -> Validation {
    let (schema, validator) = dsl_validator();
    if validator.is_valid(&document.yaml.value) {
        return Validation::default();
    }
    let (diagnostics, repair) = map_errors(document, schema, validator);
    let repaired = repair
        .apply(&document.yaml.value)
        .filter(|value| validator.is_valid(value));
    Validation {
        diagnostics,
        repaired,
    }
}

impl Repair {
    /// `value` less the keys to leave out; `None` when some error cannot be repaired so.
    fn apply(&self, value: &Value) -> Option<Value> {
        if self.impossible || self.removals.is_empty() {
            return None;
        }
        let mut repaired = value.clone();
        for path in &self.removals {
            let (key, parent_path) = path.split_last()?;
            // `None`: already left out with a key above it.
            let parent = parent_path
                .iter()
                .try_fold(&mut repaired, |node, segment| match node {
                    Value::Object(map) => map.get_mut(segment),
                    Value::Array(items) => segment
                        .parse::<usize>()
                        .ok()
                        .and_then(|idx| items.get_mut(idx)),
                    _ => None,
                });
            match parent {
                Some(Value::Object(map)) => {
                    map.remove(key);
                }
                // Leaving out a list item would renumber the rest (the tasks of a list).
                Some(Value::Array(_)) => return None,
                _ => {}
            }
        }
        Some(repaired)
    }
}

/// Validates one document against another generated schema (a workflow test file's), with
/// the same mapping of errors to keys and values, did-you-mean included.
pub fn validate_against(
    document: &SourceDocument,
    schema: &Value,
    validator: &jsonschema::Validator,
) -> Vec<Diagnostic> {
    if validator.is_valid(&document.yaml.value) {
        return Vec::new();
    }
    map_errors(document, schema, validator).0
}

/// Maps each error of an invalid document to a diagnostic, with the repair the errors allow.
fn map_errors(
    document: &SourceDocument,
    schema: &Value,
    validator: &jsonschema::Validator,
) -> (Vec<Diagnostic>, Repair) {
    // Only a document with errors needs its span tree here (a copy: the caller keeps it).
    let spans = DocumentSpans::new(document.yaml.root.clone(), document.yaml.span.clone());
    let mut mapper = ErrorMapper {
        schema,
        file: document.file,
        spans: &spans,
        diagnostics: Vec::new(),
        misspelled: Vec::new(),
        missing: Vec::new(),
        repair: Repair::default(),
    };
    for error in validator.iter_errors(&document.yaml.value) {
        mapper.map(&error);
    }
    let repair = std::mem::take(&mut mapper.repair);
    let mut diagnostics = mapper.without_explained_missing_keys();
    dedupe(&mut diagnostics);
    (diagnostics, repair)
}

/// Validates a value against another schema (the project file's), with the same errors at
/// the same spans as a document's: an unknown key at the key with a did-you-mean, a wrong
/// value at the value. `schema` must be a valid draft 2020-12 schema; one that is not gives a
/// single diagnostic saying so, at the document.
pub fn validate_with_schema(
    file: FileId,
    value: &Value,
    spans: &DocumentSpans,
    schema: &Value,
) -> Vec<Diagnostic> {
    let validator = match jsonschema::draft202012::options().build(schema) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![
                Diagnostic::new(
                    Code::ValueNotAllowed,
                    format!("the schema is invalid: {error}"),
                )
                .with_primary(file, spans.span.start..spans.span.start, "not checked")
                .with_note("this is a bug in conductor-apply, please report it"),
            ];
        }
    };
    let mut mapper = ErrorMapper {
        schema,
        file,
        spans,
        diagnostics: Vec::new(),
        misspelled: Vec::new(),
        missing: Vec::new(),
        repair: Repair::default(),
    };
    for error in validator.iter_errors(value) {
        mapper.map(&error);
    }
    let mut diagnostics = mapper.without_explained_missing_keys();
    dedupe(&mut diagnostics);
    diagnostics
}

/// Builds the schema validator now instead of at the first [`validate_document`]. Building it
/// takes milliseconds (the DSL schema is large), so a caller that is about to validate many
/// documents can overlap the build with other work, such as reading files on other threads.
/// Calling it again, or from several threads at once, is cheap and safe.
pub fn prepare_validator() {
    dsl_validator();
}

/// Raw Conductor keys people write out of habit, with what the DSL calls them.
const CONDUCTOR_SPELLINGS: &[(&str, &str)] = &[
    ("taskReferenceName", "`ref`"),
    (
        "inputParameters",
        "`input` (on a task) or `inputs` (on a workflow)",
    ),
    ("outputParameters", "`output`"),
    ("timeoutSeconds", "`timeout` (a duration such as `2m`)"),
    ("responseTimeoutSeconds", "`responseTimeout` (a duration)"),
    ("pollTimeoutSeconds", "`pollTimeout` (a duration)"),
    ("totalTimeoutSeconds", "`totalTimeout` (a duration)"),
    ("retryLogic", "`retry: {logic: ...}`"),
    ("retryDelaySeconds", "`retry: {delay: ...}`"),
    ("maxRetryDelaySeconds", "`retry: {maxDelay: ...}`"),
    ("backoffScaleFactor", "`retry: {scaleFactor: ...}`"),
    ("backoffJitterMs", "`retry: {jitterMs: ...}`"),
    ("concurrentExecLimit", "`concurrency`"),
    ("rateLimitPerFrequency", "`rateLimit: {count: ...}`"),
    ("rateLimitFrequencyInSeconds", "`rateLimit: {per: ...}`"),
    ("decisionCases", "`cases` (on a `switch:` task)"),
    ("defaultCase", "`default` (on a `switch:` task)"),
    ("forkTasks", "`fork`"),
    ("loopOver", "`doWhile: {tasks: ...}`"),
    ("loopCondition", "`doWhile: {condition: ...}`"),
    ("subWorkflowParam", "`subWorkflow`"),
    ("joinOn", "`join` (a list of references)"),
    ("sink", "`event`"),
    ("ttlInSecond", "`ttl` (a duration)"),
];

struct ErrorMapper<'a> {
    schema: &'a Value,
    file: FileId,
    spans: &'a DocumentSpans,
    diagnostics: Vec<Diagnostic>,
    /// Unknown keys with the allowed key they are a misspelling of, per mapping path.
    misspelled: Vec<(Vec<String>, String)>,
    /// Missing required keys, per mapping path, with the index of their diagnostic.
    missing: Vec<(Vec<String>, String, usize)>,
    /// The repair of the document each error allows, for [`validate_and_repair`].
    repair: Repair,
}

/// How a document with schema errors can still go through the later checks: each error at an
/// optional key or value is repaired by leaving that key out. An error that leaving out cannot
/// repair (a missing key, a task whose type cannot be told, a bad list item) makes the whole
/// document unrepairable.
#[derive(Debug, Default)]
struct Repair {
    /// Paths to mappings' keys to leave out.
    removals: Vec<Vec<String>>,
    /// Whether some error cannot be repaired by leaving a key out.
    impossible: bool,
}

fn segment_string(segment: LocationSegment<'_>) -> String {
    match segment {
        LocationSegment::Property(name) => name.into_owned(),
        LocationSegment::Index(idx) => idx.to_string(),
    }
}

impl<'a> ErrorMapper<'a> {
    /// The diagnostics, less each "missing required key `x`" whose cause is an unknown key
    /// suggested as `x` in the same mapping: one root cause, one diagnostic.
    fn without_explained_missing_keys(self) -> Vec<Diagnostic> {
        let explained: Vec<usize> = self
            .missing
            .iter()
            .filter(|(path, property, _)| {
                self.misspelled.iter().any(|(misspelled_path, suggestion)| {
                    misspelled_path == path && suggestion == property
                })
            })
            .map(|(_, _, idx)| *idx)
            .collect();
        self.diagnostics
            .into_iter()
            .enumerate()
            .filter(|(idx, _)| !explained.contains(idx))
            .map(|(_, diagnostic)| diagnostic)
            .collect()
    }

    fn map(&mut self, error: &ValidationError<'_>) {
        let instance: Vec<String> = error
            .instance_path()
            .segments()
            .map(segment_string)
            .collect();
        let keyword = self.resolve_schema(error);
        match error.kind() {
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                self.alternatives(error, &instance, keyword, context);
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = self.allowed_properties(error);
                for key in unexpected {
                    self.unknown_key(&instance, key, &allowed);
                }
            }
            ValidationErrorKind::Required { property } => {
                let property = property.as_str().unwrap_or_default().to_owned();
                self.missing_key(&instance, &property);
            }
            ValidationErrorKind::Type { kind } => {
                self.wrong_type(&instance, error.instance(), &expected_types(kind));
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> = options
                    .as_array()
                    .map(|options| options.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                self.not_allowed(&instance, error.instance(), &options);
            }
            ValidationErrorKind::Constant { expected_value } => {
                let expected = expected_value
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| expected_value.to_string());
                self.not_allowed(&instance, error.instance(), &[expected.as_str()]);
            }
            ValidationErrorKind::Pattern { pattern } => {
                self.pattern_mismatch(&instance, error.instance(), pattern);
            }
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. }
            | ValidationErrorKind::MinLength { .. }
            | ValidationErrorKind::MaxLength { .. }
            | ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MaxItems { .. }
            | ValidationErrorKind::MinProperties { .. }
            | ValidationErrorKind::MaxProperties { .. } => {
                self.out_of_range(&instance, error);
            }
            _ => {
                self.repair.removals.push(instance.clone());
                let span = self.span(&instance, Part::Value);
                self.push(
                    Diagnostic::new(Code::ValueNotAllowed, error.to_string()).with_primary(
                        self.file,
                        span,
                        "not allowed here",
                    ),
                );
            }
        }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn span(&self, instance: &[String], part: Part) -> Range<usize> {
        span_at(self.spans, instance, part)
    }

    /// The field name of the value at `instance`, for messages (`timeout`, or `tasks[2]`).
    fn field_name(instance: &[String]) -> String {
        match instance.last() {
            None => "the document".to_owned(),
            Some(last) if last.bytes().all(|b| b.is_ascii_digit()) => {
                let parent = instance
                    .len()
                    .checked_sub(2)
                    .and_then(|idx| instance.get(idx))
                    .map(String::as_str)
                    .unwrap_or("item");
                format!("{parent}[{last}]")
            }
            Some(last) => last.clone(),
        }
    }

    /// The schema node the error's keyword belongs to, following `$ref`s along the evaluation
    /// path.
    fn resolve_schema(&self, error: &ValidationError<'_>) -> Option<&'a Value> {
        let segments: Vec<String> = error
            .evaluation_path()
            .segments()
            .map(segment_string)
            .collect();
        resolve_path(self.schema, &segments)
    }

    /// The property names allowed where an `additionalProperties` error was raised.
    fn allowed_properties(&self, error: &ValidationError<'_>) -> Vec<String> {
        let mut segments: Vec<String> = error
            .evaluation_path()
            .segments()
            .map(segment_string)
            .collect();
        segments.pop();
        resolve_path(self.schema, &segments)
            .and_then(|node| node.get("properties"))
            .and_then(Value::as_object)
            .map(|properties| properties.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn alternatives(
        &mut self,
        error: &ValidationError<'_>,
        instance: &[String],
        keyword: Option<&Value>,
        context: &[Vec<ValidationError<'static>>],
    ) {
        let task_alternatives = self.schema.pointer("/$defs/Task/anyOf");
        let document_alternatives = self.schema.get("anyOf");
        let is = |candidate: Option<&Value>| match (keyword, candidate) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            _ => false,
        };
        if is(task_alternatives) {
            self.task_alternatives(instance, error.instance(), context);
        } else if is(document_alternatives) {
            self.document_alternatives(instance, error.instance(), context);
        } else {
            self.typed_alternatives(instance, error.instance(), context);
        }
    }

    fn task_alternatives(
        &mut self,
        instance: &[String],
        value: &Value,
        context: &[Vec<ValidationError<'static>>],
    ) {
        let Some(mapping) = value.as_object() else {
            self.wrong_type(instance, value, &["a mapping (a task)"]);
            return;
        };
        match TaskForm::detect(mapping) {
            Ok(form) => {
                for error in context.get(form.index()).into_iter().flatten() {
                    self.map(error);
                }
            }
            Err(FormError::Missing) => {
                self.repair.impossible = true;
                let form_keys: Vec<&str> = TASK_FORMS.iter().map(|(_, key, _)| *key).collect();
                let span = self.span(instance, Part::Head);
                let mut diagnostic =
                    Diagnostic::new(Code::UnknownTaskForm, "task has no key telling its type")
                        .with_primary(self.file, span, "type of this task is unknown");
                let misspelled = mapping
                    .keys()
                    .find_map(|key| suggest(key, form_keys.iter().copied()).map(|s| (key, s)));
                diagnostic = match misspelled {
                    Some((key, suggestion)) => {
                        let mut key_path = instance.to_vec();
                        key_path.push(key.clone());
                        let key_span = self.span(&key_path, Part::Key);
                        diagnostic
                            .with_secondary(self.file, key_span, "unknown key")
                            .with_help(format!("did you mean `{suggestion}` instead of `{key}`?"))
                    }
                    None => diagnostic.with_help(format!(
                        "give the task one of the keys {}, or `type:` for any other task type",
                        format_available(form_keys.iter().copied().filter(|key| *key != "type"))
                    )),
                };
                self.push(diagnostic);
            }
            Err(FormError::Conflicting(keys)) => {
                self.repair.impossible = true;
                let first = keys.first().cloned().unwrap_or_default();
                let second = keys.get(1).cloned().unwrap_or_default();
                let mut first_path = instance.to_vec();
                first_path.push(first.clone());
                let mut second_path = instance.to_vec();
                second_path.push(second.clone());
                let diagnostic = Diagnostic::new(
                    Code::AmbiguousTaskForm,
                    format!("task has both `{first}` and `{second}`"),
                )
                .with_primary(
                    self.file,
                    self.span(&second_path, Part::Key),
                    "second type key",
                )
                .with_secondary(
                    self.file,
                    self.span(&first_path, Part::Key),
                    "first type key",
                )
                .with_help(format!(
                    "a task has exactly one key telling its type; split it into two tasks or remove `{second}`"
                ));
                self.push(diagnostic);
            }
        }
    }

    fn document_alternatives(
        &mut self,
        instance: &[String],
        value: &Value,
        context: &[Vec<ValidationError<'static>>],
    ) {
        let Some(mapping) = value.as_object() else {
            self.wrong_type(
                instance,
                value,
                &["a mapping (a workflow or task document)"],
            );
            return;
        };
        if let Some(kind) = DocumentKind::detect(mapping) {
            let idx = DOCUMENT_KINDS
                .iter()
                .position(|(candidate, _)| *candidate == kind)
                .unwrap_or(0);
            for error in context.get(idx).into_iter().flatten() {
                self.map(error);
            }
            return;
        }
        self.repair.impossible = true;
        let span = head(&self.spans.root);
        let both = mapping.contains_key("workflow") && mapping.contains_key("task");
        let message = if both {
            "document has both `workflow` and `task`"
        } else {
            "document is neither a workflow nor a task definition"
        };
        let mut diagnostic = Diagnostic::new(Code::UnknownDocumentKind, message).with_primary(
            self.file,
            span,
            "expected `workflow: <name>` or `task: <name>`",
        );
        let misspelled = mapping
            .keys()
            .find_map(|key| suggest(key, ["workflow", "task"]).map(|s| (key.clone(), s)));
        diagnostic = match (both, misspelled) {
            (true, _) => diagnostic.with_help("put the workflow and the task definition in separate documents, separated by `---`"),
            (false, Some((key, suggestion))) => {
                diagnostic.with_help(format!("did you mean `{suggestion}` instead of `{key}`?"))
            }
            (false, None) if mapping.contains_key("name") && mapping.contains_key("tasks") => {
                diagnostic.with_help("this looks like Conductor JSON; write `workflow: <name>` instead of `name:`, or run `conductor-apply import` on the JSON")
            }
            (false, None) => diagnostic.with_help(
                "start a workflow with `workflow: <name>` and a task definition with `task: <name>`",
            ),
        };
        self.push(diagnostic);
    }

    /// Alternatives told apart by JSON type: report the errors of the alternative whose type
    /// matches, or one wrong-type diagnostic listing what would have been accepted.
    fn typed_alternatives(
        &mut self,
        instance: &[String],
        value: &Value,
        context: &[Vec<ValidationError<'static>>],
    ) {
        let same_place = |error: &ValidationError<'_>| {
            error
                .instance_path()
                .segments()
                .map(segment_string)
                .eq(instance.iter().cloned())
        };
        let type_matched: Vec<&Vec<ValidationError<'static>>> = context
            .iter()
            .filter(|errors| {
                !errors.iter().any(|error| {
                    same_place(error) && matches!(error.kind(), ValidationErrorKind::Type { .. })
                })
            })
            .collect();
        // An enumeration whose values are documented one by one is a list of `const`
        // alternatives: report the value once, with every allowed value.
        let constants: Option<Vec<String>> = context
            .iter()
            .map(|errors| match errors.as_slice() {
                [error] if same_place(error) => match error.kind() {
                    ValidationErrorKind::Constant { expected_value } => expected_value
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| Some(expected_value.to_string())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if let Some(constants) = constants.filter(|constants| !constants.is_empty()) {
            let options: Vec<&str> = constants.iter().map(String::as_str).collect();
            self.not_allowed(instance, value, &options);
            return;
        }
        if let Some(errors) = type_matched.first() {
            for error in errors.iter() {
                self.map(error);
            }
            return;
        }
        let mut expected: Vec<String> = Vec::new();
        for error in context.iter().flatten() {
            if let (ValidationErrorKind::Type { kind }, true) = (error.kind(), same_place(error)) {
                for name in expected_types(kind) {
                    if !expected.iter().any(|known| known == name) {
                        expected.push(name.to_owned());
                    }
                }
            }
        }
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        self.wrong_type(instance, value, &expected);
    }

    fn unknown_key(&mut self, instance: &[String], key: &str, allowed: &[String]) {
        let mut path = instance.to_vec();
        path.push(key.to_owned());
        self.repair.removals.push(path.clone());
        let span = self.span(&path, Part::Key);
        let mut diagnostic = Diagnostic::new(Code::UnknownKey, format!("unknown key `{key}`"))
            .with_primary(self.file, span, "not allowed here");
        let conductor_spelling = CONDUCTOR_SPELLINGS
            .iter()
            .find(|(raw, _)| *raw == key)
            .map(|(_, dsl)| *dsl);
        let help = if let Some(suggestion) = suggest(key, allowed.iter().map(String::as_str)) {
            self.misspelled
                .push((instance.to_vec(), suggestion.clone()));
            did_you_mean(&suggestion)
        } else if let Some(dsl) = conductor_spelling {
            format!("conductor-apply writes Conductor's `{key}` as {dsl}")
        } else if let Some(form_key) = TASK_FORMS
            .iter()
            .map(|(_, form_key, _)| *form_key)
            .find(|form_key| *form_key == key)
        {
            format!("`{form_key}` tells a task's type and a task has exactly one such key")
        } else if allowed.is_empty() {
            "remove it".to_owned()
        } else {
            format!(
                "the keys allowed here are {}",
                format_available(allowed.iter().map(String::as_str))
            )
        };
        diagnostic = diagnostic.with_help(help);
        self.push(diagnostic);
    }

    fn missing_key(&mut self, instance: &[String], property: &str) {
        self.repair.impossible = true;
        let span = self.span(instance, Part::Head);
        let what = match instance
            .get(instance.len().wrapping_sub(2))
            .map(String::as_str)
        {
            Some("tasks") | Some("default") | Some("defaultCase") | Some("loopOver") => "task",
            _ if instance.is_empty() => "document",
            _ => "mapping",
        };
        let diagnostic = Diagnostic::new(
            Code::MissingRequiredKey,
            format!("missing required key `{property}`"),
        )
        .with_primary(self.file, span, format!("this {what} has no `{property}`"))
        .with_help(format!("add `{property}:`"));
        self.missing.push((
            instance.to_vec(),
            property.to_owned(),
            self.diagnostics.len(),
        ));
        self.push(diagnostic);
    }

    fn wrong_type(&mut self, instance: &[String], value: &Value, expected: &[&str]) {
        self.repair.removals.push(instance.to_vec());
        let field = Self::field_name(instance);
        if value.is_null() {
            let value_span = self.span(instance, Part::Value);
            let span = if value_span.is_empty() {
                self.span(instance, Part::Key)
            } else {
                value_span
            };
            let diagnostic = Diagnostic::new(Code::ExplicitNull, format!("`{field}` is null"))
                .with_primary(self.file, span, "null is not allowed here")
                .with_help(
                    "remove the key to get the server's default: the server stores an explicit null as 0 or false, not as the default",
                );
            self.push(diagnostic);
            return;
        }
        let span = self.span(instance, Part::Value);
        let expected_text = join_alternatives(expected);
        let diagnostic = Diagnostic::new(
            Code::WrongValueType,
            format!(
                "`{field}` must be {expected_text}, found {}",
                describe(value)
            ),
        )
        .with_primary(self.file, span, format!("expected {expected_text}"));
        self.push(diagnostic);
    }

    fn not_allowed(&mut self, instance: &[String], value: &Value, options: &[&str]) {
        self.repair.removals.push(instance.to_vec());
        let field = Self::field_name(instance);
        let span = self.span(instance, Part::Value);
        let shown = value
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| value.to_string());
        let mut diagnostic = Diagnostic::new(
            Code::ValueNotAllowed,
            format!("`{shown}` is not a valid `{field}`"),
        )
        .with_primary(self.file, span, "not allowed here");
        diagnostic = diagnostic.with_suggestion_or_help(
            suggest(&shown, options.iter().copied()),
            format!("use one of {}", format_available(options.iter().copied())),
        );
        self.push(diagnostic);
    }

    fn pattern_mismatch(&mut self, instance: &[String], value: &Value, pattern: &str) {
        self.repair.removals.push(instance.to_vec());
        let field = Self::field_name(instance);
        let shown = value.as_str().unwrap_or_default();
        let span = self.span(instance, Part::Value);
        let duration = duration_pattern();
        let diagnostic = if pattern == duration {
            Diagnostic::new(
                Code::InvalidDuration,
                format!("`{shown}` is not a valid duration"),
            )
            .with_primary(self.file, span, "invalid duration")
            .with_help("write a number of seconds, or integers with units in the order d, h, m, s: `90s`, `5m`, `1h 30m`, `2 days`")
        } else if pattern.contains(&duration) {
            Diagnostic::new(
                Code::InvalidDuration,
                format!("`{shown}` is not a duration, `signal` or `${{...}}`"),
            )
            .with_primary(self.file, span, "invalid wait")
            .with_help("write a duration (`30s`, `1h 30m`), `signal`, or `{until: \"2024-01-31 00:00 UTC\"}`")
        } else {
            Diagnostic::new(
                Code::ValueNotAllowed,
                format!("`{shown}` is not a valid `{field}`"),
            )
            .with_primary(self.file, span, "does not match the expected form")
            .with_note(format!("the value must match the pattern `{pattern}`"))
        };
        self.push(diagnostic);
    }

    fn out_of_range(&mut self, instance: &[String], error: &ValidationError<'_>) {
        self.repair.removals.push(instance.to_vec());
        let field = Self::field_name(instance);
        let span = self.span(instance, Part::Value);
        let limit = match error.kind() {
            ValidationErrorKind::Minimum { limit } => format!("at least {limit}"),
            ValidationErrorKind::Maximum { limit } => format!("at most {limit}"),
            ValidationErrorKind::ExclusiveMinimum { limit } => format!("more than {limit}"),
            ValidationErrorKind::ExclusiveMaximum { limit } => format!("less than {limit}"),
            ValidationErrorKind::MinLength { limit: 1 } => "not empty".to_owned(),
            ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters long"),
            ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters long"),
            ValidationErrorKind::MinItems { limit: 1 } => "a non-empty list".to_owned(),
            ValidationErrorKind::MinItems { limit } => format!("a list of at least {limit} items"),
            ValidationErrorKind::MaxItems { limit } => format!("a list of at most {limit} items"),
            ValidationErrorKind::MinProperties { limit } => {
                format!("a mapping of at least {limit} keys")
            }
            ValidationErrorKind::MaxProperties { limit } => {
                format!("a mapping of at most {limit} keys")
            }
            _ => "in range".to_owned(),
        };
        let diagnostic =
            Diagnostic::new(Code::ValueOutOfRange, format!("`{field}` must be {limit}"))
                .with_primary(self.file, span, format!("must be {limit}"));
        self.push(diagnostic);
    }
}

/// Follows a schema evaluation path (`/properties/tasks/items/$ref/anyOf/1/...`) from the root,
/// resolving local `$ref`s.
fn resolve_path<'v>(root: &'v Value, segments: &[String]) -> Option<&'v Value> {
    let mut node = root;
    for segment in segments {
        node = if segment == "$ref" {
            let reference = node.get("$ref")?.as_str()?;
            root.pointer(reference.strip_prefix('#')?)?
        } else {
            match node {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(node)
}

fn expected_types(kind: &TypeKind) -> Vec<&'static str> {
    fn name(json_type: jsonschema::JsonType) -> &'static str {
        use jsonschema::JsonType;
        match json_type {
            JsonType::Array => "a list",
            JsonType::Boolean => "true or false",
            JsonType::Integer => "an integer",
            JsonType::Null => "null",
            JsonType::Number => "a number",
            JsonType::Object => "a mapping",
            JsonType::String => "a string",
        }
    }
    match kind {
        TypeKind::Single(json_type) => vec![name(*json_type)],
        TypeKind::Multiple(set) => set.iter().map(name).collect(),
    }
}

fn join_alternatives(items: &[&str]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// Drops repeated diagnostics (the same code, place and message): alternatives can report the
/// same root cause more than once.
fn dedupe(diagnostics: &mut Vec<Diagnostic>) {
    type Key = (Code, Option<(usize, usize)>, String);
    let mut seen: Vec<Key> = Vec::new();
    diagnostics.retain(|diagnostic| {
        let key = (
            diagnostic.code(),
            diagnostic
                .primary()
                .map(|label| (label.span.start, label.span.end)),
            diagnostic.message().to_owned(),
        );
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}
