//! The GitLab Code Quality format: a JSON array of issues, which GitLab shows in the merge
//! request's Code Quality widget and on the changed lines of its diff
//! (`artifacts: reports: codequality:` in `.gitlab-ci.yml`).
//!
//! ```json
//! [
//!   {
//!     "description": "unknown task reference `prise`",
//!     "check_name": "CA401 unknown-task-reference",
//!     "fingerprint": "3f1c…",
//!     "severity": "major",
//!     "location": {"path": "workflows/orders.yaml", "positions": {"begin": {"line": 15, "column": 12}, "end": {"line": 15, "column": 17}}},
//!     "content": {"body": "help: …"}
//!   }
//! ]
//! ```
//!
//! GitLab reads the subset of the Code Climate issue that is written here. Error → `major`,
//! warning → `minor`, note → `info` (GitLab ranks `critical` and `blocker` above, which this
//! tool does not use). The help and the note go to `content.body`, which GitLab shows as
//! Markdown under the description. A diagnostic without a location points at line 1 of `.`.
//!
//! The fingerprint tells GitLab which issues of a merge request are new against its target
//! branch, so it must not change when unrelated lines move: it is a hash of the code, the file,
//! the message and how many identical (code, file, message) issues come before it, not of the
//! line. Two identical problems in one file stay two issues.

use std::collections::HashMap;

use conductor_source::SourceMap;
use serde_json::{Value, json};

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, sorted};
use crate::location::Location;

/// Renders `diagnostics` (sorted by the function) as a GitLab Code Quality report, indented,
/// ending with a line break.
pub fn render_gitlab(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let issues: Vec<Value> = sorted(diagnostics)
        .into_iter()
        .map(|diag| {
            let location = diag
                .primary()
                .and_then(|label| Location::resolve(label, map));
            let path = location
                .as_ref()
                .map(|location| location.file.name().to_owned())
                .unwrap_or_else(|| ".".to_owned());
            let code = diag.code().to_string();
            let message = diag.message().to_string();
            let occurrence = seen
                .entry((code.clone(), path.clone(), message.clone()))
                .and_modify(|count| *count += 1)
                .or_insert(0);
            let fingerprint = fingerprint(&[&code, &path, &message, &occurrence.to_string()]);
            let positions = match &location {
                Some(location) => json!({
                    "begin": {"line": location.start.line, "column": location.start.column},
                    "end": {"line": location.end.line, "column": location.end.column},
                }),
                None => json!({"begin": {"line": 1, "column": 1}}),
            };
            let mut issue = json!({
                "type": "issue",
                "description": message,
                "check_name": code,
                "fingerprint": fingerprint,
                "severity": match diag.severity() {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                "location": {"path": path, "positions": positions},
            });
            let body: Vec<String> = [("help", diag.help()), ("note", diag.note())]
                .into_iter()
                .filter_map(|(label, text)| text.map(|text| format!("{label}: {text}")))
                .collect();
            if !body.is_empty() {
                issue["content"] = json!({"body": body.join("\n\n")});
            }
            issue
        })
        .collect();
    let mut text =
        serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// The first 32 hexadecimal digits of the SHA-256 of the parts joined by NUL bytes, as the
/// plan's stamps hash definitions: stable across runs, platforms and versions.
fn fingerprint(parts: &[&str]) -> String {
    let joined = parts.join("\0");
    let hash = ring::digest::digest(&ring::digest::SHA256, joined.as_bytes());
    hash.as_ref()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use conductor_source::SourceFile;

    #[test]
    fn identical_problems_get_different_fingerprints_that_do_not_depend_on_lines() {
        let mut map = SourceMap::new();
        let text = "a: 1\nb: 1\n";
        let file = map.add(SourceFile::new("w.yaml", "w.yaml", text));
        let twice = [
            Diagnostic::new(Code::UnknownKey, "unknown key").with_primary(file, 0..1, ""),
            Diagnostic::new(Code::UnknownKey, "unknown key").with_primary(file, 5..6, ""),
        ];
        let report: Value = serde_json::from_str(&render_gitlab(&twice, &map)).expect("JSON");
        let first = report[0]["fingerprint"].as_str().expect("fingerprint");
        let second = report[1]["fingerprint"].as_str().expect("fingerprint");
        assert_ne!(first, second);
        assert_eq!(first.len(), 32);
        // The same problem two lines lower keeps its fingerprint.
        let mut moved = SourceMap::new();
        let file = moved.add(SourceFile::new("w.yaml", "w.yaml", "\n\na: 1\n"));
        let lower = [Diagnostic::new(Code::UnknownKey, "unknown key").with_primary(file, 2..3, "")];
        let report: Value = serde_json::from_str(&render_gitlab(&lower, &moved)).expect("JSON");
        assert_eq!(report[0]["fingerprint"].as_str(), Some(first));
        assert_eq!(report[0]["location"]["positions"]["begin"]["line"], 3);
    }
}
