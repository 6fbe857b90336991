//! Every explanation page's examples through the binary (style.md §4, rustc's
//! `compile_fail,E0004`): a `yaml fail` example yields its code and no other, a `yaml pass`
//! example yields no diagnostic at all.

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use conductor_diagnostics::{Code, ExampleKind};
use serde_json::Value;

fn codes_reported(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("example.yaml");
    std::fs::write(&path, bytes).expect("write the example");
    let output = Command::cargo_bin("conductor-apply")
        .expect("binary")
        .current_dir(dir.path())
        .args(["--format", "json", "check", "example.yaml"])
        .output()
        .expect("run");
    let document: Value = serde_json::from_slice(&output.stdout).expect("json output");
    document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn every_example_yields_exactly_its_code() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        let info = code.info();
        if info.removed {
            continue;
        }
        for example in info.examples() {
            let reported = codes_reported(&example.bytes());
            let ok = match example.kind {
                ExampleKind::Fail => {
                    !reported.is_empty() && reported.iter().all(|found| found == info.code)
                }
                ExampleKind::Pass => reported.is_empty(),
            };
            if !ok {
                failures.push(format!(
                    "{} {:?} example reported {reported:?}",
                    info.code, example.kind
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
