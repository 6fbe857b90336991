//! Third-party tools the tests drive through `scripts/python-tools` (a pinned virtual
//! environment cached outside the repository).

// A test that cannot get its tool says so on stderr before it returns.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;
use std::process::Command;

/// The bin directory of the Python tools environment with `tools` installed (installing them
/// from PyPI when missing), or `None`, after saying on stderr why the test skips, when they
/// cannot be installed (no Python with venv, no registry).
pub fn python_tools(tools: &[&str]) -> Option<PathBuf> {
    let script = super::repo_root().join("scripts/python-tools");
    let output = Command::new("bash")
        .arg(&script)
        .arg("install")
        .args(tools)
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let bin = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            Some(PathBuf::from(bin))
        }
        Ok(output) => {
            eprintln!(
                "skipped: `scripts/python-tools install {}` failed, so the test cannot run: {}",
                tools.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
            None
        }
        Err(error) => {
            eprintln!("skipped: running scripts/python-tools: {error}");
            None
        }
    }
}

/// The directory of the built `conductor-apply` binary, to put on `PATH`.
pub fn binary_dir() -> PathBuf {
    let binary = assert_cmd::cargo::cargo_bin("conductor-apply");
    binary
        .parent()
        .expect("the binary is in a folder")
        .to_path_buf()
}

/// `PATH` with `first` before the current one.
pub fn path_with(first: &[PathBuf]) -> std::ffi::OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = first.to_vec();
    paths.extend(std::env::split_paths(&current));
    std::env::join_paths(paths).expect("PATH entries without separators")
}
