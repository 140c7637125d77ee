//! The working-tree walk: `ignore`'s parallel walker, honouring `.gitignore` (with or without a
//! git repository) and `.preflightignore`, never following symlinks (so nothing outside the tree
//! is read), skipping binary and oversized files, and reporting unreadable ones.

use super::{looks_binary, Blob, Skip};
use crate::diag::Diagnostic;
use crate::result::ScanStats;
use crate::scanned::Scanned;
use crate::sync::{into_inner, lock};
use ignore::{WalkBuilder, WalkState};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The name of preflight's own ignore file (gitignore syntax).
pub const IGNORE_FILE: &str = ".preflightignore";

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
}

/// What the walk reports for each file.
pub enum Event<'a> {
    /// A file to scan.
    Blob(Blob<'a>),
    /// A file not scanned, and why.
    Skipped(&'a str, Skip),
    /// A problem with a file; the walk goes on.
    Problem(Diagnostic),
    /// A text file that is not valid UTF-8 (it is still scanned, as bytes).
    NotUtf8(&'a str),
}

/// Walks `root` in parallel, calling `visit` for every file from the worker threads.
/// `exclude` is asked before a file is read.
pub fn walk<V, X>(root: &Path, opts: &WalkOptions, exclude: X, visit: V)
where
    V: Fn(Event<'_>) + Sync,
    X: Fn(&str) -> bool + Sync,
{
    let mut builder = builder(root);
    builder
        .filter_entry(|e| e.file_name() != ".git")
        .threads(opts.threads);
    let single_file = root.is_file();
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        let rel = relative(root, entry.path(), single_file);
                        visit_file(entry.path(), &rel, opts, &exclude, &visit);
                    } else if let Some(what) = not_regular(&entry) {
                        let rel = relative(root, entry.path(), single_file);
                        if !exclude(&rel) {
                            visit(Event::Skipped(&rel, Skip::NotRegular(what)));
                        }
                    }
                }
                Err(err) => visit(Event::Problem(walk_error(root, &err))),
            }
            WalkState::Continue
        })
    });
}

/// What an entry that is neither a directory nor a regular file is, when nothing can be read
/// from it: a symbolic link whose target is missing, a FIFO (reading one would block), a
/// socket, a device. A link to an existing file is not followed by policy, so it is `None`.
fn not_regular(entry: &ignore::DirEntry) -> Option<&'static str> {
    let kind = entry.file_type()?;
    if kind.is_dir() {
        return None;
    }
    if kind.is_symlink() {
        return std::fs::metadata(entry.path())
            .is_err()
            .then_some("a dangling symbolic link (its target does not exist)");
    }
    Some("not a regular file (a FIFO, socket or device)")
}

/// The walker's configuration, shared by the walk and [`ignored`] so that both always agree.
fn builder(root: &Path) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .parents(true)
        .ignore(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(IGNORE_FILE);
    builder
}

/// Whether the walk of `root` would skip the file `rel` (relative, `/`-separated) by an ignore
/// rule: the same walker, descending only along `rel`'s directories.
pub fn ignored(root: &Path, rel: &str) -> bool {
    let target = root.join(rel);
    if !target.is_file() {
        return false;
    }
    let mut b = builder(root);
    let on_way = target.clone();
    b.filter_entry(move |e| e.file_name() != ".git" && on_way.starts_with(e.path()));
    let found = b
        .build()
        .flatten()
        .any(|e| e.path() == target && e.file_type().is_some_and(|t| t.is_file()));
    !found
}

fn visit_file<V, X>(path: &Path, rel: &str, opts: &WalkOptions, exclude: &X, visit: &V)
where
    V: Fn(Event<'_>),
    X: Fn(&str) -> bool,
{
    if exclude(rel) {
        return visit(Event::Skipped(rel, Skip::Excluded));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > opts.max_file_size => {
            return visit(Event::Skipped(rel, Skip::TooLarge))
        }
        Ok(_) => {}
        Err(err) => return visit(Event::Problem(Diagnostic::error(rel, io_cause(&err)))),
    }
    let data = match std::fs::read(path) {
        Ok(data) => data,
        Err(err) => return visit(Event::Problem(Diagnostic::error(rel, io_cause(&err)))),
    };
    if looks_binary(&data) {
        return visit(Event::Skipped(rel, Skip::Binary));
    }
    if std::str::from_utf8(&data).is_err() {
        visit(Event::NotUtf8(rel));
    }
    visit(Event::Blob(Blob {
        path: rel,
        data: &data,
        commit: None,
    }));
}

/// `path` relative to `root`, `/`-separated; a root that is a file is named by its file name.
fn relative(root: &Path, path: &Path, single_file: bool) -> String {
    let rel = if single_file {
        path.file_name().map(Path::new).unwrap_or(path)
    } else {
        path.strip_prefix(root).unwrap_or(path)
    };
    let text = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

fn io_cause(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
        std::io::ErrorKind::NotFound => "cannot read: file vanished during the scan".into(),
        _ => format!("cannot read: {err}"),
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> Diagnostic {
    // ignore's errors carry the path inside; keep the message one line.
    let msg = err.to_string().replace('\n', " ");
    // A directory the walk could not enter hides every file in it: a gap. A malformed line in
    // an ignore file is only a warning (the rest of the file still applies).
    if err.io_error().is_some() {
        Diagnostic::error(root.display().to_string(), msg)
    } else {
        Diagnostic::warning(root.display().to_string(), msg)
    }
}

/// Counts what a walk skipped and collects its problems, from the walker's threads.
#[derive(Default)]
pub struct Tally {
    binary: AtomicU64,
    large: AtomicU64,
    excluded: AtomicU64,
    non_utf8: AtomicU64,
    problems: Mutex<Vec<Diagnostic>>,
}

impl Tally {
    /// Records one event that is not a blob; `count_excluded` says whether an excluded file
    /// counts as a skip (a file no scanner asked for does not), `claimed` whether a scanner reads
    /// the file by its name (then binary content is a gap, not a policy skip).
    pub fn record(&self, event: &Event<'_>, count_excluded: bool, claimed: bool) {
        let add = |c: &AtomicU64| {
            c.fetch_add(1, Relaxed);
        };
        let gap = |path: &str, why: &str| lock(&self.problems).push(Diagnostic::error(path, why));
        match event {
            Event::Blob(_) => {}
            Event::Skipped(path, Skip::Binary) => {
                add(&self.binary);
                if claimed {
                    gap(path, "holds binary content (a NUL byte): the scanner that reads files of this name could not read it");
                }
            }
            Event::Skipped(path, Skip::TooLarge) => {
                add(&self.large);
                gap(
                    path,
                    "larger than --max-file-size: not scanned (raise the limit to cover it)",
                );
            }
            Event::Skipped(_, Skip::Excluded) if count_excluded => add(&self.excluded),
            Event::Skipped(_, Skip::Excluded) => {}
            Event::Skipped(path, Skip::NotRegular(what)) => {
                if claimed {
                    gap(path, &format!("cannot read: {what}"));
                }
            }
            Event::NotUtf8(path) => {
                add(&self.non_utf8);
                lock(&self.problems).push(Diagnostic::warning(
                    *path,
                    "not valid UTF-8; scanned as bytes",
                ));
            }
            Event::Problem(d) => lock(&self.problems).push(d.clone()),
        }
    }

    /// The counters and problems, as a scanner result.
    pub fn finish(self) -> Scanned {
        Scanned {
            diagnostics: into_inner(self.problems),
            stats: ScanStats {
                skipped_binary: self.binary.into_inner(),
                skipped_too_large: self.large.into_inner(),
                skipped_excluded: self.excluded.into_inner(),
                non_utf8: self.non_utf8.into_inner(),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}
