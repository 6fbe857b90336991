//! The crate's one error type, for failures of the environment (missing paths, unreadable
//! files); problems in the YAML itself are data, see [`crate::yaml::YamlProblem`].

use std::path::PathBuf;

/// A failure to find or read source files.
///
/// Messages are lower case and name the operation and its object; the cause, when there is one,
/// is in [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A path given to [`crate::discover`] does not exist.
    #[error("`{}` does not exist", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// Walking a directory failed (permission denied, a broken `.gitignore`, …).
    #[error("walking `{}`", path.display())]
    Walk {
        /// The directory being walked, or the entry that failed when known.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: ignore::Error,
    },
    /// Reading a file, or the metadata of a path, failed.
    #[error("reading `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid UTF-8.
    #[error("reading `{}`: the file is not valid UTF-8 (invalid byte at offset {valid_up_to})", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        valid_up_to: usize,
    },
}
