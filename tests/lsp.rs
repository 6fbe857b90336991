//! `conductor-apply lsp` driven over stdio by a scripted client: initialize, open and change a
//! document, hover, definition, completion, formatting, shutdown and exit, asserting on the
//! ranges and contents of the answers and on the diagnostics published after each change.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::Sandbox;

/// How long any one answer may take before the test fails rather than hangs.
const TIMEOUT: Duration = Duration::from_secs(20);

const PROJECT: &str = "project: lsp-test\nfiles:\n  - workflows/**/*.yaml\n";

/// The workflow as it is on disk: no problem. Non-ASCII text sits before an expression on the
/// same line, so a byte or character column would put its ranges in the wrong place.
const ORDERS: &str = "\
workflow: orders
description: \"Café ☕ orders\"
version: 1
ownerEmail: team@example.com
inputs: [orderId]
tasks:
  - ref: load_ref
    task: load_order
    input:
      orderId: ${workflow.input.orderId}
  - ref: charge
    subWorkflow:
      name: payment
    input:
      label: \"é😀 ${load_ref.output.total}\"
output:
  total: ${load_ref.output.total}
";

/// What the task definition and the sub-workflow are, in another file.
const DEFINITIONS: &str = "\
task: load_order
ownerEmail: team@example.com
outputKeys: [total, items]
---
workflow: payment
version: 1
ownerEmail: team@example.com
tasks:
  - ref: pay
    task: load_order
output:
  paid: ${pay.output.total}
";

/// A scripted LSP client on the server's stdin and stdout.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages received while waiting for another.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(directory: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_conductor-apply"))
            .args(["lsp", "--debounce-ms", "20"])
            .current_dir(directory)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(|message| message.get("id") == Some(&json!(id)));
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// The first message (received before or from now) that `wanted` accepts; fails the test
    /// after [`TIMEOUT`].
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(position) = self.pending.iter().position(&wanted) {
            return self.pending.remove(position);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.pending.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no awaited message within {TIMEOUT:?}; received: {:#?}",
                        self.pending
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout; received: {:#?}", self.pending)
                }
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(|message| {
            message.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                && message.pointer("/params/uri") == Some(&json!(uri))
        });
        message
            .pointer("/params/diagnostics")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A server that did not exit is stopped by its own process id.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
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

fn uri(path: &Path) -> String {
    let canonical = std::fs::canonicalize(path).expect("canonical path");
    format!("file://{}", canonical.display())
}

/// The LSP position (line, UTF-16 column) of the `nth` occurrence of `needle` in `text`, plus
/// `shift` characters.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .map(|(offset, _)| offset)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the text"))
        + shift;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |idx| idx + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The LSP range of the `nth` occurrence of `needle`.
fn range(text: &str, needle: &str, nth: usize) -> Value {
    json!({
        "start": position(text, needle, nth, 0),
        "end": position(text, needle, nth, needle.len()),
    })
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn labels(completion: &Value) -> Vec<String> {
    completion["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_scripted_session_gets_diagnostics_hover_definition_and_completion() {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", PROJECT);
    let orders_path = sandbox.write("workflows/orders.yaml", ORDERS);
    let definitions_path = sandbox.write("workflows/definitions.yaml", DEFINITIONS);
    // A workflow test naming a workflow the project lacks: `check` reports it, so does the
    // server, on the test file.
    let tests_path = sandbox.write(
        "workflows/orders.test.yaml",
        "test: runs\nworkflow: nowhere\nexpect:\n  status: COMPLETED\n",
    );
    let orders = uri(&orders_path);
    let definitions = uri(&definitions_path);

    let mut client = Client::start(sandbox.path());
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(sandbox.path()), "capabilities": {}}),
    );
    assert_eq!(initialized["capabilities"]["hoverProvider"], json!(true));
    assert_eq!(
        initialized["capabilities"]["definitionProvider"],
        json!(true)
    );
    client.notify("initialized", json!({}));
    let diagnostics = client.diagnostics_for(&uri(&tests_path));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], json!("CA001"), "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["range"],
        range("test: runs\nworkflow: nowhere\n", "nowhere", 0)
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": orders, "languageId": "yaml", "version": 1, "text": ORDERS}}),
    );

    // A broken `${ref.output.x}` after non-ASCII text, and a duplicate reference (whose first
    // use is related information): both appear, at UTF-16 ranges.
    let broken = ORDERS
        .replace("${load_ref.output.total}\"", "${load_ref.output.totl}\"")
        .replace(
            "  - ref: charge",
            "  - ref: load_ref\n    task: load_order\n  - ref: charge",
        );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diagnostics = client.diagnostics_for(&orders);
    let by_code = |code: &str| {
        diagnostics
            .iter()
            .find(|diagnostic| diagnostic["code"] == json!(code))
            .unwrap_or_else(|| panic!("{code} in {diagnostics:#?}"))
            .clone()
    };
    let unknown_key = by_code("CA409");
    assert_eq!(unknown_key["range"], range(&broken, "totl", 0));
    assert_eq!(unknown_key["severity"], json!(2));
    assert_eq!(unknown_key["source"], json!("conductor-apply"));
    let message = unknown_key["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("`load_ref.output` has no key `totl`"),
        "{message}"
    );
    assert!(message.contains("did you mean `total`?"), "{message}");
    let duplicate = by_code("CA301");
    assert_eq!(duplicate["severity"], json!(1));
    assert_eq!(duplicate["range"], range(&broken, "load_ref", 1));
    assert_eq!(
        duplicate["relatedInformation"],
        json!([{
            "location": {"uri": orders, "range": range(&broken, "load_ref", 0)},
            "message": "first used here",
        }])
    );

    // Fixed: the file's diagnostics are cleared.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 3}, "contentChanges": [{"text": ORDERS}]}),
    );
    assert_eq!(client.diagnostics_for(&orders), Vec::<Value>::new());

    // Hover on a reference read in another task: the task, its type, where it is defined, and
    // its output keys, which come from the task definition in the other file.
    let hover = client.request(
        "textDocument/hover",
        at(&orders, position(ORDERS, "load_ref.output.total", 0, 2)),
    );
    assert_eq!(hover["range"], range(ORDERS, "load_ref", 1));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(
            "**`load_ref`**: task `load_order` of type `SIMPLE`, defined at workflows/orders.yaml:7"
        ),
        "{text}"
    );
    assert!(text.contains("It has run when this is resolved."), "{text}");
    assert!(
        text.contains(
            "Output keys (`outputKeys` of task definition `load_order`): `total`, `items`"
        ),
        "{text}"
    );
    // Hover on a workflow input: declared, and the list of declared inputs.
    let hover = client.request(
        "textDocument/hover",
        at(&orders, position(ORDERS, "orderId}", 0, 1)),
    );
    assert_eq!(
        hover["range"],
        json!({"start": position(ORDERS, "orderId}", 0, 0), "end": position(ORDERS, "orderId}", 0, 7)})
    );
    assert_eq!(
        hover["contents"]["value"],
        json!(
            "**`workflow.input.orderId`**: an input of workflow `orders`\n\nDeclared inputs: `orderId`"
        )
    );
    // Hover on a key: the field's documentation from the schema.
    let hover = client.request(
        "textDocument/hover",
        at(&orders, position(ORDERS, "subWorkflow", 0, 3)),
    );
    assert_eq!(hover["range"], range(ORDERS, "subWorkflow", 0));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("**`subWorkflow`**"), "{text}");
    assert!(text.contains("The child workflow"), "{text}");

    // Hover on a sub-workflow's name: the field, and the workflow it names, in the other file.
    let hover = client.request(
        "textDocument/hover",
        at(&orders, position(ORDERS, "payment", 0, 2)),
    );
    assert_eq!(hover["range"], range(ORDERS, "payment", 0));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("**`name`** (string)"), "{text}");
    assert!(
        text.ends_with(
            "Workflow `payment` version 1, workflows/definitions.yaml:5\n\nOutputs: `paid`"
        ),
        "{text}"
    );

    // Definition: from `${load_ref...}` to its task, from a task name and a sub-workflow name
    // to their documents in the other file.
    let definition = client.request(
        "textDocument/definition",
        at(&orders, position(ORDERS, "load_ref.output.total", 1, 1)),
    );
    assert_eq!(
        definition,
        json!({"uri": orders, "range": range(ORDERS, "load_ref", 0)})
    );
    let definition = client.request(
        "textDocument/definition",
        at(&orders, position(ORDERS, "load_order", 0, 3)),
    );
    assert_eq!(
        definition,
        json!({"uri": definitions, "range": range(DEFINITIONS, "load_order", 0)})
    );
    let definition = client.request(
        "textDocument/definition",
        at(&orders, position(ORDERS, "payment", 0, 0)),
    );
    assert_eq!(
        definition,
        json!({"uri": definitions, "range": range(DEFINITIONS, "payment", 0)})
    );

    // Completion inside `${`, typed in the charge task's input: the tasks that ran before it
    // (not the task itself), then the output keys of one, then the workflow's inputs.
    let typing = ORDERS.replace(
        "label: \"é😀 ${load_ref.output.total}\"",
        "label: \"é😀 ${\"",
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 4}, "contentChanges": [{"text": typing}]}),
    );
    let completion = client.request(
        "textDocument/completion",
        at(&orders, position(&typing, "${\"", 0, 2)),
    );
    assert_eq!(labels(&completion), ["workflow", "load_ref"]);
    let typing = typing.replace("${\"", "${load_ref.output.t\"");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 5}, "contentChanges": [{"text": typing}]}),
    );
    let completion = client.request(
        "textDocument/completion",
        at(&orders, position(&typing, "t\"", 0, 1)),
    );
    assert_eq!(labels(&completion), ["total", "items"]);
    // The edit replaces what was typed of the key, at a UTF-16 range.
    assert_eq!(
        completion["items"][0]["textEdit"],
        json!({
            "range": {"start": position(&typing, "t\"", 0, 0), "end": position(&typing, "t\"", 0, 1)},
            "newText": "total",
        })
    );
    let typing = typing.replace("${load_ref.output.t\"", "${workflow.input.\"");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 6}, "contentChanges": [{"text": typing}]}),
    );
    let completion = client.request(
        "textDocument/completion",
        at(&orders, position(&typing, "input.\"", 0, 6)),
    );
    assert_eq!(labels(&completion), ["orderId"]);

    // A change in the other file reaches this one: without `total` in `outputKeys`, the
    // reference in orders.yaml is reported there.
    // (What was published while typing was read already, with the answers.)
    client.pending.clear();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 7}, "contentChanges": [{"text": ORDERS}]}),
    );
    assert_eq!(client.diagnostics_for(&orders), Vec::<Value>::new());
    let shrunk = DEFINITIONS.replace("outputKeys: [total, items]", "outputKeys: [items]");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": definitions, "languageId": "yaml", "version": 1, "text": shrunk}}),
    );
    let diagnostics = client.diagnostics_for(&orders);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(
        codes,
        [&json!("CA409"), &json!("CA409")],
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["range"], range(ORDERS, "total", 0));

    // Formatting: one edit replacing the whole document with what `fmt` writes (comments
    // kept); a document that cannot be formatted gets no edit and a line in the client's log.
    assert_eq!(
        initialized["capabilities"]["documentFormattingProvider"],
        json!(true)
    );
    let messy = "workflow:   messy   # é😀 kept\nownerEmail:    a@example.com\ntasks:\n    -   ref: a\n        task: load_order\n";
    let messy_path = sandbox.write("workflows/messy.yaml", messy);
    let messy_uri = uri(&messy_path);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": messy_uri, "languageId": "yaml", "version": 1, "text": messy}}),
    );
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = "workflow: messy # é😀 kept\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    task: load_order\n";
    assert_eq!(
        edits,
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
            "newText": formatted,
        }])
    );
    let formatted_again = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": messy_uri, "version": 2}, "contentChanges": [{"text": formatted}]}),
    );
    assert_eq!(formatted_again, edits, "nothing changed in between");
    let unchanged = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(unchanged, json!([]), "a formatted document needs no edit");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": messy_uri, "version": 3}, "contentChanges": [{"text": "workflow: [\n"}]}),
    );
    let refused = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(refused, json!([]));
    let log = client.wait_for(|message| {
        message.get("method") == Some(&json!("window/logMessage"))
            && message
                .pointer("/params/message")
                .and_then(Value::as_str)
                .is_some_and(|text| text.contains("cannot format"))
    });
    assert_eq!(log.pointer("/params/type"), Some(&json!(1)));

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = client.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn problems_on_disk_are_published_at_start_and_an_unlisted_file_is_checked_when_opened() {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", PROJECT);
    let broken = sandbox.write("workflows/orders.yaml", common::BROKEN);
    let unlisted = sandbox.write("notes/draft.yaml", "");
    let mut client = Client::start(sandbox.path());
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(sandbox.path()), "capabilities": watching}),
    );
    client.notify("initialized", json!({}));
    // The client can watch files: the server asks it to report YAML files.
    let registration = client
        .wait_for(|message| message.get("method") == Some(&json!("client/registerCapability")));
    assert_eq!(
        registration.pointer("/params/registrations/0/method"),
        Some(&json!("workspace/didChangeWatchedFiles"))
    );
    let id = registration["id"].clone();
    client.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));

    // Not opened: the project's files are checked at start (CA201 `methd` at 8:7).
    let diagnostics = client.diagnostics_for(&uri(&broken));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], json!("CA201"));
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 7, "character": 6}, "end": {"line": 7, "character": 11}})
    );

    // A file outside `files:` is checked once the editor opens it, as `check FILE` would.
    let draft = "workflow: draft\nownerEmail: a@example.com\ntasks:\n  - ref: a\n    task: greet\n    optionl: true\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&unlisted), "languageId": "yaml", "version": 1, "text": draft}}),
    );
    let diagnostics = client.diagnostics_for(&uri(&unlisted));
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("CA201")), "{diagnostics:#?}");

    // Fixed on disk, outside the editor: the watcher's report clears it; a new file with a
    // problem is read, since it may belong to the project's `files:`.
    std::fs::write(&broken, common::BROKEN.replace("methd", "method")).expect("write");
    let created = sandbox.write("workflows/new.yaml", common::BROKEN);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&broken), "type": 2}, {"uri": uri(&created), "type": 1}]}),
    );
    assert_eq!(client.diagnostics_for(&uri(&broken)), Vec::<Value>::new());
    let diagnostics = client.diagnostics_for(&uri(&created));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], json!("CA201"));

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
}
