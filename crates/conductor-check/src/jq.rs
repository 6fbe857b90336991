//! jq programs of JSON_JQ_TRANSFORM tasks (contract §3.3): syntax errors and undefined names,
//! through jaq (crates.md §3.6). The server runs jackson-jq, not jaq, so an undefined name is
//! reported as a warning by the rule, not an error.
//!
//! Checking a program the obvious way (load it with the standard library as prelude, then
//! compile) costs about 0.45 ms, almost all of it cloning and compiling the prelude
//! (crates.md §3.6). So a program is lexed and parsed on its own (microseconds), and compiled
//! with the prelude only when it names a word that is not a builtin, a keyword, an object key
//! or a field: only then can it have an undefined name. The standard library's definitions
//! and the set of builtin names are built once per process.

use std::ops::Range;
use std::sync::OnceLock;

use std::collections::BTreeSet;

use jaq_core::load::lex::{StrPart, Tok, Token};
use jaq_core::load::parse::Def;
use jaq_core::load::{Arena, File, Lexer, Loader, Parser};
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

/// Keywords of the jq language, which lex as words.
const KEYWORDS: &[&str] = &[
    "def", "if", "then", "elif", "else", "end", "as", "reduce", "foreach", "try", "catch", "label",
    "import", "include", "module", "and", "or", "__loc__",
];

/// Every name the prelude and the native functions define, built once.
fn builtin_names() -> &'static BTreeSet<&'static str> {
    static NAMES: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: BTreeSet<&'static str> = prelude().iter().map(|def| def.name).collect();
        names.extend(jaq_core::funs::<data::JustLut<Val>>().map(|(name, _, _)| name));
        names.extend(jaq_std::funs::<data::JustLut<Val>>().map(|(name, _, _)| name));
        names.extend(jaq_json::funs::<data::JustLut<Val>>().map(|(name, _, _)| name));
        names.extend(KEYWORDS);
        names
    })
}

/// Whether every word of the program is known without compiling: a builtin or keyword, a
/// field (`.name`) or an object key (`name:`). A program with `def` is always compiled.
fn all_words_known(tokens: &[Token<&str>]) -> bool {
    let names = builtin_names();
    let mut previous_is_dot = false;
    for (idx, token) in tokens.iter().enumerate() {
        let Token(text, kind) = token;
        let known = match kind {
            Tok::Word if *text == "def" => false,
            Tok::Word => {
                let is_key = matches!(tokens.get(idx + 1), Some(Token(":", Tok::Sym)));
                previous_is_dot || is_key || names.contains(text)
            }
            Tok::Block(inner) => all_words_known(inner),
            Tok::Str(parts) => parts.iter().all(|part| match part {
                StrPart::Term(Token(_, Tok::Block(inner))) => all_words_known(inner),
                _ => true,
            }),
            _ => true,
        };
        if !known {
            return false;
        }
        previous_is_dot = matches!(token, Token(".", Tok::Sym));
    }
    true
}

/// The first lex or parse error of a program on its own, without the prelude.
fn syntax_problem(program: &str) -> Result<Vec<Token<&str>>, JqProblem> {
    let tokens = Lexer::new(program).lex().map_err(|errors| {
        let (expected, found) = errors.into_iter().next().unwrap_or((
            jaq_core::load::lex::Expect::Token,
            program.get(program.len()..).unwrap_or_default(),
        ));
        // A lex error's slice runs to the end of the input: keep its start.
        let start = slice_span(program, found)
            .map(|span| span.start)
            .unwrap_or(program.len());
        let end = program
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map(|c| start + c.len_utf8())
            .unwrap_or(start);
        JqProblem {
            kind: JqProblemKind::Syntax,
            message: format!("expected {}", expected.as_str()),
            span: start..end,
        }
    })?;
    let parsed = Parser::new(&tokens).parse(|parser| parser.term());
    if let Err(errors) = parsed
        && let Some((expected, found)) = errors.into_iter().next()
    {
        let found = Token::opt_as_str(found, program);
        let span = slice_span(program, found)
            .filter(|span| !span.is_empty())
            .unwrap_or(program.len()..program.len());
        let found_text = if span.is_empty() {
            "the end of the program".to_owned()
        } else {
            format!("`{}`", program.get(span.clone()).unwrap_or_default())
        };
        return Err(JqProblem {
            kind: JqProblemKind::Syntax,
            message: format!("expected {}, found {found_text}", expected.as_str()),
            span,
        });
    }
    Ok(tokens)
}

/// The span of `part` in `whole`, when `part` is a slice of it; jaq's errors are slices of
/// the program.
fn slice_span(whole: &str, part: &str) -> Option<Range<usize>> {
    let whole_start = whole.as_ptr() as usize;
    let part_start = part.as_ptr() as usize;
    let start = part_start.checked_sub(whole_start)?;
    (start + part.len() <= whole.len()).then_some(start..start + part.len())
}

/// The problems of a jq program: its first syntax error, or else its undefined names; empty
/// when it parses and compiles.
pub fn jq_problems(program: &str) -> Vec<JqProblem> {
    let tokens = match syntax_problem(program) {
        Ok(tokens) => tokens,
        Err(problem) => return vec![problem],
    };
    if all_words_known(&tokens) {
        return Vec::new();
    }
    undefined_names(program)
}

/// Loads the program with the prelude and compiles it, for its undefined names. Syntax errors
/// were reported before; should loading fail anyway, its first error is returned.
fn undefined_names(program: &str) -> Vec<JqProblem> {
    let arena = Arena::default();
    let loader = Loader::new(prelude().iter().cloned());
    let file = File {
        code: program,
        path: (),
    };
    let modules = match loader.load(&arena, file) {
        Ok(modules) => modules,
        Err(_) => {
            return syntax_problem(program).err().into_iter().collect();
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
    fn fast_path_agrees_with_compiling() {
        for program in [
            ".",
            "{ key3: (.key1.value1 + .key2.value2) }",
            ".items | map(select(.ok)) | length",
            "def f: . + 1; f",
            ".a as $x | reduce .[] as $y (0; . + $y) | $x",
            "\"total: \\(.items | length)\"",
            "if .a then .b elif .c then .d else empty end",
            "try error(\"x\") catch .",
            ".items | lenght",
            "{ (.k): .v } | keys | first",
            "[.[] | tostring | ascii_downcase] | join(\",\")",
            "to_entries | from_entries | with_entries(.value += 1)",
            "[paths] | unique | sort_by(length) | group_by(.[0])",
        ] {
            let tokens = Lexer::new(program).lex().expect("lexes");
            let fast = if all_words_known(&tokens) {
                Vec::new()
            } else {
                undefined_names(program)
            };
            assert_eq!(fast, undefined_names(program), "{program}");
        }
    }

    #[test]
    fn common_programs_take_the_fast_path() {
        for program in [
            "{ key3: (.key1.value1 + .key2.value2) }",
            ".items | map(select(.ok)) | length",
            "{ available: [.items[] | select(.qty > 0)] | length }",
            "to_entries | from_entries",
        ] {
            let tokens = Lexer::new(program).lex().expect("lexes");
            assert!(all_words_known(&tokens), "{program}");
        }
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
