//! JavaScript as the server runs it (contract §6.12): the script is a program whose completion
//! value is the result, `$` is its only binding, and it has 4 seconds. QuickJS (ES2020) stands
//! in for GraalJS; values cross as JSON, as they do between Conductor and its engine.

use std::time::{Duration, Instant};

use rquickjs::{CatchResultExt, Context, Runtime};
use serde_json::Value;

use crate::SimError;

/// The server's default script time limit (`CONDUCTOR_SCRIPT_MAX_EXECUTION_SECONDS`).
const TIME_LIMIT: Duration = Duration::from_secs(4);

/// A JavaScript engine, reused across evaluations (each gets a fresh context).
pub struct Engine {
    runtime: Runtime,
}

impl Engine {
    /// A new engine with a memory limit of 256 MiB.
    pub fn new() -> Result<Engine, SimError> {
        let runtime = Runtime::new().map_err(|error| SimError::Script {
            message: format!("the JavaScript engine did not start: {error}"),
        })?;
        runtime.set_memory_limit(256 * 1024 * 1024);
        Ok(Engine { runtime })
    }

    /// Evaluates `script` with `$` bound to `input`; the completion value as JSON (`undefined`
    /// and functions are null).
    pub fn evaluate(&self, script: &str, input: &Value) -> Result<Value, SimError> {
        let started = Instant::now();
        self.runtime
            .set_interrupt_handler(Some(Box::new(move || started.elapsed() > TIME_LIMIT)));
        let context = Context::full(&self.runtime).map_err(|error| SimError::Script {
            message: error.to_string(),
        })?;
        let input_json = input.to_string();
        context.with(|ctx| {
            let failure = |message: String| SimError::Script { message };
            let bound = ctx
                .json_parse(input_json)
                .catch(&ctx)
                .map_err(|error| failure(error.to_string()))?;
            ctx.globals()
                .set("$", bound)
                .catch(&ctx)
                .map_err(|error| failure(error.to_string()))?;
            let result: rquickjs::Value = ctx.eval(script).catch(&ctx).map_err(|error| {
                if started.elapsed() > TIME_LIMIT {
                    failure(format!(
                        "the script ran longer than the server's {} s limit",
                        TIME_LIMIT.as_secs()
                    ))
                } else {
                    failure(error.to_string())
                }
            })?;
            let text = ctx
                .json_stringify(result)
                .catch(&ctx)
                .map_err(|error| failure(error.to_string()))?;
            let Some(text) = text else {
                return Ok(Value::Null);
            };
            let text = text
                .to_string()
                .map_err(|error| failure(error.to_string()))?;
            serde_json::from_str(&text).map_err(|error| failure(error.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scripts_see_dollar_and_give_their_completion_value() {
        let engine = Engine::new().unwrap();
        let input = json!({"a": 2, "list": [1, 2, 3]});
        assert_eq!(engine.evaluate("$.a * 21", &input).unwrap(), json!(42));
        assert_eq!(
            engine
                .evaluate("(function(){ return $.list.map(x => x * 2); })()", &input)
                .unwrap(),
            json!([2, 4, 6])
        );
        assert_eq!(
            engine.evaluate("var x = 1; x + 1", &input).unwrap(),
            json!(2)
        );
        assert_eq!(engine.evaluate("undefined", &input).unwrap(), json!(null));
        assert!(engine.evaluate("$.nope.deeper", &input).is_err());
        assert!(engine.evaluate("while (true) {}", &input).is_err());
    }
}
