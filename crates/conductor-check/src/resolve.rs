//! Resolving every `${...}` of a workflow against its data flow: finds each place the server
//! resolves expressions (contract §6.1: task inputs at every nesting level, the workflow's
//! output, sub-workflow parameters, DO_WHILE `items`, EVENT `sink`), parses the expressions in
//! each string, and hands every path to the expression rules, root first, so that one root
//! cause gives one diagnostic (style.md §3).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use conductor_diagnostics::Diagnostic;
use conductor_model::task_type::{DO_WHILE, EVENT, INLINE, JOIN, SUB_WORKFLOW};
use conductor_model::{WorkflowDefinitionRef, WorkflowTask};
use conductor_source::yaml::push_segment;
use serde_json::Value;

use crate::context::Scope;
use crate::expr::{Body, Expression, Path, SegmentKind, expressions_in, may_contain_expression};
use crate::registration::SYSTEM_PARAMETERS;
use crate::rules;
use crate::scope::{DataFlow, UseSite};
use crate::script::{ScriptScan, scan_script};

/// One string that the server resolves, and where it is.
pub(crate) struct Site<'s> {
    /// The workflow definition being checked.
    pub scope: &'s Scope<'s>,
    /// Its data flow.
    pub flow: &'s DataFlow<'s>,
    /// JSON pointer of the string in the compiled document.
    pub pointer: &'s str,
    /// The string.
    pub text: &'s str,
    /// Where the string is resolved.
    pub user: UseSite<'s>,
    /// The task whose field the string is (none for the workflow's output).
    pub user_task: Option<&'s WorkflowTask>,
    /// For a script that is an input value (an INLINE `expression`), its lexical scan.
    pub script: Option<&'s ScriptScan>,
}

impl Site<'_> {
    /// The file span of a byte range of the string.
    pub fn span(&self, range: Range<usize>) -> Range<usize> {
        self.scope.span_in_string(self.pointer, range)
    }
}

/// Checks every expression of one workflow definition. `registration_reported` holds the
/// `(pointer, offset of "${")` of expressions the registration rules already reported.
pub(crate) fn check_expressions(
    scope: &Scope<'_>,
    flow: &DataFlow<'_>,
    registration_reported: &BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut pointer = String::new();
    for site in &flow.sites {
        let task = site.task;
        // Contract §3.3: a JOIN's inputParameters are ignored.
        if task.type_name() == JOIN {
            continue;
        }
        let mut visit = |pointer: &str, text: &str, script: Option<&ScriptScan>, user| {
            let resolved = Site {
                scope,
                flow,
                pointer,
                text,
                user,
                user_task: Some(task),
                script,
            };
            check_string(&resolved, registration_reported, out);
        };
        let input_user = if task.type_name() == DO_WHILE {
            UseSite::LoopCondition(&site.location)
        } else {
            UseSite::Task(&site.location)
        };
        if let Some(input) = &task.input_parameters {
            for (key, value) in input {
                pointer.clear();
                pointer.push_str(&site.pointer);
                pointer.push_str("/inputParameters");
                push_segment(&mut pointer, key);
                if task.type_name() == INLINE
                    && key == "expression"
                    && let Value::String(text) = value
                {
                    if may_contain_expression(text) {
                        let scan = scan_script(text);
                        visit(&pointer, text, Some(&scan), input_user);
                    }
                    continue;
                }
                strings_with_expressions(value, &mut pointer, &mut |pointer, text| {
                    visit(pointer, text, None, input_user);
                });
            }
        }
        for (field, text) in resolved_fields(task) {
            if may_contain_expression(text) {
                let field_pointer = format!("{}/{field}", site.pointer);
                // `items` and the other fields are resolved once, when the task is scheduled.
                visit(&field_pointer, text, None, UseSite::Task(&site.location));
            }
        }
    }
    if let Some(output) = &scope.def.output_parameters {
        for (key, value) in output {
            pointer.clear();
            pointer.push_str(&scope.base);
            pointer.push_str("/outputParameters");
            push_segment(&mut pointer, key);
            strings_with_expressions(value, &mut pointer, &mut |pointer, text| {
                let resolved = Site {
                    scope,
                    flow,
                    pointer,
                    text,
                    user: UseSite::WorkflowOutput,
                    user_task: None,
                    script: None,
                };
                check_string(&resolved, registration_reported, out);
            });
        }
    }
}

/// The fields besides `inputParameters` that the server resolves (contract §6.1), as
/// pointer suffixes and strings.
fn resolved_fields(task: &WorkflowTask) -> Vec<(String, &str)> {
    let mut fields = Vec::new();
    match task.type_name() {
        DO_WHILE => {
            if let Some(items) = &task.items {
                fields.push(("items".to_owned(), items.as_str()));
            }
        }
        EVENT => {
            if let Some(sink) = &task.sink {
                fields.push(("sink".to_owned(), sink.as_str()));
            }
        }
        SUB_WORKFLOW => {
            if let Some(param) = &task.sub_workflow_param {
                if let Some(name) = &param.name {
                    fields.push(("subWorkflowParam/name".to_owned(), name.as_str()));
                }
                if let Some(key) = &param.idempotency_key {
                    fields.push(("subWorkflowParam/idempotencyKey".to_owned(), key.as_str()));
                }
                if let Some(Value::String(priority)) = &param.priority {
                    fields.push(("subWorkflowParam/priority".to_owned(), priority.as_str()));
                }
                if let Some(WorkflowDefinitionRef::Expression(definition)) =
                    &param.workflow_definition
                {
                    fields.push((
                        "subWorkflowParam/workflowDefinition".to_owned(),
                        definition.as_str(),
                    ));
                }
                if let Some(domains) = &param.task_to_domain {
                    for (key, value) in domains {
                        if let Value::String(domain) = value {
                            let mut pointer = "subWorkflowParam/taskToDomain".to_owned();
                            push_segment(&mut pointer, key);
                            fields.push((pointer, domain.as_str()));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    fields
}

/// Calls `visit` with every string in `value` that may hold an expression, and its pointer;
/// `pointer` is the value's pointer on entry and is restored on return.
pub(crate) fn strings_with_expressions<'v>(
    value: &'v Value,
    pointer: &mut String,
    visit: &mut dyn FnMut(&str, &'v str),
) {
    match value {
        Value::String(text) if may_contain_expression(text) => visit(pointer, text),
        Value::Object(map) => {
            for (key, child) in map {
                let length = pointer.len();
                push_segment(pointer, key);
                strings_with_expressions(child, pointer, visit);
                pointer.truncate(length);
            }
        }
        Value::Array(items) => {
            for (idx, child) in items.iter().enumerate() {
                let length = pointer.len();
                let _ = write!(pointer, "/{idx}");
                strings_with_expressions(child, pointer, visit);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

fn check_string(
    site: &Site<'_>,
    registration_reported: &BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let found = expressions_in(site.text);
    for range in &found.unterminated {
        rules::unterminated_expression::check(site, range.clone(), out);
    }
    for expression in &found.expressions {
        check_expression(site, expression, registration_reported, out);
    }
}

fn check_expression(
    site: &Site<'_>,
    expression: &Expression<'_>,
    registration_reported: &BTreeSet<(String, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    for nested in &expression.nested {
        check_expression(site, nested, registration_reported, out);
    }
    if registration_reported.contains(&(site.pointer.to_owned(), expression.range.start)) {
        return;
    }
    match &expression.body {
        Body::Empty => rules::invalid_expression_path::check_empty(site, expression, out),
        Body::Invalid(error) => rules::json_path_syntax_error::check(site, error, out),
        Body::Path(path) => check_path(site, expression, path, out),
    }
}

fn check_path(
    site: &Site<'_>,
    expression: &Expression<'_>,
    path: &Path,
    out: &mut Vec<Diagnostic>,
) {
    let Some(first) = path.segments.first() else {
        return;
    };
    let SegmentKind::Name(root) = &first.kind else {
        return;
    };
    if root == "workflow" {
        let mut names = path.segments.iter().skip(1);
        let Some(field) = names.next() else { return };
        let SegmentKind::Name(field_name) = &field.kind else {
            return;
        };
        if !rules::unknown_workflow_field::check(site, field_name, field.range.clone(), out) {
            return;
        }
        let Some(SegmentKind::Name(name)) = names.next().map(|segment| &segment.kind) else {
            return;
        };
        let range = path
            .segments
            .get(2)
            .map(|segment| segment.range.clone())
            .unwrap_or_default();
        match field_name.as_ref() {
            "input" => rules::undeclared_workflow_input::check(site, name, range, out),
            "variables" => rules::undefined_workflow_variable::check(site, name, range, out),
            _ => {}
        }
        return;
    }
    if path.segments.len() == 1 && is_environment_name(root) {
        if root == "CPEWF_TASK_ID" {
            rules::unresolved_task_id::check(site, expression, out);
        }
        return;
    }
    let Some(producer) = site.flow.site(root) else {
        if site
            .script
            .is_some_and(|scan| scan.in_template_literal(expression.range.start))
        {
            rules::expression_in_template_literal::check(site, expression, out);
        } else {
            rules::unknown_task_reference::check(site, root, first.range.clone(), out);
        }
        return;
    };
    rules::reference_to_later_task::check(site, producer, first.range.clone(), out);
    rules::reference_into_branch::check(site, producer, first.range.clone(), out);
    let mut names = path.segments.iter().skip(1);
    let Some(field) = names.next() else { return };
    let SegmentKind::Name(field_name) = &field.kind else {
        return;
    };
    if !rules::unknown_task_field::check(site, root, field_name, field.range.clone(), out) {
        return;
    }
    if field_name == "output" {
        let rest: Vec<_> = names.collect();
        rules::undeclared_output_key::check(site, producer, &rest, out);
    }
}

/// Whether a one-segment path may be a server environment variable or system property, which
/// the server substitutes when the whole path equals its name (contract §6.2): the system
/// parameters, and names in upper case such as `HOSTNAME`.
fn is_environment_name(name: &str) -> bool {
    SYSTEM_PARAMETERS.contains(&name)
        || (name.bytes().any(|b| b.is_ascii_uppercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
}
