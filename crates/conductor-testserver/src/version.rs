//! Server versions and what changes with them.
//!
//! A [`ServerVersion`] is any `3.x.y`; behaviour is chosen by thresholds (the first release
//! that has a field, a rule or an endpoint), so a version between the three the project tests
//! against (3.15.0, 3.21.14, 3.32.1) gets the behaviour its neighbours imply. The thresholds
//! come from `server-versions.md`; those at 3.15.0, 3.21.14 and 3.32.1 are checked against the
//! real servers by `tests/differential.rs`, the ones in between are the note's reading of the
//! source.

use std::fmt;
use std::str::FromStr;

/// A Conductor server release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerVersion {
    /// The major version (3 for every release modelled).
    pub major: u32,
    /// The minor version.
    pub minor: u32,
    /// The patch version.
    pub patch: u32,
}

impl ServerVersion {
    /// 3.15.0: the last release before Spring Boot 3; `conductor-standalone`'s version.
    pub const V3_15_0: ServerVersion = ServerVersion::new(3, 15, 0);
    /// 3.21.14: the newest 3.21 release with a boot jar on Maven Central.
    pub const V3_21_14: ServerVersion = ServerVersion::new(3, 21, 14);
    /// 3.32.1: the version the contract describes, and the default.
    pub const V3_32_1: ServerVersion = ServerVersion::new(3, 32, 1);

    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> ServerVersion {
        ServerVersion {
            major,
            minor,
            patch,
        }
    }

    /// Whether this version is `major.minor.patch` or newer.
    pub fn at_least(self, major: u32, minor: u32, patch: u32) -> bool {
        self >= ServerVersion::new(major, minor, patch)
    }
}

impl Default for ServerVersion {
    fn default() -> ServerVersion {
        ServerVersion::V3_32_1
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A version string that is not `3.x.y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseVersionError(String);

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a Conductor 3 server version such as 3.15.0, 3.21.14 or 3.32.1",
            self.0
        )
    }
}

impl std::error::Error for ParseVersionError {}

impl FromStr for ServerVersion {
    type Err = ParseVersionError;

    /// Reads `3.x.y`; a leading `v` and a suffix after `-` or `+` (`3.21.14-SNAPSHOT`) are
    /// ignored, and `3.x` means `3.x.0`.
    fn from_str(text: &str) -> Result<ServerVersion, ParseVersionError> {
        let error = || ParseVersionError(text.to_owned());
        let core = text.trim().trim_start_matches('v');
        let core = core.split(['-', '+']).next().unwrap_or_default();
        let mut parts = core.split('.').map(str::parse::<u32>);
        let major = parts.next().and_then(Result::ok).ok_or_else(error)?;
        let minor = parts.next().and_then(Result::ok).ok_or_else(error)?;
        let patch = match parts.next() {
            None => 0,
            Some(part) => part.map_err(|_| error())?,
        };
        if parts.next().is_some() || major != 3 {
            return Err(error());
        }
        Ok(ServerVersion::new(major, minor, patch))
    }
}

/// What the server does, derived once from the configured version.
///
/// `real` is false when no version was configured: the server then keeps the behaviour it has
/// always had, the contract's 3.32.1 (missing definitions are deleted with a 404, as the
/// contract says; `${ x}` fails only as an unknown reference; a wrong method is a bare 405).
/// With a version, it follows that release as the project's `scripts/conductor-server` runs
/// it: in-memory metadata over Redis up to 3.21, SQLite from 3.22.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Profile {
    pub(crate) version: ServerVersion,
    pub(crate) real: bool,
}

impl Profile {
    pub(crate) fn new(version: Option<ServerVersion>) -> Profile {
        Profile {
            version: version.unwrap_or_default(),
            real: version.is_some(),
        }
    }

    /// The version configured, `None` for the default.
    pub(crate) fn configured(self) -> Option<ServerVersion> {
        self.real.then_some(self.version)
    }

    fn at_least(self, major: u32, minor: u32, patch: u32) -> bool {
        self.version.at_least(major, minor, patch)
    }

    /// Spring Boot 2 and `BaseDef` (before 3.21.0): `accessPolicy`, audit times omitted when
    /// unset, empty task collections omitted, parameter names in validation paths, Boot's
    /// error JSON for unknown routes, "Request method 'X' not supported".
    pub(crate) fn boot2(self) -> bool {
        !self.at_least(3, 21, 0)
    }

    /// `GET /metadata/workflow/names` and `/{name}/versions` (3.30.0).
    pub(crate) fn names_and_versions(self) -> bool {
        self.at_least(3, 30, 0)
    }

    /// `POST /metadata/workflow?overwrite=` and `GET /metadata/workflow?classifier=` (3.31.2).
    pub(crate) fn overwrite_and_classifier(self) -> bool {
        self.at_least(3, 31, 2)
    }

    /// A wrong method answers 405 (3.32.0); before, Spring's exception fell to the catch-all
    /// 500.
    pub(crate) fn method_not_allowed_status(self) -> u16 {
        if self.at_least(3, 32, 0) { 405 } else { 500 }
    }

    /// The bundled store: Redis-backed memory up to 3.21 (404, "Cannot remove ..."), SQLite from
    /// 3.22.0 (500, the SQL message). Without a version: the contract's 404 with the SQL
    /// message.
    pub(crate) fn redis_store(self) -> bool {
        self.real && !self.at_least(3, 22, 0)
    }

    /// Whether a missing definition's delete is a 500 (the SQLite DAO's exception is not a
    /// `NotFoundException`).
    pub(crate) fn delete_missing_is_500(self) -> bool {
        self.real && self.at_least(3, 22, 0)
    }

    /// Any whitespace in a `${...}` path is invalid (before 3.21.19; from then Jayway's
    /// `JsonPath.compile` decides).
    pub(crate) fn any_whitespace_invalid(self) -> bool {
        !self.at_least(3, 21, 19)
    }

    /// `@Email` on `WorkflowDef.ownerEmail` (up to 3.21.10).
    pub(crate) fn workflow_email_format(self) -> bool {
        !self.at_least(3, 21, 11)
    }

    /// `@Email` on `TaskDef.ownerEmail` (3.12 to 3.20).
    pub(crate) fn task_email_format(self) -> bool {
        !self.at_least(3, 21, 0)
    }

    /// `@NoSemiColonConstraint` on the workflow name (up to 3.21.10).
    pub(crate) fn no_colon_in_workflow_name(self) -> bool {
        !self.at_least(3, 21, 11)
    }

    /// `@Min(0)` on `TaskDef.totalTimeoutSeconds` (3.30.0).
    pub(crate) fn total_timeout_minimum(self) -> bool {
        self.at_least(3, 30, 0)
    }

    /// The name of a service method's argument in a validation path: `arg0` from Spring 6,
    /// the parameter's own name before.
    pub(crate) fn argument(self, method: &str) -> &'static str {
        if !self.boot2() {
            return "arg0";
        }
        match method {
            "updateWorkflowDef" => "workflowDefList",
            "registerTaskDef" => "taskDefinitions",
            "updateTaskDef" => "taskDefinition",
            _ => "workflowDef",
        }
    }

    /// `method.argument`, the start of every validation path.
    pub(crate) fn path(self, method: &str) -> String {
        format!("{method}.{}", self.argument(method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_versions() {
        assert_eq!(
            "3.21.14".parse::<ServerVersion>(),
            Ok(ServerVersion::V3_21_14)
        );
        assert_eq!(
            "v3.15.0".parse::<ServerVersion>(),
            Ok(ServerVersion::V3_15_0)
        );
        assert_eq!(
            "3.22".parse::<ServerVersion>(),
            Ok(ServerVersion::new(3, 22, 0))
        );
        assert_eq!(
            "3.21.14-SNAPSHOT".parse::<ServerVersion>(),
            Ok(ServerVersion::V3_21_14)
        );
        for bad in ["", "3", "2.9.0", "3.x.1", "3.1.2.3", "latest"] {
            assert!(bad.parse::<ServerVersion>().is_err(), "{bad}");
        }
        assert!(ServerVersion::V3_15_0 < ServerVersion::V3_21_14);
        assert!(ServerVersion::new(3, 21, 9) < ServerVersion::new(3, 21, 14));
        assert_eq!(ServerVersion::default().to_string(), "3.32.1");
    }

    #[test]
    fn thresholds() {
        let old = Profile::new(Some(ServerVersion::V3_15_0));
        let mid = Profile::new(Some(ServerVersion::V3_21_14));
        let new = Profile::new(Some(ServerVersion::V3_32_1));
        let default = Profile::new(None);
        assert!(old.boot2() && !mid.boot2() && !new.boot2());
        assert_eq!(
            old.path("registerTaskDef"),
            "registerTaskDef.taskDefinitions"
        );
        assert_eq!(mid.path("registerTaskDef"), "registerTaskDef.arg0");
        assert!(mid.any_whitespace_invalid() && !new.any_whitespace_invalid());
        assert!(mid.redis_store() && !new.redis_store() && !default.redis_store());
        assert!(new.delete_missing_is_500() && !default.delete_missing_is_500());
        assert_eq!(mid.method_not_allowed_status(), 500);
        assert_eq!(new.method_not_allowed_status(), 405);
    }
}
