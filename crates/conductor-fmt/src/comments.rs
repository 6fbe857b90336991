//! Finding a text's comments from the span tree, independently of the layout pass, so that the
//! meaning check can tell whether the layout kept every one of them.

use std::ops::Range;

use conductor_source::yaml::{Node, NodeKind, ParsedYaml, parse_yaml};

/// The comments of a YAML text, in order, each without trailing whitespace (`# note`). A `#`
/// starts a comment when it is outside every scalar and is at the start of a line or after a
/// space or tab. Text with problems gives the comments found in its parsed documents' extent
/// and around them.
pub fn comments(text: &str) -> Vec<String> {
    comments_in(text, &parse_yaml(text))
}

pub(crate) fn comments_in(text: &str, parsed: &ParsedYaml) -> Vec<String> {
    let mut covered = Vec::new();
    for document in &parsed.documents {
        cover(&document.root, &mut covered);
    }
    covered.sort_by_key(|range| range.start);
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut next_range = 0;
    let mut pos = 0;
    while let Some(offset) = text[pos..].find('#') {
        let at = pos + offset;
        while next_range < covered.len() && covered[next_range].end <= at {
            next_range += 1;
        }
        let inside = covered[next_range..]
            .iter()
            .take_while(|range| range.start <= at)
            .any(|range| range.contains(&at));
        let starts_comment = at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r');
        if !inside && starts_comment {
            let end = text[at..]
                .find(['\n', '\r'])
                .map_or(text.len(), |len| at + len);
            found.push(text[at..end].trim_end().to_owned());
            pos = end;
        } else {
            pos = at + 1;
        }
    }
    found
}

/// Every range of `node` that holds scalar text (keys, scalars with their quotes, block scalars
/// from their header to the end of their content, aliases).
fn cover(node: &Node, covered: &mut Vec<Range<usize>>) {
    if node.alias_of.is_some() {
        covered.push(node.span.clone());
        return;
    }
    match &node.kind {
        NodeKind::Scalar(scalar) if scalar.style.is_block() => {
            // The header (`|+2`) and the content, not the comment that may follow the header.
            let header = scalar.source.start;
            covered.push(header..header + 1);
            covered.push(node.span.clone());
        }
        NodeKind::Scalar(_) => covered.push(node.span.clone()),
        NodeKind::Sequence(items) => items.iter().for_each(|item| cover(item, covered)),
        NodeKind::Mapping(entries) => {
            for entry in entries {
                covered.push(entry.key_span.clone());
                cover(&entry.value, covered);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::comments;

    #[test]
    fn finds_comments_and_not_hashes_in_scalars() {
        let text = "# top\na: b#c # trailing\nq: \"x # y\"\nblock: | # header\n  # content\nlist: [a, # in flow\n  b]\n";
        assert_eq!(
            comments(text),
            ["# top", "# trailing", "# header", "# in flow"]
        );
    }
}
