//! `conductor-bench`: generates benchmark trees and times `check`'s stages in-process.
//!
//! ```text
//! conductor-bench generate --workflows 1000 --out DIR    write the tree (deterministic)
//! conductor-bench stages DIR --runs 5                    per-stage times, one process per run
//! conductor-bench time --runs 10 -- CMD ARGS...          wall time of a command: median, min
//! conductor-bench lsp --server BIN DIR --runs 20         `BIN lsp`: didChange to diagnostics
//! ```

// A developer tool whose job is to print numbers, like the root package.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use conductor_bench::generate::{TreeSpec, generate_tree};
use conductor_bench::stages::{STAGE_NAMES, StageTimes, time_stages};

/// The allocator conductor-apply uses, so that stage times are those of the CLI.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(about = "Benchmark inputs and in-process timings for conductor-apply")]
struct Arguments {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes a generated tree of definitions (byte-identical for the same arguments).
    Generate {
        /// How many workflows.
        #[arg(long, default_value_t = 1000)]
        workflows: usize,
        /// The seed.
        #[arg(long, default_value_t = TreeSpec::DEFAULT_SEED)]
        seed: u64,
        /// The directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes renamed copies of a corpus of Conductor JSON until they hold `--workflows`
    /// workflows: DSL files under `OUT/yaml`, the renamed JSON under `OUT/json`.
    Corpus {
        /// The corpus directory (`../shared/corpus`).
        #[arg(long)]
        corpus: PathBuf,
        /// How many workflows.
        #[arg(long, default_value_t = 1000)]
        workflows: usize,
        /// The directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Times each stage of `check` on a tree, one fresh process per run (as the CLI pays the
    /// schema compilation once per process), and prints the median and minimum of each.
    Stages {
        /// The tree to check.
        dir: PathBuf,
        /// How many runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Run once in this process and print the raw times (used by the runs).
        #[arg(long, hide = true)]
        once: bool,
    },
    /// Starts `SERVER lsp` in a tree, opens one workflow file and times edits that break and
    /// fix a `${...}` in it, from `didChange` to `publishDiagnostics`.
    Lsp {
        /// The conductor-apply binary.
        #[arg(long)]
        server: PathBuf,
        /// The tree (the project).
        dir: PathBuf,
        /// How many break-and-fix pairs of edits.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// The server's debounce interval, in milliseconds.
        #[arg(long, default_value_t = 0)]
        debounce_ms: u64,
    },
    /// Runs a command several times (after warm-up runs, output discarded) and prints the
    /// median and minimum wall time in nanoseconds: `MEDIAN MIN`. Fails if a run fails.
    Time {
        /// Measured runs.
        #[arg(long, default_value_t = 10)]
        runs: usize,
        /// Unmeasured runs first, so that files and binaries are in the page cache.
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        /// The command and its arguments.
        #[arg(required = true, last = true)]
        command: Vec<String>,
    },
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    match run(arguments.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("conductor-bench: {message}");
            ExitCode::from(3)
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Generate {
            workflows,
            seed,
            out,
        } => {
            let tree = generate_tree(&TreeSpec { workflows, seed });
            tree.write_to(&out)
                .map_err(|error| format!("writing `{}`: {error}", out.display()))?;
            println!(
                "generated {} workflows ({} tasks) and {} task definitions in {} files, {} bytes of YAML, into {}",
                tree.workflows,
                tree.tasks,
                tree.task_defs,
                tree.files.len(),
                tree.yaml_bytes(),
                out.display()
            );
            Ok(())
        }
        Command::Corpus {
            corpus,
            workflows,
            out,
        } => {
            let copies = conductor_bench::corpus::corpus_copies(&corpus, workflows)
                .map_err(|e| e.to_string())?;
            copies
                .write_to(&out)
                .map_err(|error| format!("writing `{}`: {error}", out.display()))?;
            println!(
                "copied {} workflows in {} JSON files into {} DSL files, {} bytes of YAML ({} import problems), into {}",
                copies.workflows,
                copies.json.len(),
                copies.yaml.len(),
                copies.yaml_bytes(),
                copies.problems,
                out.display()
            );
            Ok(())
        }
        Command::Stages {
            dir, once: true, ..
        } => {
            let times = time_stages(&dir).map_err(|error| error.to_string())?;
            let nanos: Vec<String> = times
                .stages
                .iter()
                .map(|stage| stage.as_nanos().to_string())
                .collect();
            println!(
                "{} {} {} {} {} {}",
                nanos.join(","),
                times.files,
                times.documents,
                times.bytes,
                times.diagnostics,
                times.errors
            );
            Ok(())
        }
        Command::Stages { dir, runs, .. } => stages_report(&dir, runs.max(1)),
        Command::Lsp {
            server,
            dir,
            runs,
            debounce_ms,
        } => {
            let dir = std::fs::canonicalize(&dir)
                .map_err(|error| format!("reading `{}`: {error}", dir.display()))?;
            let times = conductor_bench::lsp::time_lsp(&server, &dir, runs.max(1), debounce_ms)?;
            let edits = times.edits.len();
            let minimum = times.edits.iter().min().copied().unwrap_or_default();
            let maximum = times.edits.iter().max().copied().unwrap_or_default();
            let mut sorted = times.edits.clone();
            sorted.sort_unstable();
            let p90 = sorted
                .get(sorted.len() * 9 / 10)
                .copied()
                .unwrap_or_default();
            println!(
                "edited: {}",
                times
                    .file
                    .strip_prefix(&dir)
                    .unwrap_or(&times.file)
                    .display()
            );
            println!(
                "startup (initialize to the first answer, the whole project checked): {}",
                milliseconds(times.startup)
            );
            println!(
                "didChange to publishDiagnostics, debounce {debounce_ms} ms, {edits} edits: median {}, min {}, p90 {}, max {}",
                milliseconds(median(times.edits)),
                milliseconds(minimum),
                milliseconds(p90),
                milliseconds(maximum)
            );
            println!("the server's account of its last checks:");
            let last = times.server_log.len().saturating_sub(4);
            for line in times.server_log.get(last..).unwrap_or_default() {
                println!("  {line}");
            }
            Ok(())
        }
        Command::Time {
            runs,
            warmup,
            command,
        } => {
            let (median, minimum) = time_command(&command, runs.max(1), warmup)?;
            println!("{} {}", median.as_nanos(), minimum.as_nanos());
            Ok(())
        }
    }
}

/// Wall times of `runs` runs of a command, after `warmup` runs: the median and the minimum.
fn time_command(
    command: &[String],
    runs: usize,
    warmup: usize,
) -> Result<(Duration, Duration), String> {
    let (program, arguments) = command.split_first().ok_or("no command given")?;
    let mut samples = Vec::with_capacity(runs);
    for run in 0..warmup + runs {
        let started = std::time::Instant::now();
        let status = std::process::Command::new(program)
            .args(arguments)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|error| format!("running `{program}`: {error}"))?;
        let elapsed = started.elapsed();
        if !status.success() {
            return Err(format!("`{}` failed: {status}", command.join(" ")));
        }
        if run >= warmup {
            samples.push(elapsed);
        }
    }
    let minimum = samples.iter().min().copied().unwrap_or_default();
    Ok((median(samples), minimum))
}

/// Runs `--once` in `runs` fresh processes and prints a table of medians and minimums.
fn stages_report(dir: &std::path::Path, runs: usize) -> Result<(), String> {
    let executable =
        std::env::current_exe().map_err(|error| format!("finding this executable: {error}"))?;
    let mut samples: Vec<StageTimes> = Vec::new();
    for _ in 0..runs {
        let output = std::process::Command::new(&executable)
            .arg("stages")
            .arg(dir)
            .arg("--once")
            .output()
            .map_err(|error| format!("running `{}`: {error}", executable.display()))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        samples.push(parse_once(&String::from_utf8_lossy(&output.stdout))?);
    }
    let first = samples.first().ok_or("no run")?;
    println!(
        "check stages in one process, one thread ({} files, {} documents, {} bytes of YAML; {} diagnostics, {} errors; {runs} runs)",
        first.files, first.documents, first.bytes, first.diagnostics, first.errors
    );
    println!(
        "{:<30} {:>10} {:>10} {:>7}",
        "stage", "median", "min", "share"
    );
    let medians: Vec<Duration> = (0..STAGE_NAMES.len())
        .map(|stage| median(samples.iter().map(|sample| sample.stages[stage]).collect()))
        .collect();
    let total: Duration = medians.iter().sum();
    for (stage, name) in STAGE_NAMES.iter().enumerate() {
        let minimum = samples
            .iter()
            .map(|sample| sample.stages[stage])
            .min()
            .unwrap_or_default();
        let share = if total.is_zero() {
            0.0
        } else {
            medians[stage].as_secs_f64() / total.as_secs_f64() * 100.0
        };
        println!(
            "{name:<30} {:>10} {:>10} {share:>6.1}%",
            milliseconds(medians[stage]),
            milliseconds(minimum)
        );
    }
    let totals: Vec<Duration> = samples
        .iter()
        .map(|sample| sample.stages.iter().sum())
        .collect();
    println!(
        "{:<30} {:>10} {:>10}",
        "total",
        milliseconds(median(totals.clone())),
        milliseconds(totals.iter().min().copied().unwrap_or_default())
    );
    Ok(())
}

fn parse_once(line: &str) -> Result<StageTimes, String> {
    let bad = || format!("unexpected output of a run: `{}`", line.trim());
    let mut fields = line.split_whitespace();
    let mut stages = [Duration::ZERO; 9];
    let nanos: Vec<u64> = fields
        .next()
        .ok_or_else(bad)?
        .split(',')
        .map(|nanos| nanos.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if nanos.len() != stages.len() {
        return Err(bad());
    }
    for (stage, nanos) in stages.iter_mut().zip(nanos) {
        *stage = Duration::from_nanos(nanos);
    }
    let mut number =
        || -> Result<usize, String> { fields.next().ok_or_else(bad)?.parse().map_err(|_| bad()) };
    Ok(StageTimes {
        stages,
        files: number()?,
        documents: number()?,
        bytes: number()?,
        diagnostics: number()?,
        errors: number()?,
    })
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn milliseconds(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}
