//! Visiting every task of a workflow, with where it is.

use conductor_model::{WorkflowDef, WorkflowDefinitionRef, WorkflowTask};
use conductor_source::yaml::push_segment;

/// One task reached by [`walk_tasks`].
#[derive(Debug, Clone)]
pub struct TaskVisit<'a, 'p> {
    /// The task.
    pub task: &'a WorkflowTask,
    /// JSON pointer of the task in the compiled document. It borrows the walk's one buffer,
    /// so copy it to keep it.
    pub pointer: &'p str,
    /// The list the task is in.
    pub siblings: &'a [WorkflowTask],
    /// The task's position in that list.
    pub index: usize,
    /// Whether the list is the workflow's own `tasks` (the server's reference check looks only
    /// at these, contract §4.2).
    pub top_level: bool,
    /// How many DO_WHILE bodies enclose the task.
    pub loop_depth: usize,
}

/// Visits every task of `def` in the order the server's `collectTasks` does (a task, then its
/// cases, default case, branches and loop body), not entering inline sub-workflow definitions,
/// which are workflows of their own. `base` is the pointer of `def` in the compiled document.
pub fn walk_tasks<'a>(def: &'a WorkflowDef, base: &str, visit: &mut dyn FnMut(TaskVisit<'a, '_>)) {
    // One buffer for every pointer of the walk: `check` walks every task once per rule.
    let mut pointer = String::with_capacity(base.len() + 64);
    pointer.push_str(base);
    pointer.push_str("/tasks");
    walk_list(&def.tasks, &mut pointer, true, 0, visit);
}

fn walk_list<'a>(
    tasks: &'a [WorkflowTask],
    pointer: &mut String,
    top_level: bool,
    loop_depth: usize,
    visit: &mut dyn FnMut(TaskVisit<'a, '_>),
) {
    let list_length = pointer.len();
    for (index, task) in tasks.iter().enumerate() {
        pointer.truncate(list_length);
        pointer.push('/');
        pointer.push_str(itoa(index, &mut [0u8; 20]));
        visit(TaskVisit {
            task,
            pointer,
            siblings: tasks,
            index,
            top_level,
            loop_depth,
        });
        let task_length = pointer.len();
        if let Some(cases) = &task.decision_cases {
            for (case, list) in cases {
                pointer.truncate(task_length);
                pointer.push_str("/decisionCases");
                push_segment(pointer, case);
                walk_list(list, pointer, false, loop_depth, visit);
            }
        }
        if let Some(list) = &task.default_case {
            pointer.truncate(task_length);
            pointer.push_str("/defaultCase");
            walk_list(list, pointer, false, loop_depth, visit);
        }
        if let Some(branches) = &task.fork_tasks {
            for (branch_idx, list) in branches.iter().enumerate() {
                pointer.truncate(task_length);
                pointer.push_str("/forkTasks/");
                pointer.push_str(itoa(branch_idx, &mut [0u8; 20]));
                walk_list(list, pointer, false, loop_depth, visit);
            }
        }
        if let Some(list) = &task.loop_over {
            pointer.truncate(task_length);
            pointer.push_str("/loopOver");
            walk_list(list, pointer, false, loop_depth + 1, visit);
        }
    }
    pointer.truncate(list_length);
}

/// The decimal digits of `value`, written into `buffer` (no allocation).
fn itoa(mut value: usize, buffer: &mut [u8; 20]) -> &str {
    let mut start = buffer.len();
    loop {
        start -= 1;
        if let Some(digit) = buffer.get_mut(start) {
            // `value % 10` is below 10, so the cast cannot truncate.
            *digit = b'0' + (value % 10) as u8;
        }
        value /= 10;
        if value == 0 || start == 0 {
            break;
        }
    }
    std::str::from_utf8(buffer.get(start..).unwrap_or_default()).unwrap_or_default()
}

/// Every workflow definition in a compiled workflow, with its pointer: the workflow itself
/// (`""`) and each inline sub-workflow definition at any depth.
pub fn workflow_scopes(def: &WorkflowDef) -> Vec<(&WorkflowDef, String)> {
    let mut scopes = vec![(def, String::new())];
    let mut next = 0;
    while let Some((current, base)) = scopes.get(next).cloned() {
        walk_tasks(current, &base, &mut |visit| {
            if let Some(WorkflowDefinitionRef::Inline(inline)) = visit
                .task
                .sub_workflow_param
                .as_ref()
                .and_then(|param| param.workflow_definition.as_ref())
            {
                scopes.push((
                    inline.as_ref(),
                    format!("{}/subWorkflowParam/workflowDefinition", visit.pointer),
                ));
            }
        });
        next += 1;
    }
    scopes
}

/// The reference names of `tasks` and of every task nested in them (cases, branches, loops),
/// not entering inline sub-workflow definitions.
pub fn references_in(tasks: &[WorkflowTask]) -> std::collections::BTreeSet<&str> {
    let mut references = std::collections::BTreeSet::new();
    let mut stack: Vec<&[WorkflowTask]> = vec![tasks];
    while let Some(list) = stack.pop() {
        for task in list {
            references.insert(task.task_reference_name.as_str());
            if let Some(cases) = &task.decision_cases {
                stack.extend(cases.values().map(Vec::as_slice));
            }
            if let Some(default) = &task.default_case {
                stack.push(default);
            }
            if let Some(branches) = &task.fork_tasks {
                stack.extend(branches.iter().map(Vec::as_slice));
            }
            if let Some(body) = &task.loop_over {
                stack.push(body);
            }
        }
    }
    references
}
