//! What a `${...}` may reference where: the one module that knows how the server's resolution
//! map grows as a workflow runs (contract §6.2, §6.8), so that rules ask "is task `x` visible
//! from here, and if not, why" rather than each working it out.
//!
//! Every task has a *location*: the chain of task lists from the workflow's `tasks` down to
//! the task, with its index in each. Comparing the locations of the task that uses a value
//! and the task that produces it tells whether the producer ran before (in sequence, or in a
//! completed fork branch), runs later, is the user itself, or sits in a SWITCH case, a
//! parallel FORK branch or a DO_WHILE body whose value may be missing or stale.

use std::collections::{BTreeMap, BTreeSet};

use conductor_model::task_type::{DO_WHILE, FORK_JOIN_DYNAMIC, SET_VARIABLE};
use conductor_model::{WorkflowDef, WorkflowTask};
use conductor_source::yaml::escape_segment;

/// The kind of a task list inside a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// The workflow's own `tasks`.
    Workflow,
    /// A SWITCH or DECISION case (`decisionCases`), by its position among the cases.
    Case(usize),
    /// A SWITCH or DECISION `defaultCase`.
    Default,
    /// A FORK_JOIN branch, by index.
    Branch(usize),
    /// A DO_WHILE `loopOver`.
    Body,
}

/// One level of a location: a list (identified by the task that owns it and its kind) and
/// the index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Pre-order number of the task owning the list; `usize::MAX` for the workflow's `tasks`.
    pub owner: usize,
    /// Which of the owner's lists.
    pub kind: ListKind,
    /// The index in the list.
    pub index: usize,
}

impl Step {
    fn same_list(&self, other: &Step) -> bool {
        self.owner == other.owner && self.kind == other.kind
    }
}

/// A task of the workflow, with where it is.
#[derive(Debug, Clone)]
pub struct TaskSite<'a> {
    /// The task.
    pub task: &'a WorkflowTask,
    /// JSON pointer of the task in the compiled document.
    pub pointer: String,
    /// Its location: one step per enclosing list, outermost first.
    pub location: Vec<Step>,
    /// The task before it in its list (a JOIN's fork).
    pub previous: Option<&'a WorkflowTask>,
    /// Whether it is in the workflow's own `tasks`, where the server checks `${...}` roots at
    /// registration (contract §4.2).
    pub top_level: bool,
}

/// Where a value is used.
#[derive(Debug, Clone, Copy)]
pub enum UseSite<'s> {
    /// In a task's inputs (or another field resolved when the task is scheduled).
    Task(&'s [Step]),
    /// In a DO_WHILE's own `inputParameters`, which the server resolves again each time it
    /// evaluates the loop condition, after the body ran (`DoWhile.evaluateCondition`): the
    /// loop's output and its body's tasks are there then.
    LoopCondition(&'s [Step]),
    /// In the workflow's `outputParameters`, resolved when the workflow completes.
    WorkflowOutput,
}

/// Whether, and how reliably, a task's data is there when an expression is resolved.
#[derive(Debug, Clone, Copy)]
pub enum Visibility<'a> {
    /// The task has run (in sequence before, or in a completed fork branch), or encloses the
    /// user (a DO_WHILE's output during its iterations).
    Visible,
    /// The task is the one whose input is being resolved.
    Itself,
    /// The task runs after the user, in the same sequence.
    Later,
    /// The task is nested inside the user (a case, branch or loop body of it), so it runs
    /// after the user is scheduled.
    InsideUser,
    /// The task runs later in the same DO_WHILE body, or is the user itself in a body: its
    /// value is the previous iteration's, and missing in the first.
    LaterInLoop {
        /// The loop.
        loop_task: &'a WorkflowTask,
    },
    /// The task is in a SWITCH or DECISION case that may not have been taken.
    InCase {
        /// The switch.
        switch_task: &'a WorkflowTask,
    },
    /// The task is in another case of the switch the user is in: never both run.
    OtherCase {
        /// The switch.
        switch_task: &'a WorkflowTask,
    },
    /// The task is in a sibling branch of the fork the user is in: they run in parallel.
    ParallelBranch {
        /// The fork.
        fork_task: &'a WorkflowTask,
    },
    /// The task is inside the body of a DO_WHILE over items and the user is outside the loop:
    /// the value is the last item's, and missing when the list was empty.
    InLoopBody {
        /// The loop.
        loop_task: &'a WorkflowTask,
    },
}

/// The data flow of one workflow definition: every task by reference name with its location,
/// the variables SET_VARIABLE provides and the declared inputs.
#[derive(Debug, Clone, Default)]
pub struct DataFlow<'a> {
    /// Every task in pre-order (the order of the server's `collectTasks`), indexed by the
    /// `owner` numbers of [`Step`].
    pub sites: Vec<TaskSite<'a>>,
    /// Position in `sites` of each reference name (the first, when a name is duplicated:
    /// CA301 reports that).
    by_reference: BTreeMap<&'a str, usize>,
    /// Whether the workflow has a FORK_JOIN_DYNAMIC, whose tasks get reference names only at
    /// run time (contract §3.3).
    pub has_dynamic_fork: bool,
    /// Variable names set by a SET_VARIABLE anywhere, or given a default in `variables`.
    pub variables: BTreeSet<&'a str>,
    /// The workflow's declared input names (`inputParameters`, `inputTemplate` keys and
    /// `inputSchema` properties), or `None` when it declares none.
    pub declared_inputs: Option<BTreeSet<&'a str>>,
}

impl<'a> DataFlow<'a> {
    /// Indexes the tasks of `def`; `base` is the pointer of `def` in the compiled document.
    pub fn new(def: &'a WorkflowDef, base: &str) -> DataFlow<'a> {
        let mut flow = DataFlow::default();
        let mut location = Vec::new();
        flow.index_list(
            &def.tasks,
            &format!("{base}/tasks"),
            usize::MAX,
            ListKind::Workflow,
            &mut location,
        );
        if let Some(variables) = &def.variables {
            flow.variables.extend(variables.keys().map(String::as_str));
        }
        let mut declared: BTreeSet<&str> = BTreeSet::new();
        let mut any_declared = false;
        if let Some(inputs) = &def.input_parameters {
            any_declared |= !inputs.is_empty();
            declared.extend(inputs.iter().map(String::as_str));
        }
        if let Some(template) = &def.input_template {
            any_declared |= !template.is_empty();
            declared.extend(template.keys().map(String::as_str));
        }
        if let Some(properties) = def
            .input_schema
            .as_ref()
            .and_then(|schema| schema.data.as_ref())
            .and_then(|data| data.get("properties"))
            .and_then(|properties| properties.as_object())
        {
            any_declared |= !properties.is_empty();
            declared.extend(properties.keys().map(String::as_str));
        }
        if any_declared {
            flow.declared_inputs = Some(declared);
        }
        flow
    }

    fn index_list(
        &mut self,
        tasks: &'a [WorkflowTask],
        list_pointer: &str,
        owner: usize,
        kind: ListKind,
        location: &mut Vec<Step>,
    ) {
        for (index, task) in tasks.iter().enumerate() {
            let ordinal = self.sites.len();
            location.push(Step { owner, kind, index });
            let pointer = format!("{list_pointer}/{index}");
            self.sites.push(TaskSite {
                task,
                pointer: pointer.clone(),
                location: location.clone(),
                previous: index.checked_sub(1).and_then(|idx| tasks.get(idx)),
                top_level: kind == ListKind::Workflow,
            });
            self.by_reference
                .entry(task.task_reference_name.as_str())
                .or_insert(ordinal);
            match task.type_name() {
                FORK_JOIN_DYNAMIC => self.has_dynamic_fork = true,
                SET_VARIABLE => {
                    if let Some(input) = &task.input_parameters {
                        self.variables.extend(input.keys().map(String::as_str));
                    }
                }
                _ => {}
            }
            if let Some(cases) = &task.decision_cases {
                for (case_idx, (case, list)) in cases.iter().enumerate() {
                    let case_pointer = format!("{pointer}/decisionCases/{}", escape_segment(case));
                    self.index_list(
                        list,
                        &case_pointer,
                        ordinal,
                        ListKind::Case(case_idx),
                        location,
                    );
                }
            }
            if let Some(list) = &task.default_case {
                self.index_list(
                    list,
                    &format!("{pointer}/defaultCase"),
                    ordinal,
                    ListKind::Default,
                    location,
                );
            }
            if let Some(branches) = &task.fork_tasks {
                for (branch_idx, list) in branches.iter().enumerate() {
                    self.index_list(
                        list,
                        &format!("{pointer}/forkTasks/{branch_idx}"),
                        ordinal,
                        ListKind::Branch(branch_idx),
                        location,
                    );
                }
            }
            if let Some(list) = &task.loop_over {
                self.index_list(
                    list,
                    &format!("{pointer}/loopOver"),
                    ordinal,
                    ListKind::Body,
                    location,
                );
            }
            location.pop();
        }
    }

    /// The task of this reference name, if the workflow has one.
    pub fn site(&self, reference: &str) -> Option<&TaskSite<'a>> {
        self.sites.get(*self.by_reference.get(reference)?)
    }

    /// Every reference name of the workflow.
    pub fn references(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.by_reference.keys().copied()
    }

    /// The task owning a list, by its pre-order number.
    fn owner(&self, owner: usize) -> Option<&'a WorkflowTask> {
        self.sites.get(owner).map(|site| site.task)
    }

    /// Whether the data of `producer` is there when an expression at `site` is resolved
    /// (contract §6.2, §6.8).
    pub fn visibility(&self, site: UseSite<'_>, producer: &[Step]) -> Visibility<'a> {
        let end = [Step {
            owner: usize::MAX,
            kind: ListKind::Workflow,
            index: usize::MAX,
        }];
        let user: &[Step] = match site {
            UseSite::Task(location) | UseSite::LoopCondition(location) => location,
            UseSite::WorkflowOutput => &end,
        };
        let common = user
            .iter()
            .zip(producer)
            .take_while(|(a, b)| a == b)
            .count();
        if matches!(site, UseSite::LoopCondition(_)) && common == user.len() {
            // The loop itself, or a task of its body: its latest output (contract §3.3).
            return Visibility::Visible;
        }
        let in_loop_body = |steps: &[Step]| {
            steps
                .iter()
                .rev()
                .find(|step| step.kind == ListKind::Body)
                .and_then(|step| self.owner(step.owner))
        };
        match (user.get(common), producer.get(common)) {
            (None, None) => match in_loop_body(user) {
                Some(loop_task) => Visibility::LaterInLoop { loop_task },
                None => Visibility::Itself,
            },
            (None, Some(_)) => Visibility::InsideUser,
            (Some(_), None) => Visibility::Visible,
            (Some(user_step), Some(producer_step)) if user_step.same_list(producer_step) => {
                if producer_step.index < user_step.index {
                    self.completed_visibility(producer.get(common + 1..).unwrap_or_default())
                } else {
                    match in_loop_body(user.get(..=common).unwrap_or_default()) {
                        Some(loop_task) => Visibility::LaterInLoop { loop_task },
                        None => Visibility::Later,
                    }
                }
            }
            (Some(user_step), Some(_)) => {
                let Some(owner) = self.owner(user_step.owner) else {
                    return Visibility::Visible;
                };
                match user_step.kind {
                    ListKind::Branch(_) => Visibility::ParallelBranch { fork_task: owner },
                    _ => Visibility::OtherCase { switch_task: owner },
                }
            }
        }
    }

    /// The visibility of a task nested (by `inner`) in a task that completed before the user.
    /// A SWITCH case may not have been taken. A DO_WHILE body runs at least once in condition
    /// mode, so its tasks hold the last iteration's output; in items mode it runs once per
    /// item, and not at all for an empty list (contract §3.3 DO_WHILE).
    fn completed_visibility(&self, inner: &[Step]) -> Visibility<'a> {
        let mut found = Visibility::Visible;
        for step in inner {
            let Some(owner) = self.owner(step.owner) else {
                continue;
            };
            match step.kind {
                ListKind::Case(_) | ListKind::Default => {
                    return Visibility::InCase { switch_task: owner };
                }
                ListKind::Body if iterates_items(owner) => {
                    if matches!(found, Visibility::Visible) {
                        found = Visibility::InLoopBody { loop_task: owner };
                    }
                }
                _ => {}
            }
        }
        found
    }
}

/// Whether a DO_WHILE iterates over a list (`items`, or the legacy `inputParameters._items`),
/// and so may run no iteration at all.
fn iterates_items(task: &WorkflowTask) -> bool {
    task.type_name() == DO_WHILE
        && (task.items.is_some()
            || task
                .input_parameters
                .as_ref()
                .is_some_and(|input| input.contains_key("_items")))
}
