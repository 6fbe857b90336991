//! A task definition's retry, timeout, rate and concurrency policy in words, with the server's
//! defaults (contract §2.9) filled in and marked, for the people on call.

use conductor_model::{RetryLogic, TaskDef, TaskTimeoutPolicy, WorkflowTimeoutPolicy};

/// The server's defaults for an unset `TaskDef` field (contract §2.9).
mod server_default {
    pub const RETRY_COUNT: i64 = 3;
    pub const RETRY_DELAY_SECONDS: i64 = 60;
    pub const RESPONSE_TIMEOUT_SECONDS: i64 = 3600;
    pub const BACKOFF_SCALE_FACTOR: i64 = 1;
    pub const RATE_LIMIT_FREQUENCY_SECONDS: i64 = 1;
}

/// Seconds in words: `5 s`, `2 min`, `1 h 30 min`, `2 days`.
pub fn duration(seconds: i64) -> String {
    if seconds < 0 {
        return format!("{seconds} s");
    }
    if seconds == 0 {
        return "0 s".to_owned();
    }
    let units: [(i64, &str, &str); 4] = [
        (86_400, " day", " days"),
        (3_600, " h", " h"),
        (60, " min", " min"),
        (1, " s", " s"),
    ];
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (size, one, many) in units {
        let count = rest / size;
        if count > 0 {
            parts.push(format!("{count}{}", if count == 1 { one } else { many }));
            rest -= count * size;
        }
    }
    parts.join(" ")
}

/// One line of a policy, and whether it only restates the server's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLine {
    /// What the line is about: `Retries`, `Timeouts`, `Rate limit`, `Concurrency`.
    pub topic: &'static str,
    /// The policy in words (Markdown).
    pub words: String,
    /// Whether every value in the line is the server's default.
    pub all_defaults: bool,
}

fn default_note(all_defaults: bool) -> &'static str {
    if all_defaults {
        " (server defaults)"
    } else {
        ""
    }
}

/// The retry policy: "retries 3 times, 5 s apart, doubling each time (5 s, 10 s, 20 s)".
pub fn retries(def: &TaskDef) -> PolicyLine {
    let count = def
        .retry_count
        .map_or(server_default::RETRY_COUNT, i64::from);
    let delay = def
        .retry_delay_seconds
        .map_or(server_default::RETRY_DELAY_SECONDS, i64::from);
    let logic = def.retry_logic.unwrap_or(RetryLogic::Fixed);
    let scale = def
        .backoff_scale_factor
        .map_or(server_default::BACKOFF_SCALE_FACTOR, i64::from)
        .max(1);
    let max_delay = def
        .max_retry_delay_seconds
        .map(i64::from)
        .filter(|d| *d > 0);
    let all_defaults = def.retry_count.is_none()
        && def.retry_delay_seconds.is_none()
        && def.retry_logic.is_none()
        && def.backoff_scale_factor.is_none()
        && def.max_retry_delay_seconds.is_none()
        && def.backoff_jitter_ms.is_none();
    if count <= 0 {
        return PolicyLine {
            topic: "Retries",
            words: format!("a failed task is not retried{}", default_note(all_defaults)),
            all_defaults,
        };
    }
    let times = if count == 1 {
        "once".to_owned()
    } else {
        format!("{count} times")
    };
    // The server's formulas: FIXED waits `delay`; EXPONENTIAL_BACKOFF `delay × 2^n`;
    // LINEAR_BACKOFF `delay × scale × (n + 1)`, for the n-th retry from 0, capped by
    // `maxRetryDelaySeconds` when it is set.
    let (first, growth) = match logic {
        RetryLogic::Fixed => (delay, String::new()),
        RetryLogic::ExponentialBackoff => (delay, ", doubling each time".to_owned()),
        RetryLogic::LinearBackoff => {
            let step = delay.saturating_mul(scale);
            (step, format!(", growing by {} each time", duration(step)))
        }
    };
    let mut words = format!("retries {times}, {} apart{growth}", duration(first));
    if logic != RetryLogic::Fixed && delay > 0 {
        let shown = count.min(5);
        let delays: Vec<String> = (0..shown)
            .map(|attempt| {
                let raw = match logic {
                    RetryLogic::ExponentialBackoff => delay
                        .saturating_mul(2i64.saturating_pow(u32::try_from(attempt).unwrap_or(0))),
                    _ => delay.saturating_mul(scale).saturating_mul(attempt + 1),
                };
                duration(max_delay.map_or(raw, |cap| raw.min(cap)))
            })
            .collect();
        let more = if count > shown { ", …" } else { "" };
        words.push_str(&format!(" ({}{more})", delays.join(", ")));
    }
    if let Some(cap) = max_delay {
        words.push_str(&format!(", at most {} apart", duration(cap)));
    }
    if let Some(jitter) = def.backoff_jitter_ms.filter(|jitter| *jitter > 0) {
        words.push_str(&format!(", plus up to {jitter} ms of random jitter"));
    }
    words.push_str(default_note(all_defaults));
    PolicyLine {
        topic: "Retries",
        words,
        all_defaults,
    }
}

/// What a task timeout policy does, in words.
pub fn task_timeout_policy(policy: TaskTimeoutPolicy) -> &'static str {
    match policy {
        TaskTimeoutPolicy::Retry => "the attempt is retried",
        TaskTimeoutPolicy::TimeOutWf => "the workflow times out",
        TaskTimeoutPolicy::AlertOnly => "only an alert is raised",
    }
}

/// What a workflow timeout policy does, in words.
pub fn workflow_timeout_policy(policy: WorkflowTimeoutPolicy) -> &'static str {
    match policy {
        WorkflowTimeoutPolicy::TimeOutWf => "the workflow is timed out",
        WorkflowTimeoutPolicy::AlertOnly => "only an alert is raised",
    }
}

/// The timeouts: of one attempt, of the worker's updates, of polling and of all attempts.
pub fn timeouts(def: &TaskDef) -> PolicyLine {
    let mut parts = Vec::new();
    let policy = def.timeout_policy.unwrap_or(TaskTimeoutPolicy::TimeOutWf);
    match def.timeout_seconds.filter(|seconds| *seconds > 0) {
        Some(seconds) => parts.push(format!(
            "an attempt may take {}, then {}",
            duration(seconds),
            task_timeout_policy(policy)
        )),
        None => parts.push("an attempt has no time limit".to_owned()),
    }
    let response = def
        .response_timeout_seconds
        .unwrap_or(server_default::RESPONSE_TIMEOUT_SECONDS);
    parts.push(format!(
        "a worker must report progress every {}{}",
        duration(response),
        if def.response_timeout_seconds.is_none() {
            " (server default)"
        } else {
            ""
        }
    ));
    if let Some(poll) = def.poll_timeout_seconds.filter(|seconds| *seconds > 0) {
        parts.push(format!(
            "a scheduled task must be picked up within {}",
            duration(i64::from(poll))
        ));
    }
    if let Some(total) = def.total_timeout_seconds.filter(|seconds| *seconds > 0) {
        parts.push(format!(
            "all attempts together may take {}",
            duration(total)
        ));
    }
    let all_defaults = def.timeout_seconds.is_none()
        && def.timeout_policy.is_none()
        && def.response_timeout_seconds.is_none()
        && def.poll_timeout_seconds.is_none()
        && def.total_timeout_seconds.is_none();
    PolicyLine {
        topic: "Timeouts",
        words: parts.join("; "),
        all_defaults,
    }
}

/// The rate limit: "at most 100 executions per 10 s", or none.
pub fn rate_limit(def: &TaskDef) -> PolicyLine {
    let count = def.rate_limit_per_frequency.unwrap_or(0);
    let per = def
        .rate_limit_frequency_in_seconds
        .map_or(server_default::RATE_LIMIT_FREQUENCY_SECONDS, i64::from);
    let words = if count > 0 {
        format!("at most {count} executions per {}", duration(per))
    } else {
        "none".to_owned()
    };
    PolicyLine {
        topic: "Rate limit",
        words,
        all_defaults: def.rate_limit_per_frequency.is_none(),
    }
}

/// The concurrency limit: "at most 10 in progress at once", or none.
pub fn concurrency(def: &TaskDef) -> PolicyLine {
    let words = match def.concurrent_exec_limit.filter(|limit| *limit > 0) {
        Some(limit) => format!("at most {limit} in progress at once"),
        None => "no limit".to_owned(),
    };
    PolicyLine {
        topic: "Concurrency",
        words,
        all_defaults: def.concurrent_exec_limit.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> TaskDef {
        TaskDef {
            name: "t".into(),
            ..TaskDef::default()
        }
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration(5), "5 s");
        assert_eq!(duration(120), "2 min");
        assert_eq!(duration(5_400), "1 h 30 min");
        assert_eq!(duration(172_800), "2 days");
        assert_eq!(duration(90_061), "1 day 1 h 1 min 1 s");
        assert_eq!(duration(0), "0 s");
    }

    #[test]
    fn retry_policies() {
        assert_eq!(
            retries(&def()).words,
            "retries 3 times, 1 min apart (server defaults)"
        );
        let exponential = TaskDef {
            retry_count: Some(3),
            retry_delay_seconds: Some(5),
            retry_logic: Some(RetryLogic::ExponentialBackoff),
            ..def()
        };
        assert_eq!(
            retries(&exponential).words,
            "retries 3 times, 5 s apart, doubling each time (5 s, 10 s, 20 s)"
        );
        let linear = TaskDef {
            retry_count: Some(2),
            retry_delay_seconds: Some(1),
            retry_logic: Some(RetryLogic::LinearBackoff),
            backoff_scale_factor: Some(2),
            max_retry_delay_seconds: Some(3),
            ..def()
        };
        assert_eq!(
            retries(&linear).words,
            "retries 2 times, 2 s apart, growing by 2 s each time (2 s, 3 s), at most 3 s apart"
        );
        let none = TaskDef {
            retry_count: Some(0),
            ..def()
        };
        assert_eq!(retries(&none).words, "a failed task is not retried");
    }

    #[test]
    fn limits() {
        let limited = TaskDef {
            rate_limit_per_frequency: Some(100),
            rate_limit_frequency_in_seconds: Some(10),
            concurrent_exec_limit: Some(3),
            timeout_seconds: Some(120),
            response_timeout_seconds: Some(60),
            ..def()
        };
        assert_eq!(
            rate_limit(&limited).words,
            "at most 100 executions per 10 s"
        );
        assert_eq!(concurrency(&limited).words, "at most 3 in progress at once");
        assert_eq!(
            timeouts(&limited).words,
            "an attempt may take 2 min, then the workflow times out; a worker must report progress every 1 min"
        );
        assert_eq!(rate_limit(&def()).words, "none");
    }
}
