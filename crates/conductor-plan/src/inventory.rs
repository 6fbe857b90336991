//! The project's inventory on the server: which workflows and task definitions one project
//! manages, with the content hash of each as it was applied.
//!
//! It lives on the server itself, in a task definition named `conductor-apply.inventory.<id>`
//! (the project file's `project`), in its `inputTemplate`, which every supported server version
//! stores (a workflow's `metadata`, where the ownership stamp goes, exists only from 3.21.14).
//! No state file on disk. `plan` reads it with the task definitions it reads anyway; `apply`
//! writes it last, once everything else succeeded.
//!
//! What it gives, on every version:
//! - **prune** deletes only members of this project's inventory that left the project, never a
//!   definition another project or a person made;
//! - **drift**: the hash of each member as applied tells a change made in git from an edit on
//!   the server, for task definitions too (they have no free-form field for a stamp).
//!
//! Two applies of one project at the same time are kept apart by a lease kept in the same task
//! definition ([`crate::lease`]); the inventory written at the end carries none, which
//! releases it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use conductor_model::INVENTORY_PREFIX;

/// The key inside the task definition's `inputTemplate`.
const RECORD_KEY: &str = "conductor-apply";

/// One project's inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// The project's id.
    pub project: String,
    /// Workflow name → version (as text, JSON keys are strings) → content hash.
    pub workflows: BTreeMap<String, BTreeMap<String, String>>,
    /// Task definition name → content hash.
    pub task_defs: BTreeMap<String, String>,
}

impl Inventory {
    /// An empty inventory of `project`.
    pub fn new(project: &str) -> Inventory {
        Inventory {
            project: project.to_owned(),
            ..Inventory::default()
        }
    }

    /// The task definition name that holds `project`'s inventory.
    pub fn task_def_name(project: &str) -> String {
        format!("{INVENTORY_PREFIX}{project}")
    }

    /// Whether a task definition name is any project's inventory.
    pub fn is_inventory(name: &str) -> bool {
        name.starts_with(INVENTORY_PREFIX)
    }

    /// Reads an inventory from its task definition as the server returned it; `None` when it
    /// is not one (or not this format).
    pub fn from_task_def(def: &Value) -> Option<Inventory> {
        let record = def.get("inputTemplate")?.get(RECORD_KEY)?;
        if record.get("format").and_then(Value::as_i64) != Some(1) {
            return None;
        }
        serde_json::from_value(record.clone()).ok()
    }

    /// The task definition that stores the inventory.
    pub fn to_task_def(&self) -> Value {
        let mut record = serde_json::to_value(self).unwrap_or_default();
        if let Value::Object(object) = &mut record {
            object.insert("format".to_owned(), Value::from(1));
        }
        let mut template = Map::new();
        template.insert(RECORD_KEY.to_owned(), record);
        serde_json::json!({
            "name": Inventory::task_def_name(&self.project),
            "description": format!(
                "conductor-apply's inventory of project `{}`: what it manages. Written by \
                 `conductor-apply apply`; do not edit or run.",
                self.project
            ),
            "ownerEmail": "conductor-apply@example.com",
            "retryCount": 0,
            "inputTemplate": template,
        })
    }

    /// The hash recorded for a workflow version.
    pub fn workflow_hash(&self, name: &str, version: i64) -> Option<&str> {
        self.workflows
            .get(name)?
            .get(&version.to_string())
            .map(String::as_str)
    }

    /// The hash recorded for a task definition.
    pub fn task_def_hash(&self, name: &str) -> Option<&str> {
        self.task_defs.get(name).map(String::as_str)
    }

    /// Records a workflow version.
    pub fn add_workflow(&mut self, name: &str, version: i64, hash: String) {
        self.workflows
            .entry(name.to_owned())
            .or_default()
            .insert(version.to_string(), hash);
    }

    /// Every workflow version recorded.
    pub fn workflow_members(&self) -> impl Iterator<Item = (&str, i64)> {
        self.workflows.iter().flat_map(|(name, versions)| {
            versions
                .keys()
                .filter_map(move |version| Some((name.as_str(), version.parse().ok()?)))
        })
    }

    /// How many definitions it records.
    pub fn len(&self) -> usize {
        self.workflows.values().map(BTreeMap::len).sum::<usize>() + self.task_defs.len()
    }

    /// Whether it records nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_reads_back_from_its_task_definition() {
        let mut inventory = Inventory::new("shop");
        inventory.add_workflow("orders", 2, "abc".to_owned());
        inventory
            .task_defs
            .insert("charge".to_owned(), "def".to_owned());
        let def = inventory.to_task_def();
        assert_eq!(def["name"], "conductor-apply.inventory.shop");
        assert_eq!(Inventory::from_task_def(&def), Some(inventory.clone()));
        assert_eq!(inventory.workflow_hash("orders", 2), Some("abc"));
        assert_eq!(
            inventory.workflow_members().collect::<Vec<_>>(),
            [("orders", 2)]
        );
        assert_eq!(inventory.len(), 2);
        assert!(Inventory::from_task_def(&serde_json::json!({"name": "x"})).is_none());
    }
}
