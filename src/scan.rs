//! One scan, end to end: walk the tree, run the secret scanner on each file in parallel, then
//! suppress (ignore file, baseline), sort, and count. Returns a `ScanResult`; never prints.

use crate::diag::Diagnostic;
use crate::finding::{Finding, Fingerprint};
use crate::result::{ScanResult, ScanStats};
use crate::secrets::{scan_blob, RuleSet};
use crate::source::fs::{walk, Event, WalkOptions};
use crate::source::Skip;
use crate::suppress::IgnoreSet;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;

/// Default `--max-file-size`: 25 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 * 1024 * 1024;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The tree (or single file) to scan.
    pub root: PathBuf,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Fingerprints not to report again.
    pub baseline: BTreeSet<Fingerprint>,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    excluded: AtomicU64,
    non_utf8: AtomicU64,
    inline: AtomicU64,
}

/// Scans a working tree for secrets.
pub fn scan(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> ScanResult {
    let started = Instant::now();
    let counters = Counters::default();
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let diagnostics: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let walk_opts = WalkOptions {
        threads: opts.threads,
        max_file_size: opts.max_file_size,
    };
    walk(
        &opts.root,
        &walk_opts,
        |path| rules.path_excluded(path),
        |event| match event {
            Event::Blob(blob) => {
                counters.files.fetch_add(1, Relaxed);
                counters.bytes.fetch_add(blob.data.len() as u64, Relaxed);
                let found = scan_blob(rules, blob.path, blob.commit, blob.data);
                counters.inline.fetch_add(found.suppressed_inline, Relaxed);
                if !found.findings.is_empty() {
                    lock(&findings).extend(found.findings);
                }
            }
            Event::Skipped(_, Skip::Binary) => add(&counters.binary),
            Event::Skipped(_, Skip::TooLarge) => add(&counters.large),
            Event::Skipped(_, Skip::Excluded) => add(&counters.excluded),
            Event::NotUtf8(path) => {
                add(&counters.non_utf8);
                lock(&diagnostics).push(Diagnostic::warning(
                    path,
                    "not valid UTF-8; scanned as bytes",
                ));
            }
            Event::Problem(d) => lock(&diagnostics).push(d),
        },
    );
    let mut stats = ScanStats {
        files_scanned: counters.files.into_inner(),
        bytes_scanned: counters.bytes.into_inner(),
        skipped_binary: counters.binary.into_inner(),
        skipped_too_large: counters.large.into_inner(),
        skipped_excluded: counters.excluded.into_inner(),
        non_utf8: counters.non_utf8.into_inner(),
        suppressed_inline: counters.inline.into_inner(),
        ..Default::default()
    };
    let mut findings = findings.into_inner().unwrap_or_else(|p| p.into_inner());
    let before = findings.len();
    findings.retain(|f| !ignores.ignores(f));
    stats.suppressed_ignore_file = (before - findings.len()) as u64;
    let before = findings.len();
    findings.retain(|f| !opts.baseline.contains(&f.fingerprint));
    stats.suppressed_baseline = (before - findings.len()) as u64;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut diagnostics = diagnostics.into_inner().unwrap_or_else(|p| p.into_inner());
    diagnostics.sort();
    stats.duration_ms = started.elapsed().as_millis() as u64;
    ScanResult {
        root: opts.root.display().to_string(),
        root_uri: root_uri(&opts.root),
        findings,
        diagnostics,
        stats,
        rules: rules.catalog(),
    }
}

fn add(counter: &AtomicU64) {
    counter.fetch_add(1, Relaxed);
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `file:///abs/root/` for SARIF's `%SRCROOT%`.
fn root_uri(root: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(root).ok()?;
    let dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    let mut uri = String::from("file://");
    for part in dir.to_string_lossy().split(std::path::MAIN_SEPARATOR) {
        if !part.is_empty() {
            uri.push('/');
            uri.push_str(&percent_encode(part));
        }
    }
    uri.push('/');
    Some(uri)
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
