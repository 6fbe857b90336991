//! The plan document: computed once from the desired definitions and the server's state, then
//! rendered (human, JSON, markdown), saved, and applied.

use std::fmt;

use conductor_model::versions::ServerVersion;
use globset::{Glob, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diff::{FieldChange, diff_definitions};
use crate::inventory::Inventory;
use crate::stamp::{content_hash, digest, read_stamp, stamp_workflow};
use crate::state::{
    RemoteState, normalized_fingerprint, stored_task_def, stored_workflow, task_def_fingerprint,
    workflow_fingerprint,
};

/// The version of the plan document's format; a saved plan of another format is refused.
pub const PLAN_FORMAT_VERSION: &str = "1";

/// Where a desired definition is written: a file (as shown to the user) and the document's
/// position in it, from 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRef {
    /// The file, relative to the working directory when below it.
    pub file: String,
    /// The document's position in the file, from 0.
    pub document: usize,
}

/// One desired definition: its compiled Conductor JSON and where it is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DesiredDefinition {
    /// The compiled JSON (a `WorkflowDef` or a `TaskDef`).
    pub def: Value,
    /// Where it is written.
    pub source: SourceRef,
}

/// The desired state: every definition of the project.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Desired {
    /// Workflows.
    pub workflows: Vec<DesiredDefinition>,
    /// Task definitions.
    pub task_defs: Vec<DesiredDefinition>,
}

/// Which server definitions `--prune` may delete: name globs per kind, from the project file.
#[derive(Debug, Clone, Default)]
pub struct PruneScope {
    workflows: Option<GlobSet>,
    task_defs: Option<GlobSet>,
}

/// A glob of the prune scope is invalid.
#[derive(Debug, thiserror::Error)]
#[error("invalid prune glob `{glob}`: {source}")]
pub struct ScopeError {
    /// The glob.
    pub glob: String,
    /// The cause.
    #[source]
    pub source: globset::Error,
}

impl PruneScope {
    /// A scope from name globs (`orders_*`); an empty list matches nothing.
    pub fn new(workflows: &[String], task_defs: &[String]) -> Result<PruneScope, ScopeError> {
        Ok(PruneScope {
            workflows: glob_set(workflows)?,
            task_defs: glob_set(task_defs)?,
        })
    }

    fn contains_workflow(&self, name: &str) -> bool {
        self.workflows
            .as_ref()
            .is_some_and(|set| set.is_match(name))
    }

    /// With an inventory, membership decides; globs, when given, narrow it further.
    fn allows_workflow(&self, name: &str) -> bool {
        self.workflows.as_ref().is_none_or(|set| set.is_match(name))
    }

    fn allows_task_def(&self, name: &str) -> bool {
        self.task_defs.as_ref().is_none_or(|set| set.is_match(name))
    }

    fn contains_task_def(&self, name: &str) -> bool {
        self.task_defs
            .as_ref()
            .is_some_and(|set| set.is_match(name))
    }
}

fn glob_set(globs: &[String]) -> Result<Option<GlobSet>, ScopeError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(Glob::new(glob).map_err(|source| ScopeError {
            glob: glob.clone(),
            source,
        })?);
    }
    builder.build().map(Some).map_err(|source| ScopeError {
        glob: globs.join(", "),
        source,
    })
}

/// The kind of a definition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A task definition (`TaskDef`).
    TaskDef,
    /// A workflow definition version (`WorkflowDef`).
    Workflow,
}

/// A definition's identity on the server.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Resource {
    /// Workflow or task definition.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// The workflow version (absent for task definitions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl Resource {
    /// A workflow version.
    pub fn workflow(name: &str, version: i64) -> Resource {
        Resource {
            kind: Kind::Workflow,
            name: name.to_owned(),
            version: Some(version),
        }
    }

    /// A task definition.
    pub fn task_def(name: &str) -> Resource {
        Resource {
            kind: Kind::TaskDef,
            name: name.to_owned(),
            version: None,
        }
    }
}

/// Shown as ``workflow `name` v3`` or ``task definition `name` ``.
impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.version) {
            (Kind::Workflow, Some(version)) => write!(f, "workflow `{}` v{version}", self.name),
            (Kind::Workflow, None) => write!(f, "workflow `{}`", self.name),
            (Kind::TaskDef, _) => write!(f, "task definition `{}`", self.name),
        }
    }
}

/// What a change does to a definition on the server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Register it.
    Create,
    /// Replace it in place (same name and version).
    Update,
    /// Delete it (only with `--prune`).
    Delete,
}

impl Action {
    /// The symbol shown: `+`, `~` or `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Delete => "-",
        }
    }
}

/// Where an update comes from, told by the ownership stamp (see [`crate::stamp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The definition changed in git since the last apply.
    Git,
    /// The server's copy was edited since the last apply (drift); apply restores git's.
    Server,
    /// Both changed since the last apply.
    GitAndServer,
    /// The server's copy is not stamped by conductor-apply; apply takes it over.
    Unmanaged,
}

/// One change of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceChange {
    /// What is done.
    pub action: Action,
    /// To which definition.
    pub resource: Resource,
    /// Where the desired definition is written (absent for deletions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// Where an update of a workflow comes from (absent when unknown: task definitions carry
    /// no stamp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The fields that differ (updates only), server value `before`, desired value `after`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// What apply sends: the compiled definition, stamped for workflows (absent for
    /// deletions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// The counts of the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Definitions to create.
    pub add: usize,
    /// Definitions to update.
    pub change: usize,
    /// Definitions to delete.
    pub destroy: usize,
    /// Desired definitions that already match the server.
    pub unchanged: usize,
}

/// The server's state as the plan saw it, for refusing a stale saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StateFingerprint {
    /// A hash of every entry below.
    pub digest: String,
    /// Each definition the plan depends on (every desired one and every deletion), with the
    /// hash of its normalised server copy, or none when it was absent.
    pub resources: Vec<ResourceFingerprint>,
}

/// The server's copy of one definition when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceFingerprint {
    /// The definition.
    pub resource: Resource,
    /// The hash of its normalised server copy; absent when the server did not have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// A plan: what apply would do, and against which state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "conductor-apply plan")]
pub struct Plan {
    /// The format of this document (`"1"`).
    pub format_version: String,
    /// The conductor-apply version that made it.
    pub tool_version: String,
    /// The server's API base URL (without credentials).
    pub server: String,
    /// The server's version as it reported it (absent when it did not say, and in plans of
    /// older tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// The project file's environment the plan was made for (`--env NAME`): its server, its
    /// `((name))` values and its server version. Absent when none was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// What the plan could not do on this server, said once (e.g. no ownership stamps on a
    /// server without workflow metadata).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Whether deletions were planned (`--prune`).
    pub prune: bool,
    /// The counts.
    pub summary: Summary,
    /// The changes, in apply order: task definitions, workflows, then deletions.
    pub changes: Vec<ResourceChange>,
    /// Managed definitions in prune scope that are not in the project: deleted only with
    /// `--prune` (listed here when it was not given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prunable: Vec<Resource>,
    /// The server's state the plan was computed against.
    pub state: StateFingerprint,
    /// The project's inventory to write last, when it changes (projects with an id only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryChange>,
    /// A saved plan's seal: the desired state it was computed from and a digest of everything
    /// apply would write; `apply FILE` recomputes the plan from them and refuses any
    /// difference. Absent from a plan that is only printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}

/// The project's inventory as apply will write it (see [`crate::inventory`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InventoryChange {
    /// The project's id.
    pub project: String,
    /// How many definitions it records.
    pub members: usize,
    /// The task definition that holds it.
    pub body: Value,
}

/// What a saved plan was computed from, and a digest of what it writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Seal {
    /// Every desired definition, as planned.
    pub desired: Desired,
    /// SHA-256 (first 128 bits, hex) of the changes, the summary, the server and `prune`.
    pub digest: String,
}

/// Why a saved plan is not applied as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealProblem {
    /// The plan has no seal (made without `--out`, or by an older version).
    Unsealed,
    /// The digest does not match the plan's content: the file was edited.
    Tampered,
    /// Recomputed now, from the saved desired state against the server, the plan differs.
    Differs,
}

impl fmt::Display for SealProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SealProblem::Unsealed => "the plan file has no seal: save plans with `plan --out`",
            SealProblem::Tampered => {
                "the plan file was edited after it was saved: its digest does not match"
            }
            SealProblem::Differs => {
                "computed again from its desired state against the server, the plan differs: \
                 the server or the plan file changed since it was made"
            }
        })
    }
}

impl Plan {
    /// Seals the plan with the desired state it was computed from, for saving.
    pub fn seal(&mut self, desired: &Desired) {
        self.seal = None;
        let digest = self.content_digest();
        self.seal = Some(Seal {
            desired: desired.clone(),
            digest,
        });
    }

    /// Whether `other` does exactly what this plan does, to the same server state: the same
    /// changes with the same bodies, deletions, inventory and counts (the tool version and
    /// the notes aside).
    pub fn does_what(&self, other: &Plan) -> bool {
        self.changes == other.changes
            && self.summary == other.summary
            && self.prunable == other.prunable
            && self.prune == other.prune
            && self.server == other.server
            && self.state == other.state
            && self.inventory == other.inventory
    }

    /// Checks a saved plan: its digest, then the plan computed again from its desired state
    /// with `recompute` (against the live server), which must equal it. Returns the plan to
    /// apply: the recomputed one.
    pub fn verify_seal(
        &self,
        recompute: impl FnOnce(&Desired) -> Plan,
    ) -> Result<Plan, SealProblem> {
        let Some(seal) = &self.seal else {
            return Err(SealProblem::Unsealed);
        };
        let mut unsealed = self.clone();
        unsealed.seal = None;
        if unsealed.content_digest() != seal.digest {
            return Err(SealProblem::Tampered);
        }
        let mut fresh = recompute(&seal.desired);
        fresh.seal = None;
        if fresh.does_what(&unsealed) {
            Ok(fresh)
        } else {
            Err(SealProblem::Differs)
        }
    }

    /// The digest of what the plan does and where.
    fn content_digest(&self) -> String {
        let mut content = serde_json::json!({
            "server": self.server,
            "prune": self.prune,
            "summary": self.summary,
            "changes": self.changes,
            "prunable": self.prunable,
            "state": self.state,
            "inventory": self.inventory,
        });
        // Only when one was chosen, so that plans without one keep the digest they had before
        // plans named their environment.
        if let (Some(environment), Some(object)) = (&self.environment, content.as_object_mut()) {
            object.insert("environment".to_owned(), Value::from(environment.as_str()));
        }
        digest(&content.to_string())
    }

    /// Whether the plan changes anything.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty() || self.inventory.is_some()
    }

    /// The server as shown in renderings: its URL, and its version when it reported one.
    pub fn server_label(&self) -> String {
        match &self.server_version {
            Some(version) => format!("{} (Conductor {version})", self.server),
            None => self.server.clone(),
        }
    }

    /// The version whose stored properties the plan compared: the one the server reported, or
    /// the newest known.
    pub fn compared_version(&self) -> ServerVersion {
        self.server_version
            .as_deref()
            .and_then(ServerVersion::parse)
            .unwrap_or(ServerVersion::NEWEST_KNOWN)
    }
}

/// What a plan is computed from.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The desired definitions.
    pub desired: &'a Desired,
    /// The server's state.
    pub remote: &'a RemoteState,
    /// Which server definitions may be deleted.
    pub scope: &'a PruneScope,
    /// Whether to plan deletions.
    pub prune: bool,
    /// The server's base URL, recorded in the plan.
    pub server: &'a str,
    /// The server's version: only what it stores is compared. `reported` is what the server
    /// said, recorded in the plan; `None` when it said nothing (the newest known is assumed).
    pub server_version: ServerVersion,
    /// The version text the server reported, if any.
    pub reported_version: Option<&'a str>,
    /// The project file's environment the definitions were read for (`--env NAME`), recorded
    /// in the plan.
    pub environment: Option<&'a str>,
    /// The tool's version, recorded in the plan.
    pub tool_version: &'a str,
    /// The project's id (the project file's `project`): ownership is then kept in the project's
    /// inventory on the server, which prune and drift read ([`crate::inventory`]).
    pub project: Option<&'a str>,
}

/// Computes the plan. Never writes anything, never fails: a definition the normaliser cannot
/// make sense of is compared as it is.
pub fn compute_plan(input: PlanInput<'_>) -> Plan {
    let server_version = input.server_version;
    let rules = server_version.rules();
    // Both sides as this server stores them: a property it drops is never a change (its loss
    // is a diagnostic of `check`, at its line).
    let stored_task_def = |def: &Value| stored_task_def(def, server_version);
    let stored_workflow = |def: &Value| stored_workflow(def, server_version);
    let previous = input
        .project
        .and_then(|id| input.remote.task_defs.get(&Inventory::task_def_name(id)))
        .and_then(Inventory::from_task_def);
    let mut next = input.project.map(Inventory::new);
    let mut task_def_changes = Vec::new();
    let mut workflow_changes = Vec::new();
    let mut deletions = Vec::new();
    let mut prunable = Vec::new();
    let mut fingerprints = Vec::new();
    let mut unchanged = 0;

    for desired in &input.desired.task_defs {
        let name = desired
            .def
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let resource = Resource::task_def(name);
        let remote = input.remote.task_defs.get(name).map(stored_task_def);
        fingerprints.push(ResourceFingerprint {
            resource: resource.clone(),
            fingerprint: remote.as_ref().map(normalized_fingerprint),
        });
        let body = desired.def.clone();
        let stored_desired = stored_task_def(&body);
        let desired_hash = normalized_fingerprint(&stored_desired);
        if let Some(next) = &mut next {
            next.task_defs.insert(name.to_owned(), desired_hash.clone());
        }
        match remote {
            None => task_def_changes.push(create(resource, desired, body)),
            Some(remote) => {
                let fields = diff_definitions(&remote, &stored_desired);
                if fields.is_empty() {
                    unchanged += 1;
                } else {
                    // Task definitions have no stamp: only the inventory tells where a change
                    // comes from.
                    let origin = previous
                        .as_ref()
                        .and_then(|inventory| inventory.task_def_hash(name))
                        .map(|recorded| {
                            origin_of(recorded, &desired_hash, &normalized_fingerprint(&remote))
                        });
                    task_def_changes.push(ResourceChange {
                        action: Action::Update,
                        resource,
                        source: Some(desired.source.clone()),
                        origin,
                        fields,
                        body: Some(body),
                    });
                }
            }
        }
    }

    for desired in &input.desired.workflows {
        let name = desired
            .def
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let version = desired
            .def
            .get("version")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let resource = Resource::workflow(name, version);
        let remote = input.remote.workflows.get(&(name.to_owned(), version));
        let normalized_remote = remote.map(stored_workflow);
        fingerprints.push(ResourceFingerprint {
            resource: resource.clone(),
            fingerprint: normalized_remote.as_ref().map(normalized_fingerprint),
        });
        let body = stamp_workflow(&desired.def, server_version);
        if let Some(next) = &mut next {
            next.add_workflow(name, version, content_hash(&desired.def, server_version));
        }
        match remote.zip(normalized_remote) {
            None => workflow_changes.push(create(resource, desired, body)),
            Some((remote, normalized_remote)) => {
                let fields = without_stamp_noise(diff_definitions(
                    &normalized_remote,
                    &stored_workflow(&body),
                ));
                if fields.is_empty() {
                    unchanged += 1;
                } else {
                    workflow_changes.push(ResourceChange {
                        action: Action::Update,
                        resource,
                        source: Some(desired.source.clone()),
                        // The inventory's hash, else the stamp's; without workflow metadata
                        // and an inventory there is no way to tell.
                        origin: match previous
                            .as_ref()
                            .and_then(|inventory| inventory.workflow_hash(name, version))
                        {
                            Some(recorded) => Some(origin_of(
                                recorded,
                                &content_hash(&desired.def, server_version),
                                &content_hash(remote, server_version),
                            )),
                            None => rules
                                .workflow_metadata
                                .then(|| origin(remote, &desired.def, server_version)),
                        },
                        fields,
                        body: Some(body),
                    });
                }
            }
        }
    }

    let desired_workflows: std::collections::BTreeSet<(String, i64)> = fingerprints
        .iter()
        .filter(|f| f.resource.kind == Kind::Workflow)
        .map(|f| (f.resource.name.clone(), f.resource.version.unwrap_or(1)))
        .collect();
    let desired_task_defs: std::collections::BTreeSet<&str> = fingerprints
        .iter()
        .filter(|f| f.resource.kind == Kind::TaskDef)
        .map(|f| f.resource.name.as_str())
        .collect();
    let mut candidates = Vec::new();
    for ((name, version), remote) in &input.remote.workflows {
        let key = (name.clone(), *version);
        if desired_workflows.contains(&key) {
            continue;
        }
        // With a project id, only the members of this project's inventory are ever deleted;
        // without, only managed (stamped) workflows in scope (contract §5.4).
        let owned = match (&input.project, &previous) {
            (Some(_), Some(inventory)) => {
                inventory.workflow_hash(name, *version).is_some()
                    && input.scope.allows_workflow(name)
            }
            (Some(_), None) => false,
            (None, _) => input.scope.contains_workflow(name) && read_stamp(remote).is_some(),
        };
        if owned {
            candidates.push((
                Resource::workflow(name, *version),
                workflow_fingerprint(remote, server_version),
            ));
        }
    }
    // A task definition that a workflow still uses is never deleted: a workflow on the server
    // that stays (ours or not), or one of the project's.
    let staying = input
        .remote
        .workflows
        .iter()
        .filter(|((name, version), _)| {
            !candidates
                .iter()
                .any(|(resource, _)| *resource == Resource::workflow(name, *version))
        })
        .map(|((name, version), def)| (Resource::workflow(name, *version), def))
        .chain(input.desired.workflows.iter().map(|desired| {
            let name = desired.def.get("name").and_then(Value::as_str);
            let version = desired.def.get("version").and_then(Value::as_i64);
            (
                Resource::workflow(name.unwrap_or_default(), version.unwrap_or(1)),
                &desired.def,
            )
        }));
    let mut users: std::collections::BTreeMap<String, Resource> = std::collections::BTreeMap::new();
    for (resource, def) in staying {
        let mut names = Vec::new();
        task_names(def.get("tasks"), &mut names);
        for name in names {
            users
                .entry(name.to_owned())
                .or_insert_with(|| resource.clone());
        }
    }
    let mut notes = Vec::new();
    for (name, remote) in &input.remote.task_defs {
        let owned = match (&input.project, &previous) {
            (Some(_), Some(inventory)) => {
                inventory.task_def_hash(name).is_some() && input.scope.allows_task_def(name)
            }
            (Some(_), None) => false,
            (None, _) => input.scope.contains_task_def(name),
        };
        if !desired_task_defs.contains(name.as_str()) && owned && !Inventory::is_inventory(name) {
            if let Some(user) = users.get(name) {
                notes.push(format!(
                    "task definition `{name}` is in prune scope and not in the project, but \
                     {user} uses it: it is kept"
                ));
                continue;
            }
            candidates.push((
                Resource::task_def(name),
                task_def_fingerprint(remote, server_version),
            ));
        }
    }
    // Contract §5.7: workflows are deleted before the task definitions they may use.
    candidates.sort_by(|a, b| b.0.kind.cmp(&a.0.kind).then_with(|| a.0.cmp(&b.0)));
    for (resource, fingerprint) in candidates {
        if input.prune {
            fingerprints.push(ResourceFingerprint {
                resource: resource.clone(),
                fingerprint: Some(fingerprint),
            });
            deletions.push(ResourceChange {
                action: Action::Delete,
                resource,
                source: None,
                origin: None,
                fields: Vec::new(),
                body: None,
            });
        } else {
            prunable.push(resource);
        }
    }
    let inventory = next.map(|mut next| {
        // Members that left the project stay members until pruned; those gone from the server
        // are dropped.
        if let Some(previous) = &previous {
            let deleted = |resource: &Resource| deletions.iter().any(|d| d.resource == *resource);
            for (name, version) in previous.workflow_members() {
                let resource = Resource::workflow(name, version);
                let on_server = input
                    .remote
                    .workflows
                    .contains_key(&(name.to_owned(), version));
                if next.workflow_hash(name, version).is_none()
                    && on_server
                    && !deleted(&resource)
                    && let Some(hash) = previous.workflow_hash(name, version)
                {
                    next.add_workflow(name, version, hash.to_owned());
                }
            }
            for (name, hash) in &previous.task_defs {
                let on_server = input.remote.task_defs.contains_key(name);
                if !next.task_defs.contains_key(name)
                    && on_server
                    && !deleted(&Resource::task_def(name))
                {
                    next.task_defs.insert(name.clone(), hash.clone());
                }
            }
        }
        next
    });
    let inventory = inventory
        .filter(|next| previous.as_ref() != Some(next))
        .map(|next| InventoryChange {
            project: next.project.clone(),
            members: next.len(),
            body: next.to_task_def(),
        });

    let summary = Summary {
        add: task_def_changes
            .iter()
            .chain(&workflow_changes)
            .filter(|c| c.action == Action::Create)
            .count(),
        change: task_def_changes
            .iter()
            .chain(&workflow_changes)
            .filter(|c| c.action == Action::Update)
            .count(),
        destroy: deletions.len(),
        unchanged,
    };
    let mut changes = task_def_changes;
    changes.extend(workflow_changes);
    changes.extend(deletions);
    if input.reported_version.is_none() {
        notes.push(format!(
            "the server did not report its version: assuming {server_version}"
        ));
    }
    if !rules.workflow_metadata {
        notes.push(format!(
            "server {server_version} does not store workflow metadata (from 3.21.14): workflows cannot \
             carry the ownership stamp there, so drift is not told apart from changes in git, \
             and no workflow is ever pruned"
        ));
    }
    Plan {
        format_version: PLAN_FORMAT_VERSION.to_owned(),
        tool_version: input.tool_version.to_owned(),
        server: input.server.to_owned(),
        server_version: input.reported_version.map(str::to_owned),
        environment: input.environment.map(str::to_owned),
        notes,
        prune: input.prune,
        summary,
        changes,
        prunable,
        state: state_fingerprint(fingerprints),
        inventory,
        seal: None,
    }
}

/// The name of every task at any depth of a task list (cases, forks, loops, inline
/// sub-workflows): the task definitions the list may use.
fn task_names<'a>(tasks: Option<&'a Value>, out: &mut Vec<&'a str>) {
    let Some(Value::Array(tasks)) = tasks else {
        return;
    };
    for task in tasks {
        if let Some(name) = task.get("name").and_then(Value::as_str) {
            out.push(name);
        }
        task_names(task.get("defaultCase"), out);
        task_names(task.get("loopOver"), out);
        if let Some(Value::Object(cases)) = task.get("decisionCases") {
            for case in cases.values() {
                task_names(Some(case), out);
            }
        }
        if let Some(Value::Array(branches)) = task.get("forkTasks") {
            for branch in branches {
                task_names(Some(branch), out);
            }
        }
        let inline = task
            .get("subWorkflowParam")
            .and_then(|param| param.get("workflowDefinition"));
        if let Some(definition) = inline {
            task_names(definition.get("tasks"), out);
        }
    }
}

/// The stamp's hash follows the content, so when other fields differ its change is noise;
/// alone (an unstamped copy equal to the desired one, or a stamp from an older normaliser), it
/// is the change.
fn without_stamp_noise(fields: Vec<FieldChange>) -> Vec<FieldChange> {
    let stamp_path = format!(".metadata.{}", crate::stamp::STAMP_KEY);
    let is_stamp = |field: &FieldChange| field.path.starts_with(&stamp_path);
    if fields.iter().all(is_stamp) {
        fields
    } else {
        fields
            .into_iter()
            .filter(|field| !is_stamp(field))
            .collect()
    }
}

fn create(resource: Resource, desired: &DesiredDefinition, body: Value) -> ResourceChange {
    ResourceChange {
        action: Action::Create,
        resource,
        source: Some(desired.source.clone()),
        origin: None,
        fields: Vec::new(),
        body: Some(body),
    }
}

/// Tells git changes from server edits with the stamp's hash (see [`crate::stamp`]).
fn origin(remote: &Value, desired: &Value, version: ServerVersion) -> Origin {
    let Some(stamp) = read_stamp(remote) else {
        return Origin::Unmanaged;
    };
    origin_of(
        &stamp.hash,
        &content_hash(desired, version),
        &content_hash(remote, version),
    )
}

/// Where a change comes from, by the hash recorded at the last apply (a stamp's or the
/// inventory's) against the desired and the server's hashes.
fn origin_of(recorded: &str, desired: &str, remote: &str) -> Origin {
    let changed_in_git = desired != recorded;
    let changed_on_server = remote != recorded;
    match (changed_in_git, changed_on_server) {
        (true, true) => Origin::GitAndServer,
        (false, true) => Origin::Server,
        _ => Origin::Git,
    }
}

fn state_fingerprint(mut resources: Vec<ResourceFingerprint>) -> StateFingerprint {
    resources.sort_by(|a, b| a.resource.cmp(&b.resource));
    let text = resources
        .iter()
        .map(|entry| {
            format!(
                "{:?}\t{}\t{}\t{}\n",
                entry.resource.kind,
                entry.resource.name,
                entry.resource.version.unwrap_or(0),
                entry.fingerprint.as_deref().unwrap_or("-")
            )
        })
        .collect::<String>();
    StateFingerprint {
        digest: digest(&text),
        resources,
    }
}

/// One way the server's state moved since a plan was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The definition.
    pub resource: Resource,
    /// How it moved.
    pub how: Movement,
}

/// How a definition moved on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// It appeared.
    Created,
    /// Its content changed.
    Changed,
    /// It disappeared.
    Deleted,
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.how {
            Movement::Created => "was created on the server",
            Movement::Changed => "was changed on the server",
            Movement::Deleted => "was deleted from the server",
        };
        write!(f, "{} {how}", self.resource)
    }
}

/// What moved on the server since `plan` was computed: every definition the plan depends on
/// whose server copy differs now. Empty when the plan is still fresh.
pub fn moved_since(plan: &Plan, remote: &RemoteState) -> Vec<Moved> {
    let version = plan.compared_version();
    let mut moved = Vec::new();
    for entry in &plan.state.resources {
        let now = match entry.resource.kind {
            Kind::Workflow => remote
                .workflows
                .get(&(
                    entry.resource.name.clone(),
                    entry.resource.version.unwrap_or(1),
                ))
                .map(|def| workflow_fingerprint(def, version)),
            Kind::TaskDef => remote
                .task_defs
                .get(&entry.resource.name)
                .map(|def| task_def_fingerprint(def, version)),
        };
        let how = match (&entry.fingerprint, &now) {
            (None, Some(_)) => Movement::Created,
            (Some(_), None) => Movement::Deleted,
            (Some(before), Some(now)) if before != now => Movement::Changed,
            _ => continue,
        };
        moved.push(Moved {
            resource: entry.resource.clone(),
            how,
        });
    }
    moved
}

/// The JSON Schema of the plan document (`schemas/plan.schema.json`).
pub fn plan_schema() -> Value {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Plan>();
    schema.into()
}
