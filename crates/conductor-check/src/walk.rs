//! Visiting every task of a workflow, with where it is.

use conductor_model::{WorkflowDef, WorkflowDefinitionRef, WorkflowTask};

/// One task reached by [`walk_tasks`].
#[derive(Debug, Clone)]
pub struct TaskVisit<'a> {
    /// The task.
    pub task: &'a WorkflowTask,
    /// JSON pointer of the task in the compiled document.
    pub pointer: String,
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
pub fn walk_tasks<'a>(def: &'a WorkflowDef, base: &str, visit: &mut dyn FnMut(TaskVisit<'a>)) {
    walk_list(&def.tasks, &format!("{base}/tasks"), true, 0, visit);
}

fn walk_list<'a>(
    tasks: &'a [WorkflowTask],
    list_pointer: &str,
    top_level: bool,
    loop_depth: usize,
    visit: &mut dyn FnMut(TaskVisit<'a>),
) {
    for (index, task) in tasks.iter().enumerate() {
        let pointer = format!("{list_pointer}/{index}");
        visit(TaskVisit {
            task,
            pointer: pointer.clone(),
            siblings: tasks,
            index,
            top_level,
            loop_depth,
        });
        if let Some(cases) = &task.decision_cases {
            for (case, list) in cases {
                let case_pointer = format!(
                    "{pointer}/decisionCases/{}",
                    case.replace('~', "~0").replace('/', "~1")
                );
                walk_list(list, &case_pointer, false, loop_depth, visit);
            }
        }
        if let Some(list) = &task.default_case {
            walk_list(
                list,
                &format!("{pointer}/defaultCase"),
                false,
                loop_depth,
                visit,
            );
        }
        if let Some(branches) = &task.fork_tasks {
            for (branch_idx, list) in branches.iter().enumerate() {
                let branch_pointer = format!("{pointer}/forkTasks/{branch_idx}");
                walk_list(list, &branch_pointer, false, loop_depth, visit);
            }
        }
        if let Some(list) = &task.loop_over {
            walk_list(
                list,
                &format!("{pointer}/loopOver"),
                false,
                loop_depth + 1,
                visit,
            );
        }
    }
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
