//! Secrets as a type: the auth key, the secret and the token print as a placeholder.

use std::fmt;

/// What a [`Secret`] prints as, in `Debug` and `Display`.
pub const REDACTED: &str = "(sensitive value)";

/// A value that must never reach output: `Debug` and `Display` print `(sensitive value)`.
/// The value itself is reachable only through [`Secret::expose`], which the client calls where
/// it builds a request.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for building a request. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// The key id and secret exchanged for a token at `POST /api/token`
/// (`CONDUCTOR_AUTH_KEY`/`CONDUCTOR_AUTH_SECRET` in the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The key id.
    pub key_id: Secret,
    /// The key secret.
    pub key_secret: Secret,
}

impl Credentials {
    /// Credentials from a key id and secret.
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>) -> Credentials {
        Credentials {
            key_id: Secret::new(key_id),
            key_secret: Secret::new(key_secret),
        }
    }

    /// `text` with every occurrence of the key id or secret replaced by the placeholder.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in [&self.key_secret, &self.key_id] {
            if !secret.expose().is_empty() {
                out = out.replace(secret.expose(), REDACTED);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_format() {
        let credentials = Credentials::new("key-1", "s3cr3t");
        let shown = format!(
            "{credentials:?} {} {:?}",
            credentials.key_secret, credentials.key_id
        );
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("key-1"),
            "{shown}"
        );
        assert_eq!(
            credentials.scrub("bad key-1 with s3cr3t"),
            "bad (sensitive value) with (sensitive value)"
        );
    }
}
