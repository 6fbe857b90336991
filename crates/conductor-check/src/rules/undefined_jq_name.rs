//! CA505 undefined-jq-name: a jq program names a filter, variable, label or module that is not
//! defined. Found by the same jaq run as CA504 (`jq_syntax_error.rs`); a warning because the
//! server runs jackson-jq, whose builtins differ slightly from jaq's (crates.md §3.6).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_source::FileId;

pub(crate) fn undefined_jq_name(file: FileId, span: Range<usize>, message: &str) -> Diagnostic {
    Diagnostic::new(Code::UndefinedJqName, message.to_owned())
        .with_primary(file, span, "not defined")
        .with_note("checked with jaq's definitions; the server runs jackson-jq, whose builtins differ slightly")
        .with_help("correct the name, or define it with `def name: ...;`")
}
