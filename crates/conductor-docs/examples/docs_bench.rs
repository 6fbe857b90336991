//! Measures `generate` on the shared corpus (Conductor JSON from the server's tests and the
//! Python SDK), and optionally writes the pages for a look.
//!
//! Run from the repository root with
//! `cargo run -p conductor-docs --release --example docs_bench -- [CORPUS] [--out DIR]`
//! (CORPUS defaults to `../shared/corpus`). It prints the number of definitions and pages, the
//! bytes generated, and the time per run of the catalogue, of the reference and of both.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use conductor_docs::{Definitions, catalogue::catalogue, generate, reference::dsl_reference};
use conductor_model::{TaskDef, WorkflowDef};

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path) -> Vec<T> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
        .iter()
        .filter(|file| file.extension().is_some_and(|ext| ext == "json"))
        .map(|file| serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap())
        .collect()
}

fn time<T>(runs: u32, mut work: impl FnMut() -> T) -> (T, f64) {
    let mut result = work();
    let start = Instant::now();
    for _ in 0..runs {
        result = work();
    }
    (
        result,
        start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .iter()
        .position(|arg| arg == "--out")
        .and_then(|idx| args.get(idx + 1))
        .map(PathBuf::from);
    let corpus = args
        .iter()
        .find(|arg| !arg.starts_with("--") && Some(PathBuf::from(arg.as_str())) != out)
        .map_or_else(|| PathBuf::from("../shared/corpus"), PathBuf::from);
    let mut workflows: Vec<WorkflowDef> = Vec::new();
    let mut task_defs: Vec<TaskDef> = Vec::new();
    for source in ["conductor-oss", "python-sdk"] {
        workflows.extend(read_json(&corpus.join(source).join("workflows")));
        task_defs.extend(read_json(&corpus.join(source).join("taskdefs")));
    }
    assert!(
        !workflows.is_empty(),
        "no workflows under {}",
        corpus.display()
    );
    let definitions = Definitions::new(
        workflows.iter().map(|def| (def, None)).collect(),
        task_defs.iter().map(|def| (def, None)).collect(),
    );
    let schema = conductor_dsl::schema::dsl_schema();
    let runs = 20;
    let (catalogue_pages, catalogue_ms) = time(runs, || catalogue(&definitions));
    let (reference_pages, reference_ms) = time(runs, || dsl_reference(&schema));
    let (pages, total_ms) = time(runs, || generate(&schema, &definitions));
    let bytes: usize = pages.iter().map(|page| page.content.len()).sum();
    println!(
        "{} workflows, {} task definitions -> {} pages ({} catalogue, {} reference), {:.1} KiB",
        workflows.len(),
        task_defs.len(),
        pages.len(),
        catalogue_pages.len(),
        reference_pages.len(),
        bytes as f64 / 1024.0
    );
    println!(
        "catalogue {catalogue_ms:.2} ms, reference {reference_ms:.2} ms, generate {total_ms:.2} ms (mean of {runs} runs)"
    );
    if let Some(out) = out {
        for page in &pages {
            let path = out.join(&page.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &page.content).unwrap();
        }
        println!("wrote {} pages into {}", pages.len(), out.display());
    }
}
