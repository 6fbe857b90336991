//! Ownership stamps: what `apply` writes into a workflow's `metadata` so that later runs know
//! the workflow is managed by conductor-apply, and what its content was when it was applied.
//!
//! The stamp is `metadata["conductor-apply"] = {"managed": true, "hash": "<content hash>"}`.
//! The hash covers the normalised definition without the stamp, so it changes only when the
//! definition does (never per commit or per run, which would make every plan noisy). Comparing
//! it with the hash of the server's copy and of the desired copy tells a change made in git
//! from a change made on the server since the last apply (drift).
//!
//! Task definitions have no free-form field to carry a stamp (contract §2.9), so they are never
//! stamped: prune scope alone governs their deletion, and their changes have no known origin.

use conductor_model::defaults::ObjectKind;
use conductor_model::normalize::normalize_stored;
use conductor_model::versions::ServerVersion;
use serde_json::{Map, Value};

/// The key of the stamp inside `WorkflowDef.metadata`.
pub const STAMP_KEY: &str = conductor_model::OWNERSHIP_STAMP_KEY;

/// What a workflow's stamp says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The content hash recorded at the last apply.
    pub hash: String,
}

/// The stamp of a workflow definition, if it carries a well-formed one.
pub fn read_stamp(def: &Value) -> Option<Stamp> {
    let stamp = def.get("metadata")?.get(STAMP_KEY)?;
    if stamp.get("managed").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let hash = stamp.get("hash")?.as_str()?;
    Some(Stamp {
        hash: hash.to_owned(),
    })
}

/// The content hash of a workflow definition as `version` stores it: SHA-256 of its
/// normalised form without the stamp and without the properties that version drops, as 32 hex
/// digits (128 bits). Hashing what the server keeps makes the hash of the server's copy equal
/// the stamp's until someone edits it, whatever the server drops.
pub fn content_hash(def: &Value, version: ServerVersion) -> String {
    let mut unstamped = def.clone();
    remove_stamp(&mut unstamped);
    let normalized = normalize_stored(ObjectKind::WorkflowDef, &unstamped, version);
    digest(&normalized.to_string())
}

/// A copy of `def` with the stamp for its current content as `version` stores it.
pub fn stamp_workflow(def: &Value, version: ServerVersion) -> Value {
    let hash = content_hash(def, version);
    let mut stamped = def.clone();
    if let Value::Object(object) = &mut stamped {
        let metadata = object
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !metadata.is_object() {
            *metadata = Value::Object(Map::new());
        }
        if let Value::Object(metadata) = metadata {
            let mut stamp = Map::new();
            stamp.insert("managed".to_owned(), Value::Bool(true));
            stamp.insert("hash".to_owned(), Value::String(hash));
            metadata.insert(STAMP_KEY.to_owned(), Value::Object(stamp));
        }
    }
    stamped
}

fn remove_stamp(def: &mut Value) {
    if let Some(Value::Object(metadata)) = def.get_mut("metadata") {
        metadata.remove(STAMP_KEY);
    }
}

/// SHA-256 of `text`, as the first 32 hex digits.
pub(crate) fn digest(text: &str) -> String {
    let hash = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    hash.as_ref()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NEWEST: ServerVersion = ServerVersion::NEWEST_KNOWN;

    #[test]
    fn the_hash_ignores_what_the_server_drops() {
        let def = json!({"name": "w", "tasks": [{"name": "t", "taskReferenceName": "t",
            "type": "JOIN", "joinMode": "SYNC"}]});
        let v3_21 = ServerVersion::new(3, 21, 14);
        let stamped = stamp_workflow(&def, v3_21);
        let mut stored = stamped.clone();
        stored["tasks"][0]
            .as_object_mut()
            .unwrap()
            .remove("joinMode");
        assert_eq!(
            read_stamp(&stored).unwrap().hash,
            content_hash(&stored, v3_21)
        );
        assert_ne!(content_hash(&def, NEWEST), content_hash(&stored, NEWEST));
    }

    #[test]
    fn the_hash_ignores_defaults_audit_fields_and_the_stamp() {
        let def = json!({"name": "w", "tasks": [{"name": "t", "taskReferenceName": "t"}]});
        let content_hash = |def: &Value| content_hash(def, NEWEST);
        let stamped = stamp_workflow(&def, NEWEST);
        let mut from_server = stamped.clone();
        from_server["createTime"] = json!(123);
        from_server["restartable"] = json!(true);
        assert_eq!(content_hash(&def), content_hash(&from_server));
        assert_eq!(read_stamp(&from_server).unwrap().hash, content_hash(&def));
        let mut edited = from_server.clone();
        edited["description"] = json!("changed in the UI");
        assert_ne!(content_hash(&edited), read_stamp(&edited).unwrap().hash);
        assert_eq!(read_stamp(&def), None);
    }
}
