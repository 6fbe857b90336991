//! Writing any JSON value as YAML and reading it back gives the same value, key order included.
#![no_main]

use conductor_source::yaml::{parse_yaml, to_yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let text = to_yaml(&value);
    let parsed = parse_yaml(&text);
    assert!(parsed.problems.is_empty(), "{:?}\n{text}", parsed.problems);
    let back = parsed.documents.first().map(|d| d.value.clone()).unwrap_or(serde_json::Value::Null);
    assert_eq!(serde_json::to_string(&back).ok(), serde_json::to_string(&value).ok(), "\n{text}");
});
