//! Measures `parse_yaml` on about 1 MB of generated workflow definitions.
//!
//! Run with `cargo run -p conductor-source --release --example parse_bench`. It prints the
//! throughput for 1 000 small files (the `check` workload) and for one large file, next to
//! saphyr's bare event stream as a baseline.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use conductor_source::yaml::parse_yaml;

/// One workflow file of about 1 KB: mappings, sequences, quoted strings with `${…}`, a literal
/// block scalar (an INLINE script), a folded description, some non-ASCII text.
fn workflow(idx: usize) -> String {
    let mut out = format!(
        "name: order_flow_{idx}\n\
         description: >\n  Handles order {idx} from checkout to shipping,\n  \
         with retries and compensation. Café ☕\n\
         version: {version}\n\
         schemaVersion: 2\n\
         ownerEmail: \"team-{idx}@example.com\"\n\
         inputParameters: [orderId, customerId, 'amount']\n\
         tasks:\n",
        version = idx % 7 + 1
    );
    for task in 0..2 {
        out.push_str(&format!(
            "  - name: fetch_{task}\n    \
               taskReferenceName: fetch_{task}_ref\n    \
               type: HTTP\n    \
               optional: {optional}\n    \
               inputParameters:\n      \
                 http_request:\n        \
                   uri: \"https://api.example.com/orders/${{workflow.input.orderId}}/items?page={task}\"\n        \
                   method: GET\n        \
                   headers: {{Accept: application/json, X-Trace: '${{workflow.workflowId}}'}}\n        \
                   connectionTimeOut: 3000\n",
            optional = task % 2 == 0,
        ));
    }
    out.push_str(
        "  - name: total\n    \
           taskReferenceName: total_ref\n    \
           type: INLINE\n    \
           inputParameters:\n      \
             evaluatorType: graaljs\n      \
             items: ${fetch_0_ref.output.response.body.items}\n      \
             expression: |\n        \
               function total() {\n          \
                 var sum = 0;\n          \
                 for (var i = 0; i < $.items.length; i++) {\n            \
                   sum += $.items[i].price * $.items[i].qty;\n          \
                 }\n          \
                 return sum;\n        \
               }\n        \
               total();\n\
         outputParameters:\n  \
           total: ${total_ref.output.result}\n  \
           status: \"done\"\n",
    );
    out
}

/// Runs `run` over every text, `iterations` times, keeping every result alive until the end of
/// an iteration (as `check` keeps every file's tree), and reports the best time.
fn measure<T>(label: &str, texts: &[String], iterations: usize, run: impl Fn(&str) -> (usize, T)) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut best = Duration::MAX;
    let mut checksum = 0;
    for _ in 0..iterations {
        let started = Instant::now();
        let mut kept = Vec::with_capacity(texts.len());
        for text in texts {
            let (sum, result) = run(text);
            checksum += sum;
            kept.push(result);
        }
        best = best.min(started.elapsed());
        drop(kept);
    }
    let megabytes = bytes as f64 / 1_000_000.0;
    println!(
        "{label:<44} {:>5} file(s), {megabytes:.2} MB: best {:>6.2} ms, {:>6.1} MB/s (checksum {checksum})",
        texts.len(),
        best.as_secs_f64() * 1000.0,
        megabytes / best.as_secs_f64(),
    );
}

fn main() {
    let files: Vec<String> = (0..1000).map(workflow).collect();
    let one_file = vec![files.concat().replace("\nname: ", "\n---\nname: ")];
    let events = |text: &str| {
        let count = saphyr_parser::Parser::new_from_str(text)
            .map(|event| usize::from(event.is_ok()))
            .sum();
        (count, ())
    };
    let parse = |text: &str| {
        let parsed = parse_yaml(text);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        (parsed.documents.len(), parsed)
    };
    measure(
        "saphyr events only (baseline), 1000 files",
        &files,
        10,
        events,
    );
    measure("parse_yaml, 1000 files", &files, 10, parse);
    measure(
        "saphyr events only (baseline), one file",
        &one_file,
        10,
        events,
    );
    measure(
        "parse_yaml, one file of 1000 documents",
        &one_file,
        10,
        parse,
    );
    let ascii: Vec<String> = one_file.iter().map(|t| t.replace("é ☕", "e")).collect();
    measure("parse_yaml, one file, ASCII only", &ascii, 10, parse);
}
