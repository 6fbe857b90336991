//! Finding a node by JSON pointer (RFC 6901) by walking the span tree.

use std::borrow::Cow;
use std::ops::Range;

use super::{Document, Node, NodeKind};

/// A node found by [`Document::lookup`].
#[derive(Debug, Clone, PartialEq)]
pub struct Located<'a> {
    /// The node the pointer designates.
    pub node: &'a Node,
    /// When the last segment is a mapping key: where that key is written.
    pub key_span: Option<Range<usize>>,
    /// When the path passes through an alias above the node (`*a`, expanded to a copy of the
    /// anchored node): the innermost such alias. The node's own spans are then in the anchor's
    /// definition; this is where the copy was put. (If the node itself is the alias, see
    /// [`Node::alias_of`] instead.)
    pub alias_site: Option<Range<usize>>,
}

/// One pointer segment encoded (`~` as `~0`, `/` as `~1`); borrowed when nothing needs it,
/// which is nearly always.
pub fn escape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Appends `/` and the encoded `segment` to `pointer`: how a walk builds a pointer in one
/// buffer, truncating it again on the way back up.
pub fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    pointer.push_str(&escape_segment(segment));
}

/// Decodes one pointer segment (`~1` is `/`, `~0` is `~`); `None` for any other `~` escape.
fn unescape(segment: &str) -> Option<Cow<'_, str>> {
    if !segment.contains('~') {
        return Some(Cow::Borrowed(segment));
    }
    let mut out = String::with_capacity(segment.len());
    let mut chars = segment.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(Cow::Owned(out))
}

/// An array index as RFC 6901 writes it: `0`, or digits without a leading zero.
fn parse_index(segment: &str) -> Option<usize> {
    let valid = !segment.is_empty()
        && segment.bytes().all(|byte| byte.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if valid { segment.parse().ok() } else { None }
}

impl Document {
    /// The node at an RFC 6901 JSON pointer (`""` is the root, `/tasks/3/http/uri`, with `~0`
    /// for `~` and `~1` for `/`). `None` if the pointer is malformed or leads nowhere; never
    /// panics.
    pub fn lookup(&self, pointer: &str) -> Option<Located<'_>> {
        self.root.lookup(pointer)
    }

    /// Like [`Document::lookup`], with the segments already split and unescaped (as
    /// `jsonschema`'s instance paths give them), so no pointer string is built.
    pub fn lookup_segments<I>(&self, segments: I) -> Option<Located<'_>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.root.lookup_segments(segments)
    }
}

impl Node {
    /// The node at a JSON pointer relative to this node; see [`Document::lookup`].
    pub fn lookup(&self, pointer: &str) -> Option<Located<'_>> {
        if pointer.is_empty() {
            return self.lookup_segments(std::iter::empty::<&str>());
        }
        let rest = pointer.strip_prefix('/')?;
        let mut segments = Vec::new();
        for segment in rest.split('/') {
            segments.push(unescape(segment)?);
        }
        self.lookup_segments(segments)
    }

    /// The node at already-split, unescaped segments relative to this node.
    pub fn lookup_segments<I>(&self, segments: I) -> Option<Located<'_>>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut node = self;
        let mut key_span = None;
        let mut alias_site = None;
        for segment in segments {
            if node.alias_of.is_some() {
                alias_site = Some(node.span.clone());
            }
            let segment = segment.as_ref();
            match &node.kind {
                NodeKind::Mapping(entries) => {
                    let entry = entries.iter().find(|entry| entry.key == segment)?;
                    key_span = Some(entry.key_span.clone());
                    node = &entry.value;
                }
                NodeKind::Sequence(items) => {
                    node = items.get(parse_index(segment)?)?;
                    key_span = None;
                }
                NodeKind::Scalar(_) => return None,
            }
        }
        Some(Located {
            node,
            key_span,
            alias_site,
        })
    }
}
