//! Pre-commit scans: the staged version of each changed file is scanned whole (so line numbers
//! and multi-line secrets come out right), and only findings on lines the change adds are kept.

use super::{finish, lock, Raw, ScanOptions};
use crate::error::Result;
use crate::finding::Finding;
use crate::result::{ScanMode, ScanResult, ScanStats};
use crate::secrets::{scan_blob, RuleSet};
use crate::source::staged::{staged, StagedFile};
use crate::suppress::IgnoreSet;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;

/// Scans the change staged in the repository at `opts.root`.
pub fn scan_staged(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> Result<ScanResult> {
    let started = Instant::now();
    let change = staged(&opts.root, opts.max_file_size)?;
    let (files, excluded): (Vec<&StagedFile>, Vec<&StagedFile>) = change
        .files
        .iter()
        .partition(|f| !rules.path_excluded(&f.path) && !opts.excluded(&f.path));
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let inline = AtomicU64::new(0);
    let scan_one = |file: &&StagedFile| {
        let found = scan_blob(rules, &file.path, None, &file.data);
        inline.fetch_add(found.suppressed_inline, Relaxed);
        let kept: Vec<Finding> = found
            .findings
            .into_iter()
            .filter(|f| file.touches(f.location.start_line, f.location.end_line))
            .collect();
        if !kept.is_empty() {
            lock(&findings).extend(kept);
        }
    };
    // A typical commit touches a handful of files: threads would cost more than they save.
    if files.len() > 8 {
        files.par_iter().for_each(scan_one);
    } else {
        files.iter().for_each(scan_one);
    }
    let stats = ScanStats {
        files_scanned: files.len() as u64,
        bytes_scanned: files.iter().map(|f| f.data.len() as u64).sum(),
        skipped_binary: change.skipped_binary,
        skipped_too_large: change.skipped_too_large,
        skipped_excluded: excluded.len() as u64,
        suppressed_inline: inline.into_inner(),
        ..Default::default()
    };
    let raw = Raw {
        findings: findings.into_inner().unwrap_or_else(|p| p.into_inner()),
        diagnostics: change.notes.clone(),
        stats,
        mode: ScanMode::Staged,
        vcs: None,
        dependencies: None,
        extra_rules: Vec::new(),
        suppressed: Vec::new(),
    };
    Ok(finish(opts, rules, ignores, raw, started))
}
