//! Helpers shared by the end-to-end tests: run the built binary in a temporary project and
//! read its output.

#![allow(dead_code)]

pub mod http_peer;

/// A worker workflow and its task definition: the smallest project that applies.
pub const HELLO: &str = "\
workflow: hello
version: 1
ownerEmail: team@example.com
tasks:
  - ref: greet
    task: greet
---
task: greet
ownerEmail: team@example.com
";

/// A definition with one error: `methd` for `method` (CA201 at 8:7).
pub const BROKEN: &str = "\
workflow: orders
version: 1
ownerEmail: orders@example.com
tasks:
  - ref: notify
    http:
      uri: https://notify.example.com/orders
      methd: POST
";
pub mod tools;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// A temporary directory holding a project for one test.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// An empty sandbox.
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// The sandbox's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories) and returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Runs `conductor-apply ARGS` in the sandbox, without colour.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = conductor_apply()
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .expect("run conductor-apply");
        Run::new(output)
    }
}

/// The binary under test, with a fixed environment (no colour, fixed width).
pub fn conductor_apply() -> Command {
    let mut command = Command::cargo_bin("conductor-apply").expect("the binary is built");
    command
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CONDUCTOR_SERVER_URL")
        .env_remove("CONDUCTOR_AUTH_KEY")
        .env_remove("CONDUCTOR_AUTH_SECRET");
    command
}

/// Runs `conductor-apply ARGS` in `dir` against the server at `url`, with extra environment
/// variables.
pub fn run_against(dir: &Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = conductor_apply();
    command
        .current_dir(dir)
        .env("CONDUCTOR_SERVER_URL", url)
        .args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    Run::new(command.output().expect("run conductor-apply"))
}

/// The outcome of one run.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// The outcome of a finished process (for commands built with [`conductor_apply`]).
    pub fn new(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Standard output as JSON (for `--format json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "stdout is not JSON ({error}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// One diagnostic of a `--format json` report, reduced to what tests compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    /// `CA102`.
    pub code: String,
    /// `line:column` of the primary label's start.
    pub at: String,
    /// `line:column-line:column` of the primary label.
    pub range: String,
}

/// The diagnostics of a `--format json` report.
pub fn found(report: &Value) -> Vec<Found> {
    let mut found: Vec<Found> = report["diagnostics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|diagnostic| {
            let location = &diagnostic["location"];
            let position = |point: &Value| format!("{}:{}", point["line"], point["column"]);
            Found {
                code: diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                at: position(&location["start"]),
                range: format!(
                    "{}-{}",
                    position(&location["start"]),
                    position(&location["end"])
                ),
            }
        })
        .collect();
    found.sort();
    found
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus of real definitions, when this checkout has one beside it.
pub fn corpus_dir() -> Option<PathBuf> {
    let corpus = repo_root().join("../shared/corpus");
    corpus.is_dir().then_some(corpus)
}

/// Every JSON file of the corpus, at any depth, sorted.
pub fn corpus_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).expect("read corpus").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A corpus file whose definitions are genuinely broken: `check` rejects them after import
/// (the import itself is faithful), so `plan`, `apply` and `docs` refuse them too.
pub struct BrokenCorpusFile {
    /// The file's name.
    pub file: &'static str,
    /// The error code `check` reports.
    pub code: &'static str,
    /// What is wrong with it.
    pub why: &'static str,
}

/// The corpus files whose definitions are genuinely broken, with why.
pub const BROKEN_CORPUS_FILES: &[BrokenCorpusFile] = &[
    BrokenCorpusFile {
        file: "notification_fanout.json",
        code: "CA305",
        why: "its last FORK_JOIN has no JOIN after it: the workflow terminates when the fork runs",
    },
    BrokenCorpusFile {
        file: "expression_showcase.json",
        code: "CA403",
        why: "`${workflow.startTime}`: the server's resolution document has no `startTime`, so it resolves to null (contract §6.2)",
    },
    BrokenCorpusFile {
        file: "status_listener_disabled.json",
        code: "CA403",
        why: "`${workflow.createTime}`: the server's resolution document has no `createTime`, so it resolves to null (contract §6.2)",
    },
    BrokenCorpusFile {
        file: "workflow_with_synchronous_system_task.json",
        code: "CA409",
        why: "the output reads `${jsonjq.output.resources}`, but a JSON_JQ_TRANSFORM task's output is `result` and `resultList` (contract §3.3)",
    },
    BrokenCorpusFile {
        file: "do_while_timeline_ui_demo.json",
        code: "CA504",
        why: "a jq program writes strings in single quotes (`'task1'`), which jq does not accept",
    },
];

/// Whether the corpus file named `name` is in [`BROKEN_CORPUS_FILES`].
pub fn is_broken_corpus_file(name: &str) -> bool {
    BROKEN_CORPUS_FILES.iter().any(|broken| broken.file == name)
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a directory").flatten() {
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a file");
        }
    }
}

/// The differential corpus of `tests/simulator` ready to run: our own workflows beside their
/// tests, and the cases on the shared corpus's workflows with those workflows imported from
/// `../shared/corpus` (each case file names them on `# corpus: PATH` lines).
pub struct DifferentialCorpus {
    /// The project: `workflows/`, `cases/` and `corpus/`.
    pub dir: tempfile::TempDir,
    /// Each test file (relative to `dir`) and the definition files or folders it runs.
    pub test_files: Vec<(String, Vec<String>)>,
}

pub fn prepared_differential_corpus() -> DifferentialCorpus {
    let source = repo_root().join("tests/simulator");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut test_files = Vec::new();
    copy_dir(&source.join("workflows"), &dir.path().join("workflows"));
    for entry in std::fs::read_dir(source.join("workflows"))
        .expect("the differential corpus")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".test.yaml") {
            test_files.push((
                format!("workflows/{name}"),
                vec![format!("workflows/{stem}.yaml")],
            ));
        }
    }
    let Some(corpus) = corpus_dir() else {
        // Straight to stderr, past the test harness's capture: the skip is said loudly.
        let _ = writeln!(
            std::io::stderr(),
            "differential corpus: ../shared/corpus is absent: the cases on its workflows are \
             skipped, the cases on tests/simulator/workflows run"
        );
        return DifferentialCorpus { dir, test_files };
    };
    std::fs::create_dir_all(dir.path().join("cases")).expect("the differential corpus");
    for entry in std::fs::read_dir(source.join("corpus"))
        .expect("the differential corpus")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".test.yaml") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("the differential corpus");
        std::fs::write(dir.path().join("cases").join(&name), &text)
            .expect("the differential corpus");
        let mut needs = Vec::new();
        for corpus_file in text
            .lines()
            .filter_map(|line| line.strip_prefix("# corpus: "))
        {
            let corpus_file = corpus_file.trim();
            let stem = Path::new(corpus_file)
                .file_stem()
                .expect("the differential corpus")
                .to_string_lossy()
                .into_owned();
            let target = dir.path().join("corpus").join(&stem);
            if !target.exists() {
                let imported = conductor_apply()
                    .arg("import")
                    .arg(corpus.join(corpus_file))
                    .arg("--out")
                    .arg(&target)
                    .output()
                    .expect("the differential corpus");
                assert!(
                    imported.status.success(),
                    "import {corpus_file} for {name}: {}",
                    String::from_utf8_lossy(&imported.stderr)
                );
            }
            needs.push(format!("corpus/{stem}/"));
        }
        assert!(
            !needs.is_empty(),
            "tests/simulator/corpus/{name} names no `# corpus:` file"
        );
        test_files.push((format!("cases/{name}"), needs));
    }
    test_files.sort();
    DifferentialCorpus { dir, test_files }
}
