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

/// Up to this many names, [`NameIndex::suggest`] compares every one, as [`suggest`] does.
pub const FULL_SCAN_LIMIT: usize = 32;

/// Many did-you-mean lookups over one list of names, such as a project's task definitions
/// or workflows, for the unknown references of a whole run (CA601, CA602).
///
/// [`suggest`] compares the candidate with every name: for a reference per workflow, the cost
/// grows with the square of the project (a run over 1,000 real workflows spent 83 % of its
/// instructions there). The index answers as [`suggest`] does, ranking by the same scores,
/// but beyond [`FULL_SCAN_LIMIT`] names it compares only the names that can be a typo of the
/// candidate: equal but for case, starting with it, or within a few edits (one character
/// deleted from the name and up to two from the candidate give the same text: every single
/// edit or transposition, and most double ones). Those are found through a sorted table of
/// the names' one-deletion variants, so a lookup costs about the square of the candidate's
/// length, whatever the number of names. Answers are cached per candidate.
#[derive(Debug)]
pub struct NameIndex {
    /// The names, sorted and without duplicates.
    names: Vec<String>,
    /// `(folded name, index)`, sorted: case-insensitive and prefix lookups.
    folded: Vec<(String, u32)>,
    /// `(hash of a folded name or of one of its one-deletion variants, index)`, sorted.
    variants: Vec<(u64, u32)>,
    /// Each folded name's character counts ([`CharacterCounts`]), in `names` order, when there
    /// are few enough names to scan them before the variant lookup.
    counts: Vec<CharacterCounts>,
    /// Answers already given.
    cache: std::sync::Mutex<std::collections::BTreeMap<String, Option<String>>>,
}

/// Up to this many names, a lookup first scans every name's character counts: most lookups
/// (a reference to something the project does not define) find no name close enough and
/// skip the variant lookup, which costs about the square of the candidate's length.
const COUNTS_SCAN_LIMIT: usize = 8192;

/// How many times each character occurs in a text, with the characters folded into 32 buckets
/// (so the distance between two of them never exceeds the true one), saturating at 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CharacterCounts([u8; 32]);

impl CharacterCounts {
    fn new(text: &str) -> CharacterCounts {
        let mut counts = [0u8; 32];
        for c in text.chars() {
            let bucket = &mut counts[(u32::from(c) % 32) as usize];
            *bucket = bucket.saturating_add(1);
        }
        CharacterCounts(counts)
    }

    /// A lower bound of the number of characters to delete from either text to make their
    /// counts equal.
    fn distance(&self, other: &CharacterCounts) -> u32 {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum()
    }
}

impl NameIndex {
    /// Indexes `names` (duplicates are fine).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        names.sort();
        names.dedup();
        let mut folded: Vec<(String, u32)> = Vec::with_capacity(names.len());
        let mut variants = Vec::new();
        let mut counts = Vec::new();
        if names.len() > FULL_SCAN_LIMIT && names.len() <= COUNTS_SCAN_LIMIT {
            counts = names
                .iter()
                .map(|name| CharacterCounts::new(&name.to_lowercase()))
                .collect();
        }
        if names.len() > FULL_SCAN_LIMIT {
            for (idx, name) in names.iter().enumerate() {
                let idx = u32::try_from(idx).unwrap_or(u32::MAX);
                let lower = name.to_lowercase();
                let hashes = VariantHashes::new(&lower);
                variants.push((hashes.whole(), idx));
                for skip in 0..hashes.len() {
                    variants.push((hashes.without(skip), idx));
                }
                folded.push((lower, idx));
            }
            folded.sort();
            variants.sort_unstable();
            variants.dedup();
        }
        NameIndex {
            names,
            folded,
            variants,
            counts,
            cache: std::sync::Mutex::new(std::collections::BTreeMap::new()),
        }
    }

    /// The name most likely meant by `candidate`, as [`suggest`] ranks them.
    pub fn suggest(&self, candidate: &str) -> Option<String> {
        if self.names.len() <= FULL_SCAN_LIMIT {
            return suggest(candidate, self.names.iter().map(String::as_str));
        }
        if let Ok(cache) = self.cache.lock()
            && let Some(answer) = cache.get(candidate)
        {
            return answer.clone();
        }
        let answer = self.lookup(candidate);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(candidate.to_owned(), answer.clone());
        }
        answer
    }

    fn lookup(&self, candidate: &str) -> Option<String> {
        let folded = candidate.to_lowercase();
        let chars: Vec<char> = folded.chars().collect();
        let mut compared: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
        // Names that start with the candidate (equal but for case included): their distance is
        // the difference in length, no comparison needed.
        let mut best: Option<(Rank, &str)> = None;
        let start = self
            .folded
            .partition_point(|(name, _)| name.as_str() < folded.as_str());
        for (name_folded, idx) in self.folded.get(start..).unwrap_or_default() {
            if !name_folded.starts_with(folded.as_str()) {
                break;
            }
            let Some(name) = self.names.get(*idx as usize) else {
                continue;
            };
            compared.insert(*idx);
            if name == candidate {
                continue;
            }
            let rank = if name_folded.len() == folded.len() {
                Rank::SameIgnoringCase
            } else if chars.len() >= 3 {
                let length = name_folded.chars().count().max(1);
                let distance = length.saturating_sub(chars.len());
                Rank::Similar(1.0 - distance as f64 / length as f64)
            } else {
                let similarity = strsim::normalized_damerau_levenshtein(&folded, name_folded);
                if similarity < SIMILARITY_THRESHOLD {
                    continue;
                }
                Rank::Similar(similarity)
            };
            best = better(best, rank, name);
        }
        // Names within a few edits: a variant of the candidate (itself, one or two characters
        // deleted) equal to a variant of the name (itself, or one character deleted). Such a
        // name's character counts differ from the candidate's by at most three.
        if !self.counts.is_empty() {
            let candidate_counts = CharacterCounts::new(&folded);
            if !self
                .counts
                .iter()
                .any(|counts| counts.distance(&candidate_counts) <= 3)
            {
                return best.map(|(_, name)| name.to_owned());
            }
        }
        let variants = VariantHashes::new(&folded);
        let mut hashes = Vec::with_capacity(1 + chars.len() * (chars.len() + 1) / 2);
        hashes.push(variants.whole());
        for first in 0..chars.len() {
            hashes.push(variants.without(first));
            for second in first + 1..chars.len() {
                hashes.push(variants.without_two(first, second));
            }
        }
        hashes.sort_unstable();
        hashes.dedup();
        for hash in hashes {
            let from = self
                .variants
                .partition_point(|(variant, _)| *variant < hash);
            for (variant, idx) in self.variants.get(from..).unwrap_or_default() {
                if *variant != hash {
                    break;
                }
                if !compared.insert(*idx) {
                    continue;
                }
                let Some(name) = self.names.get(*idx as usize) else {
                    continue;
                };
                if name == candidate {
                    continue;
                }
                let name_folded = name.to_lowercase();
                let similarity = strsim::normalized_damerau_levenshtein(&folded, &name_folded);
                if similarity < SIMILARITY_THRESHOLD {
                    continue;
                }
                best = better(best, Rank::Similar(similarity), name);
            }
        }
        best.map(|(_, name)| name.to_owned())
    }
}

/// The better of the best so far and `name` with `rank`: the higher rank, then the name that
/// sorts first (as [`suggest`] decides).
fn better<'n>(best: Option<(Rank, &'n str)>, rank: Rank, name: &'n str) -> Option<(Rank, &'n str)> {
    match best {
        None => Some((rank, name)),
        Some((best_rank, best_name)) => match rank.compare(&best_rank) {
            std::cmp::Ordering::Greater => Some((rank, name)),
            std::cmp::Ordering::Equal if name < best_name => Some((rank, name)),
            _ => Some((best_rank, best_name)),
        },
    }
}

/// Polynomial hashes of a text and of the texts left when one or two characters are deleted,
/// each in constant time from prefix hashes (arithmetic modulo 2^64; a collision only costs a
/// comparison).
struct VariantHashes {
    /// `prefix[i]`: the hash of the first `i` characters.
    prefix: Vec<u64>,
    /// `power[i]`: the base to the `i`-th power.
    power: Vec<u64>,
}

impl VariantHashes {
    const BASE: u64 = 0x100_0000_01b3;

    fn new(text: &str) -> VariantHashes {
        let mut prefix = vec![0u64];
        let mut power = vec![1u64];
        let mut hash = 0u64;
        let mut base = 1u64;
        for c in text.chars() {
            hash = hash.wrapping_mul(Self::BASE).wrapping_add(u64::from(c) + 1);
            base = base.wrapping_mul(Self::BASE);
            prefix.push(hash);
            power.push(base);
        }
        VariantHashes { prefix, power }
    }

    /// The number of characters.
    fn len(&self) -> usize {
        self.prefix.len().saturating_sub(1)
    }

    /// The hash of characters `from..to`.
    fn range(&self, from: usize, to: usize) -> u64 {
        let end = self.prefix.get(to).copied().unwrap_or_default();
        let start = self.prefix.get(from).copied().unwrap_or_default();
        let power = self
            .power
            .get(to.saturating_sub(from))
            .copied()
            .unwrap_or_default();
        end.wrapping_sub(start.wrapping_mul(power))
    }

    /// Joins the hashes of two consecutive pieces, the second `len` characters long.
    fn join(&self, first: u64, second: u64, len: usize) -> u64 {
        let power = self.power.get(len).copied().unwrap_or_default();
        first.wrapping_mul(power).wrapping_add(second)
    }

    fn whole(&self) -> u64 {
        self.range(0, self.len())
    }

    /// Without the character at `skip`.
    fn without(&self, skip: usize) -> u64 {
        let n = self.len();
        let tail = n.saturating_sub(skip + 1);
        self.join(self.range(0, skip), self.range(skip + 1, n), tail)
    }

    /// Without the characters at `first` and `second` (`first < second`).
    fn without_two(&self, first: usize, second: usize) -> u64 {
        let n = self.len();
        let middle = second.saturating_sub(first + 1);
        let head = self.join(self.range(0, first), self.range(first + 1, second), middle);
        self.join(
            head,
            self.range(second + 1, n),
            n.saturating_sub(second + 1),
        )
    }
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

    #[test]
    fn the_index_answers_as_suggest_for_typos() {
        let mut names: Vec<String> = (0..1000).map(|n| format!("order_step_{n}")).collect();
        names.extend(
            [
                "charge_card",
                "ship_order",
                "notify_customer",
                "Refund",
                "fraud_check",
            ]
            .map(str::to_owned),
        );
        let index = NameIndex::new(names.iter().map(String::as_str));
        for candidate in [
            "chrage_card",
            "ship_ordr",
            "notify_custmer",
            "refund",
            "fraud",
            "order_step_12x",
            "ordr_step_7",
            "charge_card",
            "zzz",
        ] {
            assert_eq!(
                index.suggest(candidate),
                suggest(candidate, names.iter().map(String::as_str)),
                "{candidate}"
            );
            // Cached answers are the same.
            assert_eq!(
                index.suggest(candidate),
                suggest(candidate, names.iter().map(String::as_str)),
                "{candidate}"
            );
        }
    }

    /// Skipping the variant lookup when no name's character counts are close enough never
    /// changes an answer: candidates one to four edits away from 64 names, and others.
    #[test]
    fn the_counts_scan_never_changes_an_answer() {
        let names: Vec<String> = (0..64)
            .map(|n| format!("{}_task_{n}", ["load", "Notify", "charge", "ship"][n % 4]))
            .collect();
        let with_counts = NameIndex::new(names.iter().map(String::as_str));
        assert!(!with_counts.counts.is_empty());
        let mut without_counts = NameIndex::new(names.iter().map(String::as_str));
        without_counts.counts.clear();
        let mut seed = 7u64;
        let mut next = move |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % bound.max(1)
        };
        let mut found = 0;
        for round in 0..2000 {
            let mut candidate: Vec<char> = names[next(names.len())].chars().collect();
            for _ in 0..1 + round % 4 {
                let at = next(candidate.len());
                match next(4) {
                    0 => {
                        candidate.remove(at);
                    }
                    1 => candidate.insert(at, ['x', '_', 'A', '7'][next(4)]),
                    2 => candidate[at] = ['y', '-', 'B', '9'][next(4)],
                    _ if at + 1 < candidate.len() => candidate.swap(at, at + 1),
                    _ => {}
                }
            }
            let candidate: String = candidate.into_iter().collect();
            let answer = with_counts.lookup(&candidate);
            found += usize::from(answer.is_some());
            assert_eq!(answer, without_counts.lookup(&candidate), "{candidate}");
        }
        assert!(found > 500, "{found}");
        assert_eq!(
            with_counts.lookup("integration_task_1_1"),
            without_counts.lookup("integration_task_1_1")
        );
    }

    #[test]
    fn small_lists_are_scanned_whole() {
        let index = NameIndex::new(["payment_process", "ship"]);
        // Two substitutions: found by comparing every name.
        assert_eq!(
            index.suggest("paymant_procass").as_deref(),
            Some("payment_process")
        );
    }

    #[test]
    fn variant_hashes_are_the_hashes_of_the_variants() {
        let text = "chargé_card";
        let chars: Vec<char> = text.chars().collect();
        let hashes = VariantHashes::new(text);
        let of = |keep: &dyn Fn(usize) -> bool| {
            let variant: String = chars
                .iter()
                .enumerate()
                .filter(|(at, _)| keep(*at))
                .map(|(_, c)| *c)
                .collect();
            VariantHashes::new(&variant).whole()
        };
        for first in 0..chars.len() {
            assert_eq!(hashes.without(first), of(&|at| at != first));
            for second in first + 1..chars.len() {
                assert_eq!(
                    hashes.without_two(first, second),
                    of(&|at| at != first && at != second)
                );
            }
        }
    }
}
