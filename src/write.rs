//! Writing output files safely: through a temporary file and a rename, so that a reader never
//! sees half a file, and not at all when the content is unchanged.

use std::path::Path;

use crate::error::CliError;

/// Writes `text` to `path` (creating its directory) unless the file already has that content.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), CliError> {
    let write_error = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(write_error)?;
    }
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == text) {
        return Ok(());
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, text).map_err(write_error)?;
    std::fs::rename(&temporary, path).map_err(write_error)
}
