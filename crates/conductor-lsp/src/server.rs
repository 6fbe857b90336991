//! The message loop: requests answered in order, changes checked after a debounce interval,
//! diagnostics published only for the files whose diagnostics changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use serde_json::{Value, json};

use crate::protocol::diagnostics_by_uri;
use crate::text::{LineIndex, uri_to_path};
use crate::workspace::{Workspace, canonical};
use crate::{Options, ProjectLoader, ProjectSetup};

/// Why the server stopped before the client said `exit`.
#[derive(Debug)]
pub enum ServeError {
    /// The client broke the protocol (no `initialize` first, a closed stream).
    Protocol(ProtocolError),
    /// Reading stdin or writing stdout failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Protocol(error) => write!(f, "language server protocol error: {error}"),
            ServeError::Io(error) => write!(f, "language server i/o error: {error}"),
        }
    }
}

impl std::error::Error for ServeError {}

impl From<ProtocolError> for ServeError {
    fn from(error: ProtocolError) -> Self {
        ServeError::Protocol(error)
    }
}

/// Serves the editor on stdin and stdout until it says `exit`.
pub fn serve_stdio(loader: &dyn ProjectLoader, options: Options) -> Result<(), ServeError> {
    let (connection, threads) = Connection::stdio();
    serve(&connection, loader, options)?;
    drop(connection);
    threads.join().map_err(ServeError::Io)
}

/// Serves one client on `connection` until it says `exit` (after `shutdown`).
pub fn serve(
    connection: &Connection,
    loader: &dyn ProjectLoader,
    options: Options,
) -> Result<(), ServeError> {
    let (id, params) = connection.initialize_start()?;
    let options = client_options(&params, options);
    let root = root_directory(&params);
    let capabilities = json!({
        // Full text on every change: definition files are small, and a full text cannot drift
        // from the editor's.
        "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
        "hoverProvider": true,
        "definitionProvider": true,
        "completionProvider": {"triggerCharacters": ["{", "."]},
        "documentFormattingProvider": options.formatter.is_some(),
    });
    connection.initialize_finish(
        id,
        json!({
            "capabilities": capabilities,
            "serverInfo": {"name": "conductor-apply", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let mut server = Server {
        connection,
        loader,
        options,
        workspace: Workspace::new(ProjectSetup::default()),
        published: BTreeMap::new(),
        due: None,
    };
    if params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(Value::as_bool)
        == Some(true)
    {
        server.watch_files();
    }
    server.load_project(&root);
    server.check_and_publish();
    server.run()
}

/// `initializationOptions` override the defaults: `{"debounceMs": 30}`.
fn client_options(params: &Value, mut options: Options) -> Options {
    if let Some(ms) = params
        .pointer("/initializationOptions/debounceMs")
        .and_then(Value::as_u64)
    {
        options.debounce = std::time::Duration::from_millis(ms);
    }
    options
}

/// The workspace's directory: the first workspace folder, else `rootUri`, else the working
/// directory.
fn root_directory(params: &Value) -> PathBuf {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str);
    uri.and_then(uri_to_path)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

struct Server<'c> {
    connection: &'c Connection,
    loader: &'c dyn ProjectLoader,
    options: Options,
    workspace: Workspace,
    /// The diagnostics last published for each URI, so that only changes are sent and a file
    /// whose problems are fixed is cleared.
    published: BTreeMap<String, Vec<Value>>,
    /// When the pending changes are to be checked.
    due: Option<Instant>,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), ServeError> {
        loop {
            let message = match self.due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(message) => message,
                        Err(RecvTimeoutError::Timeout) => {
                            self.check_and_publish();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(()),
                },
            };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    // An answer reflects every change the editor sent before the request.
                    if self.workspace.is_stale() {
                        self.check_and_publish();
                    }
                    // A bug in one answer must not take the editor's diagnostics down with
                    // it: the request fails, the server goes on (answers only read).
                    let id = request.id.clone();
                    let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.answer(request)
                    }))
                    .unwrap_or_else(|_| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "conductor-apply failed to answer this request (a bug: please report it)"
                                .to_owned(),
                        )
                    });
                    self.send(Message::Response(response));
                }
                Message::Notification(notification) => self.notified(notification),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // The writer thread ends only when stdout is closed, and then the client is gone.
        let _ = self.connection.sender.send(message);
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )));
    }

    fn log(&self, kind: u8, message: String) {
        self.notify(
            "window/logMessage",
            json!({"type": kind, "message": message}),
        );
    }

    /// Reads the project around `directory`, keeping the open buffers.
    fn load_project(&mut self, directory: &Path) {
        let setup = match self.loader.load(directory) {
            Ok(setup) => setup,
            Err(error) => {
                self.notify(
                    "window/showMessage",
                    json!({"type": 1, "message": format!("conductor-apply: {error}")}),
                );
                ProjectSetup {
                    root: directory.to_path_buf(),
                    ..ProjectSetup::default()
                }
            }
        };
        let buffers: Vec<(PathBuf, String)> = self
            .workspace
            .buffers()
            .map(|(path, text)| (path.to_path_buf(), text.to_owned()))
            .collect();
        self.log(
            3,
            format!(
                "conductor-apply: {} definition files in {}{}",
                setup.files.len(),
                setup.root.display(),
                match &setup.project_file {
                    Some(file) => format!(" (project file {})", file.display()),
                    None => " (no project file)".to_owned(),
                }
            ),
        );
        self.workspace = Workspace::new(setup);
        for (path, text) in buffers {
            self.workspace.set_buffer(&path, text);
        }
    }

    /// Asks the client to report YAML files created, changed or deleted outside the editor (a
    /// `git checkout`, a generator), so that the project stays what is on disk.
    fn watch_files(&self) {
        let registration = json!({"registrations": [{
            "id": "conductor-apply-yaml-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [
                {"globPattern": "**/*.yaml"},
                {"globPattern": "**/*.yml"},
            ]},
        }]});
        self.send(Message::Request(Request::new(
            lsp_server::RequestId::from("conductor-apply-watch".to_owned()),
            "client/registerCapability".to_owned(),
            registration,
        )));
    }

    fn schedule(&mut self) {
        self.due = Some(Instant::now() + self.options.debounce);
    }

    fn check_and_publish(&mut self) {
        self.due = None;
        let started = Instant::now();
        let times = self.workspace.analyze();
        let analysed = started.elapsed();
        let fallback = self.workspace.project_file_id();
        let mut current = diagnostics_by_uri(
            &self.workspace.diagnostics,
            self.workspace.report_sources(),
            fallback,
        );
        let cleared: Vec<String> = self
            .published
            .keys()
            .filter(|uri| !current.contains_key(*uri))
            .cloned()
            .collect();
        for uri in cleared {
            current.insert(uri, Vec::new());
        }
        let mut sent = 0;
        for (uri, diagnostics) in current {
            if self.published.get(&uri) == Some(&diagnostics) {
                continue;
            }
            self.notify(
                "textDocument/publishDiagnostics",
                json!({"uri": uri, "diagnostics": diagnostics}),
            );
            sent += 1;
            if diagnostics.is_empty() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri, diagnostics);
            }
        }
        // For `bench/lsp.sh` and whoever wonders where the time goes (the client's log).
        self.log(
            4,
            format!(
                "conductor-apply: checked in {:.1} ms ({times}); published {:.1} ms after the check began, {sent} file(s)",
                analysed.as_secs_f64() * 1000.0,
                started.elapsed().as_secs_f64() * 1000.0
            ),
        );
    }

    fn notified(&mut self, notification: Notification) {
        let params = &notification.params;
        let path = params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(uri_to_path);
        match (notification.method.as_str(), path) {
            ("textDocument/didOpen", Some(path)) => {
                let text = params
                    .pointer("/textDocument/text")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                self.workspace.set_buffer(&path, text.to_owned());
                self.schedule();
            }
            ("textDocument/didChange", Some(path)) => {
                // Full synchronisation: the last change holds the whole text.
                let changes = params.get("contentChanges").and_then(Value::as_array);
                if let Some(text) = changes
                    .and_then(|changes| changes.last())
                    .and_then(|change| change.get("text"))
                    .and_then(Value::as_str)
                {
                    self.workspace.set_buffer(&path, text.to_owned());
                    self.schedule();
                }
            }
            ("textDocument/didClose", Some(path)) => {
                self.workspace.close_buffer(&path);
                self.schedule();
            }
            // The project file's `files:`, `allow` or values may have changed.
            ("textDocument/didSave", Some(path)) if self.is_project_file(&path) => {
                let root = self.workspace.root().to_path_buf();
                self.load_project(&root);
                self.schedule();
            }
            ("workspace/didChangeWatchedFiles", _) => {
                let changes = params
                    .get("changes")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut reload = false;
                for change in &changes {
                    let Some(path) = change
                        .get("uri")
                        .and_then(Value::as_str)
                        .and_then(uri_to_path)
                    else {
                        continue;
                    };
                    // 1 created, 2 changed, 3 deleted: a file created or deleted may change
                    // the project's list of files.
                    let kind = change.get("type").and_then(Value::as_u64).unwrap_or(2);
                    if kind != 2 || self.is_project_file(&path) {
                        reload = true;
                    } else {
                        self.workspace.reload_from_disk(&path);
                    }
                }
                if reload {
                    let root = self.workspace.root().to_path_buf();
                    self.load_project(&root);
                }
                self.schedule();
            }
            _ => {}
        }
    }

    fn is_project_file(&self, path: &Path) -> bool {
        self.workspace
            .project_file()
            .is_some_and(|file| canonical(file) == canonical(path))
    }

    fn answer(&mut self, request: Request) -> Response {
        let Request { id, method, params } = request;
        let Some(path) = params
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .and_then(uri_to_path)
        else {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("`{method}` with no file:// textDocument is not supported"),
            );
        };
        let offset = |workspace: &Workspace| -> Option<usize> {
            let text = workspace.text(&path)?;
            let line = params.pointer("/position/line")?.as_u64()?;
            let character = params.pointer("/position/character")?.as_u64()?;
            Some(LineIndex::new(text).offset(
                text,
                u32::try_from(line).ok()?,
                u32::try_from(character).ok()?,
            ))
        };
        match method.as_str() {
            "textDocument/hover" => {
                let answer = offset(&self.workspace)
                    .and_then(|offset| crate::hover::hover(&self.workspace, &path, offset));
                Response::new_ok(id, answer.unwrap_or(Value::Null))
            }
            "textDocument/definition" => {
                let answer = offset(&self.workspace)
                    .and_then(|offset| crate::navigate::definition(&self.workspace, &path, offset));
                Response::new_ok(id, answer.unwrap_or(Value::Null))
            }
            "textDocument/completion" => {
                let items = offset(&self.workspace)
                    .map(|offset| crate::complete::completion(&self.workspace, &path, offset))
                    .unwrap_or_default();
                Response::new_ok(id, json!({"isIncomplete": false, "items": items}))
            }
            "textDocument/formatting" => {
                let edits = self.format(&path);
                Response::new_ok(id, edits)
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("conductor-apply does not handle `{method}`"),
            ),
        }
    }

    /// One edit replacing the whole document with its formatted text; none when the text is
    /// already formatted or cannot be (the reason goes to the client's log).
    fn format(&self, path: &Path) -> Value {
        let (Some(formatter), Some(text)) = (self.options.formatter, self.workspace.text(path))
        else {
            return json!([]);
        };
        match formatter(text) {
            Ok(formatted) if formatted == text => json!([]),
            Ok(formatted) => {
                let index = LineIndex::new(text);
                json!([{"range": index.range(text, &(0..text.len())), "newText": formatted}])
            }
            Err(error) => {
                self.log(
                    1,
                    format!("conductor-apply: cannot format {}: {error}", path.display()),
                );
                json!([])
            }
        }
    }
}
