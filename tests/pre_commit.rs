//! The hooks of `.pre-commit-hooks.yaml` through pre-commit itself (from PyPI, pinned by
//! `scripts/python-tools`): a sample repository installs the hook as a user would, from a hook
//! repository at a commit, and `git commit` is refused with the diagnostic for a broken
//! definition and goes through once it is fixed; the fmt hook rewrites a file laid out
//! otherwise and fails the commit, which goes through once the rewritten file is added.

mod common;

use common::BROKEN;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::tools::{binary_dir, path_with, python_tools};

/// Runs `program ARGS` in `dir` with the test's environment; returns the output with stdout
/// and stderr together, as a user sees them.
fn run(
    dir: &Path,
    env_path: &std::ffi::OsStr,
    home: &Path,
    program: &Path,
    args: &[&str],
) -> (bool, String) {
    let output: Output = Command::new(program)
        .current_dir(dir)
        .args(args)
        .env("PATH", env_path)
        .env("PRE_COMMIT_HOME", home.join("pre-commit"))
        .env("PRE_COMMIT_COLOR", "never")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env_remove("CONDUCTOR_SERVER_URL")
        .output()
        .unwrap_or_else(|error| panic!("running {}: {error}", program.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn pre_commit_refuses_a_broken_definition_and_accepts_the_fix() {
    let Some(tools) = python_tools(&["pre-commit"]) else {
        return;
    };
    let pre_commit = tools.join("pre-commit");
    let temp = tempfile::tempdir().expect("tempdir");
    let home = temp.path();
    std::fs::write(home.join("gitconfig"), "[init]\n\tdefaultBranch = main\n").expect("gitconfig");
    let env_path = path_with(&[binary_dir()]);
    let git = PathBuf::from("git");

    // The hook repository: this repository's manifest, at a commit, as users reference it.
    let hooks = home.join("hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    std::fs::copy(
        common::repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .expect("the manifest exists");
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "hooks"],
    ] {
        let (ok, text) = run(&hooks, &env_path, home, &git, args);
        assert!(ok, "git {args:?}: {text}");
    }
    let rev = run(&hooks, &env_path, home, &git, &["rev-parse", "HEAD"]).1;

    // The user's repository, scaffolded by `init`, with the hook installed.
    let sample = home.join("sample");
    std::fs::create_dir_all(&sample).expect("mkdir");
    let (ok, text) = run(&sample, &env_path, home, &git, &["init", "-q"]);
    assert!(ok, "{text}");
    let (ok, text) = run(
        &sample,
        &env_path,
        home,
        Path::new("conductor-apply"),
        &["init", "-q"],
    );
    assert!(ok, "{text}");
    write(
        &sample,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: conductor-apply-check-system\n      - id: conductor-apply-fmt-system\n",
            hooks.display(),
            rev.trim()
        ),
    );
    let (ok, text) = run(&sample, &env_path, home, &pre_commit, &["install"]);
    assert!(ok, "pre-commit install: {text}");

    let commit = |message: &str| {
        let (ok, text) = run(&sample, &env_path, home, &git, &["add", "-A"]);
        assert!(ok, "{text}");
        run(&sample, &env_path, home, &git, &["commit", "-m", message])
    };
    let (ok, text) = commit("a clean project");
    assert!(ok, "the scaffolded project commits: {text}");
    assert!(
        text.contains("conductor-apply check") && text.contains("Passed"),
        "{text}"
    );

    write(&sample, "workflows/orders.yaml", BROKEN);
    let (ok, text) = commit("a broken definition");
    assert!(!ok, "the commit is refused: {text}");
    for expected in [
        "conductor-apply check",
        "Failed",
        "CA201 unknown-key",
        "unknown key `methd`",
        "workflows/orders.yaml:8:7",
        "did you mean `method`?",
        "error: 1 error in 1 file",
    ] {
        assert!(text.contains(expected), "`{expected}` in:\n{text}");
    }
    let log = run(&sample, &env_path, home, &git, &["log", "--oneline"]).1;
    assert_eq!(log.lines().count(), 1, "nothing was committed: {log}");

    write(
        &sample,
        "workflows/orders.yaml",
        &BROKEN.replace("methd", "method"),
    );
    let (ok, text) = commit("fixed");
    assert!(ok, "the fixed definition commits: {text}");

    // A commit without YAML does not run the check.
    write(&sample, "notes.txt", "hello\n");
    let (ok, text) = commit("notes");
    assert!(ok, "{text}");
    assert!(text.contains("(no files to check)Skipped"), "{text}");

    // A definition laid out otherwise: fmt rewrites it and fails the commit, as formatters
    // do in pre-commit; the rewritten file commits.
    let fixed = BROKEN
        .replace("methd", "method")
        .replace("version: 1", "version: 2");
    write(
        &sample,
        "workflows/orders.yaml",
        &fixed.replace("\n  ", "\n    "),
    );
    let (ok, text) = commit("laid out otherwise");
    assert!(!ok, "the commit is refused: {text}");
    assert!(
        text.contains("conductor-apply fmt") && text.contains("files were modified by this hook"),
        "{text}"
    );
    let rewritten =
        std::fs::read_to_string(sample.join("workflows/orders.yaml")).expect("the definition");
    assert_eq!(rewritten, fixed, "fmt laid it out canonically");
    let (ok, text) = commit("laid out");
    assert!(ok, "the formatted definition commits: {text}");
}
