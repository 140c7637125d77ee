//! What a whole scan produced: findings, diagnostics, counters and the catalogue of rules that
//! ran. Reports render a `ScanResult`; they never scan.

use crate::catalog::RuleMeta;
use crate::diag::{Diagnostic, Level};
use crate::finding::{Finding, Severity};
use serde::Serialize;

/// Counters for the summary line and the JSON report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Files whose content was scanned.
    pub files_scanned: u64,
    /// Bytes of content scanned.
    pub bytes_scanned: u64,
    /// Files skipped because they look binary.
    pub skipped_binary: u64,
    /// Files skipped because they exceed `--max-file-size`.
    pub skipped_too_large: u64,
    /// Files excluded by a path allowlist.
    pub skipped_excluded: u64,
    /// Files that are not valid UTF-8 (scanned as bytes).
    pub non_utf8: u64,
    /// Findings dropped by inline `preflight:allow` / `gitleaks:allow` comments.
    pub suppressed_inline: u64,
    /// Findings dropped by the fingerprint ignore file.
    pub suppressed_ignore_file: u64,
    /// Findings dropped because the baseline holds them.
    pub suppressed_baseline: u64,
    /// History scans: commits enumerated (0 otherwise).
    pub commits: u64,
    /// Tree scans: compose projects (directories holding compose files) checked.
    pub compose_projects: u64,
    /// Wall time of the scan in milliseconds.
    pub duration_ms: u64,
}

impl ScanStats {
    /// Adds another scanner's counters (wall time excepted: the scan measures it whole).
    pub fn add(&mut self, o: &ScanStats) {
        self.files_scanned += o.files_scanned;
        self.bytes_scanned += o.bytes_scanned;
        self.skipped_binary += o.skipped_binary;
        self.skipped_too_large += o.skipped_too_large;
        self.skipped_excluded += o.skipped_excluded;
        self.non_utf8 += o.non_utf8;
        self.suppressed_inline += o.suppressed_inline;
        self.suppressed_ignore_file += o.suppressed_ignore_file;
        self.suppressed_baseline += o.suppressed_baseline;
        self.commits += o.commits;
        self.compose_projects += o.compose_projects;
    }
}

/// What a scan read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanMode {
    /// The working tree (files on disk).
    #[default]
    Tree,
    /// Every blob in the git history (`--history`).
    History,
    /// The change staged for the next commit (`--staged`).
    Staged,
}

/// The repository a git-based scan read (SARIF `versionControlProvenance`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VcsInfo {
    /// The `origin` remote's URL, if any.
    pub repository_uri: Option<String>,
    /// HEAD's commit id.
    pub revision_id: Option<String>,
    /// HEAD's branch name.
    pub branch: Option<String>,
}

/// The whole outcome of one `preflight scan`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanResult {
    /// The scan root as the user gave it (for display).
    pub root: String,
    /// The scan root as an absolute `file://` URI ending in `/` (SARIF `%SRCROOT%`).
    pub root_uri: Option<String>,
    /// Findings after suppression, sorted by (path, line, column, rule).
    pub findings: Vec<Finding>,
    /// Problems met on the way, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Counters.
    pub stats: ScanStats,
    /// Every rule that ran, sorted by id.
    pub rules: Vec<RuleMeta>,
    /// What was read.
    pub mode: ScanMode,
    /// The repository, for git-based scans.
    pub vcs: Option<VcsInfo>,
    /// What the dependency audit read, when the tree held lockfiles.
    pub dependencies: Option<DepsSummary>,
    /// Findings a suppression dropped (ignore file, baseline, `[[deps.ignore]]`), and expired
    /// `[[deps.ignore]]` entries whose findings are reported again; sorted like `findings`.
    pub suppressed: Vec<Suppressed>,
    /// The scanners that ran: `secrets`, `deps`, `config`.
    pub scanners: Vec<&'static str>,
    /// When the scan finished, seconds since the Unix epoch (0 when unknown).
    pub scanned_at: u64,
    /// `--allow-incomplete`: the user accepts a result with gaps (errors) without exit 2.
    pub allow_incomplete: bool,
}

/// A finding a suppression dropped, and why: for audit reports, which list them apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed {
    /// The finding as it would have been reported.
    pub finding: Finding,
    /// What suppressed it: `ignore-file`, `baseline` or `deps-ignore`.
    pub by: &'static str,
    /// The reason recorded with the suppression, when it has one.
    pub reason: Option<String>,
    /// The last day the suppression holds (`YYYY-MM-DD`), when it has one.
    pub until: Option<String>,
    /// The suppression has expired: the finding is reported again.
    pub expired: bool,
}

/// What the dependency audit read and against what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DepsSummary {
    /// The lockfiles found.
    pub lockfiles: Vec<LockSummary>,
    /// Dependencies that cannot be audited: unpinned, or not from a registry.
    pub unauditable: Vec<UnauditableDep>,
    /// Registry packages looked up in the index.
    pub audited: u64,
    /// Findings dropped by `[[deps.ignore]]`.
    pub ignored: u64,
    /// The index audited against; `None` when the audit was skipped.
    pub index: Option<IndexSummary>,
}

/// One lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockSummary {
    /// Path relative to the scan root.
    pub path: String,
    /// Packages it lists.
    pub packages: usize,
}

/// A dependency the audit could not check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnauditableDep {
    /// The lockfile.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// Package name.
    pub name: String,
    /// Why: not pinned, or a git/path/URL/workspace source.
    pub reason: String,
}

/// The advisory index a scan used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexSummary {
    /// Its directory.
    pub dir: String,
    /// Seconds since the Unix epoch when it was built.
    pub built_at: u64,
    /// Its age in whole days.
    pub age_days: u64,
    /// Advisories in it.
    pub records: usize,
    /// What went into it: `kind`, `origin` (URL or path) and, for git sources, `revision`.
    pub sources: Vec<IndexSource>,
}

/// One source of the advisory index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexSource {
    /// `osv-archive`, `git`, `directory` or `zip`.
    pub kind: String,
    /// A URL or a local path.
    pub origin: String,
    /// The commit id, for git sources.
    pub revision: Option<String>,
}

impl ScanResult {
    /// Whether any diagnostic is an error (the run exits 2).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// Findings at or above `threshold`.
    pub fn count_at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .count()
    }

    /// The number of findings per severity, highest first, omitting zeros.
    pub fn severity_counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .iter()
            .rev()
            .map(|&s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}
