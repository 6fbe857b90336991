//! The tree generator: a seeded, byte-identical tree of DSL files shaped like real projects.
//!
//! The shape follows the definitions in the shared corpus (conductor-oss's test workflows and
//! the Python SDK's examples): mostly SIMPLE tasks, with SWITCH, FORK (and its JOIN), DO_WHILE,
//! SUB_WORKFLOW, HTTP, INLINE, JSON_JQ_TRANSFORM, WAIT, SET_VARIABLE and TERMINATE, a little
//! EVENT, HUMAN, dynamic fork and generic LLM tasks; nesting two levels deep; `${...}` inputs
//! that read the workflow's declared inputs and the outputs of tasks that ran before (each
//! SIMPLE task's outputs are its task definition's `outputKeys`). Every SIMPLE task has a task
//! definition, in a separate document: most in a `task-definitions.yaml` per directory, some
//! after the workflow that first uses them. One directory per business domain, one file per
//! workflow, a few in a `legacy/` subdirectory.
//!
//! Everything generated passes `conductor-apply check` without errors: a benchmark of broken
//! input would measure the error paths.

mod random;
mod vocabulary;
mod workflow;
mod yaml;

use std::io;
use std::path::Path;

pub use random::Random;

use vocabulary::{DOMAINS, VERBS};
use workflow::{Catalog, TaskDefPlan, WorkflowBuilder};
use yaml::{Yaml, write_document};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeSpec {
    /// How many workflows (each in its own file). 1,000 make about 2.5 MB of compiled JSON.
    pub workflows: usize,
    /// The seed: the same spec always gives byte-identical files.
    pub seed: u64,
}

impl TreeSpec {
    /// The seed the benchmarks use.
    pub const DEFAULT_SEED: u64 = 2026;

    /// A spec with the default seed.
    pub fn new(workflows: usize) -> TreeSpec {
        TreeSpec {
            workflows,
            seed: TreeSpec::DEFAULT_SEED,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the tree's root, with `/` separators.
    pub path: String,
    /// The YAML text.
    pub text: String,
}

/// A generated tree of definition files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// The files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// How many workflow documents the files hold.
    pub workflows: usize,
    /// How many task-definition documents the files hold.
    pub task_defs: usize,
    /// How many tasks the workflows hold, nested ones included (generated JOINs excluded).
    pub tasks: usize,
}

impl Tree {
    /// The total size of the YAML text in bytes.
    pub fn yaml_bytes(&self) -> usize {
        self.files.iter().map(|file| file.text.len()).sum()
    }

    /// Writes every file below `root`, creating directories as needed.
    pub fn write_to(&self, root: &Path) -> io::Result<()> {
        for file in &self.files {
            let path = root.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.text)?;
        }
        Ok(())
    }
}

/// How many workflows a domain directory holds at most before the next domain is opened.
const WORKFLOWS_PER_DOMAIN: usize = 50;

/// Generates the tree for a spec. Pure: the same spec gives the same tree.
pub fn generate_tree(spec: &TreeSpec) -> Tree {
    let mut random = Random::new(spec.seed);
    let n_domains = spec
        .workflows
        .div_ceil(WORKFLOWS_PER_DOMAIN)
        .clamp(1, DOMAINS.len());
    let domains = DOMAINS.get(..n_domains).unwrap_or(DOMAINS);

    // Task definitions first: each domain has a pool its workflows draw from.
    let mut catalog = Catalog::default();
    for (domain_idx, domain) in domains.iter().enumerate() {
        let workflows_here = spec.workflows / n_domains + 1;
        let pool = 8 + workflows_here * 3 / 4;
        let mut domain_random = random.fork(domain_idx as u64);
        let mut combinations: Vec<(&str, &str)> = Vec::new();
        for verb in VERBS {
            for noun in domain.nouns {
                combinations.push((verb, noun));
            }
        }
        for (verb, noun) in domain_random.sample(&combinations, pool) {
            let base = format!("{verb}_{noun}");
            let name = if catalog.task_def_named(&base) {
                format!("{}_{base}", domain.name)
            } else {
                base
            };
            if catalog.task_def_named(&name) {
                continue;
            }
            let fields = workflow::fields_of(domain);
            let n_inputs = domain_random.between(1, 5);
            let n_outputs = domain_random.between(1, 4);
            let input_keys: Vec<String> = domain_random
                .sample(&fields, n_inputs)
                .into_iter()
                .map(|field| (*field).to_owned())
                .collect();
            let output_keys: Vec<String> = domain_random
                .sample(domain.fields, n_outputs)
                .into_iter()
                .map(|field| (*field).to_owned())
                .collect();
            let document = workflow::task_def_document(
                &mut domain_random,
                &name,
                verb,
                noun,
                domain,
                &input_keys,
                &output_keys,
            );
            catalog.task_defs.push(TaskDefPlan {
                name,
                domain: domain_idx,
                input_keys,
                output_keys,
                document,
                home: None,
            });
        }
    }

    // Workflows, interleaved across domains so that sub-workflows can call any domain.
    let mut workflow_files: Vec<(String, usize, Yaml, String)> = Vec::new();
    let mut tasks = 0;
    for idx in 0..spec.workflows {
        let domain_idx = idx % n_domains;
        let domain = domains.get(domain_idx).unwrap_or(&DOMAINS[0]);
        let builder = WorkflowBuilder::new(random.fork(1000 + idx as u64), domain, domain_idx, idx);
        let built = builder.build(&mut catalog);
        tasks += built.tasks;
        let directory = if built.legacy {
            format!("{}/legacy", domain.name)
        } else {
            domain.name.to_owned()
        };
        let path = format!("{directory}/{}.yaml", built.file_stem);
        workflow_files.push((path, idx, built.document, built.header));
    }

    let mut files = Vec::new();
    for (path, idx, document, header) in &workflow_files {
        let mut text = String::new();
        text.push_str(header);
        write_document(&mut text, document);
        for task_def in catalog
            .task_defs
            .iter()
            .filter(|task_def| task_def.home == Some(*idx))
        {
            text.push_str("---\n");
            write_document(&mut text, &task_def.document);
        }
        files.push(GeneratedFile {
            path: path.clone(),
            text,
        });
    }
    for (domain_idx, domain) in domains.iter().enumerate() {
        let mut text = format!(
            "# Task definitions of the {} domain's workers, owned by {}@example.com.\n",
            domain.name, domain.team
        );
        let mut first = true;
        for task_def in catalog
            .task_defs
            .iter()
            .filter(|task_def| task_def.domain == domain_idx && task_def.home.is_none())
        {
            if !first {
                text.push_str("---\n");
            }
            first = false;
            write_document(&mut text, &task_def.document);
        }
        if !first {
            files.push(GeneratedFile {
                path: format!("{}/task-definitions.yaml", domain.name),
                text,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Tree {
        files,
        workflows: spec.workflows,
        task_defs: catalog.task_defs.len(),
        tasks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_spec_same_bytes() {
        let spec = TreeSpec::new(60);
        assert_eq!(generate_tree(&spec), generate_tree(&spec));
        let other = generate_tree(&TreeSpec { seed: 7, ..spec });
        assert_ne!(generate_tree(&spec).files, other.files);
    }

    #[test]
    fn size_follows_the_spec() {
        let small = generate_tree(&TreeSpec::new(20));
        let large = generate_tree(&TreeSpec::new(200));
        assert_eq!(small.workflows, 20);
        assert!(large.yaml_bytes() > 5 * small.yaml_bytes());
        assert!(
            large.files.len() > 200,
            "one file per workflow and per domain"
        );
        let paths: Vec<&str> = large.files.iter().map(|file| file.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(paths, sorted, "paths are sorted and distinct");
    }
}
