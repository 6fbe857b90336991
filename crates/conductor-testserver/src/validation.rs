//! The registration rules of contract §4.2 with their exact messages, as the server's bean
//! validation applies them to a definition it has just read (contract §4.1).
//!
//! Each violation is a `(path, message)` pair. Paths follow the Hibernate property-path form
//! the contract expects (`updateWorkflowDef.arg0[0].tasks[1]`); the contract marks the exact
//! paths *(unverified)* beyond its one example, and clients are told to match on messages.
//!
//! Not replicated (a real server would reject these; the product's own `check` covers them):
//! the JavaScript syntax check of DECISION `caseExpression` and `javascript` SWITCH
//! expressions, and the parsing of literal WAIT `duration`/`until` values.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::version::{Profile, ServerVersion};

/// Server settings that change what registration accepts (contract §4.2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// `conductor.app.ownerEmailMandatory` (the bundled server sets it to false).
    pub owner_email_mandatory: bool,
    /// `conductor.app.workflow.name-validation.enabled` (false in the bundled server).
    pub workflow_name_validation: bool,
}

impl Rules {
    /// The settings a version's bundled `application.properties` gives: `ownerEmailMandatory`
    /// defaults to true in the code of every release, and the bundled file sets it to false
    /// from 3.22.0; name validation is off in every release.
    pub fn for_version(version: ServerVersion) -> Rules {
        Rules {
            owner_email_mandatory: !version.at_least(3, 22, 0),
            workflow_name_validation: false,
        }
    }
}

/// One violation: the property path and the message.
pub type Violation = (String, String);

/// Paths the server substitutes itself (EnvUtils.SystemParameters, contract §4.2).
const SYSTEM_PARAMETERS: [&str; 3] = ["CPEWF_TASK_ID", "NETFLIX_ENV", "NETFLIX_STACK"];

/// Validates a workflow definition as read from a request. `raw` is the request's JSON (to
/// tell an explicit `null` from an absent key), `stored` what Jackson made of it,
/// `task_defs` the registered task definitions (ValidationContext.java).
pub fn validate_workflow_def(
    path: &str,
    raw: &Value,
    stored: &Value,
    task_defs: &BTreeMap<String, Value>,
    rules: Rules,
) -> Vec<Violation> {
    validate_workflow_def_as(path, raw, stored, task_defs, rules, None)
}

/// [`validate_workflow_def`] as `version` validates (`None`: the contract's 3.32.1).
pub fn validate_workflow_def_as(
    path: &str,
    raw: &Value,
    stored: &Value,
    task_defs: &BTreeMap<String, Value>,
    rules: Rules,
    version: Option<ServerVersion>,
) -> Vec<Violation> {
    let profile = Profile::new(version);
    let mut out = Vec::new();
    let name = text(stored, "name");
    if profile.no_colon_in_workflow_name() && name.contains(':') {
        out.push((
            format!("{path}.name"),
            "Workflow name cannot contain the following set of characters: ':'".to_owned(),
        ));
    }
    if profile.workflow_email_format() && !valid_email(text(stored, "ownerEmail")) {
        out.push((
            format!("{path}.ownerEmail"),
            "ownerEmail should be valid email address".to_owned(),
        ));
    }
    if name.is_empty() {
        out.push((
            format!("{path}.name"),
            "WorkflowDef name cannot be null or empty".to_owned(),
        ));
    } else if rules.workflow_name_validation && !valid_workflow_name(name) {
        out.push((
            format!("{path}.name"),
            format!(
                "Invalid name '{name}'. Allowed characters are alphanumeric, underscores, spaces, hyphens, and special characters like <, >, {{, }}, #"
            ),
        ));
    }
    if raw.get("tasks").is_some_and(Value::is_null) {
        out.push((format!("{path}.tasks"), "must not be null".to_owned()));
    }
    let tasks = list(stored, "tasks");
    if tasks.is_empty() {
        out.push((
            format!("{path}.tasks"),
            "WorkflowTask list cannot be empty".to_owned(),
        ));
    }
    if stored.get("schemaVersion").and_then(Value::as_i64) != Some(2) {
        out.push((
            format!("{path}.schemaVersion"),
            "workflowDef schemaVersion: 2 is only supported".to_owned(),
        ));
    }
    if rules.owner_email_mandatory && text(stored, "ownerEmail").is_empty() {
        out.push((
            format!("{path}.ownerEmail"),
            "ownerEmail cannot be empty".to_owned(),
        ));
    }
    // TaskReferenceNameUniqueConstraint: unique across collectTasks (cases, default, fork
    // branches and loop bodies; not inline sub-workflows).
    let mut all_tasks = Vec::new();
    collect_tasks(tasks, &mut all_tasks);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for task in &all_tasks {
        *seen.entry(text(task, "taskReferenceName")).or_default() += 1;
    }
    for (reference, count) in &seen {
        if *count > 1 && !reference.is_empty() {
            out.push((
                path.to_owned(),
                format!(
                    "taskReferenceName: {reference} should be unique across tasks for a given workflowDefinition: {name}"
                ),
            ));
        }
    }
    // ConstraintParamUtil: `${...}` in top-level tasks' inputParameters only.
    for task in tasks {
        check_input_references(path, task, &seen, profile, &mut out);
    }
    for (idx, task) in tasks.iter().enumerate() {
        validate_task(&format!("{path}.tasks[{idx}]"), task, task_defs, &mut out);
    }
    out
}

/// Validates a task definition (TaskDef.java, TaskTimeoutConstraint.java).
pub fn validate_task_def(path: &str, stored: &Value, rules: Rules) -> Vec<Violation> {
    validate_task_def_as(path, stored, rules, None)
}

/// [`validate_task_def`] as `version` validates (`None`: the contract's 3.32.1).
pub fn validate_task_def_as(
    path: &str,
    stored: &Value,
    rules: Rules,
    version: Option<ServerVersion>,
) -> Vec<Violation> {
    let profile = Profile::new(version);
    let mut out = Vec::new();
    if profile.task_email_format() && !valid_email(text(stored, "ownerEmail")) {
        out.push((
            format!("{path}.ownerEmail"),
            "ownerEmail should be valid email address".to_owned(),
        ));
    }
    let name = text(stored, "name");
    let number = |key: &str| stored.get(key).and_then(Value::as_i64);
    if name.is_empty() {
        out.push((
            format!("{path}.name"),
            "TaskDef name cannot be null or empty".to_owned(),
        ));
    }
    let minimums: [(&str, i64, String); 6] = [
        (
            "retryCount",
            0,
            "TaskDef retryCount: 0 must be >= 0".to_owned(),
        ),
        (
            "pollTimeoutSeconds",
            0,
            "TaskDef pollTimeoutSeconds: 0 must be >= 0".to_owned(),
        ),
        (
            "backoffScaleFactor",
            1,
            "Backoff scale factor. Applicable for LINEAR_BACKOFF".to_owned(),
        ),
        (
            "maxRetryDelaySeconds",
            0,
            "TaskDef maxRetryDelaySeconds: 0 must be >= 0".to_owned(),
        ),
        (
            "backoffJitterMs",
            0,
            "TaskDef backoffJitterMs: 0 must be >= 0".to_owned(),
        ),
        (
            "totalTimeoutSeconds",
            0,
            "TaskDef totalTimeoutSeconds: 0 must be >= 0".to_owned(),
        ),
    ];
    for (key, minimum, message) in minimums {
        if key == "totalTimeoutSeconds" && profile.real && !profile.total_timeout_minimum() {
            continue;
        }
        if number(key).is_some_and(|value| value < minimum) {
            out.push((format!("{path}.{key}"), message));
        }
    }
    let response_timeout = number("responseTimeoutSeconds").unwrap_or(3600);
    if response_timeout < 1 {
        out.push((
            format!("{path}.responseTimeoutSeconds"),
            format!(
                "TaskDef responseTimeoutSeconds: {response_timeout} should be minimum 1 second"
            ),
        ));
    }
    if rules.owner_email_mandatory && text(stored, "ownerEmail").is_empty() {
        out.push((
            format!("{path}.ownerEmail"),
            "ownerEmail cannot be empty".to_owned(),
        ));
    }
    let timeout = number("timeoutSeconds").unwrap_or(0);
    let total = number("totalTimeoutSeconds").unwrap_or(0);
    if timeout > 0 && response_timeout > timeout {
        out.push((
            path.to_owned(),
            format!(
                "TaskDef: {name} responseTimeoutSeconds: {response_timeout} must be less than timeoutSeconds: {timeout}"
            ),
        ));
    }
    if timeout > 0 && total > 0 && timeout > total {
        out.push((
            path.to_owned(),
            format!(
                "TaskDef: {name} timeoutSeconds: {timeout} must be less than or equal to totalTimeoutSeconds: {total}"
            ),
        ));
    }
    out
}

/// WorkflowTask constraints and WorkflowTaskTypeConstraint, recursing into the positions that
/// carry `@Valid` (cases, default case, fork branches) and not into `loopOver` (contract §4.3).
fn validate_task(
    path: &str,
    task: &Value,
    task_defs: &BTreeMap<String, Value>,
    out: &mut Vec<Violation>,
) {
    if task.is_null() {
        return;
    }
    let name = text(task, "name");
    if name.is_empty() {
        out.push((
            format!("{path}.name"),
            "WorkflowTask name cannot be empty or null".to_owned(),
        ));
    }
    if text(task, "taskReferenceName").is_empty() {
        out.push((
            format!("{path}.taskReferenceName"),
            "WorkflowTask taskReferenceName name cannot be empty or null".to_owned(),
        ));
    }
    if task
        .get("startDelay")
        .and_then(Value::as_i64)
        .is_some_and(|delay| delay < 0)
    {
        out.push((
            format!("{path}.startDelay"),
            "must be greater than or equal to 0".to_owned(),
        ));
    }
    let task_type = text(task, "type");
    let required = |field: &str| {
        (
            path.to_owned(),
            format!("{field} field is required for taskType: {task_type} taskName: {name}"),
        )
    };
    let absent = |key: &str| task.get(key).is_none_or(Value::is_null);
    let input = task.get("inputParameters").and_then(Value::as_object);
    let has_input = |key: &str| input.is_some_and(|map| map.contains_key(key));
    let in_template = |key: &str| {
        let embedded = task
            .get("taskDefinition")
            .and_then(|definition| definition.get("inputTemplate"))
            .and_then(Value::as_object)
            .is_some_and(|template| template.contains_key(key));
        let registered = task_defs
            .get(name)
            .and_then(|definition| definition.get("inputTemplate"))
            .and_then(Value::as_object)
            .is_some_and(|template| template.contains_key(key));
        embedded || registered
    };
    let cases_empty = task
        .get("decisionCases")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty);
    match task_type {
        "EVENT" if absent("sink") => out.push(required("sink")),
        "DECISION" => {
            if absent("caseValueParam") && absent("caseExpression") {
                out.push(required("caseValueParam or caseExpression"));
            }
            if cases_empty {
                out.push((
                    path.to_owned(),
                    format!(
                        "decisionCases should have atleast one task for taskType: DECISION taskName: {name}"
                    ),
                ));
            }
        }
        "SWITCH" => {
            if absent("evaluatorType") {
                out.push(required("evaluatorType"));
            } else if absent("expression") {
                out.push(required("expression"));
            }
            if cases_empty {
                out.push((
                    path.to_owned(),
                    format!(
                        "decisionCases should have atleast one task for taskType: SWITCH taskName: {name}"
                    ),
                ));
            }
        }
        "DO_WHILE" => {
            if absent("loopCondition") {
                out.push(required("loopCondition"));
            }
            if list(task, "loopOver").is_empty() {
                out.push(required("loopOver"));
            }
        }
        "DYNAMIC" if absent("dynamicTaskNameParam") => out.push(required("dynamicTaskNameParam")),
        "FORK_JOIN_DYNAMIC" if !has_input("forkTaskInputs") => {
            let legacy = !absent("dynamicForkJoinTasksParam");
            let tasks_param = !absent("dynamicForkTasksParam");
            let input_param = !absent("dynamicForkTasksInputParamName");
            if legacy && (tasks_param || input_param) {
                out.push((
                    path.to_owned(),
                    format!(
                        "dynamicForkJoinTasksParam or combination of dynamicForkTasksInputParamName and dynamicForkTasksParam cam be used for taskType: FORK_JOIN_DYNAMIC taskName: {name}"
                    ),
                ));
            } else if !legacy {
                if !tasks_param {
                    out.push(required("dynamicForkTasksParam"));
                }
                if !input_param {
                    out.push(required("dynamicForkTasksInputParamName"));
                }
            }
        }
        "HTTP" => {
            let given = has_input("http_request") || has_input("uri") || has_input("method");
            if !given && !in_template("http_request") {
                out.push(required(
                    "inputParameters.http_request or inputParameters.uri",
                ));
            }
        }
        "FORK_JOIN" if list(task, "forkTasks").is_empty() => out.push((
            path.to_owned(),
            format!(
                "forkTasks should have atleast one task for taskType: FORK_JOIN taskName: {name}"
            ),
        )),
        "TERMINATE" => {
            if task.get("optional").and_then(Value::as_bool) == Some(true) {
                out.push((
                    path.to_owned(),
                    format!("terminate task cannot be optional, taskName: {name}"),
                ));
            }
            let status = input
                .and_then(|map| map.get("terminationStatus"))
                .and_then(Value::as_str);
            if !matches!(status, Some("COMPLETED" | "FAILED" | "TERMINATED")) {
                out.push((
                    path.to_owned(),
                    format!(
                        "terminate task must have an terminationStatus parameter and must be set to COMPLETED or FAILED, taskName: {name}"
                    ),
                ));
            }
        }
        "KAFKA_PUBLISH" if !has_input("kafka_request") && !in_template("kafka_request") => {
            out.push(required("inputParameters.kafka_request"));
        }
        "SUB_WORKFLOW" if absent("subWorkflowParam") => out.push(required("subWorkflowParam")),
        "JSON_JQ_TRANSFORM" if !has_input("queryExpression") && !in_template("queryExpression") => {
            out.push(required("inputParameters.queryExpression"));
        }
        "WAIT" if has_input("duration") && has_input("until") => out.push((
            path.to_owned(),
            "Both 'duration' and 'until' specified. Please provide only one input".to_owned(),
        )),
        _ => {}
    }
    if let Some(cases) = task.get("decisionCases").and_then(Value::as_object) {
        for (case, tasks) in cases {
            for (idx, child) in tasks.as_array().into_iter().flatten().enumerate() {
                validate_task(
                    &format!("{path}.decisionCases[{case}][{idx}]"),
                    child,
                    task_defs,
                    out,
                );
            }
        }
    }
    for (idx, child) in list(task, "defaultCase").iter().enumerate() {
        validate_task(&format!("{path}.defaultCase[{idx}]"), child, task_defs, out);
    }
    for (branch_idx, branch) in list(task, "forkTasks").iter().enumerate() {
        for (idx, child) in branch.as_array().into_iter().flatten().enumerate() {
            validate_task(
                &format!("{path}.forkTasks[{branch_idx}][{idx}]"),
                child,
                task_defs,
                out,
            );
        }
    }
}

/// ConstraintParamUtil: every string under a top-level task's inputParameters is split into
/// `${...}` pieces; a path that Jayway cannot compile is invalid (here: whitespace in dot
/// notation, as Jayway trims the ends and accepts spaces inside brackets, filters and quotes),
/// and the text before the first `.` of the untrimmed path must be `workflow` or a reference
/// name somewhere in the workflow (contract §4.2, §6.9).
fn check_input_references(
    path: &str,
    task: &Value,
    references: &BTreeMap<&str, usize>,
    profile: Profile,
    out: &mut Vec<Violation>,
) {
    let Some(input) = task.get("inputParameters").and_then(Value::as_object) else {
        return;
    };
    let task_name = text(task, "name");
    for (key, value) in input {
        let mut strings = Vec::new();
        strings_in(value, &mut strings);
        for string in strings {
            for expression in expressions(string) {
                let invalid = if profile.any_whitespace_invalid() {
                    expression.chars().any(|c| c.is_ascii_whitespace())
                } else {
                    has_dot_notation_whitespace(expression, profile.real)
                };
                if invalid {
                    out.push((
                        path.to_owned(),
                        format!("key: {key} input parameter value: {expression} is not valid"),
                    ));
                    continue;
                }
                let root = expression.split('.').next().unwrap_or_default();
                let known = root == "workflow"
                    || references.contains_key(root)
                    || SYSTEM_PARAMETERS.contains(&expression);
                if !known {
                    out.push((
                        path.to_owned(),
                        format!(
                            "taskReferenceName: {root} for given task: {task_name} input value: {key} of input parameter: {string} is not defined in workflow definition."
                        ),
                    ));
                }
            }
        }
    }
}

/// Whether a path has whitespace that Jayway rejects: inside the trimmed path, outside
/// brackets, parentheses and quotes ("Use bracket notion ['my prop'] if your property contains
/// blank characters"). The real server trims only the end: a leading blank is invalid
/// (`${ workflow.input.x}`); without a version both ends are trimmed, as before.
fn has_dot_notation_whitespace(path: &str, real: bool) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let trimmed = if real { path.trim_end() } else { path.trim() };
    for c in trimmed.chars() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, c) if c.is_whitespace() && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// The `${...}` paths of a string: it is cut before every `${` not preceded by `$` and after
/// every `}`, and a piece that starts with `${` and ends with `}` is a path.
fn expressions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    for position in 1..bytes.len() {
        let opens = bytes.get(position) == Some(&b'$')
            && bytes.get(position + 1) == Some(&b'{')
            && bytes.get(position - 1) != Some(&b'$');
        if opens || bytes.get(position - 1) == Some(&b'}') {
            cuts.push(position);
        }
    }
    cuts.push(bytes.len());
    cuts.windows(2)
        .filter_map(|pair| {
            let piece = text.get(*pair.first()?..*pair.get(1)?)?;
            (piece.len() >= 3 && piece.starts_with("${") && piece.ends_with('}'))
                .then(|| piece.get(2..piece.len() - 1))
                .flatten()
        })
        .collect()
}

fn strings_in<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(text) => out.push(text),
        Value::Array(items) => items.iter().for_each(|item| strings_in(item, out)),
        Value::Object(map) => map.values().for_each(|item| strings_in(item, out)),
        _ => {}
    }
}

fn collect_tasks<'a>(tasks: &'a [Value], out: &mut Vec<&'a Value>) {
    for task in tasks {
        if task.is_null() {
            continue;
        }
        out.push(task);
        if let Some(cases) = task.get("decisionCases").and_then(Value::as_object) {
            for case in cases.values() {
                collect_tasks(case.as_array().map(Vec::as_slice).unwrap_or_default(), out);
            }
        }
        collect_tasks(list(task, "defaultCase"), out);
        for branch in list(task, "forkTasks") {
            collect_tasks(
                branch.as_array().map(Vec::as_slice).unwrap_or_default(),
                out,
            );
        }
        collect_tasks(list(task, "loopOver"), out);
    }
}

/// Hibernate's `@Email`, for unquoted local parts: an empty value is valid; otherwise
/// `local@domain`, the local part dot-separated atoms of letters, digits and
/// ``!#$%&'*+/=?^_`{|}~-``, the domain dot-separated labels of letters, digits and inner
/// hyphens, or an IP literal in brackets.
fn valid_email(email: &str) -> bool {
    if email.is_empty() {
        return true;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let atom_char = |c: char| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let local_ok = local.chars().count() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atom_char));
    let domain_ok = if domain.starts_with('[') && domain.ends_with(']') {
        domain.len() > 2
    } else {
        domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    };
    local_ok && domain_ok
}

fn valid_workflow_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || "_<>{}#-".contains(c))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::{Class, materialize};
    use serde_json::json;

    fn workflow_messages(raw: Value, rules: Rules) -> Vec<String> {
        let stored = materialize(Class::WorkflowDef, &raw).unwrap();
        validate_workflow_def(
            "registerWorkflowDef.arg0",
            &raw,
            &stored,
            &BTreeMap::new(),
            rules,
        )
        .into_iter()
        .map(|(_, message)| message)
        .collect()
    }

    #[test]
    fn duplicate_references_and_unknown_input_references() {
        let messages = workflow_messages(
            json!({"name":"w","tasks":[
                {"name":"a","taskReferenceName":"t1","inputParameters":{"x":"${nope.output.y}","z":"${workflow.input.q}"}},
                {"name":"b","taskReferenceName":"t1"}]}),
            Rules::default(),
        );
        assert_eq!(
            messages,
            [
                "taskReferenceName: t1 should be unique across tasks for a given workflowDefinition: w",
                "taskReferenceName: nope for given task: a input value: x of input parameter: ${nope.output.y} is not defined in workflow definition."
            ]
        );
    }

    #[test]
    fn only_whitespace_in_dot_notation_makes_a_path_invalid() {
        let messages = workflow_messages(
            json!({"name":"w","tasks":[
                {"name":"a","taskReferenceName":"t1","inputParameters":{
                    "filter":"${t1.output.list[?(@.state == 'OPEN')].id}",
                    "spaced":"${workflow.input. name}",
                    "padded":"${ workflow.input.x }"}}]}),
            Rules::default(),
        );
        assert_eq!(
            messages,
            [
                "key: spaced input parameter value: workflow.input. name is not valid",
                "taskReferenceName:  workflow for given task: a input value: padded of input parameter: ${ workflow.input.x } is not defined in workflow definition."
            ]
        );
    }

    #[test]
    fn empty_tasks_owner_email_and_type_rules() {
        let messages = workflow_messages(
            json!({"name":"w","tasks":[]}),
            Rules {
                owner_email_mandatory: true,
                workflow_name_validation: false,
            },
        );
        assert_eq!(
            messages,
            [
                "WorkflowTask list cannot be empty",
                "ownerEmail cannot be empty"
            ]
        );
        let messages = workflow_messages(
            json!({"name":"w","tasks":[{"name":"s","taskReferenceName":"s","type":"SWITCH"},
                {"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"true",
                 "loopOver":[{"name":"","taskReferenceName":"inner","type":"SUB_WORKFLOW"}]}]}),
            Rules::default(),
        );
        assert_eq!(
            messages,
            [
                "evaluatorType field is required for taskType: SWITCH taskName: s",
                "decisionCases should have atleast one task for taskType: SWITCH taskName: s"
            ],
            "nothing inside loopOver is validated"
        );
    }

    #[test]
    fn task_def_timeouts() {
        let stored = materialize(
            Class::TaskDef,
            &json!({"name":"t","timeoutSeconds":10,"responseTimeoutSeconds":20}),
        )
        .unwrap();
        let messages: Vec<String> =
            validate_task_def("registerTaskDef.arg0[0]", &stored, Rules::default())
                .into_iter()
                .map(|(_, message)| message)
                .collect();
        assert_eq!(
            messages,
            ["TaskDef: t responseTimeoutSeconds: 20 must be less than timeoutSeconds: 10"]
        );
    }
}
