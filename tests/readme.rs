//! The README's first example is real: `check workflows/` on
//! `tests/fixtures/readme/workflows/orders.yaml` prints exactly the README's first block, and,
//! with the typo fixed, the second.

mod common;

use common::Sandbox;

/// The README's blocks that start with `$ conductor-apply check workflows/`, without that line.
fn readme_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).expect("README");
    readme
        .split("```\n$ conductor-apply check workflows/\n")
        .skip(1)
        .map(|rest| rest.split("```").next().expect("a closed block").to_owned())
        .collect()
}

#[test]
fn the_readme_check_examples_are_what_check_prints() {
    let blocks = readme_blocks();
    assert_eq!(blocks.len(), 2, "two examples in the README");
    let fixture = std::fs::read_to_string(
        common::repo_root().join("tests/fixtures/readme/workflows/orders.yaml"),
    )
    .expect("the README's example file");
    let sandbox = Sandbox::new();
    sandbox.write("workflows/orders.yaml", &fixture);
    let run = sandbox.run(&["check", "workflows/"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, blocks[0], "the README's first block");

    sandbox.write(
        "workflows/orders.yaml",
        fixture.replace("methd:", "method:"),
    );
    let run = sandbox.run(&["check", "workflows/"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, blocks[1], "the README's second block");
}
