//! `conductor-apply plan`: what `apply` would change on the server. Never writes to the server.

use std::path::{Path, PathBuf};

use clap::Args;
use conductor_client::Client;
use conductor_model::versions::ServerVersion;
use conductor_plan::render::human::{HumanPlanOptions, render_plan_human};
use conductor_plan::render::json::render_plan_json;
use conductor_plan::render::markdown::render_plan_markdown;
use conductor_plan::{Desired, Plan, PlanInput, PruneScope, RemoteState, compute_plan};

use super::remote::{Connected, ServerArgs, connect, desired_state, inventory, prune_scope};
use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Format, Output, Progress, eprint_info, eprint_text, print_text};

/// Arguments of `plan`.
#[derive(Debug, Args)]
#[command(
    after_help = "The plan asks the server its version, reads it in two requests (all workflows, all
task definitions), compares only what that version stores,
normalises both sides (server defaults and audit fields never show as changes) and prints:
  +  a definition to create        ~  a definition to update (only the fields that differ)
  -  a definition to delete (only with --prune, only managed and in the project's prune scope)
Tasks are matched by taskReferenceName, so an inserted task is one addition. An update says
whether it comes from git or from an edit on the server since the last apply (drift).

Examples:
  conductor-apply plan                              the project's files against its server
  conductor-apply plan --server http://localhost:8080/api workflows/
  conductor-apply plan --detailed-exitcode          exit 2 when there are changes (CI)
  conductor-apply plan --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  conductor-apply plan --out plan.json && conductor-apply apply plan.json"
)]
pub struct PlanArgs {
    /// Files or directories of definitions. Default: the project's files.
    pub paths: Vec<PathBuf>,
    /// Which server, and how to reach it.
    #[command(flatten)]
    pub server: ServerArgs,
    /// Plan the deletion of managed definitions in the project's prune scope that are not in
    /// the project.
    #[arg(long)]
    pub prune: bool,
    /// Save the plan (JSON, with a fingerprint of the server's state) for `apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when the plan has changes, 0 when it has none (1 on errors in the input, 3 when
    /// the tool fails).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// Runs `plan`.
pub fn run(args: &PlanArgs, output: Output) -> Result<Exit, CliError> {
    let Some((mut plan, Planned { desired, .. })) =
        make_plan(&args.paths, &args.server, args.prune, output)?
    else {
        return Ok(Exit::InputErrors);
    };
    print_text(&render(&plan, output));
    if let Some(path) = &args.out {
        plan.seal(&desired);
        write_plan(path, &plan)?;
        eprint_info(&format!(
            "Saved the plan to {}; apply exactly this plan with `conductor-apply apply {}`.\n",
            path.display(),
            path.display()
        ));
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        Exit::ChangesPending
    } else {
        Exit::Success
    })
}

/// Compiles the project, reads the server and computes the plan, returned with the desired
/// state it was computed from. `None` when the definitions have errors (already printed):
/// nothing is planned from broken input.
pub fn make_plan(
    paths: &[PathBuf],
    server: &ServerArgs,
    prune: bool,
    output: Output,
) -> Result<Option<(Plan, Planned)>, CliError> {
    if prune && !paths.is_empty() {
        // Prune deletes what is not in the desired set: from part of the project, it would
        // delete the rest.
        eprint_text(
            "error: --prune plans from the whole project: drop the paths, or plan without \
             --prune; nothing was planned\n",
        );
        return Ok(None);
    }
    // The server is read first, so that the definitions are checked for its version and
    // their references resolved against what it has.
    let mut connected = None;
    let (project, checked) = super::load_definitions(paths, |project| {
        let _progress = Progress::start(&output, "reading the server");
        let found = connect(server, Some(project))?;
        let remote = RemoteState::read(&found.client)?;
        let target = super::CheckTarget {
            version: Some(found.version),
            server: Some(inventory(&remote)),
            environment: server.environment.clone(),
        };
        connected = Some((found, remote));
        Ok(target)
    })?;
    output.side_report(
        &checked.diagnostics,
        &checked.sources,
        checked.files_checked,
    );
    if checked.has_errors() {
        eprint_text("nothing was planned: fix the errors above first\n");
        return Ok(None);
    }
    let Some((
        Connected {
            client,
            version,
            reported,
        },
        remote,
    )) = connected
    else {
        unreachable!("load_definitions asks for the target before checking");
    };
    let scope = prune_scope(&project)?;
    if prune && checked.compiled.workflows.is_empty() && checked.compiled.task_defs.is_empty() {
        eprint_text(&format!(
            "error: --prune with no definitions ({} files read): it would delete everything in \
             the prune scope; check the project file's `files`; nothing was planned\n",
            checked.files_checked
        ));
        return Ok(None);
    }
    let planned = Planned {
        desired: desired_state(&checked),
        client,
        scope,
        prune,
        version,
        reported,
        project: project.settings.project.clone(),
        environment: server.environment.clone(),
    };
    let plan = planned.recompute(&remote);
    Ok(Some((plan, planned)))
}

/// What a plan was computed from: enough to compute it again against a later state of the
/// server.
pub struct Planned {
    /// The desired state it was computed from.
    pub desired: Desired,
    /// The client that read the server (and writes to it: it carries the URL's credentials).
    pub client: Client,
    scope: PruneScope,
    prune: bool,
    version: ServerVersion,
    reported: Option<String>,
    /// The project's id.
    pub project: Option<String>,
    /// The project file's environment the definitions were read for (`--env NAME`).
    environment: Option<String>,
}

impl Planned {
    /// The plan of the same desired state against `remote`.
    pub fn recompute(&self, remote: &RemoteState) -> Plan {
        compute_plan(PlanInput {
            desired: &self.desired,
            remote,
            scope: &self.scope,
            prune: self.prune,
            server: &self.client.base_url(),
            server_version: self.version,
            reported_version: self.reported.as_deref(),
            environment: self.environment.as_deref(),
            tool_version: env!("CARGO_PKG_VERSION"),
            project: self.project.as_deref(),
        })
    }
}

/// The plan in the chosen format.
pub fn render(plan: &Plan, output: Output) -> String {
    match output.format {
        Format::Json => render_plan_json(plan),
        Format::Markdown => render_plan_markdown(plan),
        Format::Human | Format::Github | Format::Sarif | Format::Gitlab => render_plan_human(
            plan,
            HumanPlanOptions {
                color: output.color_stdout,
            },
        ),
    }
}

/// Writes the plan as JSON through a temporary file and a rename, so a reader never sees half
/// a plan.
fn write_plan(path: &Path, plan: &Plan) -> Result<(), CliError> {
    crate::write::write_if_changed(path, &render_plan_json(plan))
}
