//! What each Conductor server version stores and enforces, as data: one table of the
//! properties that appeared after 3.15.0, and one set of rules per version.
//!
//! Every server version drops an unknown property silently and answers 200 (server-versions.md
//! §1), so a definition that sets a property its server is too old for loses it without a
//! word, and a plan that compares it shows the same change after every apply. [`stores`] says
//! what a version keeps, and `normalize::normalize_stored` compares only that;
//! [`lost_fields`] lists what it would lose, for diagnostics at their lines;
//! [`ServerRules`] says what the version enforces at registration and what it can run.
//!
//! The facts come from the server's source at each tag (`../shared/design/server-versions.md`,
//! with citations) and are proven against real servers 3.15.0, 3.21.14 and 3.32.1 by the
//! conformance suite (`tests/real_servers.rs`).
//!
//! ```
//! use conductor_model::defaults::ObjectKind;
//! use conductor_model::normalize::normalize_stored;
//! use conductor_model::versions::{ServerVersion, lost_fields};
//! use serde_json::json;
//!
//! let v3_21 = ServerVersion::parse("3.21.14").unwrap();
//! let task = json!({"name": "loop", "taskReferenceName": "loop", "type": "DO_WHILE",
//!                   "loopCondition": "true", "items": "${workflow.input.items}"});
//! assert!(normalize_stored(ObjectKind::WorkflowTask, &task, v3_21).get("items").is_none());
//! let lost = lost_fields(ObjectKind::WorkflowTask, &task, v3_21);
//! assert_eq!(lost[0].pointer, "/items");
//! assert_eq!(lost[0].field.since.to_string(), "3.22.0");
//! assert!(!v3_21.rules().do_while_items);
//! ```

use std::fmt;

use serde_json::Value;

use crate::defaults::{Nested, ObjectKind};

/// A Conductor server version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerVersion {
    /// The major version (3).
    pub major: u32,
    /// The minor version.
    pub minor: u32,
    /// The patch version.
    pub patch: u32,
}

impl ServerVersion {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> ServerVersion {
        ServerVersion {
            major,
            minor,
            patch,
        }
    }

    /// The newest version this table knows (contract: v3.32.1). A server whose version is
    /// unknown is assumed to be this one.
    pub const NEWEST_KNOWN: ServerVersion = ServerVersion::new(3, 32, 1);

    /// The oldest version the table describes; older servers are treated as this one.
    pub const OLDEST_KNOWN: ServerVersion = ServerVersion::new(3, 15, 0);

    /// Reads `3.21.14`, `v3.21.14`, `3.32.1-SNAPSHOT` or `3.22` (patch 0); `None` for anything
    /// else.
    pub fn parse(text: &str) -> Option<ServerVersion> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let core = text.split(['-', '+', ' ']).next().unwrap_or_default();
        let mut parts = core.split('.');
        let number = |part: Option<&str>| -> Option<u32> {
            let part = part?;
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let patch = match parts.next() {
            None => 0,
            part => number(part)?,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(ServerVersion::new(major, minor, patch))
    }

    /// What this version enforces at registration and can run.
    pub fn rules(self) -> ServerRules {
        let at_least = |major, minor, patch| self >= ServerVersion::new(major, minor, patch);
        ServerRules {
            owner_email_mandatory_by_default: !at_least(3, 22, 0),
            owner_email_format_checked: !at_least(3, 21, 11),
            colon_in_workflow_name_rejected: !at_least(3, 21, 11),
            whitespace_in_expressions_rejected: !at_least(3, 21, 19),
            javascript_evaluated_at_registration: !at_least(3, 32, 0),
            es6_at_registration: at_least(3, 21, 0),
            graaljs: at_least(3, 21, 21),
            do_while_items: at_least(3, 22, 0),
            http_top_level_uri: at_least(3, 22, 1),
            fork_task_inputs: at_least(3, 22, 0),
            workflow_metadata: at_least(3, 21, 14),
            version_endpoint: at_least(3, 22, 0),
        }
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// What one server version enforces at registration and can run, beyond which properties it
/// stores ([`FIELDS_INTRODUCED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerRules {
    /// `conductor.app.ownerEmailMandatory` is `true` unless the server's configuration says
    /// otherwise: a definition without `ownerEmail` gets 400 `ownerEmail cannot be empty`
    /// (the bundled configuration turns it off from 3.22.0).
    pub owner_email_mandatory_by_default: bool,
    /// `ownerEmail` must look like an e-mail address (`@Email`, up to 3.21.10).
    pub owner_email_format_checked: bool,
    /// A `:` in a workflow name is always rejected (up to 3.21.10).
    pub colon_in_workflow_name_rejected: bool,
    /// Any whitespace inside a `${...}` of a task's top-level input makes it invalid (before
    /// 3.21.19, which compiles the path with Jayway JsonPath instead).
    pub whitespace_in_expressions_rejected: bool,
    /// SWITCH `javascript` and DECISION `caseExpression` are evaluated at registration
    /// against the unresolved input, so an expression that throws is refused (before 3.32.0,
    /// which checks the syntax only).
    pub javascript_evaluated_at_registration: bool,
    /// The registration-time engine takes ES6 syntax (Nashorn ES5 only on 3.15.0 and older).
    pub es6_at_registration: bool,
    /// The `graaljs` evaluator exists (from 3.21.21); before, INLINE fails at run time with
    /// `Unknown evaluator 'graaljs'`.
    pub graaljs: bool,
    /// DO_WHILE `items` exists (from 3.22.0); before, it is dropped and a loop over items
    /// compiled to `loopCondition: "true"` never ends.
    pub do_while_items: bool,
    /// An HTTP task may give `uri` at the top level of its input (from 3.22.1); before, it
    /// needs `http_request`.
    pub http_top_level_uri: bool,
    /// FORK_JOIN_DYNAMIC takes `forkTaskInputs` (from 3.22.0).
    pub fork_task_inputs: bool,
    /// `WorkflowDef.metadata` exists, and with it the ownership stamp (from 3.21.14).
    pub workflow_metadata: bool,
    /// `GET /api/version` answers (from 3.22.0); before, `GET /api/admin/config` has `version`.
    pub version_endpoint: bool,
}

/// A property of the model that servers older than `since` do not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldIntroduced {
    /// The model object.
    pub kind: ObjectKind,
    /// The JSON property.
    pub name: &'static str,
    /// The first version that stores it.
    pub since: ServerVersion,
    /// What losing it does, completing "… so …".
    pub effect: &'static str,
}

const fn introduced(
    kind: ObjectKind,
    name: &'static str,
    since: (u32, u32, u32),
    effect: &'static str,
) -> FieldIntroduced {
    FieldIntroduced {
        kind,
        name,
        since: ServerVersion::new(since.0, since.1, since.2),
        effect,
    }
}

/// Every property of the model that appeared after 3.15.0, with the first version that stores
/// it (server-versions.md §1, "first tag"). A property not listed here is stored by every
/// version from 3.15.0.
pub const FIELDS_INTRODUCED: &[FieldIntroduced] = &[
    // WorkflowDef
    introduced(
        ObjectKind::WorkflowDef,
        "workflowStatusListenerSink",
        (3, 21, 0),
        "status events go to the default sink",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "rateLimitConfig",
        (3, 21, 0),
        "the workflow is not rate limited",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "inputSchema",
        (3, 21, 0),
        "the input is not validated",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "outputSchema",
        (3, 21, 0),
        "the output is not validated",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "enforceSchema",
        (3, 21, 0),
        "schemas are not enforced",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "metadata",
        (3, 21, 14),
        "the metadata is lost",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "cacheConfig",
        (3, 21, 16),
        "the output is not cached",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "maskedFields",
        (3, 21, 18),
        "those fields are shown unmasked",
    ),
    introduced(
        ObjectKind::WorkflowDef,
        "failureWorkflowVersion",
        (3, 31, 2),
        "the failure workflow runs its latest version, not the pinned one",
    ),
    // WorkflowTask
    introduced(
        ObjectKind::WorkflowTask,
        "permissive",
        (3, 16, 0),
        "the task is not permissive",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "onStateChange",
        (3, 21, 0),
        "no state-change events are sent",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "joinStatus",
        (3, 21, 0),
        "the join status is not used",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "cacheConfig",
        (3, 21, 0),
        "the task output is not cached",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "items",
        (3, 22, 0),
        "the loop runs on its condition alone",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "joinMode",
        (3, 22, 3),
        "the JOIN runs in the default mode",
    ),
    introduced(
        ObjectKind::WorkflowTask,
        "metadata",
        (3, 32, 0),
        "the task's metadata is lost",
    ),
    // TaskDef
    introduced(
        ObjectKind::TaskDef,
        "baseType",
        (3, 21, 0),
        "the base type is lost",
    ),
    introduced(
        ObjectKind::TaskDef,
        "inputSchema",
        (3, 21, 0),
        "the input is not validated",
    ),
    introduced(
        ObjectKind::TaskDef,
        "outputSchema",
        (3, 21, 0),
        "the output is not validated",
    ),
    introduced(
        ObjectKind::TaskDef,
        "enforceSchema",
        (3, 21, 0),
        "schemas are not enforced",
    ),
    introduced(
        ObjectKind::TaskDef,
        "totalTimeoutSeconds",
        (3, 21, 11),
        "the task has no total timeout",
    ),
    introduced(
        ObjectKind::TaskDef,
        "taskStatusListenerEnabled",
        (3, 23, 0),
        "the status listener stays enabled",
    ),
    introduced(
        ObjectKind::TaskDef,
        "maxRetryDelaySeconds",
        (3, 30, 0),
        "exponential backoff is uncapped",
    ),
    introduced(
        ObjectKind::TaskDef,
        "backoffJitterMs",
        (3, 30, 0),
        "retries have no jitter",
    ),
    introduced(
        ObjectKind::TaskDef,
        "runtimeMetadata",
        (3, 31, 2),
        "the runtime metadata is lost",
    ),
    // SubWorkflowParams
    introduced(
        ObjectKind::SubWorkflowParams,
        "idempotencyKey",
        (3, 21, 0),
        "the sub-workflow is started without idempotency",
    ),
    introduced(
        ObjectKind::SubWorkflowParams,
        "idempotencyStrategy",
        (3, 21, 0),
        "the sub-workflow is started without idempotency",
    ),
    introduced(
        ObjectKind::SubWorkflowParams,
        "priority",
        (3, 21, 11),
        "the sub-workflow runs at the default priority",
    ),
    // RateLimitConfig
    introduced(
        ObjectKind::RateLimitConfig,
        "policy",
        (3, 22, 0),
        "the default policy applies",
    ),
];

/// The newest version in [`FIELDS_INTRODUCED`]: from it on, every property is stored.
pub const NEWEST_INTRODUCTION: ServerVersion = ServerVersion::new(3, 32, 0);

/// When the property was introduced, if after 3.15.0.
pub fn introduced_in(kind: ObjectKind, name: &str) -> Option<&'static FieldIntroduced> {
    FIELDS_INTRODUCED
        .iter()
        .find(|entry| entry.kind == kind && entry.name == name)
}

/// Whether `version` stores the property (every property the model knows that is not in
/// [`FIELDS_INTRODUCED`] is stored by every version).
pub fn stores(version: ServerVersion, kind: ObjectKind, name: &str) -> bool {
    introduced_in(kind, name).is_none_or(|entry| version >= entry.since)
}

/// A property of a definition that a server version would drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostField {
    /// Where it is, as a JSON pointer into the definition (`/tasks/2/items`).
    pub pointer: String,
    /// The property and the version that introduced it.
    pub field: &'static FieldIntroduced,
}

/// Every property of `value` that `version` would drop, in document order. A property set to
/// its server default is not lost (the server reads back the same), so it is not listed.
pub fn lost_fields(kind: ObjectKind, value: &Value, version: ServerVersion) -> Vec<LostField> {
    let mut out = Vec::new();
    collect_lost(kind, value, version, &mut String::new(), &mut out);
    out
}

fn collect_lost(
    kind: ObjectKind,
    value: &Value,
    version: ServerVersion,
    pointer: &mut String,
    out: &mut Vec<LostField>,
) {
    let Value::Object(object) = value else {
        return;
    };
    for (key, child) in object {
        let Some(field) = kind.field(key) else {
            continue;
        };
        let length = pointer.len();
        pointer.push('/');
        pointer.push_str(&escape_pointer(key));
        if let Some(entry) = introduced_in(kind, key).filter(|entry| version < entry.since) {
            if !field.default.matches(child) && !is_empty_container(child) {
                out.push(LostField {
                    pointer: pointer.clone(),
                    field: entry,
                });
            }
        } else {
            collect_nested(field.nested, child, version, pointer, out);
        }
        pointer.truncate(length);
    }
}

fn collect_nested(
    nested: Nested,
    value: &Value,
    version: ServerVersion,
    pointer: &mut String,
    out: &mut Vec<LostField>,
) {
    match (nested, value) {
        (Nested::One(kind), value) => collect_lost(kind, value, version, pointer, out),
        (Nested::List(kind), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                collect_lost(kind, item, version, pointer, out);
                pointer.truncate(length);
            }
        }
        (Nested::ListOfLists(kind), Value::Array(lists)) => {
            for (index, list) in lists.iter().enumerate() {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                collect_nested(Nested::List(kind), list, version, pointer, out);
                pointer.truncate(length);
            }
        }
        (Nested::MapOfLists(kind), Value::Object(map)) => {
            for (key, list) in map {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
                collect_nested(Nested::List(kind), list, version, pointer, out);
                pointer.truncate(length);
            }
        }
        (Nested::WorkflowDefinition, value) => {
            collect_lost(ObjectKind::WorkflowDef, value, version, pointer, out);
        }
        _ => {}
    }
}

/// An empty object or list reads back like an absent one on every version.
fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize, normalize_stored};
    use serde_json::json;

    #[test]
    fn versions_parse_and_order() {
        let v = |text| ServerVersion::parse(text).unwrap();
        assert_eq!(v("3.21.14"), ServerVersion::new(3, 21, 14));
        assert_eq!(v("v3.22"), ServerVersion::new(3, 22, 0));
        assert_eq!(v("3.32.1-SNAPSHOT"), ServerVersion::new(3, 32, 1));
        assert!(v("3.21.14") < v("3.21.20") && v("3.21.20") < v("3.22.0"));
        assert_eq!(v("3.15.0").to_string(), "3.15.0");
        for bad in ["", "3", "three.1", "3.1.2.4", "3..1", "latest"] {
            assert_eq!(ServerVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_version_keeps_only_what_it_stores() {
        let def = json!({
            "name": "w", "metadata": {"k": 1}, "failureWorkflowVersion": 2,
            "tasks": [
                {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinMode": "SYNC"},
                {"name": "s", "taskReferenceName": "s", "type": "SWITCH",
                 "decisionCases": {"a": [{"name": "l", "taskReferenceName": "l",
                   "type": "DO_WHILE", "items": "${workflow.input.x}", "permissive": false}]}}
            ]
        });
        let v3_15 = ServerVersion::new(3, 15, 0);
        let projected = normalize_stored(ObjectKind::WorkflowDef, &def, v3_15);
        assert!(projected.get("metadata").is_none());
        assert!(projected["tasks"][0].get("joinMode").is_none());
        assert!(
            projected["tasks"][1]["decisionCases"]["a"][0]
                .get("items")
                .is_none()
        );
        let lost: Vec<String> = lost_fields(ObjectKind::WorkflowDef, &def, v3_15)
            .into_iter()
            .map(|lost| lost.pointer)
            .collect();
        // `permissive: false` is the default: nothing is lost.
        assert_eq!(
            lost,
            [
                "/metadata",
                "/failureWorkflowVersion",
                "/tasks/0/joinMode",
                "/tasks/1/decisionCases/a/0/items"
            ]
        );
        let newest = normalize_stored(ObjectKind::WorkflowDef, &def, ServerVersion::NEWEST_KNOWN);
        assert_eq!(newest, normalize(ObjectKind::WorkflowDef, &def));
        assert_eq!(newest["tasks"][0]["joinMode"], "SYNC");
        assert!(lost_fields(ObjectKind::WorkflowDef, &def, ServerVersion::NEWEST_KNOWN).is_empty());
    }

    #[test]
    fn from_the_newest_introduction_on_everything_is_stored() {
        let newest = FIELDS_INTRODUCED.iter().map(|entry| entry.since).max();
        assert_eq!(newest, Some(NEWEST_INTRODUCTION));
    }

    #[test]
    fn every_listed_field_is_a_model_field() {
        for entry in FIELDS_INTRODUCED {
            assert!(
                entry.kind.field(entry.name).is_some(),
                "{:?}.{} is not in the model",
                entry.kind,
                entry.name
            );
        }
    }

    #[test]
    fn rules_follow_the_version() {
        let old = ServerVersion::new(3, 15, 0).rules();
        assert!(old.owner_email_mandatory_by_default && !old.workflow_metadata);
        assert!(!old.es6_at_registration && !old.graaljs && !old.do_while_items);
        let mid = ServerVersion::new(3, 21, 14).rules();
        assert!(mid.workflow_metadata && mid.whitespace_in_expressions_rejected);
        assert!(!mid.graaljs && mid.owner_email_mandatory_by_default);
        let new = ServerVersion::NEWEST_KNOWN.rules();
        assert!(new.graaljs && new.do_while_items && !new.owner_email_mandatory_by_default);
        assert!(!new.javascript_evaluated_at_registration);
    }
}
