//! Text for `conductor-apply explain`: one code's page, and the list of every code.

use crate::codes::{Code, CodeInfo};

/// One code's page for a terminal:
///
/// ```text
/// CA102 duplicate-key (load, error)
///
/// a mapping defines the same key twice
///
/// ## What it flags
/// …
/// ```
///
/// The header names the stage and default severity, and says `removed` for a retired code.
/// The markdown follows unchanged, ending with one line break.
pub fn explain(code: Code) -> String {
    let info = code.info();
    let mut text = format!("{}\n\n{}\n\n", header(info), info.summary);
    text.push_str(info.explanation.trim_end());
    text.push('\n');
    text
}

/// `CA102 duplicate-key (load, error)`, with `, removed` for a retired code.
fn header(info: &CodeInfo) -> String {
    format!(
        "{} {} ({}, {}{})",
        info.code,
        info.name,
        info.stage,
        info.severity,
        if info.removed { ", removed" } else { "" }
    )
}

/// Every code on its own line, in catalogue order, as columns: code, name, stage, default
/// severity and summary (`explain --list`). Retired codes say `(removed)` after the summary.
/// Each line ends with a line break; columns are padded with spaces, never tabs.
pub fn list_codes() -> String {
    let infos: Vec<&CodeInfo> = Code::infos().collect();
    let name_width = infos.iter().map(|i| i.name.len()).max().unwrap_or(0);
    let stage_width = infos
        .iter()
        .map(|i| i.stage.as_str().len())
        .max()
        .unwrap_or(0);
    let severity_width = infos
        .iter()
        .map(|i| i.severity.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for info in infos {
        let line = format!(
            "{}  {:name_width$}  {:stage_width$}  {:severity_width$}  {}{}",
            info.code,
            info.name,
            info.stage.as_str(),
            info.severity.as_str(),
            info.summary,
            if info.removed { " (removed)" } else { "" },
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_starts_with_header_and_summary() {
        let text = explain(Code::DuplicateKey);
        assert!(text.starts_with(
            "CA102 duplicate-key (load, error)\n\na mapping defines the same key twice\n\n## What it flags\n"
        ));
        assert!(text.ends_with("```\n"));
    }

    #[test]
    fn list_has_one_aligned_line_per_code() {
        let text = list_codes();
        assert_eq!(text.lines().count(), Code::ALL.len());
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("CA001  unknown-test-workflow  "),
            "{first}"
        );
    }
}
