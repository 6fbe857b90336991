//! What `plan` and `apply` share: which server to talk to and how, and the desired state from
//! the compiled definitions.

use std::time::Duration;

use clap::Args;
use conductor_client::{Client, ClientConfig, Credentials, RetryPolicy};
use conductor_plan::{Desired, DesiredDefinition, PruneScope, SourceRef};

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
}

/// Where the URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChoice {
    /// The URL.
    pub url: String,
    /// Whether a flag or the environment named it (rather than the project file or the
    /// default).
    pub explicit: bool,
}

impl ServerArgs {
    /// The server URL, by the precedence documented on `--server`.
    pub fn choose(&self, project: Option<&Project>) -> Result<ServerChoice, CliError> {
        if let Some(url) = &self.server {
            return Ok(ServerChoice {
                url: url.clone(),
                explicit: true,
            });
        }
        if let Some(name) = &self.environment {
            let environments = project.and_then(|p| p.settings.environments.as_ref());
            let found = environments.and_then(|map| map.get(name));
            return match found.and_then(|environment| environment.server.clone()) {
                Some(url) => Ok(ServerChoice {
                    url,
                    explicit: true,
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
            });
        }
        if let Some(url) = project.and_then(|p| p.settings.server.clone()) {
            return Ok(ServerChoice {
                url,
                explicit: false,
            });
        }
        Ok(ServerChoice {
            url: DEFAULT_SERVER.to_owned(),
            explicit: false,
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
        let key = std::env::var("CONDUCTOR_AUTH_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let secret = std::env::var("CONDUCTOR_AUTH_SECRET")
            .ok()
            .filter(|s| !s.is_empty());
        if let (Some(key), Some(secret)) = (key, secret) {
            config.credentials = Some(Credentials::new(key, secret));
        }
        Ok(Client::new(config)?)
    }
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
