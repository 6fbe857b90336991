//! Checks on compiled definitions: the server's registration rules (contract §4.2), the
//! run-time traps a compiler can see (§4.3), every `${...}` expression resolved against the
//! workflow's data flow (§6), the scripts (§6.12) and the references between definitions.
//!
//! [`check_project`] runs every rule over a project's compiled workflows and task definitions
//! and returns diagnostics that point at the YAML each problem came from, through the
//! provenance recorded by lowering. Rules live in `rules/`, one file per code, each opening with
//! the constructor of its diagnostic. The expression checker is built from [`expr`] (finding
//! `${...}` in a string and parsing its Jayway JSONPath, every segment with its range),
//! [`scope`] (what has run where: sequence, SWITCH cases, FORK branches, DO_WHILE bodies) and
//! [`shape`] (the output keys a task is known to produce); [`script`] and [`jq`] parse
//! JavaScript and jq.
//!
//! ```
//! use conductor_check::expr::{Body, expressions_in};
//!
//! let text = "Hello ${greet.ouput.name}!";
//! let found = expressions_in(text);
//! let Body::Path(path) = &found.expressions[0].body else { unreachable!() };
//! let names: Vec<&str> = path.leading_names().map(|(name, _)| name).collect();
//! assert_eq!(names, ["greet", "ouput", "name"]);
//! // Each segment keeps its byte range in the string, for an exact underline.
//! let (_, range) = path.leading_names().nth(1).unwrap();
//! assert_eq!(&text[range.clone()], "ouput");
//! ```
//!
//! Does no I/O and cannot fail: problems are returned as diagnostics. It knows nothing of
//! HTTP or rendering; what exists only on a server is left to `plan`.

pub mod context;
pub mod expr;
pub mod jq;
mod registration;
mod resolve;
mod rules;
pub mod scope;
pub mod script;
mod seconds;
pub mod shape;
pub mod walk;

use conductor_diagnostics::Diagnostic;
use conductor_dsl::locate::{Part, span_at};
use conductor_dsl::lower::CompiledWorkflow;
use conductor_dsl::lower::provenance::task_def_path;

pub use context::{Project, Scope, ServerInventory};

/// Runs every rule over the project. The result is in no particular order; callers sort.
///
/// Workflows are checked on every core (they are independent), as the files are parsed.
pub fn check_project(project: &Project<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::duplicate_definition::check(project, &mut out);
    rules::unaddressable_name::check(project, &mut out);
    rules::names_differ_only_by_case::check(project, &mut out);
    let workflows = &project.compiled.workflows;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(workflows.len() / MIN_WORKFLOWS_PER_WORKER)
        .max(1);
    if workers == 1 {
        for compiled in workflows {
            check_workflow(project, compiled, &mut out);
        }
    } else {
        let chunk = workflows.len().div_ceil(workers);
        let results: Vec<Vec<Diagnostic>> = std::thread::scope(|scope| {
            let handles: Vec<_> = workflows
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        let mut local = Vec::new();
                        for compiled in part {
                            check_workflow(project, compiled, &mut local);
                        }
                        local
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    // A panic in a worker is a bug; re-raise it rather than lose diagnostics.
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        out.extend(results.into_iter().flatten());
    }
    for task_def in &project.compiled.task_defs {
        let Some(spans) = project.spans(task_def.file, task_def.index) else {
            continue;
        };
        let span = |field: &str| {
            let mapped = task_def_path(&[field]);
            let path = if field == "name" {
                vec!["task"]
            } else {
                mapped
            };
            span_at(spans, &path, Part::Value)
        };
        rules::conflicting_task_timeouts::check(
            &task_def.def,
            task_def.file,
            false,
            &span,
            &mut out,
        );
        rules::response_timeout_below_minimum::check(
            &task_def.def,
            task_def.file,
            false,
            &span,
            &mut out,
        );
        if task_def.def.owner_email.is_none() {
            let span = span_at(spans, &["task"], Part::Key);
            out.push(owner_email_problem(
                project.target,
                task_def.file,
                span,
                "task definition",
                &task_def.def.name,
            ));
        }
        if let Some(version) = project.target {
            rules::server_version::check_task_def(
                &task_def.def,
                task_def.file,
                version,
                &span,
                &mut out,
            );
        }
    }
    out
}

/// Below this many workflows per core, threads cost more than they save.
const MIN_WORKFLOWS_PER_WORKER: usize = 32;

/// Every rule on one compiled workflow and its inline sub-workflow definitions.
fn check_workflow(project: &Project<'_>, compiled: &CompiledWorkflow, out: &mut Vec<Diagnostic>) {
    let Some(spans) = project.spans(compiled.file, compiled.index) else {
        return;
    };
    for (def, base) in walk::workflow_scopes(&compiled.def) {
        let scope = Scope {
            project,
            compiled,
            def,
            base,
            spans,
        };
        if !scope.is_inline() {
            check_workflow_fields(&scope, out);
        }
        rules::check_scope(&scope, out);
        check_embedded_task_defs(&scope, out);
        if let Some(version) = project.target {
            rules::server_version::check_workflow(&scope, version, out);
        }
    }
}

/// A missing `ownerEmail`: an error for a target that requires one (CA904), else the warning
/// that some servers do (CA314).
fn owner_email_problem(
    target: Option<conductor_model::versions::ServerVersion>,
    file: conductor_source::FileId,
    span: std::ops::Range<usize>,
    kind: &str,
    name: &str,
) -> Diagnostic {
    match target {
        Some(version) if version.rules().owner_email_mandatory_by_default => {
            rules::server_version::owner_email_required(file, span, version, kind, name)
        }
        _ => rules::missing_owner_email::missing_owner_email(file, span, kind, name),
    }
}

fn check_workflow_fields(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    if scope.def.owner_email.is_none() {
        out.push(owner_email_problem(
            scope.project.target,
            scope.file(),
            scope.span("/name", Part::Key),
            "workflow",
            &scope.def.name,
        ));
    }
    if let Some(character) = rules::invalid_workflow_name::first_invalid(&scope.def.name) {
        out.push(rules::invalid_workflow_name::invalid_workflow_name(
            scope.file(),
            scope.span("/name", Part::Value),
            &scope.def.name,
            character,
        ));
    }
}

fn check_embedded_task_defs(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk::walk_tasks(scope.def, &scope.base, &mut |visit| {
        let Some(def) = &visit.task.task_definition else {
            return;
        };
        let span = |field: &str| {
            let pointer = format!("{}/taskDefinition/{field}", visit.pointer);
            scope.span(&pointer, Part::Value)
        };
        rules::conflicting_task_timeouts::check(def, scope.file(), true, &span, out);
        rules::response_timeout_below_minimum::check(def, scope.file(), true, &span, out);
    });
}
