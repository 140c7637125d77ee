//! What every scanner returns: the one shape `scan` merges, whatever the scanner. A scanner is a
//! function `scan(&Workspace or a blob source, &Options) -> Scanned`; it never prints.

use crate::catalog::RuleMeta;
use crate::diag::Diagnostic;
use crate::finding::Finding;
use crate::result::{DepsSummary, ScanStats, Suppressed};

/// One scanner's result before suppression and sorting.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Findings, in any order.
    pub findings: Vec<Finding>,
    /// Problems met on the way; errors mean part of the input went unread.
    pub diagnostics: Vec<Diagnostic>,
    /// The rules or checks that ran, for reports (SARIF rules, help texts).
    pub rules: Vec<RuleMeta>,
    /// Counters the scanner adds to the summary.
    pub stats: ScanStats,
    /// The dependency scanner's own summary: lockfiles, unauditable packages, the index.
    pub dependencies: Option<DepsSummary>,
    /// Findings the scanner's own suppressions dropped (`[[deps.ignore]]`).
    pub suppressed: Vec<Suppressed>,
}

impl Scanned {
    /// Adds another scanner's result to this one.
    pub fn merge(&mut self, other: Scanned) {
        self.findings.extend(other.findings);
        self.diagnostics.extend(other.diagnostics);
        self.rules.extend(other.rules);
        self.stats.add(&other.stats);
        self.suppressed.extend(other.suppressed);
        if other.dependencies.is_some() {
            self.dependencies = other.dependencies;
        }
    }
}
