//! The gate: what a finished scan prints on stderr and how it exits. A scan that could not read
//! part of what it was asked to cover (an error diagnostic) exits 2 whatever its findings,
//! unless `--allow-incomplete`; diagnostics go to stderr in every format and survive `--quiet`.

use super::Outcome;
use crate::diag::Level;
use crate::finding::Severity;
use crate::report;
use crate::result::ScanResult;
use std::io::IsTerminal;

/// Prints every diagnostic on stderr, then, for an incomplete scan, what that means. `--quiet`
/// silences progress and the summary line, never these.
pub fn print_diagnostics(result: &ScanResult) {
    let color = std::io::stderr().is_terminal() && super::color_allowed();
    for d in &result.diagnostics {
        eprintln!("preflight: {}", report::diagnostic_line(d, color));
    }
    let gaps = result
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if gaps == 0 {
        return;
    }
    let what = if gaps == 1 { "part" } else { "parts" };
    if result.allow_incomplete {
        eprintln!(
            "preflight: the scan is INCOMPLETE: {gaps} {what} of the input could not be covered \
             (--allow-incomplete: not failing for that)"
        );
    } else {
        eprintln!(
            "preflight: the scan is INCOMPLETE: {gaps} {what} of the input could not be covered, \
             so it fails (exit 2); fix the errors above or pass --allow-incomplete"
        );
    }
}

/// 2 for an incomplete scan (unless allowed), 1 for findings at or above `threshold`, else 0.
pub fn outcome(result: &ScanResult, threshold: Severity) -> Outcome {
    if result.has_errors() && !result.allow_incomplete {
        Outcome::Errors
    } else if result.count_at_or_above(threshold) > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// `--threads` bounded by what can help: more workers than cores only add contention (11,000
/// threads on a 12-file tree ran for minutes). 0 means one per core.
pub fn threads(asked: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores * 2;
    if asked > cap {
        eprintln!("preflight: --threads {asked} is more than helps on {cores} cores; using {cap}");
        cap
    } else {
        asked
    }
}
