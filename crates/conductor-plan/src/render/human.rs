//! The plan as text for a terminal, in the manner of Terraform: the summary line, then each
//! change with `+`/`~`/`-` and only the fields that differ.

use crate::plan::{Action, Plan};
use crate::render::{field_line, origin_text, summary_line};

/// Options of the human view.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanPlanOptions {
    /// Colour with ANSI escapes.
    pub color: bool,
}

const GREEN: &str = "\u{1b}[32m";
const YELLOW: &str = "\u{1b}[33m";
const RED: &str = "\u{1b}[31m";
const BOLD: &str = "\u{1b}[1m";
const DIM: &str = "\u{1b}[2m";
const RESET: &str = "\u{1b}[0m";

/// The plan as text, ending with a line break.
pub fn render_plan_human(plan: &Plan, options: HumanPlanOptions) -> String {
    let paint = |code: &str, text: &str| {
        if options.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    if let Some(environment) = &plan.environment {
        out.push_str(&paint(BOLD, &format!("Environment: {environment}")));
        out.push('\n');
    }
    if !plan.has_changes() {
        out.push_str(&paint(BOLD, "No changes."));
        out.push_str(&format!(
            " {} definition{} match{} {}.\n",
            plan.summary.unchanged,
            if plan.summary.unchanged == 1 { "" } else { "s" },
            if plan.summary.unchanged == 1 {
                "es"
            } else {
                ""
            },
            plan.server_label()
        ));
    } else {
        out.push_str(&paint(BOLD, &summary_line(&plan.summary)));
        out.push_str(&format!(" Server: {}\n\n", plan.server_label()));
        for change in &plan.changes {
            let colour = match change.action {
                Action::Create => GREEN,
                Action::Update => YELLOW,
                Action::Delete => RED,
            };
            let mut head = format!(
                "  {} {}",
                paint(colour, change.action.symbol()),
                change.resource
            );
            if let Some(origin) = change.origin {
                head.push_str(&format!(" ({})", origin_text(origin)));
            }
            if let Some(source) = &change.source {
                head.push_str(&paint(DIM, &format!("  {}", source.file)));
            }
            out.push_str(&head);
            out.push('\n');
            for field in &change.fields {
                let line = field_line(field);
                let colour = match field.action.symbol() {
                    "+" => GREEN,
                    "-" => RED,
                    _ => YELLOW,
                };
                out.push_str(&format!("      {}\n", paint(colour, &line)));
            }
        }
    }
    if let Some(inventory) = &plan.inventory {
        out.push_str(&format!(
            "  {} inventory of project `{}`: records {} definition{} (what this project manages)\n",
            paint(YELLOW, "~"),
            inventory.project,
            inventory.members,
            if inventory.members == 1 { "" } else { "s" }
        ));
    }
    if !plan.prunable.is_empty() {
        out.push_str(&format!(
            "\n{} managed definition{} in prune scope {} not in the project; `--prune` would delete {}:\n",
            plan.prunable.len(),
            if plan.prunable.len() == 1 { "" } else { "s" },
            if plan.prunable.len() == 1 { "is" } else { "are" },
            if plan.prunable.len() == 1 { "it" } else { "them" },
        ));
        for resource in &plan.prunable {
            out.push_str(&format!("  {resource}\n"));
        }
    }
    for note in &plan.notes {
        out.push_str(&format!("\n{} {note}\n", paint(BOLD, "Note:")));
    }
    out
}
