//! The apply executor: writes exactly the plan's changes, in the order of contract §5.7 (task
//! definitions, then workflows, then deletions: workflows before task definitions), in bulk
//! where the API allows, and stops at the first failure with an account of every change.
//!
//! Every write is idempotent (`POST /taskdefs` and `PUT /workflow` upsert, a `DELETE` that
//! finds nothing has nothing left to do), so a re-run after a failure converges. Each
//! definition is written whole by one request: none is ever left half-written.

use conductor_client::{Client, ClientError, ServerError};
use serde_json::Value;

use crate::plan::{Action, Kind, Plan, Resource, ResourceChange, SourceRef};

/// How to apply.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Task definitions per `POST /api/metadata/taskdefs`.
    pub task_def_batch: usize,
    /// Workflows per `PUT /api/metadata/workflow`.
    pub workflow_batch: usize,
}

impl Default for ApplyOptions {
    fn default() -> ApplyOptions {
        ApplyOptions {
            task_def_batch: 100,
            workflow_batch: 50,
        }
    }
}

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Written (or deleted).
    Applied,
    /// A deletion found nothing to delete: someone deleted it already.
    AlreadyAbsent,
    /// The server refused it; its messages (validation errors, or the error message).
    Rejected(Vec<String>),
    /// The request failed without a clear answer: it may or may not have been applied.
    Unknown(String),
    /// Not sent, because an earlier change failed or the server rejects its whole batch.
    NotAttempted,
}

/// One change and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What was to be done.
    pub action: Action,
    /// To which definition.
    pub resource: Resource,
    /// Where the desired definition is written.
    pub source: Option<SourceRef>,
    /// What became of it.
    pub status: Status,
}

/// The account of an apply.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Every change of the plan, in plan order.
    pub outcomes: Vec<Outcome>,
    /// The error that stopped the apply, if one did.
    pub error: Option<ClientError>,
    /// The project's inventory, written last: (project, members) once it was.
    pub inventory: Option<(String, usize)>,
    /// Why the apply stopped before a write phase, when its guard (the lease) said so.
    pub interrupted: Option<String>,
}

impl ApplyReport {
    /// Whether every change was applied.
    pub fn complete(&self) -> bool {
        self.error.is_none()
            && self.interrupted.is_none()
            && self
                .outcomes
                .iter()
                .all(|o| matches!(o.status, Status::Applied | Status::AlreadyAbsent))
    }

    /// How many changes of `action` were applied.
    pub fn applied(&self, action: Action) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.action == action)
            .filter(|o| matches!(o.status, Status::Applied | Status::AlreadyAbsent))
            .count()
    }
}

/// Executions running a workflow version that the plan updates or deletes in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningExecutions {
    /// The workflow version.
    pub resource: Resource,
    /// What the plan does to it.
    pub action: Action,
    /// The ids of its running executions.
    pub ids: Vec<String>,
}

/// Asks the server, for each workflow version the plan updates or deletes, which executions
/// are running it (`GET /api/workflow/running/{name}?version=N`, contract §5.2, §5.4). One
/// request per such version; creates need none.
pub fn running_executions(
    client: &Client,
    plan: &Plan,
) -> Result<Vec<RunningExecutions>, ClientError> {
    let mut out = Vec::new();
    for change in &plan.changes {
        if change.resource.kind != Kind::Workflow || change.action == Action::Create {
            continue;
        }
        let version = change.resource.version.unwrap_or(1);
        let ids = client.running_workflows(&change.resource.name, version)?;
        if !ids.is_empty() {
            out.push(RunningExecutions {
                resource: change.resource.clone(),
                action: change.action,
                ids,
            });
        }
    }
    Ok(out)
}

/// Applies the plan's changes. Stops at the first failure; the report says what was applied,
/// what failed and what was not attempted.
pub fn apply_plan(client: &Client, plan: &Plan, options: ApplyOptions) -> ApplyReport {
    apply_plan_guarded(client, plan, options, &mut || Ok(()))
}

/// [`apply_plan`], asking `guard` before each write phase (task definitions, workflows,
/// deletions, the inventory) whether it may go on; an error stops the apply there, and its
/// text is the report's `interrupted`. The lease ([`crate::lease`]) is such a guard.
pub fn apply_plan_guarded(
    client: &Client,
    plan: &Plan,
    options: ApplyOptions,
    guard: &mut dyn FnMut() -> Result<(), String>,
) -> ApplyReport {
    let mut outcomes: Vec<Outcome> = plan
        .changes
        .iter()
        .map(|change| Outcome {
            action: change.action,
            resource: change.resource.clone(),
            source: change.source.clone(),
            status: Status::NotAttempted,
        })
        .collect();
    // A create or update without the definition to send is a broken plan: nothing is written,
    // rather than a change reported as applied that was never sent.
    let unsendable: Vec<usize> = plan
        .changes
        .iter()
        .enumerate()
        .filter(|(_, change)| change.action != Action::Delete && change.body.is_none())
        .map(|(idx, _)| idx)
        .collect();
    if !unsendable.is_empty() {
        for idx in unsendable {
            if let Some(outcome) = outcomes.get_mut(idx) {
                outcome.status = Status::Rejected(vec![
                    "the plan carries no definition to send for this change; nothing was written"
                        .to_owned(),
                ]);
            }
        }
        return ApplyReport {
            outcomes,
            error: None,
            inventory: None,
            interrupted: None,
        };
    }
    let indexed: Vec<(usize, &ResourceChange)> = plan.changes.iter().enumerate().collect();
    let upserts = |kind: Kind| -> Vec<(usize, &ResourceChange)> {
        indexed
            .iter()
            .filter(|(_, c)| c.resource.kind == kind && c.action != Action::Delete)
            .copied()
            .collect()
    };
    let task_defs = upserts(Kind::TaskDef);
    let workflows = upserts(Kind::Workflow);
    let mut deletions: Vec<(usize, &ResourceChange)> = indexed
        .iter()
        .filter(|(_, c)| c.action == Action::Delete)
        .copied()
        .collect();
    deletions.sort_by_key(|(_, c)| std::cmp::Reverse(c.resource.kind));

    macro_rules! guard {
        ($needed:expr) => {
            if $needed && let Err(reason) = guard() {
                return ApplyReport {
                    outcomes,
                    error: None,
                    inventory: None,
                    interrupted: Some(reason),
                };
            }
        };
    }
    guard!(!task_defs.is_empty());
    for batch in task_defs.chunks(options.task_def_batch.max(1)) {
        if let Err(error) = client.upsert_task_defs(&bodies(batch)) {
            settle_failed_batch(&mut outcomes, batch, &error, |idx| {
                task_def_messages(&error, batch, idx)
            });
            return ApplyReport {
                outcomes,
                error: Some(error),
                inventory: None,
                interrupted: None,
            };
        }
        mark_applied(&mut outcomes, batch);
    }
    guard!(!workflows.is_empty());
    for batch in workflows.chunks(options.workflow_batch.max(1)) {
        match client.update_workflow_defs(&bodies(batch)) {
            Ok(bulk) if bulk.bulk_error_results.is_empty() => mark_applied(&mut outcomes, batch),
            Ok(bulk) => {
                // Errors while storing, keyed by name (contract §5.2).
                for (idx, change) in batch {
                    if let Some(outcome) = outcomes.get_mut(*idx) {
                        outcome.status = match bulk.bulk_error_results.get(&change.resource.name) {
                            Some(message) => Status::Rejected(vec![message.clone()]),
                            None => Status::Applied,
                        };
                    }
                }
                return ApplyReport {
                    outcomes,
                    error: None,
                    inventory: None,
                    interrupted: None,
                };
            }
            Err(error) => {
                let per_definition = if is_validation(&error) {
                    validate_each(client, batch)
                } else {
                    Vec::new()
                };
                settle_failed_batch(&mut outcomes, batch, &error, |idx| {
                    per_definition
                        .iter()
                        .find(|(i, _)| *i == idx)
                        .map(|(_, messages)| messages.clone())
                });
                // The server refuses a whole batch for one bad definition: send the rest of it
                // again, so that nothing else of the batch is lost to the rejection.
                let rest: Vec<(usize, &ResourceChange)> = batch
                    .iter()
                    .filter(|(idx, _)| !per_definition.iter().any(|(i, _)| i == idx))
                    .copied()
                    .collect();
                if !per_definition.is_empty()
                    && !rest.is_empty()
                    && let Ok(bulk) = client.update_workflow_defs(&bodies(&rest))
                    && bulk.bulk_error_results.is_empty()
                {
                    mark_applied(&mut outcomes, &rest);
                }
                return ApplyReport {
                    outcomes,
                    error: Some(error),
                    inventory: None,
                    interrupted: None,
                };
            }
        }
    }
    guard!(!deletions.is_empty());
    for (idx, change) in deletions {
        let version = change.resource.version.unwrap_or(1);
        let result = match change.resource.kind {
            Kind::Workflow => client.delete_workflow_def(&change.resource.name, version),
            Kind::TaskDef => client.delete_task_def(&change.resource.name),
        };
        let status = match result {
            Ok(()) => Status::Applied,
            // Someone (or a lost answer to an earlier attempt) deleted it: the desired state
            // holds. The answer alone does not say so (3.15 and 3.21 give 404, 3.32's SQLite
            // store 500, a proxy may give either), so the server is asked for it.
            Err(error)
                if matches!(error.status(), Some(404 | 500))
                    && confirmed_absent(client, &change.resource) =>
            {
                Status::AlreadyAbsent
            }
            Err(error) => {
                if let Some(outcome) = outcomes.get_mut(idx) {
                    outcome.status = failure_status(&error, None);
                }
                return ApplyReport {
                    outcomes,
                    error: Some(error),
                    inventory: None,
                    interrupted: None,
                };
            }
        };
        if let Some(outcome) = outcomes.get_mut(idx) {
            outcome.status = status;
        }
    }
    // The inventory records what was applied: it is written last, once everything else was.
    let mut inventory = None;
    guard!(plan.inventory.is_some());
    if let Some(change) = &plan.inventory {
        if let Err(error) = client.upsert_task_defs(std::slice::from_ref(&change.body)) {
            return ApplyReport {
                outcomes,
                error: Some(error),
                inventory: None,
                interrupted: None,
            };
        }
        inventory = Some((change.project.clone(), change.members));
    }
    ApplyReport {
        outcomes,
        error: None,
        inventory,
        interrupted: None,
    }
}

/// Whether the server says the definition is gone: a read answers 404 with the server's own
/// error body naming it (`No such workflow found by name: <name>, ...`). A proxy's or a
/// gateway's 404 page says nothing of the definition, so it is not taken as absence.
fn confirmed_absent(client: &Client, resource: &Resource) -> bool {
    let read = match resource.kind {
        Kind::Workflow => client
            .get_workflow_def(&resource.name, resource.version.unwrap_or(1))
            .map(drop),
        Kind::TaskDef => client.get_task_def(&resource.name).map(drop),
    };
    read.is_err_and(|error| {
        error.server_error().is_some_and(|server| {
            server.status == 404 && server.json_body && server.message.contains(&resource.name)
        })
    })
}

fn bodies(batch: &[(usize, &ResourceChange)]) -> Vec<Value> {
    batch
        .iter()
        .filter_map(|(_, change)| change.body.clone())
        .collect()
}

fn mark_applied(outcomes: &mut [Outcome], batch: &[(usize, &ResourceChange)]) {
    for (idx, _) in batch {
        if let Some(outcome) = outcomes.get_mut(*idx) {
            outcome.status = Status::Applied;
        }
    }
}

fn is_validation(error: &ClientError) -> bool {
    error.status() == Some(400)
}

/// Marks a failed batch: definitions the error is attributed to are rejected (or unknown, when
/// the request's fate is unknown), the others of the batch were not written.
fn settle_failed_batch(
    outcomes: &mut [Outcome],
    batch: &[(usize, &ResourceChange)],
    error: &ClientError,
    attributed: impl Fn(usize) -> Option<Vec<String>>,
) {
    let any_attributed = batch.iter().any(|(idx, _)| attributed(*idx).is_some());
    for (idx, _) in batch {
        let Some(outcome) = outcomes.get_mut(*idx) else {
            continue;
        };
        outcome.status = match attributed(*idx) {
            Some(messages) => Status::Rejected(messages),
            // A validation error rejects the whole batch: the rest was not written.
            None if any_attributed => Status::NotAttempted,
            None => failure_status(error, None),
        };
    }
}

fn failure_status(error: &ClientError, messages: Option<Vec<String>>) -> Status {
    if let Some(messages) = messages {
        return Status::Rejected(messages);
    }
    if error.outcome_unknown() {
        return Status::Unknown(error.to_string());
    }
    match error.server_error() {
        Some(server) => Status::Rejected(server_messages(server)),
        None => Status::Unknown(error.to_string()),
    }
}

/// The validation messages, or the message when there are none.
fn server_messages(server: &ServerError) -> Vec<String> {
    if server.validation_errors.is_empty() {
        vec![server.message.clone()]
    } else {
        server
            .validation_errors
            .iter()
            .map(|e| e.message.clone())
            .collect()
    }
}

/// After a batch of workflows was refused with 400, finds which definitions the server
/// rejects with `POST /api/metadata/workflow/validate` (it stores nothing), and their
/// messages. Contract §4.5: match on messages, not paths.
fn validate_each(client: &Client, batch: &[(usize, &ResourceChange)]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (idx, change) in batch {
        let Some(body) = &change.body else { continue };
        if let Err(error) = client.validate_workflow_def(body)
            && let Some(server) = error.server_error()
            && server.status == 400
        {
            out.push((*idx, server_messages(server)));
        }
    }
    out
}

/// Attributes a task-definition batch's validation errors: by the index in the error's path
/// (`registerTaskDef.arg0[2]...`, or `registerTaskDef.taskDefinitions[2]...` on 3.15.0), else by the name in the message
/// (`TaskDef: <name> ...`), else to a batch of one.
fn task_def_messages(
    error: &ClientError,
    batch: &[(usize, &ResourceChange)],
    idx: usize,
) -> Option<Vec<String>> {
    let server = error.server_error()?;
    if server.status != 400 {
        return None;
    }
    let position = batch.iter().position(|(i, _)| *i == idx)?;
    let name = &batch.get(position)?.1.resource.name;
    let mut messages = Vec::new();
    for validation in &server.validation_errors {
        let by_path = validation
            .path
            .as_deref()
            .and_then(path_index)
            .map(|i| i == position);
        let by_name = validation.message.contains(&format!("TaskDef: {name} "));
        if by_path == Some(true) || (by_path.is_none() && (by_name || batch.len() == 1)) {
            messages.push(validation.message.clone());
        }
    }
    if server.validation_errors.is_empty() && batch.len() == 1 {
        messages.push(server.message.clone());
    }
    (!messages.is_empty()).then_some(messages)
}

/// The index in `method.arg0[3].field`, or `method.taskDefinitions[3].field` on servers
/// compiled with parameter names (3.15.0, seen on a real server).
fn path_index(path: &str) -> Option<usize> {
    let argument = path.split_once('.')?.1.split('.').next()?;
    let index = argument.split_once('[')?.1.split_once(']')?.0;
    index.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::path_index;

    #[test]
    fn the_index_is_read_from_either_argument_name() {
        assert_eq!(path_index("registerTaskDef.arg0[2].name"), Some(2));
        assert_eq!(
            path_index("registerTaskDef.taskDefinitions[0].responseTimeoutSeconds"),
            Some(0)
        );
        assert_eq!(path_index("updateTaskDef.taskDefinition.name"), None);
        assert_eq!(path_index("registerTaskDef.arg0"), None);
    }
}
