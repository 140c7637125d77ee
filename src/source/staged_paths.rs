//! Whether named files are part of the staged change: a file is staged when its index entry
//! (blob id or mode) differs from `HEAD`'s tree entry at the same path, as `git diff --cached
//! --name-only` lists it. The pre-commit framework hands a hook the staged files on a normal
//! run and every tracked file on `pre-commit run --all-files`; this tells the two apart.

use crate::error::Error;
use gix::bstr::ByteSlice;
use std::path::{Path, PathBuf};

/// `file` relative to the work tree `root`, `/`-separated; `None` when it lies outside.
pub fn relative_to(root: &Path, file: &Path) -> Option<String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let file = normalize(&abs(file));
    let rel = file.strip_prefix(normalize(&abs(root))).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Drops `.` and resolves `..` lexically (no symlinks are followed).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether every file in `files` (paths relative to the current directory) is staged in the
/// repository containing `path`. A file outside the work tree, or not in the index, is not.
pub fn all_staged(path: &Path, files: &[PathBuf]) -> Result<bool, Error> {
    let repo = super::git::open(path)?;
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return Ok(false);
    };
    let fail = |err: &dyn std::fmt::Display| Error::Read {
        path: repo.git_dir().to_path_buf(),
        source: std::io::Error::other(err.to_string()),
    };
    let index = repo.index_or_empty().map_err(|e| fail(&e))?;
    let head_id = repo.head_tree_id_or_empty().map_err(|e| fail(&e))?.detach();
    let head = repo.find_tree(head_id).map_err(|e| fail(&e))?;
    for file in files {
        let Some(rel) = relative_to(&workdir, file) else {
            return Ok(false);
        };
        let Some(entry) = index.entry_by_path(rel.as_bytes().as_bstr()) else {
            return Ok(false);
        };
        let committed = head.lookup_entry_by_path(&rel).map_err(|e| fail(&e))?;
        let unchanged = committed.is_some_and(|c| {
            c.object_id() == entry.id && entry.mode.to_tree_entry_mode() == Some(c.mode())
        });
        if unchanged {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::relative_to;
    use std::path::Path;

    #[test]
    fn paths_are_named_relative_to_the_work_tree() {
        let root = Path::new("/repo");
        assert_eq!(
            relative_to(root, Path::new("/repo/a/b.txt")).as_deref(),
            Some("a/b.txt")
        );
        assert_eq!(
            relative_to(root, Path::new("/repo/./a/../c")).as_deref(),
            Some("c")
        );
        assert_eq!(relative_to(root, Path::new("/elsewhere/x")), None);
        assert_eq!(relative_to(root, Path::new("/repo")), None);
    }
}
