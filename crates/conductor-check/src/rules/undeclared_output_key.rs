//! CA409 undeclared-output-key: `${ref.output.<key>}` where the task's output is known
//! (shape.rs: system tasks, sub-workflows in the repository, task definitions with
//! `outputKeys`) and has no such key. The server resolves it to `null` (contract §6.3).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, Severity, format_available, suggest};
use conductor_source::FileId;

use crate::expr::{Segment, SegmentKind};
use crate::resolve::Site;
use crate::scope::TaskSite;
use crate::shape::{ShapeSource, output_shape};

fn undeclared_output_key(
    file: FileId,
    span: Range<usize>,
    path: &str,
    key: &str,
    source: &ShapeSource,
    known: &[&str],
) -> Diagnostic {
    let (origin, severity) = match source {
        ShapeSource::SystemTask(task_type) => (
            format!("the server fixes the output of {task_type} tasks"),
            Severity::Error,
        ),
        ShapeSource::TaskDefinition(name) => (
            format!("task definition `{name}` declares its `outputKeys`"),
            Severity::Warning,
        ),
        ShapeSource::SubWorkflow(name) => (
            format!("workflow `{name}` declares its output"),
            Severity::Error,
        ),
        ShapeSource::Join => (
            "a JOIN's output has one key per task in its `joinOn`".to_owned(),
            Severity::Error,
        ),
    };
    let mut diagnostic = Diagnostic::new(
        Code::UndeclaredOutputKey,
        format!("`{path}` has no key `{key}`"),
    )
    .with_severity(severity)
    .with_primary(file, span, "no such output key")
    .with_note(format!(
        "{origin}, and resolves a missing key to null; {}",
        format_available(known.iter().copied())
    ));
    if let ShapeSource::TaskDefinition(_) = source {
        diagnostic = diagnostic.with_help(match suggest(key, known.iter().copied()) {
            Some(suggestion) => {
                format!("did you mean `{suggestion}`? or add `{key}` to `outputKeys`")
            }
            None => format!("add `{key}` to the task definition's `outputKeys`"),
        });
        return diagnostic;
    }
    diagnostic.with_suggestion(suggest(key, known.iter().copied()))
}

/// `rest` are the segments after `output`.
pub(crate) fn check(
    site: &Site<'_>,
    producer: &TaskSite<'_>,
    rest: &[&Segment<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let Some(first) = rest.first() else { return };
    let SegmentKind::Name(key) = &first.kind else {
        return;
    };
    let Some(shape) = output_shape(site.scope.project, producer.task, producer.previous) else {
        return;
    };
    let reference = &producer.task.task_reference_name;
    if !shape.allows(key) {
        let known: Vec<&str> = shape.keys.iter().map(String::as_str).collect();
        out.push(undeclared_output_key(
            site.scope.file(),
            site.span(first.range.clone()),
            &format!("{reference}.output"),
            key,
            &shape.source,
            &known,
        ));
        return;
    }
    let (Some(nested), Some(second)) = (shape.nested(key), rest.get(1)) else {
        return;
    };
    let SegmentKind::Name(nested_key) = &second.kind else {
        return;
    };
    if nested.contains(&nested_key.as_ref()) {
        return;
    }
    out.push(undeclared_output_key(
        site.scope.file(),
        site.span(second.range.clone()),
        &format!("{reference}.output.{key}"),
        nested_key,
        &shape.source,
        nested,
    ));
}
