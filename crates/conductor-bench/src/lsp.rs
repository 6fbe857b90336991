//! The language server's latency as an editor sees it: `conductor-apply lsp` started on a
//! tree, one file opened, then edits that break and fix a `${...}` in it, each timed from the
//! moment the `didChange` is written to the moment the `publishDiagnostics` for that file is
//! read.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What [`time_lsp`] measured.
#[derive(Debug, Clone)]
pub struct LspTimes {
    /// The file edited.
    pub file: PathBuf,
    /// From `initialize` to the answer of the first request (the whole project read, parsed
    /// and checked once).
    pub startup: Duration,
    /// Each edit's time from `didChange` to `publishDiagnostics`.
    pub edits: Vec<Duration>,
    /// The server's own account of each check (its `window/logMessage`), in order.
    pub server_log: Vec<String>,
}

/// Starts `server lsp` in `tree`, and times `runs` pairs of edits (break, fix) of one workflow
/// file. `debounce_ms` is passed to the server.
pub fn time_lsp(
    server: &Path,
    tree: &Path,
    runs: usize,
    debounce_ms: u64,
) -> Result<LspTimes, String> {
    let file = file_to_edit(tree)?;
    let original =
        std::fs::read_to_string(&file).map_err(|e| format!("reading `{}`: {e}", file.display()))?;
    // A reference to a task that does not exist: always reported (an error).
    let broken = original.replacen("${workflow.input.", "${workflw.input.", 1);
    let mut client = Client::start(server, tree, debounce_ms)?;
    let uri = format!("file://{}", file.display());
    let root = format!("file://{}", tree.display());
    let started = Instant::now();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    )?;
    client.notify("initialized", json!({}))?;
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": original}}),
    )?;
    // Any request is answered after the pending analysis: the project is loaded then.
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    )?;
    let startup = started.elapsed();
    let mut edits = Vec::with_capacity(runs * 2);
    let mut version = 1;
    for _ in 0..runs {
        for (text, expect_problems) in [(&broken, true), (&original, false)] {
            version += 1;
            let sent = Instant::now();
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
            )?;
            let diagnostics = client.diagnostics_for(&uri)?;
            edits.push(sent.elapsed());
            if diagnostics.is_empty() == expect_problems {
                return Err(format!(
                    "unexpected diagnostics after edit {version}: {diagnostics:?}"
                ));
            }
        }
    }
    client.request("shutdown", Value::Null)?;
    client.notify("exit", Value::Null)?;
    client.finish();
    Ok(LspTimes {
        file,
        startup,
        edits,
        server_log: client.log,
    })
}

/// The first workflow file (in name order) that reads a workflow input.
fn file_to_edit(tree: &Path) -> Result<PathBuf, String> {
    let mut files = Vec::new();
    collect_yaml(tree, &mut files).map_err(|e| format!("walking `{}`: {e}", tree.display()))?;
    files.sort();
    files
        .into_iter()
        .find(|path| {
            std::fs::read_to_string(path)
                .is_ok_and(|text| text.starts_with("workflow:") || text.contains("\nworkflow:"))
                && std::fs::read_to_string(path)
                    .is_ok_and(|text| text.contains("${workflow.input."))
        })
        .ok_or_else(|| {
            format!(
                "no workflow reading `${{workflow.input...}}` in `{}`",
                tree.display()
            )
        })
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yaml")
        {
            out.push(path);
        }
    }
    Ok(())
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// The server's log lines about its checks.
    log: Vec<String>,
}

/// How long one answer may take before the benchmark gives up.
const TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    fn start(server: &Path, tree: &Path, debounce_ms: u64) -> Result<Client, String> {
        let mut child = Command::new(server)
            .args(["lsp", "--debounce-ms", &debounce_ms.to_string()])
            .current_dir(tree)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting `{}`: {e}", server.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Ok(Client {
            child,
            stdin,
            messages,
            next_id: 1,
            log: Vec::new(),
        })
    }

    fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to the server: {e}"))
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        self.wait_for(|message| message.get("id") == Some(&json!(id)))
    }

    fn diagnostics_for(&mut self, uri: &str) -> Result<Vec<Value>, String> {
        let message = self.wait_for(|message| {
            message.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && message.pointer("/params/uri") == Some(&json!(uri))
        })?;
        Ok(message
            .pointer("/params/diagnostics")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }

    /// The next message `wanted` accepts; other messages are dropped.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Result<Value, String> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .messages
                .recv_timeout(left)
                .map_err(|e| format!("waiting for the server: {e}"))?;
            if message.get("method") == Some(&json!("window/logMessage"))
                && let Some(text) = message.pointer("/params/message").and_then(Value::as_str)
                && text.starts_with("conductor-apply: checked")
            {
                self.log.push(text.to_owned());
            }
            if wanted(&message) {
                return Ok(message);
            }
        }
    }

    /// Waits for the server to exit after `exit`, and stops it by its process id if it does
    /// not.
    fn finish(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
