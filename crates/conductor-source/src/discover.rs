//! Finding the YAML files of a repository.

use std::path::{Path, PathBuf};

use crate::error::SourceError;

/// Whether a file name ends in one of `extensions` (ASCII case-insensitive).
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            extensions
                .iter()
                .any(|wanted| ext.eq_ignore_ascii_case(wanted))
        })
}

/// The YAML files under `roots`, sorted and without duplicates.
///
/// * A root that is a file is taken as it is, whatever its extension (and even if ignored).
/// * A directory is walked recursively, taking `*.yaml` and `*.yml` files, skipping hidden files
///   and directories and whatever `.gitignore`, `.ignore` and `.git/info/exclude` files (in the
///   directory, below it and in its parents) exclude; `.gitignore` applies even outside a git
///   repository. The user's global git excludes file is not read, so the result does not depend
///   on the machine. Symbolic links to directories are not followed; links to files are taken;
///   a link with a YAML name whose target cannot be read is an error.
/// * A root that does not exist is an error.
///
/// Paths are the roots joined with the relative paths found below them; duplicates are removed
/// by exact path equality.
pub fn discover(roots: &[PathBuf]) -> Result<Vec<PathBuf>, SourceError> {
    discover_with_extensions(roots, &["yaml", "yml"])
}

/// Like [`discover`], taking files with the given extensions (without the dot) from directories.
pub fn discover_with_extensions(
    roots: &[PathBuf],
    extensions: &[&str],
) -> Result<Vec<PathBuf>, SourceError> {
    let mut found = Vec::new();
    for root in roots {
        let metadata = std::fs::metadata(root).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                SourceError::NotFound { path: root.clone() }
            } else {
                SourceError::Read {
                    path: root.clone(),
                    source,
                }
            }
        })?;
        if metadata.is_dir() {
            walk(root, extensions, &mut found)?;
        } else {
            found.push(root.clone());
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(root: &Path, extensions: &[&str], found: &mut Vec<PathBuf>) -> Result<(), SourceError> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker {
        let entry = entry.map_err(|source| SourceError::Walk {
            path: root.to_path_buf(),
            source,
        })?;
        // Directory links are not followed (no cycles); a link to a file counts as the file. A
        // definition file whose link leads nowhere is an error, never a silent skip: a plan
        // without it would delete what it defines.
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if !has_extension(entry.path(), extensions) {
            continue;
        }
        let is_file = if file_type.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(target) => target.is_file(),
                Err(source) => {
                    return Err(SourceError::Read {
                        path: entry.into_path(),
                        source,
                    });
                }
            }
        } else {
            file_type.is_file()
        };
        if is_file {
            found.push(entry.into_path());
        }
    }
    Ok(())
}
