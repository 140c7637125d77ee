//! The secret scanner over a staged change: the staged version of each changed file is scanned
//! whole (so line numbers and multi-line secrets come out right), and only findings on lines the
//! change adds are kept.

use super::window::scan_whole;
use super::RuleSet;
use crate::finding::Finding;
use crate::result::ScanStats;
use crate::scanned::Scanned;
use crate::source::staged::{Staged, StagedFile};
use crate::sync::{into_inner, lock};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// Scans a staged change; `excluded` names paths no scanner reads.
pub fn scan(change: &Staged, rules: &RuleSet, excluded_path: &dyn Fn(&str) -> bool) -> Scanned {
    let (files, excluded): (Vec<&StagedFile>, Vec<&StagedFile>) = change
        .files
        .iter()
        .partition(|f| !rules.path_excluded(&f.path) && !excluded_path(&f.path));
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let inline = AtomicU64::new(0);
    let scan_one = |file: &&StagedFile| {
        let found = scan_whole(rules, &file.path, None, &file.data);
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
    Scanned {
        findings: into_inner(findings),
        diagnostics: change.notes.clone(),
        stats,
        ..Default::default()
    }
}
