//! The endpoints of contract §5.2 over an in-memory store, with the status codes and error
//! bodies of contract §4.5 and the audit fields of contract §2.12.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use bytes::Bytes;
use serde_json::{Value, json};

use crate::classes::{Class, NotReadable, materialize_as};
use crate::faults::{self, FaultState, Verdict};
use crate::validation::{Rules, Violation, validate_task_def_as, validate_workflow_def_as};
use crate::version::Profile;
use crate::{Auth, ServerConfig, Stats};

/// The server's state.
struct App {
    profile: Profile,
    rules: Rules,
    auth: Option<Auth>,
    faults: FaultState,
    stats: Arc<Stats>,
    store: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    /// Workflow definitions by (name, version), as GET returns them.
    workflows: BTreeMap<(String, i64), Value>,
    /// Task definitions by name, as GET returns them.
    task_defs: BTreeMap<String, Value>,
    /// Ids of executions started per (name, version); they never finish.
    running: BTreeMap<(String, i64), Vec<String>>,
    /// Issued tokens and when they expire.
    tokens: BTreeMap<String, Option<Instant>>,
    /// A counter for ids and tokens.
    next_id: u64,
}

type Shared = Arc<App>;

/// An error answer, boxed: a `Response` is too large to travel in every `Err`.
type Answer = Box<Response>;

impl App {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The router with every endpoint and the fault, auth and counting middleware.
pub(crate) fn router(config: ServerConfig, stats: Arc<Stats>) -> Router {
    let profile = Profile::new(config.version);
    let app: Shared = Arc::new(App {
        profile,
        rules: config.rules,
        auth: config.auth,
        faults: FaultState::new(config.faults),
        stats,
        store: Mutex::new(Store::default()),
    });
    let mut router = Router::new()
        .route("/api/token", post(token))
        .route(
            "/api/metadata/workflow",
            get(list_workflows)
                .post(register_workflow)
                .put(update_workflows),
        )
        .route("/api/metadata/workflow/validate", post(validate_workflow))
        .route(
            "/api/metadata/workflow/latest-versions",
            get(latest_versions),
        )
        .route("/api/metadata/workflow/{name}", get(get_workflow))
        .route(
            "/api/metadata/workflow/{name}/{version}",
            delete(delete_workflow),
        )
        .route(
            "/api/metadata/taskdefs",
            get(list_task_defs)
                .post(register_task_defs)
                .put(update_task_def),
        )
        .route(
            "/api/metadata/taskdefs/{name}",
            get(get_task_def).delete(delete_task_def),
        )
        .route("/api/workflow/running/{name}", get(running_workflows))
        .route("/api/workflow/{name}", post(start_workflow))
        .route("/api/admin/config", get(admin_config));
    // `GET /api/version` exists from 3.22.0 (before, the route is unknown).
    if profile.version.at_least(3, 22, 0) {
        router = router.route("/api/version", get(version));
    }
    // Before 3.30.0 `names` is read as a workflow name, and `{name}/versions` meets only the
    // DELETE of `{name}/{version}`: a wrong method.
    if profile.names_and_versions() {
        router = router
            .route("/api/metadata/workflow/names", get(workflow_names))
            .route(
                "/api/metadata/workflow/{name}/versions",
                get(workflow_versions),
            );
    }
    if profile.real {
        router = router.method_not_allowed_fallback(method_not_allowed);
    }
    router
        .fallback(not_found)
        .layer(from_fn_with_state(Arc::clone(&app), gate))
        .with_state(app)
}

/// `GET /api/version`: the version as text (3.22.0 and later).
async fn version(State(app): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain;charset=UTF-8")],
        app.profile.version.to_string(),
    )
        .into_response()
}

/// `GET /api/admin/config`: the server's configuration; only `version` is modelled (every
/// release built with build info has it).
async fn admin_config(State(app): State<Shared>) -> Response {
    axum::Json(json!({ "version": app.profile.version.to_string() })).into_response()
}

/// Counting, latency, faults and authentication, around every request.
async fn gate(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    app.stats.requests.fetch_add(1, Ordering::Relaxed);
    if method == Method::GET {
        app.stats.reads.fetch_add(1, Ordering::Relaxed);
    } else if path != "/api/token" {
        app.stats.writes.fetch_add(1, Ordering::Relaxed);
    }
    let latency = app.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let verdict = app.faults.verdict(&method, &path);
    match verdict {
        Verdict::Transient => return faults::transient_response(),
        Verdict::FailWrite(write) => return faults::failed_write_response(write),
        Verdict::Serve | Verdict::Drop => {}
    }
    if path != "/api/token"
        && let Some(problem) = authenticate(&app, request.headers())
    {
        return problem;
    }
    let response = next.run(request).await;
    if verdict == Verdict::Drop {
        return faults::dropped_response();
    }
    response
}

fn authenticate(app: &App, headers: &HeaderMap) -> Option<Response> {
    app.auth.as_ref()?;
    let token = headers
        .get("X-Authorization")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let mut store = app.store();
    let valid = match store.tokens.get(token) {
        Some(Some(expiry)) if *expiry <= Instant::now() => {
            store.tokens.remove(token);
            false
        }
        Some(_) => true,
        None => false,
    };
    (!valid).then(|| {
        let message = if token.is_empty() {
            "Token cannot be null or empty"
        } else {
            "Invalid or expired token"
        };
        error_response(StatusCode::UNAUTHORIZED, message, false)
    })
}

/// `POST /api/token` with `{"keyId", "keySecret"}` answers `{"token"}` (the Orkes form; the OSS
/// server has no auth, contract §5.1).
async fn token(State(app): State<Shared>, request: Request<axum::body::Body>) -> Response {
    if app.profile.real && app.auth.is_none() {
        // No such route on the OSS server: the static-resource 404, whatever the body.
        return not_found(State(app), request).await;
    }
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return error_response(StatusCode::BAD_REQUEST, "unreadable body", false);
    };
    let request = match read_json(&headers, &body) {
        Ok(request) => request,
        Err(problem) => return *problem,
    };
    let Some(auth) = &app.auth else {
        return error_response(
            StatusCode::NOT_FOUND,
            "No static resource api/token.",
            false,
        );
    };
    let key_id = request.get("keyId").and_then(Value::as_str);
    let key_secret = request.get("keySecret").and_then(Value::as_str);
    if key_id != Some(auth.key_id.as_str()) || key_secret != Some(auth.key_secret.as_str()) {
        return error_response(StatusCode::UNAUTHORIZED, "Invalid credentials", false);
    }
    let mut store = app.store();
    store.next_id += 1;
    let token = format!(
        "tok-{}-{:016x}",
        store.next_id,
        now_millis().wrapping_mul(0x9E37_79B9)
    );
    let expiry = auth.token_ttl.map(|ttl| Instant::now() + ttl);
    store.tokens.insert(token.clone(), expiry);
    json_response(StatusCode::OK, &json!({ "token": token }))
}

async fn list_workflows(
    State(app): State<Shared>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let store = app.store();
    let classifier = query
        .get("classifier")
        .filter(|_| app.profile.overwrite_and_classifier())
        .map(|c| c.to_ascii_lowercase());
    let list: Vec<&Value> = store
        .workflows
        .values()
        .filter(|def| match &classifier {
            None => true,
            Some(wanted) => classifier_of(def) == *wanted,
        })
        .collect();
    json_response(StatusCode::OK, &json!(list))
}

/// WorkflowClassifier.java: `metadata.classifier`, or `workflow`.
fn classifier_of(def: &Value) -> String {
    def.pointer("/metadata/classifier")
        .and_then(Value::as_str)
        .unwrap_or("workflow")
        .to_ascii_lowercase()
}

async fn latest_versions(State(app): State<Shared>) -> Response {
    let store = app.store();
    let mut latest: BTreeMap<&str, &Value> = BTreeMap::new();
    for ((name, _), def) in &store.workflows {
        latest.insert(name, def);
    }
    json_response(StatusCode::OK, &json!(latest.values().collect::<Vec<_>>()))
}

async fn workflow_names(State(app): State<Shared>) -> Response {
    let store = app.store();
    let mut names: Vec<&str> = store
        .workflows
        .keys()
        .map(|(name, _)| name.as_str())
        .collect();
    names.dedup();
    json_response(StatusCode::OK, &json!(names))
}

async fn get_workflow(
    State(app): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let store = app.store();
    let version = match query.get("version").map(|v| v.parse::<i64>()) {
        Some(Ok(version)) => Some(version),
        Some(Err(_)) => {
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'",
                false,
            );
        }
        None => None,
    };
    let found = match version {
        Some(version) => store.workflows.get(&(name.clone(), version)),
        None => store
            .workflows
            .range((name.clone(), i64::MIN)..=(name.clone(), i64::MAX))
            .next_back()
            .map(|(_, def)| def),
    };
    match found {
        Some(def) => json_response(StatusCode::OK, def),
        None => error_response(
            StatusCode::NOT_FOUND,
            &format!(
                "No such workflow found by name: {name}, version: {}",
                version.map_or("null".to_owned(), |v| v.to_string())
            ),
            false,
        ),
    }
}

async fn workflow_versions(State(app): State<Shared>, Path(name): Path<String>) -> Response {
    let store = app.store();
    let summaries: Vec<Value> = store
        .workflows
        .range((name.clone(), i64::MIN)..=(name.clone(), i64::MAX))
        .map(|((name, version), def)| {
            let create_time = def.get("createTime").cloned().unwrap_or(json!(0));
            if app.profile.real {
                // The SQL store's summary: `created_on`, no update time.
                return json!({"name": name, "version": version, "createTime": create_time});
            }
            json!({"name": name, "version": version,
                   "createTime": create_time,
                   "updateTime": def.get("updateTime").cloned().unwrap_or(json!(0))})
        })
        .collect();
    json_response(StatusCode::OK, &json!(summaries))
}

/// Reads one workflow from a request: Jackson first (500 on unreadable input, contract §4.4),
/// then the stored form.
fn read_workflow(app: &App, raw: &Value) -> Result<Value, Answer> {
    materialize_as(Class::WorkflowDef, raw, app.profile.version)
        .map_err(|problem| Box::new(not_readable(problem)))
}

/// `POST /api/metadata/workflow`: 409 on an existing name and version unless `overwrite=true`
/// (contract §5.2, §5.3).
async fn register_workflow(
    State(app): State<Shared>,
    Query(query): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw = match read_json(&headers, &body) {
        Ok(raw) => raw,
        Err(problem) => return *problem,
    };
    let mut stored = match read_workflow(&app, &raw) {
        Ok(stored) => stored,
        Err(problem) => return *problem,
    };
    let overwrite = app.profile.overwrite_and_classifier()
        && query.get("overwrite").is_some_and(|v| v == "true");
    let method = if overwrite {
        "updateWorkflowDef"
    } else {
        "registerWorkflowDef"
    };
    let mut store = app.store();
    let violations = validate_workflow_def_as(
        &app.profile.path(method),
        &raw,
        &stored,
        &store.task_defs,
        app.rules,
        app.profile.configured(),
    );
    if !violations.is_empty() {
        return validation_response(&violations);
    }
    let key = identity(&stored);
    if store.workflows.contains_key(&key) && !overwrite {
        return error_response(
            StatusCode::CONFLICT,
            &format!("Workflow with {}.{} already exists!", key.0, key.1),
            false,
        );
    }
    // Contract §2.12: a new def gets createTime; an overwrite gets updateTime, and createTime is
    // whatever the request carried.
    let stamp = if overwrite {
        "updateTime"
    } else {
        "createTime"
    };
    set(&mut stored, stamp, json!(now_millis()));
    store.workflows.insert(key, stored);
    empty_response()
}

/// `PUT /api/metadata/workflow`: a list, validated as a whole before anything is stored
/// (contract §4.1), then each upserted.
async fn update_workflows(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let items = match read_list(
        &headers,
        &body,
        &app.profile.path("updateWorkflowDef"),
        "WorkflowDefList is empty",
    ) {
        Ok(items) => items,
        Err(problem) => return *problem,
    };
    let mut stored_items = Vec::with_capacity(items.len());
    for item in &items {
        match read_workflow(&app, item) {
            Ok(stored) => stored_items.push(stored),
            Err(problem) => return *problem,
        }
    }
    let mut store = app.store();
    let mut violations = Vec::new();
    for (idx, (raw, stored)) in items.iter().zip(&stored_items).enumerate() {
        violations.extend(validate_workflow_def_as(
            &format!("{}[{idx}]", app.profile.path("updateWorkflowDef")),
            raw,
            stored,
            &store.task_defs,
            app.rules,
            app.profile.configured(),
        ));
    }
    if !violations.is_empty() {
        return validation_response(&violations);
    }
    let mut names = Vec::new();
    for mut stored in stored_items {
        set(&mut stored, "updateTime", json!(now_millis()));
        let key = identity(&stored);
        names.push(key.0.clone());
        store.workflows.insert(key, stored);
    }
    json_response(
        StatusCode::OK,
        &json!({"bulkErrorResults": {}, "bulkSuccessfulResults": names}),
    )
}

/// `POST /api/metadata/workflow/validate`: the registration checks, nothing stored.
async fn validate_workflow(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = match read_json(&headers, &body) {
        Ok(raw) => raw,
        Err(problem) => return *problem,
    };
    let stored = match read_workflow(&app, &raw) {
        Ok(stored) => stored,
        Err(problem) => return *problem,
    };
    let store = app.store();
    let violations = validate_workflow_def_as(
        &app.profile.path("validateWorkflowDef"),
        &raw,
        &stored,
        &store.task_defs,
        app.rules,
        app.profile.configured(),
    );
    if violations.is_empty() {
        empty_response()
    } else {
        validation_response(&violations)
    }
}

async fn delete_workflow(
    State(app): State<Shared>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let Ok(version) = version.parse::<i64>() else {
        return error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'",
            false,
        );
    };
    let mut store = app.store();
    match store.workflows.remove(&(name.clone(), version)) {
        Some(_) => empty_response(),
        None if app.profile.redis_store() => error_response(
            StatusCode::NOT_FOUND,
            &format!(
                "Cannot remove the workflow - no such workflow definition: {name} version: {version}"
            ),
            false,
        ),
        // Contract §5.2: the SQL backends' message.
        None => error_response(
            missing_delete_status(&app),
            &format!("No such workflow definition: {name} version: {version}"),
            false,
        ),
    }
}

async fn list_task_defs(State(app): State<Shared>) -> Response {
    let store = app.store();
    json_response(
        StatusCode::OK,
        &json!(store.task_defs.values().collect::<Vec<_>>()),
    )
}

/// `POST /api/metadata/taskdefs`: a list, upserted, audit fields reset as if new (contract
/// §2.12, §5.2).
async fn register_task_defs(
    State(app): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let items = match read_list(
        &headers,
        &body,
        &app.profile.path("registerTaskDef"),
        "TaskDefList is empty",
    ) {
        Ok(items) => items,
        Err(problem) => return *problem,
    };
    let mut stored_items = Vec::with_capacity(items.len());
    let mut violations = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        match materialize_as(Class::TaskDef, item, app.profile.version) {
            Ok(stored) => {
                violations.extend(validate_task_def_as(
                    &format!("{}[{idx}]", app.profile.path("registerTaskDef")),
                    &stored,
                    app.rules,
                    app.profile.configured(),
                ));
                stored_items.push(stored);
            }
            Err(problem) => return not_readable(problem),
        }
    }
    if !violations.is_empty() {
        return validation_response(&violations);
    }
    let mut store = app.store();
    for mut stored in stored_items {
        set(&mut stored, "createdBy", json!(""));
        set(&mut stored, "createTime", json!(now_millis()));
        if let Value::Object(map) = &mut stored {
            map.remove("updatedBy");
            if app.profile.boot2() {
                map.remove("updateTime");
            } else {
                map.insert("updateTime".to_owned(), json!(0));
            }
        }
        let name = text(&stored, "name").to_owned();
        store.task_defs.insert(name, stored);
    }
    empty_response()
}

/// `PUT /api/metadata/taskdefs`: one definition; 404 when it does not exist (contract §5.2,
/// §10).
async fn update_task_def(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = match read_json(&headers, &body) {
        Ok(raw) => raw,
        Err(problem) => return *problem,
    };
    let mut stored = match materialize_as(Class::TaskDef, &raw, app.profile.version) {
        Ok(stored) => stored,
        Err(problem) => return not_readable(problem),
    };
    let violations = validate_task_def_as(
        &app.profile.path("updateTaskDef"),
        &stored,
        app.rules,
        app.profile.configured(),
    );
    if !violations.is_empty() {
        return validation_response(&violations);
    }
    let name = text(&stored, "name").to_owned();
    let mut store = app.store();
    let Some(existing) = store.task_defs.get(&name) else {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!("No such task by name {name}"),
            false,
        );
    };
    // Before 3.21 the update does not carry the creation stamp over.
    let carried: &[&str] = if app.profile.boot2() {
        &[]
    } else {
        &["createTime", "createdBy"]
    };
    for key in carried {
        match existing.get(*key) {
            Some(value) => set(&mut stored, key, value.clone()),
            None => {
                if let Value::Object(map) = &mut stored {
                    map.remove(*key);
                }
            }
        }
    }
    set(&mut stored, "updatedBy", json!(""));
    set(&mut stored, "updateTime", json!(now_millis()));
    store.task_defs.insert(name, stored);
    empty_response()
}

async fn get_task_def(State(app): State<Shared>, Path(name): Path<String>) -> Response {
    let store = app.store();
    match store.task_defs.get(&name) {
        Some(def) => json_response(StatusCode::OK, def),
        None => error_response(
            StatusCode::NOT_FOUND,
            &format!("No such taskType found by name: {name}"),
            false,
        ),
    }
}

async fn delete_task_def(State(app): State<Shared>, Path(name): Path<String>) -> Response {
    let mut store = app.store();
    match store.task_defs.remove(&name) {
        Some(_) => empty_response(),
        None if app.profile.redis_store() => error_response(
            StatusCode::NOT_FOUND,
            "Cannot remove the task - no such task definition",
            false,
        ),
        None => error_response(
            missing_delete_status(&app),
            "No such task definition",
            false,
        ),
    }
}

/// Deleting a missing definition: 404 (`NotFoundException`), but 500 on the SQLite store the
/// real server bundles from 3.22.
fn missing_delete_status(app: &App) -> StatusCode {
    if app.profile.delete_missing_is_500() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NOT_FOUND
    }
}

/// `POST /api/workflow/{name}?version=N`: records an execution that stays RUNNING, so tests can
/// exercise the running-executions check. Answers the id as text, as the server does.
async fn start_workflow(
    State(app): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let mut store = app.store();
    let version = match query.get("version").map(|v| v.parse::<i64>()) {
        Some(Ok(version)) => version,
        Some(Err(_)) => {
            return error_response(StatusCode::BAD_REQUEST, "invalid version", false);
        }
        None => match store
            .workflows
            .range((name.clone(), i64::MIN)..=(name.clone(), i64::MAX))
            .next_back()
        {
            Some(((_, version), _)) => *version,
            None => 1,
        },
    };
    if !store.workflows.contains_key(&(name.clone(), version)) {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!("No such workflow defined. name={name}, version={version}"),
            false,
        );
    }
    store.next_id += 1;
    let id = format!("wf-{:08}", store.next_id);
    store
        .running
        .entry((name, version))
        .or_default()
        .push(id.clone());
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], id).into_response()
}

/// `GET /api/workflow/running/{name}?version=N` (default 1, contract §5.2).
async fn running_workflows(
    State(app): State<Shared>,
    Path(name): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let version = query
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(1);
    let store = app.store();
    let ids = store
        .running
        .get(&(name, version))
        .cloned()
        .unwrap_or_default();
    json_response(StatusCode::OK, &json!(ids))
}

async fn not_found(State(app): State<Shared>, request: Request) -> Response {
    if app.profile.real && app.profile.boot2() {
        // Spring Boot 2's BasicErrorController.
        return json_response(
            StatusCode::NOT_FOUND,
            &json!({"timestamp": boot_timestamp(SystemTime::now()), "status": 404,
                    "error": "Not Found", "path": request.uri().path()}),
        );
    }
    let path = request.uri().path().trim_start_matches('/').to_owned();
    error_response(
        StatusCode::NOT_FOUND,
        &format!("No static resource {path}."),
        false,
    )
}

/// A route that exists with another method: Spring's `HttpRequestMethodNotSupportedException`,
/// a 405 from 3.32.0 and the catch-all 500 before, worded as the Spring of each version words
/// it.
async fn method_not_allowed(State(app): State<Shared>, method: Method) -> Response {
    let message = if app.profile.boot2() {
        format!("Request method '{method}' not supported")
    } else {
        format!("Request method '{method}' is not supported")
    };
    let status = StatusCode::from_u16(app.profile.method_not_allowed_status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error_response(status, &message, false)
}

/// `2026-12-02T15:36:14.931+00:00`, as Boot 2 writes `timestamp`.
fn boot_timestamp(now: SystemTime) -> String {
    let millis = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    let secs = (millis / 1000) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        millis % 1000
    )
}

/// The body as JSON; a wrong content type or malformed JSON is a 500, as Spring maps them
/// (contract §4.4, §5.1).
/// A bulk endpoint's body: a non-empty JSON list, or the server's answer for a body that is
/// not one (an object is unreadable; an empty list violates the `@NotEmpty` on `argument`).
fn read_list(
    headers: &HeaderMap,
    body: &Bytes,
    argument: &str,
    empty_message: &str,
) -> Result<Vec<Value>, Answer> {
    match read_json(headers, body)? {
        Value::Array(items) if items.is_empty() => Err(Box::new(validation_response(&[(
            argument.to_owned(),
            empty_message.to_owned(),
        )]))),
        Value::Array(items) => Ok(items),
        _ => Err(Box::new(not_readable(NotReadable(
            "JSON parse error: Cannot deserialize value of type `java.util.ArrayList` from Object value".to_owned(),
        )))),
    }
}

fn read_json(headers: &HeaderMap, body: &Bytes) -> Result<Value, Answer> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(Box::new(error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("Content-Type '{content_type}' is not supported"),
            false,
        )));
    }
    serde_json::from_slice(body).map_err(|error| {
        Box::new(error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("JSON parse error: {error}"),
            false,
        ))
    })
}

fn not_readable(problem: NotReadable) -> Response {
    error_response(StatusCode::INTERNAL_SERVER_ERROR, &problem.0, false)
}

/// An `ErrorResponse` (contract §4.5).
pub(crate) fn error_response(status: StatusCode, message: &str, retryable: bool) -> Response {
    json_response(
        status,
        &json!({"status": status.as_u16(), "message": message, "instance": "conductor-testserver", "retryable": retryable}),
    )
}

/// A 400 for bean validation: no `instance`, the violations as `validationErrors`
/// (contract §4.5).
fn validation_response(violations: &[Violation]) -> Response {
    let errors: Vec<Value> = violations
        .iter()
        .map(|(path, message)| json!({"path": path, "message": message}))
        .collect();
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"status": 400, "message": "Validation failed, check below errors for detail.",
                "retryable": false, "validationErrors": errors}),
    )
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Void endpoints answer 200 with an empty body (contract §5.1).
fn empty_response() -> Response {
    StatusCode::OK.into_response()
}

fn identity(def: &Value) -> (String, i64) {
    (
        text(def, "name").to_owned(),
        def.get("version").and_then(Value::as_i64).unwrap_or(1),
    )
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn set(value: &mut Value, key: &str, field: Value) {
    if let Value::Object(map) = value {
        map.insert(key.to_owned(), field);
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}
