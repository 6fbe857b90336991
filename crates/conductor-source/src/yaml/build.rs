//! Builds the JSON value and the span tree from saphyr's event stream, in one pass.
//!
//! The builder is iterative (an explicit stack of open collections), so nesting depth costs heap,
//! not native stack; [`MAX_DEPTH`] bounds it anyway, because every later consumer of the tree
//! (including `serde_json::Value`'s own `Drop`) recurses.

use std::borrow::Cow;
use std::collections::HashMap;
use std::mem;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScanError, Span, Tag};
use serde_json::{Map, Value};

use super::char_offsets::CharOffsets;
use super::problem::{YamlProblem, YamlProblemKind, syntax_kind};
use super::resolve::{CoreTag, TagKind, classify_tag, resolve_plain, resolve_tagged};
use super::source_scan::{
    Properties, break_len, find_block_header, line_end, quoted_end, skip_properties,
};
use super::{Document, Entry, Node, NodeKind, ParsedYaml, Scalar, ScalarStyle};

/// The deepest nesting of collections accepted in a document; deeper collections are reported
/// ([`YamlProblemKind::TooDeep`]) and replaced by `null`.
pub const MAX_DEPTH: usize = 256;

/// How much aliases may create in one file before expansion stops
/// ([`YamlProblemKind::AliasBudgetExceeded`]), in cost units: one per node, plus one per
/// [`ALIAS_BYTES_PER_UNIT`] bytes of scalar and key text. It keeps a "billion laughs" file fast
/// and small, and bounds memory in bytes too: an alias to a long string costs its length, so
/// a short file cannot expand to gigabytes of copies (at most about 6 MB of text here).
pub const ALIAS_NODE_BUDGET: usize = 100_000;

/// Bytes of text that cost one unit of [`ALIAS_NODE_BUDGET`].
pub const ALIAS_BYTES_PER_UNIT: usize = 64;

/// The cost of a scalar or key of `len` bytes.
fn text_cost(len: usize) -> usize {
    1 + len / ALIAS_BYTES_PER_UNIT
}

pub(crate) fn parse(text: &str) -> ParsedYaml {
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                builder.on_event(event, span);
                if builder.stopped {
                    break;
                }
            }
            Err(error) => {
                builder.on_error(&error);
                break;
            }
        }
    }
    ParsedYaml {
        documents: builder.documents,
        problems: builder.problems,
    }
}

/// A finished node with its value, and what an alias to it would cost.
struct Built {
    value: Value,
    node: Node,
    /// Nodes in the subtree (keys included).
    count: usize,
    /// Collection levels in the subtree: 0 for a scalar.
    height: usize,
}

/// A node that carries an anchor, kept for the aliases that refer to it.
struct Anchored {
    value: Value,
    node: Node,
    count: usize,
    height: usize,
    /// The scalar's text, when the anchored node is a scalar (an alias can be a mapping key).
    key_text: Option<String>,
}

enum KeyState {
    /// The next node completed in this mapping is a key.
    Expect,
    /// A key was read; the next node is its value.
    Ready { key: String, span: Range<usize> },
    /// The key was rejected (duplicate, complex); the next node is its value and is dropped.
    Discard,
}

enum Collection {
    Sequence {
        items: Vec<Node>,
        values: Vec<Value>,
    },
    Mapping {
        entries: Vec<Entry>,
        map: Map<String, Value>,
        key: KeyState,
    },
}

struct Frame {
    collection: Collection,
    anchor_id: usize,
    anchor_span: Option<Range<usize>>,
    /// Byte offset of `[` or `{` for a flow collection.
    flow_start: Option<usize>,
    /// From the first child's start to the last child's end, for block collections.
    extent: Option<Range<usize>>,
    /// Where the start event was, for the (impossible) block collection without children.
    start: usize,
    count: usize,
    height: usize,
}

impl Frame {
    fn note_child(&mut self, span: &Range<usize>, count: usize, height: usize) {
        self.extent = Some(match self.extent.take() {
            None => span.clone(),
            Some(extent) => extent.start.min(span.start)..extent.end.max(span.end),
        });
        self.count += count;
        self.height = self.height.max(height);
    }
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharOffsets<'t>,
    documents: Vec<Document>,
    problems: Vec<YamlProblem>,
    stack: Vec<Frame>,
    /// Nesting inside a collection that was too deep and is being skipped; 0 when not skipping.
    skip_depth: usize,
    skip_start: usize,
    root: Option<Built>,
    /// The `---` of the current document, when it has one.
    doc_marker: Option<Range<usize>>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    budget_reported: bool,
    /// End of the previous event, the point from which a block scalar's header is searched.
    prev_end: usize,
    /// Set when the parse must stop (saphyr's positions can no longer be trusted).
    stopped: bool,
}

fn scalar_node(span: Range<usize>, scalar: Scalar) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar(scalar),
        alias_of: None,
    }
}

/// A `null` standing for a node that could not be built (too deep, failed alias).
fn placeholder(span: Range<usize>) -> Built {
    let scalar = Scalar {
        style: ScalarStyle::Plain,
        source: span.clone(),
        block_indent: None,
    };
    Built {
        value: Value::Null,
        node: scalar_node(span, scalar),
        count: 1,
        height: 0,
    }
}

fn style_of(style: saphyr_parser::ScalarStyle) -> ScalarStyle {
    match style {
        saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            offsets: CharOffsets::new(text),
            documents: Vec::new(),
            problems: Vec::new(),
            stack: Vec::new(),
            skip_depth: 0,
            skip_start: 0,
            root: None,
            doc_marker: None,
            anchors: HashMap::new(),
            alias_nodes: 0,
            budget_reported: false,
            prev_end: 0,
            stopped: false,
        }
    }

    fn problem(&mut self, kind: YamlProblemKind, span: Range<usize>) {
        self.problems.push(YamlProblem {
            kind,
            span,
            related: None,
        });
    }

    fn slice(&self, span: &Range<usize>) -> &'t str {
        self.text.get(span.clone()).unwrap_or_default()
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(explicit) => {
                self.begin_document();
                if explicit && self.text.as_bytes().get(start..start + 3) != Some(b"---") {
                    // saphyr 0.3.3 counts the non-ASCII characters of a directive (`%FOO é`)
                    // in bytes, which shifts every later position; stop rather than give spans
                    // that point at the wrong text.
                    let kind = YamlProblemKind::Syntax {
                        message: "a directive (`%`) with non-ASCII characters is not supported"
                            .to_owned(),
                        help: Some("remove the directive"),
                    };
                    let line_start = self
                        .text
                        .get(..start)
                        .and_then(|before| before.rfind('%'))
                        .unwrap_or(0);
                    self.problem(kind, line_start..line_start);
                    self.stopped = true;
                    return;
                }
                if explicit {
                    self.doc_marker = Some(start..end);
                } else {
                    // An implicit start's span is the first token of the content, which is not
                    // a boundary before it; keep the previous end.
                    return;
                }
            }
            Event::DocumentEnd => self.end_document(),
            Event::Scalar(raw, style, anchor_id, tag) => {
                if self.skip_depth == 0 {
                    self.on_scalar(raw, style_of(style), anchor_id, tag.as_deref(), start, end);
                }
            }
            Event::SequenceStart(anchor_id, tag) => {
                self.on_collection_start(false, anchor_id, tag.as_deref(), start, end);
            }
            Event::MappingStart(anchor_id, tag) => {
                self.on_collection_start(true, anchor_id, tag.as_deref(), start, end);
            }
            Event::SequenceEnd | Event::MappingEnd => self.on_collection_end(start, end),
            Event::Alias(anchor_id) => {
                if self.skip_depth == 0 {
                    self.on_alias(anchor_id, start..end);
                }
            }
        }
        self.prev_end = end;
    }

    fn on_error(&mut self, error: &ScanError) {
        let pos = self.offsets.byte(error.marker().index());
        if error.info() == "while parsing node, found unknown anchor" {
            let end = self.token_end(pos);
            let name = self.slice(&(pos + 1..end)).to_owned();
            self.problem(YamlProblemKind::UnknownAnchor { name }, pos..end);
            return;
        }
        let next_char = self.text.get(pos..).and_then(|rest| rest.chars().next());
        let end = match next_char {
            Some(c) if c != '\n' && c != '\r' => pos + c.len_utf8(),
            _ => pos,
        };
        self.problem(syntax_kind(error.info()), pos..end);
    }

    /// End of the run of non-blank characters at `pos` (an alias token).
    fn token_end(&self, pos: usize) -> usize {
        let rest = self.text.get(pos..).unwrap_or_default();
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(rest.len());
        pos + len
    }

    fn begin_document(&mut self) {
        self.stack.clear();
        self.root = None;
        self.skip_depth = 0;
        self.doc_marker = None;
        self.anchors.clear();
        // The alias budget is per file, not per document: many small documents must not add
        // up to an unbounded expansion.
    }

    fn end_document(&mut self) {
        let Some(root) = self.root.take() else {
            return;
        };
        let marker = self.doc_marker.take();
        let start = marker
            .as_ref()
            .map_or(root.node.span.start, |marker| marker.start);
        let end = marker.as_ref().map_or(root.node.span.end, |marker| {
            marker.end.max(root.node.span.end)
        });
        self.documents.push(Document {
            value: root.value,
            root: root.node,
            span: start..end,
        });
        self.anchors.clear();
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                collection: Collection::Mapping {
                    key: KeyState::Expect,
                    ..
                },
                ..
            })
        )
    }

    fn on_scalar(
        &mut self,
        raw: Cow<'_, str>,
        style: ScalarStyle,
        anchor_id: usize,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) {
        let has_props = anchor_id != 0 || tag.is_some();
        let props = if has_props {
            skip_properties(self.text, start, end)
        } else {
            Properties {
                content_start: start,
                ..Properties::default()
            }
        };
        let (span, scalar) = self.scalar_layout(&raw, style, has_props, &props, start, end);
        let tag_kind = tag.map(|tag| classify_tag(&tag.handle, &tag.suffix));
        let tag_span = props.tag.clone().unwrap_or_else(|| span.clone());
        let tag_text = props
            .tag
            .as_ref()
            .map(|tag_span| self.slice(tag_span).to_owned())
            .unwrap_or_default();
        match &tag_kind {
            Some(TagKind::Unsupported) => {
                let kind = YamlProblemKind::UnsupportedTag {
                    tag: tag_text.clone(),
                };
                self.problem(kind, tag_span.clone());
            }
            Some(TagKind::Core(CoreTag::Map | CoreTag::Seq)) => {
                let kind = YamlProblemKind::TagMismatch {
                    tag: tag_text.clone(),
                    node: "scalar",
                };
                self.problem(kind, tag_span.clone());
            }
            _ => {}
        }

        let is_key = self.expecting_key();
        if is_key && anchor_id == 0 {
            let is_merge = style == ScalarStyle::Plain && raw == "<<";
            self.deliver_key(raw.into_owned(), span, is_merge);
            return;
        }

        // An anchored scalar keeps its text too: an alias to it may be used as a key.
        let anchored_text = (anchor_id != 0).then(|| raw.to_string());
        let cost = text_cost(raw.len());
        let (value, value_problem) = match &tag_kind {
            Some(TagKind::Core(
                core @ (CoreTag::Str
                | CoreTag::Int
                | CoreTag::Float
                | CoreTag::Bool
                | CoreTag::Null),
            )) => resolve_tagged(raw.into_owned(), *core, &tag_text),
            Some(TagKind::NonSpecific) => (Value::String(raw.into_owned()), None),
            _ if style == ScalarStyle::Plain => resolve_plain(raw.into_owned()),
            _ => (Value::String(raw.into_owned()), None),
        };
        if let (Some(kind), false) = (value_problem, is_key) {
            self.problem(kind, span.clone());
        }
        let node = scalar_node(span.clone(), scalar);
        if anchor_id != 0 {
            self.anchors.insert(
                anchor_id,
                Anchored {
                    value: value.clone(),
                    node: node.clone(),
                    count: cost,
                    height: 0,
                    key_text: anchored_text.clone(),
                },
            );
        }
        match anchored_text {
            Some(key) if is_key => {
                let is_merge = style == ScalarStyle::Plain && key == "<<";
                self.deliver_key(key, span, is_merge);
            }
            _ => self.deliver(Built {
                value,
                node,
                count: cost,
                height: 0,
            }),
        }
    }

    /// The node span and the [`Scalar`] of a scalar event; see [`Node::span`] for the rules.
    fn scalar_layout(
        &self,
        raw: &str,
        style: ScalarStyle,
        has_props: bool,
        props: &Properties,
        start: usize,
        end: usize,
    ) -> (Range<usize>, Scalar) {
        let make = |span: Range<usize>, source: Range<usize>, block_indent: Option<u32>| {
            (
                span,
                Scalar {
                    style,
                    source,
                    block_indent,
                },
            )
        };
        match style {
            ScalarStyle::Plain => {
                let span = if raw.is_empty() {
                    let pos = if has_props {
                        props.content_start
                    } else {
                        self.empty_scalar_pos(start)
                    };
                    pos..pos
                } else {
                    props.content_start..end
                };
                make(span.clone(), span, None)
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                let open = props.content_start;
                let single = style == ScalarStyle::SingleQuoted;
                let close = quoted_end(self.text, open, single).unwrap_or(end);
                make(open..close, open..close, None)
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                self.block_layout(raw, style, has_props, props, start, end)
            }
        }
    }

    /// Where an empty plain scalar without properties sits: saphyr puts it at the next token
    /// (for `key:` that is the `:`); we want just after the `:`, or after the `---` for an empty
    /// document.
    fn empty_scalar_pos(&self, start: usize) -> usize {
        if let (true, Some(marker)) = (self.stack.is_empty(), &self.doc_marker) {
            return marker.end;
        }
        if self.text.as_bytes().get(start) == Some(&b':') {
            start + 1
        } else {
            start
        }
    }

    fn block_layout(
        &self,
        raw: &str,
        style: ScalarStyle,
        has_props: bool,
        props: &Properties,
        start: usize,
        end: usize,
    ) -> (Range<usize>, Scalar) {
        let has_content = raw.bytes().any(|byte| byte != b'\n');
        let (from, limit) = if has_props {
            (start, end)
        } else if has_content {
            (self.prev_end.min(start), start)
        } else {
            (self.prev_end.min(start), end)
        };
        let fallback = || {
            let span = props.content_start..end;
            let scalar = Scalar {
                style,
                source: span.clone(),
                block_indent: None,
            };
            (span, scalar)
        };
        let Some(header) = find_block_header(self.text, from, limit) else {
            return fallback();
        };
        let scalar = |source: Range<usize>, block_indent: Option<u32>| Scalar {
            style,
            source,
            block_indent,
        };
        if !has_content {
            return (header.span.clone(), scalar(header.span, None));
        }
        let layout = if has_props {
            self.content_start_from_value(raw, header.span.end)
        } else {
            self.content_start_from_position(start)
        };
        let Some((content_start, indent)) = layout else {
            return fallback();
        };
        // saphyr's end is past the trailing line breaks and the next line's indentation.
        let trimmed = self.text.get(content_start..end).map_or(0, |content| {
            content.trim_end_matches([' ', '\t', '\r', '\n']).len()
        });
        let content_end = content_start + trimmed;
        let block_indent = u32::try_from(indent).ok();
        (
            content_start..content_end,
            scalar(header.span.start..content_end, block_indent),
        )
    }

    /// Content start and indentation of a block scalar whose span saphyr starts at its content
    /// (no properties): the content starts after exactly `indent` spaces.
    fn content_start_from_position(&self, start: usize) -> Option<(usize, usize)> {
        let before = self.text.get(..start)?;
        let line_start = before.rfind(['\n', '\r']).map_or(0, |idx| idx + 1);
        let indent = start - line_start;
        before
            .get(line_start..)?
            .bytes()
            .all(|byte| byte == b' ')
            .then_some((start, indent))
    }

    /// Content start and indentation of a block scalar with properties, whose span saphyr
    /// starts at the properties: the decoded value gives them. Its leading line breaks are the
    /// empty lines before the first content line, and that line's leading spaces beyond the
    /// indentation are its first characters.
    fn content_start_from_value(&self, raw: &str, header_end: usize) -> Option<(usize, usize)> {
        let empty_lines = raw.bytes().take_while(|&byte| byte == b'\n').count();
        let value_spaces = raw
            .get(empty_lines..)?
            .bytes()
            .take_while(|&byte| byte == b' ')
            .count();
        // The header line, then one line per leading line break.
        let mut pos = header_end;
        for _ in 0..=empty_lines {
            let line_end = line_end(self.text, pos);
            let len = break_len(self.text, line_end);
            if len == 0 {
                return None;
            }
            pos = line_end + len;
        }
        let line_spaces = self
            .text
            .get(pos..)?
            .bytes()
            .take_while(|&byte| byte == b' ')
            .count();
        let indent = line_spaces.checked_sub(value_spaces)?;
        Some((pos + indent, indent))
    }

    fn on_collection_start(
        &mut self,
        is_mapping: bool,
        anchor_id: usize,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) {
        if self.skip_depth > 0 {
            self.skip_depth += 1;
            return;
        }
        let props = if anchor_id != 0 || tag.is_some() {
            skip_properties(self.text, start, end)
        } else {
            Properties {
                content_start: start,
                ..Properties::default()
            }
        };
        // saphyr's span of `[` / `{` runs on over the whitespace after it; what decides is the
        // first character after the properties.
        let open = if is_mapping { b'{' } else { b'[' };
        let flow_start =
            Some(props.content_start).filter(|&pos| self.text.as_bytes().get(pos) == Some(&open));
        if self.stack.len() >= MAX_DEPTH {
            let span = flow_start.map_or(start..start, |open| open..open + 1);
            self.problem(YamlProblemKind::TooDeep, span);
            self.skip_depth = 1;
            self.skip_start = flow_start.unwrap_or(start);
            return;
        }
        if let Some(tag) = tag {
            let tag_span = props.tag.clone().unwrap_or(start..end);
            let tag_text = self.slice(&tag_span).to_owned();
            let node = if is_mapping { "mapping" } else { "sequence" };
            let kind = match classify_tag(&tag.handle, &tag.suffix) {
                TagKind::Core(CoreTag::Map) if is_mapping => None,
                TagKind::Core(CoreTag::Seq) if !is_mapping => None,
                TagKind::Unsupported => Some(YamlProblemKind::UnsupportedTag { tag: tag_text }),
                TagKind::NonSpecific => None,
                TagKind::Core(_) => Some(YamlProblemKind::TagMismatch {
                    tag: tag_text,
                    node,
                }),
            };
            if let Some(kind) = kind {
                self.problem(kind, tag_span);
            }
        }
        let collection = if is_mapping {
            Collection::Mapping {
                entries: Vec::new(),
                map: Map::new(),
                key: KeyState::Expect,
            }
        } else {
            Collection::Sequence {
                items: Vec::new(),
                values: Vec::new(),
            }
        };
        self.stack.push(Frame {
            collection,
            anchor_id,
            anchor_span: props.anchor,
            flow_start,
            extent: None,
            start: flow_start.unwrap_or(start),
            count: 1,
            height: 0,
        });
    }

    fn on_collection_end(&mut self, start: usize, end: usize) {
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
            if self.skip_depth == 0 {
                let span = self.skip_start..end.max(self.skip_start);
                if self.expecting_key() {
                    self.discard_key(&span);
                } else {
                    self.deliver(placeholder(span));
                }
            }
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // saphyr's span of `]` / `}` runs on over trailing whitespace and comments.
        let close_end = match self.text.as_bytes().get(start) {
            Some(b']' | b'}') => start + 1,
            _ => end,
        };
        let span = match (frame.flow_start, &frame.extent) {
            (Some(open), _) => open..close_end.max(open),
            (None, Some(extent)) => extent.clone(),
            (None, None) => frame.start..frame.start.max(start.min(frame.start)),
        };
        let (value, kind) = match frame.collection {
            Collection::Sequence { items, values } => {
                (Value::Array(values), NodeKind::Sequence(items))
            }
            Collection::Mapping { entries, map, .. } => {
                (Value::Object(map), NodeKind::Mapping(entries))
            }
        };
        let built = Built {
            value,
            node: Node {
                span,
                kind,
                alias_of: None,
            },
            count: frame.count,
            height: frame.height + 1,
        };
        if frame.anchor_id != 0 {
            self.anchors.insert(
                frame.anchor_id,
                Anchored {
                    value: built.value.clone(),
                    node: built.node.clone(),
                    count: built.count,
                    height: built.height,
                    key_text: None,
                },
            );
        }
        if self.expecting_key() {
            self.problem(YamlProblemKind::ComplexKey, built.node.span.clone());
            self.discard_key(&built.node.span);
        } else {
            self.deliver(built);
        }
    }

    fn on_alias(&mut self, anchor_id: usize, site: Range<usize>) {
        let name = self.slice(&site).trim_start_matches('*').to_owned();
        let is_key = self.expecting_key();
        let failure = match self.anchors.get(&anchor_id) {
            None => {
                let open = self.stack.iter().find(|frame| frame.anchor_id == anchor_id);
                Some(match open {
                    Some(frame) => {
                        let related = frame
                            .anchor_span
                            .clone()
                            .map(|span| (span, "anchor defined here"));
                        self.problems.push(YamlProblem {
                            kind: YamlProblemKind::RecursiveAlias { name },
                            span: site.clone(),
                            related,
                        });
                        true
                    }
                    None => {
                        self.problem(YamlProblemKind::UnknownAnchor { name }, site.clone());
                        true
                    }
                })
            }
            Some(anchored)
                if self.alias_nodes.saturating_add(anchored.count) > ALIAS_NODE_BUDGET =>
            {
                if !self.budget_reported {
                    self.budget_reported = true;
                    self.problem(YamlProblemKind::AliasBudgetExceeded, site.clone());
                }
                Some(true)
            }
            Some(anchored) if self.stack.len() + anchored.height > MAX_DEPTH => {
                self.problem(YamlProblemKind::TooDeep, site.clone());
                Some(true)
            }
            Some(_) => None,
        };
        if failure.is_some() {
            if is_key {
                self.discard_key(&site);
            } else {
                self.deliver(placeholder(site));
            }
            return;
        }
        let Some(anchored) = self.anchors.get(&anchor_id) else {
            return;
        };
        if is_key {
            match anchored.key_text.clone() {
                Some(key) => self.deliver_key(key, site, false),
                None => {
                    self.problem(YamlProblemKind::ComplexKey, site.clone());
                    self.discard_key(&site);
                }
            }
            return;
        }
        self.alias_nodes += anchored.count;
        let mut node = anchored.node.clone();
        node.alias_of = Some(mem::replace(&mut node.span, site));
        let built = Built {
            value: anchored.value.clone(),
            node,
            count: anchored.count,
            height: anchored.height,
        };
        self.deliver(built);
    }

    /// Hands a finished node to the open collection, or makes it the document's root.
    fn deliver(&mut self, built: Built) {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built);
            return;
        };
        frame.note_child(&built.node.span, built.count, built.height);
        match &mut frame.collection {
            Collection::Sequence { items, values } => {
                items.push(built.node);
                values.push(built.value);
            }
            Collection::Mapping { entries, map, key } => {
                match mem::replace(key, KeyState::Expect) {
                    KeyState::Ready { key, span } => {
                        map.insert(key.clone(), built.value);
                        entries.push(Entry {
                            key,
                            key_span: span,
                            value: built.node,
                        });
                    }
                    // A rejected key drops its value.
                    KeyState::Discard => {}
                    // Keys go through `deliver_key` or `discard_key`; should a node arrive here
                    // anyway, it is rejected like a key, so keys and values stay paired.
                    KeyState::Expect => *key = KeyState::Discard,
                }
            }
        }
    }

    /// Records a mapping key; a duplicate is reported with both spans and its value dropped.
    fn deliver_key(&mut self, key: String, span: Range<usize>, is_merge: bool) {
        if is_merge {
            self.problem(YamlProblemKind::MergeKey, span.clone());
        }
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        frame.note_child(&span, text_cost(key.len()), 0);
        let Collection::Mapping {
            entries,
            map,
            key: state,
        } = &mut frame.collection
        else {
            return;
        };
        if map.contains_key(&key) {
            let first = entries
                .iter()
                .find(|entry| entry.key == key)
                .map_or_else(|| span.clone(), |entry| entry.key_span.clone());
            *state = KeyState::Discard;
            self.problems.push(YamlProblem {
                kind: YamlProblemKind::DuplicateKey { key },
                span,
                related: Some((first, "first defined here")),
            });
        } else {
            *state = KeyState::Ready { key, span };
        }
    }

    /// Marks the pending key of the open mapping as rejected.
    fn discard_key(&mut self, span: &Range<usize>) {
        if let Some(frame) = self.stack.last_mut() {
            frame.note_child(span, 1, 0);
            if let Collection::Mapping { key, .. } = &mut frame.collection {
                *key = KeyState::Discard;
            }
        }
    }
}
