//! A task definition's page: its retry, timeout, rate and concurrency policy in words, its
//! input and output keys, and the workflows whose tasks use it.

use serde_json::Value;

use super::{Catalogue, GENERATED_NOTE};
use crate::TaskDefSource;
use crate::markdown::{cell, code, link, relative, table, text};
use crate::policy::{concurrency, rate_limit, retries, timeouts};

/// The task-definition document's reference page.
const TASK_DEF_REFERENCE: &str = "reference/documents/task.md";

/// Builds the page of one task definition.
pub(crate) fn task_def_page(
    catalogue: &Catalogue<'_>,
    from: &str,
    source: &TaskDefSource<'_>,
) -> String {
    let def = source.def;
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&format!("# Task definition {}\n\n", code(&def.name)));
    out.push_str(&format!(
        "{} · {}\n\n",
        link("Catalogue", &relative(from, super::CATALOGUE_INDEX)),
        link(
            "Task definition document reference",
            &relative(from, TASK_DEF_REFERENCE)
        )
    ));
    if let Some(description) = def.description.as_deref().filter(|d| !d.is_empty()) {
        out.push_str(&text(description));
        out.push_str("\n\n");
    }
    let mut facts = Vec::new();
    if let Some(owner) = def.owner_email.as_deref().filter(|o| !o.is_empty()) {
        facts.push(format!("**Owner:** {}", text(owner)));
    }
    if let Some(location) = &source.location {
        let shown = code(&location.shown);
        let written = match &location.from_output {
            Some(path) => link(&shown, &relative(from, path)),
            None => shown,
        };
        facts.push(format!("**Defined in:** {written}"));
    }
    for fact in facts {
        out.push_str(&format!("- {fact}\n"));
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }

    out.push_str("## Policy\n\n");
    for line in [
        retries(def),
        timeouts(def),
        rate_limit(def),
        concurrency(def),
    ] {
        out.push_str(&format!(
            "- **{}:** {}\n",
            line.topic,
            capitalise(&line.words)
        ));
    }
    out.push('\n');

    out.push_str("## Inputs and outputs\n\n");
    let keys = |list: &Option<Vec<String>>| -> String {
        match list.as_deref() {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|key| code(key))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "not listed".to_owned(),
        }
    };
    out.push_str(&format!("- **Input keys:** {}\n", keys(&def.input_keys)));
    out.push_str(&format!(
        "- **Output keys:** {}\n\n",
        keys(&def.output_keys)
    ));
    if let Some(template) = def.input_template.as_ref().filter(|t| !t.is_empty()) {
        out.push_str("Default input values (merged under each task's input):\n\n```yaml\n");
        out.push_str(&conductor_source::yaml::to_yaml(&Value::Object(
            template.clone(),
        )));
        out.push_str("```\n\n");
    }

    out.push_str("## Used by\n\n");
    match catalogue.users.get(def.name.as_str()) {
        Some(usages) if !usages.is_empty() => {
            let rows: Vec<Vec<String>> = usages
                .iter()
                .map(|usage| {
                    let mut task = code(usage.task_ref);
                    if !usage.within.is_empty() {
                        task.push_str(&format!("<br><sub>{}</sub>", usage.within));
                    }
                    vec![
                        catalogue.workflow_link(from, usage.workflow),
                        usage.version.to_string(),
                        cell(&task),
                        code(usage.task_type),
                    ]
                })
                .collect();
            out.push_str(&table(&["Workflow", "Version", "Task", "Type"], &rows));
        }
        _ => out.push_str("No workflow in this project uses it.\n"),
    }
    out
}

fn capitalise(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
