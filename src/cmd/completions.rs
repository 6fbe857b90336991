//! `conductor-apply completions SHELL` and `conductor-apply man`: the shell completion scripts
//! and the man pages, generated from the same argument definitions as `--help`.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::error::CliError;
use crate::exit::Exit;
use crate::output::{eprint_info, print_text};
use crate::write::{Replace, write_tree};

/// Arguments of `completions`.
#[derive(Debug, Args)]
#[command(
    after_help = "Install the script where your shell looks for completions:
  bash:        conductor-apply completions bash > ~/.local/share/bash-completion/completions/conductor-apply
  zsh:         conductor-apply completions zsh > \"${fpath[1]}/_conductor-apply\"
  fish:        conductor-apply completions fish > ~/.config/fish/completions/conductor-apply.fish
  powershell:  conductor-apply completions powershell >> $PROFILE
or load it for the current shell only: source <(conductor-apply completions bash)"
)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Runs `completions`: the script on stdout.
pub fn run_completions(args: &CompletionsArgs) -> Result<Exit, CliError> {
    let mut command = crate::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "conductor-apply", &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        // FIXME: clap_complete 4.6.12 labels the subcommands' cases with the `-` of the
        // program's name replaced as a subcommand separator (`conductor__subcmd__apply__...`)
        // while its loop sets `cmd` to `conductor__apply__...`, so no flag of a subcommand
        // would complete; tests/completions.rs completes them through bash.
        script = script.replace(
            "conductor__subcmd__apply__subcmd__",
            "conductor__apply__subcmd__",
        );
    }
    print_text(&script);
    Ok(Exit::Success)
}

/// Arguments of `man`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  conductor-apply man | man -l -                    read it now
  conductor-apply man --out /usr/local/share/man/man1   install every page")]
pub struct ManArgs {
    /// Write every page (`conductor-apply.1` and one `conductor-apply-<command>.1` per
    /// command) into this directory instead of printing the main page on stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Runs `man`.
pub fn run_man(args: &ManArgs) -> Result<Exit, CliError> {
    let mut command = crate::Cli::command();
    command.build();
    let pages = man_pages(&command)?;
    match &args.out {
        None => {
            let (_, main) = pages.first().expect("the main page is rendered first");
            print_text(main);
        }
        Some(dir) => {
            let report = write_tree(dir, &pages, Replace::Allowed)?;
            eprint_info(&format!(
                "wrote {} man page{} into {} ({} changed)\n",
                pages.len(),
                if pages.len() == 1 { "" } else { "s" },
                dir.display(),
                report.written
            ));
        }
    }
    Ok(Exit::Success)
}

/// The page of `command` then those of its subcommands (not `help`), each named as `man`
/// looks it up: `conductor-apply-plan.1` for `conductor-apply plan`.
fn man_pages(command: &clap::Command) -> Result<Vec<(String, String)>, CliError> {
    let mut pages = Vec::new();
    let mut stack = vec![(command.clone(), command.get_name().to_owned())];
    while let Some((command, name)) = stack.pop() {
        let command = command.name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(command.clone())
            .render(&mut page)
            .map_err(|source| CliError::Write {
                path: PathBuf::from(format!("{name}.1")),
                source,
            })?;
        pages.push((
            format!("{name}.1"),
            String::from_utf8_lossy(&page).into_owned(),
        ));
        let mut children: Vec<_> = command
            .get_subcommands()
            .filter(|sub| sub.get_name() != "help")
            .map(|sub| (sub.clone(), format!("{name}-{}", sub.get_name())))
            .collect();
        children.reverse();
        stack.extend(children);
    }
    Ok(pages)
}
