//! House rules checked as ordinary tests (rust-analyzer's tidy.rs): every Rust module starts
//! with a `//!` line, and no test is ignored or expected to panic.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') && name != "node_modules" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "crates", "fuzz", "benches", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let missing: Vec<String> = all_rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a `//!` line: {missing:#?}"
    );
}

#[test]
fn no_test_is_ignored_or_expected_to_panic() {
    let attributes = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    let offending: Vec<String> = all_rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            attributes.iter().any(|attribute| text.contains(attribute))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offending.is_empty(),
        "ignored or should_panic tests in: {offending:#?}"
    );
}
