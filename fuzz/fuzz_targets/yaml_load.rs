//! The YAML loader never panics, and every span it reports lies inside the text on character
//! boundaries; offsets mapped from inside a scalar do too.
#![no_main]

use conductor_source::yaml::{Node, NodeKind, parse_yaml, scalar_source_range};
use libfuzzer_sys::fuzz_target;

fn check_span(text: &str, span: &std::ops::Range<usize>) {
    assert!(span.start <= span.end && span.end <= text.len(), "{span:?} outside {}", text.len());
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{span:?}");
}

fn walk(text: &str, node: &Node, value: &serde_json::Value) {
    check_span(text, &node.span);
    match (&node.kind, value) {
        (NodeKind::Scalar(_), serde_json::Value::String(decoded)) => {
            // Every range inside the decoded string maps into the text.
            for end in [0, decoded.len() / 2, decoded.len()] {
                let end = (0..=end).rev().find(|i| decoded.is_char_boundary(*i)).unwrap_or(0);
                if let Some(mapped) = scalar_source_range(text, node, 0..end) {
                    check_span(text, &mapped);
                }
            }
        }
        (NodeKind::Scalar(_), _) => {}
        (NodeKind::Sequence(items), serde_json::Value::Array(values)) => {
            assert_eq!(items.len(), values.len());
            for (item, value) in items.iter().zip(values) {
                walk(text, item, value);
            }
        }
        (NodeKind::Mapping(entries), serde_json::Value::Object(map)) => {
            assert_eq!(entries.len(), map.len());
            for (entry, (key, value)) in entries.iter().zip(map) {
                assert_eq!(&entry.key, key);
                check_span(text, &entry.key_span);
                walk(text, &entry.value, value);
            }
        }
        (kind, value) => panic!("span tree and value disagree: {kind:?} vs {value}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse_yaml(text);
    for problem in &parsed.problems {
        check_span(text, &problem.span);
    }
    for document in &parsed.documents {
        check_span(text, &document.span);
        walk(text, &document.root, &document.value);
    }
});
