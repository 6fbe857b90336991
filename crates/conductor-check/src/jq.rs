//! jq programs of JSON_JQ_TRANSFORM tasks (contract §3.3): syntax errors and undefined names,
//! through jaq (crates.md §3.6). The server runs jackson-jq, not jaq, so an undefined name is
//! reported as a warning by the rule, not an error.
//!
//! The standard library's definitions are parsed once per process and reused: parsing them
//! again for every program costs 0.4 ms (crates.md §3.6).

use std::ops::Range;
use std::sync::OnceLock;

use jaq_core::load::parse::Def;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, data};
use jaq_json::Val;

/// What is wrong with a jq program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JqProblemKind {
    /// It does not lex or parse.
    Syntax,
    /// It names a filter, variable, label or module that is not defined.
    Undefined,
}

/// One problem in a jq program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JqProblem {
    /// Syntax or undefined name.
    pub kind: JqProblemKind,
    /// What is wrong, lower case.
    pub message: String,
    /// Where, in bytes of the program.
    pub span: Range<usize>,
}

/// The standard library's definitions, parsed once.
fn prelude() -> &'static [Def<&'static str>] {
    static PRELUDE: OnceLock<Vec<Def<&'static str>>> = OnceLock::new();
    PRELUDE.get_or_init(|| {
        jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs())
            .collect()
    })
}

/// The span of `part` in `whole`, when `part` is a slice of it; jaq's errors are slices of
/// the program.
fn slice_span(whole: &str, part: &str) -> Option<Range<usize>> {
    let whole_start = whole.as_ptr() as usize;
    let part_start = part.as_ptr() as usize;
    let start = part_start.checked_sub(whole_start)?;
    (start + part.len() <= whole.len()).then_some(start..start + part.len())
}

/// The problems of a jq program; empty when it parses and compiles.
pub fn jq_problems(program: &str) -> Vec<JqProblem> {
    let arena = Arena::default();
    let loader = Loader::new(prelude().iter().cloned());
    let file = File {
        code: program,
        path: (),
    };
    let modules = match loader.load(&arena, file) {
        Ok(modules) => modules,
        Err(errors) => {
            let mut problems = Vec::new();
            for (_file, error) in errors {
                match error {
                    jaq_core::load::Error::Lex(errors) => {
                        for (expected, found) in errors {
                            // A lex error's slice runs to the end of the input: keep its start.
                            let start = slice_span(program, found)
                                .map(|span| span.start)
                                .unwrap_or(program.len());
                            let end = program
                                .get(start..)
                                .and_then(|rest| rest.chars().next())
                                .map(|c| start + c.len_utf8())
                                .unwrap_or(start);
                            problems.push(JqProblem {
                                kind: JqProblemKind::Syntax,
                                message: format!("expected {}", expected.as_str()),
                                span: start..end,
                            });
                        }
                    }
                    jaq_core::load::Error::Parse(errors) => {
                        for (expected, found) in errors {
                            let span = slice_span(program, found)
                                .filter(|span| !span.is_empty())
                                .unwrap_or(program.len()..program.len());
                            let found_text = if span.is_empty() {
                                "the end of the program".to_owned()
                            } else {
                                format!("`{}`", program.get(span.clone()).unwrap_or_default())
                            };
                            problems.push(JqProblem {
                                kind: JqProblemKind::Syntax,
                                message: format!(
                                    "expected {}, found {found_text}",
                                    expected.as_str()
                                ),
                                span,
                            });
                        }
                    }
                    jaq_core::load::Error::Io(errors) => {
                        for (path, message) in errors {
                            problems.push(JqProblem {
                                kind: JqProblemKind::Undefined,
                                message: format!("cannot load module `{path}`: {message}"),
                                span: slice_span(program, path).unwrap_or(0..0),
                            });
                        }
                    }
                }
            }
            // One root cause, one diagnostic: after the first syntax error jaq's recovery
            // reports consequences of it.
            problems.truncate(1);
            return problems;
        }
    };
    let funs = jaq_core::funs::<data::JustLut<Val>>()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    match Compiler::default().with_funs(funs).compile(modules) {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .flat_map(|(_file, undefined)| undefined)
            .map(|(name, kind)| JqProblem {
                kind: JqProblemKind::Undefined,
                message: format!("undefined {} `{name}`", kind.as_str()),
                span: slice_span(program, name).unwrap_or(0..0),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_programs() {
        for program in [
            ".",
            "{ key3: (.key1.value1 + .key2.value2) }",
            ".items | map(select(.ok)) | length",
            "def f: . + 1; f",
        ] {
            assert_eq!(jq_problems(program), [], "{program}");
        }
    }

    #[test]
    fn reports_syntax_errors_with_spans() {
        let program = "{ all: (.a + .b }";
        let problems = jq_problems(program);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, JqProblemKind::Syntax);
        assert_eq!(&program[problems[0].span.clone()], "}");
    }

    #[test]
    fn reports_undefined_names() {
        let program = ".items | lenght";
        let problems = jq_problems(program);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, JqProblemKind::Undefined);
        assert_eq!(&program[problems[0].span.clone()], "lenght");
        assert_eq!(problems[0].message, "undefined filter `lenght`");
    }
}
