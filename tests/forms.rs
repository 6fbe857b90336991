//! Every concise task form and the generic form: a YAML snippet is compiled through the binary,
//! the JSON is compared with its snapshot, and every rule of `check` runs on the output (the
//! snippet must compile with no diagnostic at all).

mod common;

use common::Sandbox;

#[test]
fn every_form_compiles_to_its_snapshot() {
    insta::glob!("fixtures/forms/*.yaml", |path| {
        let sandbox = Sandbox::new();
        let source = std::fs::read_to_string(path).expect("read fixture");
        sandbox.write("defs/form.yaml", &source);
        let run = sandbox.run(&["compile", "defs", "--out", "out"]);
        assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
        assert!(
            !run.stderr.contains("CA"),
            "{}: the snippet must compile without diagnostics:\n{}",
            path.display(),
            run.stderr
        );
        let mut snapshot = String::new();
        for kind in ["workflows", "taskdefs"] {
            let dir = sandbox.path().join("out").join(kind);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<_> = entries.map(|entry| entry.expect("entry").path()).collect();
            files.sort();
            for file in files {
                let name = file
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                snapshot.push_str(&format!("=== {kind}/{name}\n"));
                snapshot.push_str(&std::fs::read_to_string(&file).expect("read output"));
            }
        }
        insta::assert_snapshot!(snapshot);
    });
}

#[test]
fn compile_is_byte_identical_on_rerun() {
    let sandbox = Sandbox::new();
    let workflows = common::repo_root().join("workflows");
    let workflows = workflows.to_str().expect("utf-8 path");
    assert_eq!(
        sandbox.run(&["compile", workflows, "--out", "first"]).code,
        0
    );
    assert_eq!(
        sandbox.run(&["compile", workflows, "--out", "second"]).code,
        0
    );
    let read_tree = |root: &str| {
        let mut files = Vec::new();
        for kind in ["workflows", "taskdefs"] {
            let dir = sandbox.path().join(root).join(kind);
            for entry in std::fs::read_dir(dir).expect("output dir") {
                let path = entry.expect("entry").path();
                files.push((
                    format!(
                        "{kind}/{}",
                        path.file_name().expect("name").to_string_lossy()
                    ),
                    std::fs::read(&path).expect("read"),
                ));
            }
        }
        files.sort();
        files
    };
    let first = read_tree("first");
    assert!(first.len() >= 10);
    assert_eq!(first, read_tree("second"));
}

#[test]
fn compile_writes_nothing_when_a_definition_has_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "defs/good.yaml",
        "workflow: good\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    noop: {}\n",
    );
    sandbox.write(
        "defs/bad.yaml",
        "workflow: bad\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    noop: {}\n  - ref: a\n    noop: {}\n",
    );
    let run = sandbox.run(&["compile", "defs", "--out", "out"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("CA301"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!sandbox.path().join("out").exists());
}
