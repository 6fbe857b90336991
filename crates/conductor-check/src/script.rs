//! JavaScript syntax, as the server's GraalJS would parse it (contract §6.12).

use std::ops::Range;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

/// A syntax error in a script: the parser's message and the byte range in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// What is wrong, as the parser says it.
    pub message: String,
    /// Where, in bytes of the script.
    pub span: Range<usize>,
}

/// The syntax errors of a classic script (not a module: GraalJS evaluates the text as a program
/// whose completion value is the result, so a top-level `return` is an error).
pub fn javascript_syntax_errors(script: &str) -> Vec<ScriptError> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, script, SourceType::script()).parse();
    parsed
        .diagnostics
        .errors()
        .map(|error| {
            let span = error
                .labels
                .first()
                .map(|label| {
                    let start = label.offset() as usize;
                    start..start + label.len() as usize
                })
                .unwrap_or(0..0);
            let span = clamp(script, span);
            ScriptError {
                message: error.message.to_string(),
                span,
            }
        })
        .collect()
}

fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_expressions_and_iifes() {
        for script in [
            "$.amount > 100 ? 'big' : 'small'",
            "(function () { return $.a + $.b; })();",
            "if ($.loop['iteration'] < $.value) { true; } else { false; }",
        ] {
            assert!(javascript_syntax_errors(script).is_empty(), "{script}");
        }
    }

    #[test]
    fn reports_position_of_errors() {
        let errors = javascript_syntax_errors("$.a > ");
        assert!(!errors.is_empty());
        let errors = javascript_syntax_errors("return 1;");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span.start, 0);
    }
}
