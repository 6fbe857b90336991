//! JavaScript, as the server's GraalJS sees it (contract §6.12): syntax errors (oxc), the
//! `$.name` inputs a script reads, its template literals, and the text the server evaluates
//! after it has resolved the `${...}` inside (an INLINE script is an input value, §6.5).

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
    // One arena per thread, reset between scripts, rather than a new one for each.
    thread_local! {
        static ALLOCATOR: std::cell::RefCell<Allocator> = std::cell::RefCell::new(Allocator::default());
    }
    ALLOCATOR.with(|cell| match cell.try_borrow_mut() {
        Ok(mut allocator) => {
            allocator.reset();
            syntax_errors_in(&allocator, script)
        }
        Err(_) => syntax_errors_in(&Allocator::default(), script),
    })
}

fn syntax_errors_in(allocator: &Allocator, script: &str) -> Vec<ScriptError> {
    let parsed = Parser::new(allocator, script, SourceType::script()).parse();
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

/// The script as the server evaluates an INLINE `expression`: each `${...}` replaced by the
/// value's text (here an identifier of the same length, so offsets stay put) and each `$${`
/// escape turned into `${` (here ` ${`), contract §6.4–§6.5.
pub fn resolved_script(script: &str) -> String {
    if !script.contains("${") {
        return script.to_owned();
    }
    let mut bytes = script.as_bytes().to_vec();
    let found = crate::expr::lexer::find_expressions(script, 0..script.len());
    for range in found.expressions {
        if let Some(replaced) = bytes.get_mut(range) {
            replaced.fill(b'_');
        }
    }
    let mut position = 0;
    while let Some(offset) = script.get(position..).and_then(|rest| rest.find("$${")) {
        if let Some(dollar) = bytes.get_mut(position + offset) {
            *dollar = b' ';
        }
        position += offset + 3;
    }
    // Only ASCII bytes replaced whole expressions or a `$`, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| script.to_owned())
}

/// One `$.name` or `$['name']` read by a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRead {
    /// The name read.
    pub name: String,
    /// Where the name is written in the script.
    pub span: Range<usize>,
}

/// What a lexical scan of a script found: the `$.name` reads and the template literals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptScan {
    /// Each `$.name` and `$['name']` outside strings and comments.
    pub reads: Vec<InputRead>,
    /// Each template literal, backticks included.
    pub template_literals: Vec<Range<usize>>,
}

impl ScriptScan {
    /// Whether `offset` is inside the text of a template literal.
    pub fn in_template_literal(&self, offset: usize) -> bool {
        self.template_literals
            .iter()
            .any(|range| range.start < offset && offset < range.end)
    }
}

/// Scans a script lexically: skips comments and string literals, records template literals
/// (and scans the code inside their `${...}`), and collects reads of `$`'s properties. Regular
/// expression literals are not recognised; a `$.` inside one is rare enough.
pub fn scan_script(script: &str) -> ScriptScan {
    let mut scan = ScriptScan::default();
    let bytes = script.as_bytes();
    scan_code(bytes, 0, &mut scan, 0);
    scan
}

/// Scans code from `start` until an unbalanced `}` (the end of a template substitution) or
/// the end; returns where it stopped.
fn scan_code(bytes: &[u8], start: usize, scan: &mut ScriptScan, depth: usize) -> usize {
    let mut position = start;
    let mut braces = 0usize;
    while let Some(&byte) = bytes.get(position) {
        match byte {
            b'/' if bytes.get(position + 1) == Some(&b'/') => {
                while bytes.get(position).is_some_and(|&b| b != b'\n') {
                    position += 1;
                }
            }
            b'/' if bytes.get(position + 1) == Some(&b'*') => {
                position += 2;
                while position < bytes.len()
                    && !(bytes.get(position) == Some(&b'*')
                        && bytes.get(position + 1) == Some(&b'/'))
                {
                    position += 1;
                }
                position += 2;
            }
            b'\'' | b'"' => {
                position += 1;
                while let Some(&inner) = bytes.get(position) {
                    position += 1;
                    if inner == b'\\' {
                        position += 1;
                    } else if inner == byte || inner == b'\n' {
                        break;
                    }
                }
            }
            b'`' => {
                let literal_start = position;
                position += 1;
                while let Some(&inner) = bytes.get(position) {
                    if inner == b'\\' {
                        position += 2;
                    } else if inner == b'`' {
                        position += 1;
                        break;
                    } else if inner == b'$' && bytes.get(position + 1) == Some(&b'{') && depth < 8 {
                        position = scan_code(bytes, position + 2, scan, depth + 1) + 1;
                    } else {
                        position += 1;
                    }
                }
                scan.template_literals
                    .push(literal_start..position.min(bytes.len()));
            }
            b'{' => {
                braces += 1;
                position += 1;
            }
            b'}' => {
                if braces == 0 && depth > 0 {
                    return position;
                }
                braces = braces.saturating_sub(1);
                position += 1;
            }
            b'$' => {
                let standalone = position == 0
                    || bytes.get(position - 1).is_some_and(|&before| {
                        !is_identifier_byte(before) && before != b'.' && before != b'\\'
                    });
                let next = bytes.get(position + 1).copied();
                if standalone
                    && !next.is_some_and(is_identifier_byte)
                    && let Some(read) = property_read(bytes, position + 1)
                {
                    scan.reads.push(read);
                }
                position += 1;
            }
            _ => position += 1,
        }
    }
    position
}

/// A `.name`, `?.name` or `['name']` at `position` (just after a `$`).
fn property_read(bytes: &[u8], position: usize) -> Option<InputRead> {
    let text = std::str::from_utf8(bytes).ok()?;
    let rest = text.get(position..)?;
    let dot = if rest.starts_with("?.") {
        2
    } else if rest.starts_with('.') {
        1
    } else {
        0
    };
    if dot > 0 {
        let start = position + dot;
        let length = text
            .get(start..)?
            .bytes()
            .take_while(|&b| is_identifier_byte(b))
            .count();
        if length == 0 {
            return None;
        }
        return Some(InputRead {
            name: text.get(start..start + length)?.to_owned(),
            span: start..start + length,
        });
    }
    let inside = rest.strip_prefix('[')?;
    let quote = inside.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let content = inside.get(1..)?;
    let close = content.find(quote)?;
    let name = content.get(..close)?;
    if name.contains('\\') || !content.get(close + 1..)?.starts_with(']') {
        return None;
    }
    let start = position + 2;
    Some(InputRead {
        name: name.to_owned(),
        span: start..start + name.len(),
    })
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
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
    fn resolves_expressions_and_escapes_in_place() {
        let script = "var a = ${workflow.input.x}; `Hi $${name}`";
        let resolved = resolved_script(script);
        assert_eq!(resolved.len(), script.len());
        assert_eq!(resolved, "var a = ___________________; `Hi  ${name}`");
        assert!(javascript_syntax_errors(&resolved).is_empty());
    }

    #[test]
    fn scans_input_reads_and_template_literals() {
        let script = "// $.comment\n$.a + $['b'] + x$.c + '$.str' + `t ${$.d} $.e`";
        let scan = scan_script(script);
        let names: Vec<&str> = scan.reads.iter().map(|read| read.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "d"]);
        assert_eq!(&script[scan.reads[1].span.clone()], "b");
        assert_eq!(scan.template_literals.len(), 1);
        let inside = script.find("$.e").unwrap();
        assert!(scan.in_template_literal(inside));
        assert!(!scan.in_template_literal(script.find("$.a").unwrap()));
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

/// A JavaScript program held by a task, and how the server treats it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TaskScript<'a> {
    /// The pointer suffix of the field from the task: `expression`,
    /// `inputParameters/expression`, ...
    pub field: &'static str,
    /// The script as written.
    pub text: &'a str,
    /// Whether it is an input value, whose `${...}` the server resolves before running it
    /// (contract §6.5).
    pub resolved_first: bool,
    /// Whether the server syntax-checks it at registration (contract §4.2: SWITCH
    /// `javascript`, DECISION `caseExpression`).
    pub checked_at_registration: bool,
}

/// The JavaScript of a task, if it has any (contract §6.12): a SWITCH with `javascript` or
/// `graaljs`, a DECISION `caseExpression`, an INLINE with a JavaScript evaluator (the
/// default), or a DO_WHILE `loopCondition` (always JavaScript).
pub(crate) fn task_javascript(task: &conductor_model::WorkflowTask) -> Option<TaskScript<'_>> {
    use conductor_model::task_type::{DECISION, DO_WHILE, INLINE, SWITCH};
    match task.type_name() {
        SWITCH => {
            let evaluator = task.evaluator_type.as_deref()?;
            if evaluator != "javascript" && evaluator != "graaljs" {
                return None;
            }
            Some(TaskScript {
                field: "expression",
                text: task.expression.as_deref()?,
                resolved_first: false,
                checked_at_registration: evaluator == "javascript",
            })
        }
        DECISION => Some(TaskScript {
            field: "caseExpression",
            text: task.case_expression.as_deref()?,
            resolved_first: false,
            checked_at_registration: true,
        }),
        DO_WHILE => Some(TaskScript {
            field: "loopCondition",
            text: task.loop_condition.as_deref()?,
            resolved_first: false,
            checked_at_registration: false,
        }),
        INLINE => {
            let input = task.input_parameters.as_ref()?;
            let evaluator = match input.get("evaluatorType") {
                None => "javascript",
                Some(serde_json::Value::String(evaluator)) => evaluator.as_str(),
                Some(_) => return None,
            };
            if evaluator != "javascript" && evaluator != "graaljs" {
                return None;
            }
            Some(TaskScript {
                field: "inputParameters/expression",
                text: input.get("expression")?.as_str()?,
                resolved_first: true,
                checked_at_registration: false,
            })
        }
        _ => None,
    }
}
