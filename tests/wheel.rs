//! The Python wheel (`pyproject.toml`, maturin with `bindings = "bin"`): built with maturin,
//! installed with pip into a fresh virtual environment, run from there. A release build takes
//! minutes, so the test runs only with `CONDUCTOR_APPLY_WHEEL_TEST=1` (see the README) and says
//! so otherwise; maturin comes from PyPI through `scripts/python-tools`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tools::python_tools;

fn run(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> (i32, String, String) {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CONDUCTOR_SERVER_URL");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("running {}: {error}", program.display()));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_wheel_installs_with_pip_and_runs() {
    if std::env::var_os("CONDUCTOR_APPLY_WHEEL_TEST").is_none_or(|value| value != "1") {
        eprintln!(
            "skipped: the wheel test builds a release binary (minutes); run it with \
             CONDUCTOR_APPLY_WHEEL_TEST=1 cargo test --test wheel"
        );
        return;
    }
    let Some(tools) = python_tools(&["maturin"]) else {
        return;
    };
    let root = common::repo_root();
    let temp = tempfile::tempdir().expect("tempdir");
    let dist = temp.path().join("dist");
    let (code, _, stderr) = run(
        &tools.join("maturin"),
        &["build", "--release", "--out", &dist.display().to_string()],
        &root,
        &[],
    );
    assert_eq!(code, 0, "maturin build: {stderr}");
    let wheels: Vec<PathBuf> = std::fs::read_dir(&dist)
        .expect("dist")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel: {wheels:?}");
    let wheel = &wheels[0];
    let name = wheel.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        name.starts_with(&format!(
            "conductor_apply-{}-py3-none-",
            env!("CARGO_PKG_VERSION")
        )),
        "{name}"
    );

    // A fresh virtual environment, nothing from a registry: the wheel alone.
    let venv = temp.path().join("venv");
    let (code, _, stderr) = run(
        &tools.join("python"),
        &["-m", "venv", &venv.display().to_string()],
        temp.path(),
        &[],
    );
    assert_eq!(code, 0, "venv: {stderr}");
    let bin = venv.join("bin");
    let (code, _, stderr) = run(
        &bin.join("python"),
        &[
            "-m",
            "pip",
            "install",
            "--no-index",
            "--quiet",
            &wheel.display().to_string(),
        ],
        temp.path(),
        &[],
    );
    assert_eq!(code, 0, "pip install: {stderr}");
    let installed = bin.join("conductor-apply");
    let (code, stdout, _) = run(&installed, &["--version"], temp.path(), &[]);
    assert_eq!(
        (code, stdout.trim()),
        (
            0,
            format!("conductor-apply {}", env!("CARGO_PKG_VERSION")).as_str()
        )
    );

    let project = temp.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    let (code, _, stderr) = run(&installed, &["init"], &project, &[]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(&installed, &["check"], &project, &[]);
    assert_eq!(
        (code, stderr.as_str()),
        (0, "no problems found in 1 file\n")
    );
    std::fs::write(
        project.join("workflows/broken.yaml"),
        "workflow: broken\ntasks:\n  - ref: a\n    tsk: x\n",
    )
    .expect("write");
    let (code, _, stderr) = run(&installed, &["check"], &project, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("CA207") && stderr.contains("workflows/broken.yaml:3:5"),
        "{stderr}"
    );

    // The GitHub Action's `install: pip` step, with the wheel as its package.
    let github_path = temp.path().join("github-path.txt");
    std::fs::write(&github_path, "").expect("write");
    let runner_temp = temp.path().join("runner-temp");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    let (code, stdout, stderr) = run(
        Path::new("bash"),
        &[&root.join("action/install.sh").display().to_string()],
        temp.path(),
        &[
            ("INPUT_INSTALL", Path::new("pip")),
            ("INPUT_PACKAGE", wheel),
            ("ACTION_PATH", &root),
            ("GITHUB_PATH", &github_path),
            ("RUNNER_TEMP", &runner_temp),
        ],
    );
    assert_eq!(code, 0, "install.sh: {stderr}");
    assert!(stdout.contains("conductor-apply "), "{stdout}");
    let added = std::fs::read_to_string(&github_path).expect("read");
    assert!(
        Path::new(added.trim()).join("conductor-apply").is_file(),
        "{added}"
    );
}
