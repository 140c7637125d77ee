//! What can go wrong with the advisory index, as one type, so that a caller decides by variant
//! rather than by text: a scan treats [`IndexError::Fetch`] (offline) differently from
//! [`IndexError::Corrupt`] (rebuild it).
//!
//! Each message carries its cause exactly once: leaf causes are part of the message (no
//! `source()`), and [`IndexError::Fetch`] is transparent, so walking the `source()` chain and
//! joining it with `": "` never repeats anything.

use super::fetch::FetchError;
use std::path::PathBuf;
use std::time::Duration;

/// Why the advisory index could not be opened, read, built or replaced.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index was ever built in the database directory.
    #[error("no advisory index in {}", dir.display())]
    Absent {
        /// The database directory.
        dir: PathBuf,
    },
    /// An index file is missing, unparsable or of another format.
    #[error(
        "{}: {reason}; rebuild the index with `preflight db update` or `preflight db import`",
        path.display()
    )]
    Corrupt {
        /// The broken file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause (in the message, so not also a `source()`).
        error: std::io::Error,
    },
    /// Downloading an archive or fetching the RustSec repository failed: the network, not the
    /// index, is the problem.
    #[error(transparent)]
    Fetch {
        /// The typed network error; its message starts with the URL.
        #[from]
        source: FetchError,
    },
    /// An import source that advisories cannot be read from.
    #[error("{}: {reason}", path.display())]
    Source {
        /// The path given to `db import` (or a downloaded file).
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
    },
    /// An archive entry that would land outside the target, is a link, or expands too much.
    #[error("{}: entry {entry:?} refused: {reason}", archive.display())]
    UnsafeArchive {
        /// The archive.
        archive: PathBuf,
        /// The entry's name as stored.
        entry: String,
        /// Which rule it broke.
        reason: String,
    },
    /// The new index would hold less than the current one (or nothing) and `--force` was not
    /// given; the current index stays.
    #[error("refusing to replace the advisory index: {reason}; `--force` replaces it anyway")]
    Refused {
        /// What would be lost, naming the sources.
        reason: String,
    },
    /// Another process held the database lock for longer than the wait allowed.
    #[error(
        "another preflight db update is running ({holder}); gave up after {} s (if no such \
         process runs, remove {})",
        waited.as_secs(),
        lock.display()
    )]
    Locked {
        /// The lock file.
        lock: PathBuf,
        /// Who holds it: `pid N`, or `pid unknown`.
        holder: String,
        /// How long this process waited.
        waited: Duration,
    },
}

impl IndexError {
    /// An [`IndexError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> IndexError {
        IndexError::Io {
            path: path.into(),
            error,
        }
    }

    /// An [`IndexError::Source`] for `path`.
    pub fn source_error(path: impl Into<PathBuf>, reason: impl Into<String>) -> IndexError {
        IndexError::Source {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
