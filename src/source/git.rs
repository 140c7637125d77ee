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

/// Where a repository stands, as reports name it: HEAD's commit and branch, and `origin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoState {
    /// HEAD's commit id (`None` on an unborn branch).
    pub head_commit: Option<String>,
    /// The branch HEAD points to (`None` when detached).
    pub head_branch: Option<String>,
    /// The URL of remote `origin`, without credentials.
    pub remote_url: Option<String>,
}

/// The state of the repository containing `path`, for the `vcs` block of staged scans; `None`
/// outside a repository.
pub fn state(path: &Path) -> Option<RepoState> {
    gix::discover(path).ok().map(|repo| state_of(&repo))
}

/// Where `repo`'s HEAD and `origin` point (history scans take their HEAD commit from the walk).
pub fn state_of(repo: &gix::Repository) -> RepoState {
    let head_branch = repo.head_name().ok().flatten().and_then(|name| {
        let short = name.as_bstr().strip_prefix(b"refs/heads/")?;
        Some(String::from_utf8_lossy(short).into_owned())
    });
    let remote_url = repo
        .config_snapshot()
        .string("remote.origin.url")
        .map(|url| super::history::without_credentials(&String::from_utf8_lossy(&url)));
    RepoState {
        head_commit: repo.head_id().ok().map(|id| id.detach().to_string()),
        head_branch,
        remote_url,
    }
}
