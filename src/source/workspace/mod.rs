//! The scan root as the walk saw it: the one door through which scanners read files. It owns the
//! containment rule (nothing outside the root, no link followed out of it), the size limit, the
//! binary test, the content cache (each file read once per scan), and what git ignores, answered
//! by the walker's own matcher so that every scanner and the walk agree. An in-memory variant
//! serves tests and fuzzing. It does not scan.

use super::fs::{self, Event, WalkOptions};
use super::{looks_binary, Blob};
use crate::sync::{into_inner, lock};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The largest file [`Workspace::read`] reads whole. Files of the names parsers claim are small;
/// one larger than this (a 300 MB `package.json` is a generated artefact, not a manifest) would
/// cost its size several times over in a parser's memory (issue 16).
pub const PARSE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a scanner could not read a file through the workspace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The path climbs out of the root or is absolute.
    #[error("is outside the scan root; not read")]
    Outside,
    /// A symbolic link on the way leads out of the root.
    #[error("points outside the scan root; not read")]
    LinkOutside,
    /// No such file.
    #[error("no such file")]
    NotFound,
    /// Larger than the size limit.
    #[error("is {size} bytes, over the {limit}-byte --max-file-size limit; not read")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Larger than scanners that parse a file whole (lockfiles, compose and env files) read.
    #[error("is {size} bytes, over the {limit}-byte limit for files parsed whole; not read")]
    TooLargeToParse {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A NUL byte in its first 8 KiB.
    #[error("holds binary content (a NUL byte); not read")]
    Binary,
    /// Not valid UTF-8 where text is required.
    #[error("is not valid UTF-8")]
    NotUtf8,
    /// The operating system refused.
    #[error("cannot read: {0}")]
    Io(String),
}

enum Store {
    Disk { canon: Option<PathBuf> },
    Memory { ignored: BTreeSet<String> },
}

/// The files of one scan root and the only way a scanner reads them.
pub struct Workspace {
    root: PathBuf,
    store: Store,
    /// Every file the walk read, relative, `/`-separated.
    files: BTreeSet<String>,
    /// Every file the walk visited, read or skipped by policy (so not ignored by git).
    visited: BTreeSet<String>,
    cache: Mutex<HashMap<String, Arc<[u8]>>>,
    max_file_size: u64,
}

impl Workspace {
    /// Walks `root` once (a directory, or a single file whose directory becomes the root),
    /// handing every readable text file to `visit` from the walker's threads. `skip` is asked
    /// before a file is read; the content of files `keep` names stays cached for scanners that
    /// read them after the walk.
    pub fn walk<X, K, V>(root: &Path, opts: &WalkOptions, skip: X, keep: K, visit: V) -> Self
    where
        X: Fn(&str) -> bool + Sync,
        K: Fn(&str) -> bool + Sync,
        V: Fn(Event<'_>) + Sync,
    {
        let dir = if root.is_file() {
            root.parent().unwrap_or(Path::new("."))
        } else {
            root
        };
        let ws = Workspace {
            root: dir.to_path_buf(),
            store: Store::Disk {
                canon: dir.canonicalize().ok(),
            },
            files: BTreeSet::new(),
            visited: BTreeSet::new(),
            cache: Mutex::new(HashMap::new()),
            max_file_size: opts.max_file_size,
        };
        let seen: Mutex<Vec<(String, bool)>> = Mutex::new(Vec::new());
        fs::walk(root, opts, skip, |event| {
            if let Some(path) = event.path() {
                let read = matches!(event, Event::Blob(_) | Event::Large(_));
                lock(&seen).push((path.to_string(), read));
            }
            if let Event::Blob(blob) = &event {
                if keep(blob.path) {
                    ws.remember(blob.path, blob.data);
                }
            }
            visit(event);
        });
        let seen = into_inner(seen);
        Workspace {
            files: seen
                .iter()
                .filter(|(_, r)| *r)
                .map(|(p, _)| p.clone())
                .collect(),
            visited: seen.into_iter().map(|(p, _)| p).collect(),
            ..ws
        }
    }

    /// A workspace over in-memory files (relative path to content); `ignored` lists the paths
    /// git would ignore. Nothing is read from disk.
    pub fn in_memory<I>(files: I, ignored: &[&str]) -> Self
    where
        I: IntoIterator<Item = (String, Vec<u8>)>,
    {
        let files: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        let names: BTreeSet<String> = files.keys().cloned().collect();
        let cache = files.into_iter().map(|(k, v)| (k, Arc::from(v))).collect();
        Workspace {
            root: PathBuf::new(),
            store: Store::Memory {
                ignored: ignored.iter().map(|s| s.to_string()).collect(),
            },
            visited: names.clone(),
            files: names,
            cache: Mutex::new(cache),
            max_file_size: u64::MAX,
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file the walk read, sorted.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    fn remember(&self, rel: &str, data: &[u8]) {
        lock(&self.cache).insert(rel.to_string(), Arc::from(data));
    }

    /// The content of `rel` (relative to the root, `/`-separated): from the cache when the walk
    /// kept it, else from disk once, inside the root, under the size limit, not binary.
    pub fn read(&self, rel: &str) -> Result<Arc<[u8]>, ReadError> {
        let rel = normalize(rel).ok_or(ReadError::Outside)?;
        if let Some(data) = lock(&self.cache).get(&rel) {
            return Ok(data.clone());
        }
        let Store::Disk { canon } = &self.store else {
            return Err(ReadError::NotFound);
        };
        let abs = self.root.join(&rel);
        let meta = std::fs::metadata(&abs).map_err(|e| io_error(&e))?;
        if !meta.is_file() {
            return Err(ReadError::NotFound);
        }
        let real = abs.canonicalize().map_err(|e| io_error(&e))?;
        if canon.as_ref().is_some_and(|c| !real.starts_with(c)) {
            return Err(ReadError::LinkOutside);
        }
        if meta.len() > self.max_file_size {
            return Err(ReadError::TooLarge {
                size: meta.len(),
                limit: self.max_file_size,
            });
        }
        if meta.len() > PARSE_LIMIT {
            return Err(ReadError::TooLargeToParse {
                size: meta.len(),
                limit: PARSE_LIMIT,
            });
        }
        let data = std::fs::read(&real).map_err(|e| io_error(&e))?;
        if looks_binary(&data) {
            return Err(ReadError::Binary);
        }
        let data: Arc<[u8]> = Arc::from(data);
        lock(&self.cache).insert(rel, data.clone());
        Ok(data)
    }

    /// [`Workspace::read`] as UTF-8 text.
    pub fn read_text(&self, rel: &str) -> Result<String, ReadError> {
        let data = self.read(rel)?;
        std::str::from_utf8(&data)
            .map(str::to_string)
            .map_err(|_| ReadError::NotUtf8)
    }

    /// The names of the entries directly in directory `dir` of the root ("" for the root).
    pub fn list_dir(&self, dir: &str) -> Vec<String> {
        let Some(dir) = normalize(dir) else {
            return Vec::new();
        };
        if let Store::Memory { .. } = self.store {
            return self
                .files
                .iter()
                .filter(|f| f.rsplit_once('/').map_or("", |(d, _)| d) == dir)
                .map(|f| f.rsplit('/').next().unwrap_or(f).to_string())
                .collect();
        }
        let Ok(rd) = std::fs::read_dir(self.root.join(&dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Whether git (and `.preflightignore`) ignores `rel`, exactly as the walk decided: every
    /// `.gitignore` level, parent directories' files, `.git/info/exclude` and negations.
    pub fn ignored(&self, rel: &str) -> bool {
        let Some(rel) = normalize(rel) else {
            return false;
        };
        match &self.store {
            Store::Memory { ignored } => ignored.contains(&rel),
            Store::Disk { .. } if self.visited.contains(&rel) => false,
            Store::Disk { .. } => fs::ignored(&self.root, &rel),
        }
    }
}

impl Event<'_> {
    /// The file an event is about, when it names one.
    fn path(&self) -> Option<&str> {
        match self {
            Event::Blob(Blob { path, .. })
            | Event::Large(fs::LargeFile { path, .. })
            | Event::Skipped(path, _)
            | Event::NotUtf8(path) => Some(path),
            Event::Problem(_) => None,
        }
    }
}

/// `rel` without `.` parts and with `..` resolved, or `None` when it leaves the root.
fn normalize(rel: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

fn io_error(err: &std::io::Error) -> ReadError {
    match err.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::Io("permission denied".into()),
        _ => ReadError::Io(err.to_string()),
    }
}

#[cfg(test)]
mod tests;
