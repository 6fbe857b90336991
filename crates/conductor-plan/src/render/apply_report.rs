//! Two views of an apply's outcome: the account a person reads, and a JSON document for CI
//! (schema `schemas/apply.schema.json`). Pure functions of the report.

use schemars::JsonSchema;
use serde::Serialize;

use crate::apply::{ApplyReport, Status};
use crate::plan::{Action, Plan, Resource, SourceRef};

/// The version of the apply document's format.
pub const APPLY_FORMAT_VERSION: &str = "1";

/// What `apply --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(title = "conductor-apply apply result")]
pub struct ApplyDocument {
    /// The version of this format.
    pub format_version: String,
    /// The server applied to.
    pub server: String,
    /// Whether every change was applied.
    pub complete: bool,
    /// How many changes of each kind were applied.
    pub applied: AppliedCounts,
    /// Every change of the plan, in the order they were attempted, with what became of it.
    pub outcomes: Vec<OutcomeView>,
    /// Why the apply stopped, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Counts of applied changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AppliedCounts {
    /// Definitions created.
    pub added: usize,
    /// Definitions updated.
    pub changed: usize,
    /// Definitions deleted.
    pub destroyed: usize,
    /// Changes in the plan.
    pub planned: usize,
}

/// One change and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct OutcomeView {
    /// What was to be done.
    pub action: Action,
    /// To which definition.
    pub resource: Resource,
    /// Where the desired definition is written (absent for deletions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// What became of it.
    pub status: OutcomeStatus,
    /// The server's messages, for a rejected change; the failure, for an unknown one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
}

/// What became of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Written or deleted.
    Applied,
    /// A deletion found nothing left to delete.
    AlreadyAbsent,
    /// The server refused it.
    Rejected,
    /// The request failed without a clear answer: it may or may not have been applied.
    Unknown,
    /// Not sent, because an earlier change failed.
    NotAttempted,
}

/// The apply document of a report.
pub fn apply_document(plan: &Plan, report: &ApplyReport) -> ApplyDocument {
    let outcomes = report
        .outcomes
        .iter()
        .map(|outcome| {
            let (status, messages) = match &outcome.status {
                Status::Applied => (OutcomeStatus::Applied, Vec::new()),
                Status::AlreadyAbsent => (OutcomeStatus::AlreadyAbsent, Vec::new()),
                Status::Rejected(messages) => (OutcomeStatus::Rejected, messages.clone()),
                Status::Unknown(reason) => (OutcomeStatus::Unknown, vec![reason.clone()]),
                Status::NotAttempted => (OutcomeStatus::NotAttempted, Vec::new()),
            };
            OutcomeView {
                action: outcome.action,
                resource: outcome.resource.clone(),
                source: outcome.source.clone(),
                status,
                messages,
            }
        })
        .collect();
    ApplyDocument {
        format_version: APPLY_FORMAT_VERSION.to_owned(),
        server: plan.server.clone(),
        complete: report.complete(),
        applied: AppliedCounts {
            added: report.applied(Action::Create),
            changed: report.applied(Action::Update),
            destroyed: report.applied(Action::Delete),
            planned: report.outcomes.len(),
        },
        outcomes,
        error: report.error.as_ref().map(ToString::to_string),
    }
}

/// The JSON Schema of [`ApplyDocument`] (`schemas/apply.schema.json`).
pub fn apply_schema() -> serde_json::Value {
    // An output document: describe what is written (fields skipped when empty are optional).
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.contract = schemars::generate::Contract::Serialize;
    settings
        .into_generator()
        .into_root_schema_for::<ApplyDocument>()
        .into()
}

/// The apply document as pretty JSON with a final newline.
pub fn render_apply_json(plan: &Plan, report: &ApplyReport) -> String {
    let mut text = serde_json::to_string_pretty(&apply_document(plan, report))
        .unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Each change and what became of it, then a closing line.
pub fn render_apply_human(report: &ApplyReport) -> String {
    let mut out = String::from("\n");
    for outcome in &report.outcomes {
        let status = match &outcome.status {
            Status::Applied => match outcome.action {
                Action::Create => "created".to_owned(),
                Action::Update => "updated".to_owned(),
                Action::Delete => "deleted".to_owned(),
            },
            Status::AlreadyAbsent => "already deleted".to_owned(),
            Status::Rejected(messages) => {
                format!("rejected by the server: {}", messages.join("; "))
            }
            Status::Unknown(reason) => {
                format!("failed, may or may not have been applied: {reason}")
            }
            Status::NotAttempted => "not applied".to_owned(),
        };
        out.push_str(&format!(
            "  {} {}: {status}\n",
            outcome.action.symbol(),
            outcome.resource
        ));
    }
    let added = report.applied(Action::Create);
    let changed = report.applied(Action::Update);
    let destroyed = report.applied(Action::Delete);
    if let Some((project, members)) = &report.inventory {
        out.push_str(&format!(
            "  ~ inventory of project `{project}`: records {members} definition{}\n",
            if *members == 1 { "" } else { "s" }
        ));
    }
    if report.complete() {
        out.push_str(&format!(
            "\nApply complete: {added} added, {changed} changed, {destroyed} destroyed.\n"
        ));
    } else {
        let done = added + changed + destroyed;
        out.push_str(&format!(
            "\nApply stopped: {done} of {} changes applied ({added} added, {changed} changed, {destroyed} destroyed). Fix the cause and run apply again: it continues from here.\n",
            report.outcomes.len()
        ));
    }
    out
}
