//! Seconds for messages, in the DSL's duration syntax (`2m`, `1h`, `90s`).

use conductor_dsl::syntax::duration::Duration;

/// `120` → `2m`; negative values are shown as plain seconds.
pub fn human_seconds(seconds: i64) -> String {
    match u64::try_from(seconds).map(Duration::from_seconds) {
        Ok(Duration::Text(text)) => text,
        Ok(Duration::Seconds(seconds)) => format!("{seconds}s"),
        Err(_) => format!("{seconds}s"),
    }
}
