//! `init` through the binary: a new project checks clean, its schema references resolve from
//! the files that use them (at any depth, through the language server's `yaml.schemas`), its CI
//! workflow is YAML, and nothing that exists is ever replaced.

mod common;

use std::path::Path;

use common::Sandbox;
use conductor_source::yaml::parse_yaml;
use serde_json::Value;

const CREATED: &[&str] = &[
    "conductor-apply.yaml",
    "workflows/hello.yaml",
    ".vscode/settings.json",
    ".github/workflows/conductor-apply.yml",
    ".conductor-apply/schemas/conductor-apply.schema.json",
    ".conductor-apply/schemas/project.schema.json",
];

fn read(root: &Path, relative: &str) -> String {
    std::fs::read_to_string(root.join(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

/// The file a `# yaml-language-server: $schema=PATH` modeline names, from the file's folder.
fn modeline_target(root: &Path, relative: &str) -> std::path::PathBuf {
    let text = read(root, relative);
    let first = text.lines().next().unwrap_or_default();
    let path = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("{relative} starts with a modeline: {first}"));
    root.join(relative).parent().expect("a folder").join(path)
}

#[test]
fn a_new_project_checks_clean_and_its_schema_references_resolve() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["init", "--project", "shop-orders"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in CREATED {
        assert!(sandbox.path().join(file).is_file(), "{file} created");
        assert!(
            run.stderr.contains(&format!("created {file}")),
            "{}",
            run.stderr
        );
    }
    let project = read(sandbox.path(), "conductor-apply.yaml");
    assert!(project.contains("project: shop-orders"), "{project}");

    let check = sandbox.run(&["check"]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (0, "no problems found in 1 file\n"),
        "the example and the project file are clean"
    );
    let fmt = sandbox.run(&["fmt", "--check"]);
    assert_eq!(
        (fmt.code, fmt.stdout.as_str()),
        (0, ""),
        "the example is formatted: {}",
        fmt.stderr
    );
    let plan_help = sandbox.run(&["compile", "--out", "build"]);
    assert_eq!(plan_help.code, 0, "{}", plan_help.stderr);
    assert!(
        sandbox
            .path()
            .join("build/workflows/hello.v1.json")
            .is_file()
    );

    // The modelines resolve from each file's own folder to the schemas init wrote.
    for (file, schema) in [
        ("conductor-apply.yaml", "project.schema.json"),
        ("workflows/hello.yaml", "conductor-apply.schema.json"),
    ] {
        let target = modeline_target(sandbox.path(), file);
        let target = target
            .canonicalize()
            .unwrap_or_else(|_| panic!("{target:?} exists"));
        assert!(target.ends_with(schema), "{file} -> {target:?}");
    }
    // A file at any depth is covered by the language server's `yaml.schemas` globs, which are
    // relative to the workspace root.
    let settings: Value =
        serde_json::from_str(&read(sandbox.path(), ".vscode/settings.json")).expect("JSON");
    let schemas = settings["yaml.schemas"].as_object().expect("yaml.schemas");
    let mut covers_deep_files = false;
    for (schema, globs) in schemas {
        assert!(sandbox.path().join(schema).is_file(), "{schema} exists");
        for glob in globs.as_array().expect("globs") {
            let glob = globset::Glob::new(glob.as_str().expect("a glob"))
                .expect("a valid glob")
                .compile_matcher();
            if schema.ends_with("conductor-apply.schema.json")
                && glob.is_match("workflows/billing/eu/invoices.yaml")
            {
                covers_deep_files = true;
            }
        }
    }
    assert!(covers_deep_files, "{settings}");
    // The schema the modeline names validates the example (the same schema `check` uses).
    let schema: Value = serde_json::from_str(&read(
        sandbox.path(),
        ".conductor-apply/schemas/conductor-apply.schema.json",
    ))
    .expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for document in parse_yaml(&read(sandbox.path(), "workflows/hello.yaml")).documents {
        let errors: Vec<String> = validator
            .iter_errors(&document.value)
            .map(|error| error.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    // The CI workflow is YAML with a job that checks.
    let ci = parse_yaml(&read(
        sandbox.path(),
        ".github/workflows/conductor-apply.yml",
    ));
    assert!(ci.problems.is_empty());
    let steps = ci.documents[0].value["jobs"]["conductor"]["steps"]
        .as_array()
        .expect("steps")
        .clone();
    assert!(
        steps
            .iter()
            .any(|step| step["run"] == "conductor-apply check --format github"),
        "{steps:?}"
    );
}

#[test]
fn init_never_replaces_a_file() {
    let sandbox = Sandbox::new();
    let mine = "# mine\nfiles: [\"defs/*.yaml\"]\n";
    sandbox.write("conductor-apply.yaml", mine);
    sandbox.write(".vscode/settings.json", "{\"editor.tabSize\": 2}\n");
    let run = sandbox.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(sandbox.path(), "conductor-apply.yaml"), mine);
    assert_eq!(
        read(sandbox.path(), ".vscode/settings.json"),
        "{\"editor.tabSize\": 2}\n"
    );
    assert!(
        run.stderr
            .contains("kept    conductor-apply.yaml (it exists; not changed)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("created workflows/hello.yaml"));

    // A second run changes nothing, even a file edited since.
    sandbox.write("workflows/hello.yaml", "# edited\n");
    let again = sandbox.run(&["init"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(read(sandbox.path(), "workflows/hello.yaml"), "# edited\n");
    assert!(
        again.stderr.contains("0 files created in") && again.stderr.contains("already there"),
        "{}",
        again.stderr
    );
}

#[test]
fn init_scaffolds_another_folder_and_refuses_an_invalid_id() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["init", "services/orders"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let project = read(sandbox.path(), "services/orders/conductor-apply.yaml");
    assert!(project.contains("project: orders\n"), "{project}");

    let refused = sandbox.run(&["init", "other", "--project", "bad id"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("is not a project id"),
        "{}",
        refused.stderr
    );
    assert!(
        !sandbox.path().join("other").exists(),
        "nothing was written"
    );
}
