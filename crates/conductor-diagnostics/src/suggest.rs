//! Did-you-mean: the one helper every stage uses to suggest a valid name for a wrong one, and
//! the formatter for "available: …" lists.

/// The least normalized Damerau–Levenshtein similarity (0 = nothing alike, 1 = equal) at which
/// a name is suggested. `taskRefName` → `taskReferenceName` scores 0.65, `chrage` → `charge`
/// 0.83; at 0.6 two unrelated four-letter words (`name`, `type`: 0.5) are not suggested.
pub const SIMILARITY_THRESHOLD: f64 = 0.6;

/// How many names [`format_available`] shows before it says "and N more".
pub const AVAILABLE_LIMIT: usize = 8;

/// The name in `valid` that `candidate` was most likely meant to be, if any is close enough.
///
/// A name is suggested when it
/// - equals `candidate` ignoring case (`Tasks` → `tasks`), which wins over everything else;
/// - has a normalized Damerau–Levenshtein similarity of at least [`SIMILARITY_THRESHOLD`],
///   compared ignoring case (`tsks` → `tasks`, `ouput` → `output`); or
/// - starts with `candidate`, ignoring case, when `candidate` has at least three characters
///   (`taskRef` → `taskReferenceName`).
///
/// Among several, the most similar wins; ties go to the name that sorts first, so the result
/// does not depend on the order of `valid`. A name equal to `candidate` is never suggested
/// (it is not a typo). Pass only the names that are valid at that point, so that the
/// suggestion is one the user can actually write.
pub fn suggest<'a>(candidate: &str, valid: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let folded = candidate.to_lowercase();
    let mut best: Option<(Rank, &str)> = None;
    for name in valid {
        if name == candidate {
            continue;
        }
        let name_folded = name.to_lowercase();
        let similarity = strsim::normalized_damerau_levenshtein(&folded, &name_folded);
        let rank = if name_folded == folded {
            Rank::SameIgnoringCase
        } else if similarity >= SIMILARITY_THRESHOLD
            || (folded.chars().count() >= 3 && name_folded.starts_with(&folded))
        {
            Rank::Similar(similarity)
        } else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((best_rank, best_name)) => match rank.compare(best_rank) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => name < *best_name,
            },
        };
        if better {
            best = Some((rank, name));
        }
    }
    best.map(|(_, name)| name.to_string())
}

/// How good a suggestion is; a higher rank wins.
#[derive(Debug, Clone, Copy)]
enum Rank {
    /// Similar by edit distance or prefix, with the similarity score.
    Similar(f64),
    /// Equal but for case.
    SameIgnoringCase,
}

impl Rank {
    fn compare(&self, other: &Rank) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, other) {
            (Rank::SameIgnoringCase, Rank::SameIgnoringCase) => Ordering::Equal,
            (Rank::SameIgnoringCase, Rank::Similar(_)) => Ordering::Greater,
            (Rank::Similar(_), Rank::SameIgnoringCase) => Ordering::Less,
            (Rank::Similar(a), Rank::Similar(b)) => a.total_cmp(b),
        }
    }
}

/// `` available: `a`, `b`, `c` `` for the names valid at a place, in the order given (pass
/// them in a deterministic order, e.g. declaration order or sorted). Lists longer than
/// [`AVAILABLE_LIMIT`] are cut: `` available: `a`, …, `h`, and 12 more ``. An empty list gives
/// `none available`.
pub fn format_available<'a>(valid: impl IntoIterator<Item = &'a str>) -> String {
    format_available_with_limit(valid, AVAILABLE_LIMIT)
}

/// [`format_available`] with a limit of your choosing (at least one name is always shown).
pub fn format_available_with_limit<'a>(
    valid: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> String {
    let limit = limit.max(1);
    let mut shown = Vec::new();
    let mut hidden = 0usize;
    for name in valid {
        if shown.len() < limit {
            shown.push(format!("`{name}`"));
        } else {
            hidden += 1;
        }
    }
    if shown.is_empty() {
        return "none available".to_string();
    }
    let mut text = format!("available: {}", shown.join(", "));
    if hidden > 0 {
        text.push_str(&format!(", and {hidden} more"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(candidate: &str, valid: &[&str], expected: Option<&str>) {
        assert_eq!(
            suggest(candidate, valid.iter().copied()).as_deref(),
            expected,
            "suggest({candidate:?}, {valid:?})"
        );
    }

    #[test]
    fn typos_within_the_threshold() {
        check("tsks", &["tasks", "inputs", "output"], Some("tasks"));
        check("chrage", &["charge", "ship"], Some("charge"));
        check("ouput", &["output", "input"], Some("output"));
        check("methd", &["method", "uri", "body"], Some("method"));
        check("INLNE", &["INLINE", "SIMPLE", "HTTP"], Some("INLINE"));
        check(
            "taskRefName",
            &["taskReferenceName", "name"],
            Some("taskReferenceName"),
        );
    }

    #[test]
    fn case_insensitive_match_wins() {
        check("Tasks", &["tasks", "Task"], Some("tasks"));
        check(
            "ownerEmail",
            &["owneremail", "ownerEmails"],
            Some("owneremail"),
        );
    }

    #[test]
    fn prefixes_of_three_or_more_characters() {
        check(
            "taskRef",
            &["taskReferenceName", "type"],
            Some("taskReferenceName"),
        );
        check("ta", &["taskReferenceName"], None);
    }

    #[test]
    fn nothing_close_gives_none() {
        check("name", &["type"], None);
        check("zzz", &["tasks", "inputs"], None);
        check("anything", &[], None);
        check("tasks", &["tasks"], None);
    }

    #[test]
    fn ties_do_not_depend_on_input_order() {
        check("cat", &["bat", "car"], Some("bat"));
        check("cat", &["car", "bat"], Some("bat"));
    }

    #[test]
    fn available_lists_are_cut() {
        assert_eq!(format_available(["a", "b"]), "available: `a`, `b`");
        assert_eq!(format_available([]), "none available");
        let many = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        assert_eq!(
            format_available(many),
            "available: `a`, `b`, `c`, `d`, `e`, `f`, `g`, `h`, and 2 more"
        );
        assert_eq!(
            format_available_with_limit(["a", "b", "c"], 0),
            "available: `a`, and 2 more"
        );
    }
}
