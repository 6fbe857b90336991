//! A workflow's page: for each version its description, owner, settings, inputs, outputs and
//! where each comes from, its tasks, a flowchart, and its inline sub-workflows; then the
//! workflows that call it.

use std::collections::BTreeSet;

use conductor_dsl::lower::provenance::Provenance;
use conductor_model::{WorkflowDef, WorkflowDefinitionRef, task_type};
use indexmap::IndexMap;
use serde_json::Value;

use super::tasks::{TaskCells, task_cells, task_reads, value_code, walk_tasks};
use super::{CallKind, Catalogue, GENERATED_NOTE, MAX_INLINE_DEPTH, version_of, within_words};
use crate::WorkflowSource;
use crate::flowchart::{FlowchartLinks, workflow_flowchart};
use crate::markdown::{anchor, cell, code, link, relative, table, text};
use crate::policy::{duration, workflow_timeout_policy};
use crate::reads::{Read, expression_reads};

/// Mermaid's default `maxTextSize`: larger diagrams are not drawn.
const MERMAID_MAX_TEXT: usize = 50_000;
/// Mermaid's default `maxEdges`.
const MERMAID_MAX_EDGES: usize = 500;

/// The workflow document's reference page.
const WORKFLOW_REFERENCE: &str = "reference/documents/workflow.md";

/// Builds the page of the workflow `name`, whose versions are given latest first.
pub(crate) fn workflow_page(
    catalogue: &Catalogue<'_>,
    from: &str,
    name: &str,
    versions: &[&WorkflowSource<'_>],
) -> String {
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&format!("# Workflow {}\n\n", code(name)));
    out.push_str(&format!(
        "{} · {}\n\n",
        link("Catalogue", &relative(from, super::CATALOGUE_INDEX)),
        link(
            "Workflow document reference",
            &relative(from, WORKFLOW_REFERENCE)
        )
    ));
    let several = versions.len() > 1;
    if several {
        let list: Vec<String> = versions
            .iter()
            .enumerate()
            .map(|(idx, source)| {
                let version = version_of(source.def);
                let heading = format!("Version {version}");
                let shown = link(&version.to_string(), &format!("#{}", anchor(&heading)));
                if idx == 0 {
                    format!("{shown} (latest)")
                } else {
                    shown
                }
            })
            .collect();
        out.push_str(&format!("**Versions:** {}\n\n", list.join(", ")));
    }
    for source in versions {
        let level = if several {
            out.push_str(&format!("## Version {}\n\n", version_of(source.def)));
            3
        } else {
            2
        };
        let page = WorkflowPage {
            catalogue,
            from,
            provenance: source.provenance,
        };
        page.definition(&mut out, source.def, "", level, Some(source), 0);
    }
    callers_section(catalogue, from, name, &mut out);
    out
}

struct WorkflowPage<'c, 'a> {
    catalogue: &'c Catalogue<'a>,
    from: &'c str,
    provenance: Option<&'c Provenance>,
}

fn heading(level: usize, title: &str) -> String {
    format!("{} {title}\n\n", "#".repeat(level.min(6)))
}

impl WorkflowPage<'_, '_> {
    /// One workflow definition (a version, or an inline sub-workflow), its sections at `level`.
    fn definition(
        &self,
        out: &mut String,
        def: &WorkflowDef,
        base: &str,
        level: usize,
        source: Option<&WorkflowSource<'_>>,
        inline_depth: usize,
    ) {
        if let Some(description) = def.description.as_deref().filter(|d| !d.is_empty()) {
            out.push_str(&text(description));
            out.push_str("\n\n");
        }
        self.facts(out, def, source);
        let refs = task_refs(def);
        self.inputs(out, def, level);
        self.outputs(out, def, level, &refs);
        self.tasks(out, def, base, level);
        out.push_str(&heading(level, "Flow"));
        let link_to = |name: &str| {
            self.catalogue
                .workflow_page(name)
                .map(|page| relative(self.from, page))
        };
        let chart = workflow_flowchart(def, &FlowchartLinks { workflow: &link_to });
        let edges = chart
            .lines()
            .filter(|line| line.contains("-->") || line.contains("-.->"))
            .count();
        if chart.len() > MERMAID_MAX_TEXT || edges > MERMAID_MAX_EDGES {
            out.push_str(&format!(
                "The flowchart is left out: with {edges} edges and {} characters it is larger than Mermaid draws by default ({MERMAID_MAX_EDGES} edges, {MERMAID_MAX_TEXT} characters). The table above lists every task in order.\n\n",
                chart.len()
            ));
        } else {
            out.push_str("```mermaid\n");
            out.push_str(&chart);
            out.push_str("```\n\n");
        }
        self.inline_definitions(out, def, base, level, inline_depth);
    }

    fn facts(&self, out: &mut String, def: &WorkflowDef, source: Option<&WorkflowSource<'_>>) {
        let mut facts = Vec::new();
        facts.push(format!("**Version:** {}", version_of(def)));
        if let Some(owner) = def.owner_email.as_deref().filter(|o| !o.is_empty()) {
            facts.push(format!("**Owner:** {}", text(owner)));
        }
        if let Some(location) = source.and_then(|source| source.location.as_ref()) {
            let shown = code(&location.shown);
            let written = match &location.from_output {
                Some(path) => link(&shown, &relative(self.from, path)),
                None => shown,
            };
            facts.push(format!("**Defined in:** {written}"));
        }
        let policy = def
            .timeout_policy
            .unwrap_or(conductor_model::WorkflowTimeoutPolicy::AlertOnly);
        match def.timeout_seconds.filter(|seconds| *seconds > 0) {
            Some(seconds) => facts.push(format!(
                "**Timeout:** {}, then {}",
                duration(seconds),
                workflow_timeout_policy(policy)
            )),
            None => facts.push("**Timeout:** none".to_owned()),
        }
        if let Some(failure) = def.failure_workflow.as_deref().filter(|f| !f.is_empty()) {
            let shown = if failure.starts_with('$') {
                format!("named by the input, {}", code(failure))
            } else {
                let version = def.failure_workflow_version.map(|v| v.to_string());
                format!(
                    "{}{}",
                    self.catalogue.workflow_link(self.from, failure),
                    super::tasks::version_words(self.catalogue, failure, version.as_deref())
                )
            };
            facts.push(format!("**Failure workflow:** {shown}"));
        }
        if def.restartable == Some(false) {
            facts.push("**Restartable:** no".to_owned());
        }
        if let Some(config) = &def.rate_limit_config
            && let Some(limit) = config.concurrent_exec_limit.filter(|limit| *limit > 0)
        {
            let key = config
                .rate_limit_key
                .as_deref()
                .map(|key| format!(" per {}", code(key)))
                .unwrap_or_default();
            facts.push(format!(
                "**Rate limit:** at most {limit} running at once{key} (stored, not enforced by the OSS server)"
            ));
        }
        if let Some(variables) = def.variables.as_ref().filter(|v| !v.is_empty()) {
            let names: Vec<String> = variables.keys().map(|key| code(key)).collect();
            facts.push(format!("**Variables:** {}", names.join(", ")));
        }
        for fact in facts {
            out.push_str(&format!("- {fact}\n"));
        }
        out.push('\n');
    }

    fn inputs(&self, out: &mut String, def: &WorkflowDef, level: usize) {
        out.push_str(&heading(level, "Inputs"));
        let declared: Vec<&str> = def
            .input_parameters
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let schema_properties = def
            .input_schema
            .as_ref()
            .and_then(|schema| schema.data.as_ref())
            .and_then(|data| data.get("properties"))
            .and_then(Value::as_object);
        // Every input the workflow mentions: declared, given a default, described by the input
        // schema, or read by an expression; with who reads it.
        let mut inputs: IndexMap<String, Vec<String>> = IndexMap::new();
        for name in &declared {
            inputs.entry((*name).to_owned()).or_default();
        }
        for name in def
            .input_template
            .iter()
            .flat_map(|template| template.keys())
        {
            inputs.entry(name.clone()).or_default();
        }
        for name in schema_properties
            .iter()
            .flat_map(|properties| properties.keys())
        {
            inputs.entry(name.clone()).or_default();
        }
        walk_tasks(&def.tasks, "", &mut |task, _, _| {
            for read in task_reads(task) {
                if let Some(key) = read.workflow_input() {
                    let readers = inputs.entry(key.to_owned()).or_default();
                    let reader = code(&task.task_reference_name);
                    if !readers.contains(&reader) {
                        readers.push(reader);
                    }
                }
            }
        });
        for read in output_reads(def) {
            if let Some(key) = read.workflow_input() {
                let readers = inputs.entry(key.to_owned()).or_default();
                let reader = "the output".to_owned();
                if !readers.contains(&reader) {
                    readers.push(reader);
                }
            }
        }
        if inputs.is_empty() {
            out.push_str("The workflow declares and reads no inputs.\n\n");
            return;
        }
        let rows: Vec<Vec<String>> = inputs
            .iter()
            .map(|(name, readers)| {
                let mut shown = code(name);
                if !declared.contains(&name.as_str()) {
                    shown.push_str(" (not declared)");
                }
                let declared_type = schema_properties
                    .and_then(|properties| properties.get(name))
                    .and_then(|property| property.get("type"))
                    .map(|kind| match kind {
                        Value::String(kind) => code(kind),
                        Value::Array(kinds) => kinds
                            .iter()
                            .filter_map(Value::as_str)
                            .map(code)
                            .collect::<Vec<_>>()
                            .join(" or "),
                        _ => String::new(),
                    })
                    .unwrap_or_default();
                let default = def
                    .input_template
                    .as_ref()
                    .and_then(|template| template.get(name))
                    .map(value_code)
                    .unwrap_or_default();
                vec![
                    cell(&shown),
                    cell(&declared_type),
                    cell(&default),
                    cell(&readers.join(", ")),
                ]
            })
            .collect();
        out.push_str(&table(&["Input", "Type", "Default", "Read by"], &rows));
        out.push('\n');
    }

    fn outputs(&self, out: &mut String, def: &WorkflowDef, level: usize, refs: &BTreeSet<String>) {
        out.push_str(&heading(level, "Outputs"));
        let terminates: Vec<String> = {
            let mut found = Vec::new();
            walk_tasks(&def.tasks, "", &mut |task, _, _| {
                let sets_output = task
                    .input_parameters
                    .as_ref()
                    .is_some_and(|input| input.contains_key("workflowOutput"));
                if task.type_name() == task_type::TERMINATE && sets_output {
                    found.push(code(&task.task_reference_name));
                }
            });
            found
        };
        match def
            .output_parameters
            .as_ref()
            .filter(|output| !output.is_empty())
        {
            Some(output) => {
                let rows: Vec<Vec<String>> = output
                    .iter()
                    .map(|(key, value)| {
                        let reads = expression_reads([value]);
                        let sources: Vec<String> =
                            reads.iter().map(|read| source_words(read, refs)).collect();
                        let comes_from = if sources.is_empty() {
                            "a fixed value".to_owned()
                        } else {
                            sources.join("; ")
                        };
                        vec![code(key), cell(&value_code(value)), cell(&comes_from)]
                    })
                    .collect();
                out.push_str(&table(&["Output", "Value", "Comes from"], &rows));
                out.push('\n');
            }
            None => {
                // Contract §6.10: without output parameters, the output is the last task's.
                match def.tasks.last() {
                    Some(last) => out.push_str(&format!(
                        "No output is declared, so the workflow's output is the output of its last task, {}.\n\n",
                        code(&last.task_reference_name)
                    )),
                    None => out.push_str("No output is declared.\n\n"),
                }
            }
        }
        if !terminates.is_empty() {
            out.push_str(&format!(
                "When {} ends the workflow, its `workflowOutput` becomes the output instead.\n\n",
                terminates.join(" or ")
            ));
        }
    }

    fn tasks(&self, out: &mut String, def: &WorkflowDef, base: &str, level: usize) {
        out.push_str(&heading(level, "Tasks"));
        let mut rows = Vec::new();
        walk_tasks(&def.tasks, base, &mut |task, pointer, within| {
            let TaskCells {
                type_cell,
                task_def_cell,
                details,
            } = task_cells(self.catalogue, self.from, task, pointer, self.provenance);
            let mut reference = code(&task.task_reference_name);
            let place = within_words(within);
            if !place.is_empty() {
                reference.push_str(&format!("<br><sub>{place}</sub>"));
            }
            let reads: Vec<String> = task_reads(task)
                .iter()
                .map(|read| code(&read.path))
                .collect();
            rows.push(vec![
                cell(&reference),
                cell(&type_cell),
                cell(&task_def_cell),
                cell(&details),
                cell(&reads.join("<br>")),
            ]);
        });
        if rows.is_empty() {
            out.push_str("No tasks.\n\n");
            return;
        }
        out.push_str(&table(
            &["Task", "Type", "Task definition", "Does", "Reads"],
            &rows,
        ));
        out.push('\n');
    }

    fn inline_definitions(
        &self,
        out: &mut String,
        def: &WorkflowDef,
        base: &str,
        level: usize,
        inline_depth: usize,
    ) {
        let mut inline = Vec::new();
        walk_tasks(&def.tasks, base, &mut |task, pointer, _| {
            if let Some(WorkflowDefinitionRef::Inline(child)) = task
                .sub_workflow_param
                .as_ref()
                .and_then(|params| params.workflow_definition.as_ref())
            {
                inline.push((
                    task.task_reference_name.clone(),
                    format!("{pointer}/subWorkflowParam/workflowDefinition"),
                    child.as_ref(),
                ));
            }
        });
        for (task_ref, child_base, child) in inline {
            out.push_str(&heading(
                level,
                &format!(
                    "Inline sub-workflow {} (run by {})",
                    code(&child.name),
                    code(&task_ref)
                ),
            ));
            if inline_depth >= MAX_INLINE_DEPTH {
                out.push_str("Nested too deep to be shown here.\n\n");
                continue;
            }
            self.definition(out, child, &child_base, level + 1, None, inline_depth + 1);
        }
    }
}

/// Every task reference name of a workflow (not of its inline sub-workflows).
fn task_refs(def: &WorkflowDef) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    walk_tasks(&def.tasks, "", &mut |task, _, _| {
        refs.insert(task.task_reference_name.clone());
    });
    refs
}

fn output_reads(def: &WorkflowDef) -> Vec<Read> {
    expression_reads(
        def.output_parameters
            .iter()
            .flat_map(|output| output.values()),
    )
}

/// Where a value read by an expression comes from, in words.
fn source_words(read: &Read, refs: &BTreeSet<String>) -> String {
    let segments: Vec<&str> = read.segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["workflow", "input", key, ..] => format!("workflow input {}", code(key)),
        ["workflow", "variables", key, ..] => format!("workflow variable {}", code(key)),
        ["workflow", "secrets", key, ..] => format!("secret {}", code(key)),
        ["workflow", "env", key, ..] => format!("environment value {}", code(key)),
        ["workflow", field, ..] => format!("the workflow's {}", code(field)),
        [task, "output", key, ..] if refs.contains(*task) => {
            format!("output {} of task {}", code(key), code(task))
        }
        [task, "output"] if refs.contains(*task) => format!("the output of task {}", code(task)),
        [task, field, ..] if refs.contains(*task) => {
            format!("{} of task {}", code(field), code(task))
        }
        _ => code(&read.path),
    }
}

fn callers_section(catalogue: &Catalogue<'_>, from: &str, name: &str, out: &mut String) {
    out.push_str("## Used by\n\n");
    let Some(calls) = catalogue
        .callers
        .get(name)
        .filter(|calls| !calls.is_empty())
    else {
        out.push_str("No workflow in this project calls it.\n");
        return;
    };
    let rows: Vec<Vec<String>> = calls
        .iter()
        .map(|call| {
            let version = match &call.version {
                Some(version) => format!("version {}", code(version)),
                None => "the latest version".to_owned(),
            };
            let task = call.task_ref.map(code).unwrap_or_default();
            let how = match call.kind {
                CallKind::RunAndWait => format!("task {task} runs {version} and waits for it"),
                CallKind::Start => format!("task {task} starts {version}"),
                CallKind::OnFailure => format!("failure workflow ({version})"),
            };
            vec![
                catalogue.workflow_link(from, call.caller),
                call.caller_version.to_string(),
                cell(&how),
            ]
        })
        .collect();
    out.push_str(&table(&["Workflow", "Version", "How"], &rows));
}
