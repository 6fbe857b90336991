//! Durations: `90s`, `5m`, `1h 30m`, `2 days`, or a plain number of seconds.
//!
//! The grammar is the server's own WAIT grammar (contract §3.3, DateTimeUtils.java), so one
//! syntax works everywhere: units in the order days, hours, minutes, seconds, each optional,
//! each an integer followed by `d|day|days`, `h|hr|hrs|hour|hours`,
//! `m|min|mins|minute|minutes` or `s|sec|secs|second|seconds` (case-insensitive), with optional
//! spaces.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A duration as written: a number of seconds or a text such as `5m` or `1h 30m`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Duration {
    /// A plain number of seconds.
    Seconds(u64),
    /// A text duration, validated by [`parse_duration`].
    Text(String),
}

/// Why a duration text is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// The text does not follow the grammar.
    Syntax,
    /// The value does not fit the field.
    TooLarge,
}

impl Duration {
    /// The duration in seconds.
    pub fn seconds(&self) -> Result<u64, DurationError> {
        match self {
            Duration::Seconds(seconds) => Ok(*seconds),
            Duration::Text(text) => parse_duration(text),
        }
    }

    /// The shortest idiomatic spelling of `seconds`: a whole number of days, hours or minutes
    /// when it is one (`2m`, `1h`, `3d`), else seconds (`90s`); zero stays the number 0.
    pub fn from_seconds(seconds: u64) -> Duration {
        const UNITS: [(u64, &str); 3] = [(86_400, "d"), (3_600, "h"), (60, "m")];
        if seconds == 0 {
            return Duration::Seconds(0);
        }
        for (unit, suffix) in UNITS {
            if seconds.is_multiple_of(unit) {
                return Duration::Text(format!("{}{suffix}", seconds / unit));
            }
        }
        Duration::Text(format!("{seconds}s"))
    }
}

const UNIT_SECONDS: [(u64, &[&str]); 4] = [
    (86_400, &["d", "day", "days"]),
    (3_600, &["h", "hr", "hrs", "hour", "hours"]),
    (60, &["m", "min", "mins", "minute", "minutes"]),
    (1, &["s", "sec", "secs", "second", "seconds"]),
];

/// The spaces the server's grammar allows: Java's `\s`, which is ASCII only.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C')
}

/// [`is_space`] in the schema's pattern. Written out rather than as `\s`: validators translate
/// each `\s` of a pattern into a Unicode class one at a time, re-reading the whole pattern
/// after each, which made the duration pattern slower to compile than everything else in
/// the schema together; and `\s` would also allow the Unicode spaces the server refuses.
const SPACE: &str = "[ \\t\\n\\r\\x0B\\x0C]*";

/// Parses a duration text into seconds, with the server's grammar (see the module docs).
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    let mut rest = text.trim_start_matches(is_space);
    let mut total: u64 = 0;
    let mut next_unit = 0;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(DurationError::Syntax);
        }
        let (number, after) = rest.split_at(digits);
        let number: u64 = number.parse().map_err(|_| DurationError::TooLarge)?;
        let after = after.trim_start_matches(is_space);
        let letters = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(letters);
        let unit = unit.to_ascii_lowercase();
        let position = UNIT_SECONDS
            .iter()
            .position(|(_, names)| names.contains(&unit.as_str()))
            .ok_or(DurationError::Syntax)?;
        if position < next_unit {
            return Err(DurationError::Syntax);
        }
        next_unit = position + 1;
        let (unit_seconds, _) = UNIT_SECONDS[position];
        total = number
            .checked_mul(unit_seconds)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or(DurationError::TooLarge)?;
        any = true;
        rest = after.trim_start_matches(is_space);
    }
    if any {
        Ok(total)
    } else {
        Err(DurationError::Syntax)
    }
}

/// The grammar of [`parse_duration`] as an ECMA-262 regular expression, for the JSON Schema.
pub fn duration_pattern() -> String {
    let groups: Vec<String> = UNIT_SECONDS
        .iter()
        .map(|(_, names)| format!("[0-9]+{SPACE}{}{SPACE}", any_case_alternatives(names)))
        .collect();
    // At least one group: the first present group is mandatory, the later ones optional.
    let alternatives: Vec<String> = (0..groups.len())
        .map(|first| {
            let mut pattern = groups[first].clone();
            for later in &groups[first + 1..] {
                pattern.push_str(&format!("(?:{later})?"));
            }
            pattern
        })
        .collect();
    format!("^{SPACE}(?:{})$", alternatives.join("|"))
}

/// A regular expression matching exactly `names` in any case, written as a tree of their
/// shared prefixes (`[mM](?:[iI][nN](?:[uU][tT][eE][sS]?|[sS])?)?` for `m`, `min`, `mins`,
/// `minute`, `minutes`) rather than as a list of them: validators compile this pattern for
/// every duration field, and a pattern a third as long compiles in a third of the time.
fn any_case_alternatives(names: &[&str]) -> String {
    let mut firsts: Vec<char> = names
        .iter()
        .filter_map(|name| name.chars().next())
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    let branches: Vec<String> = firsts
        .iter()
        .map(|&first| {
            let rests: Vec<&str> = names
                .iter()
                .filter_map(|name| name.strip_prefix(first))
                .collect();
            let optional = rests.contains(&"");
            let longer: Vec<&str> = rests
                .iter()
                .copied()
                .filter(|rest| !rest.is_empty())
                .collect();
            let head = format!(
                "[{}{}]",
                first.to_ascii_lowercase(),
                first.to_ascii_uppercase()
            );
            match (longer.as_slice(), optional) {
                ([], _) => head,
                ([single], false) if single.chars().count() == 1 => {
                    format!("{head}{}", any_case_alternatives(&longer))
                }
                (_, false) => format!("{head}(?:{})", any_case_alternatives(&longer)),
                (_, true) => format!("{head}(?:{})?", any_case_alternatives(&longer)),
            }
        })
        .collect();
    match branches.as_slice() {
        [single] => single.clone(),
        _ => format!("(?:{})", branches.join("|")),
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: a number of seconds, or a text of integers with units in the order days, hours, minutes, seconds (`d`, `h`, `m`, `s`, or their long names), such as `90s`, `5m`, `1h 30m` or `2 days`.",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": duration_pattern()}
            ],
            "examples": ["30s", "5m", "1h 30m", 3600]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_server_grammar() {
        for (text, seconds) in [
            ("90s", 90),
            ("5m", 300),
            ("2h", 7_200),
            ("1d", 86_400),
            ("1h 30m", 5_400),
            ("1h30m", 5_400),
            ("2 days", 172_800),
            ("10 Minutes", 600),
            (" 3 HRS ", 10_800),
            ("1d 2h 3m 4s", 93_784),
        ] {
            assert_eq!(parse_duration(text), Ok(seconds), "{text}");
        }
    }

    #[test]
    fn rejects_what_the_server_rejects() {
        for text in [
            "", "5", "5x", "m", "30m 1h", "1h 1h", "-5s", "1.5h", "5 s s",
        ] {
            assert_eq!(parse_duration(text), Err(DurationError::Syntax), "{text:?}");
        }
        assert_eq!(
            parse_duration("99999999999999999999d"),
            Err(DurationError::TooLarge)
        );
    }

    #[test]
    fn pattern_agrees_with_the_parser() {
        let pattern = duration_pattern();
        let schema = serde_json::json!({"type": "string", "pattern": pattern});
        let validator = jsonschema::validator_for(&schema).expect("pattern compiles");
        let mut texts: Vec<String> = [
            "90s",
            "1h 30m",
            "2 days",
            "10 Minutes",
            "1d2h3m4s",
            "5",
            "5x",
            "30m 1h",
            "1h 1h",
            "s",
            "5 minutess",
            "5 mi",
            "5 hrss",
            "5 dayss",
            "5 secondss",
            " 5m ",
            "\t5m\r\n",
            "5\u{a0}m",
            "\u{2003}5m",
            "5m\u{feff}",
            "",
        ]
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
        // Every name of every unit, in three cases, alone and before every name of each
        // other unit (in order or not), with and without a space.
        let names: Vec<&str> = UNIT_SECONDS
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        let cased = |name: &str| {
            [name.to_owned(), name.to_uppercase(), {
                let mut chars = name.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }]
        };
        for first in &names {
            for first in cased(first) {
                texts.push(format!("3{first}"));
                texts.push(format!("3 {first}"));
                texts.push(format!("3{first}x"));
                texts.push(format!("3{}", &first[..first.len() - 1]));
                for second in &names {
                    texts.push(format!("3{first}4{second}"));
                    texts.push(format!("3 {first} 4 {second}"));
                }
            }
        }
        for text in &texts {
            assert_eq!(
                validator.is_valid(&serde_json::json!(text)),
                parse_duration(text).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn idiomatic_spelling() {
        for (seconds, text) in [
            (120, "2m"),
            (3_600, "1h"),
            (90, "90s"),
            (172_800, "2d"),
            (5_400, "90m"),
        ] {
            assert_eq!(Duration::from_seconds(seconds), Duration::Text(text.into()));
        }
        assert_eq!(Duration::from_seconds(0), Duration::Seconds(0));
    }
}
