//! A workflow's task graph as a Mermaid flowchart.
//!
//! Every task is a node whose label starts with its reference name; edges follow the order the
//! server runs tasks in: a sequence, SWITCH/DECISION cases (edges labelled with the case value,
//! `default` for the default case), FORK branches meeting at the JOIN that follows, a DO_WHILE
//! body with its condition and the edge back, TERMINATE ending the workflow, and sub-workflow
//! calls linked (`click`) to the child's page. Node ids are generated (`t0`, `t1`, ...), so no
//! name can clash with Mermaid's keywords; every label is quoted and escaped with Mermaid's
//! entity codes, so no name can break the syntax.

use conductor_model::{WorkflowDef, WorkflowTask, task_type};

/// Nested task lists deeper than this are drawn as one "…" node.
const MAX_DEPTH: usize = 32;
/// Longest line shown in a label, in characters.
const MAX_LABEL_LINE: usize = 48;

/// Where the flowchart of a workflow links to.
pub struct FlowchartLinks<'a> {
    /// The page of a workflow, relative to the page the chart is on, when it is documented.
    pub workflow: &'a dyn Fn(&str) -> Option<String>,
}

/// The flowchart of a workflow's tasks: Mermaid source, without the code fence.
pub fn workflow_flowchart(def: &WorkflowDef, links: &FlowchartLinks<'_>) -> String {
    let mut chart = Chart {
        lines: Vec::new(),
        clicks: Vec::new(),
        optional: Vec::new(),
        next_id: 0,
        links,
    };
    chart.lines.push(format!("  {START}((\"start\"))"));
    chart.lines.push(format!("  {END}((\"end\"))"));
    let exits = chart.list(
        &def.tasks,
        vec![Exit {
            node: START.to_owned(),
            label: None,
        }],
        0,
    );
    for exit in exits {
        chart.edge(&exit, END, false);
    }
    let mut out = String::from("flowchart TD\n");
    for line in &chart.lines {
        out.push_str(line);
        out.push('\n');
    }
    if !chart.optional.is_empty() {
        out.push_str("  classDef optional stroke-dasharray: 5 5\n");
        out.push_str(&format!("  class {} optional\n", chart.optional.join(",")));
    }
    for click in &chart.clicks {
        out.push_str(click);
        out.push('\n');
    }
    out
}

const START: &str = "wf_start";
const END: &str = "wf_end";

/// A point the next task is reached from, with the label of that edge.
#[derive(Debug, Clone)]
struct Exit {
    node: String,
    label: Option<String>,
}

struct Chart<'a> {
    lines: Vec<String>,
    clicks: Vec<String>,
    optional: Vec<String>,
    next_id: usize,
    links: &'a FlowchartLinks<'a>,
}

impl Chart<'_> {
    fn id(&mut self) -> String {
        let id = format!("t{}", self.next_id);
        self.next_id += 1;
        id
    }

    fn edge(&mut self, from: &Exit, to: &str, dotted: bool) {
        let arrow = if dotted { "-.->" } else { "-->" };
        match &from.label {
            Some(label) => self.lines.push(format!(
                "  {} {arrow}|\"{}\"| {to}",
                from.node,
                edge_label(label)
            )),
            None => self.lines.push(format!("  {} {arrow} {to}", from.node)),
        }
    }

    fn connect(&mut self, incoming: &[Exit], to: &str) {
        for exit in incoming {
            self.edge(exit, to, false);
        }
    }

    /// Draws a list of tasks reached from `incoming`; returns where it can be left from.
    fn list(&mut self, tasks: &[WorkflowTask], incoming: Vec<Exit>, depth: usize) -> Vec<Exit> {
        if depth > MAX_DEPTH {
            let id = self.id();
            self.lines
                .push(format!("  {id}[\"{}\"]", escape("… (nested too deep)")));
            self.connect(&incoming, &id);
            return vec![Exit {
                node: id,
                label: None,
            }];
        }
        let mut current = incoming;
        for task in tasks {
            current = self.task(task, current, depth);
        }
        current
    }

    fn task(&mut self, task: &WorkflowTask, incoming: Vec<Exit>, depth: usize) -> Vec<Exit> {
        let id = self.id();
        let label = node_label(task);
        let type_name = task.type_name();
        let shape = match type_name {
            task_type::SWITCH | task_type::DECISION => format!("{{\"{label}\"}}"),
            task_type::FORK_JOIN | task_type::FORK_JOIN_DYNAMIC => format!("[/\"{label}\"\\]"),
            task_type::JOIN | task_type::EXCLUSIVE_JOIN => format!("[\\\"{label}\"/]"),
            task_type::DO_WHILE => format!("{{{{\"{label}\"}}}}"),
            task_type::SUB_WORKFLOW | task_type::START_WORKFLOW => format!("[[\"{label}\"]]"),
            task_type::TERMINATE => format!("([\"{label}\"])"),
            task_type::WAIT | task_type::HUMAN => format!("(\"{label}\")"),
            task_type::EVENT | task_type::KAFKA_PUBLISH => format!(">\"{label}\"]"),
            _ => format!("[\"{label}\"]"),
        };
        self.lines.push(format!("  {id}{shape}"));
        self.connect(&incoming, &id);
        if task.optional == Some(true) {
            self.optional.push(id.clone());
        }
        if let Some(target) = called_workflow(task).and_then(|name| (self.links.workflow)(name)) {
            self.clicks.push(format!(
                "  click {id} href \"{}\" \"{}\"",
                escape_url(&target),
                escape(&format!(
                    "Open {}",
                    called_workflow(task).unwrap_or_default()
                ))
            ));
        }
        let here = |label: Option<String>| Exit {
            node: id.clone(),
            label,
        };
        match type_name {
            task_type::SWITCH | task_type::DECISION => {
                let mut exits = Vec::new();
                for (case, tasks) in task.decision_cases.iter().flatten() {
                    let label = if case.is_empty() {
                        "\"\"".to_owned()
                    } else {
                        case.clone()
                    };
                    exits.extend(self.list(tasks, vec![here(Some(label))], depth + 1));
                }
                match task.default_case.as_deref() {
                    Some(tasks) if !tasks.is_empty() => exits.extend(self.list(
                        tasks,
                        vec![here(Some("default".to_owned()))],
                        depth + 1,
                    )),
                    _ => exits.push(here(Some("no match".to_owned()))),
                }
                exits
            }
            task_type::FORK_JOIN => {
                let mut exits = Vec::new();
                for branch in task.fork_tasks.iter().flatten() {
                    exits.extend(self.list(branch, vec![here(None)], depth + 1));
                }
                if exits.is_empty() {
                    exits.push(here(None));
                }
                exits
            }
            task_type::FORK_JOIN_DYNAMIC => {
                let branches = format!("{id}_branches");
                self.lines.push(format!(
                    "  {branches}[[\"{}\"]]",
                    escape("tasks forked at run time")
                ));
                self.lines.push(format!("  {id} -.-> {branches}"));
                vec![Exit {
                    node: branches,
                    label: None,
                }]
            }
            task_type::DO_WHILE => {
                let body_exits = self.list(
                    task.loop_over.as_deref().unwrap_or_default(),
                    vec![here(None)],
                    depth + 1,
                );
                let condition = format!("{id}_condition");
                self.lines
                    .push(format!("  {condition}{{\"{}\"}}", escape("again?")));
                self.connect(&body_exits, &condition);
                self.edge(
                    &Exit {
                        node: condition.clone(),
                        label: Some(loop_condition_label(task)),
                    },
                    &id,
                    true,
                );
                vec![Exit {
                    node: condition,
                    label: Some("done".to_owned()),
                }]
            }
            task_type::TERMINATE => {
                self.edge(&here(None), END, false);
                Vec::new()
            }
            _ => vec![here(None)],
        }
    }
}

/// The workflow a task runs or starts, by name, when it is written literally.
pub fn called_workflow(task: &WorkflowTask) -> Option<&str> {
    match task.type_name() {
        task_type::SUB_WORKFLOW => task
            .sub_workflow_param
            .as_ref()
            .and_then(|params| params.name.as_deref())
            .filter(|name| !name.contains("${")),
        task_type::START_WORKFLOW => task
            .input_parameters
            .as_ref()
            .and_then(|input| input.get("startWorkflow"))
            .and_then(|request| request.get("name"))
            .and_then(serde_json::Value::as_str)
            .filter(|name| !name.contains("${")),
        _ => None,
    }
}

fn node_label(task: &WorkflowTask) -> String {
    let type_name = task.type_name();
    let mut second = type_name.to_owned();
    match type_name {
        task_type::SIMPLE if task.name != task.task_reference_name => {
            second = format!("{type_name} · {}", task.name);
        }
        task_type::SUB_WORKFLOW | task_type::START_WORKFLOW => {
            if let Some(child) = called_workflow(task) {
                second = format!("{type_name} · {child}");
            }
        }
        _ => {}
    }
    let first = if task.task_reference_name.is_empty() {
        "(no reference name)"
    } else {
        &task.task_reference_name
    };
    format!(
        "{}<br/>{}",
        escape(&shorten(first)),
        escape(&shorten(&second))
    )
}

/// The label of a loop's edge back: its condition or the list it iterates. (The condition is
/// on the edge rather than in the diamond, which would grow with the text.)
fn loop_condition_label(task: &WorkflowTask) -> String {
    match (&task.items, &task.loop_condition) {
        (Some(items), _) if !items.is_empty() => format!("for each of {items}"),
        (_, Some(condition)) if !condition.trim().is_empty() => format!(
            "while {}",
            condition.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
        _ => "while the condition holds".to_owned(),
    }
}

/// Cuts a label line to [`MAX_LABEL_LINE`] characters.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL_LINE {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_LABEL_LINE - 1).collect();
    cut.push('…');
    cut
}

fn edge_label(text: &str) -> String {
    let escaped = escape(&shorten(text));
    if escaped.is_empty() {
        "#quot;#quot;".to_owned()
    } else {
        escaped
    }
}

/// Text for inside a quoted Mermaid label: characters Mermaid or the HTML it renders to would
/// read as syntax become entity codes (`#quot;`, `#35;`, ...), control characters spaces. An
/// empty text stays empty (callers never draw empty labels).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '%' => out.push_str("#37;"),
            '|' => out.push_str("#124;"),
            '\\' => out.push_str("#92;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A relative URL inside a quoted `click` target; our page paths only hold URL-safe characters,
/// this keeps it so should that change.
fn escape_url(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use conductor_model::SubWorkflowParams;

    fn task(reference: &str, type_name: &str) -> WorkflowTask {
        WorkflowTask {
            name: reference.to_owned(),
            task_reference_name: reference.to_owned(),
            task_type: Some(type_name.to_owned()),
            ..WorkflowTask::default()
        }
    }

    fn chart(tasks: Vec<WorkflowTask>) -> String {
        let def = WorkflowDef {
            name: "w".into(),
            tasks,
            ..WorkflowDef::default()
        };
        let link = |name: &str| Some(format!("{name}.md"));
        workflow_flowchart(&def, &FlowchartLinks { workflow: &link })
    }

    #[test]
    fn sequence() {
        assert_eq!(
            chart(vec![task("a", "SIMPLE"), task("b", "HTTP")]),
            "flowchart TD\n  wf_start((\"start\"))\n  wf_end((\"end\"))\n  t0[\"a<br/>SIMPLE\"]\n  wf_start --> t0\n  t1[\"b<br/>HTTP\"]\n  t0 --> t1\n  t1 --> wf_end\n"
        );
    }

    #[test]
    fn switch_cases_are_labelled_and_meet_after() {
        let mut switch = task("route", "SWITCH");
        switch.decision_cases = Some(
            [
                ("true".to_owned(), vec![task("fast", "SIMPLE")]),
                (String::new(), vec![]),
            ]
            .into_iter()
            .collect(),
        );
        let text = chart(vec![switch, task("after", "SIMPLE")]);
        assert!(text.contains("t0{\"route<br/>SWITCH\"}"), "{text}");
        assert!(text.contains("t0 -->|\"true\"| t1"), "{text}");
        assert!(text.contains("t0 -->|\"#quot;#quot;\"| t2"), "{text}");
        assert!(text.contains("t0 -->|\"no match\"| t2"), "{text}");
        assert!(text.contains("t1 --> t2"), "{text}");
    }

    #[test]
    fn loops_and_sub_workflows() {
        let mut loop_task = task("loop", "DO_WHILE");
        loop_task.loop_condition = Some("$.loop['iteration'] < 3".into());
        loop_task.loop_over = Some(vec![task("body", "SIMPLE")]);
        let mut sub = task("call", "SUB_WORKFLOW");
        sub.sub_workflow_param = Some(SubWorkflowParams {
            name: Some("child".into()),
            ..SubWorkflowParams::default()
        });
        let text = chart(vec![loop_task, sub]);
        assert!(text.contains("t0_condition{\"again?\"}"), "{text}");
        assert!(
            text.contains("t0_condition -.->|\"while $.loop['iteration'] #lt; 3\"| t0"),
            "{text}"
        );
        assert!(text.contains("t0_condition -->|\"done\"| t2"), "{text}");
        assert!(text.contains("click t2 href \"child.md\""), "{text}");
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(
            escape("a\"b#c<d>&`%|\\"),
            "a#quot;b#35;c#lt;d#gt;#amp;#96;#37;#124;#92;"
        );
        assert_eq!(escape("${x} [y] {z} é"), "${x} [y] {z} é");
    }
}
