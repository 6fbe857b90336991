//! The plan as markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use crate::plan::{Action, Plan};
use crate::render::{field_line, origin_text, summary_line};

/// The plan as GitHub-flavoured markdown, ending with a line break.
pub fn render_plan_markdown(plan: &Plan) -> String {
    let mut out = String::from("### conductor-apply plan\n\n");
    if !plan.has_changes() {
        out.push_str(&format!(
            "**No changes.** {} definitions match `{}`.\n",
            plan.summary.unchanged,
            cell(&plan.server_label())
        ));
    } else {
        out.push_str(&format!(
            "**{}** Server: `{}`\n\n",
            summary_line(&plan.summary),
            cell(&plan.server_label())
        ));
        out.push_str("| | Definition | Source | Note |\n|---|---|---|---|\n");
        for change in &plan.changes {
            let action = match change.action {
                Action::Create => "🟢 `+` create",
                Action::Update => "🟡 `~` update",
                Action::Delete => "🔴 `-` delete",
            };
            out.push_str(&format!(
                "| {action} | {} | {} | {} |\n",
                cell(&change.resource.to_string()),
                change
                    .source
                    .as_ref()
                    .map(|s| format!("`{}`", cell(&s.file)))
                    .unwrap_or_default(),
                change.origin.map(origin_text).unwrap_or_default()
            ));
        }
        for change in plan.changes.iter().filter(|c| !c.fields.is_empty()) {
            out.push_str(&format!(
                "\n<details><summary>{}: {} field{} differ{}</summary>\n\n```diff\n",
                html(&change.resource.to_string()),
                change.fields.len(),
                if change.fields.len() == 1 { "" } else { "s" },
                if change.fields.len() == 1 { "s" } else { "" },
            ));
            for field in &change.fields {
                out.push_str(&field_line(field).replace("```", "`\u{200b}``"));
                out.push('\n');
            }
            out.push_str("```\n\n</details>\n");
        }
    }
    if let Some(inventory) = &plan.inventory {
        out.push_str(&format!(
            "\nThe inventory of project `{}` records {} definitions.\n",
            cell(&inventory.project),
            inventory.members
        ));
    }
    if !plan.prunable.is_empty() {
        out.push_str(&format!(
            "\n{} managed definition(s) in prune scope are not in the project; `--prune` would delete them:\n\n",
            plan.prunable.len()
        ));
        for resource in &plan.prunable {
            out.push_str(&format!("- {}\n", cell(&resource.to_string())));
        }
    }
    for note in &plan.notes {
        out.push_str(&format!("\n> **Note:** {}\n", html(&cell(note))));
    }
    out
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Text safe inside HTML.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
