//! The server's registration-time check of `${...}` in top-level task inputs
//! (ConstraintParamUtil.java, contract §4.2 and §6.9), replicated exactly so that `check`
//! rejects what the server rejects: each string is split before every `${` not preceded by `$`
//! and after every `}`; a piece that starts with `${` and ends with `}` is a path; a path that
//! Jayway JSONPath cannot compile is invalid (whitespace in dot notation, a trailing `.`, an
//! unclosed bracket; see [`path_syntax_error`]); otherwise the text before its first `.` must
//! be `workflow` or a task reference anywhere in the workflow, unless the whole path is a
//! system parameter.

use std::ops::Range;

use conductor_source::yaml::push_segment;
use serde_json::Value;

use crate::resolve::strings_with_expressions;

/// Paths the server substitutes itself (EnvUtils.SystemParameters).
pub const SYSTEM_PARAMETERS: [&str; 3] = ["CPEWF_TASK_ID", "NETFLIX_ENV", "NETFLIX_STACK"];

/// One `${...}` piece as the registration check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationPath<'a> {
    /// The text between `${` and the closing `}`.
    pub path: &'a str,
    /// Byte range of `path` in the string.
    pub range: Range<usize>,
}

/// The `${...}` pieces of one string, split the way the server splits it.
pub fn registration_paths(text: &str) -> Vec<RegistrationPath<'_>> {
    let bytes = text.as_bytes();
    let mut boundaries = vec![0];
    for position in 1..bytes.len() {
        let before_expression = bytes.get(position) == Some(&b'$')
            && bytes.get(position + 1) == Some(&b'{')
            && bytes.get(position - 1) != Some(&b'$');
        let after_brace = bytes.get(position - 1) == Some(&b'}');
        if before_expression || after_brace {
            boundaries.push(position);
        }
    }
    boundaries.push(bytes.len());
    boundaries
        .windows(2)
        .filter_map(|window| {
            let (start, end) = (*window.first()?, *window.get(1)?);
            let piece = text.get(start..end)?;
            if piece.len() >= 3 && piece.starts_with("${") && piece.ends_with('}') {
                let range = start + 2..end - 1;
                Some(RegistrationPath {
                    path: text.get(range.clone())?,
                    range,
                })
            } else {
                None
            }
        })
        .collect()
}

/// Why Jayway JSONPath cannot compile `path` (the text of a registration piece), or `None`
/// when it can. Jayway trims surrounding whitespace, so `${ workflow.input.x }` compiles, while
/// whitespace inside dot notation does not ("Use bracket notion ['my prop'] if your property
/// contains blank characters"); whitespace inside a filter or a quoted key is fine. An empty
/// path is reported separately, so it is `None` here.
pub fn path_syntax_error(path: &str) -> Option<String> {
    if path.trim().is_empty() {
        return None;
    }
    // Nearly every path is plain dotted names (`workflow.input.orderId`), which compile.
    let plain = path.split('.').all(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if plain {
        return None;
    }
    // Jayway trims the path before compiling it.
    let leading = path.len() - path.trim_start().len();
    let range = leading..leading + path.trim().len();
    crate::expr::parser::parse_path(path, range)
        .err()
        .map(|error| error.message)
}

/// The strings of a task's `inputParameters` that hold a `${`, at any depth (the server's
/// check visits maps and lists), each with its pointer: the task's pointer, then
/// `/inputParameters/...`. Pointers are built only for those strings.
pub fn input_expression_strings<'a>(
    input: &'a serde_json::Map<String, Value>,
    task_pointer: &str,
) -> Vec<(String, &'a str)> {
    let mut found = Vec::new();
    let mut pointer = format!("{task_pointer}/inputParameters");
    for (key, value) in input {
        let length = pointer.len();
        push_segment(&mut pointer, key);
        strings_with_expressions(value, &mut pointer, &mut |pointer, text| {
            found.push((pointer.to_owned(), text));
        });
        pointer.truncate(length);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<&str> {
        registration_paths(text)
            .into_iter()
            .map(|p| p.path)
            .collect()
    }

    #[test]
    fn splits_like_the_server() {
        assert_eq!(paths("${workflow.input.a}"), ["workflow.input.a"]);
        assert_eq!(
            paths("Hi ${a.output.x} and ${b.input}!"),
            ["a.output.x", "b.input"]
        );
        assert_eq!(paths("$${escaped} ${real}"), ["real"]);
        assert_eq!(paths("${a}${b}"), ["a", "b"]);
        // Nested: the inner expression is a piece of its own; the outer is cut at the first `}`.
        assert_eq!(
            paths("${workflow.input.${workflow.input.key}}"),
            ["workflow.input.key"]
        );
        assert_eq!(paths("no expression"), Vec::<&str>::new());
        assert_eq!(paths("${}"), [""]);
    }

    #[test]
    fn validity_follows_jayway() {
        assert_eq!(path_syntax_error("workflow.input.x"), None);
        assert_eq!(path_syntax_error(" workflow.input.x "), None);
        assert_eq!(
            path_syntax_error("t.output.list[?(@.status == 'OPEN')].id"),
            None
        );
        assert_eq!(path_syntax_error("t.output['my key']"), None);
        assert!(path_syntax_error("workflow.input. name").is_some());
        assert!(path_syntax_error("workflow.input.").is_some());
        assert!(path_syntax_error("t.output[0").is_some());
    }

    #[test]
    fn ranges_point_at_the_path() {
        let text = "x ${t1.output}";
        let found = registration_paths(text);
        assert_eq!(&text[found[0].range.clone()], "t1.output");
    }
}
