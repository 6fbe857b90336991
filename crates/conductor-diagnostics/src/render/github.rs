//! The GitHub Actions format: one workflow command per diagnostic, which GitHub shows as an
//! annotation on the pull request's diff.
//!
//! ```text
//! ::error file=workflows/a.yaml,line=7,col=5,endLine=7,endColumn=9,title=CA102 duplicate-key::duplicate key `name`%0Ahelp: remove one of the two entries
//! ```
//!
//! Error → `::error`, warning → `::warning`, note → `::notice`. `endColumn` is exclusive, like
//! the JSON and SARIF formats' ends. The message carries the help and the note on lines of
//! their own (`help: …`, `note: …`). Secondary labels are not shown: an annotation has one
//! place. A diagnostic without a location has only the `title` property.
//!
//! Escaping follows GitHub's runner: in the message `%`, `\r` and `\n` become `%25`, `%0D`,
//! `%0A`; in property values `:` and `,` also become `%3A` and `%2C`.

use std::fmt::Write as _;

use conductor_source::SourceMap;

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, sorted};
use crate::location::Location;
use crate::render::message_with_help;

/// Renders `diagnostics` (sorted by the function) as GitHub workflow commands, one line each,
/// every line ending with a line break.
pub fn render_github(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    let mut out = String::new();
    for diag in sorted(diagnostics) {
        let command = match diag.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(location) = diag
            .primary()
            .and_then(|label| Location::resolve(label, map))
        {
            properties.push(format!("file={}", escape_property(location.file.name())));
            properties.push(format!("line={}", location.start.line));
            properties.push(format!("col={}", location.start.column));
            properties.push(format!("endLine={}", location.end.line));
            properties.push(format!("endColumn={}", location.end.column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&diag.code().to_string())
        ));
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message_with_help(diag))
        );
    }
    out
}

/// Escapes a command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("100% a\r\nb: c,d"), "100%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
