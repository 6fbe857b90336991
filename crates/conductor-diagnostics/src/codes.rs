//! The catalogue: every diagnostic code conductor-apply can emit, in one table.
//!
//! # Code scheme
//!
//! A code is `CA`, one stage digit and two more digits, always five characters, so the stage
//! can be read from the code:
//!
//! | codes   | stage            | what reports them                                             |
//! |---------|------------------|---------------------------------------------------------------|
//! | `CA0xx` | test             | workflow test files (`conductor-apply test`)                  |
//! | `CA1xx` | load             | reading a file and parsing its YAML                           |
//! | `CA2xx` | schema           | the DSL's JSON Schema                                         |
//! | `CA3xx` | lower            | lowering the DSL, and the server's registration rules         |
//! | `CA4xx` | expression       | `${...}` expressions                                          |
//! | `CA5xx` | script           | INLINE JavaScript and JSON_JQ_TRANSFORM programs              |
//! | `CA6xx` | cross-resource   | references between workflows, tasks and other definitions     |
//! | `CA7xx` | plan             | `plan` and `apply` against a server                           |
//! | `CA8xx` | import           | importing definitions from a server                           |
//!
//! Codes are never renumbered and never reused. A retired code stays in the table with
//! `removed: true` and keeps its explanation page, as rustc keeps `E0001`.
//!
//! # Adding a code
//!
//! Add one entry to the `catalogue!` table below (the variant is the name in CamelCase, and
//! the next free number of its stage), and write `explanations/<CODE>.md`. The tests in this
//! module check the rest: fixed width, stage digit, unique codes and names, names in
//! kebab-case that describe the flagged pattern (never `no-…` or `bad-…`), and the page's
//! examples.
//!
//! # Explanation pages
//!
//! Each page is markdown with the sections `## What it flags`, `## Why it matters` and
//! `## How to fix it`, and at least one failing and one passing example. A page has no title:
//! whoever shows it (explain, the docs generator) writes the code and name above it. Examples are fenced code blocks
//! whose info string is `yaml fail` (the snippet produces this code) or `yaml pass` (it
//! produces no diagnostic): markdown renderers read only the first word, so the pages still
//! highlight as YAML, and [`CodeInfo::examples`] extracts them for the tests that check each
//! example against the real stages. A third word `latin1` (`yaml fail latin1`) asks those
//! tests to encode the snippet as ISO-8859-1 rather than UTF-8 before loading it, for the one
//! problem that markdown cannot show as text (CA107 `file-not-utf8`); [`Example::bytes`] does
//! the encoding. A third word `server` (`yaml fail server`) marks a plan-stage example that
//! fires only when the snippet is applied to a server, never through `check`
//! ([`Example::needs_server`]); the plan and apply tests apply it to the test server.

use std::fmt;

use serde::Serialize;

/// How serious a diagnostic is.
///
/// Every code has a default severity in the catalogue; a single diagnostic may override it.
/// Ordered from most to least serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong: compiling or applying it would fail or do the wrong thing.
    Error,
    /// The input works but is probably not what the author meant.
    Warning,
    /// Information that needs no change.
    Note,
}

impl Severity {
    /// The lower-case word used in every output format: `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stage of conductor-apply that reports a code; the first digit of the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// `CA0xx`: workflow test files and their results (`conductor-apply test`).
    Test,
    /// `CA1xx`: reading files and parsing YAML.
    Load,
    /// `CA2xx`: the DSL's JSON Schema.
    Schema,
    /// `CA3xx`: lowering the DSL to Conductor definitions, and the server's registration rules.
    Lower,
    /// `CA4xx`: `${...}` expressions.
    Expression,
    /// `CA5xx`: INLINE JavaScript and JSON_JQ_TRANSFORM programs.
    Script,
    /// `CA6xx`: references between definitions.
    CrossResource,
    /// `CA7xx`: `plan` and `apply`.
    Plan,
    /// `CA8xx`: importing definitions from a server.
    Import,
    /// `CA9xx`: what the target server version stores, enforces and runs (`check
    /// --server-version`, the project's `serverVersion`, and `plan`/`apply` with the version the
    /// server reports).
    ServerVersion,
}

impl Stage {
    /// Every stage, in the order of its digit.
    pub const ALL: &'static [Stage] = &[
        Stage::Test,
        Stage::Load,
        Stage::Schema,
        Stage::Lower,
        Stage::Expression,
        Stage::Script,
        Stage::CrossResource,
        Stage::Plan,
        Stage::Import,
        Stage::ServerVersion,
    ];

    /// The stage's name as shown to users: `load`, `cross-resource`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Test => "test",
            Stage::Load => "load",
            Stage::Schema => "schema",
            Stage::Lower => "lower",
            Stage::Expression => "expression",
            Stage::Script => "script",
            Stage::CrossResource => "cross-resource",
            Stage::Plan => "plan",
            Stage::Import => "import",
            Stage::ServerVersion => "server-version",
        }
    }

    /// The digit that follows `CA` in this stage's codes.
    pub fn digit(self) -> char {
        match self {
            Stage::Test => '0',
            Stage::Load => '1',
            Stage::Schema => '2',
            Stage::Lower => '3',
            Stage::Expression => '4',
            Stage::Script => '5',
            Stage::CrossResource => '6',
            Stage::Plan => '7',
            Stage::Import => '8',
            Stage::ServerVersion => '9',
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the catalogue: everything conductor-apply says about a code.
///
/// The explain command, the docs generator, the SARIF `rules[]` and the JSON output all read
/// these fields; none keeps its own copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code, `CA` and three digits: `CA102`.
    pub code: &'static str,
    /// The kebab-case name of the flagged pattern: `duplicate-key`.
    pub name: &'static str,
    /// The stage that reports it.
    pub stage: Stage,
    /// The severity a diagnostic gets unless it overrides it.
    pub severity: Severity,
    /// One line, lower case, no trailing period: what the code flags.
    pub summary: &'static str,
    /// The explanation page in markdown (`explanations/<CODE>.md`).
    pub explanation: &'static str,
    /// Whether the code is retired: no stage emits it any more, but it keeps its number.
    pub removed: bool,
}

/// Whether an example of an explanation page is meant to produce its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    /// A ```` ```yaml fail ```` block: the snippet produces the page's code.
    Fail,
    /// A ```` ```yaml pass ```` block: the snippet produces no diagnostic.
    Pass,
}

/// How an example's text becomes the bytes of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleEncoding {
    /// The text as it is (UTF-8), the normal case.
    Utf8,
    /// The text encoded as ISO-8859-1 (`yaml fail latin1`), to show a file that is not UTF-8.
    Latin1,
}

/// One YAML example taken from an explanation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Whether the snippet fails or passes.
    pub kind: ExampleKind,
    /// How the text is to be encoded as a file.
    pub encoding: ExampleEncoding,
    /// The YAML text between the fences, ending with a line break.
    pub yaml: &'static str,
    /// Whether the example fires only against a server (`yaml fail server`): `check` passes
    /// it, `apply` reports the code.
    pub needs_server: bool,
}

impl Example {
    /// The bytes of the file this example stands for. For [`ExampleEncoding::Latin1`],
    /// characters above U+00FF (which Latin-1 cannot hold) become `?`.
    pub fn bytes(&self) -> Vec<u8> {
        match self.encoding {
            ExampleEncoding::Utf8 => self.yaml.as_bytes().to_vec(),
            ExampleEncoding::Latin1 => self
                .yaml
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect(),
        }
    }
}

impl CodeInfo {
    /// The YAML examples of the explanation page, in page order: fenced blocks whose info
    /// string is `yaml fail` or `yaml pass`. Other fenced blocks are ignored.
    pub fn examples(&self) -> Vec<Example> {
        let mut examples = Vec::new();
        let mut rest = self.explanation;
        while let Some(open) = rest.find("```") {
            let after_fence = &rest[open + 3..];
            let Some(info_end) = after_fence.find('\n') else {
                break;
            };
            let info: Vec<&str> = after_fence[..info_end].split_whitespace().collect();
            let body_and_rest = &after_fence[info_end + 1..];
            let Some(close) = find_closing_fence(body_and_rest) else {
                break;
            };
            let body = &body_and_rest[..close];
            let kind_and_encoding = match info.as_slice() {
                ["yaml", "fail"] => Some((ExampleKind::Fail, ExampleEncoding::Utf8, false)),
                ["yaml", "fail", "latin1"] => {
                    Some((ExampleKind::Fail, ExampleEncoding::Latin1, false))
                }
                ["yaml", "fail", "server"] => {
                    Some((ExampleKind::Fail, ExampleEncoding::Utf8, true))
                }
                ["yaml", "pass"] => Some((ExampleKind::Pass, ExampleEncoding::Utf8, false)),
                _ => None,
            };
            if let Some((kind, encoding, needs_server)) = kind_and_encoding {
                examples.push(Example {
                    kind,
                    encoding,
                    yaml: body,
                    needs_server,
                });
            }
            rest = &body_and_rest[close + 3..];
        }
        examples
    }
}

/// Byte offset of a line that starts with "```" in `text` (the closing fence).
fn find_closing_fence(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
}

/// Declares the catalogue: the [`Code`] enum, [`Code::ALL`] and [`Code::info`], from one table
/// whose rows read like the entries they become.
macro_rules! catalogue {
    ($(
        $variant:ident => {
            code: $code:literal,
            name: $name:literal,
            stage: $stage:ident,
            severity: $severity:ident,
            summary: $summary:literal
            $(, removed: $removed:literal)?
            $(,)?
        }
    ),* $(,)?) => {
        /// A diagnostic code: one variant per entry of the catalogue, named after the flagged
        /// pattern. A [`Diagnostic`](crate::Diagnostic) can only be built from a `Code`, so
        /// every code that reaches the user is in the catalogue by construction.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = concat!("`", $code, " ", $name, "`: ", $summary, ".")]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in catalogue order (ascending code numbers), removed ones included.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The catalogue entry of this code.
            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $(
                        Code::$variant => {
                            const INFO: CodeInfo = CodeInfo {
                                code: $code,
                                name: $name,
                                stage: Stage::$stage,
                                severity: Severity::$severity,
                                summary: $summary,
                                explanation: include_str!(
                                    concat!("../explanations/", $code, ".md")
                                ),
                                removed: false $(|| $removed)?,
                            };
                            &INFO
                        }
                    )*
                }
            }

            /// The Rust name of the variant, for the catalogue's own consistency tests.
            #[cfg(test)]
            fn variant_name(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($variant),)*
                }
            }
        }
    };
}

catalogue! {
    // CA0xx: test. Workflow test files and what their cases show.
    UnknownTestWorkflow => {
        code: "CA001",
        name: "unknown-test-workflow",
        stage: Test,
        severity: Error,
        summary: "a test case names a workflow or version the project does not define",
    },
    UnknownTestReference => {
        code: "CA002",
        name: "unknown-test-reference",
        stage: Test,
        severity: Error,
        summary: "a test case names a task reference its workflow does not have",
    },
    TestExpectationFailed => {
        code: "CA003",
        name: "test-expectation-failed",
        stage: Test,
        severity: Error,
        summary: "a test case's run does not show what it expects",
    },
    TestNotRunnable => {
        code: "CA004",
        name: "test-not-runnable",
        stage: Test,
        severity: Error,
        summary: "a test case cannot be run: a task has no mock, or the simulator does not follow it",
    },
    // CA1xx: load. Reported by the YAML loader, before anything knows about Conductor.
    YamlSyntaxError => {
        code: "CA101",
        name: "yaml-syntax-error",
        stage: Load,
        severity: Error,
        summary: "the file is not valid YAML",
    },
    DuplicateKey => {
        code: "CA102",
        name: "duplicate-key",
        stage: Load,
        severity: Error,
        summary: "a mapping defines the same key twice",
    },
    ComplexMappingKey => {
        code: "CA103",
        name: "complex-mapping-key",
        stage: Load,
        severity: Error,
        summary: "a mapping key is not a plain scalar",
    },
    UnsupportedYamlFeature => {
        code: "CA104",
        name: "unsupported-yaml-feature",
        stage: Load,
        severity: Error,
        summary: "the file uses a YAML feature that conductor-apply does not accept",
    },
    YamlResourceLimit => {
        code: "CA105",
        name: "yaml-resource-limit",
        stage: Load,
        severity: Error,
        summary: "the document exceeds a loader limit on alias expansion or nesting depth",
    },
    UnrepresentableNumber => {
        code: "CA106",
        name: "unrepresentable-number",
        stage: Load,
        severity: Error,
        summary: "a number cannot be represented in JSON",
    },
    FileNotUtf8 => {
        code: "CA107",
        name: "file-not-utf8",
        stage: Load,
        severity: Error,
        summary: "the file is not valid UTF-8",
    },
    UnknownAllowedCode => {
        code: "CA108",
        name: "unknown-allowed-code",
        stage: Load,
        severity: Warning,
        summary: "an allow comment names no diagnostic code",
    },
    UnusedAllowComment => {
        code: "CA109",
        name: "unused-allow-comment",
        stage: Load,
        severity: Warning,
        summary: "an allow comment names a code that nothing reports on the next line",
    },
    UnknownValue => {
        code: "CA110",
        name: "unknown-value",
        stage: Load,
        severity: Error,
        summary: "a `((name))` names no value of the project file for the environment",
    },
    UnallowableCode => {
        code: "CA111",
        name: "unallowable-code",
        stage: Load,
        severity: Warning,
        summary: "an allow comment or the project's `allow` list names an error that cannot be allowed",
    },
    // CA2xx: schema. Reported by validating a document against the DSL's JSON Schema.
    UnknownKey => {
        code: "CA201",
        name: "unknown-key",
        stage: Schema,
        severity: Error,
        summary: "a key is not allowed at this place",
    },
    MissingRequiredKey => {
        code: "CA202",
        name: "missing-required-key",
        stage: Schema,
        severity: Error,
        summary: "a required key is missing",
    },
    WrongValueType => {
        code: "CA203",
        name: "wrong-value-type",
        stage: Schema,
        severity: Error,
        summary: "a value has the wrong type",
    },
    ExplicitNull => {
        code: "CA204",
        name: "explicit-null",
        stage: Schema,
        severity: Error,
        summary: "a key is set to null",
    },
    ValueNotAllowed => {
        code: "CA205",
        name: "value-not-allowed",
        stage: Schema,
        severity: Error,
        summary: "a value is not one of the allowed values or forms",
    },
    ValueOutOfRange => {
        code: "CA206",
        name: "value-out-of-range",
        stage: Schema,
        severity: Error,
        summary: "a number, text or list is outside its allowed range",
    },
    UnknownTaskForm => {
        code: "CA207",
        name: "unknown-task-form",
        stage: Schema,
        severity: Error,
        summary: "a task has no key telling its type",
    },
    AmbiguousTaskForm => {
        code: "CA208",
        name: "ambiguous-task-form",
        stage: Schema,
        severity: Error,
        summary: "a task has more than one key telling its type",
    },
    InvalidDuration => {
        code: "CA209",
        name: "invalid-duration",
        stage: Schema,
        severity: Error,
        summary: "a duration is not written in the duration syntax",
    },
    UnknownDocumentKind => {
        code: "CA210",
        name: "unknown-document-kind",
        stage: Schema,
        severity: Error,
        summary: "a document is neither a workflow nor a task definition",
    },
    // CA3xx: lower. What the DSL forbids, and the server's registration rules and run-time traps.
    DuplicateTaskReference => {
        code: "CA301",
        name: "duplicate-task-reference",
        stage: Lower,
        severity: Error,
        summary: "two tasks of a workflow share a reference name",
    },
    InvalidTaskReferenceName => {
        code: "CA302",
        name: "invalid-task-reference-name",
        stage: Lower,
        severity: Error,
        summary: "a task reference name contains `__` or `.`, or is `workflow`",
    },
    DuplicateDefinition => {
        code: "CA303",
        name: "duplicate-definition",
        stage: Lower,
        severity: Error,
        summary: "a workflow version or task definition is defined twice",
    },
    ConflictingInputKey => {
        code: "CA304",
        name: "conflicting-input-key",
        stage: Lower,
        severity: Error,
        summary: "a concise form and `input` set the same input key",
    },
    ForkWithoutJoin => {
        code: "CA305",
        name: "fork-without-join",
        stage: Lower,
        severity: Error,
        summary: "a fork is not followed by a JOIN",
    },
    EmptyForkBranch => {
        code: "CA306",
        name: "empty-fork-branch",
        stage: Lower,
        severity: Error,
        summary: "a fork branch has no task",
    },
    JoinOnTaskOutsideFork => {
        code: "CA307",
        name: "join-on-task-outside-fork",
        stage: Lower,
        severity: Error,
        summary: "a JOIN waits for a task that is not in the fork before it",
    },
    SwitchWithoutCases => {
        code: "CA308",
        name: "switch-without-cases",
        stage: Lower,
        severity: Error,
        summary: "a SWITCH or DECISION has no case",
    },
    MissingTaskTypeField => {
        code: "CA309",
        name: "missing-task-type-field",
        stage: Lower,
        severity: Error,
        summary: "a task lacks a field its type requires",
    },
    OptionalTerminate => {
        code: "CA310",
        name: "optional-terminate",
        stage: Lower,
        severity: Error,
        summary: "a TERMINATE task is optional",
    },
    NonLiteralTerminationStatus => {
        code: "CA311",
        name: "non-literal-termination-status",
        stage: Lower,
        severity: Error,
        summary: "a TERMINATE task's status is not a literal status",
    },
    InvalidWaitInput => {
        code: "CA312",
        name: "invalid-wait-input",
        stage: Lower,
        severity: Error,
        summary: "a WAIT task's duration or date cannot be parsed, or both are given",
    },
    ConflictingTaskTimeouts => {
        code: "CA313",
        name: "conflicting-task-timeouts",
        stage: Lower,
        severity: Error,
        summary: "a task definition's timeouts contradict each other",
    },
    MissingOwnerEmail => {
        code: "CA314",
        name: "missing-owner-email",
        stage: Lower,
        severity: Warning,
        summary: "a definition has no owner e-mail",
    },
    InvalidWorkflowName => {
        code: "CA315",
        name: "invalid-workflow-name",
        stage: Lower,
        severity: Warning,
        summary: "a workflow name has characters that name validation rejects",
    },
    MisspelledTaskType => {
        code: "CA316",
        name: "misspelled-task-type",
        stage: Lower,
        severity: Warning,
        summary: "a task type is close to, but not, a type the server knows",
    },
    ParameterNameNotInInput => {
        code: "CA317",
        name: "parameter-name-not-in-input",
        stage: Lower,
        severity: Error,
        summary: "a field naming an input key names a key the input lacks",
    },
    NonIntegerKeepLastN => {
        code: "CA318",
        name: "non-integer-keep-last-n",
        stage: Lower,
        severity: Error,
        summary: "a DO_WHILE `keepLastN` is not a literal integer",
    },
    NestedDoWhile => {
        code: "CA319",
        name: "nested-do-while",
        stage: Lower,
        severity: Warning,
        summary: "a DO_WHILE is inside another DO_WHILE",
    },
    SubWorkflowNameExpressionWithoutVersion => {
        code: "CA320",
        name: "sub-workflow-name-expression-without-version",
        stage: Lower,
        severity: Error,
        summary: "a sub-workflow named by an expression has no version",
    },
    UnusualReferenceNameCharacters => {
        code: "CA321",
        name: "unusual-reference-name-characters",
        stage: Lower,
        severity: Warning,
        summary: "a task reference name has characters other than letters, digits, `_` and `-`",
    },
    InlineDefinitionMismatch => {
        code: "CA322",
        name: "inline-definition-mismatch",
        stage: Lower,
        severity: Error,
        summary: "a sub-workflow's name or version differs from its inline definition's",
    },
    ResponseTimeoutBelowMinimum => {
        code: "CA323",
        name: "response-timeout-below-minimum",
        stage: Lower,
        severity: Error,
        summary: "a task definition's response timeout is under one second",
    },
    UnaddressableName => {
        code: "CA324",
        name: "unaddressable-name",
        stage: Lower,
        severity: Error,
        summary: "a definition's name cannot be a URL path segment or a file name",
    },
    NamesDifferOnlyByCase => {
        code: "CA325",
        name: "names-differ-only-by-case",
        stage: Lower,
        severity: Warning,
        summary: "two definitions' names differ only by case",
    },
    InvalidHttpRequest => {
        code: "CA326",
        name: "invalid-http-request",
        stage: Lower,
        severity: Error,
        summary: "an HTTP task's method or timeout is not one the server can use",
    },
    // CA4xx: expression. `${...}` expressions.
    UnknownTaskReference => {
        code: "CA401",
        name: "unknown-task-reference",
        stage: Expression,
        severity: Error,
        summary: "an expression refers to a task the workflow does not have",
    },
    InvalidExpressionPath => {
        code: "CA402",
        name: "invalid-expression-path",
        stage: Expression,
        severity: Error,
        summary: "an expression's path is empty, or one the server cannot compile at registration",
    },
    UnknownWorkflowField => {
        code: "CA403",
        name: "unknown-workflow-field",
        stage: Expression,
        severity: Error,
        summary: "an expression reads a field of `workflow` that the server does not provide",
    },
    UnknownTaskField => {
        code: "CA404",
        name: "unknown-task-field",
        stage: Expression,
        severity: Error,
        summary: "an expression reads a field of a task that the server does not provide",
    },
    ReferenceToLaterTask => {
        code: "CA405",
        name: "reference-to-later-task",
        stage: Expression,
        severity: Error,
        summary: "an expression refers to a task that has not run yet, or to its own task",
    },
    ReferenceIntoBranch => {
        code: "CA406",
        name: "reference-into-branch",
        stage: Expression,
        severity: Warning,
        summary: "an expression refers to a task in a SWITCH case, a parallel FORK branch or a DO_WHILE body, whose value may be missing or stale",
    },
    UndeclaredWorkflowInput => {
        code: "CA407",
        name: "undeclared-workflow-input",
        stage: Expression,
        severity: Warning,
        summary: "an expression reads a workflow input that the workflow does not declare",
    },
    UndefinedWorkflowVariable => {
        code: "CA408",
        name: "undefined-workflow-variable",
        stage: Expression,
        severity: Warning,
        summary: "an expression reads a workflow variable that no SET_VARIABLE task sets",
    },
    UndeclaredOutputKey => {
        code: "CA409",
        name: "undeclared-output-key",
        stage: Expression,
        severity: Error,
        summary: "an expression reads an output key that the task never produces or does not declare",
    },
    JsonPathSyntaxError => {
        code: "CA410",
        name: "json-path-syntax-error",
        stage: Expression,
        severity: Error,
        summary: "the JSONPath inside an expression does not parse",
    },
    UnterminatedExpression => {
        code: "CA411",
        name: "unterminated-expression",
        stage: Expression,
        severity: Error,
        summary: "a `${` has no closing `}`",
    },
    UnresolvedTaskId => {
        code: "CA412",
        name: "unresolved-task-id",
        stage: Expression,
        severity: Warning,
        summary: "`${CPEWF_TASK_ID}` is used where the server leaves it as literal text",
    },
    // CA5xx: script. JavaScript and jq programs.
    JavascriptSyntaxError => {
        code: "CA501",
        name: "javascript-syntax-error",
        stage: Script,
        severity: Error,
        summary: "a JavaScript expression or script does not parse",
    },
    UnknownScriptInput => {
        code: "CA502",
        name: "unknown-script-input",
        stage: Script,
        severity: Warning,
        summary: "a script reads `$.name` where `name` is not in the script's input",
    },
    ExpressionInTemplateLiteral => {
        code: "CA503",
        name: "expression-in-template-literal",
        stage: Script,
        severity: Error,
        summary: "a JavaScript template literal `${...}` in a script that the server resolves as a Conductor expression first",
    },
    JqSyntaxError => {
        code: "CA504",
        name: "jq-syntax-error",
        stage: Script,
        severity: Error,
        summary: "a jq program does not parse",
    },
    UndefinedJqName => {
        code: "CA505",
        name: "undefined-jq-name",
        stage: Script,
        severity: Warning,
        summary: "a jq program calls a filter or reads a variable that is not defined",
    },
    // CA6xx: cross-resource. References between definitions of the repository.
    UndefinedTaskDefinition => {
        code: "CA601",
        name: "undefined-task-definition",
        stage: CrossResource,
        severity: Warning,
        summary: "a worker task has no task definition in the repository",
    },
    UnknownWorkflowReference => {
        code: "CA602",
        name: "unknown-workflow-reference",
        stage: CrossResource,
        severity: Warning,
        summary: "a sub-workflow, started workflow or failure workflow is not in the repository",
    },
    // CA7xx: plan. Reported by `plan` and `apply` from the server's answers.
    ServerRejectedDefinition => {
        code: "CA701",
        name: "server-rejected-definition",
        stage: Plan,
        severity: Error,
        summary: "the server refused to register a definition",
    },
    // CA8xx: import. Reading Conductor JSON into the DSL.
    UnknownConductorProperty => {
        code: "CA801",
        name: "unknown-conductor-property",
        stage: Import,
        severity: Warning,
        summary: "an imported definition has a property the server does not know",
    },
    NullInDefinition => {
        code: "CA802",
        name: "null-in-definition",
        stage: Import,
        severity: Warning,
        summary: "an imported definition sets a property to null",
    },
    UnrecognisedJsonDocument => {
        code: "CA803",
        name: "unrecognised-json-document",
        stage: Import,
        severity: Error,
        summary: "a JSON document is neither a workflow nor a task definition",
    },
    InvalidConductorDefinition => {
        code: "CA804",
        name: "invalid-conductor-definition",
        stage: Import,
        severity: Error,
        summary: "an imported definition does not conform to the server's model",
    },
    InexpressibleDefinition => {
        code: "CA805",
        name: "inexpressible-definition",
        stage: Import,
        severity: Error,
        summary: "an imported definition cannot be written in the DSL",
    },
    DuplicateImportedDefinition => {
        code: "CA806",
        name: "duplicate-imported-definition",
        stage: Import,
        severity: Error,
        summary: "the same definition is imported twice",
    },
    InlineDefinitionIdentityLost => {
        code: "CA807",
        name: "inline-definition-identity-lost",
        stage: Import,
        severity: Warning,
        summary: "a sub-workflow's stored name or version differs from its inline definition's",
    },
    JsonSyntaxError => {
        code: "CA808",
        name: "json-syntax-error",
        stage: Import,
        severity: Error,
        summary: "a file given to import is not valid JSON",
    },
    FieldNotStoredByServer => {
        code: "CA901",
        name: "field-not-stored-by-server",
        stage: ServerVersion,
        severity: Warning,
        summary: "the target server version does not store a property the definition sets",
    },
    LoopOverItemsUnsupported => {
        code: "CA902",
        name: "loop-over-items-unsupported",
        stage: ServerVersion,
        severity: Error,
        summary: "a DO_WHILE loops over `items`, which the target server drops, so the loop never ends",
    },
    EvaluatorUnsupported => {
        code: "CA903",
        name: "evaluator-unsupported",
        stage: ServerVersion,
        severity: Error,
        summary: "a script uses an evaluator the target server version does not have",
    },
    OwnerEmailRequired => {
        code: "CA904",
        name: "owner-email-required",
        stage: ServerVersion,
        severity: Error,
        summary: "a definition has no owner e-mail, which the target server version requires",
    },
    WhitespaceInExpression => {
        code: "CA905",
        name: "whitespace-in-expression",
        stage: ServerVersion,
        severity: Error,
        summary: "a `${...}` in a task's input holds whitespace, which the target server version rejects",
    },
    TaskFormUnsupported => {
        code: "CA906",
        name: "task-form-unsupported",
        stage: ServerVersion,
        severity: Error,
        summary: "a task is written in a form the target server version does not accept",
    },
}

impl Code {
    /// The code string: `CA102`.
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// The kebab-case name: `duplicate-key`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The code whose code string is `code`, e.g. `"CA102"`; upper or lower case.
    pub fn from_code(code: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|candidate| candidate.info().code.eq_ignore_ascii_case(code))
    }

    /// The code whose name is `name`, e.g. `"duplicate-key"`.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|candidate| candidate.info().name == name)
    }

    /// The code named by `code_or_name`, either a code (`CA102`, any case) or a name
    /// (`duplicate-key`), as `explain` accepts them.
    pub fn lookup(code_or_name: &str) -> Option<Code> {
        let trimmed = code_or_name.trim();
        Code::from_code(trimmed).or_else(|| Code::from_name(trimmed))
    }

    /// Whether an allow comment or the project's `allow` list can suppress this code. A YAML
    /// or schema error cannot: the document it is in is never compiled, so allowing it would
    /// make the definition vanish from `compile` and `apply` without a word (and a pruning
    /// apply would delete it from the server).
    pub fn can_be_allowed(self) -> bool {
        let info = self.info();
        !(info.severity == Severity::Error && matches!(info.stage, Stage::Load | Stage::Schema))
    }

    /// Every code, as catalogue entries, in catalogue order.
    pub fn infos() -> impl Iterator<Item = &'static CodeInfo> {
        Code::ALL.iter().map(|code| code.info())
    }
}

/// Shown as `CA102 duplicate-key`, the form every renderer uses.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.info();
        write!(f, "{} {}", info.code, info.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_kebab_case(name: &str) -> bool {
        !name.is_empty()
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    fn camel_case(name: &str) -> String {
        name.split('-')
            .map(|word| {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    }

    #[test]
    fn codes_have_fixed_width_and_the_stage_digit() {
        for info in Code::infos() {
            let bytes = info.code.as_bytes();
            assert_eq!(bytes.len(), 5, "{}: codes are five characters", info.code);
            assert!(info.code.starts_with("CA"), "{}", info.code);
            assert!(
                info.code[2..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                info.code
            );
            assert_eq!(
                info.code.chars().nth(2),
                Some(info.stage.digit()),
                "{}: the first digit names the stage {}",
                info.code,
                info.stage
            );
        }
    }

    #[test]
    fn codes_ascend_and_are_unique() {
        for pair in Code::ALL.windows(2) {
            assert!(
                pair[0].info().code < pair[1].info().code,
                "{} must come before {} and codes are never reused",
                pair[0].info().code,
                pair[1].info().code
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case_patterns_matching_the_variant() {
        let mut names: Vec<&str> = Code::infos().map(|info| info.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len(), "names are unique");
        for code in Code::ALL {
            let info = code.info();
            assert!(is_kebab_case(info.name), "{}: {}", info.code, info.name);
            assert!(
                !info.name.starts_with("no-") && !info.name.starts_with("bad-"),
                "{}: a name describes the flagged pattern, not the fix",
                info.code
            );
            assert_eq!(code.variant_name(), camel_case(info.name), "{}", info.code);
        }
    }

    #[test]
    fn summaries_follow_the_message_style() {
        for info in Code::infos() {
            let first = info.summary.chars().next();
            assert!(
                first.is_some_and(|c| !c.is_uppercase()),
                "{}: summary starts in lower case",
                info.code
            );
            assert!(!info.summary.ends_with('.'), "{}: no period", info.code);
            assert!(!info.summary.contains('\n'), "{}: one line", info.code);
        }
    }

    #[test]
    fn explanations_have_sections_and_examples() {
        for info in Code::infos() {
            let page = info.explanation;
            for heading in ["## What it flags", "## Why it matters", "## How to fix it"] {
                assert!(page.contains(heading), "{}: missing `{heading}`", info.code);
            }
            let examples = info.examples();
            assert!(
                examples.iter().any(|e| e.kind == ExampleKind::Fail),
                "{}: needs a ```yaml fail example",
                info.code
            );
            assert!(
                examples.iter().any(|e| e.kind == ExampleKind::Pass),
                "{}: needs a ```yaml pass example",
                info.code
            );
            // The title comes from the catalogue (explain, the docs generator), not the page.
            assert!(
                page.starts_with("## What it flags\n"),
                "{}: the page starts with its first section",
                info.code
            );
        }
    }

    #[test]
    fn lookup_accepts_codes_in_any_case_and_names() {
        assert_eq!(Code::lookup("CA102"), Some(Code::DuplicateKey));
        assert_eq!(Code::lookup("ca102"), Some(Code::DuplicateKey));
        assert_eq!(Code::lookup("duplicate-key"), Some(Code::DuplicateKey));
        assert_eq!(Code::lookup(" CA107 "), Some(Code::FileNotUtf8));
        assert_eq!(Code::lookup("CA999"), None);
        assert_eq!(Code::lookup(""), None);
        assert_eq!(Code::from_name("Duplicate-Key"), None);
    }

    #[test]
    fn examples_are_extracted_with_their_kind() {
        let examples = Code::DuplicateKey.info().examples();
        let fail = examples
            .iter()
            .find(|e| e.kind == ExampleKind::Fail)
            .expect("CA102 has a failing example");
        assert!(fail.yaml.ends_with('\n'));
        assert!(!fail.yaml.contains("```"));
    }

    #[test]
    fn latin1_examples_are_not_utf8() {
        let examples = Code::FileNotUtf8.info().examples();
        let fail = examples
            .iter()
            .find(|e| e.kind == ExampleKind::Fail)
            .expect("CA107 has a failing example");
        assert_eq!(fail.encoding, ExampleEncoding::Latin1);
        assert!(std::str::from_utf8(&fail.bytes()).is_err());
        for info in Code::infos() {
            for example in info.examples() {
                if example.kind == ExampleKind::Pass {
                    assert_eq!(example.encoding, ExampleEncoding::Utf8, "{}", info.code);
                }
            }
        }
    }

    #[test]
    fn plan_stage_failing_examples_need_a_server() {
        for info in Code::infos() {
            for example in info.examples() {
                if example.needs_server {
                    assert_eq!(example.kind, ExampleKind::Fail, "{}", info.code);
                    assert_eq!(
                        info.stage,
                        Stage::Plan,
                        "{}: only plan-stage examples may need a server",
                        info.code
                    );
                }
            }
        }
        let examples = Code::ServerRejectedDefinition.info().examples();
        assert!(examples.iter().any(|e| e.needs_server));
    }

    #[test]
    fn display_shows_code_and_name() {
        assert_eq!(Code::DuplicateKey.to_string(), "CA102 duplicate-key");
    }
}
