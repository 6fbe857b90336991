//! `completions` and `man` through the binary and the real tools: bash sources the completion
//! script and completes command lines with it; zsh and fish (when installed) parse theirs;
//! groff renders the man pages without a warning.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Sandbox, conductor_apply};

fn stdout_of(args: &[&str]) -> String {
    let output = conductor_apply().args(args).output().expect("run");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// What bash offers for `line` (the cursor at its end), with the script of
/// `completions bash` sourced the way a user's shell does.
fn bash_complete(script: &Path, line: &str) -> Vec<String> {
    let program = format!(
        r#"source "{}"
spec=$(complete -p conductor-apply) || exit 90
function=$(printf '%s\n' "$spec" | sed -n 's/.*-F \([^ ]*\).*/\1/p')
[ -n "$function" ] || exit 91
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
read -r -a COMP_WORDS <<< "$COMP_LINE"
case "$COMP_LINE" in *' ') COMP_WORDS+=('');; esac
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
"$function" conductor-apply "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        script.display()
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs (it is part of every machine this project builds on)");
    assert!(
        output.status.success(),
        "bash failed on `{line}` ({:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|word| word.trim().to_owned())
        .filter(|word| !word.is_empty())
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_values_with_the_generated_script() {
    let sandbox = Sandbox::new();
    let script = sandbox.write("conductor-apply.bash", stdout_of(&["completions", "bash"]));
    assert_eq!(bash_complete(&script, "conductor-apply ch"), ["check"]);
    let commands = bash_complete(&script, "conductor-apply ");
    for command in [
        "check",
        "compile",
        "plan",
        "apply",
        "completions",
        "man",
        "explain",
    ] {
        assert!(
            commands.contains(&command.to_owned()),
            "`{command}` is offered: {commands:?}"
        );
    }
    assert_eq!(
        bash_complete(&script, "conductor-apply plan --detailed-e"),
        ["--detailed-exitcode"]
    );
    let formats = bash_complete(&script, "conductor-apply check --format ");
    assert_eq!(
        formats,
        ["human", "json", "github", "sarif", "gitlab", "markdown"]
    );
    let shells = bash_complete(&script, "conductor-apply completions ");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(shells.contains(&shell.to_owned()), "{shells:?}");
    }
}

/// The other shells' scripts parse in those shells, when they are installed (`scripts/test`
/// installs zsh where it can); otherwise the test says it skipped them.
#[test]
fn zsh_and_fish_parse_their_scripts() {
    let sandbox = Sandbox::new();
    for (shell, check) in [("zsh", ["-n"]), ("fish", ["--no-execute"])] {
        let script = sandbox.write(
            &format!("completion.{shell}"),
            stdout_of(&["completions", shell]),
        );
        let Ok(output) = Command::new(shell).args(check).arg(&script).output() else {
            eprintln!("skipped: {shell} is not installed, so its completion script was not parsed");
            continue;
        };
        assert!(
            output.status.success(),
            "{shell} rejects its completion script: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let powershell = stdout_of(&["completions", "powershell"]);
    assert!(powershell.contains("Register-ArgumentCompleter"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let output = conductor_apply()
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("possible values: bash"), "{stderr}");
}

/// The roff is well formed: the sections `man` shows, every command, the exit codes.
#[test]
fn the_man_page_has_its_sections_commands_and_exit_codes() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH conductor-apply 1"), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH VERSION",
    ] {
        assert!(page.contains(section), "missing {section}");
    }
    for command in ["check", "compile", "plan", "apply", "completions", "man"] {
        assert!(
            page.contains(&format!("conductor\\-apply\\-{command}(1)")),
            "the page points to `{command}`'s page"
        );
    }
    assert!(
        page.contains("Exit codes"),
        "the exit codes are on the page"
    );
}

/// `man --out DIR` writes a page per command; groff renders each without a warning and `man`
/// finds them by name.
#[test]
fn groff_renders_every_man_page_without_warnings() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man", "--out", "man1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = sandbox.path().join("man1");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("the folder is written")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    pages.sort();
    for page in [
        "conductor-apply.1",
        "conductor-apply-check.1",
        "conductor-apply-plan.1",
        "conductor-apply-man.1",
    ] {
        assert!(pages.contains(&page.to_owned()), "{page} in {pages:?}");
    }
    assert!(!pages.iter().any(|page| page.contains("help")), "{pages:?}");
    let again = sandbox.run(&["man", "--out", "man1"]);
    assert!(again.stderr.contains("(0 changed)"), "{}", again.stderr);

    if Command::new("groff").arg("--version").output().is_err() {
        eprintln!("skipped: groff is not installed, so the pages were not rendered");
        return;
    }
    for page in &pages {
        let output = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .arg(dir.join(page))
            .output()
            .expect("groff runs");
        let warnings = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && warnings.is_empty(),
            "groff on {page}: {warnings}"
        );
        let text = String::from_utf8_lossy(&output.stdout);
        // groff may hyphenate or embolden with backspaces: compare without them.
        let plain: String = strip_overstrike(&text);
        assert!(plain.contains("NAME"), "{page}:\n{plain}");
        if page == "conductor-apply-plan.1" {
            assert!(plain.contains("--detailed-exitcode"), "{plain}");
            assert!(plain.contains("conductor-apply-plan"), "{plain}");
        }
    }
}

/// `a\x08a` (bold) and `_\x08a` (underline) as groff writes them for a terminal, as plain text.
fn strip_overstrike(text: &str) -> String {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if c == '\u{8}' {
            out.pop();
            continue;
        }
        out.push(c);
    }
    out.into_iter()
        .collect::<String>()
        .replace(['\u{2010}', '\u{2212}'], "-")
}
