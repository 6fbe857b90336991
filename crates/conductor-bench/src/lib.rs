//! Benchmarks of conductor-apply: the inputs they run on and in-process timings.
//!
//! - [`generate`] makes a deterministic tree of DSL definition files shaped like real projects
//!   ([`generate::generate_tree`] with a [`generate::TreeSpec`]: a workflow count and a seed).
//!   `bench/check.sh` times `conductor-apply check` on 1,000 workflows; plan and apply
//!   benchmarks can reuse it at any size.
//! - [`corpus`] makes renamed copies of a corpus of real Conductor JSON (the shared corpus) as
//!   DSL files and JSON, the tree of real shapes beside the generated one.
//! - [`stages`] runs `check`'s stages one by one through the same library functions the CLI
//!   calls, and times each, to show where the time goes.
//! - [`lsp`] drives `conductor-apply lsp` as an editor would and times each edit from
//!   `didChange` to `publishDiagnostics` (`bench/lsp.sh`).
//!
//! The `conductor-bench` binary wraps both (`generate`, `stages`). Numbers are printed by it and
//! by the scripts under `bench/`; no test asserts a duration.
//!
//! ```
//! use conductor_bench::generate::{TreeSpec, generate_tree};
//!
//! let tree = generate_tree(&TreeSpec::new(10));
//! assert_eq!(tree.workflows, 10);
//! assert_eq!(tree, generate_tree(&TreeSpec::new(10)));
//! ```
//!
//! Knows nothing of the CLI's argument parsing, output formats or servers.

pub mod corpus;
pub mod generate;
pub mod lsp;
pub mod stages;

#[cfg(test)]
mod tests {
    use conductor_check::{Project, check_project};
    use conductor_diagnostics::{Diagnostic, Severity};
    use conductor_dsl::lower::{Compiled, lower_document};
    use conductor_dsl::parse::parse_file;
    use conductor_source::{SourceFile, SourceMap};

    use crate::generate::{TreeSpec, generate_tree};

    /// Every diagnostic `check` reports on a generated tree (in memory, as the CLI runs).
    fn check_tree(spec: TreeSpec) -> Vec<Diagnostic> {
        let tree = generate_tree(&spec);
        let mut sources = SourceMap::new();
        let ids: Vec<_> = tree
            .files
            .iter()
            .map(|file| sources.add(SourceFile::new(&*file.path, &*file.path, &*file.text)))
            .collect();
        let mut documents = Vec::new();
        let mut diagnostics = Vec::new();
        for &id in &ids {
            let (parsed, problems) = parse_file(id, sources.get(id));
            documents.extend(parsed);
            diagnostics.extend(problems);
        }
        let mut compiled = Compiled::default();
        for document in &documents {
            diagnostics.extend(lower_document(document, &mut compiled));
        }
        assert_eq!(compiled.workflows.len(), spec.workflows);
        assert_eq!(compiled.task_defs.len(), tree.task_defs);
        diagnostics.extend(check_project(&Project::new(
            &sources, &documents, &compiled,
        )));
        diagnostics
    }

    #[test]
    fn generated_trees_pass_check_without_errors() {
        for seed in [TreeSpec::DEFAULT_SEED, 1, 99] {
            let diagnostics = check_tree(TreeSpec {
                workflows: 150,
                seed,
            });
            let errors: Vec<String> = diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.severity() == Severity::Error)
                .map(|diagnostic| format!("{:?}: {}", diagnostic.code(), diagnostic.message()))
                .collect();
            assert!(errors.is_empty(), "seed {seed}: {errors:#?}");
            assert!(
                diagnostics.len() <= 2,
                "warnings are rare: {}",
                diagnostics.len()
            );
        }
    }

    #[test]
    fn time_stages_sees_every_file_of_a_tree() {
        let workflows = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
        let times = crate::stages::time_stages(&workflows).expect("workflows/ is readable");
        let files = conductor_source::discover(&[workflows]).expect("workflows/ is readable");
        let definitions = files
            .iter()
            .filter(|path| !path.to_string_lossy().contains(".test.y"))
            .count();
        assert_eq!(times.files, definitions);
        assert!(
            times.documents > times.files,
            "workflows/ has multi-document files"
        );
        assert_eq!(times.errors, 0, "workflows/ is clean");
        assert!(times.bytes > 0);
    }
}
