//! Opening a git repository for the history and staged-changes sources: discovery from any path
//! inside it (work tree, subdirectory, bare repository, linked worktree, `.git` file). Reading
//! objects, refs or the index is left to the sources themselves.

use crate::error::Error;
use std::path::Path;

/// Opens the repository containing `path`, searching upwards as `git` does.
///
/// Environment variables (`GIT_DIR`, …) are deliberately not consulted: only `cli` reads the
/// environment, and a scan must read the repository it was pointed at.
pub fn open(path: &Path) -> Result<gix::Repository, Error> {
    match gix::discover(path) {
        Ok(repo) => Ok(repo),
        Err(_) => Err(Error::Usage(format!(
            "{}: not a git repository",
            path.display()
        ))),
    }
}
