//! Scans end to end: choose the source ([`tree`], [`history`], [`staged`]), dispatch to the
//! scanners, then [`finish`]: suppress (ignore file, baseline), sort and count into a
//! `ScanResult`. Nothing here prints, and no scanner logic lives here.

use crate::finding::{Finding, Fingerprint};
use crate::result::{ScanMode, ScanResult, Suppressed, VcsInfo};
use crate::scanned::Scanned;
use crate::secrets::RuleSet;
use crate::suppress::IgnoreSet;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

pub mod files;
pub mod history;
pub mod staged;
pub mod tree;

pub use tree::scan;

/// Default `--max-file-size`: 256 MiB (files over 8 MiB are scanned in windows, so the limit
/// does not bound memory; it bounds time on generated giants).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// What to scan and how, whatever the source.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The tree, file or repository to scan.
    pub root: PathBuf,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Files (or blobs) larger than this are skipped.
    pub max_file_size: u64,
    /// Fingerprints not to report again.
    pub baseline: BTreeSet<Fingerprint>,
    /// `[scan] exclude`: paths no scanner reads.
    pub exclude: Option<regex::RegexSet>,
    /// Whether the secret scanner runs.
    pub secrets: bool,
    /// Tree scans: how to audit dependencies (`None`: not at all).
    pub deps: Option<crate::deps::Options>,
    /// Tree scans: how to check compose projects (`None`: not at all).
    pub compose: Option<crate::compose::Options>,
    /// Counts files (tree) or blobs (history) as they are scanned, for a progress bar.
    pub progress: crate::progress::Progress,
}

impl ScanOptions {
    /// Whether `[scan] exclude` keeps every scanner away from `path`.
    pub fn excluded(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|set| set.is_match(path))
    }
}

/// Applies the ignore file and the baseline, sorts, and assembles the result.
pub(crate) fn finish(
    opts: &ScanOptions,
    rules: &RuleSet,
    ignores: &IgnoreSet,
    scanned: Scanned,
    mode: ScanMode,
    vcs: Option<VcsInfo>,
    started: Instant,
) -> ScanResult {
    let Scanned {
        findings,
        mut diagnostics,
        rules: extra_rules,
        mut stats,
        dependencies,
        mut suppressed,
    } = scanned;
    let (dropped, findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| ignores.ignores(f));
    stats.suppressed_ignore_file += dropped.len() as u64;
    suppressed.extend(dropped.into_iter().map(|f| dropped_by(f, "ignore-file")));
    let (dropped, mut findings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| opts.baseline.contains(&f.fingerprint));
    stats.suppressed_baseline += dropped.len() as u64;
    suppressed.extend(dropped.into_iter().map(|f| dropped_by(f, "baseline")));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    diagnostics.extend(ignores.warnings.iter().cloned());
    diagnostics.sort();
    diagnostics.dedup();
    stats.duration_ms = started.elapsed().as_millis() as u64;
    let mut all_rules = rules.catalog();
    all_rules.extend(extra_rules);
    all_rules.sort_by(|a, b| a.id.cmp(&b.id));
    ScanResult {
        root: opts.root.display().to_string(),
        root_uri: crate::uri::dir_uri(&opts.root),
        findings,
        diagnostics,
        stats,
        rules: all_rules,
        mode,
        vcs,
        dependencies,
        suppressed,
        allow_incomplete: false,
        scanned_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        scanners: [
            ("secrets", opts.secrets),
            ("deps", opts.deps.is_some()),
            ("config", opts.compose.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, ran)| ran.then_some(name))
        .collect(),
    }
}

fn dropped_by(finding: Finding, by: &'static str) -> Suppressed {
    Suppressed {
        finding,
        by,
        reason: None,
        until: None,
        expired: false,
    }
}
