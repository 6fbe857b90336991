//! The rules, one file per diagnostic code, named after the pattern each flags.

pub(crate) mod conflicting_task_timeouts;
pub(crate) mod duplicate_definition;
pub(crate) mod duplicate_task_reference;
pub(crate) mod empty_fork_branch;
pub(crate) mod expression_in_template_literal;
pub(crate) mod fork_without_join;
pub(crate) mod invalid_expression_path;
pub(crate) mod invalid_http_request;
pub(crate) mod invalid_task_reference_name;
pub(crate) mod invalid_wait_input;
pub(crate) mod invalid_workflow_name;
pub(crate) mod javascript_syntax_error;
pub(crate) mod join_on_task_outside_fork;
pub(crate) mod jq_syntax_error;
pub(crate) mod json_path_syntax_error;
pub(crate) mod missing_owner_email;
pub(crate) mod missing_task_type_field;
pub(crate) mod misspelled_task_type;
pub(crate) mod names_differ_only_by_case;
pub(crate) mod nested_do_while;
pub(crate) mod non_integer_keep_last_n;
pub(crate) mod non_literal_termination_status;
pub(crate) mod optional_terminate;
pub(crate) mod parameter_name_not_in_input;
pub(crate) mod reference_into_branch;
pub(crate) mod reference_to_later_task;
pub(crate) mod response_timeout_below_minimum;
pub(crate) mod server_version;
pub(crate) mod sub_workflow_name_expression_without_version;
pub(crate) mod switch_without_cases;
pub(crate) mod unaddressable_name;
pub(crate) mod undeclared_output_key;
pub(crate) mod undeclared_workflow_input;
pub(crate) mod undefined_jq_name;
pub(crate) mod undefined_task_definition;
pub(crate) mod undefined_workflow_variable;
pub(crate) mod unknown_script_input;
pub(crate) mod unknown_task_field;
pub(crate) mod unknown_task_reference;
pub(crate) mod unknown_workflow_field;
pub(crate) mod unknown_workflow_reference;
pub(crate) mod unresolved_task_id;
pub(crate) mod unterminated_expression;
pub(crate) mod unusual_reference_name_characters;

use std::collections::BTreeSet;

use conductor_diagnostics::Diagnostic;

use crate::context::Scope;
use crate::resolve::check_expressions;
use crate::scope::DataFlow;

/// Every rule that looks at one workflow definition's tasks.
pub(crate) fn check_scope(scope: &Scope<'_>, out: &mut Vec<Diagnostic>) {
    duplicate_task_reference::check(scope, out);
    invalid_task_reference_name::check(scope, out);
    unusual_reference_name_characters::check(scope, out);
    fork_without_join::check(scope, out);
    empty_fork_branch::check(scope, out);
    join_on_task_outside_fork::check(scope, out);
    switch_without_cases::check(scope, out);
    missing_task_type_field::check(scope, out);
    optional_terminate::check(scope, out);
    non_literal_termination_status::check(scope, out);
    invalid_wait_input::check(scope, out);
    invalid_http_request::check(scope, out);
    misspelled_task_type::check(scope, out);
    parameter_name_not_in_input::check(scope, out);
    non_integer_keep_last_n::check(scope, out);
    nested_do_while::check(scope, out);
    sub_workflow_name_expression_without_version::check(scope, out);
    javascript_syntax_error::check(scope, out);
    unknown_script_input::check(scope, out);
    jq_syntax_error::check(scope, out);
    undefined_task_definition::check(scope, out);
    unknown_workflow_reference::check(scope, out);
    // Contract §4.3: the server checks `${...}` roots only in a registered workflow's own
    // top-level tasks, never in an inline definition. What it reports there is reported
    // once, with the server's message, and the general resolution skips it.
    let mut registration_reported = BTreeSet::new();
    if !scope.is_inline() {
        unknown_task_reference::check_registration(scope, &mut registration_reported, out);
        invalid_expression_path::check_registration(scope, &mut registration_reported, out);
    }
    let flow = DataFlow::new(scope.def, &scope.base);
    check_expressions(scope, &flow, &registration_reported, out);
}
