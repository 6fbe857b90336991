//! Problems found in YAML input, as data: kind, span, an optional related span.
//!
//! These carry no diagnostic codes; the diagnostics crate maps each kind to its code.

use std::ops::Range;

use super::build::{ALIAS_NODE_BUDGET, MAX_DEPTH};

/// A problem in the YAML input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    /// What is wrong.
    pub kind: YamlProblemKind,
    /// Where (bytes, on char boundaries); for a syntax error, the character where the parser
    /// stopped (zero-width at a line break or at the end of the text).
    pub span: Range<usize>,
    /// A second place worth showing, with its label: the first definition of a duplicate key,
    /// the anchor of a recursive alias.
    pub related: Option<(Range<usize>, &'static str)>,
}

/// The kinds of [`YamlProblem`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum YamlProblemKind {
    /// The text is not valid YAML; the parse stopped here.
    Syntax {
        /// What the parser expected or found, reworded from saphyr's message.
        message: String,
        /// How to fix it, for the errors where that is known.
        help: Option<&'static str>,
    },
    /// A key appears twice in one mapping; the first value is kept. `related` is the first key.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A mapping or a sequence is used as a mapping key; the entry is dropped.
    ComplexKey,
    /// A merge key (`<<`); YAML 1.2 has none, so it stays an ordinary key named `<<`.
    MergeKey,
    /// A tag other than the core schema's (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
    /// `!!map`, `!!seq`); the tag is ignored.
    UnsupportedTag {
        /// The tag as written.
        tag: String,
    },
    /// A core tag on a node of the wrong kind (`!!map` on a sequence, `!!int` on a mapping).
    TagMismatch {
        /// The tag as written.
        tag: String,
        /// `"scalar"`, `"sequence"` or `"mapping"`.
        node: &'static str,
    },
    /// A scalar whose text is not valid for its tag (`!!int abc`); the value is the text.
    InvalidTaggedValue {
        /// The tag as written.
        tag: String,
        /// The scalar's text.
        text: String,
    },
    /// An alias (`*a`) to an anchor that is not defined before it in the document.
    UnknownAnchor {
        /// The anchor name, without `*`.
        name: String,
    },
    /// An alias inside the node its anchor is defined on; the alias is `null`.
    RecursiveAlias {
        /// The anchor name, without `*`.
        name: String,
    },
    /// Aliases would expand to more than [`ALIAS_NODE_BUDGET`] cost units (nodes, and text by
    /// the 64 bytes) in one file; this alias and the ones after it are `null`.
    AliasBudgetExceeded,
    /// Collections nest deeper than [`MAX_DEPTH`]; the node is `null`.
    TooDeep,
    /// An integer that fits neither `i64` nor `u64`; the value is the text.
    IntegerOutOfRange {
        /// The scalar's text.
        text: String,
    },
    /// `.inf`, `.nan` or a float too large for `f64`: JSON cannot represent it; the value is the
    /// text.
    NotRepresentable {
        /// The scalar's text.
        text: String,
    },
}

impl YamlProblemKind {
    /// The message: lower case, no trailing period, the user's text in backticks.
    pub fn message(&self) -> String {
        match self {
            YamlProblemKind::Syntax { message, .. } => message.clone(),
            YamlProblemKind::DuplicateKey { key } => format!("duplicate key `{key}`"),
            YamlProblemKind::ComplexKey => "a mapping key must be a scalar".to_owned(),
            YamlProblemKind::MergeKey => "merge keys (`<<`) are not supported".to_owned(),
            YamlProblemKind::UnsupportedTag { tag } => format!("unsupported tag `{tag}`"),
            YamlProblemKind::TagMismatch { tag, node } => {
                format!("tag `{tag}` cannot be used on a {node}")
            }
            YamlProblemKind::InvalidTaggedValue { tag, text } => {
                format!("`{text}` is not a valid `{tag}` value")
            }
            YamlProblemKind::UnknownAnchor { name } => format!("unknown anchor `{name}`"),
            YamlProblemKind::RecursiveAlias { name } => {
                format!("alias `*{name}` is inside the node its anchor defines")
            }
            YamlProblemKind::AliasBudgetExceeded => {
                format!(
                    "aliases expand to more than this tool reads from one file ({ALIAS_NODE_BUDGET} \
                     nodes, or about {} MB of text)",
                    ALIAS_NODE_BUDGET * super::build::ALIAS_BYTES_PER_UNIT / 1_000_000
                )
            }
            YamlProblemKind::TooDeep => format!("nesting is deeper than {MAX_DEPTH} levels"),
            YamlProblemKind::IntegerOutOfRange { text } => {
                format!("integer `{text}` does not fit in 64 bits")
            }
            YamlProblemKind::NotRepresentable { text } => {
                format!("`{text}` cannot be represented in JSON")
            }
        }
    }

    /// A short label for the primary span.
    pub fn label(&self) -> &'static str {
        match self {
            YamlProblemKind::Syntax { .. } => "here",
            YamlProblemKind::DuplicateKey { .. } => "duplicate key",
            YamlProblemKind::ComplexKey => "not a scalar",
            YamlProblemKind::MergeKey => "merge key",
            YamlProblemKind::UnsupportedTag { .. } => "unsupported tag",
            YamlProblemKind::TagMismatch { .. } => "wrong tag for this node",
            YamlProblemKind::InvalidTaggedValue { .. } => "invalid value for its tag",
            YamlProblemKind::UnknownAnchor { .. } => "unknown anchor",
            YamlProblemKind::RecursiveAlias { .. } => "recursive alias",
            YamlProblemKind::AliasBudgetExceeded => "expansion stopped here",
            YamlProblemKind::TooDeep => "too deep",
            YamlProblemKind::IntegerOutOfRange { .. } => "out of range",
            YamlProblemKind::NotRepresentable { .. } => "not representable in JSON",
        }
    }

    /// How to fix it, when there is something useful to say: one imperative line.
    pub fn help(&self) -> Option<String> {
        let help = match self {
            YamlProblemKind::Syntax { help, .. } => return help.map(str::to_owned),
            YamlProblemKind::DuplicateKey { .. } => "remove one of the two entries",
            YamlProblemKind::ComplexKey => "use a string as the key",
            YamlProblemKind::MergeKey => {
                "repeat the fields instead, or quote the key (`\"<<\"`) if it is meant literally"
            }
            YamlProblemKind::UnsupportedTag { .. } => {
                "remove the tag; only `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map` and `!!seq` are supported"
            }
            YamlProblemKind::TagMismatch { .. } => "remove the tag",
            YamlProblemKind::InvalidTaggedValue { .. } => "fix the value or remove the tag",
            YamlProblemKind::UnknownAnchor { name } => {
                return Some(format!(
                    "define the anchor with `&{name}` on a node before this alias"
                ));
            }
            YamlProblemKind::RecursiveAlias { .. } => "move the alias out of its anchor's node",
            YamlProblemKind::AliasBudgetExceeded => "use fewer nested aliases",
            YamlProblemKind::TooDeep => "flatten the structure",
            YamlProblemKind::IntegerOutOfRange { .. }
            | YamlProblemKind::NotRepresentable { .. } => "quote the value to keep it as a string",
        };
        Some(help.to_owned())
    }
}

/// Rewords a saphyr error message: lower case, no byte position (saphyr's "byte" counts
/// characters), and a help line for the common mistakes.
pub(crate) fn syntax_kind(info: &str) -> YamlProblemKind {
    let (message, help): (&str, Option<&'static str>) = match info {
        "mapping values are not allowed in this context" => (
            "unexpected `:`, a mapping value is not allowed here",
            Some("quote the value if it contains `: `, or check the indentation"),
        ),
        "while parsing a block mapping, did not find expected key" => (
            "expected a mapping key",
            Some("check the indentation of this line"),
        ),
        "while parsing a block collection, did not find expected '-' indicator" => (
            "expected a sequence entry (`- `)",
            Some("check the indentation of this line"),
        ),
        "while parsing a flow sequence, expected ',' or ']'" => {
            ("expected `,` or `]` in a flow sequence", None)
        }
        "while parsing a flow mapping, did not find expected ',' or '}'" => {
            ("expected `,` or `}` in a flow mapping", None)
        }
        "while parsing a node, did not find expected node content" => ("expected a value", None),
        "while scanning a quoted scalar, found unexpected end of stream" => {
            ("unterminated quoted string", Some("add the closing quote"))
        }
        "while scanning a quoted scalar, found unexpected document indicator" => {
            ("unterminated quoted string", Some("add the closing quote"))
        }
        "invalid trailing content after double-quoted scalar" => (
            "unexpected text after the closing quote",
            Some("quote the whole value"),
        ),
        "while parsing a quoted scalar, found unknown escape character" => (
            "unknown escape sequence in a double-quoted string",
            Some("write `\\\\` for a backslash, or use single quotes"),
        ),
        "block sequence entries are not allowed in this context" => (
            "a sequence entry (`- `) is not allowed here",
            Some("check the indentation of this line"),
        ),
        "mapping keys are not allowed in this context" => (
            "a mapping key is not allowed here",
            Some("check the indentation of this line"),
        ),
        "tabs disallowed within this context (block indentation)"
        | "tabs disallowed in this context"
        | "tab cannot be used as indentation"
        | "while scanning a plain scalar, found a tab" => (
            "tabs cannot be used for indentation",
            Some("indent with spaces"),
        ),
        "comment intercepting the multiline text" => (
            "a comment cannot interrupt a multi-line plain scalar",
            Some("quote the value or move the comment"),
        ),
        "wrongly indented line in block scalar" => {
            ("wrongly indented line in a block scalar", None)
        }
        "unexpected eof" => ("unexpected end of file", None),
        "recursion limit exceeded" => (
            "flow collections are nested too deeply",
            Some("flatten the structure"),
        ),
        "simple key expect ':'" | "simple key expected" => {
            ("expected `:` after a mapping key", None)
        }
        "while scanning an anchor or alias, did not find expected alphabetic or numeric character" => {
            ("expected an anchor name after `&` or `*`", None)
        }
        "while scanning a block scalar, did not find expected comment or line break" => (
            "unexpected text after a block scalar indicator",
            Some("start the content on the next line"),
        ),
        "a block scalar content cannot start with a tab" => (
            "a block scalar cannot start with a tab",
            Some("indent with spaces"),
        ),
        "did not find expected <document start>" => ("expected `---` before a new document", None),
        "invalid content after document end marker" => ("unexpected text after `...`", None),
        other => {
            if let Some(rest) = other.strip_prefix("unexpected character: `") {
                let found = rest.strip_suffix('\'').unwrap_or(rest);
                return YamlProblemKind::Syntax {
                    message: format!("unexpected character `{found}`"),
                    help: None,
                };
            }
            let lower = lower_first(other);
            return YamlProblemKind::Syntax {
                message: lower,
                help: None,
            };
        }
    };
    YamlProblemKind::Syntax {
        message: message.to_owned(),
        help,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
