//! The working-tree walk: `ignore`'s parallel walker, honouring `.gitignore` (with or without a
//! git repository) and `.preflightignore`, never following symlinks (so nothing outside the tree
//! is read), skipping binary and oversized files, and reporting unreadable ones. A file larger
//! than [`STREAM_FROM`] is handed over as a reader, never read whole.

use super::{looks_binary, Blob, Skip};
use crate::diag::Diagnostic;
use crate::result::ScanStats;
use crate::scanned::Scanned;
use crate::sync::{into_inner, lock};
use ignore::{WalkBuilder, WalkState};
use std::io::{Read, Seek};
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

/// Files larger than this are streamed ([`Event::Large`]) rather than read whole.
pub const STREAM_FROM: u64 = crate::secrets::window::WINDOWED_FROM as u64;

/// What the walk reports for each file.
pub enum Event<'a> {
    /// A file to scan.
    Blob(Blob<'a>),
    /// A file too large to read whole: a reader over its content, for a scanner to stream.
    Large(LargeFile<'a>),
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
    let meta = match std::fs::metadata(path) {
        Ok(meta) if meta.len() > opts.max_file_size => {
            return visit(Event::Skipped(rel, Skip::TooLarge))
        }
        Ok(meta) => meta,
        Err(err) => return visit(Event::Problem(Diagnostic::error(rel, io_cause(&err)))),
    };
    if meta.len() > STREAM_FROM {
        return stream_file(path, rel, visit);
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

/// A large file, opened and tested for binary content, then handed over as a reader; read
/// errors and invalid UTF-8 are reported after the reader is done with.
fn stream_file<V: Fn(Event<'_>)>(path: &Path, rel: &str, visit: &V) {
    let problem = |err: &std::io::Error| Event::Problem(Diagnostic::error(rel, io_cause(err)));
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) => return visit(problem(&err)),
    };
    let mut head = Vec::with_capacity(8192);
    let tested = (&mut file)
        .take(8192)
        .read_to_end(&mut head)
        .and_then(|_| file.rewind());
    if let Err(err) = tested {
        return visit(problem(&err));
    }
    if looks_binary(&head) {
        return visit(Event::Skipped(rel, Skip::Binary));
    }
    let mut reader = Watched {
        file,
        utf8: Utf8Watch::default(),
        error: None,
    };
    visit(Event::Large(LargeFile {
        path: rel,
        reader: &mut reader,
    }));
    if let Some(err) = &reader.error {
        visit(problem(err));
    }
    if !reader.utf8.valid() {
        visit(Event::NotUtf8(rel));
    }
}

/// A large file handed to a scanner.
pub struct LargeFile<'a> {
    /// Path relative to the scan root, `/`-separated.
    pub path: &'a str,
    /// Its content. A read error ends the content early (the walk reports it).
    pub reader: &'a mut dyn Read,
}

/// A file reader that checks UTF-8 on the way and keeps a read error for the walk to report
/// (the scanner then sees the content end).
struct Watched {
    file: std::fs::File,
    utf8: Utf8Watch,
    error: Option<std::io::Error>,
}

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Ok(0);
        }
        loop {
            match self.file.read(buf) {
                Ok(n) => {
                    self.utf8.feed(&buf[..n]);
                    return Ok(n);
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => {
                    self.error = Some(err);
                    return Ok(0);
                }
            }
        }
    }
}

/// UTF-8 validation of content that arrives in pieces (a character may span two pieces).
#[derive(Debug, Default)]
struct Utf8Watch {
    bad: bool,
    pending: [u8; 4],
    pending_len: usize,
}

impl Utf8Watch {
    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() && !self.bad {
            if self.pending_len > 0 {
                // Complete the character the last piece ended inside, a byte at a time.
                self.pending[self.pending_len] = data[0];
                self.pending_len += 1;
                data = &data[1..];
                match std::str::from_utf8(&self.pending[..self.pending_len]) {
                    Ok(_) => self.pending_len = 0,
                    Err(e) if e.error_len().is_some() => self.bad = true,
                    Err(_) => {}
                }
                continue;
            }
            match std::str::from_utf8(data) {
                Ok(_) => return,
                Err(e) if e.error_len().is_some() => self.bad = true,
                Err(e) => {
                    let rest = &data[e.valid_up_to()..];
                    self.pending[..rest.len()].copy_from_slice(rest);
                    self.pending_len = rest.len();
                    return;
                }
            }
        }
    }

    /// Whether everything fed so far was UTF-8, ending on a whole character.
    fn valid(&self) -> bool {
        !self.bad && self.pending_len == 0
    }
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
            Event::Blob(_) | Event::Large(_) => {}
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

#[cfg(test)]
mod tests {
    use super::Utf8Watch;

    fn valid_in_pieces(text: &[u8], cut: usize) -> bool {
        let mut watch = Utf8Watch::default();
        watch.feed(&text[..cut]);
        watch.feed(&text[cut..]);
        watch.valid()
    }

    #[test]
    fn utf8_across_pieces() {
        let text = "aé€😀b".as_bytes();
        for cut in 0..=text.len() {
            assert!(valid_in_pieces(text, cut), "cut at {cut}");
        }
        for bad in [&b"a\xffb"[..], b"\xe2\x82", b"\xc3(", b"ok\xf0\x9f\x98"] {
            for cut in 0..=bad.len() {
                assert!(!valid_in_pieces(bad, cut), "{bad:?} cut at {cut}");
            }
        }
    }
}
