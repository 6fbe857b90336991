//! CA326 invalid-http-request: an HTTP task whose literal `method` is not an HTTP method, or
//! whose `connectionTimeOut` or `readTimeOut` is not a number of milliseconds (`5s`). The
//! server registers either without a word; the task fails when it runs, since HttpTask reads
//! the request into integers and an HTTP method (contract §3.3 HTTP).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_dsl::syntax::duration::parse_duration;
use conductor_model::task_type::HTTP;
use conductor_source::FileId;
use conductor_source::yaml::push_segment;
use serde_json::{Map, Value};

use crate::context::Scope;
use crate::walk::walk_tasks;

/// The methods the server's HTTP client sends (Spring's `HttpMethod`).
const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// The request fields that are milliseconds.
const TIMEOUTS: [&str; 2] = ["connectionTimeOut", "readTimeOut"];

fn unknown_method(file: FileId, span: Range<usize>, method: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidHttpRequest,
        format!("`{method}` is not an HTTP method"),
    )
    .with_primary(file, span, "not a method")
    .with_note("the server registers it, and the task fails when it runs")
    // Only a difference of case is suggested: a near word (`FETCH`, `PATCH`) is another
    // method, not a typo of one.
    .with_suggestion_or_help(
        METHODS
            .into_iter()
            .find(|known| known.eq_ignore_ascii_case(method)),
        format!("use one of {}", METHODS.join(", ")),
    )
}

fn timeout_not_milliseconds(
    file: FileId,
    span: Range<usize>,
    field: &str,
    written: &str,
) -> Diagnostic {
    let help = match parse_duration(written) {
        Ok(seconds) => format!(
            "`{field}` is in milliseconds: write `{}`",
            seconds.saturating_mul(1000)
        ),
        Err(_) => format!("`{field}` is in milliseconds: write a number such as `5000`"),
    };
    Diagnostic::new(
        Code::InvalidHttpRequest,
        format!("`{written}` is not a number of milliseconds"),
    )
    .with_primary(file, span, "not milliseconds")
    .with_note("the server registers it, and the task fails when it reads the request")
    .with_help(help)
}

fn is_expression(text: &str) -> bool {
    text.contains("${")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() != HTTP {
            return;
        }
        let Some(input) = &visit.task.input_parameters else {
            return;
        };
        let mut requests: Vec<(String, &Map<String, Value>)> = Vec::new();
        if let Some(Value::Object(request)) = input.get("http_request") {
            requests.push((
                format!("{}/inputParameters/http_request", visit.pointer),
                request,
            ));
        } else {
            // Servers from 3.22.1 also read the request from the input itself (CA906).
            requests.push((format!("{}/inputParameters", visit.pointer), input));
        }
        for (base, request) in requests {
            let pointer = |key: &str| {
                let mut pointer = base.clone();
                push_segment(&mut pointer, key);
                pointer
            };
            if let Some(Value::String(method)) = request.get("method")
                && !is_expression(method)
                && !METHODS.contains(&method.as_str())
            {
                let span = scope.span(&pointer("method"), Part::Value);
                out.push(unknown_method(scope.file(), span, method));
            }
            for field in TIMEOUTS {
                // Jackson reads a string of digits as the number; anything else fails.
                if let Some(Value::String(written)) = request.get(field)
                    && !is_expression(written)
                    && (written.is_empty() || !written.bytes().all(|byte| byte.is_ascii_digit()))
                {
                    let span = scope.span(&pointer(field), Part::Value);
                    out.push(timeout_not_milliseconds(scope.file(), span, field, written));
                }
            }
        }
    });
}
