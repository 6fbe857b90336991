//! Finding `${...}` in a string the way the server's `ParametersUtils` does: an expression
//! starts at a `${` that is not preceded by `$` (contract §6.5: `$${` is an escape) and ends at
//! the `}` that balances its braces (§6.6: nesting). A `${` with no balancing `}` is left as it
//! is by the server (§6.5) and reported here as unterminated.

use std::ops::Range;

/// Where the expressions of one string are, before their paths are parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Each outermost `${...}`: the whole range, braces included.
    pub expressions: Vec<Range<usize>>,
    /// Each `${` with no balancing `}`: from the `${` to the end of the string.
    pub unterminated: Vec<Range<usize>>,
}

/// Whether `text` may hold an expression at all; a fast test that skips most strings.
pub fn may_contain_expression(text: &str) -> bool {
    text.contains("${")
}

/// Finds the outermost expressions of `text[range]`; ranges are into `text`.
pub fn find_expressions(text: &str, range: Range<usize>) -> Found {
    let bytes = text.as_bytes();
    let mut found = Found::default();
    let mut position = range.start;
    while position + 1 < range.end {
        let opens = bytes.get(position) == Some(&b'$') && bytes.get(position + 1) == Some(&b'{');
        if !opens {
            position += 1;
            continue;
        }
        let escaped = position > range.start && bytes.get(position - 1) == Some(&b'$');
        if escaped {
            position += 2;
            continue;
        }
        match balancing_brace(bytes, position + 1, range.end) {
            Some(close) => {
                found.expressions.push(position..close + 1);
                position = close + 1;
            }
            None => {
                found.unterminated.push(position..range.end);
                position += 2;
            }
        }
    }
    found
}

/// The offset of the `}` that balances the `{` at `open`, before `end`.
fn balancing_brace(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, byte) in bytes.get(open..end)?.iter().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> (Vec<&str>, Vec<&str>) {
        let found = find_expressions(text, 0..text.len());
        (
            found.expressions.iter().map(|r| &text[r.clone()]).collect(),
            found
                .unterminated
                .iter()
                .map(|r| &text[r.clone()])
                .collect(),
        )
    }

    #[test]
    fn finds_expressions_escapes_and_nesting() {
        assert_eq!(pieces("${a.b}").0, ["${a.b}"]);
        assert_eq!(pieces("x ${a} y ${b.c}!").0, ["${a}", "${b.c}"]);
        assert_eq!(pieces("$${a} ${b}").0, ["${b}"]);
        assert_eq!(pieces("${a}${b}").0, ["${a}", "${b}"]);
        assert_eq!(
            pieces("${workflow.input.${workflow.input.key}}").0,
            ["${workflow.input.${workflow.input.key}}"]
        );
        assert_eq!(pieces("${}").0, ["${}"]);
        assert_eq!(pieces("no expression $ { }").0, Vec::<&str>::new());
    }

    #[test]
    fn reports_unterminated() {
        assert_eq!(pieces("a ${abc"), (vec![], vec!["${abc"]));
        assert_eq!(pieces("${a ${b}"), (vec!["${b}"], vec!["${a ${b}"]));
    }
}
