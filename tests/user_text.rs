//! Text users read stands on its own: no page, schema description, help text or README cites the
//! design note `conductor-contract.md` (or a `§` section of it), which users do not have. The
//! rule is said in words instead, or linked to the server's public documentation.
//!
//! Checked through the binary where the binary prints the text: every `explain` page and the code
//! list, `--help` and `-h` of the root command and of every subcommand (found by walking the
//! `Commands:` sections), every man page, and the DSL reference `docs` generates; and the
//! committed `schemas/` (`tests/schemas.rs` keeps them equal to what `schema` writes) and
//! README.md as files.

mod common;

use std::path::Path;

use common::{Sandbox, repo_root};

/// What a user-visible text must not contain, compared case-insensitively: a citation of the
/// contract note, or a section sign left over from one (`(§6.9)`).
const FORBIDDEN: [&str; 3] = ["contract §", "conductor-contract", "§"];

/// Every line of `text` that cites the contract note, as `WHERE:LINE: text`.
fn citations(place: &str, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let lower = line.to_lowercase();
            FORBIDDEN.iter().any(|forbidden| lower.contains(forbidden))
        })
        .map(|(index, line)| format!("{place}:{}: {}", index + 1, line.trim()))
        .collect()
}

/// Every file under `dir`, recursively, with its path relative to `dir`.
fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("read directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("under the directory")
                    .display()
                    .to_string();
                let text = std::fs::read_to_string(&path).expect("a text file");
                files.push((relative, text));
            }
        }
    }
    files.sort();
    files
}

/// The subcommand names listed in the `Commands:` section of a help text (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| line.trim_end() != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_citation_finder_flags_every_form_of_citation() {
    // Guards the test below against a matcher that finds nothing.
    let text = "fine\nsee (contract §6.2)\n(Contract §6.8.)\nas in ../shared/design/conductor-contract.md\nleft over (§6.9)\nthe server's contract";
    let found = citations("sample", text);
    assert_eq!(
        found,
        vec![
            "sample:2: see (contract §6.2)",
            "sample:3: (Contract §6.8.)",
            "sample:4: as in ../shared/design/conductor-contract.md",
            "sample:5: left over (§6.9)",
        ]
    );
}

#[test]
fn explain_pages_cite_no_design_note() {
    let sandbox = Sandbox::new();
    let list = sandbox.run(&["explain", "--list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let mut found = citations("explain --list", &list.stdout);
    let codes: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| word.len() == 5 && word.starts_with("CA"))
        .collect();
    assert!(
        codes.len() > 50,
        "`explain --list` lists the codes: {}",
        list.stdout
    );
    for code in codes {
        let page = sandbox.run(&["explain", code]);
        assert_eq!(page.code, 0, "explain {code}: {}", page.stderr);
        assert!(page.stdout.contains("## Why it matters"), "explain {code}");
        found.extend(citations(&format!("explain {code}"), &page.stdout));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn help_of_every_subcommand_and_the_man_pages_cite_no_design_note() {
    let sandbox = Sandbox::new();
    let mut found = Vec::new();
    let mut commands_seen = 0;
    let mut pending: Vec<Vec<String>> = vec![Vec::new()];
    while let Some(command) = pending.pop() {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
            args.push(flag);
            let run = sandbox.run(&args);
            assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
            found.extend(citations(&args.join(" "), &run.stdout));
            if flag == "--help" {
                for name in subcommands(&run.stdout) {
                    let mut child = command.clone();
                    child.push(name);
                    pending.push(child);
                }
            }
        }
        commands_seen += 1;
    }
    assert!(
        commands_seen >= 13,
        "every subcommand was visited ({commands_seen})"
    );
    let man = sandbox.run(&["man", "--out", "man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    let pages = files_under(&sandbox.path().join("man"));
    assert!(pages.len() >= 13, "a man page per command: {pages:?}");
    for (name, text) in pages {
        found.extend(citations(&format!("man/{name}"), &text));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_generated_reference_cites_no_design_note() {
    let sandbox = Sandbox::new();
    let workflows = repo_root().join("workflows");
    let run = sandbox.run(&[
        "docs",
        workflows.to_str().expect("utf-8 path"),
        "--out",
        "docs",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = files_under(&sandbox.path().join("docs"));
    assert!(
        pages.iter().any(|(name, _)| name.starts_with("reference")),
        "the docs hold the DSL reference: {:?}",
        pages.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    let found: Vec<String> = pages
        .iter()
        .flat_map(|(name, text)| citations(&format!("docs/{name}"), text))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn committed_schemas_and_the_readme_cite_no_design_note() {
    let root = repo_root();
    let mut found = Vec::new();
    let schemas = files_under(&root.join("schemas"));
    assert!(schemas.len() >= 7, "the committed schemas: {schemas:?}");
    for (name, text) in schemas {
        found.extend(citations(&format!("schemas/{name}"), &text));
    }
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    found.extend(citations("README.md", &readme));
    assert!(found.is_empty(), "{}", found.join("\n"));
}
