//! Collecting advisories from what `preflight db import PATH...` points at: a directory of OSV
//! JSON/YAML or RustSec files, an OSV `all.zip` archive, or a bare git repository.
//!
//! A source that cannot be read at all is an [`IndexError`]; a file in it that cannot be
//! parsed is a [`Problem`] and the rest goes in. Zip archives are read by [`archive`], which
//! refuses entries that escape, links and decompression bombs.

mod archive;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::IndexError;
use crate::deps::advisory::{osv, rustsec, Advisory};

pub use archive::{ArchiveLimits, ARCHIVE_LIMITS};

/// What one import source yielded.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Advisories that are not withdrawn and affect at least one audited ecosystem.
    pub advisories: Vec<Advisory>,
    /// Files that could not be read or parsed; the import goes on without them.
    pub problems: Vec<Problem>,
    /// Advisory files looked at (parsed or not).
    pub files: usize,
    /// Withdrawn records, dropped.
    pub withdrawn: usize,
    /// Records with no entry in npm, PyPI or crates.io, dropped.
    pub unrelated: usize,
    /// What `path` was read as: `directory`, `zip` or `git` (a bare repository).
    pub kind: &'static str,
}

/// One file that could not be used.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file, relative to the imported path (or the zip entry's name).
    pub file: String,
    /// Why.
    pub message: String,
}

/// Which parser a file goes to, from its name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Yaml,
    RustSec,
}

/// A file's name (for problems) and its bytes, or why they could not be read.
type Item = (String, Format, Result<Vec<u8>, String>);

/// Collects the advisories under `path`.
pub fn collect(path: &Path) -> Result<Collected, IndexError> {
    let meta = fs::metadata(path).map_err(|e| IndexError::io(path, e))?;
    let (kind, items) = if meta.is_dir() {
        if is_bare_repository(path) {
            ("git", from_git(path)?)
        } else {
            ("directory", from_directory(path)?)
        }
    } else if meta.is_file() && has_extension(path, "zip") {
        ("zip", archive::read_zip(path, &ARCHIVE_LIMITS)?)
    } else {
        return Err(IndexError::source_error(
            path,
            "not a directory, a .zip archive or a git repository",
        ));
    };
    Ok(Collected {
        kind,
        ..parse_all(items)
    })
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A work tree is read from disk (what the user sees); only a repository without one goes
/// through the object database.
fn is_bare_repository(path: &Path) -> bool {
    !path.join(".git").exists() && path.join("HEAD").is_file() && path.join("objects").is_dir()
}

fn format_of(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Some(Format::Json)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(Format::Yaml)
    } else if name.starts_with("RUSTSEC-") && lower.ends_with(".md") {
        Some(Format::RustSec)
    } else {
        None
    }
}

/// Hidden files and directories (`.git`, `.github` workflows, ...) never hold advisories.
fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

fn from_directory(root: &Path) -> Result<Vec<Item>, IndexError> {
    let mut files: Vec<(String, Format, PathBuf)> = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    let mut first = true;
    while let Some(dir) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if first => return Err(IndexError::io(root, e)),
            Err(_) => continue,
        };
        first = false;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_hidden(&name) {
                continue;
            }
            // Symlinks are not followed: they could loop or leave the tree.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                pending.push(path);
            } else if let (true, Some(format)) = (kind.is_file(), format_of(&name)) {
                files.push((relative(root, &path), format, path));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files
        .into_par_iter()
        .map(|(name, format, path)| {
            let bytes = fs::read(&path).map_err(|e| format!("cannot read: {e}"));
            (name, format, bytes)
        })
        .collect())
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A bare repository: the files of HEAD's tree, read from the object database. Only blobs
/// are read, so a symbolic link in the tree is never followed.
fn from_git(path: &Path) -> Result<Vec<Item>, IndexError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        IndexError::source_error(path, format!("{what}: {e}"))
    };
    let repo = gix::open(path).map_err(|e| fail("not a git repository", &e))?;
    let tree = repo
        .head_tree()
        .map_err(|e| fail("cannot read HEAD's tree", &e))?;
    let entries = tree
        .traverse()
        .breadthfirst
        .files()
        .map_err(|e| fail("cannot walk HEAD's tree", &e))?;
    let mut items = Vec::new();
    for entry in entries {
        if !entry.mode.is_blob() {
            continue;
        }
        let name = entry.filepath.to_string();
        if name.split('/').any(is_hidden) {
            continue;
        }
        let Some(format) = format_of(base_name(&name)) else {
            continue;
        };
        let bytes = repo
            .find_object(entry.oid)
            .map(|object| object.detach().data)
            .map_err(|e| format!("cannot read blob: {e}"));
        items.push((name, format, bytes));
    }
    Ok(items)
}

fn parse_one(format: Format, bytes: &[u8]) -> Result<Advisory, String> {
    match format {
        Format::Json => osv::parse_json(bytes),
        Format::Yaml | Format::RustSec => {
            let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
            if format == Format::Yaml {
                osv::parse_yaml(text)
            } else {
                rustsec::parse(text)
            }
        }
    }
}

fn parse_all(items: Vec<Item>) -> Collected {
    let files = items.len();
    let results: Vec<(String, Result<Advisory, String>)> = items
        .into_par_iter()
        .map(|(name, format, bytes)| {
            let parsed = bytes.and_then(|b| parse_one(format, &b));
            (name, parsed)
        })
        .collect();
    let mut out = Collected {
        files,
        ..Collected::default()
    };
    for (file, result) in results {
        match result {
            Err(message) => out.problems.push(Problem { file, message }),
            Ok(adv) if adv.withdrawn => out.withdrawn += 1,
            Ok(adv) if adv.affected.is_empty() => out.unrelated += 1,
            Ok(adv) => out.advisories.push(adv),
        }
    }
    out
}

#[cfg(test)]
mod tests;
