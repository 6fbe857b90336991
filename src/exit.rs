//! Exit codes: one enum, documented in `--help` and the README.

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success (warnings allowed).
    Success,
    /// 1: the input has errors (diagnostics of severity error), or an apply was refused.
    InputErrors,
    /// 2: `plan --detailed-exitcode` found changes to apply.
    ChangesPending,
    /// 3: the tool could not do its job: unreadable file, bad flag, server unreachable.
    Failure,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Exit::Success => 0,
            Exit::InputErrors => 1,
            Exit::ChangesPending => 2,
            Exit::Failure => 3,
        })
    }
}

/// The exit-code table shown at the end of `--help`.
pub const EXIT_CODES_HELP: &str = "Exit codes:
  0  success (warnings do not fail a run)
  1  errors in the input: a definition has error diagnostics, the server refused one, or an
     apply was refused (no confirmation, a stale saved plan, running executions)
  2  `plan --detailed-exitcode` only: the plan has changes
  3  the tool failed: a file could not be read or written, a flag is wrong, a server is unreachable";
