//! The meaning check: a formatted text must parse as cleanly, hold the same documents with the
//! same values (key order included) and the same comments as the text it came from.

use conductor_source::yaml::{Document, parse_yaml};
use serde_json::Value;

use crate::comments::comments_in;
use crate::layout::Input;
use crate::{FormatError, Position};

/// Whether `after` means what `before` means: the same number of YAML documents, each with the
/// same value (key order included: the compiled JSON keeps it), the same comments in the same
/// order, and no parser problem that `before` did not have. A byte order mark and CRLF line
/// breaks are ignored. Positions in the error are in `before`.
pub fn verify_same_meaning(before: &str, after: &str) -> Result<(), FormatError> {
    let before = Input::normalise(before)?.text;
    let after = Input::normalise(after)?.text;
    let old = parse_yaml(&before);
    let new = parse_yaml(&after);
    let changed = |offset: usize, what: String| FormatError::WouldChangeMeaning {
        at: Position::of(&before, offset),
        what,
    };
    if new.problems.len() > old.problems.len() {
        let problem = &new.problems[0];
        return Err(changed(
            0,
            format!(
                "the YAML: the result does not parse ({} at {})",
                problem.kind.message(),
                Position::of(&after, problem.span.start)
            ),
        ));
    }
    if old.documents.len() != new.documents.len() {
        return Err(changed(
            0,
            format!(
                "the number of documents from {} to {}",
                old.documents.len(),
                new.documents.len()
            ),
        ));
    }
    for (index, (old_doc, new_doc)) in old.documents.iter().zip(&new.documents).enumerate() {
        if let Some((pointer, was, now)) = first_difference(&old_doc.value, &new_doc.value) {
            let offset = offset_of(old_doc, &pointer);
            let place = if pointer.is_empty() {
                format!("document {}", index + 1)
            } else {
                format!("the value at {pointer}")
            };
            return Err(changed(offset, format!("{place} from {was} to {now}")));
        }
    }
    let old_comments = comments_in(&before, &old);
    let new_comments = comments_in(&after, &new);
    if old_comments != new_comments {
        let lost = old_comments
            .iter()
            .zip(new_comments.iter().map(Some).chain(std::iter::repeat(None)))
            .find(|(old, new)| Some(*old) != *new)
            .map(|(old, _)| old.clone())
            .unwrap_or_else(|| new_comments.last().cloned().unwrap_or_default());
        let offset = before.find(&lost).unwrap_or(0);
        return Err(changed(offset, format!("the comments (`{lost}`)")));
    }
    Ok(())
}

fn offset_of(document: &Document, pointer: &str) -> usize {
    document
        .lookup(pointer)
        .map_or(document.span.start, |located| located.node.span.start)
}

/// The first place where `old` and `new` differ (key order included), as a JSON pointer, with
/// both values written as JSON and shortened: `("/a/b", "\"1.0\"", "1.0")`.
pub fn first_difference(old: &Value, new: &Value) -> Option<(String, String, String)> {
    difference_below(old, new, "")
}

fn difference_below(old: &Value, new: &Value, pointer: &str) -> Option<(String, String, String)> {
    let short = |value: &Value| {
        let text = value.to_string();
        if text.chars().count() > 60 {
            format!("{}…", text.chars().take(60).collect::<String>())
        } else {
            text
        }
    };
    let differ = || Some((pointer.to_owned(), short(old), short(new)));
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            if a.len() != b.len() || a.keys().zip(b.keys()).any(|(x, y)| x != y) {
                return differ();
            }
            a.iter().zip(b.values()).find_map(|((key, x), y)| {
                let mut inner = pointer.to_owned();
                conductor_source::yaml::push_segment(&mut inner, key);
                difference_below(x, y, &inner)
            })
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return differ();
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(idx, (x, y))| difference_below(x, y, &format!("{pointer}/{idx}")))
        }
        (a, b) if a == b => None,
        _ => differ(),
    }
}

#[cfg(test)]
mod tests {
    use super::verify_same_meaning;
    use crate::FormatError;

    #[test]
    fn a_requoting_hazard_is_caught_with_its_place() {
        let error = verify_same_meaning("a:\n  b: \"1.0\"\n", "a:\n  b: 1.0\n");
        let Err(FormatError::WouldChangeMeaning { at, what }) = error else {
            panic!("{error:?}");
        };
        assert_eq!((at.line, at.column), (2, 6));
        assert_eq!(what, "the value at /a/b from \"1.0\" to 1.0");
    }

    #[test]
    fn key_order_and_comments_count() {
        assert!(verify_same_meaning("a: 1\nb: 2\n", "b: 2\na: 1\n").is_err());
        assert!(verify_same_meaning("a: 1 # x\n", "a: 1\n").is_err());
        assert!(verify_same_meaning("a:   1   # x\r\n", "a: 1 # x\n").is_ok());
    }
}
