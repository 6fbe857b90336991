//! `--quiet` and `--verbose` through the binary: what each adds to or takes from stderr, the
//! same stdout at every level, and never a credential among the request lines.

#![allow(clippy::unwrap_used)] // Test helpers: a failure here is a failed test.

mod common;

use common::{HELLO, Sandbox, run_against};
use conductor_testserver::{Auth, ServerConfig, start};

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write(
        "conductor-apply.yaml",
        "project: verbosity\nfiles: [\"workflows/*.yaml\"]\n",
    );
    sandbox.write("workflows/hello.yaml", HELLO);
    sandbox
}

#[test]
fn quiet_drops_the_summary_line_and_keeps_the_diagnostics() {
    let sandbox = sandbox();
    let normal = sandbox.run(&["check"]);
    assert_eq!(normal.code, 0);
    assert_eq!(normal.stderr, "no problems found in 1 file\n");
    let quiet = sandbox.run(&["check", "-q"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    let quiet = sandbox.run(&["--quiet", "compile", "--out", "build"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    assert!(
        sandbox
            .path()
            .join("build/workflows/hello.v1.json")
            .is_file()
    );

    sandbox.write(
        "workflows/broken.yaml",
        "workflow: broken\ntasks:\n  - ref: a\n    tsk: x\n",
    );
    let quiet = sandbox.run(&["check", "-q"]);
    assert_eq!(quiet.code, 1);
    assert!(quiet.stderr.contains("CA2"), "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("error: 1 error"), "{}", quiet.stderr);
}

#[test]
fn quiet_and_verbose_exclude_each_other() {
    let run = sandbox().run(&["check", "-q", "-v"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn verbose_shows_the_project_the_server_and_each_request_without_secrets() {
    let server = start(
        "127.0.0.1:0".parse().unwrap(),
        ServerConfig {
            auth: Some(Auth {
                key_id: "key-id-1234".to_owned(),
                key_secret: "secret-5678".to_owned(),
                token_ttl: None,
            }),
            ..ServerConfig::default()
        },
    )
    .unwrap();
    let sandbox = sandbox();
    let url = server.base_url().replace("http://", "http://user:pw-9999@");
    let env = [
        ("CONDUCTOR_AUTH_KEY", "key-id-1234"),
        ("CONDUCTOR_AUTH_SECRET", "secret-5678"),
    ];
    let normal = run_against(sandbox.path(), &url, &["plan"], &env);
    let verbose = run_against(sandbox.path(), &url, &["plan", "--verbose"], &env);
    assert_eq!(normal.code, 0, "{}", normal.stderr);
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    assert_eq!(normal.stdout, verbose.stdout, "stdout is the same");
    let base = server.base_url();
    let lines: Vec<&str> = verbose.stderr.lines().collect();
    let expected_starts = [
        "project file: ".to_owned(),
        "definition files: 1 (the project's)".to_owned(),
        format!("server: {base} (CONDUCTOR_SERVER_URL)"),
        format!("POST {base}/token -> 200 ("),
        format!("GET {base}/version -> "),
    ];
    for start in &expected_starts {
        assert!(
            lines.iter().any(|line| line.starts_with(start.as_str())),
            "a line starting with `{start}` in:\n{}",
            verbose.stderr
        );
    }
    assert!(
        lines.iter().any(|line| line
            .starts_with(&format!("GET {base}/metadata/workflow -> 200 ("))
            && line.ends_with(" ms)")),
        "{}",
        verbose.stderr
    );
    for secret in ["key-id-1234", "secret-5678", "pw-9999"] {
        assert!(
            !verbose.stderr.contains(secret),
            "{secret} leaked:\n{}",
            verbose.stderr
        );
        assert!(
            !verbose.stdout.contains(secret),
            "{secret} leaked:\n{}",
            verbose.stdout
        );
    }
    assert!(!normal.stderr.contains(" -> "), "{}", normal.stderr);
}
