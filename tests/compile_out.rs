//! `compile --out DIR` keeps DIR in step with the definitions: a file written for a definition
//! that is gone is removed on the next run, like `docs` does, and files it did not write stay.

mod common;

use common::Sandbox;

const TWO: &str = "\
workflow: kept
ownerEmail: a@example.com
tasks:
  - {ref: a, task: a}
---
workflow: dropped
ownerEmail: a@example.com
tasks:
  - {ref: a, task: a}
---
task: a
ownerEmail: a@example.com
";

#[test]
fn compile_removes_what_it_wrote_for_definitions_that_are_gone() {
    let sandbox = Sandbox::new();
    sandbox.write("defs.yaml", TWO);
    sandbox.write("build/notes.txt", "mine\n");
    let run = sandbox.run(&["compile", "defs.yaml", "--out", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let build = sandbox.path().join("build");
    for file in [
        "workflows/kept.v1.json",
        "workflows/dropped.v1.json",
        "taskdefs/a.json",
    ] {
        assert!(build.join(file).is_file(), "{file}");
    }
    assert_eq!(
        std::fs::read_to_string(build.join(".conductor-apply-compiled")).expect("manifest"),
        "taskdefs/a.json\nworkflows/dropped.v1.json\nworkflows/kept.v1.json\n"
    );

    sandbox.write(
        "defs.yaml",
        TWO.replace("workflow: dropped", "workflow: renamed"),
    );
    let run = sandbox.run(&["compile", "defs.yaml", "--out", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("(3 files, 2 changed or removed)"),
        "{}",
        run.stderr
    );
    assert!(!build.join("workflows/dropped.v1.json").exists(), "removed");
    assert!(build.join("workflows/renamed.v1.json").is_file());
    assert!(build.join("workflows/kept.v1.json").is_file());
    assert_eq!(
        std::fs::read_to_string(build.join("notes.txt")).expect("kept"),
        "mine\n",
        "a file compile did not write stays"
    );
}
