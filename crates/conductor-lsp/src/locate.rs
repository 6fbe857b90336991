//! What is under the cursor: the YAML document, the path of keys and indexes down to the node,
//! and whether the cursor is on a key or a value.

use conductor_source::yaml::{Document, Node, parse_yaml, push_segment};

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// The node under the cursor and how to get there.
#[derive(Debug, Clone)]
pub struct Spot<'a> {
    /// The steps from the document's root.
    pub path: Vec<Step>,
    /// The nodes along the path: `nodes[i]` is at `path[..i]`; the last is under the cursor.
    pub nodes: Vec<&'a Node>,
    /// Whether the cursor is on the last step's key rather than its value.
    pub on_key: bool,
    /// The span of the last step's key, when the last step is a key.
    pub key_span: Option<std::ops::Range<usize>>,
}

impl Spot<'_> {
    /// The node under the cursor (the value, also when the cursor is on its key).
    pub fn node(&self) -> Option<&Node> {
        self.nodes.last().copied()
    }

    /// The JSON pointer of the node (DSL spelling).
    pub fn pointer(&self) -> String {
        pointer_of(&self.path)
    }
}

/// The JSON pointer of a path.
pub fn pointer_of(path: &[Step]) -> String {
    let mut pointer = String::new();
    for step in path {
        match step {
            Step::Key(key) => push_segment(&mut pointer, key),
            Step::Index(idx) => push_segment(&mut pointer, &idx.to_string()),
        }
    }
    pointer
}

/// The YAML documents of a text, and the index of the one holding `offset`.
pub fn document_at(text: &str, offset: usize) -> Option<(usize, Document)> {
    let parsed = parse_yaml(text);
    let index = parsed
        .documents
        .iter()
        .rposition(|document| document.span.start <= offset)?;
    let document = parsed.documents.into_iter().nth(index)?;
    Some((index, document))
}

/// The deepest node of `root` whose key or value holds `offset`.
pub fn spot_at(root: &Node, offset: usize) -> Spot<'_> {
    let mut spot = Spot {
        path: Vec::new(),
        nodes: vec![root],
        on_key: false,
        key_span: None,
    };
    let mut node = root;
    'descend: loop {
        if let Some(entries) = node.as_mapping() {
            for entry in entries {
                if entry.key_span.start <= offset && offset <= entry.key_span.end {
                    spot.path.push(Step::Key(entry.key.clone()));
                    spot.nodes.push(&entry.value);
                    spot.on_key = true;
                    spot.key_span = Some(entry.key_span.clone());
                    return spot;
                }
                if entry.value.span.start <= offset && offset <= entry.value.span.end {
                    spot.path.push(Step::Key(entry.key.clone()));
                    spot.nodes.push(&entry.value);
                    spot.key_span = Some(entry.key_span.clone());
                    node = &entry.value;
                    continue 'descend;
                }
            }
        } else if let Some(items) = node.as_sequence() {
            for (idx, item) in items.iter().enumerate() {
                if item.span.start <= offset && offset <= item.span.end {
                    spot.path.push(Step::Index(idx));
                    spot.nodes.push(item);
                    spot.key_span = None;
                    node = item;
                    continue 'descend;
                }
            }
        }
        return spot;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spot_is_the_deepest_key_or_value_at_the_cursor() {
        let text = "workflow: w\ntasks:\n  - ref: a\n    task: greet\n";
        let (index, document) = document_at(text, 0).expect("a document");
        assert_eq!(index, 0);
        let on_task = text.find("greet").unwrap_or_default() + 2;
        let spot = spot_at(&document.root, on_task);
        assert_eq!(spot.pointer(), "/tasks/0/task");
        assert!(!spot.on_key);
        let on_key = text.find("task:").unwrap_or_default() + 1;
        let spot = spot_at(&document.root, on_key);
        assert_eq!(spot.pointer(), "/tasks/0/task");
        assert!(spot.on_key);
    }
}
