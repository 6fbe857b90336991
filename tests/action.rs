//! The GitHub Action (`action.yml`) run the way a runner runs a composite action: each step's
//! `run:` script under `bash --noprofile --norc -eo pipefail`, its `env:` and
//! `working-directory`, the `${{ inputs.* }}`, `${{ github.action_path }}` and
//! `${{ steps.*.outputs.* }}` expressions evaluated, the runner's variables set
//! (`GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_PATH`, `GITHUB_EVENT_PATH`, ...), and a
//! failing step ending the job. Against the in-memory test server, with a stand-in for the
//! GitHub REST API on loopback that receives the pull-request comment.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use common::{BROKEN, HELLO};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::http_peer::{Peer, Request, response};
use common::tools::{binary_dir, path_with};
use conductor_source::yaml::parse_yaml;
use conductor_testserver::{ServerConfig, start};
use serde_json::{Value, json};

/// What one run of the action did.
struct ActionRun {
    /// Per step that ran: its name, exit code and output (stdout then stderr).
    steps: Vec<(String, i32, String, String)>,
    /// Names of the steps skipped after a failure.
    skipped: Vec<String>,
    /// The job summary (every step's `GITHUB_STEP_SUMMARY`, in order).
    summary: String,
    /// The outputs each step wrote, by step id.
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl ActionRun {
    fn failed(&self) -> bool {
        self.steps.iter().any(|(_, code, _, _)| *code != 0)
    }

    fn step(&self, name: &str) -> &(String, i32, String, String) {
        self.steps
            .iter()
            .find(|(step, ..)| step == name)
            .unwrap_or_else(|| panic!("step `{name}` ran: {:?}", self.steps))
    }

    fn log(&self) -> String {
        self.steps
            .iter()
            .map(|(name, code, out, err)| format!("== {name} (exit {code})\n{out}{err}"))
            .collect()
    }
}

/// A GitHub job: a workspace (the checked-out repository) and the runner's temp folder.
struct Job {
    dir: tempfile::TempDir,
}

impl Job {
    fn new(files: &[(&str, &str)]) -> Job {
        let job = Job {
            dir: tempfile::tempdir().unwrap(),
        };
        for (name, text) in files {
            job.write(name, text);
        }
        std::fs::create_dir_all(job.temp()).unwrap();
        job
    }

    fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    fn temp(&self) -> PathBuf {
        self.dir.path().join("runner-temp")
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.workspace().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs the action with `inputs` (the `with:` of the workflow), the job's `env`, and an
    /// event (`pull_request` number 7, or `push`).
    fn run(&self, inputs: &[(&str, &str)], env: &[(&str, &str)], event: &str) -> ActionRun {
        let action_path = common::repo_root();
        let action = parse_yaml(&std::fs::read_to_string(action_path.join("action.yml")).unwrap());
        assert!(action.problems.is_empty(), "action.yml is YAML");
        let action = &action.documents[0].value;
        assert_eq!(action["runs"]["using"], "composite");

        let mut input_values: BTreeMap<String, String> = BTreeMap::new();
        for (name, spec) in action["inputs"].as_object().unwrap() {
            let default = spec["default"].as_str().unwrap_or_default();
            input_values.insert(name.clone(), default.to_owned());
        }
        for (name, value) in inputs {
            assert!(
                input_values.contains_key(*name),
                "`{name}` is an input of action.yml"
            );
            input_values.insert((*name).to_owned(), (*value).to_owned());
        }

        let event_path = self.temp().join("event.json");
        let payload = if event == "pull_request" {
            json!({"pull_request": {"number": 7}})
        } else {
            json!({"ref": "refs/heads/main"})
        };
        std::fs::write(&event_path, payload.to_string()).unwrap();
        let path_file = self.temp().join("path.txt");
        std::fs::write(&path_file, "").unwrap();

        let mut run = ActionRun {
            steps: Vec::new(),
            skipped: Vec::new(),
            summary: String::new(),
            outputs: BTreeMap::new(),
        };
        let steps = action["runs"]["steps"].as_array().unwrap();
        for (index, step) in steps.iter().enumerate() {
            let name = step["name"].as_str().unwrap().to_owned();
            if run.failed() {
                run.skipped.push(name);
                continue;
            }
            assert!(step.get("if").is_none(), "`if:` is not evaluated here");
            assert_eq!(step["shell"], "bash", "{name} runs in bash");
            let eval = |text: &str| evaluate(text, &input_values, &action_path, &run.outputs);
            let script = self.temp().join(format!("step{index}.sh"));
            std::fs::write(&script, eval(step["run"].as_str().unwrap())).unwrap();
            let summary = self.temp().join(format!("summary{index}.md"));
            let output = self.temp().join(format!("output{index}.txt"));
            std::fs::write(&summary, "").unwrap();
            std::fs::write(&output, "").unwrap();
            let cwd = match step["working-directory"].as_str() {
                Some(dir) => self.workspace().join(eval(dir)),
                None => self.workspace(),
            };
            // PATH: what earlier steps added through GITHUB_PATH, before the job's PATH.
            let added: Vec<PathBuf> = std::fs::read_to_string(&path_file)
                .unwrap()
                .lines()
                .rev()
                .map(PathBuf::from)
                .collect();
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script)
                .current_dir(&cwd)
                .env_clear()
                .env("PATH", path_with(&added))
                .env("HOME", self.dir.path())
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", self.workspace())
                .env("GITHUB_ACTION_PATH", &action_path)
                .env("GITHUB_EVENT_NAME", event)
                .env("GITHUB_EVENT_PATH", &event_path)
                .env("GITHUB_REPOSITORY", "acme/shop")
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", &output)
                .env("GITHUB_PATH", &path_file)
                .env("RUNNER_TEMP", self.temp())
                .env("RUNNER_OS", "Linux");
            for (key, value) in env {
                command.env(key, value);
            }
            if let Some(step_env) = step["env"].as_object() {
                for (key, value) in step_env {
                    command.env(key, eval(value.as_str().unwrap_or_default()));
                }
            }
            let result = command.output().unwrap();
            run.steps.push((
                name,
                result.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&result.stdout).into_owned(),
                String::from_utf8_lossy(&result.stderr).into_owned(),
            ));
            run.summary
                .push_str(&std::fs::read_to_string(&summary).unwrap());
            if let Some(id) = step["id"].as_str() {
                let written = std::fs::read_to_string(&output).unwrap();
                let values = written
                    .lines()
                    .filter_map(|line| line.split_once('='))
                    .map(|(key, value)| (key.to_owned(), value.to_owned()))
                    .collect();
                run.outputs.insert(id.to_owned(), values);
            }
        }
        run
    }
}

/// The expressions the action uses; any other is an error of the test (or of action.yml).
fn evaluate(
    text: &str,
    inputs: &BTreeMap<String, String>,
    action_path: &Path,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("a closed expression") + start;
        let expression = rest[start + 3..end].trim();
        let value = if let Some(name) = expression.strip_prefix("inputs.") {
            inputs
                .get(name)
                .unwrap_or_else(|| panic!("unknown input `{name}`"))
                .clone()
        } else if expression == "github.action_path" {
            action_path.display().to_string()
        } else if let Some(path) = expression.strip_prefix("steps.") {
            let (id, name) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            outputs
                .get(id)
                .and_then(|values| values.get(name))
                .cloned()
                .unwrap_or_default()
        } else {
            panic!("expression `{expression}` is not evaluated by this test")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A stand-in for the GitHub REST API's issue comments, keeping the comments it is sent.
struct GitHubApi {
    peer: Peer,
    requests: Arc<Mutex<Vec<Request>>>,
    comments: Arc<Mutex<Vec<Value>>>,
}

impl GitHubApi {
    fn start() -> GitHubApi {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let comments: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(Vec::new()));
        let (seen, kept) = (requests.clone(), comments.clone());
        let peer = Peer::start(move |request: &Request| {
            seen.lock().unwrap().push(request.clone());
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let mut kept = kept.lock().unwrap();
            match (request.method.as_str(), request.target.as_str()) {
                ("GET", target) if target.starts_with("/repos/acme/shop/issues/7/comments") => {
                    response(
                        200,
                        "application/json",
                        &Value::from(kept.clone()).to_string(),
                    )
                }
                ("POST", "/repos/acme/shop/issues/7/comments") => {
                    let comment = json!({"id": kept.len() + 100, "body": body["body"]});
                    kept.push(comment.clone());
                    response(201, "application/json", &comment.to_string())
                }
                ("PATCH", target) if target.starts_with("/repos/acme/shop/issues/comments/") => {
                    let id: u64 = target.rsplit('/').next().unwrap().parse().unwrap();
                    let comment = kept.iter_mut().find(|c| c["id"] == id).unwrap();
                    comment["body"] = body["body"].clone();
                    response(200, "application/json", &comment.to_string())
                }
                _ => response(404, "application/json", "{\"message\": \"Not Found\"}"),
            }
        });
        GitHubApi {
            peer,
            requests,
            comments,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.peer.port())
    }
}

fn project() -> Job {
    Job::new(&[
        (
            "conductor-apply.yaml",
            "project: shop\nfiles: [\"workflows/**/*.yaml\"]\n",
        ),
        ("workflows/hello.yaml", HELLO),
    ])
}

/// The job's PATH has the conductor-apply under test, as if installed: `install: none`.
fn runner_path() -> String {
    path_with(&[binary_dir()]).to_string_lossy().into_owned()
}

#[test]
fn a_broken_definition_fails_the_check_step_with_an_annotation_on_its_line() {
    let job = project();
    job.write("workflows/orders.yaml", BROKEN);
    let path = runner_path();
    let run = job.run(&[("install", "none")], &[("PATH", &path)], "pull_request");
    let (_, code, stdout, _) = run.step("Check");
    assert_eq!(*code, 1, "{}", run.log());
    let annotations: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations,
        [
            "::error file=workflows/orders.yaml,line=8,col=7,endLine=8,endColumn=12,title=CA201 unknown-key::unknown key `methd`%0Ahelp: did you mean `method`?"
        ],
        "{}",
        run.log()
    );
    assert!(
        run.summary.contains("found errors in the definitions"),
        "{}",
        run.summary
    );
    assert_eq!(
        run.skipped,
        ["Plan", "Comment the plan on the pull request", "Apply"]
    );
}

#[test]
fn annotations_name_files_from_the_repository_root_when_the_project_is_in_a_subfolder() {
    let job = Job::new(&[
        (
            "services/orders/conductor-apply.yaml",
            "files: [\"workflows/*.yaml\"]\n",
        ),
        ("services/orders/workflows/orders.yaml", BROKEN),
    ]);
    let path = runner_path();
    let run = job.run(
        &[
            ("install", "none"),
            ("working-directory", "services/orders"),
        ],
        &[("PATH", &path)],
        "pull_request",
    );
    let (_, code, stdout, _) = run.step("Check");
    assert_eq!(*code, 1, "{}", run.log());
    assert!(
        stdout.starts_with("::error file=services/orders/workflows/orders.yaml,line=8,col=7,"),
        "{stdout}"
    );
}

#[test]
fn a_pull_request_gets_the_plan_in_the_summary_and_one_comment_and_a_push_applies_it() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let api = GitHubApi::start();
    let job = project();
    let path = runner_path();
    let api_url = api.url();
    let env = [
        ("PATH", path.as_str()),
        ("CONDUCTOR_SERVER_URL", &server.base_url()),
        ("GITHUB_API_URL", api_url.as_str()),
    ];
    let inputs = [("install", "none"), ("github-token", "ghs_token123")];

    let run = job.run(&inputs, &env, "pull_request");
    assert!(!run.failed(), "{}", run.log());
    assert!(
        run.summary
            .starts_with("**conductor-apply check**: no errors.\n"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("2 to add"),
        "the markdown plan: {}",
        run.summary
    );
    assert!(run.summary.contains("`hello`"), "{}", run.summary);
    assert_eq!(run.outputs["plan"]["changes"], "true");
    assert!(Path::new(&run.outputs["plan"]["plan-file"]).is_file());
    let comments = api.comments.lock().unwrap().clone();
    assert_eq!(comments.len(), 1, "one comment: {comments:?}");
    let body = comments[0]["body"].as_str().unwrap();
    assert!(
        body.starts_with("<!-- conductor-apply plan -->\n"),
        "{body}"
    );
    assert!(body.contains("2 to add"), "{body}");
    let requests = api.requests.lock().unwrap().clone();
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer ghs_token123"))
    );
    assert!(
        server_has_no_workflows(&server.base_url()),
        "a pull request does not apply"
    );

    // A second run updates the same comment.
    let run = job.run(&inputs, &env, "pull_request");
    assert!(!run.failed(), "{}", run.log());
    assert_eq!(api.comments.lock().unwrap().len(), 1, "still one comment");
    assert!(
        api.requests
            .lock()
            .unwrap()
            .iter()
            .any(|r| r.method == "PATCH"),
        "the comment was updated"
    );

    // On push, with apply: true, the plan shown is applied.
    let run = job.run(&[("install", "none"), ("apply", "true")], &env, "push");
    assert!(!run.failed(), "{}", run.log());
    assert!(
        run.summary.contains("### conductor-apply apply"),
        "{}",
        run.summary
    );
    assert!(!server_has_no_workflows(&server.base_url()), "applied");
    let again = job.run(&[("install", "none"), ("apply", "true")], &env, "push");
    assert!(!again.failed(), "{}", again.log());
    assert_eq!(again.outputs["plan"]["changes"], "false");
    assert!(
        again.summary.contains("nothing to apply"),
        "{}",
        again.summary
    );

    assert!(
        !run.log().contains("ghs_token123") && !run.summary.contains("ghs_token123"),
        "the token is never printed"
    );
}

#[test]
fn without_a_server_the_plan_is_skipped_and_check_still_runs() {
    let job = project();
    let path = runner_path();
    let run = job.run(&[("install", "none")], &[("PATH", &path)], "pull_request");
    assert!(!run.failed(), "{}", run.log());
    assert!(
        run.step("Plan").2.contains("no server named"),
        "{}",
        run.log()
    );
    assert_eq!(run.summary, "**conductor-apply check**: no errors.\n");
    assert!(run.outputs["plan"].is_empty());
}

fn server_has_no_workflows(url: &str) -> bool {
    let client =
        conductor_client::Client::new(conductor_client::ClientConfig::new(url).unwrap()).unwrap();
    client.list_workflow_defs().unwrap().is_empty()
}

/// The example workflow of docs/github-action.md is YAML, and its `with:` names inputs of
/// action.yml.
#[test]
fn the_documented_example_uses_only_inputs_of_the_action() {
    let root = common::repo_root();
    let doc = std::fs::read_to_string(root.join("docs/github-action.md")).unwrap();
    let start = doc.find("```yaml\n").expect("an example") + "```yaml\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let parsed = parse_yaml(example);
    assert!(parsed.problems.is_empty(), "the example is YAML");
    let action = parse_yaml(&std::fs::read_to_string(root.join("action.yml")).unwrap());
    let inputs = action.documents[0].value["inputs"]
        .as_object()
        .unwrap()
        .clone();
    let steps = parsed.documents[0].value["jobs"]["conductor"]["steps"]
        .as_array()
        .unwrap()
        .clone();
    let ours = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.contains("/conductor-apply@"))
        })
        .expect("the example uses the action");
    for key in ours["with"].as_object().unwrap().keys() {
        assert!(
            inputs.contains_key(key),
            "`{key}` is an input of action.yml"
        );
    }
    for (name, spec) in &inputs {
        assert!(
            doc.contains(&format!("| `{name}` |")),
            "`{name}` is documented"
        );
        assert!(
            spec["description"].is_string(),
            "`{name}` has a description"
        );
    }
}
