//! Measures what the checker adds to `check` on a generated tree of 1 000 workflows.
//!
//! Run with `cargo run -p conductor-check --release --example check_bench`. It generates 1 000
//! DSL files in memory (each a workflow of 14 tasks with about 40 `${...}` expressions, a
//! SWITCH, a FORK, a DO_WHILE, INLINE JavaScript, a jq program and a sub-workflow, plus a
//! task definition), then times each stage the way `check` runs them: parsing with schema
//! validation (on every core, as `check` does), lowering (one thread), and `check_project`
//! (every rule, the expression, script and cross-resource rules included; on every core). The
//! checker's share is `check_project` over the time of the stages before it; the budget is one
//! half.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use conductor_check::{Project, check_project};
use conductor_dsl::lower::{Compiled, lower_document};
use conductor_dsl::parse::parse_file;
use conductor_source::{SourceFile, SourceMap};

const WORKFLOWS: usize = 1_000;
const RUNS: usize = 7;

fn workflow(idx: usize) -> String {
    let child = if idx == 0 { 0 } else { idx - 1 };
    format!(
        r#"workflow: order_flow_{idx}
version: 1
ownerEmail: team-{idx}@example.com
description: Handles order {idx} from checkout to shipping.
inputs: [orderId, customerId, express, items]
tasks:
  - ref: fetch
    http:
      uri: https://api.example.com/orders/${{workflow.input.orderId}}
      method: GET
      headers:
        X-Trace: ${{workflow.workflowId}}
  - ref: customer
    task: load_customer_{idx}
    input:
      customerId: ${{workflow.input.customerId}}
      order: ${{fetch.output.response.body}}
  - ref: total
    inline:
      evaluatorType: graaljs
      expression: |
        (function () {{
          var sum = 0;
          for (var i = 0; i < $.items.length; i++) {{ sum += $.items[i].price; }}
          return {{ total: sum, currency: $.currency, label: `order $${{sum}}` }};
        }})()
    input:
      items: ${{fetch.output.response.body.items}}
      currency: ${{customer.output.currency}}
  - ref: route
    switch: ${{workflow.input.express}}
    cases:
      "true":
        - ref: express_quote
          http:
            uri: https://ship.example.com/express?order=${{workflow.input.orderId}}&total=${{total.output.result.total}}
            method: POST
            body:
              customer: ${{customer.output.name}}
              address: ${{customer.output.address}}
    default:
      - ref: standard_quote
        inline:
          expression: $.weight * 2
        input:
          weight: ${{fetch.output.response.body.weight}}
  - ref: checks
    fork:
      - - ref: fraud
          http:
            uri: https://fraud.example.com/check/${{workflow.input.customerId}}
            method: POST
            body: {{total: "${{total.output.result.total}}"}}
      - - ref: stock
          jq: "{{ available: [.items[] | select(.qty > 0)] | length }}"
          input:
            items: ${{fetch.output.response.body.items}}
  - ref: poll
    doWhile:
      condition: $.poll['iteration'] < 3 && $.check_status['done'] != true
      tasks:
        - ref: check_status
          http:
            uri: https://ship.example.com/status/${{workflow.input.orderId}}?attempt=${{poll.output.iteration}}
            method: GET
  - ref: remember
    setVariable:
      lastStatus: ${{check_status.output.response.body.status}}
  - ref: ship
    subWorkflow:
      name: order_flow_{child}
      version: 1
    input:
      orderId: ${{workflow.input.orderId}}
      fraud: ${{checks_join.output.fraud.response.statusCode}}
  - ref: notify
    http:
      uri: https://notify.example.com/orders
      method: POST
      body:
        order: ${{workflow.input.orderId}}
        status: ${{workflow.variables.lastStatus}}
        available: ${{stock.output.result.available}}
        child: ${{ship.output.subWorkflowId}}
output:
  total: ${{total.output.result.total}}
  status: ${{check_status.output.response.body.status}}
  customer: ${{customer.output.name}}
---
task: load_customer_{idx}
ownerEmail: team-{idx}@example.com
outputKeys: [name, address, currency]
"#
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = (0..WORKFLOWS)
        .map(|idx| {
            let name = format!("workflows/order_flow_{idx}.yaml");
            sources.add(SourceFile::new(name.clone(), name, workflow(idx)))
        })
        .collect();
    let bytes: usize = ids.iter().map(|&id| sources.get(id).text().len()).sum();

    let (mut parse, mut lower, mut check) = (Vec::new(), Vec::new(), Vec::new());
    let mut diagnostics_found = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut documents = Vec::new();
        let mut diagnostics = Vec::new();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parsed: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = ids
                .chunks(ids.len().div_ceil(workers))
                .map(|part| {
                    let sources = &sources;
                    scope.spawn(move || {
                        part.iter()
                            .map(|&id| parse_file(id, sources.get(id)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| handle.join().unwrap())
                .collect()
        });
        for (file_documents, file_diagnostics) in parsed {
            documents.extend(file_documents);
            diagnostics.extend(file_diagnostics);
        }
        parse.push(start.elapsed());

        let start = Instant::now();
        let mut compiled = Compiled::default();
        for document in &documents {
            diagnostics.extend(lower_document(document, &mut compiled));
        }
        lower.push(start.elapsed());

        let start = Instant::now();
        let project = Project::new(&sources, &documents, &compiled);
        diagnostics.extend(check_project(&project));
        check.push(start.elapsed());
        diagnostics_found = diagnostics.len();
    }
    let (parse, lower, check) = (median(parse), median(lower), median(check));
    let before = parse + lower;
    println!(
        "{WORKFLOWS} workflows, {:.1} MB, {diagnostics_found} diagnostics; median of {RUNS} runs on {} cores",
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("  parse + schema  {:>8.1} ms", parse.as_secs_f64() * 1e3);
    println!("  lower           {:>8.1} ms", lower.as_secs_f64() * 1e3);
    println!("  check_project   {:>8.1} ms", check.as_secs_f64() * 1e3);
    println!(
        "  the checker adds {:.0}% to the stages before it (budget: 50%)",
        check.as_secs_f64() / before.as_secs_f64() * 100.0
    );
}
