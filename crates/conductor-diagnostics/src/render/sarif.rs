//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules[]` lists every code of the catalogue in catalogue order
//! (`id` = code, `name`, `shortDescription` = summary, `fullDescription` and `help` = the
//! explanation page, `defaultConfiguration.level` = default severity; retired codes have
//! `enabled: false`), so `ruleIndex` is the code's position in [`Code::ALL`]. Each result has
//! `ruleId`, `ruleIndex`, `level`, the message (with the help and note on lines of their own),
//! the primary label as its one location and the secondary labels as `relatedLocations`.
//!
//! `run.columnKind` is `unicodeCodePoints`: columns, `charOffset` and `charLength` count
//! Unicode code points, the unit of every other output (not UTF-16 code units, SARIF's other
//! choice). Artifact URIs are the files' display names, relative, percent-encoded where a
//! character is not allowed in a URI.

use conductor_source::SourceMap;
use serde_json::{Value, json};

use crate::codes::{Code, Severity};
use crate::diagnostic::{Diagnostic, sorted};
use crate::location::Location;
use crate::render::message_with_help;

/// The SARIF schema URI written as `$schema` (OASIS SARIF 2.1.0, errata 01).
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// What the SARIF log says about the tool.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SarifOptions {
    /// `tool.driver.version`, e.g. the crate version; omitted when `None`.
    pub tool_version: Option<String>,
    /// `tool.driver.informationUri`, an absolute URI of the tool's home page; omitted when
    /// `None`.
    pub information_uri: Option<String>,
}

/// Renders `diagnostics` (sorted by the function) as a SARIF 2.1.0 log, indented, ending with
/// a line break. Labels whose file is not in `map` are left out.
pub fn render_sarif(diagnostics: &[Diagnostic], map: &SourceMap, options: &SarifOptions) -> String {
    let mut driver = serde_json::Map::new();
    driver.insert("name".into(), json!("conductor-apply"));
    if let Some(version) = &options.tool_version {
        driver.insert("version".into(), json!(version));
    }
    if let Some(uri) = &options.information_uri {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(Code::ALL.iter().map(|code| rule(*code)).collect()),
    );

    let results: Vec<Value> = sorted(diagnostics)
        .into_iter()
        .map(|diag| result(diag, map))
        .collect();

    let log = json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": Value::Object(driver)},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    // A `Value` always serialises.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The `reportingDescriptor` of one code.
fn rule(code: Code) -> Value {
    let info = code.info();
    json!({
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.explanation, "markdown": info.explanation},
        "help": {"text": info.explanation, "markdown": info.explanation},
        "defaultConfiguration": {
            "enabled": !info.removed,
            "level": level(info.severity),
        },
        "properties": {"tags": [info.stage.as_str()]},
    })
}

fn result(diag: &Diagnostic, map: &SourceMap) -> Value {
    let rule_index = Code::ALL
        .iter()
        .position(|code| *code == diag.code())
        .unwrap_or(0);
    let mut result = serde_json::Map::new();
    result.insert("ruleId".into(), json!(diag.code().as_str()));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(diag.severity())));
    result.insert("message".into(), json!({"text": message_with_help(diag)}));
    if let Some(location) = diag
        .primary()
        .and_then(|label| Location::resolve(label, map))
    {
        result.insert("locations".into(), json!([sarif_location(&location, None)]));
    }
    let related: Vec<Value> = diag
        .secondary()
        .iter()
        .filter_map(|label| Location::resolve(label, map))
        .enumerate()
        .map(|(idx, location)| sarif_location(&location, Some(idx)))
        .collect();
    if !related.is_empty() {
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    Value::Object(result)
}

/// A SARIF `location`; related locations carry an `id` (their index among the secondary
/// labels that resolved).
fn sarif_location(location: &Location<'_>, id: Option<usize>) -> Value {
    let mut value = serde_json::Map::new();
    if let Some(id) = id {
        value.insert("id".into(), json!(id));
    }
    value.insert(
        "physicalLocation".into(),
        json!({
            "artifactLocation": {"uri": relative_uri(location.file.name())},
            "region": {
                "startLine": location.start.line,
                "startColumn": location.start.column,
                "endLine": location.end.line,
                "endColumn": location.end.column,
                "charOffset": location.char_offset(),
                "charLength": location.char_length(),
            }
        }),
    );
    if let Some(message) = location.message {
        value.insert("message".into(), json!({"text": message}));
    }
    Value::Object(value)
}

/// A relative URI reference for a file name: backslashes become slashes, and every byte that
/// is not an unreserved character or `/` is percent-encoded (so `a b.yaml` → `a%20b.yaml`).
fn relative_uri(name: &str) -> String {
    let mut uri = String::with_capacity(name.len());
    for byte in name.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_relative() {
        assert_eq!(relative_uri("workflows/a.yaml"), "workflows/a.yaml");
        assert_eq!(relative_uri("dir\\a b.yaml"), "dir/a%20b.yaml");
        assert_eq!(relative_uri("é:%.yaml"), "%C3%A9%3A%25.yaml");
    }
}
