//! A lease on a project, so that two applies of one project never interleave their writes.
//!
//! The lease is kept with the project's inventory ([`crate::inventory`]), in the same task
//! definition's `inputTemplate` under its own key, so it needs nothing every server version
//! does not store. It names its holder (user, host, process, CI run) and an expiry:
//!
//! 1. **Acquire**: read the inventory definition; while another holder's lease has not expired,
//!    wait (polling) up to the caller's limit, else refuse and name the holder. Then write this
//!    apply's lease, wait a moment, and read it back: the server has no compare-and-swap, so of
//!    two applies writing at once the later write wins, and the one that reads back another's
//!    lease goes back to waiting.
//! 2. **Confirm** before each write phase: read it again; still ours, it is renewed when half
//!    its time has passed; anyone else's (ours expired and was taken), the apply stops.
//! 3. **Release**: the inventory written at the end of an apply carries no lease, which
//!    releases it; otherwise (nothing to record, a failure) the lease is removed explicitly.
//!
//! Limits: clocks of the machines that apply must roughly agree (the expiry is wall-clock
//! time); a lease whose holder died stays until it expires; between a confirmation and the
//! writes that follow it, an expired lease can be taken (each write phase is seconds long, the
//! lease minutes).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use conductor_client::{Client, ClientError};
use serde_json::{Map, Value, json};

use crate::inventory::Inventory;

/// The key inside the inventory definition's `inputTemplate`.
pub const LEASE_KEY: &str = "conductor-apply.lease";

/// How leases are taken.
#[derive(Debug, Clone, Copy)]
pub struct LeaseOptions {
    /// How long a lease lasts without renewal.
    pub ttl: Duration,
    /// How long to wait for another holder's lease to end.
    pub wait: Duration,
    /// Between two reads while waiting.
    pub poll: Duration,
    /// Between writing the lease and reading it back.
    pub settle: Duration,
}

impl Default for LeaseOptions {
    fn default() -> LeaseOptions {
        LeaseOptions {
            ttl: Duration::from_secs(300),
            wait: Duration::ZERO,
            poll: Duration::from_secs(1),
            settle: Duration::from_millis(300),
        }
    }
}

/// A lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRecord {
    /// Who holds it, for people.
    pub holder: String,
    /// A random id of this lease.
    pub id: String,
    /// When it expires, in milliseconds since the epoch.
    pub expires_at: u64,
}

impl LeaseRecord {
    fn from_def(def: &Value) -> Option<LeaseRecord> {
        let record = def.get("inputTemplate")?.get(LEASE_KEY)?;
        Some(LeaseRecord {
            holder: record.get("holder")?.as_str()?.to_owned(),
            id: record.get("id")?.as_str()?.to_owned(),
            expires_at: record.get("expiresAt")?.as_u64()?,
        })
    }

    fn to_value(&self) -> Value {
        json!({"holder": self.holder, "id": self.id, "expiresAt": self.expires_at})
    }
}

/// Why no lease was had, or why it was lost.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// Another apply holds the lease.
    #[error(
        "project `{project}` is being applied by {holder} (its lease ends in {} s); waited {} s (--lock-timeout)",
        expires_in.as_secs(),
        waited.as_secs()
    )]
    Held {
        /// The project.
        project: String,
        /// Who holds it.
        holder: String,
        /// When its lease ends.
        expires_in: Duration,
        /// How long this apply waited.
        waited: Duration,
    },
    /// The lease was taken by another apply after this one's expired.
    #[error("the lease on project `{project}` was lost to {holder}: this apply stopped")]
    Lost {
        /// The project.
        project: String,
        /// Who holds it now (or `nobody` when it vanished).
        holder: String,
    },
    /// The server could not be read or written.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// A lease this process holds.
#[derive(Debug)]
pub struct Lease {
    project: String,
    record: LeaseRecord,
    options: LeaseOptions,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// The inventory definition of `project` as the store has it (the list, not the per-node cache
/// of `GET /taskdefs/{name}`, contract §5.6).
fn read_def(client: &Client, project: &str) -> Result<Option<Value>, ClientError> {
    let name = Inventory::task_def_name(project);
    Ok(client
        .list_task_defs()?
        .into_iter()
        .find(|def| def.get("name").and_then(Value::as_str) == Some(name.as_str())))
}

/// The inventory definition with `lease` set (or removed), everything else kept. A project
/// without an inventory yet gets a definition that holds only the lease.
fn with_lease(def: Option<Value>, project: &str, lease: Option<&LeaseRecord>) -> Value {
    let mut def = def.unwrap_or_else(|| {
        let mut fresh = Inventory::new(project).to_task_def();
        if let Some(template) = fresh.get_mut("inputTemplate") {
            *template = Value::Object(Map::new());
        }
        fresh
    });
    if !def.get("inputTemplate").is_some_and(Value::is_object) {
        def["inputTemplate"] = Value::Object(Map::new());
    }
    if let Some(Value::Object(template)) = def.get_mut("inputTemplate") {
        match lease {
            Some(lease) => {
                template.insert(LEASE_KEY.to_owned(), lease.to_value());
            }
            None => {
                template.remove(LEASE_KEY);
            }
        }
    }
    def
}

/// Takes the lease on `project` for `holder`; see the module documentation. `on_wait` is told
/// once who holds it when this apply starts waiting.
pub fn acquire(
    client: &Client,
    project: &str,
    holder: &str,
    options: LeaseOptions,
    mut on_wait: impl FnMut(&str, Duration),
) -> Result<Lease, LeaseError> {
    let started = std::time::Instant::now();
    let mut told = false;
    loop {
        let def = read_def(client, project)?;
        let current = def.as_ref().and_then(LeaseRecord::from_def);
        let now = now_ms();
        if let Some(other) = current.filter(|lease| lease.expires_at > now) {
            let expires_in = Duration::from_millis(other.expires_at - now);
            let waited = started.elapsed();
            if waited + options.poll > options.wait {
                return Err(LeaseError::Held {
                    project: project.to_owned(),
                    holder: other.holder,
                    expires_in,
                    waited,
                });
            }
            if !told {
                told = true;
                on_wait(&other.holder, expires_in);
            }
            std::thread::sleep(options.poll);
            continue;
        }
        let record = LeaseRecord {
            holder: holder.to_owned(),
            id: format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            expires_at: now + options.ttl.as_millis() as u64,
        };
        client.upsert_task_defs(&[with_lease(def, project, Some(&record))])?;
        std::thread::sleep(options.settle);
        let back = read_def(client, project)?
            .as_ref()
            .and_then(LeaseRecord::from_def);
        if back.as_ref().is_some_and(|lease| lease.id == record.id) {
            return Ok(Lease {
                project: project.to_owned(),
                record,
                options,
            });
        }
        // Another apply wrote its lease at the same moment and won: wait for it.
    }
}

impl Lease {
    /// Who holds it.
    pub fn holder(&self) -> &str {
        &self.record.holder
    }

    /// Checks that the lease is still this apply's, renewing it once half its time passed.
    pub fn confirm(&mut self, client: &Client) -> Result<(), LeaseError> {
        let def = read_def(client, &self.project)?;
        let current = def.as_ref().and_then(LeaseRecord::from_def);
        if current.as_ref().map(|lease| &lease.id) != Some(&self.record.id) {
            return Err(LeaseError::Lost {
                project: self.project.clone(),
                holder: current.map_or_else(|| "nobody".to_owned(), |lease| lease.holder),
            });
        }
        let now = now_ms();
        let half = self.options.ttl.as_millis() as u64 / 2;
        if self.record.expires_at.saturating_sub(now) < half {
            self.record.expires_at = now + self.options.ttl.as_millis() as u64;
            client.upsert_task_defs(&[with_lease(def, &self.project, Some(&self.record))])?;
        }
        Ok(())
    }

    /// Removes the lease when it is still this apply's (an inventory written by the apply
    /// carries none, and then there is nothing to do).
    pub fn release(self, client: &Client) -> Result<(), ClientError> {
        let def = read_def(client, &self.project)?;
        let current = def.as_ref().and_then(LeaseRecord::from_def);
        if current.is_some_and(|lease| lease.id == self.record.id) {
            client.upsert_task_defs(&[with_lease(def, &self.project, None)])?;
        }
        Ok(())
    }
}

/// Who this process is, for a lease: user, host, process id, and the CI run when there is one.
/// Nothing secret: it is stored on the server for others to read.
pub fn holder_description() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "someone".to_owned());
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "an unknown host".to_owned());
    let mut text = format!("{user}@{host} (pid {})", std::process::id());
    if let (Ok(repository), Ok(run)) = (
        std::env::var("GITHUB_REPOSITORY"),
        std::env::var("GITHUB_RUN_ID"),
    ) {
        text.push_str(&format!(", GitHub Actions run {run} of {repository}"));
    } else if let Ok(job) = std::env::var("CI_JOB_URL") {
        text.push_str(&format!(", CI job {job}"));
    }
    text
}
