//! The plan as JSON: the document itself (schema `schemas/plan.schema.json`), which is also
//! what `plan --out` saves.

use crate::plan::Plan;

/// Pretty JSON with a final newline.
pub fn render_plan_json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
