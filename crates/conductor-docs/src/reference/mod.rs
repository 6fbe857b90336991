//! The DSL reference, generated from the DSL's JSON Schema (`conductor-apply.schema.json`,
//! whose descriptions are the doc comments of the DSL's types).
//!
//! One page per document kind (the root `anyOf`), per task form (the `anyOf` of `$defs/Task`)
//! and per other definition, each field with its type, whether it is required, its default,
//! its description, its constraints and an example, enumerations listed, and links both ways
//! between a type and the fields that use it. Nothing here is written by hand: a change to a
//! doc comment changes the page of the type that holds the field and nothing else.

mod schema;

use std::collections::BTreeMap;

use conductor_dsl::syntax::document::{DOCUMENT_KINDS, document_schema_name};
use conductor_dsl::syntax::task::{TASK_FORMS, form_schema_name};
use conductor_source::yaml::to_yaml;
use indexmap::IndexMap;
use serde_json::Value;

use crate::Page;
use crate::markdown::{anchor, cell, code, link, one_line, paragraphs, relative, table, tidy};
use schema::{
    Schema, alternatives, constraints, default_words, enumeration, example, fields, ref_name,
    summary, type_words, value_code,
};

/// The folder of the reference pages, under the output root.
pub const REFERENCE_DIR: &str = "reference";
/// The reference's index page.
pub const REFERENCE_INDEX: &str = "reference/README.md";
/// The index of the task forms.
pub const TASK_FORMS_INDEX: &str = "reference/tasks/README.md";

/// The name of the task union in `$defs`.
const TASK_UNION: &str = "Task";

/// What a definition's page documents.
#[derive(Debug, Clone)]
enum Kind {
    /// A document kind, told by its first key.
    Document { key: String },
    /// The union of every task form.
    TaskUnion,
    /// A task form, told by its key, and the Conductor type it compiles to.
    Form {
        key: String,
        conductor_type: Option<&'static str>,
    },
    /// Any other definition.
    Type,
}

/// Where a definition is documented.
#[derive(Debug, Clone)]
struct Target {
    path: String,
    title: String,
    kind: Kind,
}

/// The page of every definition, in the order the index lists them.
struct Layout {
    targets: IndexMap<String, Target>,
}

impl Layout {
    fn new(schema: &Schema<'_>) -> Layout {
        let mut targets = IndexMap::new();
        for option in any_of(schema.root) {
            let Some(name) = ref_name(option) else {
                continue;
            };
            let key = DOCUMENT_KINDS
                .iter()
                .find(|(kind, _)| document_schema_name(*kind) == name)
                .map_or_else(|| name.to_owned(), |(_, key)| (*key).to_owned());
            targets.insert(
                name.to_owned(),
                Target {
                    path: format!("{REFERENCE_DIR}/documents/{}.md", file_stem(&key)),
                    title: format!("{} document", title_case(&key)),
                    kind: Kind::Document { key },
                },
            );
        }
        if let Some(union) = schema.def(TASK_UNION) {
            targets.insert(
                TASK_UNION.to_owned(),
                Target {
                    path: TASK_FORMS_INDEX.to_owned(),
                    title: "Tasks".to_owned(),
                    kind: Kind::TaskUnion,
                },
            );
            for option in any_of(union) {
                let Some(name) = ref_name(option) else {
                    continue;
                };
                let form = TASK_FORMS
                    .iter()
                    .find(|(form, _, _)| form_schema_name(*form) == name);
                let (key, conductor_type) = match form {
                    Some((_, key, conductor_type)) => (
                        (*key).to_owned(),
                        Some(*conductor_type).filter(|t| !t.is_empty()),
                    ),
                    None => (name.to_owned(), None),
                };
                let title = match conductor_type {
                    Some(conductor_type) => format!("`{key}:` task ({conductor_type})"),
                    None => format!("`{key}:` task (any type)"),
                };
                targets.insert(
                    name.to_owned(),
                    Target {
                        path: format!("{REFERENCE_DIR}/tasks/{}.md", file_stem(&key)),
                        title,
                        kind: Kind::Form {
                            key,
                            conductor_type,
                        },
                    },
                );
            }
        }
        let mut others: Vec<&String> = schema
            .defs
            .keys()
            .filter(|name| !targets.contains_key(*name))
            .collect();
        others.sort();
        for name in others {
            targets.insert(
                name.clone(),
                Target {
                    path: format!("{REFERENCE_DIR}/types/{}.md", file_stem(name)),
                    title: name.clone(),
                    kind: Kind::Type,
                },
            );
        }
        Layout { targets }
    }

    /// A link to a definition's page from the page at `from`.
    fn link(&self, from: &str, name: &str) -> String {
        match self.targets.get(name) {
            Some(target) => link(&link_label(name, target), &relative(from, &target.path)),
            None => code(name),
        }
    }
}

/// How a link to a definition reads: a task form by its key, anything else by its name.
fn link_label(name: &str, target: &Target) -> String {
    match &target.kind {
        Kind::Form { key, .. } => code(&format!("{key}:")),
        Kind::Document { key } => format!("{} document", code(&format!("{key}:"))),
        Kind::TaskUnion => "task".to_owned(),
        Kind::Type => name.to_owned(),
    }
}

fn any_of(schema: &Value) -> &[Value] {
    schema
        .get("anyOf")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A definition or key name as a file name: ASCII letters, digits, `_` and `-` are kept, any
/// other character is written `~XX` (its UTF-8 bytes), so that different names never share a
/// file and links need no escaping.
pub fn file_stem(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("~{byte:02X}"));
        }
    }
    if out.is_empty() { "~".to_owned() } else { out }
}

fn title_case(key: &str) -> String {
    match key {
        "workflow" => "Workflow".to_owned(),
        "task" => "Task definition".to_owned(),
        other => other.to_owned(),
    }
}

/// Where each definition is used: the definitions and fields that refer to it.
type Uses = BTreeMap<String, Vec<(String, Option<String>)>>;

fn collect_uses(schema: &Schema<'_>, layout: &Layout) -> Uses {
    let mut uses: Uses = BTreeMap::new();
    for (source, _) in &layout.targets {
        let Some(def) = schema.def(source) else {
            continue;
        };
        for field in fields(def) {
            let mut found = Vec::new();
            refs_in(field.schema, &mut found);
            for target in found {
                let entry = uses.entry(target.to_owned()).or_default();
                let usage = (source.clone(), Some(field.name.to_owned()));
                if !entry.contains(&usage) {
                    entry.push(usage);
                }
            }
        }
        if source == TASK_UNION {
            continue;
        }
        for option in alternatives(def).into_iter().flatten() {
            let mut found = Vec::new();
            refs_in(option, &mut found);
            for target in found {
                let entry = uses.entry(target.to_owned()).or_default();
                let usage = (source.clone(), None);
                if !entry.contains(&usage) {
                    entry.push(usage);
                }
            }
        }
    }
    uses
}

/// Every definition a schema refers to, without following the references.
fn refs_in<'a>(schema: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(name) = ref_name(schema) {
        out.push(name);
    }
    match schema {
        Value::Object(map) => {
            for (key, child) in map {
                if key != "examples" && key != "$ref" {
                    refs_in(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs_in(item, out)),
        _ => {}
    }
}

/// The page of the project file's reference, beside the DSL reference.
pub const PROJECT_PAGE: &str = "reference/project.md";

/// Generates every page of the DSL reference from the DSL's JSON Schema.
pub fn dsl_reference(root: &Value) -> Vec<Page> {
    reference_pages(root, None)
}

/// [`dsl_reference`], and the reference of the project file (`conductor-apply.yaml`) from its
/// JSON Schema at [`PROJECT_PAGE`], linked from the index.
pub fn dsl_and_project_reference(root: &Value, project: &Value) -> Vec<Page> {
    reference_pages(root, Some(project))
}

fn reference_pages(root: &Value, project: Option<&Value>) -> Vec<Page> {
    let schema = Schema::new(root);
    let layout = Layout::new(&schema);
    let uses = collect_uses(&schema, &layout);
    let mut pages = vec![index_page(&schema, &layout, project.is_some())];
    if let Some(project) = project {
        pages.push(project_page(project));
    }
    for (name, target) in &layout.targets {
        let Some(def) = schema.def(name) else {
            continue;
        };
        let content = match target.kind {
            Kind::TaskUnion => task_union_page(&schema, &layout, &uses, def, target),
            _ => definition_page(&schema, &layout, &uses, name, def, target),
        };
        pages.push(Page {
            path: target.path.clone(),
            content: tidy(&content),
        });
    }
    pages
}

const GENERATED_NOTE: &str =
    "<!-- Generated by `conductor-apply docs` from the DSL's JSON Schema; do not edit. -->\n\n";

/// The project file's page: its fields (a table, then a section each), then each object it
/// uses, with its fields.
fn project_page(root: &Value) -> Page {
    let schema = Schema::new(root);
    let from = PROJECT_PAGE;
    let linker = |name: &str| link(name, &format!("#{}", anchor(name)));
    let mut out = String::from(
        "<!-- Generated by `conductor-apply docs` from the project file's JSON Schema; do not edit. -->\n\n",
    );
    out.push_str("# The project file: `conductor-apply.yaml`\n\n");
    out.push_str(&format!(
        "{}\n\n",
        link("DSL reference", &relative(from, REFERENCE_INDEX))
    ));
    out.push_str(
        "conductor-apply finds `conductor-apply.yaml` by walking up from the working directory; \
         its folder is the project's root. Every key is optional.\n\n",
    );
    for paragraph in paragraphs(schema.description(root)) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    let object_fields = fields(root);
    out.push_str("## Fields\n\n");
    let rows: Vec<Vec<String>> = object_fields
        .iter()
        .map(|field| {
            let description = schema.description(field.schema);
            vec![
                link(&code(field.name), &format!("#{}", anchor(field.name))),
                cell(&type_words(field.schema, &linker)),
                cell(&summary(description)),
            ]
        })
        .collect();
    out.push_str(&table(&["Field", "Type", "Description"], &rows));
    for field in &object_fields {
        out.push('\n');
        out.push_str(&field_section(&schema, &linker, field));
    }
    let mut names: Vec<&String> = schema.defs.keys().collect();
    names.sort();
    for name in names {
        let Some(def) = schema.def(name) else {
            continue;
        };
        out.push_str(&format!("\n## {name}\n\n"));
        for paragraph in paragraphs(schema.description(def)) {
            out.push_str(&paragraph);
            out.push_str("\n\n");
        }
        let def_fields = fields(def);
        if def_fields.is_empty() {
            if let Some(options) = alternatives(def) {
                for option in options {
                    out.push_str(&format!("- {}\n", type_words(option, &linker)));
                }
            } else {
                out.push_str(&format!("**Type:** {}\n", type_words(def, &linker)));
            }
            continue;
        }
        let rows: Vec<Vec<String>> = def_fields
            .iter()
            .map(|field| {
                let description = schema.description(field.schema);
                vec![
                    code(field.name),
                    cell(&type_words(field.schema, &linker)),
                    cell(&paragraphs(description).join(" ")),
                ]
            })
            .collect();
        out.push_str(&table(&["Field", "Type", "Description"], &rows));
    }
    Page {
        path: PROJECT_PAGE.to_owned(),
        content: tidy(&out),
    }
}

/// The canonical layout of DSL files, as `conductor-apply fmt` writes it (`conductor-fmt`'s crate
/// documentation is the full statement).
const LAYOUT_SECTION: &str = "
## Layout (`conductor-apply fmt`)

`conductor-apply fmt` writes every DSL file in one layout; `fmt --check` fails a CI run on a file
that is not in it. What the file means never changes: `fmt` compiles it before and after and
writes nothing when the compiled JSON would differ.

- **Indentation**: two spaces a level; a list under a key is indented under it (`tasks:` then
  `  - ref: a`); a mapping or list that is a list item starts on the dash's line.
- **Key order**: as written. Keys are not sorted into the schema's order: comments stay next to
  what they describe, and a diff shows only what the author changed.
- **Quoting**: plain where YAML 1.2 and YAML 1.1 readers both read the text back as the same
  string (`\"${a.b}\"` becomes `${a.b}`); `\"yes\"`, `\"1.0\"`, `\"null\"`, `\"*x\"`, `\"a: b\"` and
  `\"a #b\"` keep their quotes, in the author's kind of quotes. `import` quotes by the same rules.
- **Kept as written**: numbers, booleans and nulls, flow collections (`{name: Ada}`, only
  re-indented), anchors, aliases and tags, block scalars (`|`, `>`; re-indented, chomping kept).
- **Comments and blank lines**: every comment is kept; an own-line comment is indented like what
  follows it; trailing comments are one space after their content, or stay aligned where the
  author aligned them; a run of blank lines becomes one (the blank lines between tasks stay).
- **Files**: documents (`---`) are kept; trailing whitespace is removed; a file ends with one
  line break; CRLF files stay CRLF; a byte order mark is dropped.
";

fn index_page(schema: &Schema<'_>, layout: &Layout, with_project: bool) -> Page {
    let from = REFERENCE_INDEX;
    let mut out = String::from(GENERATED_NOTE);
    out.push_str("# DSL reference\n\n");
    let title = schema
        .root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("conductor-apply document");
    out.push_str(&format!(
        "Every key of the conductor-apply DSL, generated from its JSON Schema ({}, the schema editors use through `# yaml-language-server: $schema=...`).\n\n",
        code(title)
    ));
    for paragraph in paragraphs(schema.description(schema.root)) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    out.push_str("[Back to the catalogue](../README.md)\n\n");
    if with_project {
        out.push_str(&format!(
            "The project file, `conductor-apply.yaml` (files, server, environments and their values, prune scope, allow list): {}.\n\n",
            link("its reference", &relative(from, PROJECT_PAGE))
        ));
    }
    let mut documents = Vec::new();
    let mut forms = Vec::new();
    let mut types = Vec::new();
    for (name, target) in &layout.targets {
        let description = schema.def(name).map_or("", |def| schema.description(def));
        let page_link = link(&link_label(name, target), &relative(from, &target.path));
        match &target.kind {
            Kind::Document { .. } => documents.push(vec![page_link, cell(&summary(description))]),
            Kind::Form { conductor_type, .. } => forms.push(vec![
                page_link,
                conductor_type.map_or_else(|| "any".to_owned(), code),
                cell(&summary(description)),
            ]),
            Kind::TaskUnion => {}
            Kind::Type => types.push(vec![page_link, cell(&summary(description))]),
        }
    }
    out.push_str("## Documents\n\n");
    out.push_str(&table(&["Document", "Summary"], &documents));
    out.push_str(&format!(
        "\n## Task forms\n\nA task's form is told by the one key that carries its type; see {}.\n\n",
        link("Tasks", &relative(from, TASK_FORMS_INDEX))
    ));
    out.push_str(&table(&["Key", "Conductor type", "Summary"], &forms));
    out.push_str("\n## Types\n\n");
    out.push_str(&table(&["Type", "Summary"], &types));
    out.push_str(LAYOUT_SECTION);
    Page {
        path: REFERENCE_INDEX.to_owned(),
        content: tidy(&out),
    }
}

fn breadcrumb(from: &str) -> String {
    format!(
        "{} · {}\n\n",
        link("DSL reference", &relative(from, REFERENCE_INDEX)),
        link("Tasks", &relative(from, TASK_FORMS_INDEX))
    )
}

fn task_union_page(
    schema: &Schema<'_>,
    layout: &Layout,
    uses: &Uses,
    def: &Value,
    target: &Target,
) -> String {
    let from = target.path.as_str();
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&format!("# {}\n\n", target.title));
    out.push_str(&format!(
        "{}\n\n",
        link("DSL reference", &relative(from, REFERENCE_INDEX))
    ));
    for paragraph in paragraphs(schema.description(def)) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    out.push_str("## Forms\n\n");
    let mut rows = Vec::new();
    let mut form_names = Vec::new();
    for option in any_of(def) {
        let Some(name) = ref_name(option) else {
            continue;
        };
        form_names.push(name);
        let Some(form_target) = layout.targets.get(name) else {
            continue;
        };
        let conductor_type = match &form_target.kind {
            Kind::Form { conductor_type, .. } => {
                conductor_type.map_or_else(|| "any".to_owned(), code)
            }
            _ => String::new(),
        };
        let description = schema.def(name).map_or("", |form| schema.description(form));
        rows.push(vec![
            layout.link(from, name),
            conductor_type,
            cell(&summary(description)),
        ]);
    }
    out.push_str(&table(&["Key", "Conductor type", "Summary"], &rows));
    // The keys every form shares, linked to their description on the first form's page.
    let mut shared: Vec<&str> = Vec::new();
    if let Some(first) = form_names.first().and_then(|name| schema.def(name)) {
        for field in fields(first) {
            let everywhere = form_names.iter().all(|name| {
                schema.def(name).is_some_and(|form| {
                    form.get("properties")
                        .and_then(Value::as_object)
                        .is_some_and(|properties| properties.contains_key(field.name))
                })
            });
            if everywhere {
                shared.push(field.name);
            }
        }
    }
    if let (false, Some(first_target)) = (
        shared.is_empty(),
        form_names
            .first()
            .and_then(|name| layout.targets.get(*name)),
    ) {
        out.push_str("\n## Keys every form accepts\n\n");
        let first_page = relative(from, &first_target.path);
        let links: Vec<String> = shared
            .iter()
            .map(|field| link(&code(field), &format!("{first_page}#{}", anchor(field))))
            .collect();
        out.push_str(&links.join(", "));
        out.push('\n');
    }
    used_in(&mut out, layout, uses, TASK_UNION, from);
    out
}

fn definition_page(
    schema: &Schema<'_>,
    layout: &Layout,
    uses: &Uses,
    name: &str,
    def: &Value,
    target: &Target,
) -> String {
    let from = target.path.as_str();
    let linker = |def_name: &str| layout.link(from, def_name);
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&format!("# {}\n\n", target.title));
    out.push_str(&breadcrumb(from));
    for paragraph in paragraphs(schema.description(def)) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    match &target.kind {
        Kind::Document { key } => out.push_str(&format!(
            "A document of this kind starts with {}. A file may hold several documents separated by `---`.\n\n",
            code(&format!("{key}:"))
        )),
        Kind::Form {
            key,
            conductor_type: Some(conductor_type),
        } => out.push_str(&format!(
            "A task in this form is told by its {} key and compiles to a Conductor task of type {}.\n\n",
            code(key),
            code(conductor_type)
        )),
        Kind::Form { key, .. } => out.push_str(&format!(
            "A task in this form is told by its {} key; it is written with Conductor's own field names.\n\n",
            code(key)
        )),
        Kind::TaskUnion | Kind::Type => {}
    }
    if let Some(values) = enumeration(def) {
        out.push_str("## Values\n\n");
        let rows: Vec<Vec<String>> = values
            .iter()
            .map(|(value, description)| vec![cell(&value_code(value)), one_line(description)])
            .collect();
        out.push_str(&table(&["Value", "Meaning"], &rows));
        out.push('\n');
    } else if let Some(options) = alternatives(def) {
        out.push_str("## One of\n\n");
        for option in options {
            let mut line = format!("- {}", type_words(option, &linker));
            let constraints = constraints(option)
                .into_iter()
                .filter(|constraint| !constraint.starts_with("matches the pattern"))
                .collect::<Vec<_>>();
            if !constraints.is_empty() {
                line.push_str(&format!(" ({})", constraints.join(", ")));
            }
            let description = option.get("description").and_then(Value::as_str);
            if let Some(description) = description {
                line.push_str(&format!(": {}", paragraphs(description).join(" ")));
            }
            if let Some(pattern) = option.get("pattern").and_then(Value::as_str) {
                line.push_str(&format!(
                    "\n\n  <details><summary>Pattern</summary>\n\n  ```text\n  {pattern}\n  ```\n\n  </details>"
                ));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    let object_fields = fields(def);
    if !object_fields.is_empty() {
        out.push_str("## Fields\n\n");
        let rows: Vec<Vec<String>> = object_fields
            .iter()
            .map(|field| {
                let description = schema.description(field.schema);
                vec![
                    link(&code(field.name), &format!("#{}", anchor(field.name))),
                    cell(&type_words(field.schema, &linker)),
                    if field.required { "yes" } else { "no" }.to_owned(),
                    cell(&default_words(field.schema, description).unwrap_or_default()),
                    cell(&summary(description)),
                ]
            })
            .collect();
        out.push_str(&table(
            &["Field", "Type", "Required", "Default", "Description"],
            &rows,
        ));
        for field in &object_fields {
            out.push('\n');
            out.push_str(&field_section(schema, &linker, field));
        }
    } else if enumeration(def).is_none() && alternatives(def).is_none() {
        out.push_str(&format!("**Type:** {}\n", type_words(def, &linker)));
    }
    if object_fields.is_empty()
        && let Some(value) = example(schema, def)
    {
        out.push_str("\n## Example\n\n```yaml\n");
        out.push_str(&to_yaml(&value));
        out.push_str("```\n");
    }
    used_in(&mut out, layout, uses, name, from);
    out
}

fn field_section(
    schema: &Schema<'_>,
    linker: &dyn Fn(&str) -> String,
    field: &schema::Field<'_>,
) -> String {
    let description = schema.description(field.schema);
    let mut out = format!("### {}\n\n", code(field.name));
    let mut facts = vec![
        format!("**Type:** {}", type_words(field.schema, linker)),
        format!(
            "**Required:** {}",
            if field.required { "yes" } else { "no" }
        ),
    ];
    if let Some(default) = default_words(field.schema, description) {
        facts.push(format!("**Default:** {default}"));
    }
    let mut all_constraints = constraints(field.schema);
    // A field that refers to a definition carries that definition's constraints too (items of
    // lists are documented on their own page).
    if let Some(name) = ref_name(field.schema)
        && let Some(def) = schema.def(name)
    {
        for constraint in constraints(def) {
            if !all_constraints.contains(&constraint) {
                all_constraints.push(constraint);
            }
        }
    }
    if !all_constraints.is_empty() {
        facts.push(format!("**Constraints:** {}", all_constraints.join("; ")));
    }
    for fact in facts {
        out.push_str(&format!("- {fact}\n"));
    }
    out.push('\n');
    for paragraph in paragraphs(description) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    let values = enumeration(field.schema).or_else(|| {
        ref_name(field.schema)
            .and_then(|name| schema.def(name))
            .and_then(enumeration)
    });
    if let Some(values) = values {
        out.push_str("Values:\n\n");
        for (value, meaning) in values {
            if meaning.is_empty() {
                out.push_str(&format!("- {}\n", value_code(&value)));
            } else {
                out.push_str(&format!(
                    "- {}: {}\n",
                    value_code(&value),
                    paragraphs(&meaning).join(" ")
                ));
            }
        }
        out.push('\n');
    }
    if let Some(value) = example(schema, field.schema) {
        let mut entry = serde_json::Map::new();
        entry.insert(field.name.to_owned(), value);
        out.push_str("Example:\n\n```yaml\n");
        out.push_str(&to_yaml(&Value::Object(entry)));
        out.push_str("```\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn used_in(out: &mut String, layout: &Layout, uses: &Uses, name: &str, from: &str) {
    let Some(usages) = uses.get(name) else {
        return;
    };
    // List users in the order of the index (documents, forms, types).
    let mut ordered: Vec<&(String, Option<String>)> = usages.iter().collect();
    ordered.sort_by_key(|(source, field)| {
        (
            layout.targets.get_index_of(source).unwrap_or(usize::MAX),
            field.clone(),
        )
    });
    // A key every task form has (`startDelay`, ...) is listed once, not once per form.
    let forms: Vec<&String> = layout
        .targets
        .iter()
        .filter(|(_, target)| matches!(target.kind, Kind::Form { .. }))
        .map(|(name, _)| name)
        .collect();
    let in_every_form = |field: &str| {
        !forms.is_empty()
            && forms.iter().all(|form| {
                usages
                    .iter()
                    .any(|(source, used)| source == *form && used.as_deref() == Some(field))
            })
    };
    out.push_str("\n## Used in\n\n");
    let mut listed_for_every_form = Vec::new();
    for (source, field) in ordered {
        let Some(target) = layout.targets.get(source) else {
            continue;
        };
        let page = relative(from, &target.path);
        let owner = link(&link_label(source, target), &page);
        match field {
            Some(field) if matches!(target.kind, Kind::Form { .. }) && in_every_form(field) => {
                if !listed_for_every_form.contains(field) {
                    listed_for_every_form.push(field.clone());
                    out.push_str(&format!(
                        "- {} of every task form\n",
                        link(&code(field), &format!("{page}#{}", anchor(field)))
                    ));
                }
            }
            Some(field) => out.push_str(&format!(
                "- {} of {owner}\n",
                link(&code(field), &format!("{page}#{}", anchor(field)))
            )),
            None => out.push_str(&format!("- an alternative of {owner}\n")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe_and_distinct() {
        assert_eq!(file_stem("HttpTask"), "HttpTask");
        assert_eq!(file_stem("a b"), "a~20b");
        assert_eq!(file_stem("../x"), "~2E~2E~2Fx");
        assert_ne!(file_stem("a b"), file_stem("a_b"));
        assert_eq!(file_stem(""), "~");
    }

    #[test]
    fn every_field_example_is_valid_against_its_schema() {
        let root = conductor_dsl::schema::dsl_schema();
        let schema = Schema::new(&root);
        let mut checked = 0;
        for (name, def) in schema.defs {
            // One validator per definition: its properties, without `required`, checked
            // against an object holding every field's example.
            let mut examples = serde_json::Map::new();
            for field in fields(def) {
                if let Some(value) = example(&schema, field.schema) {
                    examples.insert(field.name.to_owned(), value);
                }
            }
            if examples.is_empty() {
                continue;
            }
            let wrapper = serde_json::json!({
                "properties": def["properties"],
                "$defs": Value::Object(schema.defs.clone()),
            });
            let validator = jsonschema::draft202012::options()
                .build(&wrapper)
                .expect("schema compiles");
            let errors: Vec<String> = validator
                .iter_errors(&Value::Object(examples.clone()))
                .map(|error| format!("{}: {error}", error.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "examples of {name} are invalid: {errors:#?}"
            );
            checked += examples.len();
        }
        assert!(checked > 300, "only {checked} examples checked");
    }
}
