//! Renderer tests: a snapshot per format over every rendering case, determinism, schema
//! validation of the JSON and SARIF output, and spans that are wrong in every way.
//!
//! Snapshots are rendered without colour at width 100. After reviewing a changed snapshot,
//! accept it with `INSTA_UPDATE=always cargo test -p conductor-diagnostics`.

mod common;

use conductor_diagnostics::{
    Code, Diagnostic, HumanOptions, JsonOptions, SarifOptions, json_schema, render_github,
    render_human, render_json, render_sarif, sort_diagnostics, summary_line,
};
use conductor_source::SourceMap;
use serde_json::Value;

/// The official SARIF 2.1.0 schema; see `tests/fixtures/README.md` for its source and
/// licence. `include_str!` makes a missing file a compile error, not a passing test.
const SARIF_SCHEMA: &str = include_str!("fixtures/sarif-schema-2.1.0.json");

fn human(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    render_human(diagnostics, map, &HumanOptions::default())
}

fn json(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    render_json(
        diagnostics,
        map,
        &JsonOptions {
            files_checked: map.len(),
            pretty: true,
        },
    )
}

fn sarif(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    render_sarif(
        diagnostics,
        map,
        &SarifOptions {
            tool_version: Some("0.1.0".to_string()),
            information_uri: Some("https://example.com/conductor-apply".to_string()),
        },
    )
}

/// Every format of the same diagnostics, for the tests that treat formats alike.
fn all_formats(diagnostics: &[Diagnostic], map: &SourceMap) -> Vec<(&'static str, String)> {
    vec![
        ("human", human(diagnostics, map)),
        (
            "human-color",
            render_human(
                diagnostics,
                map,
                &HumanOptions {
                    color: true,
                    width: 60,
                },
            ),
        ),
        ("json", json(diagnostics, map)),
        ("github", render_github(diagnostics, map)),
        ("sarif", sarif(diagnostics, map)),
    ]
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&sarif_schema_text()).expect("the SARIF schema is JSON");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json",
        "the fixture is the OASIS SARIF 2.1.0 schema"
    );
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // Draft-07 validates formats (`uri`, `uri-reference`, `date-time`) by default.
    jsonschema::options()
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// The fixture with one known defect repaired. The official schema's `language` pattern
/// (`run.language`, `toolComponent.language`) has a stray `]`:
/// `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`. ECMAScript accepts it, but jsonschema checks
/// every `pattern` against its `regex` format while compiling the schema and rejects it. We
/// never write `language`, so replacing it with the intended `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`
/// changes nothing that our output is checked against.
fn sarif_schema_text() -> String {
    const DEFECT: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    const REPAIRED: &str = r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#;
    assert_eq!(
        SARIF_SCHEMA.matches(DEFECT).count(),
        2,
        "the fixture changed: review the `language` pattern repair"
    );
    SARIF_SCHEMA.replace(DEFECT, REPAIRED)
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is invalid:\n{}",
        errors.join("\n")
    );
}

#[test]
fn human_snapshot() {
    let cases = common::cases();
    let mut text = human(&cases.diagnostics, &cases.map);
    text.push_str(&summary_line(&cases.diagnostics, cases.map.len()));
    text.push('\n');
    insta::assert_snapshot!("human", text);
}

#[test]
fn json_snapshot() {
    let cases = common::cases();
    insta::assert_snapshot!("json", json(&cases.diagnostics, &cases.map));
}

#[test]
fn github_snapshot() {
    let cases = common::cases();
    insta::assert_snapshot!("github", render_github(&cases.diagnostics, &cases.map));
}

#[test]
fn sarif_snapshot() {
    let cases = common::cases();
    let mut log: Value =
        serde_json::from_str(&sarif(&cases.diagnostics, &cases.map)).expect("SARIF is JSON");
    // The rules are the whole catalogue (checked entry by entry in
    // `sarif_rules_carry_the_catalogue`); the snapshot keeps the shape of the first one, so
    // that adding a code elsewhere does not change it.
    if let Some(rules) = log["runs"][0]["tool"]["driver"]["rules"].as_array_mut() {
        rules.truncate(1);
        for rule in rules {
            let placeholder = format!("<explanations/{}.md>", rule["id"].as_str().unwrap_or(""));
            for key in ["fullDescription", "help"] {
                rule[key]["text"] = Value::String(placeholder.clone());
                rule[key]["markdown"] = Value::String(placeholder.clone());
            }
        }
    }
    let text = serde_json::to_string_pretty(&log).expect("a Value serialises");
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn sarif_rules_carry_the_catalogue() {
    let cases = common::cases();
    let log: Value =
        serde_json::from_str(&sarif(&cases.diagnostics, &cases.map)).expect("SARIF is JSON");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules is an array");
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        let info = code.info();
        assert_eq!(rule["id"], info.code);
        assert_eq!(rule["name"], info.name);
        assert_eq!(rule["shortDescription"]["text"], info.summary);
        assert_eq!(rule["help"]["markdown"], info.explanation);
    }
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_output_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    for cases in [common::cases(), common::broken_spans()] {
        let log: Value =
            serde_json::from_str(&sarif(&cases.diagnostics, &cases.map)).expect("SARIF is JSON");
        assert_valid(&validator, &log, "the SARIF log");
    }
    let empty: Value = serde_json::from_str(&render_sarif(
        &[],
        &SourceMap::new(),
        &SarifOptions::default(),
    ))
    .expect("SARIF is JSON");
    assert_valid(&validator, &empty, "an empty SARIF log");
}

#[test]
fn sarif_validation_rejects_an_invalid_log() {
    // Guards the guard: a validator that accepted anything would make the test above useless.
    let validator = sarif_validator();
    let invalid = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(
        !validator.is_valid(&invalid),
        "a run without `tool` is invalid"
    );
    // Formats are checked too, so a file name that is not a URI reference would be caught.
    let bad_uri = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "conductor-apply"}},
            "results": [{
                "message": {"text": "m"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b%zz.yaml"}}}]
            }]
        }]
    });
    assert!(
        !validator.is_valid(&bad_uri),
        "`a b%zz.yaml` is not a URI reference"
    );
}

#[test]
fn json_output_is_valid_against_its_schema() {
    let schema = json_schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the JSON output schema compiles");
    for cases in [common::cases(), common::broken_spans()] {
        let document: Value =
            serde_json::from_str(&json(&cases.diagnostics, &cases.map)).expect("JSON output");
        assert_valid(&validator, &document, "the JSON document");
    }
    let compact = render_json(&[], &SourceMap::new(), &JsonOptions::default());
    assert_eq!(
        compact,
        "{\"version\":1,\"diagnostics\":[],\"summary\":{\"errors\":0,\"warnings\":0,\"notes\":0,\"files_with_problems\":0,\"files_checked\":0}}\n"
    );
    assert!(validator.is_valid(&serde_json::from_str(&compact).expect("JSON output")));
}

#[test]
fn json_schema_snapshot() {
    let text = serde_json::to_string_pretty(&json_schema()).expect("a Value serialises");
    insta::assert_snapshot!("json_schema", text);
}

#[test]
fn output_does_not_depend_on_input_order() {
    let cases = common::cases();
    let mut reversed = cases.diagnostics.clone();
    reversed.reverse();
    let mut sorted = cases.diagnostics.clone();
    sort_diagnostics(&mut sorted);
    let expected = all_formats(&cases.diagnostics, &cases.map);
    assert_eq!(all_formats(&reversed, &cases.map), expected);
    assert_eq!(all_formats(&sorted, &cases.map), expected);
}

#[test]
fn colour_is_on_only_when_asked_for() {
    let cases = common::cases();
    let plain = human(&cases.diagnostics, &cases.map);
    assert!(!plain.contains('\u{1b}'), "no escapes without colour");
    let coloured = render_human(
        &cases.diagnostics,
        &cases.map,
        &HumanOptions {
            color: true,
            width: 100,
        },
    );
    assert!(coloured.contains("\u{1b}["), "ANSI escapes with colour");
    for width in [0, 1, 10] {
        let narrow = render_human(
            &cases.diagnostics,
            &cases.map,
            &HumanOptions {
                color: false,
                width,
            },
        );
        assert!(narrow.contains("CA102 duplicate-key"), "width {width}");
    }
}

#[test]
fn columns_count_characters() {
    let cases = common::cases();
    let inf = cases
        .diagnostics
        .iter()
        .find(|diag| diag.message().starts_with("`.inf`"))
        .expect("the non-ASCII case");
    let one = std::slice::from_ref(inf);
    // `retry: {count: 名前, delay: .inf}`: `.inf` is the 27th character and the 31st byte.
    let header = format!("╭─[{}:3:27]", common::UNICODE_NAME);
    assert!(human(one, &cases.map).contains(&header));
    assert!(render_github(one, &cases.map).contains(
        "file=workflows/café%3A v2%2C 100%25.yaml,line=3,col=27,endLine=3,endColumn=31,"
    ));
    let document: Value = serde_json::from_str(&json(one, &cases.map)).expect("JSON output");
    assert_eq!(
        document["diagnostics"][0]["location"]["start"]["column"],
        27
    );
    let log: Value = serde_json::from_str(&sarif(one, &cases.map)).expect("SARIF output");
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 27);
    assert_eq!(region["charLength"], 4);
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "workflows/caf%C3%A9%3A%20v2%2C%20100%25.yaml"
    );
}

#[test]
fn broken_spans_never_panic_and_render_every_diagnostic() {
    let cases = common::broken_spans();
    for (format, text) in all_formats(&cases.diagnostics, &cases.map) {
        for diag in &cases.diagnostics {
            // Formats escape control characters each in their own way; compare what precedes
            // the first one.
            let plain: String = diag
                .message()
                .chars()
                .take_while(|c| !c.is_control())
                .collect();
            assert!(text.contains(&plain), "{format} lost `{plain}`:\n{text}");
        }
    }
    insta::assert_snapshot!("broken_spans_human", human(&cases.diagnostics, &cases.map));
}

#[test]
fn human_output_shows_no_control_characters_from_the_input() {
    let cases = common::broken_spans();
    let text = human(&cases.diagnostics, &cases.map);
    for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!text.contains(c), "{c:?} reached the terminal:\n{text}");
    }
    assert!(
        text.contains("x?y?[2J???z"),
        "each byte of them shows as `?`:\n{text}"
    );
}

#[test]
fn every_span_of_every_file_renders_in_every_format() {
    let cases = common::broken_spans();
    let diagnostics = common::span_sweep(&cases.map);
    let validator = sarif_validator();
    for (format, text) in all_formats(&diagnostics, &cases.map) {
        assert!(!text.is_empty(), "{format}");
        if format == "sarif" {
            let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
            assert_valid(&validator, &log, "the swept SARIF log");
        }
    }
}

#[test]
fn no_diagnostics_render_as_nothing() {
    let map = SourceMap::new();
    assert_eq!(human(&[], &map), "");
    assert_eq!(render_github(&[], &map), "");
    assert_eq!(summary_line(&[], 12), "no problems found in 12 files");
}
