//! Suppression through the binary: an allow comment on the line before the offending line,
//! and the project file's `allow` list. A suppressed error does not fail the run, and the
//! summary says how many were suppressed.

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

const WORKFLOW: &str = "\
workflow: suppressed
ownerEmail: team@example.com
tasks:
  - ref: first
    inline:
      expression: $.v
    input:
      # conductor-apply: allow CA405
      v: ${second.output.result}
      w: ${second.output.result}
  - ref: second
    inline:
      expression: \"1\"
    input:
      # conductor-apply: allow unknown-task-field, CA409
      x: ${first.ouput.result}
      y: ${first.ouput.result}
";

fn check(project_file: Option<&str>) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("flow.yaml"), WORKFLOW).expect("write");
    if let Some(project) = project_file {
        std::fs::write(dir.path().join("conductor-apply.yaml"), project).expect("write");
    }
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .current_dir(dir.path())
        .env("COLUMNS", "100")
        .args(["--color", "never", "check"])
        .output()
        .expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn allow_comment_suppresses_only_the_next_line() {
    let (code, stderr) = check(None);
    assert_eq!(code, 1, "{stderr}");
    // The comments cover lines 9 and 16; lines 10 and 17 are still reported.
    assert!(stderr.contains("flow.yaml:10:12"), "{stderr}");
    assert!(stderr.contains("flow.yaml:17:18"), "{stderr}");
    assert!(!stderr.contains("flow.yaml:9:"), "{stderr}");
    assert!(!stderr.contains("flow.yaml:16:"), "{stderr}");
    // Nothing on line 16 is CA409: that part of the comment is stale (CA109).
    assert!(
        stderr.contains("`CA409` is allowed here, but nothing reports it"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: 2 errors, 1 warning in 1 file (2 suppressed)\n"),
        "{stderr}"
    );
}

#[test]
fn project_allow_list_suppresses_everywhere_and_errors_do_not_fail() {
    let (code, stderr) = check(Some(
        "allow: [CA405, unknown-task-field, unused-allow-comment]\n",
    ));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "no problems found in 1 file (5 suppressed)\n");
}

#[test]
fn unknown_codes_in_the_allow_list_are_reported() {
    let (code, stderr) = check(Some("allow: [CA405, unknown-task-feild]\n"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`unknown-task-feild` is not a diagnostic code"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `unknown-task-field`?"),
        "{stderr}"
    );
}

#[test]
fn invalid_server_versions_and_project_ids_are_reported_at_their_lines() {
    let (code, stderr) = check(Some(
        "project: \"shop orders\"\nserverVersion: latest\nenvironments:\n  prod: {serverVersion: \"3.x\"}\n",
    ));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`shop orders` is not a project id"),
        "{stderr}"
    );
    assert!(stderr.contains("conductor-apply.yaml:1:10"), "{stderr}");
    assert!(
        stderr.contains("`latest` is not a server version"),
        "{stderr}"
    );
    assert!(stderr.contains("conductor-apply.yaml:2:16"), "{stderr}");
    assert!(stderr.contains("`3.x` is not a server version"), "{stderr}");
}
