//! The task type names the server knows (contract §3.1).
//!
//! Registration accepts any `type` string; an unknown one is dispatched to the USER_DEFINED
//! mapper and needs a task definition of the same name (contract §3.2). These lists let checks
//! tell a typo (`SWICH`, `switch`) from a custom type.

/// `SIMPLE`: a task executed by a worker that polls for it.
pub const SIMPLE: &str = "SIMPLE";
/// `DYNAMIC`: runs the task named by an input value.
pub const DYNAMIC: &str = "DYNAMIC";
/// `FORK_JOIN`: static parallel branches.
pub const FORK_JOIN: &str = "FORK_JOIN";
/// `FORK_JOIN_DYNAMIC`: parallel branches computed at run time.
pub const FORK_JOIN_DYNAMIC: &str = "FORK_JOIN_DYNAMIC";
/// `DECISION`: deprecated predecessor of SWITCH.
pub const DECISION: &str = "DECISION";
/// `SWITCH`: runs one of several cases.
pub const SWITCH: &str = "SWITCH";
/// `JOIN`: waits for fork branches.
pub const JOIN: &str = "JOIN";
/// `DO_WHILE`: a loop.
pub const DO_WHILE: &str = "DO_WHILE";
/// `SUB_WORKFLOW`: runs another workflow and waits for it.
pub const SUB_WORKFLOW: &str = "SUB_WORKFLOW";
/// `START_WORKFLOW`: starts another workflow without waiting.
pub const START_WORKFLOW: &str = "START_WORKFLOW";
/// `EVENT`: publishes an event.
pub const EVENT: &str = "EVENT";
/// `WAIT`: waits for a duration, a date or a signal.
pub const WAIT: &str = "WAIT";
/// `HUMAN`: waits for a person to complete it.
pub const HUMAN: &str = "HUMAN";
/// `HTTP`: calls an HTTP endpoint.
pub const HTTP: &str = "HTTP";
/// `LAMBDA`: deprecated JavaScript task.
pub const LAMBDA: &str = "LAMBDA";
/// `INLINE`: evaluates a script.
pub const INLINE: &str = "INLINE";
/// `EXCLUSIVE_JOIN`: waits for whichever branch ran.
pub const EXCLUSIVE_JOIN: &str = "EXCLUSIVE_JOIN";
/// `TERMINATE`: ends the workflow.
pub const TERMINATE: &str = "TERMINATE";
/// `KAFKA_PUBLISH`: publishes to Kafka.
pub const KAFKA_PUBLISH: &str = "KAFKA_PUBLISH";
/// `JSON_JQ_TRANSFORM`: transforms JSON with jq.
pub const JSON_JQ_TRANSFORM: &str = "JSON_JQ_TRANSFORM";
/// `SET_VARIABLE`: sets workflow variables.
pub const SET_VARIABLE: &str = "SET_VARIABLE";
/// `NOOP`: does nothing.
pub const NOOP: &str = "NOOP";

/// Every value of the server's `TaskType` enum (TaskType.java), in its order.
pub const TASK_TYPE_ENUM: &[&str] = &[
    SIMPLE,
    DYNAMIC,
    FORK_JOIN,
    FORK_JOIN_DYNAMIC,
    DECISION,
    SWITCH,
    JOIN,
    DO_WHILE,
    SUB_WORKFLOW,
    START_WORKFLOW,
    EVENT,
    WAIT,
    HUMAN,
    "USER_DEFINED",
    HTTP,
    LAMBDA,
    INLINE,
    EXCLUSIVE_JOIN,
    TERMINATE,
    KAFKA_PUBLISH,
    JSON_JQ_TRANSFORM,
    SET_VARIABLE,
    NOOP,
    "LLM_TEXT_COMPLETE",
    "LLM_CHAT_COMPLETE",
    "LLM_INDEX_TEXT",
    "LLM_SEARCH_INDEX",
    "LLM_GENERATE_EMBEDDINGS",
    "LLM_STORE_EMBEDDINGS",
    "LLM_GET_EMBEDDINGS",
    "LIST_MCP_TOOLS",
    "CALL_MCP_TOOL",
    "PULL_WORKFLOW_MESSAGES",
    "AGENT",
    "GET_AGENT_CARD",
    "CANCEL_AGENT",
];

/// System task names that exist in server modules without being `TaskType` values
/// (contract §3.1).
pub const OTHER_SYSTEM_TYPES: &[&str] = &[
    "GENERATE_IMAGE",
    "GENERATE_AUDIO",
    "GENERATE_VIDEO",
    "GENERATE_PDF",
    "LLM_SEARCH_EMBEDDINGS",
    "JDBC",
];

/// Whether `name` is a type the server implements (the enum or another system task).
pub fn is_known_type(name: &str) -> bool {
    TASK_TYPE_ENUM.contains(&name) || OTHER_SYSTEM_TYPES.contains(&name)
}

/// Every known type name: the enum then the other system tasks.
pub fn known_types() -> impl Iterator<Item = &'static str> {
    TASK_TYPE_ENUM.iter().chain(OTHER_SYSTEM_TYPES).copied()
}
