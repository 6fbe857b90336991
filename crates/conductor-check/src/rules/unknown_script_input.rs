//! CA502 unknown-script-input: a script reads `$.name` (or `$['name']`) where `name` is not in
//! what the server binds to `$` (contract §6.12): the task's input for INLINE, SWITCH and
//! DECISION; for a DO_WHILE `loopCondition`, the loop's input, its own reference name, the
//! reference names of its body tasks, and `loopItem`/`loopIndex`.

use std::collections::BTreeSet;
use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic, format_available, suggest};
use conductor_model::task_type::DO_WHILE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::script::{scan_script, task_javascript};
use crate::walk::{references_in, walk_tasks};

fn unknown_script_input(
    file: FileId,
    span: Range<usize>,
    name: &str,
    available: &str,
    suggestion: Option<String>,
    is_loop: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::UnknownScriptInput,
        format!("the script reads `$.{name}`, which is not in its input"),
    )
    .with_primary(file, span, "undefined in the script")
    .with_note(if is_loop {
        format!("a loop condition's `$` holds the loop's input, and the loop and its body tasks by reference name; {available}")
    } else {
        format!("the script's `$` is the task's input; {available}")
    });
    let otherwise = if is_loop {
        format!("add `{name}` to the loop's `input`")
    } else {
        format!("add `{name}` to the task's `input` with the value the script needs")
    };
    diagnostic.with_suggestion_or_help(suggestion, otherwise)
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        let task = visit.task;
        let Some(script) = task_javascript(task) else {
            return;
        };
        if !script.text.contains('$') {
            return;
        }
        let scan = scan_script(script.text);
        if scan.reads.is_empty() {
            return;
        }
        let mut bound: BTreeSet<&str> = BTreeSet::new();
        if let Some(input) = &task.input_parameters {
            bound.extend(input.keys().map(String::as_str));
        }
        let template = match &task.task_definition {
            Some(def) => def.input_template.as_ref(),
            None => scope
                .project
                .task_def(&task.name)
                .and_then(|def| def.def.input_template.as_ref()),
        };
        if let Some(template) = template {
            bound.extend(template.keys().map(String::as_str));
        }
        let is_loop = task.type_name() == DO_WHILE;
        if is_loop {
            bound.insert(task.task_reference_name.as_str());
            if let Some(body) = &task.loop_over {
                bound.extend(references_in(body));
            }
            bound.extend(["loopItem", "loopIndex"]);
        }
        let pointer = format!("{}/{}", visit.pointer, script.field);
        for read in &scan.reads {
            if bound.contains(read.name.as_str()) {
                continue;
            }
            out.push(unknown_script_input(
                scope.file(),
                scope.span_in_string(&pointer, read.span.clone()),
                &read.name,
                &format_available(bound.iter().copied()),
                suggest(&read.name, bound.iter().copied()),
                is_loop,
            ));
        }
    });
}
