//! Parsing the Jayway JSONPath inside `${...}` (contract §6.3): dot and bracket notation,
//! indexes, slices, unions, `*`, `..`, filters and functions such as `length()`, with the
//! implicit `$.` the server adds, surrounding whitespace tolerated, and nested `${...}` as
//! properties known only at run time (§6.6).
//!
//! A hand-written parser rather than an RFC 9535 crate: those reject Jayway's `.length()`,
//! `=~` and `in` (crates.md §3.8), and this one gives every segment its exact range.

use std::borrow::Cow;
use std::ops::Range;

use super::lexer::find_expressions;
use super::tree::{Body, Expression, Path, Segment, SegmentKind, SyntaxError};

/// How deeply expressions may nest before the parser stops descending (style.md §6).
const MAX_NESTING: usize = 16;

/// Parses the expression `text[range]` (a `${...}` found by the lexer), whose string is
/// `text`.
pub fn parse_expression(text: &str, range: Range<usize>) -> Expression<'_> {
    parse_at_depth(text, range, 0)
}

fn parse_at_depth(text: &str, range: Range<usize>, depth: usize) -> Expression<'_> {
    let inner = range.start + 2..range.end.saturating_sub(1).max(range.start + 2);
    let whole_value = range.start == 0 && range.end == text.len();
    let nested_ranges = if depth < MAX_NESTING {
        find_expressions(text, inner.clone()).expressions
    } else {
        Vec::new()
    };
    let nested: Vec<Expression> = nested_ranges
        .iter()
        .map(|nested| parse_at_depth(text, nested.clone(), depth + 1))
        .collect();
    let body = parse_body(text, inner.clone(), &nested_ranges);
    Expression {
        range,
        inner,
        whole_value,
        body,
        nested,
    }
}

fn parse_body<'a>(text: &'a str, inner: Range<usize>, nested: &[Range<usize>]) -> Body<'a> {
    let Some(slice) = text.get(inner.clone()) else {
        return Body::Empty;
    };
    let leading = slice.len() - slice.trim_start().len();
    let trailing = slice.len() - slice.trim_end().len();
    if slice.trim().is_empty() {
        return Body::Empty;
    }
    let path_range = inner.start + leading..inner.end - trailing;
    match parse_path_in(text, path_range, nested) {
        Ok(path) => Body::Path(path),
        Err(error) => Body::Invalid(error),
    }
}

/// Parses the JSONPath `text[range]` (no `${` and `}` around it, no surrounding whitespace),
/// as the registration check hands a path to Jayway. Ranges are into `text`.
pub fn parse_path(text: &str, range: Range<usize>) -> Result<Path<'_>, SyntaxError> {
    let nested = find_expressions(text, range.clone()).expressions;
    parse_path_in(text, range, &nested)
}

fn parse_path_in<'a>(
    text: &'a str,
    range: Range<usize>,
    nested: &[Range<usize>],
) -> Result<Path<'a>, SyntaxError> {
    let mut parser = PathParser {
        text,
        position: range.start,
        end: range.end,
        nested,
    };
    let (segments, explicit_root) = parser.path()?;
    Ok(Path {
        segments,
        explicit_root,
        text: range,
    })
}

struct PathParser<'a, 'n> {
    text: &'a str,
    position: usize,
    end: usize,
    nested: &'n [Range<usize>],
}

type Parsed<T> = Result<T, SyntaxError>;

fn error(message: impl Into<String>, range: Range<usize>) -> SyntaxError {
    SyntaxError {
        message: message.into(),
        range,
    }
}

impl<'a> PathParser<'a, '_> {
    fn peek(&self) -> Option<char> {
        if self.position >= self.end {
            return None;
        }
        // Paths are nearly always ASCII: skip the UTF-8 decoding then.
        let byte = *self.text.as_bytes().get(self.position)?;
        if byte.is_ascii() {
            return Some(char::from(byte));
        }
        self.text.get(self.position..self.end)?.chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text
            .get(self.position + offset..self.end)?
            .chars()
            .next()
    }

    fn bump(&mut self) -> Option<char> {
        let next = self.peek()?;
        self.position += next.len_utf8();
        Some(next)
    }

    fn nested_at(&self, position: usize) -> Option<Range<usize>> {
        self.nested
            .iter()
            .find(|range| range.start == position)
            .cloned()
    }

    fn char_range(&self) -> Range<usize> {
        let width = self.peek().map(char::len_utf8).unwrap_or(0);
        self.position..self.position + width
    }

    fn path(&mut self) -> Parsed<(Vec<Segment<'a>>, bool)> {
        let mut segments = Vec::new();
        let mut explicit_root = false;
        if self.peek() == Some('$') && self.nested_at(self.position).is_none() {
            explicit_root = true;
            self.bump();
            match self.peek() {
                None => return Ok((segments, explicit_root)),
                Some('.') if self.peek_at(1) != Some('.') => {
                    self.bump();
                    segments.push(self.dot_member()?);
                }
                Some('.' | '[') => {}
                Some(_) => {
                    return Err(error("expected `.` or `[` after `$`", self.char_range()));
                }
            }
        } else if self.peek() == Some('[') {
            segments.push(self.bracket()?);
        } else {
            segments.push(self.dot_member()?);
        }
        while let Some(next) = self.peek() {
            match next {
                '.' if self.peek_at(1) == Some('.') => {
                    let start = self.position;
                    self.position += 2;
                    segments.push(Segment {
                        kind: SegmentKind::DeepScan,
                        range: start..self.position,
                    });
                    if self.peek() == Some('[') {
                        segments.push(self.bracket()?);
                    } else {
                        segments.push(self.dot_member()?);
                    }
                }
                '.' => {
                    self.bump();
                    segments.push(self.dot_member()?);
                }
                '[' => segments.push(self.bracket()?),
                c if c.is_whitespace() => {
                    return Err(error(
                        "whitespace inside a path; use bracket notation for a key with spaces: `['my key']`",
                        self.char_range(),
                    ));
                }
                other => {
                    return Err(error(
                        format!("unexpected `{other}`; expected `.` or `[`"),
                        self.char_range(),
                    ));
                }
            }
        }
        Ok((segments, explicit_root))
    }

    /// A property name, `*`, a nested expression or a function call after `.` (or at the
    /// start of the path).
    fn dot_member(&mut self) -> Parsed<Segment<'a>> {
        let start = self.position;
        if let Some(nested) = self.nested_at(start) {
            self.position = nested.end;
            // A nested expression may be followed by more name characters: `a${b}c`.
            self.name_chars();
            return Ok(Segment {
                kind: SegmentKind::Dynamic,
                range: start..self.position,
            });
        }
        match self.peek() {
            None => {
                return Err(error(
                    "the path ends with `.`; expected a property name",
                    start.saturating_sub(1)..start,
                ));
            }
            Some('*') => {
                self.bump();
                return Ok(Segment {
                    kind: SegmentKind::Wildcard,
                    range: start..self.position,
                });
            }
            Some('.') => {
                return Err(error(
                    "expected a property name, found `.`",
                    self.char_range(),
                ));
            }
            Some(c) if c.is_whitespace() => {
                return Err(error(
                    "whitespace inside a path; use bracket notation for a key with spaces: `['my key']`",
                    self.char_range(),
                ));
            }
            Some(c) if !is_name_char(c) => {
                return Err(error(
                    format!("expected a property name, found `{c}`"),
                    self.char_range(),
                ));
            }
            Some(_) => {}
        }
        let dynamic = self.name_chars();
        let range = start..self.position;
        if dynamic {
            return Ok(Segment {
                kind: SegmentKind::Dynamic,
                range,
            });
        }
        let name = Cow::Borrowed(self.text.get(range.clone()).unwrap_or_default());
        if self.peek() == Some('(') {
            self.balanced('(', ')')?;
            return Ok(Segment {
                kind: SegmentKind::Function(name),
                range: start..self.position,
            });
        }
        Ok(Segment {
            kind: SegmentKind::Name(name),
            range,
        })
    }

    /// Consumes name characters (and nested expressions inside a name); returns whether a
    /// nested expression was part of it.
    fn name_chars(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let mut dynamic = false;
        while self.position < self.end {
            let Some(&byte) = bytes.get(self.position) else {
                break;
            };
            if byte == b'$'
                && let Some(nested) = self.nested_at(self.position)
            {
                self.position = nested.end;
                dynamic = true;
                continue;
            }
            if byte.is_ascii() {
                if !is_name_char(char::from(byte)) {
                    break;
                }
                self.position += 1;
                continue;
            }
            match self.peek() {
                Some(c) if is_name_char(c) => {
                    self.bump();
                }
                _ => break,
            }
        }
        dynamic
    }

    /// Consumes a balanced `open ... close` group, skipping quoted strings.
    fn balanced(&mut self, open: char, close: char) -> Parsed<()> {
        let start = self.position;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                '\'' | '"' => {
                    self.quoted()?;
                    continue;
                }
                c if c == open => depth += 1,
                c if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.bump();
        }
        Err(error(format!("unclosed `{open}`"), start..start + 1))
    }

    /// A quoted key: `'a'` or `"a"`, with backslash escapes. Returns its content, borrowed
    /// unless it had escapes.
    fn quoted(&mut self) -> Parsed<Cow<'a, str>> {
        let start = self.position;
        let Some(quote) = self.bump() else {
            return Err(error("expected a quoted key", start..start));
        };
        let content_start = self.position;
        let mut unescaped: Option<String> = None;
        while let Some(c) = self.bump() {
            if c == quote {
                let end = self.position - quote.len_utf8();
                return Ok(match unescaped {
                    Some(content) => Cow::Owned(content),
                    None => Cow::Borrowed(self.text.get(content_start..end).unwrap_or_default()),
                });
            }
            if c == '\\' {
                let content = unescaped.get_or_insert_with(|| {
                    self.text
                        .get(content_start..self.position - 1)
                        .unwrap_or_default()
                        .to_owned()
                });
                if let Some(escaped) = self.bump() {
                    content.push(escaped);
                }
                continue;
            }
            if let Some(content) = unescaped.as_mut() {
                content.push(c);
            }
        }
        Err(error(
            format!("unclosed quote `{quote}`"),
            start..start + quote.len_utf8(),
        ))
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// `[...]`: quoted keys, indexes, a slice, `*` or a filter.
    fn bracket(&mut self) -> Parsed<Segment<'a>> {
        let start = self.position;
        self.bump();
        self.skip_whitespace();
        let kind = match self.peek() {
            None => return Err(error("unclosed `[`", start..start + 1)),
            Some(']') => return Err(error("empty brackets `[]`", start..self.position + 1)),
            Some('*') => {
                self.bump();
                SegmentKind::Wildcard
            }
            Some('?') => {
                self.bump();
                self.skip_whitespace();
                if self.peek() != Some('(') {
                    return Err(error(
                        "expected `(` after `?`: a filter is written `[?(@.key == 1)]`",
                        self.char_range(),
                    ));
                }
                let filter_start = self.position;
                self.balanced('(', ')')?;
                let content = self
                    .text
                    .get(filter_start + 1..self.position - 1)
                    .unwrap_or_default();
                if content.trim().is_empty() {
                    return Err(error("empty filter", filter_start..self.position));
                }
                SegmentKind::Filter
            }
            Some('\'' | '"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_whitespace();
                    if self.peek() != Some(',') {
                        break;
                    }
                    self.bump();
                    self.skip_whitespace();
                    if !matches!(self.peek(), Some('\'' | '"')) {
                        return Err(error("expected a quoted key after `,`", self.char_range()));
                    }
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    SegmentKind::Name(names.pop().unwrap_or_default())
                } else {
                    SegmentKind::Names(names)
                }
            }
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.indexes()?,
            Some(_) if self.nested_at(self.position).is_some() => {
                if let Some(nested) = self.nested_at(self.position) {
                    self.position = nested.end;
                }
                SegmentKind::Dynamic
            }
            Some(c) => {
                return Err(error(
                    format!(
                        "unexpected `{c}` in brackets; expected a quoted key, an index, `*` or a filter"
                    ),
                    self.char_range(),
                ));
            }
        };
        self.skip_whitespace();
        match self.peek() {
            Some(']') => {
                self.bump();
                Ok(Segment {
                    kind,
                    range: start..self.position,
                })
            }
            None => Err(error("unclosed `[`", start..start + 1)),
            Some(c) => Err(error(
                format!("expected `]`, found `{c}`"),
                self.char_range(),
            )),
        }
    }

    /// Indexes `0`, `-1`, `0,2` or a slice `1:3`, `:2`, `::2`.
    fn indexes(&mut self) -> Parsed<SegmentKind<'a>> {
        let mut slice = false;
        let mut expect_number = true;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some('-') => {
                    self.bump();
                    if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        return Err(error("expected a digit after `-`", self.char_range()));
                    }
                }
                Some(c) if c.is_ascii_digit() => {
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.bump();
                    }
                    expect_number = false;
                }
                Some(':') => {
                    self.bump();
                    slice = true;
                    expect_number = false;
                }
                Some(',') if !slice && !expect_number => {
                    self.bump();
                    expect_number = true;
                }
                _ => break,
            }
        }
        if expect_number {
            return Err(error("expected an index", self.char_range()));
        }
        Ok(if slice {
            SegmentKind::Slice
        } else {
            SegmentKind::Index
        })
    }
}

/// Characters allowed in a property name in dot notation. Jayway also accepts hyphens and
/// leading digits there (contract §6.3).
fn is_name_char(c: char) -> bool {
    !(c.is_whitespace()
        || matches!(
            c,
            '.' | '[' | ']' | '(' | ')' | '\'' | '"' | '{' | '}' | ',' | '*' | '?' | '@'
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text` as one whole expression and describes its segments as `kind:text`.
    fn check(text: &str, expected: &[&str]) {
        let expression = parse_expression(text, 0..text.len());
        let Body::Path(path) = &expression.body else {
            panic!("{text}: {:?}", expression.body);
        };
        let described: Vec<String> = path
            .segments
            .iter()
            .map(|segment| {
                let kind = match &segment.kind {
                    SegmentKind::Name(name) => format!("name({name})"),
                    SegmentKind::Names(names) => format!("names({})", names.join(",")),
                    SegmentKind::Index => "index".to_owned(),
                    SegmentKind::Slice => "slice".to_owned(),
                    SegmentKind::Wildcard => "wildcard".to_owned(),
                    SegmentKind::DeepScan => "deep".to_owned(),
                    SegmentKind::Filter => "filter".to_owned(),
                    SegmentKind::Function(name) => format!("fn({name})"),
                    SegmentKind::Dynamic => "dynamic".to_owned(),
                };
                format!("{kind}:{}", &text[segment.range.clone()])
            })
            .collect();
        assert_eq!(described, expected, "{text}");
    }

    fn check_error(text: &str, message: &str, at: &str) {
        let expression = parse_expression(text, 0..text.len());
        let Body::Invalid(error) = &expression.body else {
            panic!("{text}: expected an error, got {:?}", expression.body);
        };
        assert!(error.message.contains(message), "{text}: {}", error.message);
        assert_eq!(&text[error.range.clone()], at, "{text}");
    }

    #[test]
    fn dot_and_bracket_notation() {
        check(
            "${workflow.input.x}",
            &["name(workflow):workflow", "name(input):input", "name(x):x"],
        );
        check(
            "${t1.output['a.b']}",
            &["name(t1):t1", "name(output):output", "name(a.b):['a.b']"],
        );
        check(
            "${['my ref'].output}",
            &["name(my ref):['my ref']", "name(output):output"],
        );
        check(
            "${my-task.output.1.inner}",
            &[
                "name(my-task):my-task",
                "name(output):output",
                "name(1):1",
                "name(inner):inner",
            ],
        );
        check(
            "${ workflow.input.x }",
            &["name(workflow):workflow", "name(input):input", "name(x):x"],
        );
        check(
            "${$.workflow.input}",
            &["name(workflow):workflow", "name(input):input"],
        );
    }

    #[test]
    fn indexes_wildcards_filters_functions() {
        check(
            "${t.output.items[*].id}",
            &[
                "name(t):t",
                "name(output):output",
                "name(items):items",
                "wildcard:[*]",
                "name(id):id",
            ],
        );
        check(
            "${t.output.items[?(@.ok == true)].id}",
            &[
                "name(t):t",
                "name(output):output",
                "name(items):items",
                "filter:[?(@.ok == true)]",
                "name(id):id",
            ],
        );
        check(
            "${t.output.list[0,2][1:3][-1]}",
            &[
                "name(t):t",
                "name(output):output",
                "name(list):list",
                "index:[0,2]",
                "slice:[1:3]",
                "index:[-1]",
            ],
        );
        check(
            "${t.output..id}",
            &["name(t):t", "name(output):output", "deep:..", "name(id):id"],
        );
        check(
            "${t.output.list.length()}",
            &[
                "name(t):t",
                "name(output):output",
                "name(list):list",
                "fn(length):length()",
            ],
        );
        check(
            "${t.output['a','b']}",
            &["name(t):t", "name(output):output", "names(a,b):['a','b']"],
        );
        check(
            "${t.output[?(@.name =~ /a.*/)]}",
            &[
                "name(t):t",
                "name(output):output",
                "filter:[?(@.name =~ /a.*/)]",
            ],
        );
    }

    #[test]
    fn nested_expressions_are_dynamic() {
        let text = "${workflow.input.${workflow.input.key}}";
        check(
            text,
            &[
                "name(workflow):workflow",
                "name(input):input",
                "dynamic:${workflow.input.key}",
            ],
        );
        let expression = parse_expression(text, 0..text.len());
        assert_eq!(expression.nested.len(), 1);
        assert_eq!(
            &text[expression.nested[0].range.clone()],
            "${workflow.input.key}"
        );
    }

    #[test]
    fn syntax_errors_point_at_the_fault() {
        check_error("${workflow.input.}", "ends with `.`", ".");
        check_error("${workflow..}", "ends with `.`", ".");
        check_error("${a.b c}", "whitespace", " ");
        check_error("${a.output[0}", "unclosed `[`", "[");
        check_error("${a.output[0 x]}", "expected `]`", "x");
        check_error("${a.output['x}", "unclosed quote", "'");
        check_error("${a.output[]}", "empty brackets", "[]");
        check_error("${a.output[?@.x]}", "expected `(`", "@");
        check_error("${a.output[abc]}", "unexpected `a`", "a");
    }

    #[test]
    fn empty_and_whole_value() {
        let empty = parse_expression("${ }", 0..4);
        assert_eq!(empty.body, Body::Empty);
        assert!(empty.whole_value);
        let text = "x ${a}";
        let embedded = parse_expression(text, 2..6);
        assert!(!embedded.whole_value);
    }
}
