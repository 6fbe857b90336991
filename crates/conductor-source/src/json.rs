//! JSON text to a JSON value plus the same span tree as the YAML loader's.
//!
//! A `.json` file is read by a JSON parser, not as YAML: JSON is nearly a subset of YAML 1.2,
//! but not quite. A YAML parser refuses what every JSON parser accepts (a surrogate pair such
//! as `"\ud83d\udd39"`, the usual way to write an emoji in JSON), and accepts what no JSON
//! parser does (anchors and aliases, comments, single quotes, plain words), so a file that the
//! server's own parser (Jackson) would refuse could be imported, and the reverse.
//!
//! [`parse_json`] returns the value and a [`Node`] tree of the shape [`crate::yaml::parse_yaml`]
//! gives (strings are double-quoted scalars, other scalars plain ones, spans are byte ranges
//! into the text, keys keep their quotes), so everything that reads spans (JSON pointers,
//! offsets inside a decoded string) works on either. Problems are data; parsing never fails,
//! never panics, and recurses no deeper than [`MAX_DEPTH`].

use std::ops::Range;

use serde_json::{Map, Value};

use crate::yaml::{Document, Entry, MAX_DEPTH, Node, NodeKind, Scalar, ScalarStyle};

/// The result of [`parse_json`].
#[derive(Debug, Clone, Default)]
pub struct ParsedJson {
    /// The value, unless a syntax error stopped the parse.
    pub document: Option<Document>,
    /// Problems in the input, in source order.
    pub problems: Vec<JsonProblem>,
}

/// A problem in the JSON input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonProblem {
    /// What is wrong.
    pub kind: JsonProblemKind,
    /// Where (bytes, on char boundaries); for a syntax error, the character where the parser
    /// stopped (zero-width at the end of the text).
    pub span: Range<usize>,
    /// A second place worth showing, with its label: the first definition of a duplicate key.
    pub related: Option<(Range<usize>, &'static str)>,
}

/// The kinds of [`JsonProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonProblemKind {
    /// The text is not valid JSON; the parse stopped here.
    Syntax {
        /// What the parser expected or found.
        message: String,
        /// How to fix it, for the mistakes where that is known.
        help: Option<&'static str>,
    },
    /// A key appears twice in one object; the first value is kept (as the YAML loader does).
    /// `related` is the first key.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// Arrays and objects nest deeper than [`MAX_DEPTH`]; the value is `null`.
    TooDeep,
    /// An integer that fits neither `i64` nor `u64`; the value is the text.
    IntegerOutOfRange {
        /// The number's text.
        text: String,
    },
    /// A number too large for `f64`; the value is the text.
    NotRepresentable {
        /// The number's text.
        text: String,
    },
}

impl JsonProblemKind {
    /// The message: lower case, no trailing period, the user's text in backticks.
    pub fn message(&self) -> String {
        match self {
            JsonProblemKind::Syntax { message, .. } => message.clone(),
            JsonProblemKind::DuplicateKey { key } => format!("duplicate key `{key}`"),
            JsonProblemKind::TooDeep => format!("nesting is deeper than {MAX_DEPTH} levels"),
            JsonProblemKind::IntegerOutOfRange { text } => {
                format!("integer `{text}` does not fit in 64 bits")
            }
            JsonProblemKind::NotRepresentable { text } => {
                format!("`{text}` is too large for a 64-bit float")
            }
        }
    }

    /// A short label for the primary span.
    pub fn label(&self) -> &'static str {
        match self {
            JsonProblemKind::Syntax { .. } => "here",
            JsonProblemKind::DuplicateKey { .. } => "duplicate key",
            JsonProblemKind::TooDeep => "too deep",
            JsonProblemKind::IntegerOutOfRange { .. } => "out of range",
            JsonProblemKind::NotRepresentable { .. } => "out of range",
        }
    }

    /// How to fix it, when there is one thing to say.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            JsonProblemKind::Syntax { help, .. } => *help,
            JsonProblemKind::DuplicateKey { .. } => Some("remove one of the two entries"),
            JsonProblemKind::TooDeep => Some("flatten the structure"),
            JsonProblemKind::IntegerOutOfRange { .. }
            | JsonProblemKind::NotRepresentable { .. } => Some("write the number as a string"),
        }
    }
}

/// Parses one JSON value (RFC 8259), with whitespace and an optional byte order mark around it.
pub fn parse_json(text: &str) -> ParsedJson {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        problems: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        parser.pos = '\u{feff}'.len_utf8();
    }
    let document = parser.document();
    ParsedJson {
        document,
        problems: parser.problems,
    }
}

/// A syntax error: where the parse stopped, and why.
struct Stop;

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    problems: Vec<JsonProblem>,
}

impl Parser<'_> {
    fn document(&mut self) -> Option<Document> {
        self.skip_whitespace();
        let start = self.pos;
        let (value, root) = self.value(0).ok()?;
        let end = root.span.end;
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            let help = self.help_for_unexpected();
            self.syntax(
                "unexpected text after the JSON value".to_owned(),
                help.or(Some("a JSON file holds one value; put several in a list")),
            );
            return None;
        }
        Some(Document {
            value,
            root,
            span: start..end,
        })
    }

    fn value(&mut self, depth: usize) -> Result<(Value, Node), Stop> {
        match self.bytes.get(self.pos) {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => {
                let start = self.pos;
                self.skip_nested()?;
                self.problems.push(JsonProblem {
                    kind: JsonProblemKind::TooDeep,
                    span: start..start + 1,
                    related: None,
                });
                Ok((
                    Value::Null,
                    self.scalar_node(start..self.pos, ScalarStyle::Plain),
                ))
            }
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let (string, span) = self.string()?;
                let node = self.scalar_node(span, ScalarStyle::DoubleQuoted);
                Ok((Value::String(string), node))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => {
                let help = self.help_for_unexpected();
                Err(self.syntax(
                    format!("expected a JSON value, found {}", self.found()),
                    help,
                ))
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<(Value, Node), Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut map = Map::new();
        let mut entries: Vec<Entry> = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok((
                Value::Object(map),
                self.collection_node(start, NodeKind::Mapping(entries)),
            ));
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.pos) != Some(&b'"') {
                let trailing_comma = !entries.is_empty() && self.bytes.get(self.pos) == Some(&b'}');
                let help = if trailing_comma {
                    Some("JSON allows no comma before `}`")
                } else {
                    self.help_for_unexpected()
                };
                return Err(self.syntax(
                    format!("expected a key in double quotes, found {}", self.found()),
                    help,
                ));
            }
            let (key, key_span) = self.string()?;
            self.skip_whitespace();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.syntax(
                    format!("expected `:` after the key, found {}", self.found()),
                    None,
                ));
            }
            self.pos += 1;
            self.skip_whitespace();
            let (value, node) = self.value(depth + 1)?;
            if let Some(first) = entries.iter().find(|entry| entry.key == key) {
                self.problems.push(JsonProblem {
                    kind: JsonProblemKind::DuplicateKey { key },
                    span: key_span,
                    related: Some((first.key_span.clone(), "first defined here")),
                });
            } else {
                map.insert(key.clone(), value);
                entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                });
            }
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let node = self.collection_node(start, NodeKind::Mapping(entries));
                    return Ok((Value::Object(map), node));
                }
                _ => {
                    return Err(self.syntax(
                        format!("expected `,` or `}}` after a value, found {}", self.found()),
                        self.help_for_unexpected(),
                    ));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(Value, Node), Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut values = Vec::new();
        let mut nodes = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok((
                Value::Array(values),
                self.collection_node(start, NodeKind::Sequence(nodes)),
            ));
        }
        loop {
            self.skip_whitespace();
            if !values.is_empty() && self.bytes.get(self.pos) == Some(&b']') {
                return Err(self.syntax(
                    "expected a JSON value, found `]`".to_owned(),
                    Some("JSON allows no comma before `]`"),
                ));
            }
            let (value, node) = self.value(depth + 1)?;
            values.push(value);
            nodes.push(node);
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    let node = self.collection_node(start, NodeKind::Sequence(nodes));
                    return Ok((Value::Array(values), node));
                }
                _ => {
                    return Err(self.syntax(
                        format!("expected `,` or `]` after a value, found {}", self.found()),
                        self.help_for_unexpected(),
                    ));
                }
            }
        }
    }

    /// A string at `pos` (its opening quote): the decoded text and the span, quotes included.
    fn string(&mut self) -> Result<(String, Range<usize>), Stop> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the run of characters that need no decoding in one go.
            let run_start = self.pos;
            while let Some(&byte) = self.bytes.get(self.pos) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run ends at an ASCII byte or at the end, both char boundaries.
            out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok((out, start..self.pos));
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return Err(self.syntax(
                        "a control character in a string must be escaped".to_owned(),
                        Some("write a line break as `\\n` and a tab as `\\t`"),
                    ));
                }
                None => {
                    self.pos = start;
                    return Err(self.syntax_at(
                        start..start + 1,
                        "the string is not closed".to_owned(),
                        Some("end it with `\"`"),
                    ));
                }
            }
        }
    }

    /// The escape at `pos` (a backslash); a `\u` escape of a leading surrogate takes the
    /// trailing one after it, as JSON writes characters beyond the Basic Multilingual Plane.
    fn escape(&mut self) -> Result<char, Stop> {
        let start = self.pos;
        let simple = match self.bytes.get(start + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let Some(first) = self.hex4(start) else {
                    let end = self.char_end(start + 1);
                    return Err(self.syntax_at(
                        start..end,
                        "`\\u` must be followed by four hex digits".to_owned(),
                        None,
                    ));
                };
                self.pos = start + 6;
                if (0xd800..0xdc00).contains(&first) {
                    let second = self
                        .hex4(self.pos)
                        .filter(|second| (0xdc00..0xe000).contains(second));
                    let Some(second) = second else {
                        return Err(self.syntax_at(
                            start..start + 6,
                            "a leading surrogate escape must be followed by a trailing one"
                                .to_owned(),
                            Some("write the character as a pair such as `\\ud83d\\udd39`, or as itself"),
                        ));
                    };
                    self.pos += 6;
                    let code = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                    return char::from_u32(code).ok_or(Stop);
                }
                return char::from_u32(first).ok_or_else(|| {
                    self.syntax_at(
                        start..start + 6,
                        "a trailing surrogate escape without a leading one".to_owned(),
                        None,
                    )
                });
            }
            _ => {
                let end = self.char_end(start + 1);
                return Err(self.syntax_at(
                    start..end,
                    format!(
                        "`{}` is not a JSON escape",
                        self.text.get(start..end).unwrap_or("\\")
                    ),
                    Some(
                        "JSON escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`",
                    ),
                ));
            }
        };
        self.pos = start + 2;
        Ok(simple)
    }

    /// The code unit of the `\uXXXX` escape at `at`, if there is one.
    fn hex4(&self, at: usize) -> Option<u32> {
        if self.bytes.get(at..at + 2) != Some(b"\\u") {
            return None;
        }
        self.bytes
            .get(at + 2..at + 6)
            .filter(|digits| digits.iter().all(u8::is_ascii_hexdigit))
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
    }

    fn number(&mut self) -> Result<(Value, Node), Stop> {
        let start = self.pos;
        let digits = |parser: &mut Self| {
            let from = parser.pos;
            while parser.bytes.get(parser.pos).is_some_and(u8::is_ascii_digit) {
                parser.pos += 1;
            }
            parser.pos - from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = digits(self);
        if int_digits == 0 {
            return Err(self.syntax(format!("expected a digit, found {}", self.found()), None));
        }
        if int_digits > 1 && self.bytes.get(int_start) == Some(&b'0') {
            self.pos = int_start;
            return Err(self.syntax(
                "a JSON number has no leading zero".to_owned(),
                Some("remove the leading zero, or write the value as a string"),
            ));
        }
        let mut float = false;
        if self.bytes.get(self.pos) == Some(&b'.') {
            float = true;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.syntax(
                    format!("expected a digit after `.`, found {}", self.found()),
                    None,
                ));
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax(
                    format!("expected a digit in the exponent, found {}", self.found()),
                    None,
                ));
            }
        }
        let span = start..self.pos;
        let text = self.text.get(span.clone()).unwrap_or_default();
        let parsed = if float {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        } else if let Ok(int) = text.parse::<i64>() {
            Some(int.into())
        } else {
            text.parse::<u64>().ok().map(Into::into)
        };
        let value = match parsed {
            Some(number) => Value::Number(number),
            None => {
                let kind = if float {
                    JsonProblemKind::NotRepresentable {
                        text: text.to_owned(),
                    }
                } else {
                    JsonProblemKind::IntegerOutOfRange {
                        text: text.to_owned(),
                    }
                };
                self.problems.push(JsonProblem {
                    kind,
                    span: span.clone(),
                    related: None,
                });
                Value::String(text.to_owned())
            }
        };
        Ok((value, self.scalar_node(span, ScalarStyle::Plain)))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<(Value, Node), Stop> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) != Some(word.as_bytes())
            || self
                .bytes
                .get(start + word.len())
                .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
        {
            let end = self.word_end(start);
            let found = self.text.get(start..end).unwrap_or_default().to_owned();
            return Err(self.syntax_at(
                start..end,
                format!("expected a JSON value, found `{found}`"),
                Some("write a string in double quotes; the words JSON knows are `true`, `false` and `null`"),
            ));
        }
        self.pos += word.len();
        Ok((value, self.scalar_node(start..self.pos, ScalarStyle::Plain)))
    }

    /// Skips a collection nested too deep, without recursion; strings are skipped whole, so
    /// brackets inside them do not count. Its syntax is not checked.
    fn skip_nested(&mut self) -> Result<(), Stop> {
        let start = self.pos;
        let mut open = 0usize;
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b'{' | b'[' => open += 1,
                b'}' | b']' => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                b'"' => {
                    self.string()?;
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.syntax_at(start..start + 1, "this is never closed".to_owned(), None))
    }

    fn scalar_node(&self, span: Range<usize>, style: ScalarStyle) -> Node {
        Node {
            span: span.clone(),
            kind: NodeKind::Scalar(Scalar {
                style,
                source: span,
                block_indent: None,
            }),
            alias_of: None,
        }
    }

    fn collection_node(&self, start: usize, kind: NodeKind) -> Node {
        Node {
            span: start..self.pos,
            kind,
            alias_of: None,
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The end of the character at `pos` (`pos` itself at the end of the text).
    fn char_end(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|rest| rest.chars().next())
            .map_or(pos, |c| pos + c.len_utf8())
    }

    /// The end of the word (letters, digits, `_`) at `pos`, at least one character.
    fn word_end(&self, pos: usize) -> usize {
        let rest = self.text.get(pos..).unwrap_or_default();
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            self.char_end(pos)
        } else {
            pos + len
        }
    }

    /// What is at `pos`, for a message: the character in backticks, or "the end of the file".
    fn found(&self) -> String {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) if c.is_alphanumeric() => {
                let end = self.word_end(self.pos);
                format!("`{}`", self.text.get(self.pos..end).unwrap_or_default())
            }
            Some(c) => format!("`{}`", c.escape_debug()),
            None => "the end of the file".to_owned(),
        }
    }

    /// Help for a character no JSON value starts with, when it is YAML or JavaScript's.
    fn help_for_unexpected(&self) -> Option<&'static str> {
        match self.bytes.get(self.pos) {
            Some(b'*' | b'&') => {
                Some("YAML anchors and aliases are not JSON: write the value out in full")
            }
            Some(b'#') => Some("JSON has no comments"),
            Some(b'/')
                if self
                    .bytes
                    .get(self.pos + 1)
                    .is_some_and(|b| *b == b'/' || *b == b'*') =>
            {
                Some("JSON has no comments")
            }
            Some(b'\'') => Some("JSON strings are in double quotes"),
            _ => None,
        }
    }

    /// Records a syntax error at the character at `pos`.
    fn syntax(&mut self, message: String, help: Option<&'static str>) -> Stop {
        let span = self.pos..self.char_end(self.pos);
        self.syntax_at(span, message, help)
    }

    fn syntax_at(
        &mut self,
        span: Range<usize>,
        message: String,
        help: Option<&'static str>,
    ) -> Stop {
        self.problems.push(JsonProblem {
            kind: JsonProblemKind::Syntax { message, help },
            span,
            related: None,
        });
        Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::scalar_source_range;

    /// Parses `text`, checks the value against serde_json's, and that every span of the tree is
    /// inside the text on char boundaries.
    fn parse_ok(text: &str) -> Document {
        let parsed = parse_json(text);
        assert_eq!(parsed.problems, vec![], "{text}");
        let document = parsed.document.expect("a document");
        let expected: Value =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("valid JSON");
        assert_eq!(document.value, expected, "{text}");
        fn spans_inside(text: &str, node: &Node) {
            assert!(text.get(node.span.clone()).is_some(), "{:?}", node.span);
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    for entry in entries {
                        assert!(text.get(entry.key_span.clone()).is_some());
                        spans_inside(text, &entry.value);
                    }
                }
                NodeKind::Sequence(items) => items.iter().for_each(|item| spans_inside(text, item)),
                NodeKind::Scalar(_) => {}
            }
        }
        spans_inside(text, &document.root);
        document
    }

    fn first_problem(text: &str) -> (String, Range<usize>, Option<&'static str>) {
        let parsed = parse_json(text);
        let problem = parsed.problems.first().expect("a problem").clone();
        (problem.kind.message(), problem.span, problem.kind.help())
    }

    #[test]
    fn values_match_serde_json() {
        for text in [
            "{}",
            "[]",
            " \n{\"a\": [1, -2, 3.5, 1e3, -0.25E-2, true, false, null, \"\"]}\n",
            "\u{feff}{\"k\": \"v\"}",
            r#"{"emoji": "\ud83d\udd39 x", "esc": "\"\\\/\b\f\n\r\t\u00e9", "utf8": "é🔹"}"#,
            "18446744073709551615",
            "-9223372036854775808",
            r#"{"nested": {"deep": [[{"x": [{}]}]]}}"#,
        ] {
            parse_ok(text);
        }
    }

    #[test]
    fn spans_are_those_of_the_yaml_loader() {
        let text = r#"{"tasks": [{"name": "a", "uri": "x\ud83d\udd39${workflow.input.id}"}]}"#;
        let document = parse_ok(text);
        let uri = document.lookup("/tasks/0/uri").expect("uri");
        assert_eq!(&text[uri.key_span.expect("key")], "\"uri\"");
        let value = document.value["tasks"][0]["uri"].as_str().expect("string");
        let start = value.find("${").expect("expression");
        let range = scalar_source_range(text, uri.node, start..value.len()).expect("range");
        assert_eq!(&text[range], "${workflow.input.id}");
        let before = scalar_source_range(text, uri.node, 1..start).expect("range");
        assert_eq!(&text[before], r"\ud83d\udd39");
    }

    #[test]
    fn syntax_errors_say_where_and_why() {
        let (message, span, _) = first_problem("{\"a\": 1,, \"b\": 2}");
        assert_eq!(
            (message.as_str(), span),
            ("expected a key in double quotes, found `,`", 8..9)
        );
        let (message, _, help) = first_problem(r#"{"a": &x "v", "b": *x}"#);
        assert_eq!(message, "expected a JSON value, found `&`");
        assert!(help.is_some_and(|help| help.contains("aliases")));
        let (_, _, help) = first_problem(r#"{"a": 1,}"#);
        assert_eq!(help, Some("JSON allows no comma before `}`"));
        let (message, span, _) = first_problem(r#"{"a": "\ud83d"}"#);
        assert_eq!(
            (message.as_str(), span),
            (
                "a leading surrogate escape must be followed by a trailing one",
                7..13
            )
        );
        let (message, span, _) = first_problem("{\"a\": \"x");
        assert_eq!((message.as_str(), span), ("the string is not closed", 6..7));
        let (message, _, _) = first_problem("{\"a\": yes}");
        assert_eq!(message, "expected a JSON value, found `yes`");
        let (message, _, _) = first_problem("{} {}");
        assert_eq!(message, "unexpected text after the JSON value");
        let (message, _, _) = first_problem("");
        assert_eq!(message, "expected a JSON value, found the end of the file");
        let (message, _, _) = first_problem("[01]");
        assert_eq!(message, "a JSON number has no leading zero");
        assert!(parse_json("{\"a\": \"\u{1}\"}").document.is_none());
    }

    #[test]
    fn duplicates_depth_and_numbers_are_problems_not_stops() {
        let parsed =
            parse_json(r#"{"a": 1, "a": 2, "big": 123456789012345678901234567890, "f": 1e999}"#);
        let kinds: Vec<_> = parsed
            .problems
            .iter()
            .map(|problem| problem.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            vec![
                JsonProblemKind::DuplicateKey {
                    key: "a".to_owned()
                },
                JsonProblemKind::IntegerOutOfRange {
                    text: "123456789012345678901234567890".to_owned()
                },
                JsonProblemKind::NotRepresentable {
                    text: "1e999".to_owned()
                },
            ]
        );
        let document = parsed.document.expect("a document");
        assert_eq!(document.value["a"], 1);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let parsed = parse_json(&deep);
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].kind, JsonProblemKind::TooDeep);
        assert!(parsed.document.is_some());
    }

    /// Every string's decoded text, as the scalar map rebuilds it from the source (what
    /// diagnostics inside a string rely on), equals the parsed value.
    fn strings_map_back(text: &str, value: &Value, node: &Node) {
        match (&node.kind, value) {
            (NodeKind::Scalar(scalar), Value::String(string)) => {
                let map = crate::yaml::ScalarSourceMap::from_scalar(text, scalar).expect("map");
                assert_eq!(map.decoded(), string);
            }
            (NodeKind::Mapping(entries), Value::Object(map)) => {
                for (entry, (key, value)) in entries.iter().zip(map) {
                    assert_eq!(&entry.key, key);
                    strings_map_back(text, value, &entry.value);
                }
            }
            (NodeKind::Sequence(items), Value::Array(values)) => {
                for (item, value) in items.iter().zip(values) {
                    strings_map_back(text, value, item);
                }
            }
            _ => {}
        }
    }

    #[test]
    #[allow(
        clippy::print_stderr,
        reason = "the skip message is for the person running the tests"
    )]
    fn shared_corpus_parses_like_serde_json() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if !corpus.is_dir() {
            eprintln!("skipped: {} does not exist", corpus.display());
            return;
        }
        let mut stack = vec![corpus];
        let mut checked = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|ext| ext == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let document = parse_ok(&text);
                    strings_map_back(&text, &document.value, &document.root);
                    checked += 1;
                }
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn escapes_map_back_to_the_source() {
        let text = r#"{"a": "\u00e9\ud83d\udd39\n\t\/\\ \"x\" é"}"#;
        let document = parse_ok(text);
        strings_map_back(text, &document.value, &document.root);
    }
}
