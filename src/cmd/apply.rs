//! `conductor-apply apply`: apply the definitions, or a saved plan, to the server.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;
use conductor_diagnostics::{Code, Diagnostic};
use conductor_plan::apply::{
    ApplyOptions, ApplyReport, Status, apply_plan_guarded, running_executions,
};
use conductor_plan::lease::{self, Lease, LeaseError, LeaseOptions};
use conductor_plan::render::apply_report::{render_apply_human, render_apply_json};
use conductor_plan::{
    Action, Kind, PLAN_FORMAT_VERSION, Plan, PlanInput, RemoteState, compute_plan, moved_since,
};
use conductor_source::yaml::parse_yaml;
use conductor_source::{SourceFile, SourceMap};

use super::plan::Planned;
use super::remote::{Connected, ServerArgs, connect, prune_scope};
use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{Format, Output, Progress, eprint_info, eprint_text, print_text};
use crate::project::load_project;
use conductor_client::{Client, ClientConfig};
use std::time::Duration;

/// Arguments of `apply`.
#[derive(Debug, Args)]
#[command(
    after_help = "Without a saved plan, apply computes a plan, shows it and asks for confirmation
on a terminal (--auto-approve for CI; without a terminal it refuses). With a saved plan
(a .json file from `plan --out`), it talks to the configured server only (the plan's URL must
match), computes the plan again from the saved desired state and applies it only when it equals
the saved one; otherwise it refuses and says what moved.

A project with an id (`project:` in conductor-apply.yaml) is applied under a lease kept with
its inventory on the server: a second apply of it at the same time waits up to --lock-timeout
seconds, or refuses and names the holder; under the lease the server is read again, and only
the plan shown is applied.

Order: task definitions, then workflows (in bulk), then deletions (workflows, then task
definitions). On a failure it stops and says what was and was not applied; running it
again converges. Workflows are stamped as managed in their metadata.

Examples:
  conductor-apply apply --auto-approve
  conductor-apply plan --out plan.json && conductor-apply apply plan.json
  conductor-apply apply --prune --auto-approve       also delete what left the project"
)]
pub struct ApplyArgs {
    /// A saved plan (`plan --out`, a `.json` file), or files and directories of definitions.
    /// Default: the project's files.
    pub paths: Vec<PathBuf>,
    /// Which server, and how to reach it.
    #[command(flatten)]
    pub server: ServerArgs,
    /// Also delete managed definitions in the project's prune scope that are not in the
    /// project.
    #[arg(long)]
    pub prune: bool,
    /// Apply without asking for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Refuse to apply (before writing anything) when a workflow version to update or delete
    /// has running executions; by default they are reported as warnings.
    #[arg(long)]
    pub refuse_running: bool,
    /// Seconds to wait while another apply of the same project holds its lease; 0 refuses at
    /// once, naming the holder.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub lock_timeout: u64,
}

/// Runs `apply`.
pub fn run(args: &ApplyArgs, output: Output) -> Result<Exit, CliError> {
    let saved = match args.paths.as_slice() {
        [path] if path.extension().is_some_and(|ext| ext == "json") => Some(path),
        _ => None,
    };
    let (plan, client, lease) = match saved {
        Some(path) => {
            let saved = read_plan(path)?;
            let cwd = std::env::current_dir().map_err(|source| CliError::CurrentDir { source })?;
            let (project, _) = load_project(&cwd, &mut SourceMap::new())?;
            // The server is the configured one; the plan's URL only has to match it, and is
            // never where credentials are sent.
            let choice = args.server.choose(Some(&project))?;
            let configured = ClientConfig::new(&choice.url)?.display_url();
            if configured != saved.server {
                eprint_text(&format!(
                    "error: the plan was made against {}, not {configured} (the configured server); \
                     pass --server to name it; nothing was sent and nothing was applied\n",
                    saved.server
                ));
                return Ok(Exit::InputErrors);
            }
            let progress = Progress::start(&output, "reading the server");
            let Connected {
                client,
                version,
                reported,
            } = connect(&args.server, Some(&project))?;
            // The lease first: the state is read and the plan verified under it.
            let lease = if saved.has_changes() {
                match take_lease(&client, project.settings.project.as_deref(), args)? {
                    Ok(lease) => lease,
                    Err(exit) => return Ok(exit),
                }
            } else {
                None
            };
            let remote = RemoteState::read(&client)?;
            drop(progress);
            let moved = moved_since(&saved, &remote);
            if !moved.is_empty() {
                let mut message = String::from(
                    "error: the saved plan is stale: the server changed since it was made; nothing was applied\n",
                );
                for entry in &moved {
                    message.push_str(&format!("  {entry}\n"));
                }
                message.push_str("run `conductor-apply plan` again and review the new plan\n");
                eprint_text(&message);
                release(lease, &client);
                return Ok(Exit::InputErrors);
            }
            let scope = prune_scope(&project)?;
            let verified = saved.verify_seal(|desired| {
                compute_plan(PlanInput {
                    desired,
                    remote: &remote,
                    scope: &scope,
                    prune: saved.prune,
                    server: &client.base_url(),
                    server_version: version,
                    reported_version: reported.as_deref(),
                    environment: saved.environment.as_deref(),
                    tool_version: env!("CARGO_PKG_VERSION"),
                    project: project.settings.project.as_deref(),
                })
            });
            let plan = match verified {
                Ok(plan) => plan,
                Err(problem) => {
                    eprint_text(&format!(
                        "error: {problem}; nothing was applied\nrun `conductor-apply plan --out FILE` again and review the new plan\n"
                    ));
                    release(lease, &client);
                    return Ok(Exit::InputErrors);
                }
            };
            show_plan(&plan, output);
            (plan, client, lease)
        }
        None => {
            // The client that read the server writes to it: the plan's URL is for people,
            // without the credentials a URL may carry.
            let Some((plan, planned)) =
                super::plan::make_plan(&args.paths, &args.server, args.prune, output)?
            else {
                return Ok(Exit::InputErrors);
            };
            show_plan(&plan, output);
            if plan.has_changes() && !confirmed(args, &plan)? {
                return Ok(Exit::InputErrors);
            }
            let client = &planned.client;
            let lease = if plan.has_changes() {
                match take_lease(client, planned.project.as_deref(), args)? {
                    Ok(lease) => lease,
                    Err(exit) => return Ok(exit),
                }
            } else {
                None
            };
            if lease.is_some() {
                // Under the lease, the server is read again: what is applied is what was shown,
                // or nothing.
                let fresh = {
                    let _progress = Progress::start(&output, "reading the server again");
                    planned.recompute(&RemoteState::read(client)?)
                };
                if !fresh.has_changes() {
                    eprint_info(
                        "Nothing to apply: the server already holds these definitions (applied \
                         meanwhile, by another apply).\n",
                    );
                    release(lease, client);
                    return Ok(Exit::Success);
                }
                if !fresh.does_what(&plan) {
                    eprint_text(
                        "error: the server changed since the plan above was computed (another \
                         apply, or an edit); nothing was applied\nrun `conductor-apply apply` \
                         again and review the new plan\n",
                    );
                    release(lease, client);
                    return Ok(Exit::InputErrors);
                }
            }
            let Planned { client, .. } = planned;
            (plan, client, lease)
        }
    };
    if !plan.has_changes() {
        if output.format == Format::Json {
            print_text(&render_apply_json(&plan, &ApplyReport::default()));
        }
        eprint_info("Nothing to apply.\n");
        release(lease, &client);
        return Ok(Exit::Success);
    }
    let progress = Progress::start(
        &output,
        &format!(
            "applying {} change{}",
            plan.changes.len(),
            if plan.changes.len() == 1 { "" } else { "s" }
        ),
    );
    let running = running_executions(&client, &plan)?;
    for entry in &running {
        let verb = match entry.action {
            Action::Delete => "deleting",
            _ => "updating in place",
        };
        eprint_text(&format!(
            "warning: {} has {} running execution{} ({verb} it does not change them: each keeps the definition it started with)\n",
            entry.resource,
            entry.ids.len(),
            if entry.ids.len() == 1 { "" } else { "s" },
        ));
    }
    if args.refuse_running && !running.is_empty() {
        eprint_text(
            "error: refusing to apply: workflows to change have running executions (--refuse-running); nothing was applied\n",
        );
        release(lease, &client);
        return Ok(Exit::InputErrors);
    }
    let mut lease = lease;
    let report =
        apply_plan_guarded(
            &client,
            &plan,
            ApplyOptions::default(),
            &mut || match &mut lease {
                Some(lease) => lease.confirm(&client).map_err(|error| error.to_string()),
                None => Ok(()),
            },
        );
    drop(progress);
    // The inventory the apply wrote carries no lease: that released it.
    if report.inventory.is_none() {
        release(lease, &client);
    }
    if let Some(reason) = &report.interrupted {
        eprint_text(&format!("error: {reason}\n"));
    }
    match output.format {
        Format::Json => print_text(&render_apply_json(&plan, &report)),
        // Markdown only on stdout: the plan shown above, then the outcome as a section.
        Format::Markdown => print_text(&format!(
            "\n### conductor-apply apply\n\n```text\n{}```\n",
            render_apply_human(&report).trim_start_matches('\n')
        )),
        _ => print_text(&render_apply_human(&report)),
    }
    let diagnostics = rejection_diagnostics(&report);
    output.side_report(&diagnostics.0, &diagnostics.1, diagnostics.1.len());
    if let Some(error) = report.error {
        if diagnostics.0.is_empty() || !matches!(error.status(), Some(400)) {
            return Err(error.into());
        }
        return Ok(Exit::InputErrors);
    }
    Ok(if report.complete() {
        Exit::Success
    } else {
        Exit::InputErrors
    })
}

/// Takes the project's lease ([`conductor_plan::lease`]); `Ok(Err(exit))` when another apply
/// holds it past `--lock-timeout` (said on stderr). A project without an id has no inventory
/// and no lease, which is said once.
fn take_lease(
    client: &Client,
    project: Option<&str>,
    args: &ApplyArgs,
) -> Result<Result<Option<Lease>, Exit>, CliError> {
    let Some(project) = project else {
        eprint_info(
            "note: the project file names no `project`: without an inventory there is no lease, \
             so another apply at the same time is not kept out\n",
        );
        return Ok(Ok(None));
    };
    let options = LeaseOptions {
        wait: Duration::from_secs(args.lock_timeout),
        ..LeaseOptions::default()
    };
    let acquired = lease::acquire(
        client,
        project,
        &lease::holder_description(),
        options,
        |holder, expires_in| {
            eprint_text(&format!(
                "waiting for the lease on project `{project}`: {holder} is applying it (lease ends \
                 in {} s; waiting up to {} s)\n",
                expires_in.as_secs(),
                args.lock_timeout
            ));
        },
    );
    match acquired {
        Ok(lease) => Ok(Ok(Some(lease))),
        Err(LeaseError::Client(error)) => Err(error.into()),
        Err(error) => {
            eprint_text(&format!("error: {error}; nothing was applied\n"));
            Ok(Err(Exit::InputErrors))
        }
    }
}

/// Releases the lease, if one is held; a failure is said, not fatal (the lease expires).
fn release(lease: Option<Lease>, client: &Client) {
    if let Some(lease) = lease
        && let Err(error) = lease.release(client)
    {
        eprint_text(&format!(
            "warning: the lease could not be released ({error}); it expires by itself\n"
        ));
    }
}

/// Shows the plan before applying it: in the chosen format, except that with `--format json`
/// stdout carries only the final apply document, so the plan goes to stderr as text.
fn show_plan(plan: &Plan, output: Output) {
    if output.format == Format::Json {
        eprint_text(&super::plan::render(
            plan,
            Output {
                format: Format::Human,
                ..output
            },
        ));
    } else {
        print_text(&super::plan::render(plan, output));
    }
}

/// Asks on the terminal; refuses without one.
fn confirmed(args: &ApplyArgs, plan: &Plan) -> Result<bool, CliError> {
    if args.auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        eprint_text(
            "error: refusing to apply without confirmation: standard input is not a terminal; review the plan, then pass --auto-approve (or save it with `plan --out` and apply the file)\n",
        );
        return Ok(false);
    }
    eprint_text(&format!(
        "\nApply these changes to {}? Only `yes` is accepted: ",
        plan.server
    ));
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|source| CliError::Confirmation { source })?;
    if answer.trim() == "yes" {
        Ok(true)
    } else {
        eprint_text("Apply cancelled; nothing was applied.\n");
        Ok(false)
    }
}

/// Reads and checks a saved plan.
fn read_plan(path: &Path) -> Result<Plan, CliError> {
    let problem = |reason: String| CliError::ReadPlan {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| problem(error.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| problem(format!("not JSON: {error}")))?;
    let format = value
        .get("format_version")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    if format != PLAN_FORMAT_VERSION {
        return Err(problem(format!(
            "plan format `{format}` is not `{PLAN_FORMAT_VERSION}`, the one this version reads; make the plan again"
        )));
    }
    serde_json::from_value(value).map_err(|error| problem(format!("not a plan: {error}")))
}

/// CA701 for each definition the server rejected, at its YAML document when the file can be
/// read.
fn rejection_diagnostics(report: &ApplyReport) -> (Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    for outcome in &report.outcomes {
        let Status::Rejected(messages) = &outcome.status else {
            continue;
        };
        let location = outcome.source.as_ref().and_then(|source| {
            let text = std::fs::read_to_string(&source.file).ok()?;
            let parsed = parse_yaml(&text);
            let document = parsed.documents.get(source.document)?;
            let key = match outcome.resource.kind {
                Kind::Workflow => "workflow",
                Kind::TaskDef => "task",
            };
            let span = document
                .root
                .get(key)
                .map(|entry| entry.key_span.start..entry.value.span.end)
                .unwrap_or(document.span.start..document.span.start);
            let file = sources.add(SourceFile::new(
                source.file.clone(),
                PathBuf::from(&source.file),
                text,
            ));
            Some((file, span))
        });
        for message in messages {
            let mut diagnostic = Diagnostic::new(
                Code::ServerRejectedDefinition,
                format!("the server rejected {}: {message}", outcome.resource),
            )
            .with_help("fix the definition, then run `conductor-apply apply` again");
            if let Some((file, span)) = &location {
                diagnostic = diagnostic.with_primary(*file, span.clone(), "rejected by the server");
            }
            diagnostics.push(diagnostic);
        }
    }
    (diagnostics, sources)
}
