//! The server's registration-time check of `${...}` in top-level task inputs
//! (ConstraintParamUtil.java, contract §4.2 and §6.9), replicated exactly so that `check`
//! rejects what the server rejects: each string is split before every `${` not preceded by `$`
//! and after every `}`; a piece that starts with `${` and ends with `}` is a path; a path that
//! Jayway JSONPath cannot compile is invalid (whitespace in dot notation, a trailing `.`, an
//! unclosed bracket; see [`path_syntax_error`]); otherwise the text before its first `.` must
//! be `workflow` or a task reference anywhere in the workflow, unless the whole path is a
//! system parameter.

use std::ops::Range;

use serde_json::Value;

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
    let text = format!("${{{path}}}");
    match crate::expr::parser::parse_expression(&text, 0..text.len()).body {
        crate::expr::Body::Invalid(error) => Some(error.message),
        _ => None,
    }
}

/// Every string in a value, with the pointer suffix (from the value) that reaches it, visiting
/// maps and lists at any depth as the server does.
pub fn strings_in<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => out.push((pointer, text)),
        Value::Object(map) => {
            for (key, child) in map {
                let segment = key.replace('~', "~0").replace('/', "~1");
                strings_in(child, format!("{pointer}/{segment}"), out);
            }
        }
        Value::Array(items) => {
            for (idx, child) in items.iter().enumerate() {
                strings_in(child, format!("{pointer}/{idx}"), out);
            }
        }
        _ => {}
    }
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
