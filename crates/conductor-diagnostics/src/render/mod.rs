//! Renderers: pure functions from diagnostics and the files they point into to text, one file
//! per output format (human, json, github, sarif, gitlab).
//!
//! Every renderer sorts the diagnostics into rendering order itself
//! ([`crate::Diagnostic::rendering_order`]: file, byte offset, code, message), so the output
//! does not depend on the order in which stages reported them; clamps spans that lie outside
//! their file or split a character; and leaves out labels whose file is not in the map. None
//! writes anywhere: each returns a `String` for the caller to print.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use crate::diagnostic::Diagnostic;

/// The message followed by `help: …` and `note: …` lines, for formats that have a single
/// message field (github, sarif).
pub(crate) fn message_with_help(diag: &Diagnostic) -> String {
    let mut text = diag.message().to_string();
    if let Some(help) = diag.help() {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    if let Some(note) = diag.note() {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    text
}
