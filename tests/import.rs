//! `conductor-apply import` through the binary: the corpus round trip, idiomatic output
//! (snapshots), and the import diagnostics.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{BROKEN_CORPUS_FILES, Sandbox, corpus_dir, corpus_files, found};
use conductor_diagnostics::{Code, ExampleKind, Stage};
use conductor_dsl::import::file_stem;
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::parse::parse_file;
use conductor_model::normalize::{normalize_task_def, normalize_workflow_def};
use conductor_source::{SourceFile, SourceMap};
use serde_json::Value;

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("below")
                    .to_string_lossy()
                    .into_owned();
                files.insert(relative, std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

/// The definitions of a corpus file: workflows by (name, version), task definitions by name.
fn definitions(value: &Value) -> (BTreeMap<(String, i64), Value>, BTreeMap<String, Value>) {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut workflows = BTreeMap::new();
    let mut task_defs = BTreeMap::new();
    for item in items {
        let name = item["name"].as_str().unwrap_or_default().to_owned();
        if item.get("tasks").is_some() {
            let version = item["version"].as_i64().unwrap_or(1);
            workflows.insert((name, version), item.clone());
        } else {
            task_defs.insert(name, item.clone());
        }
    }
    (workflows, task_defs)
}

/// Compiles every YAML file of a directory with the library stages (what `compile` does,
/// minus the refusal to write when a rule reports an error), as (relative JSON path, JSON).
fn compile_with_library(dir: &Path) -> Vec<(String, Value)> {
    let mut sources = SourceMap::new();
    let mut documents = Vec::new();
    for (relative, text) in read_tree(dir) {
        let file = sources.add(SourceFile::new(
            relative.clone(),
            dir.join(&relative),
            String::from_utf8_lossy(&text).into_owned(),
        ));
        let (parsed, diagnostics) = parse_file(file, sources.get(file));
        assert!(
            diagnostics.is_empty(),
            "{relative}: {:?}",
            diagnostics
                .iter()
                .map(|d| d.message().to_owned())
                .collect::<Vec<_>>()
        );
        documents.extend(parsed);
    }
    let mut compiled = Compiled::default();
    for document in &documents {
        assert!(lower_document(document, &mut compiled).is_empty());
    }
    let mut out = Vec::new();
    for workflow in &compiled.workflows {
        let path = format!(
            "workflows/{}.v{}.json",
            file_stem(&workflow.def.name),
            workflow.def.version.unwrap_or(1)
        );
        out.push((path, serde_json::to_value(&workflow.def).expect("json")));
    }
    for task_def in &compiled.task_defs {
        out.push((
            format!("taskdefs/{}.json", file_stem(&task_def.def.name)),
            serde_json::to_value(&task_def.def).expect("json"),
        ));
    }
    out
}

#[test]
fn every_corpus_file_round_trips_through_import_and_compile() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: no ../shared/corpus next to this checkout");
        return;
    };
    let files = corpus_files(&corpus);
    assert!(
        files.len() >= 128,
        "expected the whole corpus, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        let sandbox = Sandbox::new();
        let imported = sandbox.run(&[
            "import",
            file.to_str().expect("utf-8 path"),
            "--out",
            "first",
        ]);
        if imported.code != 0 {
            failures.push(format!("{name}: import failed:\n{}", imported.stderr));
            continue;
        }
        // import → compile → normalise equals normalise(original).
        let compiled = compile_with_library(&sandbox.path().join("first"));
        let (workflows, task_defs) = definitions(&original);
        let lookup = |path: &str| {
            compiled
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, v)| v.clone())
        };
        for ((workflow, version), def) in &workflows {
            let path = format!("workflows/{}.v{version}.json", file_stem(workflow));
            match lookup(&path) {
                Some(back) if normalize_workflow_def(&back) == normalize_workflow_def(def) => {}
                Some(_) => failures.push(format!(
                    "{name}: workflow {workflow} v{version} differs after the round trip"
                )),
                None => failures.push(format!("{name}: {path} was not compiled")),
            }
        }
        for (task_def, def) in &task_defs {
            let path = format!("taskdefs/{}.json", file_stem(task_def));
            match lookup(&path) {
                Some(back) if normalize_task_def(&back) == normalize_task_def(def) => {}
                Some(_) => failures.push(format!(
                    "{name}: task definition {task_def} differs after the round trip"
                )),
                None => failures.push(format!("{name}: {path} was not compiled")),
            }
        }
        // check reports no error, except for the genuinely broken definitions listed above;
        // where there is none, the binary's `compile` writes exactly what the library lowered.
        let expected: Vec<&str> = BROKEN_CORPUS_FILES
            .iter()
            .filter(|broken| broken.file == name)
            .map(|broken| broken.code)
            .collect();
        let report = sandbox.run(&["check", "--format", "json", "first"]).json();
        let mut errors: Vec<String> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|diagnostic| diagnostic["severity"] == "error")
            .map(|diagnostic| diagnostic["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        errors.dedup();
        if errors != expected {
            failures.push(format!(
                "{name}: check errors {errors:?}, expected {expected:?}"
            ));
        }
        if expected.is_empty() {
            let run = sandbox.run(&["compile", "first", "--out", "compiled_by_binary"]);
            let mut by_binary = read_tree(&sandbox.path().join("compiled_by_binary"));
            // The list of what compile wrote, for the next run to remove what is gone.
            by_binary.remove(".conductor-apply-compiled");
            let by_library: BTreeMap<String, Vec<u8>> = compiled
                .iter()
                .map(|(path, value)| {
                    let mut text = serde_json::to_string_pretty(value).expect("json");
                    text.push('\n');
                    (path.clone(), text.into_bytes())
                })
                .collect();
            if run.code != 0 || by_binary != by_library {
                failures.push(format!(
                    "{name}: `compile` differs from the library stages:\n{}",
                    run.stderr
                ));
            }
        }
        // compile → import → compile is a fixed point: the second import is byte-identical.
        for (path, value) in &compiled {
            let mut text = serde_json::to_string_pretty(value).expect("json");
            text.push('\n');
            sandbox.write(&format!("compiled/{path}"), text);
        }
        let again = sandbox.run(&["import", "compiled", "--out", "second"]);
        if again.code != 0 {
            failures.push(format!("{name}: second import failed:\n{}", again.stderr));
            continue;
        }
        if read_tree(&sandbox.path().join("first")) != read_tree(&sandbox.path().join("second")) {
            failures.push(format!("{name}: the second import differs from the first"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn representative_imports_read_as_hand_written() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipping: no ../shared/corpus next to this checkout");
        return;
    };
    for relative in [
        "python-sdk/workflows/order_fulfillment.json",
        "python-sdk/workflows/refund_request_model_fields.json",
        "conductor-oss/workflows/nested_fork_join_with_sub_workflow_integration_test.json",
    ] {
        let sandbox = Sandbox::new();
        let path = corpus.join(relative);
        let run = sandbox.run(&[
            "import",
            path.to_str().expect("utf-8"),
            "--out",
            "workflows",
        ]);
        assert_eq!(run.code, 0, "{relative}: {}", run.stderr);
        let mut snapshot = String::new();
        for (file, text) in read_tree(&sandbox.path().join("workflows")) {
            snapshot.push_str(&format!("=== {file}\n{}", String::from_utf8_lossy(&text)));
        }
        let name = Path::new(relative)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        insta::assert_snapshot!(format!("import_{name}"), snapshot);
    }
}

#[test]
fn server_list_responses_are_imported() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "workflows.json",
        r#"[{"createTime":1700000000000,"updateTime":0,"name":"a","version":1,"tasks":[{"name":"t","taskReferenceName":"t","inputParameters":{},"type":"SIMPLE","decisionCases":{},"defaultCase":[],"forkTasks":[],"startDelay":0,"joinOn":[],"optional":false,"defaultExclusiveJoinTask":[],"asyncComplete":false,"loopOver":[],"onStateChange":{},"permissive":false,"metadata":{}}],"inputParameters":[],"outputParameters":{},"schemaVersion":2,"restartable":true,"workflowStatusListenerEnabled":false,"ownerEmail":"a@example.com","timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,"variables":{},"inputTemplate":{},"enforceSchema":true,"metadata":{},"maskedFields":[]},
           {"name":"a","version":2,"ownerEmail":"a@example.com","tasks":[{"name":"t","taskReferenceName":"t"}]}]"#,
    );
    sandbox.write(
        "taskdefs.json",
        r#"[{"createTime":0,"updateTime":0,"createdBy":"","name":"t","retryCount":3,"timeoutSeconds":0,"inputKeys":[],"outputKeys":[],"runtimeMetadata":[],"timeoutPolicy":"TIME_OUT_WF","retryLogic":"FIXED","retryDelaySeconds":60,"responseTimeoutSeconds":3600,"inputTemplate":{},"rateLimitPerFrequency":0,"rateLimitFrequencyInSeconds":1,"backoffScaleFactor":1,"maxRetryDelaySeconds":0,"backoffJitterMs":0,"totalTimeoutSeconds":0,"taskStatusListenerEnabled":true,"enforceSchema":false,"ownerEmail":"a@example.com"},
           {"name":"unused","ownerEmail":"a@example.com"}]"#,
    );
    let run = sandbox.run(&["import", ".", "--out", "workflows"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tree = read_tree(&sandbox.path().join("workflows"));
    let files: Vec<&str> = tree.keys().map(String::as_str).collect();
    assert_eq!(files, ["a.yaml", "task-definitions.yaml"]);
    let a = String::from_utf8_lossy(&tree["a.yaml"]).into_owned();
    assert_eq!(
        a,
        "# yaml-language-server: $schema=../schemas/conductor-apply.schema.json\n\
         workflow: a\nversion: 1\nownerEmail: a@example.com\ntasks:\n  - ref: t\n    task: t\n\
         ---\n\
         workflow: a\nversion: 2\nownerEmail: a@example.com\ntasks:\n  - ref: t\n    task: t\n\
         ---\n\
         task: t\nownerEmail: a@example.com\n"
    );
    let check = sandbox.run(&["check", "workflows"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("CA"), "{}", check.stderr);
}

#[test]
fn what_the_server_would_lose_is_reported_at_its_json_position() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "wf.json",
        "{\n  \"name\": \"w\",\n  \"ownerEmail\": \"a@example.com\",\n  \"tasks\": [\n    {\"name\": \"t\", \"taskReferenceName\": \"t\", \"loopConditon\": \"x\"}\n  ],\n  \"restartable\": null\n}\n",
    );
    let run = sandbox.run(&["import", "--format", "json", "wf.json", "--out", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found: Vec<(String, String)> = found(&run.json())
        .into_iter()
        .map(|found| (found.code, found.at))
        .collect();
    assert_eq!(
        found,
        [
            ("CA801".to_owned(), "5:45".to_owned()),
            ("CA802".to_owned(), "7:18".to_owned())
        ]
    );
    let written = std::fs::read_to_string(sandbox.path().join("out/w.yaml")).expect("written");
    // The server stores `restartable: null` as false.
    assert!(written.contains("restartable: false"), "{written}");
    assert!(!written.contains("loopConditon"), "{written}");
}

#[test]
fn nothing_is_written_when_an_input_has_an_error() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "good.json",
        r#"{"name":"good","ownerEmail":"a@example.com"}"#,
    );
    sandbox.write("bad.json", r#"{"name":"bad","retryLogic":"SOMETIMES"}"#);
    let run = sandbox.run(&["import", ".", "--out", "out"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("CA804"), "{}", run.stderr);
    assert!(!sandbox.path().join("out").exists());
}

#[test]
fn every_import_code_has_examples_that_behave() {
    let mut problems = Vec::new();
    for &code in Code::ALL {
        let info = code.info();
        if info.removed || info.stage != Stage::Import {
            continue;
        }
        for example in info.examples() {
            let sandbox = Sandbox::new();
            sandbox.write("example.json", example.bytes());
            let run = sandbox.run(&["import", "--format", "json", "example.json", "--out", "out"]);
            let codes: Vec<String> = found(&run.json())
                .into_iter()
                .map(|found| found.code)
                .collect();
            match example.kind {
                ExampleKind::Fail if !codes.iter().any(|found| found == info.code) => {
                    problems.push(format!(
                        "{}: the failing example yields {codes:?}",
                        info.code
                    ));
                }
                ExampleKind::Pass if !codes.is_empty() => {
                    problems.push(format!(
                        "{}: the passing example yields {codes:?}",
                        info.code
                    ));
                }
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
