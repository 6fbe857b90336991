//! The field diff of two normalised definitions: only what differs, each with its path.
//!
//! Task lists (`tasks`, `defaultCase`, `loopOver`, each SWITCH case and each FORK branch) are
//! matched by `taskReferenceName`, so inserting a task is one addition rather than a change at
//! every later index; tasks that keep their reference but change place are reported as moved,
//! found with a longest common subsequence of the reference names. Other lists are compared
//! whole.
//!
//! Paths read like `tasks[charge].inputParameters.orderId`: `.key` for object keys (quoted as
//! `["key"]` when the key is not a plain word), `[ref]` for a task, `[0]` for a list index.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What happened to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldAction {
    /// Present only in the desired definition.
    Add,
    /// Present only on the server.
    Remove,
    /// Present in both, with different values.
    Change,
    /// A task that keeps its reference name but changes place in its list.
    Move,
}

impl FieldAction {
    /// The symbol the human and markdown views show.
    pub fn symbol(self) -> &'static str {
        match self {
            FieldAction::Add => "+",
            FieldAction::Remove => "-",
            FieldAction::Change => "~",
            FieldAction::Move => "↕",
        }
    }
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldChange {
    /// What happened.
    pub action: FieldAction,
    /// Where, e.g. `tasks[charge].inputParameters.orderId`.
    pub path: String,
    /// The server's value (absent for `add`; the old position for `move`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The desired value (absent for `remove`; the new position for `move`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// The changes that turn `before` (the server's normalised definition) into `after` (the
/// desired one), in document order.
pub fn diff_definitions(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff_value(before, after, "", Context::Definition, &mut out);
    out
}

/// Where a value sits, which decides how lists inside it are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A WorkflowDef, TaskDef or WorkflowTask: its task-list keys hold tasks.
    Definition,
    /// A list of tasks.
    TaskList,
    /// `decisionCases`: each value is a task list.
    Cases,
    /// `forkTasks`: each element is a task list.
    Branches,
    /// Anything else.
    Plain,
}

fn child_context(parent: Context, key: &str) -> Context {
    match (parent, key) {
        (Context::Definition, "tasks" | "defaultCase" | "loopOver") => Context::TaskList,
        (Context::Definition, "decisionCases") => Context::Cases,
        (Context::Definition, "forkTasks") => Context::Branches,
        (Context::Definition, "subWorkflowParam") => Context::Definition,
        (Context::Definition, "workflowDefinition") => Context::Definition,
        (Context::Cases, _) => Context::TaskList,
        _ => Context::Plain,
    }
}

fn diff_value(
    before: &Value,
    after: &Value,
    path: &str,
    context: Context,
    out: &mut Vec<FieldChange>,
) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for key in keys {
                let child_path = format!("{path}{}", key_segment(key));
                match (old.get(key), new.get(key)) {
                    (Some(old_value), Some(new_value)) => diff_value(
                        old_value,
                        new_value,
                        &child_path,
                        child_context(context, key),
                        out,
                    ),
                    (None, Some(new_value)) => out.push(FieldChange {
                        action: FieldAction::Add,
                        path: child_path,
                        before: None,
                        after: Some(new_value.clone()),
                    }),
                    (Some(old_value), None) => out.push(FieldChange {
                        action: FieldAction::Remove,
                        path: child_path,
                        before: Some(old_value.clone()),
                        after: None,
                    }),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(old), Value::Array(new)) if context == Context::TaskList => {
            match (task_refs(old), task_refs(new)) {
                (Some(old_refs), Some(new_refs)) => {
                    diff_task_list(old, &old_refs, new, &new_refs, path, out);
                }
                _ => whole(before, after, path, out),
            }
        }
        (Value::Array(old), Value::Array(new)) if context == Context::Branches => {
            for idx in 0..old.len().max(new.len()) {
                let child_path = format!("{path}[{idx}]");
                match (old.get(idx), new.get(idx)) {
                    (Some(old_branch), Some(new_branch)) => {
                        diff_value(old_branch, new_branch, &child_path, Context::TaskList, out);
                    }
                    (None, Some(new_branch)) => out.push(FieldChange {
                        action: FieldAction::Add,
                        path: child_path,
                        before: None,
                        after: Some(new_branch.clone()),
                    }),
                    (Some(old_branch), None) => out.push(FieldChange {
                        action: FieldAction::Remove,
                        path: child_path,
                        before: Some(old_branch.clone()),
                        after: None,
                    }),
                    (None, None) => {}
                }
            }
        }
        _ => whole(before, after, path, out),
    }
}

fn whole(before: &Value, after: &Value, path: &str, out: &mut Vec<FieldChange>) {
    out.push(FieldChange {
        action: FieldAction::Change,
        path: path.to_owned(),
        before: Some(before.clone()),
        after: Some(after.clone()),
    });
}

/// The reference names of a task list, when every element is a task with a distinct one.
fn task_refs(tasks: &[Value]) -> Option<Vec<&str>> {
    let refs: Vec<&str> = tasks
        .iter()
        .map(|task| task.get("taskReferenceName").and_then(Value::as_str))
        .collect::<Option<_>>()?;
    let mut sorted = refs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == refs.len()).then_some(refs)
}

fn diff_task_list(
    old: &[Value],
    old_refs: &[&str],
    new: &[Value],
    new_refs: &[&str],
    path: &str,
    out: &mut Vec<FieldChange>,
) {
    let old_index: BTreeMap<&str, usize> =
        old_refs.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let new_index: BTreeMap<&str, usize> =
        new_refs.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let common_old: Vec<&str> = old_refs
        .iter()
        .copied()
        .filter(|r| new_index.contains_key(r))
        .collect();
    let common_new: Vec<&str> = new_refs
        .iter()
        .copied()
        .filter(|r| old_index.contains_key(r))
        .collect();
    let stayed = longest_common_subsequence(&common_old, &common_new);
    for (old_idx, reference) in old_refs.iter().enumerate() {
        if !new_index.contains_key(reference) {
            out.push(FieldChange {
                action: FieldAction::Remove,
                path: format!("{path}[{reference}]"),
                before: old.get(old_idx).cloned(),
                after: None,
            });
        }
    }
    for (new_idx, reference) in new_refs.iter().enumerate() {
        let task_path = format!("{path}[{reference}]");
        let Some(&old_idx) = old_index.get(reference) else {
            out.push(FieldChange {
                action: FieldAction::Add,
                path: task_path,
                before: None,
                after: new.get(new_idx).cloned(),
            });
            continue;
        };
        if !stayed.contains(reference) {
            out.push(FieldChange {
                action: FieldAction::Move,
                path: task_path.clone(),
                before: Some(Value::from(old_idx)),
                after: Some(Value::from(new_idx)),
            });
        }
        if let (Some(old_task), Some(new_task)) = (old.get(old_idx), new.get(new_idx)) {
            diff_value(old_task, new_task, &task_path, Context::Definition, out);
        }
    }
}

/// The elements of a longest common subsequence of two sequences of distinct names.
fn longest_common_subsequence<'a>(
    a: &[&'a str],
    b: &[&'a str],
) -> std::collections::BTreeSet<&'a str> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut kept = std::collections::BTreeSet::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            kept.insert(a[i]);
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    kept
}

/// `.key`, or `["key"]` when the key is not made of letters, digits, `_` and `-`.
fn key_segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", Value::from(key))
    }
}

/// A path without its leading `.`, as shown.
pub(crate) fn display_path(path: &str) -> &str {
    path.strip_prefix('.').unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(reference: &str) -> Value {
        json!({"name": reference, "taskReferenceName": reference, "type": "SIMPLE"})
    }

    fn paths(changes: &[FieldChange]) -> Vec<String> {
        changes
            .iter()
            .map(|c| format!("{} {}", c.action.symbol(), display_path(&c.path)))
            .collect()
    }

    #[test]
    fn an_inserted_task_is_one_addition() {
        let before = json!({"name": "w", "tasks": [task("a"), task("b"), task("c")]});
        let after = json!({"name": "w", "tasks": [task("a"), task("new"), task("b"), task("c")]});
        assert_eq!(paths(&diff_definitions(&before, &after)), ["+ tasks[new]"]);
    }

    #[test]
    fn nested_fields_moves_and_removals() {
        let mut changed = task("b");
        changed["inputParameters"] = json!({"x": 2});
        let before = json!({"tasks": [task("a"), {"name": "b", "taskReferenceName": "b", "type": "SIMPLE", "inputParameters": {"x": 1}}, task("c")],
            "description": "d"});
        let after = json!({"tasks": [task("c"), task("a"), changed]});
        assert_eq!(
            paths(&diff_definitions(&before, &after)),
            [
                "- description",
                "↕ tasks[c]",
                "~ tasks[b].inputParameters.x"
            ]
        );
    }

    #[test]
    fn cases_and_branches_are_task_lists() {
        let before = json!({"tasks": [{"taskReferenceName": "s", "decisionCases": {"yes please": [task("a")]},
            "forkTasks": [[task("f1")], [task("f2")]]}]});
        let after = json!({"tasks": [{"taskReferenceName": "s", "decisionCases": {"yes please": [task("a"), task("b")]},
            "forkTasks": [[task("f1"), task("f3")], [task("f2")]]}]});
        assert_eq!(
            paths(&diff_definitions(&before, &after)),
            [
                "+ tasks[s].decisionCases[\"yes please\"][b]",
                "+ tasks[s].forkTasks[0][f3]"
            ]
        );
    }
}
