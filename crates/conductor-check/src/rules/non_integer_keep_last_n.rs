//! CA318 non-integer-keep-last-n: a DO_WHILE `keepLastN` that is not a literal integer
//! (contract §3.3: the server reads it raw and casts it to Integer at run time).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_model::task_type::DO_WHILE;
use conductor_source::FileId;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn non_integer_keep_last_n(file: FileId, span: Range<usize>) -> Diagnostic {
    Diagnostic::new(Code::NonIntegerKeepLastN, "`keepLastN` is not an integer")
        .with_primary(file, span, "must be a literal integer")
        .with_note("the server reads `keepLastN` from the definition without resolving `${...}` and casts it to an integer; anything else fails the loop at run time")
        .with_help("write a number, e.g. `doWhile: {keepLastN: 3, ...}`")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() != DO_WHILE {
            return;
        }
        let keep = visit
            .task
            .input_parameters
            .as_ref()
            .and_then(|input| input.get("keepLastN"));
        if keep.is_some_and(|keep| !(keep.is_i64() || keep.is_u64())) {
            {
                let span = scope.span(
                    &format!("{}/inputParameters/keepLastN", visit.pointer),
                    Part::Value,
                );
                out.push(non_integer_keep_last_n(scope.file(), span));
            }
        }
    });
}
