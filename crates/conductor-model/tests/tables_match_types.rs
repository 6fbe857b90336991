//! The default tables and the serde types describe the same properties: a property added to
//! one and not the other fails here.

use conductor_model::defaults::ObjectKind;
use conductor_model::{
    CacheConfig, RateLimitConfig, SchemaDef, StateChangeEvent, SubWorkflowParams, TaskDef,
    WorkflowDef, WorkflowTask,
};
use schemars::JsonSchema;

fn property_names<T: JsonSchema>() -> Vec<String> {
    let schema = schemars::schema_for!(T);
    let mut names: Vec<String> = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn table_names(kind: ObjectKind) -> Vec<String> {
    let mut names: Vec<String> = kind.fields().iter().map(|f| f.name.to_owned()).collect();
    names.sort();
    names
}

#[test]
fn every_table_lists_exactly_the_properties_of_its_type() {
    let cases = [
        (ObjectKind::WorkflowDef, property_names::<WorkflowDef>()),
        (ObjectKind::WorkflowTask, property_names::<WorkflowTask>()),
        (ObjectKind::TaskDef, property_names::<TaskDef>()),
        (
            ObjectKind::SubWorkflowParams,
            property_names::<SubWorkflowParams>(),
        ),
        (
            ObjectKind::StateChangeEvent,
            property_names::<StateChangeEvent>(),
        ),
        (ObjectKind::CacheConfig, property_names::<CacheConfig>()),
        (
            ObjectKind::RateLimitConfig,
            property_names::<RateLimitConfig>(),
        ),
        (ObjectKind::SchemaDef, property_names::<SchemaDef>()),
    ];
    for (kind, from_type) in cases {
        assert!(!from_type.is_empty(), "{kind:?}");
        assert_eq!(table_names(kind), from_type, "{kind:?}");
    }
}
