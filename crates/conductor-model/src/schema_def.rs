//! `SchemaDef`: a schema reference carried by workflow and task definitions (contract §2.8).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::workflow_def::JsonMap;

/// A schema attached to a workflow's or task's input or output. The OSS server stores it
/// without validating or enforcing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SchemaDef {
    // The audit fields of every definition (conductor-contract.md §2.12).
    /// Audit field; conductor-apply ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_app: Option<String>,
    /// Audit field; conductor-apply ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// Audit field; conductor-apply ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<i64>,
    /// Audit field; conductor-apply ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Audit field; conductor-apply ignores it when comparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// The schema's name.
    pub name: String,
    /// The schema's version. Server default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// The schema language.
    #[serde(rename = "type")]
    pub schema_type: SchemaType,
    /// The schema itself, inline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<JsonMap>,
    /// A reference to the schema elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<String>,
}

/// `SchemaDef.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SchemaType {
    /// JSON Schema.
    #[serde(rename = "JSON")]
    Json,
    /// Apache Avro.
    #[serde(rename = "AVRO")]
    Avro,
    /// Protocol Buffers.
    #[serde(rename = "PROTOBUF")]
    Protobuf,
}
