//! CA312 invalid-wait-input: a WAIT task with both `duration` and `until`, or a literal value
//! the server cannot parse (contract §3.3 WAIT, §4.2; DateTimeUtils.java).

use std::ops::Range;

use conductor_diagnostics::{Code, Diagnostic};
use conductor_dsl::locate::Part;
use conductor_dsl::syntax::duration::parse_duration;
use conductor_model::task_type::WAIT;
use conductor_source::FileId;
use serde_json::Value;

use crate::context::Scope;
use crate::walk::walk_tasks;

fn invalid_wait_input(
    file: FileId,
    span: Range<usize>,
    message: String,
    server_message: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(Code::InvalidWaitInput, message)
        .with_primary(file, span, "invalid wait")
        .with_note(format!("the server rejects it: {server_message}"))
        .with_help(help.to_owned())
}

/// `yyyy-MM-dd`, `yyyy-MM-dd HH:mm`, or `yyyy-MM-dd HH:mm z` with a zone such as `UTC`,
/// `PST` or `GMT+01:00` (the formats of DateTimeUtils.java).
pub(crate) fn is_wait_until(text: &str) -> bool {
    let mut parts = text.split(' ');
    let Some(date) = parts.next() else {
        return false;
    };
    let valid_date = {
        let fields: Vec<&str> = date.split('-').collect();
        match fields.as_slice() {
            [year, month, day] => {
                year.len() == 4
                    && year.bytes().all(|b| b.is_ascii_digit())
                    && two_digits_in(month, 1, 12)
                    && two_digits_in(day, 1, 31)
            }
            _ => false,
        }
    };
    if !valid_date {
        return false;
    }
    match (parts.next(), parts.next(), parts.next()) {
        (None, None, None) => true,
        (Some(time), zone, None) => {
            let valid_time = match time.split_once(':') {
                Some((hours, minutes)) => {
                    two_digits_in(hours, 0, 23) && two_digits_in(minutes, 0, 59)
                }
                None => false,
            };
            valid_time
                && zone.is_none_or(|zone| {
                    !zone.is_empty()
                        && zone.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':' | '/' | '_')
                        })
                })
        }
        _ => false,
    }
}

fn two_digits_in(text: &str, low: u32, high: u32) -> bool {
    text.len() == 2 && text.parse::<u32>().is_ok_and(|n| (low..=high).contains(&n))
}

fn is_expression(text: &str) -> bool {
    text.trim_start().starts_with("${")
}

pub(crate) fn check(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    walk_tasks(scope.def, &scope.base, &mut |visit| {
        if visit.task.type_name() != WAIT {
            return;
        }
        let Some(input) = &visit.task.input_parameters else {
            return;
        };
        let duration = input.get("duration");
        let until = input.get("until");
        let pointer = |key: &str| format!("{}/inputParameters/{key}", visit.pointer);
        if duration.is_some() && until.is_some() {
            out.push(invalid_wait_input(
                scope.file(),
                scope.span(&pointer("until"), Part::Key),
                "WAIT task has both `duration` and `until`".to_owned(),
                "Both 'duration' and 'until' specified. Please provide only one input",
                "keep one of them",
            ));
            return;
        }
        match duration {
            Some(Value::String(text)) if is_expression(text) || parse_duration(text).is_ok() => {}
            Some(value) => out.push(invalid_wait_input(
                scope.file(),
                scope.span(&pointer("duration"), Part::Value),
                format!(
                    "`{}` is not a duration the server can parse",
                    display(value)
                ),
                "Either date or duration is passed as null ",
                "write a duration such as `30s`, `5m` or `1h 30m`",
            )),
            None => {}
        }
        match until {
            Some(Value::String(text)) if is_expression(text) || is_wait_until(text) => {}
            Some(value) => out.push(invalid_wait_input(
                scope.file(),
                scope.span(&pointer("until"), Part::Value),
                format!("`{}` is not a date the server can parse", display(value)),
                "Unable to parse date ",
                "write `yyyy-MM-dd HH:mm`, `yyyy-MM-dd HH:mm z` (e.g. `2024-01-31 00:00 UTC`) or `yyyy-MM-dd`",
            )),
            None => {}
        }
    });
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::is_wait_until;

    #[test]
    fn until_formats() {
        for ok in [
            "2024-01-31",
            "2024-01-31 00:00",
            "2024-01-31 23:59 UTC",
            "2025-12-31 23:59 GMT+01:00",
        ] {
            assert!(is_wait_until(ok), "{ok}");
        }
        for bad in [
            "2024-13-01",
            "2024-1-31",
            "31-01-2024",
            "2024-01-31 24:00",
            "2024-01-31T00:00",
            "tomorrow",
            "",
        ] {
            assert!(!is_wait_until(bad), "{bad}");
        }
    }
}
