//! Errors carry the hint that solves them, through the binary against the test server: a
//! server URL without `/api`, a server that wants a token, and only one of the two auth
//! variables set.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use common::{Sandbox, run_against};
use conductor_testserver::{Auth, ServerConfig, start};

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write("conductor-apply.yaml", "files: [\"*.yaml\"]\n");
    sandbox.write(
        "hello.yaml",
        "workflow: hello\nownerEmail: a@example.com\ntasks:\n  - {ref: a, task: a}\n",
    );
    sandbox
}

#[test]
fn a_server_url_without_api_says_to_add_it() {
    let server = start("127.0.0.1:0".parse().unwrap(), ServerConfig::default()).unwrap();
    let root = server.base_url().trim_end_matches("/api").to_owned();
    let run = run_against(sandbox().path(), &root, &["plan"], &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("404"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "hint: the server URL `{root}` does not end in `/api`; Conductor's API is under it: `{root}/api`"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_401_names_the_auth_variables() {
    let server = start(
        "127.0.0.1:0".parse().unwrap(),
        ServerConfig {
            auth: Some(Auth {
                key_id: "key".to_owned(),
                key_secret: "secret".to_owned(),
                token_ttl: None,
            }),
            ..ServerConfig::default()
        },
    )
    .unwrap();
    let sandbox = sandbox();
    let run = run_against(sandbox.path(), &server.base_url(), &["plan"], &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "hint: the server wants a token: set CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET"
        ),
        "{}",
        run.stderr
    );

    let wrong = run_against(
        sandbox.path(),
        &server.base_url(),
        &["plan"],
        &[
            ("CONDUCTOR_AUTH_KEY", "key"),
            ("CONDUCTOR_AUTH_SECRET", "not-it"),
        ],
    );
    assert_eq!(wrong.code, 3, "{}", wrong.stderr);
    assert!(wrong.stderr.contains("hint: "), "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("CONDUCTOR_AUTH_SECRET"),
        "{}",
        wrong.stderr
    );
    assert!(
        !wrong.stderr.contains("not-it"),
        "the secret is never printed"
    );

    let one = run_against(
        sandbox.path(),
        &server.base_url(),
        &["plan"],
        &[("CONDUCTOR_AUTH_KEY", "key")],
    );
    assert!(
        one.stderr
            .contains("warning: only one of CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET is set"),
        "{}",
        one.stderr
    );
}
