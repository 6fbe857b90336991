//! The plan as markdown, for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

use crate::plan::{Action, Kind, Plan, Resource};
use crate::render::{field_line, origin_text, summary_line};

/// The plan as GitHub-flavoured markdown, ending with a line break.
pub fn render_plan_markdown(plan: &Plan) -> String {
    let mut out = String::from("### conductor-apply plan");
    if let Some(environment) = &plan.environment {
        out.push_str(&format!(" for environment {}", code(environment)));
    }
    out.push_str("\n\n");
    if !plan.has_changes() {
        out.push_str(&format!(
            "**No changes.** {} definitions match {}.\n",
            plan.summary.unchanged,
            text(&plan.server_label())
        ));
    } else {
        out.push_str(&format!(
            "**{}** Server: {}\n\n",
            summary_line(&plan.summary),
            text(&plan.server_label())
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
                resource(&change.resource),
                change
                    .source
                    .as_ref()
                    .map(|s| code(&s.file))
                    .unwrap_or_default(),
                change.origin.map(origin_text).unwrap_or_default()
            ));
        }
        for change in plan.changes.iter().filter(|c| !c.fields.is_empty()) {
            out.push_str(&format!(
                "\n<details><summary>{}: {} field{} differ{}</summary>\n\n```diff\n",
                text(&change.resource.to_string()),
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
            "\nThe inventory of project {} records {} definitions.\n",
            code(&inventory.project),
            inventory.members
        ));
    }
    if !plan.prunable.is_empty() {
        out.push_str(&format!(
            "\n{} managed definition(s) in prune scope are not in the project; `--prune` would delete them:\n\n",
            plan.prunable.len()
        ));
        for change_resource in &plan.prunable {
            out.push_str(&format!("- {}\n", resource(change_resource)));
        }
    }
    for note in &plan.notes {
        out.push_str(&format!("\n> **Note:** {}\n", text(note)));
    }
    out
}

// Names come from the definitions, which a pull request can set to anything: each is written
// so that Markdown and HTML read it as plain text, never as a link, an image, a tag, a table
// cell's end or the end of a code span.

/// A definition as `kind `name` vN`, its name a code span.
fn resource(resource: &Resource) -> String {
    match (resource.kind, resource.version) {
        (Kind::Workflow, Some(version)) => format!("workflow {} v{version}", code(&resource.name)),
        (Kind::Workflow, None) => format!("workflow {}", code(&resource.name)),
        (Kind::TaskDef, _) => format!("task definition {}", code(&resource.name)),
    }
}

/// A code span, safe in a table cell; plain escaped text when the name holds a backtick or a
/// control character, which no code span can hold safely.
fn code(name: &str) -> String {
    if name.contains('`') || name.chars().any(char::is_control) || name.is_empty() {
        return text(name);
    }
    format!("`{}`", name.replace('|', "\\|"))
}

/// Text that Markdown and HTML show as it is: ASCII punctuation as character references
/// (decoded by both, active in neither), line breaks as spaces.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            c if c.is_ascii_punctuation()
                && !matches!(c, ',' | ':' | ';' | '/' | '?' | '=' | '@' | '%' | '$' | '^') =>
            {
                out.push_str(&format!("&#{};", c as u32));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_inject_markup() {
        let shown = text("a](http://x) <img src=y> `z` | *b*\nnext");
        for active in ["](", "<img", "`", "|", "*", "\n"] {
            assert!(!shown.contains(active), "{active} in {shown}");
        }
        assert_eq!(code("orders"), "`orders`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert!(!code("x` <b>y</b> `").contains('<'));
    }
}
