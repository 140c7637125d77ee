//! Scans end to end: a source ([`tree`], [`history`], [`staged`]) feeds blobs to the secret
//! scanner in parallel; [`finish`] then suppresses (ignore file, baseline), sorts and counts into
//! a `ScanResult`. Nothing here prints.

use crate::diag::Diagnostic;
use crate::finding::{Finding, Fingerprint};
use crate::result::{ScanMode, ScanResult, ScanStats, Suppressed, VcsInfo};
use crate::secrets::RuleSet;
use crate::suppress::IgnoreSet;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

pub mod deps;
pub mod history;
pub mod staged;
pub mod tree;

pub use tree::scan;

/// Default `--max-file-size`: 25 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 * 1024 * 1024;

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
    pub deps: Option<deps::DepsOptions>,
    /// Tree scans: whether compose projects are checked.
    pub compose: bool,
    /// `--env-file`: interpolation sources replacing each compose project's `.env`.
    pub compose_env_files: Vec<PathBuf>,
}

impl ScanOptions {
    /// Whether `[scan] exclude` keeps every scanner away from `path`.
    pub fn excluded(&self, path: &str) -> bool {
        self.exclude.as_ref().is_some_and(|set| set.is_match(path))
    }
}

/// What a source produced, before suppression.
pub(crate) struct Raw {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: ScanStats,
    pub mode: ScanMode,
    pub vcs: Option<VcsInfo>,
    pub dependencies: Option<crate::result::DepsSummary>,
    /// Rules of scanners other than the secret rules (the compose checks), for reports.
    pub extra_rules: Vec<crate::catalog::RuleMeta>,
    /// Findings the source's own suppressions dropped (`[[deps.ignore]]`).
    pub suppressed: Vec<Suppressed>,
}

/// Applies the ignore file and the baseline, sorts, and assembles the result.
pub(crate) fn finish(
    opts: &ScanOptions,
    rules: &RuleSet,
    ignores: &IgnoreSet,
    raw: Raw,
    started: Instant,
) -> ScanResult {
    let Raw {
        findings,
        mut diagnostics,
        mut stats,
        mode,
        vcs,
        dependencies,
        extra_rules,
        mut suppressed,
    } = raw;
    let (dropped, mut findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| ignores.ignores(f));
    stats.suppressed_ignore_file += dropped.len() as u64;
    suppressed.extend(dropped.into_iter().map(|f| dropped_by(f, "ignore-file")));
    let (dropped, kept): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut findings)
        .into_iter()
        .partition(|f| opts.baseline.contains(&f.fingerprint));
    findings = kept;
    stats.suppressed_baseline += dropped.len() as u64;
    suppressed.extend(dropped.into_iter().map(|f| dropped_by(f, "baseline")));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    diagnostics.sort();
    diagnostics.dedup();
    stats.duration_ms = started.elapsed().as_millis() as u64;
    ScanResult {
        root: opts.root.display().to_string(),
        root_uri: crate::uri::dir_uri(&opts.root),
        findings,
        diagnostics,
        stats,
        rules: {
            let mut all = rules.catalog();
            all.extend(extra_rules);
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all
        },
        mode,
        vcs,
        dependencies,
        suppressed,
        scanners: scanners_run(opts, mode),
        scanned_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
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

/// The scanners that ran: history and staged scans run the secret scanner only.
fn scanners_run(opts: &ScanOptions, mode: ScanMode) -> Vec<&'static str> {
    let tree = mode == ScanMode::Tree;
    [
        ("secrets", opts.secrets),
        ("deps", tree && opts.deps.is_some()),
        ("config", tree && opts.compose),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// Locks a mutex, recovering the data if another worker panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
