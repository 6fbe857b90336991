//! Three views of one [`Plan`](crate::Plan): human text, JSON and markdown, and two of an
//! apply's outcome. Pure functions from data to a string; they decide how, never what
//! (style.md §9). Nothing else in this crate calls them.

pub mod apply_report;
pub mod human;
pub mod json;
pub mod markdown;

use serde_json::Value;

use crate::diff::{FieldAction, FieldChange, display_path};
use crate::plan::{Origin, Summary};

/// `Plan: 2 to add, 1 to change, 0 to destroy.`
pub fn summary_line(summary: &Summary) -> String {
    format!(
        "Plan: {} to add, {} to change, {} to destroy.",
        summary.add, summary.change, summary.destroy
    )
}

/// How an update's origin reads.
pub fn origin_text(origin: Origin) -> &'static str {
    match origin {
        Origin::Git => "changed in git",
        Origin::Server => "changed on the server since the last apply (drift)",
        Origin::GitAndServer => "changed in git and on the server since the last apply",
        Origin::Unmanaged => "not managed by conductor-apply yet; apply takes it over",
    }
}

/// One field change as one line: `~ path: before → after`.
pub(crate) fn field_line(field: &FieldChange) -> String {
    let path = display_path(&field.path);
    let symbol = field.action.symbol();
    match field.action {
        FieldAction::Change => format!(
            "{symbol} {path}: {} → {}",
            short(field.before.as_ref()),
            short(field.after.as_ref())
        ),
        FieldAction::Add => format!("{symbol} {path}: {}", described(field.after.as_ref())),
        FieldAction::Remove => format!("{symbol} {path}: {}", described(field.before.as_ref())),
        FieldAction::Move => format!(
            "{symbol} {path}: moved from position {} to {}",
            short(field.before.as_ref()),
            short(field.after.as_ref())
        ),
    }
}

/// A task is described by its type and name; anything else as short JSON.
fn described(value: Option<&Value>) -> String {
    if let Some(task) = value
        && task.get("taskReferenceName").is_some()
        && let Some(name) = task.get("name").and_then(Value::as_str)
    {
        let task_type = task.get("type").and_then(Value::as_str).unwrap_or("SIMPLE");
        return format!("{task_type} task `{name}`");
    }
    short(value)
}

/// Compact JSON, cut to 100 characters.
fn short(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(none)".to_owned();
    };
    let text = value.to_string();
    if text.chars().count() <= 100 {
        text
    } else {
        let cut: String = text.chars().take(97).collect();
        format!("{cut}...")
    }
}
