//! Finding and reading source files on disk.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use conductor_source::{SourceError, discover, read_source};

/// A fresh directory under cargo's temporary directory for tests. It holds a `.git` directory
/// so that it is a repository of its own: the `.gitignore` files of the directories around
/// `target/` (which may well ignore `target/`) do not apply inside it.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

fn write(root: &Path, relative: &str, content: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// Runs `discover` and gives the paths relative to `root`, with forward slashes.
fn relative(root: &Path, roots: &[PathBuf]) -> Vec<String> {
    discover(roots)
        .unwrap()
        .iter()
        .map(|path| {
            path.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn walks_directories_for_yaml_files_honouring_gitignore_and_hidden() {
    let root = scratch("discover_walk");
    for file in [
        "b.yml",
        "a.yaml",
        "sub/deeper/c.YAML",
        "notes.txt",
        "data.json",
        ".hidden.yaml",
        ".config/x.yaml",
        "ignored/e.yaml",
        "sub/skip.yaml",
        "sub/keep.yaml",
    ] {
        write(&root, file, b"a: 1\n");
    }
    write(&root, ".gitignore", b"ignored/\n");
    write(&root, "sub/.gitignore", b"skip.yaml\n");
    assert_eq!(
        relative(&root, std::slice::from_ref(&root)),
        ["a.yaml", "b.yml", "sub/deeper/c.YAML", "sub/keep.yaml"]
    );
}

#[test]
fn file_roots_are_taken_as_they_are_and_results_are_deduplicated() {
    let root = scratch("discover_files");
    write(&root, "wf.json", b"{}");
    write(&root, "ignored.yaml", b"a: 1\n");
    write(&root, ".gitignore", b"ignored.yaml\n");
    let roots = [
        root.join("wf.json"),
        root.clone(),
        root.join("ignored.yaml"),
        root.join("wf.json"),
    ];
    assert_eq!(relative(&root, &roots), ["ignored.yaml", "wf.json"]);
}

#[test]
fn missing_root_is_an_error_naming_it() {
    let root = scratch("discover_missing");
    let missing = root.join("nope");
    let error = discover(std::slice::from_ref(&missing)).unwrap_err();
    assert!(matches!(&error, SourceError::NotFound { path } if *path == missing));
    assert_eq!(
        error.to_string(),
        format!("`{}` does not exist", missing.display())
    );
}

#[test]
fn read_source_keeps_the_text_and_rejects_non_utf8() {
    let root = scratch("read_source");
    write(&root, "ok.yaml", "名前: é\n".as_bytes());
    write(&root, "latin1.yaml", b"name: caf\xe9\n");
    let file = read_source(&root.join("ok.yaml"), "ok.yaml").unwrap();
    assert_eq!(file.text(), "名前: é\n");
    assert_eq!(file.name(), "ok.yaml");

    let error = read_source(&root.join("latin1.yaml"), "latin1.yaml").unwrap_err();
    assert!(matches!(error, SourceError::NotUtf8 { valid_up_to: 9, .. }));
    assert!(
        error
            .to_string()
            .ends_with("the file is not valid UTF-8 (invalid byte at offset 9)")
    );

    let error = read_source(&root.join("absent.yaml"), "absent.yaml").unwrap_err();
    assert!(matches!(error, SourceError::Read { .. }));
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn gitignore_files_of_parent_directories_apply_up_to_the_repository_root() {
    let outer = scratch("discover_parents");
    write(&outer, ".gitignore", b"generated/\nrepo/\n");
    write(&outer, "project/.gitignore", b"*.tmp.yaml\n");
    write(&outer, "project/workflows/a.yaml", b"a: 1\n");
    write(&outer, "project/workflows/b.tmp.yaml", b"a: 1\n");
    write(&outer, "project/workflows/generated/c.yaml", b"a: 1\n");
    // `outer` is the repository (see `scratch`): its rules apply below it.
    assert_eq!(
        relative(&outer, &[outer.join("project/workflows")]),
        ["project/workflows/a.yaml"]
    );
    // A nested repository is not governed by the outer one's `.gitignore`.
    fs::create_dir_all(outer.join("repo/.git")).unwrap();
    write(&outer, "repo/d.yaml", b"a: 1\n");
    assert_eq!(relative(&outer, &[outer.join("repo")]), ["repo/d.yaml"]);
}
