//! What `plan` and `apply` share: which server to talk to and how, and the desired state from
//! the compiled definitions.

use std::time::Duration;

use clap::Args;
use conductor_check::ServerInventory;
use conductor_client::{
    Client, ClientConfig, Credentials, RequestNotice, RequestObserver, RetryNotice, RetryObserver,
    RetryPolicy,
};
use conductor_model::versions::ServerVersion;
use conductor_plan::{Desired, DesiredDefinition, PruneScope, RemoteState, SourceRef};

use crate::error::CliError;
use crate::project::Project;
use crate::stages::Checked;

/// The server URL used when nothing else names one (the SDKs' default).
pub const DEFAULT_SERVER: &str = "http://localhost:8080/api";

/// Flags that say which server to use and how.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// The server's API base URL. Default, in order: the `--env` environment's server,
    /// CONDUCTOR_SERVER_URL, the project file's `server`, http://localhost:8080/api.
    /// With CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET set, a token is requested from
    /// `POST /api/token` and sent as X-Authorization.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// A named environment of the project file (`environments:`) whose server to use.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Seconds to wait for a connection to the server.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Seconds to wait for each request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub request_timeout: u64,
    /// Attempts per request: reads and idempotent writes are retried on connection errors,
    /// 429 and 5xx, with exponential backoff and jitter.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_attempts: u32,
    /// Seconds the whole conversation with the server may take, retries and waits included;
    /// past it, the command stops with an error. Default: no overall limit (each request
    /// still has --request-timeout).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// The largest answer read from the server, in MiB; a larger one is an error.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    pub max_response_mib: u64,
}

/// Where the URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChoice {
    /// The URL.
    pub url: String,
    /// Whether a flag or the environment named it (rather than the project file or the
    /// default).
    pub explicit: bool,
    /// Where it came from, in words (`--server`, `CONDUCTOR_SERVER_URL`, ...).
    pub source: String,
}

impl ServerArgs {
    /// The server URL, by the precedence documented on `--server`.
    pub fn choose(&self, project: Option<&Project>) -> Result<ServerChoice, CliError> {
        if let Some(url) = &self.server {
            return Ok(ServerChoice {
                url: url.clone(),
                explicit: true,
                source: "--server".to_owned(),
            });
        }
        if let Some(name) = &self.environment {
            if let Some(project) = project {
                environment_exists(project, name)?;
            }
            let environments = project.and_then(|p| p.settings.environments.as_ref());
            let found = environments.and_then(|map| map.get(name));
            return match found.and_then(|environment| environment.server.clone()) {
                Some(url) => Ok(ServerChoice {
                    url,
                    explicit: true,
                    source: format!("the project file's environment `{name}`"),
                }),
                None => Err(CliError::UnknownEnvironment {
                    name: name.clone(),
                    available: environments
                        .map(|map| {
                            map.iter()
                                .filter(|(_, e)| e.server.is_some())
                                .map(|(n, _)| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .filter(|list| !list.is_empty())
                        .unwrap_or_else(|| "none".to_owned()),
                }),
            };
        }
        if let Some(url) = std::env::var("CONDUCTOR_SERVER_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
        {
            return Ok(ServerChoice {
                url,
                explicit: true,
                source: "CONDUCTOR_SERVER_URL".to_owned(),
            });
        }
        if let Some(url) = project.and_then(|p| p.settings.server.clone()) {
            return Ok(ServerChoice {
                url,
                explicit: false,
                source: "the project file's `server`".to_owned(),
            });
        }
        Ok(ServerChoice {
            url: DEFAULT_SERVER.to_owned(),
            explicit: false,
            source: "the default".to_owned(),
        })
    }

    /// A client for `url`, with the credentials of CONDUCTOR_AUTH_KEY and
    /// CONDUCTOR_AUTH_SECRET when both are set.
    pub fn client(&self, url: &str) -> Result<Client, CliError> {
        let mut config = ClientConfig::new(url)?;
        config.connect_timeout = Duration::from_secs(self.connect_timeout.max(1));
        config.request_timeout = Duration::from_secs(self.request_timeout.max(1));
        config.retry = RetryPolicy {
            max_attempts: self.max_attempts.max(1),
            ..RetryPolicy::default()
        };
        config.deadline = self
            .timeout
            .map(|seconds| Duration::from_secs(seconds.max(1)));
        config.max_response_bytes = self.max_response_mib.max(1).saturating_mul(1024 * 1024);
        // A line per retry, so that a slow or failing server is never a silent wait.
        config.on_retry = Some(RetryObserver(std::sync::Arc::new(
            |notice: &RetryNotice| {
                crate::output::eprint_text(&format!(
                    "retrying {} {} in {:.1} s (attempt {} of {}): {}\n",
                    notice.method,
                    notice.url,
                    notice.delay.as_secs_f64(),
                    notice.next_attempt,
                    notice.max_attempts,
                    notice.cause
                ));
            },
        )));
        // `--verbose`: a line per exchange. The notice has no header and no body, and its URL
        // no credentials, so no secret can reach the line.
        // Otherwise, a request moves the progress line, if one is shown.
        let verbose = crate::output::verbosity() == crate::output::Verbosity::Verbose;
        config.on_request = Some(RequestObserver(std::sync::Arc::new(
            move |notice: &RequestNotice| {
                if verbose {
                    crate::output::eprint_text(&request_line(notice));
                } else {
                    crate::output::Progress::request(&notice.method, &notice.url);
                }
            },
        )));
        let key = std::env::var("CONDUCTOR_AUTH_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let secret = std::env::var("CONDUCTOR_AUTH_SECRET")
            .ok()
            .filter(|s| !s.is_empty());
        match (key, secret) {
            (Some(key), Some(secret)) => config.credentials = Some(Credentials::new(key, secret)),
            (Some(_), None) | (None, Some(_)) => crate::output::eprint_text(
                "warning: only one of CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET is set: no \
                 token is requested without both; set the other one too (or unset this one)\n",
            ),
            (None, None) => {}
        }
        if let Some(host) = config.plain_http_remote_host() {
            crate::output::eprint_text(&format!(
                "warning: {} is plain http to `{host}`, which is not this machine: definitions{} \
                 travel unencrypted and can be read or changed on the way; use https\n",
                config.display_url(),
                if config.credentials.is_some() {
                    ", the key, the secret and the token"
                } else {
                    ""
                }
            ));
        }
        Ok(Client::new(config)?)
    }
}

/// The `--verbose` line of one exchange with the server.
fn request_line(notice: &RequestNotice) -> String {
    let answer = match notice.status {
        Some(status) => format!("{status} ({} bytes", notice.bytes),
        None => "no answer (".to_owned(),
    };
    let attempt = if notice.attempt > 1 {
        format!(", attempt {}", notice.attempt)
    } else {
        String::new()
    };
    format!(
        "{} {} -> {answer}, {} ms{attempt})\n",
        notice.method,
        notice.url,
        notice.elapsed.as_millis()
    )
}

/// An error naming the environments the project defines when it has none called `name`.
pub fn environment_exists(project: &Project, name: &str) -> Result<(), CliError> {
    let environments = project.settings.environments.as_ref();
    if environments.is_some_and(|map| map.contains_key(name)) {
        return Ok(());
    }
    Err(CliError::UnknownEnvironment {
        name: name.to_owned(),
        available: environments
            .map(|map| {
                map.keys()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|list| !list.is_empty())
            .unwrap_or_else(|| "none".to_owned()),
    })
}

/// A client of the chosen server and what it says of itself.
pub struct Connected {
    /// The client.
    pub client: Client,
    /// The version its rules and stored properties follow: the one the server reports, else
    /// the project's `serverVersion`, else the newest known.
    pub version: ServerVersion,
    /// The version text the server reported, if any.
    pub reported: Option<String>,
}

/// Connects to the chosen server and asks its version (`GET /api/version`, else
/// `GET /api/admin/config`). Says once, on stderr, when credentials are set for a server
/// without a token endpoint (every OSS server), and when the version is unknown.
pub fn connect(server: &ServerArgs, project: Option<&Project>) -> Result<Connected, CliError> {
    let choice = server.choose(project)?;
    let client = server.client(&choice.url)?;
    crate::output::eprint_verbose(|| {
        format!("server: {} ({})\n", client.base_url(), choice.source)
    });
    let reported = client.server_version()?;
    crate::output::eprint_verbose(|| match &reported {
        Some(version) => format!("server version: {version}\n"),
        None => "server version: not reported\n".to_owned(),
    });
    if client.token_endpoint_missing() {
        crate::output::eprint_info(&format!(
            "note: CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET are set, but {} has no token \
             endpoint (POST /api/token answered 404, as on Conductor OSS, which has no auth): \
             going on without a token\n",
            client.base_url()
        ));
    }
    let parsed = reported.as_deref().and_then(ServerVersion::parse);
    let configured = project.and_then(|p| p.server_version(server.environment.as_deref()));
    let version = match (parsed, &reported) {
        (Some(version), _) => version,
        (None, Some(text)) => {
            let assumed = configured.unwrap_or(ServerVersion::NEWEST_KNOWN);
            crate::output::eprint_info(&format!(
                "note: the server reports version `{text}`, which is not a version this tool \
                 knows how to read: assuming {assumed}\n"
            ));
            assumed
        }
        (None, None) => configured.unwrap_or(ServerVersion::NEWEST_KNOWN),
    };
    Ok(Connected {
        client,
        version,
        reported: parsed.is_some().then_some(reported).flatten(),
    })
}

/// The names of what the server has, for the reference rules (CA601, CA602).
pub fn inventory(remote: &RemoteState) -> ServerInventory {
    let mut inventory = ServerInventory {
        task_defs: remote.task_defs.keys().cloned().collect(),
        ..ServerInventory::default()
    };
    for (name, version) in remote.workflows.keys() {
        inventory
            .workflows
            .entry(name.clone())
            .or_default()
            .insert(*version);
    }
    inventory
}

/// The prune scope of the project file (empty without one: nothing is ever deleted).
pub fn prune_scope(project: &Project) -> Result<PruneScope, CliError> {
    let settings = project.settings.prune.clone().unwrap_or_default();
    Ok(PruneScope::new(&settings.workflows, &settings.task_defs)?)
}

/// The desired state: every compiled definition as JSON, with its file and document.
pub fn desired_state(checked: &Checked) -> Desired {
    let source = |file, document| SourceRef {
        file: checked.sources.get(file).name().to_owned(),
        document,
    };
    Desired {
        workflows: checked
            .compiled
            .workflows
            .iter()
            .map(|workflow| DesiredDefinition {
                def: serde_json::to_value(&workflow.def).unwrap_or_default(),
                source: source(workflow.file, workflow.index),
            })
            .collect(),
        task_defs: checked
            .compiled
            .task_defs
            .iter()
            .map(|task_def| DesiredDefinition {
                def: serde_json::to_value(&task_def.def).unwrap_or_default(),
                source: source(task_def.file, task_def.index),
            })
            .collect(),
    }
}
