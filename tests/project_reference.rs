//! `docs` documents the project file like the DSL: `reference/project.md`, generated from
//! `schemas/project.schema.json`, names every key at every level, and the reference's index
//! links to it. (tests/docs.rs checks that every link of the generated pages resolves.)

mod common;

use common::Sandbox;
use serde_json::Value;

#[test]
fn the_reference_documents_every_key_of_the_project_file() {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", "files: [\"*.yaml\"]\n");
    sandbox.write(
        "a.yaml",
        "workflow: a\nownerEmail: a@example.com\ntasks:\n  - {ref: a, task: a}\n",
    );
    let run = sandbox.run(&["docs", "--out", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(sandbox.path().join("site/reference/project.md"))
        .expect("the project file's page");
    let index = std::fs::read_to_string(sandbox.path().join("site/reference/README.md"))
        .expect("the index");
    assert!(index.contains("(project.md)"), "the index links to it");

    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo_root().join("schemas/project.schema.json"))
            .expect("the committed schema"),
    )
    .expect("JSON");
    let mut keys: Vec<String> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .map(|key| format!("### `{key}`"))
        .collect();
    for (name, def) in schema["$defs"].as_object().expect("$defs") {
        keys.push(format!("## {name}"));
        for key in def["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            keys.push(format!("| `{key}` |"));
        }
    }
    for key in &keys {
        assert!(
            page.contains(key.as_str()),
            "`{key}` is on the page:\n{page}"
        );
    }
    for word in [
        "environments",
        "values",
        "prune",
        "taskDefs",
        "serverVersion",
        "files",
    ] {
        assert!(page.contains(word), "{word}");
    }
}
