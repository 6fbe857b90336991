//! Writing output files: every name of an output checked before the first file is written, and
//! each file written whole, through a temporary file of its own, never through a symlink.
//!
//! - A temporary file is created exclusively (`create_new`, which refuses an existing file or
//!   symlink) under a random name in the target's directory, filled, then renamed over the
//!   target; the rename replaces a symlink at the target instead of writing where it points.
//!   A reader sees the old file or the new one, never half of one.
//! - [`write_tree`] checks a whole output first: a name too long for a file system, two paths
//!   that differ only by case (one file on macOS and Windows), a directory on the way that is a
//!   symlink, or (for `import`) an existing file that would be replaced without `--force`: any
//!   of them stops the command before anything is written.
//! - A file whose content is unchanged is not written at all, so timestamps and build tools
//!   see no change.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The longest file name (one path component, in bytes) on the common file systems (ext4,
/// APFS, NTFS in UTF-16 units is close enough for the names written here).
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Whether existing files with other content may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Generated output (`compile`, `docs`): replaced, as a build does.
    Allowed,
    /// Files people edit (`import`): replaced only with `--force`.
    Refused,
}

/// What [`write_tree`] did.
#[derive(Debug, Default)]
pub struct TreeReport {
    /// Files written (created or replaced).
    pub written: usize,
    /// Of those, existing files whose content was replaced (relative paths).
    pub replaced: Vec<String>,
}

/// Writes `files` (relative `/`-separated paths and their text) under `root`, after checking
/// all of them; see the module documentation.
pub fn write_tree(
    root: &Path,
    files: &[(String, String)],
    replace: Replace,
) -> Result<TreeReport, CliError> {
    let refuse = |reason: String| CliError::Output {
        root: root.to_path_buf(),
        reason,
    };
    let mut by_folded: BTreeMap<String, &str> = BTreeMap::new();
    for (relative, _) in files {
        if let Some(segment) = relative
            .split('/')
            .find(|segment| segment.len() > MAX_FILE_NAME_BYTES)
        {
            return Err(refuse(format!(
                "the file name `{}…` is {} bytes long, more than the {MAX_FILE_NAME_BYTES} a file \
                 system takes; shorten the definition's name (`check` reports it as CA324)",
                segment.chars().take(40).collect::<String>(),
                segment.len()
            )));
        }
        if relative
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
        {
            return Err(refuse(format!("`{relative}` is not a plain relative path")));
        }
        if let Some(other) = by_folded.insert(relative.to_lowercase(), relative) {
            return Err(refuse(format!(
                "`{other}` and `{relative}` differ only by case: on a case-insensitive file \
                 system (macOS, Windows) one would overwrite the other; rename one of the \
                 definitions (`check` reports it as CA325)"
            )));
        }
    }
    let mut plan = Vec::with_capacity(files.len());
    let mut report = TreeReport::default();
    let mut refused_replacements = Vec::new();
    for (relative, text) in files {
        let path = relative
            .split('/')
            .fold(root.to_path_buf(), |path, segment| path.join(segment));
        refuse_symlinked_folders(root, &path)?;
        match existing(&path, text) {
            Existing::Same => continue,
            Existing::Other => {
                if replace == Replace::Refused {
                    refused_replacements.push(relative.as_str());
                }
                report.replaced.push(relative.clone());
            }
            Existing::None => {}
        }
        plan.push((path, text));
    }
    if !refused_replacements.is_empty() {
        let shown: Vec<String> = refused_replacements
            .iter()
            .take(10)
            .map(|path| format!("  {path}\n"))
            .collect();
        return Err(refuse(format!(
            "{} existing file{} would be replaced, and may hold edits of yours:\n{}{}pass --force \
             to replace them, or import into another folder",
            refused_replacements.len(),
            if refused_replacements.len() == 1 {
                ""
            } else {
                "s"
            },
            shown.concat(),
            if refused_replacements.len() > 10 {
                "  ...\n"
            } else {
                ""
            }
        )));
    }
    for (path, text) in plan {
        write_atomically(&path, text)?;
        report.written += 1;
    }
    Ok(report)
}

/// Writes generated `files` under `out` with [`write_tree`] (replacing what changed), then
/// removes the files the previous run listed in the manifest `out/MANIFEST` that are no longer
/// generated, and lists this run's files there. Only names this command could have written are
/// removed: plain relative paths ending in `extension`; other files in `out` are left alone.
/// Returns how many files were written or removed.
pub fn write_generated(
    out: &Path,
    files: &[(String, String)],
    manifest: &str,
    extension: &str,
) -> Result<usize, CliError> {
    let write_error = |path: &Path, source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(out).map_err(|source| write_error(out, source))?;
    let manifest_path = out.join(manifest);
    let previous: std::collections::BTreeSet<String> = std::fs::read_to_string(&manifest_path)
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let current: std::collections::BTreeSet<String> =
        files.iter().map(|(path, _)| path.clone()).collect();
    let mut changed = write_tree(out, files, Replace::Allowed)?.written;
    for stale in previous.difference(&current) {
        let plain = stale.ends_with(extension)
            && stale
                .split('/')
                .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
        if !plain {
            continue;
        }
        let path = stale
            .split('/')
            .fold(out.to_path_buf(), |path, segment| path.join(segment));
        refuse_symlinked_folders(out, &path)?;
        match std::fs::remove_file(&path) {
            Ok(()) => changed += 1,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(write_error(&path, source)),
        }
    }
    let mut listed: String = current.iter().map(|path| format!("{path}\n")).collect();
    if listed.is_empty() {
        listed.push('\n');
    }
    write_if_changed(&manifest_path, &listed)?;
    Ok(changed)
}

/// Writes one file (creating its folder) unless it already has that content.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), CliError> {
    if matches!(existing(path, text), Existing::Same) {
        return Ok(());
    }
    write_atomically(path, text)
}

enum Existing {
    None,
    Same,
    Other,
}

/// What is at `path` compared with `text`: a symlink is never "the same", so that it gets
/// replaced by a file.
fn existing(path: &Path, text: &str) -> Existing {
    match std::fs::symlink_metadata(path) {
        Err(_) => Existing::None,
        Ok(meta) if !meta.is_file() => Existing::Other,
        Ok(meta) if meta.len() != text.len() as u64 => Existing::Other,
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) if bytes == text.as_bytes() => Existing::Same,
            _ => Existing::Other,
        },
    }
}

/// Refuses a folder between `root` and `path` that is a symlink: output stays inside `root`.
fn refuse_symlinked_folders(root: &Path, path: &Path) -> Result<(), CliError> {
    let Ok(inside) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut folder = root.to_path_buf();
    let components: Vec<_> = inside.components().collect();
    for component in components.iter().take(components.len().saturating_sub(1)) {
        folder.push(component);
        if std::fs::symlink_metadata(&folder).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(CliError::Output {
                root: root.to_path_buf(),
                reason: format!(
                    "`{}` is a symlink: output is written only inside {}",
                    folder.display(),
                    root.display()
                ),
            });
        }
    }
    Ok(())
}

/// Creates the folder, writes a temporary file created exclusively under a random name beside
/// the target, then renames it over the target.
fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    let write_error = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(write_error)?;
    let (temporary, mut file) = loop {
        let candidate = folder.join(format!(".conductor-apply-{:016x}.tmp", fastrand::u64(..)));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => break (candidate, file),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(write_error(error)),
        }
    };
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(write_error(error));
    }
    Ok(())
}
