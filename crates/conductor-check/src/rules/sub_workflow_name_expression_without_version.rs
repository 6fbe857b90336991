//! CA320 sub-workflow-name-expression-without-version: a SUB_WORKFLOW whose child name is a
//! `${...}` expression and that has no version (contract §3.3: the server pins the latest
//! version when the parent starts, looking up the literal `${...}` name, so the start fails).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::SUB_WORKFLOW;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn sub_workflow_name_expression_without_version(
    file: FileId,
    span: Range<usize>,
    name: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::SubWorkflowNameExpressionWithoutVersion,
        format!("sub-workflow name `{name}` is an expression but no version is given"),
    )
    .with_primary(file, span, "resolved only after the version lookup")
    .with_note("when the parent starts, the server looks up the latest version of the literal name `${...}` and fails: The Task ... defined as a sub-workflow has no workflow definition available")
    .with_help("give `version` as well")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() != SUB_WORKFLOW {
            return;
        }
        let Some(param) = &visit.task.sub_workflow_param else {
            return;
        };
        let Some(name) = &param.name else { return };
        if name.contains("${") && param.version.is_none() && param.workflow_definition.is_none() {
            let span = scope.span(
                &format!("{}/subWorkflowParam/name", visit.pointer),
                Part::Value,
            );
            out.push(sub_workflow_name_expression_without_version(
                scope.file(),
                span,
                name,
            ));
        }
    });
}
