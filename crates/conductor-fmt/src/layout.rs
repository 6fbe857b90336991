//! The layout pass: the span tree of `conductor-source`'s parser says where every key, scalar
//! and collection is; the text between them (indicators, properties, comments, line breaks) is
//! read again here, token by token, and written out in the canonical layout.
//!
//! The writer keeps a cursor in the source: everything before it has been written. Each node is
//! preceded by a *gap* of source text that holds only layout: `-`, `:`, anchors and tags,
//! comments, line breaks, document markers and directives. Anything else found in a gap is
//! reported as unsupported rather than guessed at.

use conductor_source::yaml::{
    Document, Entry, Node, NodeKind, Scalar, ScalarStyle, double_quoted, parse_yaml, plain_is_safe,
    single_quoted,
};
use serde_json::{Map, Value};

use crate::{FormatError, Hazard, Position, Problem};

/// The text to format, with a byte order mark removed and CRLF line breaks turned into LF (the
/// layout is computed on this text; CRLF is put back at the end).
pub(crate) struct Input {
    /// The normalised text.
    pub(crate) text: String,
    crlf: bool,
}

impl Input {
    pub(crate) fn normalise(text: &str) -> Result<Input, FormatError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let crlf = text
            .find('\n')
            .is_some_and(|at| at > 0 && text.as_bytes()[at - 1] == b'\r');
        let text = text.replace("\r\n", "\n");
        if let Some(at) = text.find('\r') {
            return Err(FormatError::Unsupported {
                at: Position::of(&text, at),
                what: "a carriage return that does not end a line (CRLF)".to_owned(),
            });
        }
        Ok(Input { text, crlf })
    }

    pub(crate) fn restore_line_breaks(&self, formatted: String) -> String {
        if self.crlf {
            formatted.replace('\n', "\r\n")
        } else {
            formatted
        }
    }
}

/// The canonical layout of the normalised text, not yet checked.
pub(crate) fn lay_out(input: &Input, hazard: Hazard) -> Result<String, FormatError> {
    let src = input.text.as_str();
    let parsed = parse_yaml(src);
    if !parsed.problems.is_empty() {
        return Err(FormatError::Yaml {
            problems: parsed
                .problems
                .iter()
                .map(|problem| Problem {
                    at: Position::of(src, problem.span.start),
                    message: problem.kind.message(),
                })
                .collect(),
        });
    }
    let mut writer = Writer::new(src, hazard);
    for document in &parsed.documents {
        writer.document(document)?;
    }
    writer.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Newline,
    Comment,
    Dash,
    Colon,
    /// An anchor (`&a`) or a tag (`!t`).
    Props,
    DocStart,
    DocEnd,
    Directive,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

/// A column in the source and the column it gets in the output.
type Columns = (usize, usize);

struct Writer<'s> {
    src: &'s str,
    hazard: Hazard,
    out: String,
    /// The output's last line has no line break yet.
    line_open: bool,
    /// The open line holds more than its indentation.
    line_has_text: bool,
    /// Everything before this byte of the source has been written.
    cursor: usize,
    /// A blank line is due before the next line.
    pending_blank: bool,
    /// The next line is the first of a block opened by the line before it (`key:`, `-`,
    /// `---`): blank lines before it are dropped.
    at_block_start: bool,
    /// The block collections open now, outermost first.
    open: Vec<Columns>,
    /// The block collections that were open when the last entry was written: where a comment
    /// after a nested block, deeper than what follows, belongs.
    last_chain: Vec<Columns>,
    /// Every trailing comment written: where its `#` is in the output, and its column in the
    /// source (for [`align_trailing_comments`]).
    trailing: Vec<(usize, usize)>,
}

fn is_blank_or_end(byte: Option<&u8>) -> bool {
    matches!(byte, None | Some(b' ' | b'\t' | b'\n'))
}

impl<'s> Writer<'s> {
    fn new(src: &'s str, hazard: Hazard) -> Self {
        Writer {
            src,
            hazard,
            out: String::with_capacity(src.len() + src.len() / 8),
            line_open: false,
            line_has_text: false,
            cursor: 0,
            pending_blank: false,
            at_block_start: false,
            open: Vec::new(),
            last_chain: Vec::new(),
            trailing: Vec::new(),
        }
    }

    fn unsupported(&self, at: usize, what: impl Into<String>) -> FormatError {
        FormatError::Unsupported {
            at: Position::of(self.src, at),
            what: what.into(),
        }
    }

    fn line_start(&self, pos: usize) -> usize {
        self.src[..pos].rfind('\n').map_or(0, |at| at + 1)
    }

    fn line_end(&self, pos: usize) -> usize {
        self.src[pos..]
            .find('\n')
            .map_or(self.src.len(), |at| pos + at)
    }

    fn column(&self, pos: usize) -> usize {
        pos - self.line_start(pos)
    }

    fn at_line_start(&self, pos: usize) -> bool {
        pos == 0 || self.src.as_bytes().get(pos - 1) == Some(&b'\n')
    }

    // --- output ---------------------------------------------------------------------------

    fn end_line(&mut self) {
        if !self.line_open {
            return;
        }
        if self.line_has_text {
            self.out.push('\n');
        } else {
            let keep = self.out.rfind('\n').map_or(0, |at| at + 1);
            self.out.truncate(keep);
        }
        self.line_open = false;
        self.line_has_text = false;
    }

    fn start_line(&mut self, column: usize) {
        self.end_line();
        if self.pending_blank && !self.at_block_start && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.pending_blank = false;
        self.at_block_start = false;
        self.out.extend(std::iter::repeat_n(' ', column));
        self.line_open = true;
        self.line_has_text = false;
    }

    /// Appends `text` to the open line, one space after what it holds.
    fn inline(&mut self, text: &str) {
        if self.line_has_text {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.line_has_text = true;
    }

    // --- gaps -------------------------------------------------------------------------------

    /// The layout tokens of `src[from..to]`, which must hold nothing else.
    fn tokens(&self, from: usize, to: usize) -> Result<Vec<Token>, FormatError> {
        let bytes = self.src.as_bytes();
        let mut tokens = Vec::new();
        let mut pos = from;
        let token = |kind, start, end| Token { kind, start, end };
        while pos < to {
            let byte = bytes[pos];
            let line_start = self.at_line_start(pos);
            match byte {
                b' ' | b'\t' => pos += 1,
                b'\n' => {
                    tokens.push(token(Tok::Newline, pos, pos + 1));
                    pos += 1;
                }
                b'#' => {
                    let end = self.line_end(pos);
                    tokens.push(token(Tok::Comment, pos, end));
                    pos = end;
                }
                b'-' | b'.'
                    if line_start
                        && bytes
                            .get(pos..pos + 3)
                            .is_some_and(|three| three == b"---" || three == b"...")
                        && is_blank_or_end(bytes.get(pos + 3)) =>
                {
                    let kind = if byte == b'-' {
                        Tok::DocStart
                    } else {
                        Tok::DocEnd
                    };
                    tokens.push(token(kind, pos, pos + 3));
                    pos += 3;
                }
                b'%' if line_start => {
                    let end = self.line_end(pos);
                    tokens.push(token(Tok::Directive, pos, end));
                    pos = end;
                }
                b'-' if is_blank_or_end(bytes.get(pos + 1)) => {
                    tokens.push(token(Tok::Dash, pos, pos + 1));
                    pos += 1;
                }
                b':' if is_blank_or_end(bytes.get(pos + 1)) || pos + 1 == to => {
                    tokens.push(token(Tok::Colon, pos, pos + 1));
                    pos += 1;
                }
                b'?' if is_blank_or_end(bytes.get(pos + 1)) => {
                    return Err(self.unsupported(pos, "an explicit key (`? `)"));
                }
                b'&' | b'!' => {
                    let len = self.src[pos..to]
                        .find([' ', '\t', '\n'])
                        .unwrap_or(to - pos);
                    tokens.push(token(Tok::Props, pos, pos + len));
                    pos += len;
                }
                _ => {
                    let found = self.src[pos..].chars().next().unwrap_or(' ');
                    return Err(self.unsupported(pos, format!("`{found}` at this place")));
                }
            }
        }
        Ok(tokens)
    }

    fn text(&self, token: &Token) -> &'s str {
        &self.src[token.start..token.end]
    }

    /// Writes the comments, blank lines, directives and `...` at the head of `tokens` (which
    /// start at the cursor) and moves the cursor past them; returns how many tokens that was.
    /// With `join`, line breaks without a comment among them are dropped: what follows goes on
    /// the open line.
    fn trivia(&mut self, tokens: &[Token], next: Option<Columns>, join: bool) -> usize {
        let count = tokens
            .iter()
            .position(|token| {
                !matches!(
                    token.kind,
                    Tok::Newline | Tok::Comment | Tok::Directive | Tok::DocEnd
                )
            })
            .unwrap_or(tokens.len());
        let head = &tokens[..count];
        let Some(last) = head.last() else {
            return 0;
        };
        if join && !head.iter().any(|token| token.kind == Tok::Comment) {
            self.cursor = last.end;
            return count;
        }
        let mut line_breaks = usize::from(self.at_line_start(self.cursor));
        for token in head {
            match token.kind {
                Tok::Newline => {
                    line_breaks += 1;
                    if line_breaks >= 2 {
                        self.pending_blank = true;
                    }
                    self.end_line();
                }
                Tok::Comment => {
                    let text = self.text(token).trim_end();
                    if line_breaks == 0 && self.line_open {
                        self.trailing_comment(token);
                    } else {
                        let column = self.comment_column(self.column(token.start), next);
                        self.start_line(column);
                        self.inline(text);
                    }
                    line_breaks = 0;
                }
                _ => {
                    self.start_line(0);
                    self.inline(self.text(token).trim_end());
                    line_breaks = 0;
                }
            }
        }
        self.cursor = last.end;
        count
    }

    /// A comment after content on the open line.
    /// Its column is recorded as it would be in the source if the source line had the output
    /// line's indentation.
    fn trailing_comment(&mut self, token: &Token) {
        let source_line = &self.src[self.line_start(token.start)..token.start];
        let source_indent = source_line.len() - source_line.trim_start_matches(' ').len();
        let output_line = &self.out[self.out.rfind('\n').map_or(0, |at| at + 1)..];
        let output_indent = output_line.len() - output_line.trim_start_matches(' ').len();
        let source_column =
            (source_line.chars().count() + output_indent).saturating_sub(source_indent);
        let text = self.text(token).trim_end();
        self.inline(text);
        self.trailing
            .push((self.out.len() - text.len(), source_column));
    }

    /// The output column of an own-line comment written at `column`: that of what follows it,
    /// unless the comment is deeper than that and inside a block that just closed (after the
    /// last entry of a nested mapping, say): then that block's.
    fn comment_column(&self, column: usize, next: Option<Columns>) -> usize {
        if let Some((original, new)) = next
            && column <= original
        {
            return new;
        }
        let enclosing = self
            .last_chain
            .iter()
            .rev()
            .find(|(original, _)| *original <= column);
        match (enclosing, next) {
            (Some(&(original, new)), Some((next_original, _))) if original > next_original => new,
            (_, Some((_, new))) => new,
            (Some(&(_, new)), None) => new,
            (None, None) => 0,
        }
    }

    // --- nodes ------------------------------------------------------------------------------

    fn document(&mut self, document: &Document) -> Result<(), FormatError> {
        let has_marker = self
            .src
            .as_bytes()
            .get(document.span.start..document.span.start + 3)
            == Some(b"---".as_slice());
        let content_start = if has_marker {
            document.span.start
        } else {
            self.start_of(&document.root)
        };
        // Only the comments and blank lines: a root sequence's first `-` is the root's.
        let tokens = self.tokens(self.cursor, content_start)?;
        self.trivia(&tokens, Some((0, 0)), false);
        if has_marker {
            self.start_line(0);
            self.inline("---");
            self.cursor = document.span.start + 3;
            self.at_block_start = true;
        }
        self.open.clear();
        self.last_chain.clear();
        self.value(
            &document.root,
            Some(&document.value),
            (0, 0),
            0,
            false,
            false,
        )
    }

    fn finish(mut self) -> Result<String, FormatError> {
        let tokens = self.tokens(self.cursor, self.src.len())?;
        let used = self.trivia(&tokens, None, false);
        if let Some(token) = tokens.get(used) {
            return Err(self.unsupported(token.start, "this at the end of the file"));
        }
        self.end_line();
        Ok(align_trailing_comments(&self.out, &self.trailing))
    }

    /// Whether the node is a block mapping or sequence (not a flow one, not an alias, not
    /// empty): a flow collection's span starts at its bracket, before its first child.
    fn is_block_collection(&self, node: &Node) -> bool {
        if node.alias_of.is_some() {
            return false;
        }
        match &node.kind {
            NodeKind::Mapping(entries) => entries
                .first()
                .is_some_and(|entry| entry.key_span.start == node.span.start),
            NodeKind::Sequence(items) => items
                .first()
                .is_some_and(|item| item.span.start == node.span.start),
            NodeKind::Scalar(_) => false,
        }
    }

    /// Where the node's own text starts, after its properties: a block scalar's header, a
    /// block collection's first key or first item.
    fn start_of(&self, node: &Node) -> usize {
        if node.alias_of.is_some() || !self.is_block_collection(node) {
            return match &node.kind {
                NodeKind::Scalar(scalar) if node.alias_of.is_none() && scalar.style.is_block() => {
                    scalar.source.start
                }
                _ => node.span.start,
            };
        }
        match &node.kind {
            NodeKind::Mapping(entries) => entries[0].key_span.start,
            NodeKind::Sequence(items) => self.start_of(&items[0]),
            NodeKind::Scalar(_) => node.span.start,
        }
    }

    /// A node after its indicator (`key:`, `-`, `---` or nothing, for a document's root):
    /// the indicator's gap, then the node. `owner` is the key's or the dash's column;
    /// `child_column` is where the node's lines go.
    fn value(
        &mut self,
        node: &Node,
        json: Option<&Value>,
        owner: Columns,
        child_column: usize,
        after_dash: bool,
        after_key: bool,
    ) -> Result<(), FormatError> {
        if let NodeKind::Scalar(scalar) = &node.kind
            && node.alias_of.is_none()
            && scalar.style == ScalarStyle::Plain
            && node.span.is_empty()
        {
            return self.empty_value(after_key);
        }
        let tokens = self.tokens(self.cursor, self.start_of(node))?;
        let mut at = 0;
        if after_key {
            match tokens.first() {
                Some(token) if token.kind == Tok::Colon => {
                    self.cursor = token.end;
                    at = 1;
                }
                _ => return Err(self.unsupported(self.cursor, "a key without `:` after it")),
            }
        }
        if self.is_block_collection(node) {
            // Properties of the collection itself are followed by a line break (those on the
            // line of the first key or item belong to that key or item).
            let mut compact = after_dash;
            let props_end = tokens[at..]
                .iter()
                .position(|token| token.kind != Tok::Props)
                .map_or(tokens.len(), |len| at + len);
            let then = tokens[props_end..]
                .iter()
                .find(|token| token.kind != Tok::Comment);
            if props_end > at && then.is_some_and(|token| token.kind == Tok::Newline) {
                if !self.line_open {
                    // A document's root: its properties on a line of their own.
                    self.start_line(owner.1);
                }
                for token in &tokens[at..props_end] {
                    self.inline(self.text(token));
                }
                self.cursor = tokens[props_end - 1].end;
                compact = false;
            }
            return match &node.kind {
                NodeKind::Mapping(entries) => {
                    let map = json.and_then(Value::as_object);
                    self.block_mapping(entries, map, child_column, compact)
                }
                NodeKind::Sequence(items) => {
                    let array = json.and_then(Value::as_array).map(Vec::as_slice);
                    self.block_sequence(items, array, child_column, compact)
                }
                NodeKind::Scalar(_) => Ok(()),
            };
        }
        let leaf_start = self.start_of(node);
        let next = Some((self.column(leaf_start), child_column));
        let mut tagged = false;
        while at < tokens.len() {
            at += self.trivia(&tokens[at..], next, true);
            let Some(token) = tokens.get(at) else { break };
            if token.kind != Tok::Props {
                return Err(self.unsupported(token.start, "this before a value"));
            }
            if !self.line_open {
                self.start_line(child_column);
            }
            tagged |= self.text(token).starts_with('!');
            self.inline(self.text(token));
            self.cursor = token.end;
            at += 1;
        }
        if !self.line_open {
            self.start_line(child_column);
        }
        self.leaf(node, json, owner, tagged)
    }

    /// `key:` or `-` with nothing after it but perhaps properties on the same line.
    fn empty_value(&mut self, after_key: bool) -> Result<(), FormatError> {
        let line_end = self.line_end(self.cursor);
        let tokens = self.tokens(self.cursor, line_end)?;
        let mut rest = tokens.as_slice();
        if after_key {
            match rest.first() {
                Some(token) if token.kind == Tok::Colon => {
                    self.cursor = token.end;
                    rest = &rest[1..];
                }
                _ => return Err(self.unsupported(self.cursor, "a key without `:` after it")),
            }
        }
        for token in rest.iter().take_while(|token| token.kind == Tok::Props) {
            if !self.line_open {
                self.start_line(0);
            }
            self.inline(self.text(token));
            self.cursor = token.end;
        }
        Ok(())
    }

    fn block_mapping(
        &mut self,
        entries: &[Entry],
        map: Option<&Map<String, Value>>,
        column: usize,
        compact: bool,
    ) -> Result<(), FormatError> {
        let original = self.column(entries[0].key_span.start);
        self.open.push((original, column));
        for (index, entry) in entries.iter().enumerate() {
            let first_compact = index == 0 && compact;
            if index == 0 && !compact && self.line_open {
                self.at_block_start = true;
            }
            let key_column = self.column(entry.key_span.start);
            let tokens = self.tokens(self.cursor, entry.key_span.start)?;
            let used = self.trivia(&tokens, Some((key_column, column)), first_compact);
            if !(first_compact && self.line_open) {
                self.start_line(column);
            }
            for token in &tokens[used..] {
                if token.kind != Tok::Props {
                    return Err(self.unsupported(token.start, "this before a key"));
                }
                self.inline(self.text(token));
            }
            self.last_chain.clone_from(&self.open);
            let key = self.key_text(entry);
            self.inline(&key);
            self.cursor = entry.key_span.end;
            let json = map.and_then(|map| map.get(&entry.key));
            self.value(
                &entry.value,
                json,
                (key_column, column),
                column + 2,
                false,
                true,
            )?;
        }
        self.open.pop();
        Ok(())
    }

    fn block_sequence(
        &mut self,
        items: &[Node],
        array: Option<&[Value]>,
        column: usize,
        compact: bool,
    ) -> Result<(), FormatError> {
        let mut pushed = false;
        for (index, item) in items.iter().enumerate() {
            let first_compact = index == 0 && compact;
            if index == 0 && !compact && self.line_open {
                self.at_block_start = true;
            }
            let tokens = self.tokens(self.cursor, self.start_of(item))?;
            let Some(dash) = tokens.iter().position(|token| token.kind == Tok::Dash) else {
                return Err(self.unsupported(self.cursor, "a sequence item without `-`"));
            };
            let dash_column = self.column(tokens[dash].start);
            if !pushed {
                self.open.push((dash_column, column));
                pushed = true;
            }
            let used = self.trivia(&tokens[..dash], Some((dash_column, column)), first_compact);
            if used != dash {
                return Err(self.unsupported(tokens[used].start, "this before `-`"));
            }
            if !(first_compact && self.line_open) {
                self.start_line(column);
            }
            self.inline("-");
            self.cursor = tokens[dash].end;
            self.last_chain.clone_from(&self.open);
            let json = array.and_then(|array| array.get(index));
            self.value(item, json, (dash_column, column), column + 2, true, false)?;
        }
        if pushed {
            self.open.pop();
        }
        Ok(())
    }

    fn key_text(&self, entry: &Entry) -> String {
        let source = &self.src[entry.key_span.clone()];
        if source.starts_with('*') {
            // An alias as a key: `*a :` (without the space the `:` would be read as part of the
            // alias name).
            return format!("{source} :");
        }
        format!("{}:", self.string_text(&entry.key, style_of_source(source)))
    }

    /// A string scalar in the canonical quoting (see the crate documentation).
    fn string_text(&self, text: &str, style: ScalarStyle) -> String {
        if plain_is_safe(text) {
            text.to_owned()
        } else if style == ScalarStyle::DoubleQuoted {
            double_quoted(text)
        } else {
            single_quoted(text).unwrap_or_else(|| double_quoted(text))
        }
    }

    /// A scalar, alias or flow collection, on the open line.
    fn leaf(
        &mut self,
        node: &Node,
        json: Option<&Value>,
        owner: Columns,
        tagged: bool,
    ) -> Result<(), FormatError> {
        let span = node.span.clone();
        match (&node.kind, node.alias_of.is_some()) {
            (NodeKind::Scalar(scalar), false) if scalar.style.is_block() => {
                return self.block_scalar(node, scalar, json, owner);
            }
            (NodeKind::Scalar(scalar), false) if !tagged => match json {
                Some(Value::String(text)) => {
                    let written = if self.hazard == Hazard::Unquote
                        && scalar.style != ScalarStyle::Plain
                        && !text.contains('\n')
                    {
                        text.clone()
                    } else {
                        self.string_text(text, scalar.style)
                    };
                    self.inline(&written);
                }
                _ => self.verbatim(span.start, span.end, owner),
            },
            _ => self.verbatim(span.start, span.end, owner),
        }
        self.cursor = span.end;
        Ok(())
    }

    /// Source text as it is written, its continuation lines moved with their owner.
    fn verbatim(&mut self, start: usize, end: usize, (original, new): Columns) {
        let mut lines = self.src[start..end].split('\n');
        if let Some(first) = lines.next() {
            self.inline(first.trim_end());
        }
        for line in lines {
            self.out.push('\n');
            let content = line.trim_start_matches(' ');
            if content.trim().is_empty() {
                continue;
            }
            let indent = (line.len() - content.len() + new)
                .saturating_sub(original)
                .max(new + 1);
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.out.push_str(content.trim_end());
        }
    }

    /// A block scalar: its header (style and chomping as written, an indentation indicator
    /// only where the first line starts with a space), then its lines, re-indented two
    /// columns in from the key or dash.
    fn block_scalar(
        &mut self,
        node: &Node,
        scalar: &Scalar,
        json: Option<&Value>,
        (_, owner): Columns,
    ) -> Result<(), FormatError> {
        let bytes = self.src.as_bytes();
        let header_start = scalar.source.start;
        let mut header_end = header_start + 1;
        while header_end < bytes.len() && matches!(bytes[header_end], b'0'..=b'9' | b'+' | b'-') {
            header_end += 1;
        }
        let header = &self.src[header_start..header_end];
        let style = &header[..1];
        let chomping = if header.contains('+') {
            "+"
        } else if header.contains('-') {
            "-"
        } else {
            ""
        };
        let after_header = self.tokens(header_end, self.line_end(header_end))?;
        let Some(old_indent) = scalar.block_indent() else {
            // No content: the header alone.
            self.inline(header);
            self.cursor = header_end;
            return Ok(());
        };
        let old_indent = old_indent as usize;
        let first_line = (self.line_end(header_end) + 1).min(self.src.len());
        let last_line_end = self.line_end(node.span.end.max(first_line));
        let lines: Vec<&str> = self.src[first_line..last_line_end]
            .split('\n')
            .map(|line| match line.get(..old_indent) {
                Some(indent) if indent.bytes().all(|byte| byte == b' ') => &line[old_indent..],
                _ => "",
            })
            .collect();
        let indicator = lines
            .iter()
            .find(|line| line.bytes().any(|byte| byte != b' '))
            .is_some_and(|line| line.starts_with(' '));
        self.inline(&format!(
            "{style}{}{chomping}",
            if indicator { "2" } else { "" }
        ));
        for token in &after_header {
            if token.kind == Tok::Comment {
                self.trailing_comment(token);
            }
        }
        let indent = owner + 2;
        for line in &lines {
            self.out.push('\n');
            if !line.is_empty() {
                self.out.extend(std::iter::repeat_n(' ', indent));
                self.out.push_str(line);
            }
        }
        self.out.push('\n');
        self.line_open = false;
        self.line_has_text = false;
        let mut cursor = (last_line_end + 1).min(self.src.len());
        if chomping == "+" {
            // Kept trailing line breaks are content: written as they are, and not taken for
            // blank lines between entries.
            let breaks = json
                .and_then(Value::as_str)
                .map_or(0, |text| text.len() - text.trim_end_matches('\n').len());
            for _ in 1..breaks {
                self.out.push('\n');
                cursor = (self.line_end(cursor) + 1).min(self.src.len());
            }
        }
        self.cursor = cursor;
        Ok(())
    }
}

/// Trailing comments are written one space after their content, except where the author
/// aligned them: on consecutive lines whose comments started in the same source column, they
/// stay aligned, in that column when the content still fits before it, else one space after the
/// longest content. (The result is a fixed point: aligned comments are in one column again.)
fn align_trailing_comments(out: &str, trailing: &[(usize, usize)]) -> String {
    struct Comment {
        at: usize,
        line: usize,
        width: usize,
        source_column: usize,
    }
    let mut comments = Vec::with_capacity(trailing.len());
    let mut line = 0;
    let mut counted_to = 0;
    for &(at, source_column) in trailing {
        line += out[counted_to..at].matches('\n').count();
        counted_to = at;
        let line_start = out[..at].rfind('\n').map_or(0, |idx| idx + 1);
        // The content, without the one space `inline` put before the `#`.
        let width = out[line_start..at - 1].chars().count();
        comments.push(Comment {
            at,
            line,
            width,
            source_column,
        });
    }
    let mut padding = vec![1; comments.len()];
    let mut start = 0;
    while start < comments.len() {
        let mut end = start + 1;
        while end < comments.len()
            && comments[end].line == comments[end - 1].line + 1
            && comments[end].source_column == comments[start].source_column
        {
            end += 1;
        }
        if end - start >= 2 {
            let group = &comments[start..end];
            let widest = group.iter().map(|comment| comment.width).max().unwrap_or(0);
            let column = group[0].source_column.max(widest + 1);
            for (offset, comment) in group.iter().enumerate() {
                padding[start + offset] = column - comment.width;
            }
        }
        start = end;
    }
    let mut aligned = String::with_capacity(out.len() + comments.len() * 4);
    let mut copied = 0;
    for (comment, spaces) in comments.iter().zip(padding) {
        aligned.push_str(&out[copied..comment.at - 1]);
        aligned.extend(std::iter::repeat_n(' ', spaces));
        copied = comment.at;
    }
    aligned.push_str(&out[copied..]);
    aligned
}

fn style_of_source(source: &str) -> ScalarStyle {
    match source.as_bytes().first() {
        Some(b'"') => ScalarStyle::DoubleQuoted,
        Some(b'\'') => ScalarStyle::SingleQuoted,
        _ => ScalarStyle::Plain,
    }
}
