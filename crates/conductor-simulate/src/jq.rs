//! JSON_JQ_TRANSFORM with jaq standing in for the server's jackson-jq: the program runs on the
//! task's input; `result` is its first output, `resultList` all of them.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

use crate::SimError;

/// Runs `program` on `input`; every output, in order.
pub fn run_jq(program: &str, input: &Value) -> Result<Vec<Value>, SimError> {
    let failure = |message: String| SimError::Jq { message };
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(
            &arena,
            File {
                code: program,
                path: (),
            },
        )
        .map_err(|errors| {
            failure(format!(
                "the jq program does not parse ({} errors)",
                errors.len()
            ))
        })?;
    let filter = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errors| {
            failure(format!(
                "the jq program does not compile ({} errors)",
                errors.len()
            ))
        })?;
    let text = input.to_string();
    let value = jaq_json::read::parse_single(text.as_bytes())
        .map_err(|error| failure(format!("the input is not JSON: {error}")))?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let mut out = Vec::new();
    for result in filter.id.run((ctx, value)).map(unwrap_valr) {
        let value = result.map_err(|error| failure(error.to_string()))?;
        let json: Value = serde_json::from_str(&value.to_string())
            .map_err(|error| failure(format!("jq gave a value that is not JSON: {error}")))?;
        out.push(json);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jq_runs_on_the_input() {
        let input = json!({"a": [1, 2], "b": "x"});
        assert_eq!(run_jq(".a | map(. * 2)", &input).unwrap(), [json!([2, 4])]);
        assert_eq!(run_jq(".a[]", &input).unwrap(), [json!(1), json!(2)]);
        assert!(run_jq(".a |", &input).is_err());
    }
}
