//! The secret scanner over a stream of blobs: any source's threads hand it blobs, it keeps the
//! findings and counters, and `finish` returns them in the one shape every scanner returns.

use super::window::{scan_stream, scan_whole};
use super::RuleSet;
use crate::finding::Finding;
use crate::result::ScanStats;
use crate::scanned::Scanned;
use crate::source::fs::LargeFile;
use crate::source::Blob;
use crate::sync::{into_inner, lock};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Collects the secret findings of blobs scanned from many threads.
pub struct BlobScanner<'r> {
    rules: &'r RuleSet,
    findings: Mutex<Vec<Finding>>,
    files: AtomicU64,
    bytes: AtomicU64,
    excluded: AtomicU64,
    inline: AtomicU64,
}

impl<'r> BlobScanner<'r> {
    /// A scanner running `rules`.
    pub fn new(rules: &'r RuleSet) -> Self {
        BlobScanner {
            rules,
            findings: Mutex::new(Vec::new()),
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            excluded: AtomicU64::new(0),
            inline: AtomicU64::new(0),
        }
    }

    /// Whether the rules' path allowlists keep `path` out of the secret scan.
    pub fn excludes(&self, path: &str) -> bool {
        self.rules.path_excluded(path)
    }

    /// Scans one blob, unless a path allowlist excludes it (counted as excluded).
    pub fn scan(&self, blob: Blob<'_>) {
        if self.excludes(blob.path) {
            self.excluded.fetch_add(1, Relaxed);
            return;
        }
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(blob.data.len() as u64, Relaxed);
        let found = scan_whole(self.rules, blob.path, blob.commit, blob.data);
        self.keep(found);
    }

    /// Streams one large file through the rules in windows, unless a path allowlist excludes
    /// it. A read error ends its content early; the source reports it.
    pub fn scan_large(&self, file: LargeFile<'_>) {
        if self.excludes(file.path) {
            self.excluded.fetch_add(1, Relaxed);
            return;
        }
        self.files.fetch_add(1, Relaxed);
        let Ok(streamed) = scan_stream(self.rules, file.path, None, file.reader) else {
            return;
        };
        self.bytes.fetch_add(streamed.bytes, Relaxed);
        self.keep(streamed.found);
    }

    fn keep(&self, found: super::BlobFindings) {
        self.inline.fetch_add(found.suppressed_inline, Relaxed);
        if !found.findings.is_empty() {
            lock(&self.findings).extend(found.findings);
        }
    }

    /// The findings and counters of every blob scanned.
    pub fn finish(self) -> Scanned {
        Scanned {
            findings: into_inner(self.findings),
            stats: ScanStats {
                files_scanned: self.files.into_inner(),
                bytes_scanned: self.bytes.into_inner(),
                skipped_excluded: self.excluded.into_inner(),
                suppressed_inline: self.inline.into_inner(),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}
