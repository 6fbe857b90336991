//! Regression tests for issue 12: `check` and `import` on real definitions written by others
//! (false errors, files that are not JSON-parsed as JSON, a project checked one file at a time).
//! Each test drives the binary in a sandbox.

mod common;

use common::{Found, Sandbox, found};

/// The `(code, line:column)` pairs of a `--format json` run.
fn codes_at(found: &[Found]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|found| (found.code.clone(), found.at.clone()))
        .collect()
}

/// A DO_WHILE's own `inputParameters` are resolved again each time the server evaluates the
/// loop condition, after the body ran (the shape of conductor-oss's cookbook agents): reading
/// the loop's output and its body's tasks there is not a read of a later task. Its `items`,
/// resolved once when the loop is scheduled, and the body's own inputs still are.
#[test]
fn issue_12_do_while_inputs_read_the_loop_and_its_body() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "agent.yaml",
        "\
workflow: research_agent
ownerEmail: team@example.com
inputs: [topic]
tasks:
  - ref: research_loop
    input:
      research_loop: ${research_loop.output}
      sufficient: ${review_coverage.output.result.sufficient}
    doWhile:
      condition: \"$.research_loop['iteration'] < 3 && !$.sufficient\"
      tasks:
        - ref: search
          task: web_search
          input:
            topic: ${workflow.input.topic}
        - ref: review_coverage
          inline:
            expression: \"({sufficient: $.found != null})\"
          input:
            found: ${search.output.results}
  - ref: each
    doWhile:
      items: ${per_item.output.result}
      tasks:
        - ref: per_item
          inline:
            expression: \"1\"
",
    );
    let run = sandbox.run(&["--format", "json", "check", "agent.yaml"]);
    let errors: Vec<_> = codes_at(&found(&run.json()))
        .into_iter()
        .filter(|(code, _)| code != "CA601")
        .collect();
    // Only `items`, resolved when the loop is scheduled, reads a task that has not run.
    assert_eq!(
        errors,
        vec![("CA405".to_owned(), "23:16".to_owned())],
        "{}",
        run.stdout
    );
}
