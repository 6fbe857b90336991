//! The project file, `conductor-apply.yaml`, found by walking up from the working directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use conductor_diagnostics::{Code, Diagnostic, suggest, unallowable_reason};
use conductor_dsl::locate::DocumentSpans;
use conductor_dsl::overlay::{Overlay, is_value_name};
use conductor_dsl::validate::validate_with_schema;
use conductor_model::versions::ServerVersion;
use conductor_source::yaml::{parse_yaml, push_segment};
use conductor_source::{FileId, SourceFile, SourceMap, read_source};
use schemars::JsonSchema;
use serde::Deserialize;

/// The project file's name.
pub const PROJECT_FILE: &str = "conductor-apply.yaml";

/// The settings of a project (`conductor-apply.yaml`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "conductor-apply project file")]
pub struct ProjectSettings {
    /// The project's id: `apply` then keeps, on the server, an inventory of what this project
    /// manages (a task definition `conductor-apply.inventory.<id>`, which every server version
    /// stores), and `--prune` deletes only its members; drift is told for task definitions and
    /// on servers without workflow metadata too. Give each project its own id.
    #[serde(default)]
    #[schemars(
        example = "shop-orders",
        regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
    )]
    pub project: Option<String>,
    /// Globs, relative to the project file, of the definition files; `check`, `compile` and
    /// `plan` take these when no paths are given. Default: every `*.yaml` and `*.yml` file,
    /// except hidden and git-ignored ones and the project file itself.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["workflows/**/*.yaml"]))]
    pub files: Option<Vec<String>>,
    /// The Conductor server's API base URL for `plan` and `apply`, unless `--server`, `--env`
    /// or `CONDUCTOR_SERVER_URL` says otherwise. Default: `http://localhost:8080/api`.
    #[serde(default)]
    #[schemars(example = "https://conductor.example.com/api")]
    pub server: Option<String>,
    /// The Conductor server version the definitions are meant for (`3.21.14`): `check`
    /// reports what that version would lose, refuse or fail to run (CA9xx). `plan` and `apply`
    /// use the version the server reports instead, and this one when it reports none.
    #[serde(default)]
    #[schemars(example = "3.21.14", regex(pattern = r"^v?[0-9]+\.[0-9]+(\.[0-9]+)?$"))]
    pub server_version: Option<String>,
    /// Values for `((name))` in the definitions, the same in every environment unless an
    /// environment's `values` overrides them: a string that is exactly `((name))` takes the
    /// value with its type, a longer one gets its text (`https://((notifyHost))/orders`). Names:
    /// a letter or `_`, then letters, digits, `_`, `-`, `.`. Strings, numbers and booleans.
    #[serde(default)]
    #[schemars(example = serde_json::json!({"ownerEmail": "orders@example.com", "notifyHost": "notify.example.com"}))]
    pub values: Option<BTreeMap<String, OverlayValue>>,
    /// Named environments, chosen with `--env NAME`: each may name its server, its server
    /// version and its own `values` (which override the top-level ones).
    #[serde(default)]
    pub environments: Option<BTreeMap<String, EnvironmentSettings>>,
    /// Which definitions on the server `apply --prune` may delete: those whose names match
    /// these globs, that are not in the project and, for workflows, that conductor-apply
    /// applied (stamped as managed). Without this key, nothing is ever deleted.
    #[serde(default)]
    pub prune: Option<PruneSettings>,
    /// Diagnostic codes (`CA406`) or names (`reference-into-branch`) to suppress in every
    /// file. A suppressed error does not fail the run; the summary says how many were
    /// suppressed. To suppress one place only, write `# conductor-apply: allow CA406` on the
    /// line before it.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["CA406", "undefined-task-definition"]))]
    pub allow: Option<Vec<String>>,
}

/// One named environment of the project file.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentSettings {
    /// The server's API base URL in this environment.
    #[schemars(example = "https://conductor.staging.example.com/api")]
    pub server: Option<String>,
    /// The server version of this environment (see the top-level `serverVersion`).
    #[serde(default)]
    #[schemars(example = "3.32.1", regex(pattern = r"^v?[0-9]+\.[0-9]+(\.[0-9]+)?$"))]
    pub server_version: Option<String>,
    /// Values for `((name))` in this environment, over the top-level `values`.
    #[serde(default)]
    #[schemars(example = serde_json::json!({"notifyHost": "notify.staging.example.com"}))]
    pub values: Option<BTreeMap<String, OverlayValue>>,
}

/// A value of `values`: a string, a number or a boolean.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OverlayValue {
    /// A string.
    String(String),
    /// A number.
    Number(serde_json::Number),
    /// A boolean.
    Bool(bool),
}

impl OverlayValue {
    fn to_json(&self) -> serde_json::Value {
        match self {
            OverlayValue::String(text) => serde_json::Value::String(text.clone()),
            OverlayValue::Number(number) => serde_json::Value::Number(number.clone()),
            OverlayValue::Bool(flag) => serde_json::Value::Bool(*flag),
        }
    }
}

/// The prune scope: name globs (`*`, `?`, `[abc]`) per kind of definition.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PruneSettings {
    /// Workflow names `--prune` may delete (all versions of a matching name).
    #[serde(default)]
    #[schemars(example = serde_json::json!(["orders_*"]))]
    pub workflows: Vec<String>,
    /// Task definition names `--prune` may delete.
    #[serde(default)]
    #[schemars(example = serde_json::json!(["orders_*"]))]
    pub task_defs: Vec<String>,
}

/// A project: its root directory and settings.
#[derive(Debug, Clone)]
pub struct Project {
    /// The directory of the project file, or the working directory when there is none.
    pub root: PathBuf,
    /// Where the project file is, if there is one.
    pub file: Option<PathBuf>,
    /// Its settings.
    pub settings: ProjectSettings,
}

impl Project {
    /// The server version the project names for `environment` (its `serverVersion`), else the
    /// project's; `None` when neither names a valid one.
    pub fn server_version(&self, environment: Option<&str>) -> Option<ServerVersion> {
        let from_environment = environment
            .and_then(|name| self.settings.environments.as_ref()?.get(name))
            .and_then(|environment| environment.server_version.as_deref());
        from_environment
            .or(self.settings.server_version.as_deref())
            .and_then(ServerVersion::parse)
    }

    /// The values of `environment` (the top-level `values`, overridden by the environment's)
    /// for `((name))` in the definitions, with the names only other environments declare.
    pub fn overlay(&self, environment: Option<&str>) -> Overlay {
        let mut overlay = Overlay {
            environment: environment.map(str::to_owned),
            ..Overlay::default()
        };
        for (name, value) in self.settings.values.iter().flatten() {
            overlay.values.insert(name.clone(), value.to_json());
        }
        let environments = self.settings.environments.iter().flatten();
        for (env_name, settings) in environments {
            for (name, value) in settings.values.iter().flatten() {
                if Some(env_name.as_str()) == environment {
                    overlay.values.insert(name.clone(), value.to_json());
                } else {
                    overlay
                        .elsewhere
                        .entry(name.clone())
                        .or_default()
                        .push(env_name.clone());
                }
            }
        }
        let values = &overlay.values;
        overlay
            .elsewhere
            .retain(|name, _| !values.contains_key(name));
        overlay
    }

    /// The codes of the settings' `allow` list; entries that name no code are reported when
    /// the project file is read, and skipped here.
    pub fn allowed_codes(&self) -> Vec<Code> {
        self.settings
            .allow
            .iter()
            .flatten()
            .filter_map(|entry| Code::lookup(entry))
            .collect()
    }
}

/// Why the project file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// It could not be read.
    #[error("reading `{}`: {source}", path.display())]
    Read {
        /// The project file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: conductor_source::SourceError,
    },
}

/// Finds and reads the project file above `start`. Problems in it are diagnostics (the file is
/// added to `sources` so they can point into it).
pub fn load_project(
    start: &Path,
    sources: &mut SourceMap,
) -> Result<(Project, Vec<Diagnostic>), ProjectError> {
    let Some(file) = start
        .ancestors()
        .map(|dir| dir.join(PROJECT_FILE))
        .find(|candidate| candidate.is_file())
    else {
        return Ok((
            Project {
                root: start.to_path_buf(),
                file: None,
                settings: ProjectSettings::default(),
            },
            Vec::new(),
        ));
    };
    let root = file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| start.to_path_buf());
    let source = read_source(&file, display_path(&file)).map_err(|source| ProjectError::Read {
        path: file.clone(),
        source,
    })?;
    let file_id = sources.add(source);
    let (settings, diagnostics) = parse_settings(file_id, sources.get(file_id));
    Ok((
        Project {
            root,
            file: Some(file),
            settings,
        },
        diagnostics,
    ))
}

fn parse_settings(file: FileId, source: &SourceFile) -> (ProjectSettings, Vec<Diagnostic>) {
    let parsed = parse_yaml(source.text());
    let mut diagnostics: Vec<Diagnostic> = parsed
        .problems
        .iter()
        .map(|problem| {
            Diagnostic::new(Code::YamlSyntaxError, problem.kind.message()).with_primary(
                file,
                problem.span.clone(),
                problem.kind.label(),
            )
        })
        .collect();
    let Some(document) = parsed.documents.into_iter().next() else {
        return (ProjectSettings::default(), diagnostics);
    };
    if document.value.is_null() {
        return (ProjectSettings::default(), diagnostics);
    }
    let spans = DocumentSpans::new(document.root, document.span);
    // The schema first: an unknown key is reported at the key, with a did-you-mean (`file:`
    // for `files:`), a wrong value at the value. What is valid is still used.
    let schema_problems = validate_with_schema(file, &document.value, &spans, &project_schema());
    let value = if schema_problems.is_empty() {
        document.value
    } else {
        diagnostics.extend(schema_problems);
        salvage(&document.value)
    };
    let settings = match serde_json::from_value::<ProjectSettings>(value) {
        Ok(settings) => settings,
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::ValueNotAllowed,
                    format!("invalid project file: {error}"),
                )
                .with_primary(file, spans.span.start..spans.span.start, "in this file")
                .with_help("see schemas/project.schema.json for the keys a project file accepts"),
            );
            return (ProjectSettings::default(), diagnostics);
        }
    };
    value_problems(file, &settings, &spans, &mut diagnostics);
    (settings, diagnostics)
}

/// The JSON Schema of the project file (`schemas/project.schema.json`).
pub fn project_schema() -> serde_json::Value {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<ProjectSettings>()
        .into()
}

/// The parts of a project file with schema errors that can still be read: every top-level key
/// that reads on its own, and of one that does not, every entry that does (one environment,
/// one prune list), so that one mistake does not lose the rest of the file.
fn salvage(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Map, Value};
    let reads = |value: Value| serde_json::from_value::<ProjectSettings>(value).is_ok();
    let Value::Object(map) = value else {
        return Value::Null;
    };
    let mut kept = Map::new();
    for (key, child) in map {
        let single = |child: Value| Value::Object(Map::from_iter([(key.clone(), child)]));
        if reads(single(child.clone())) {
            kept.insert(key.clone(), child.clone());
            continue;
        }
        let Value::Object(entries) = child else {
            continue;
        };
        let readable: Map<String, Value> = entries
            .iter()
            .filter(|(name, entry)| {
                let one = Value::Object(Map::from_iter([((*name).clone(), (*entry).clone())]));
                reads(single(one))
            })
            .map(|(name, entry)| (name.clone(), entry.clone()))
            .collect();
        if !readable.is_empty() && reads(single(Value::Object(readable.clone()))) {
            kept.insert(key.clone(), Value::Object(readable));
        }
    }
    Value::Object(kept)
}

/// What the schema cannot say: versions and ids that must parse, server URLs with a scheme,
/// codes that exist.
fn value_problems(
    file: FileId,
    settings: &ProjectSettings,
    spans: &DocumentSpans,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // The span of the value at a pointer, or the start of the file.
    let value_span = |pointer: &str| {
        spans
            .root
            .lookup(pointer)
            .map(|found| found.node.span.clone())
            .unwrap_or(spans.span.start..spans.span.start)
    };
    let mut versions = vec![("/serverVersion".to_owned(), settings.server_version.clone())];
    let mut servers = vec![("/server".to_owned(), settings.server.clone())];
    for (name, environment) in settings.environments.iter().flatten() {
        let mut pointer = "/environments".to_owned();
        push_segment(&mut pointer, name);
        versions.push((
            format!("{pointer}/serverVersion"),
            environment.server_version.clone(),
        ));
        servers.push((format!("{pointer}/server"), environment.server.clone()));
    }
    // Value names (`((name))` in the definitions) must be names.
    let mut value_maps = vec![("/values".to_owned(), settings.values.as_ref())];
    for (name, environment) in settings.environments.iter().flatten() {
        let mut pointer = "/environments".to_owned();
        push_segment(&mut pointer, name);
        value_maps.push((format!("{pointer}/values"), environment.values.as_ref()));
    }
    for (pointer, values) in value_maps {
        for name in values.into_iter().flat_map(BTreeMap::keys) {
            if is_value_name(name) {
                continue;
            }
            let key_span = spans
                .root
                .lookup(&pointer)
                .and_then(|found| {
                    found
                        .node
                        .as_mapping()?
                        .iter()
                        .find(|entry| &entry.key == name)
                        .map(|entry| entry.key_span.clone())
                })
                .unwrap_or(spans.span.start..spans.span.start);
            diagnostics.push(
                Diagnostic::new(
                    Code::ValueNotAllowed,
                    format!("`{name}` is not a value name"),
                )
                .with_primary(file, key_span, "not a name")
                .with_help(
                    "start with a letter or `_`, then use letters, digits, `_`, `-` and `.`",
                ),
            );
        }
    }
    for (pointer, version) in versions {
        let Some(version) = version else { continue };
        if ServerVersion::parse(&version).is_some() {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::ValueNotAllowed,
                format!("`{version}` is not a server version"),
            )
            .with_primary(file, value_span(&pointer), "not a version")
            .with_help("write the version as the server reports it, such as `3.21.14`"),
        );
    }
    for (pointer, server) in servers {
        let Some(server) = server else { continue };
        if is_server_url(&server) {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::ValueNotAllowed,
                format!("`{server}` is not an http or https URL"),
            )
            .with_primary(file, value_span(&pointer), "not a URL")
            .with_note("`plan` and `apply` cannot reach a server without a scheme and a host")
            .with_help(match server.contains("://") {
                true => "write the server's API URL, such as `https://conductor.example.com/api`"
                    .to_owned(),
                false => format!("write the URL with its scheme: `http://{server}`"),
            }),
        );
    }
    if let Some(id) = &settings.project {
        let valid = id.len() <= 100
            && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            diagnostics.push(
                Diagnostic::new(Code::ValueNotAllowed, format!("`{id}` is not a project id"))
                    .with_primary(file, value_span("/project"), "not an id")
                    .with_help(
                        "use letters, digits, `_`, `.` and `-`, starting with a letter or digit",
                    ),
            );
        }
    }
    for (idx, entry) in settings.allow.iter().flatten().enumerate() {
        let entry_span = value_span(&format!("/allow/{idx}"));
        if let Some(code) = Code::lookup(entry) {
            if !code.can_be_allowed() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnallowableCode,
                        format!("`{entry}` cannot be allowed"),
                    )
                    .with_primary(file, entry_span, "this error is reported anyway")
                    .with_note(unallowable_reason(code))
                    .with_help("fix the error, then remove the code from `allow`"),
                );
            }
            continue;
        }
        let names = Code::infos().map(|info| info.name);
        diagnostics.push(
            Diagnostic::new(
                Code::ValueNotAllowed,
                format!("`{entry}` is not a diagnostic code"),
            )
            .with_primary(file, entry_span, "no such code")
            .with_suggestion_or_help(
                suggest(entry, names),
                "`conductor-apply explain --list` lists every code",
            ),
        );
    }
}

/// Whether `text` is an `http` or `https` URL with a host, as the client needs.
fn is_server_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.contains(char::is_whitespace)
    })
}

/// A path as shown to the user: relative to the working directory when below it, with forward
/// slashes.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let shown = relative.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}
