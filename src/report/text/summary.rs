//! The one-line summary that ends the text report: what was found, what was read (files; blobs
//! and commits for `--history`; staged files for `--staged`), what was skipped or suppressed,
//! and how many diagnostics. Plain text: the caller paints it.

use super::by_file;
use crate::diag::{Diagnostic, Level};
use crate::result::{ScanMode, ScanResult, ScanStats};

/// `3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; ...`.
pub(super) fn summary(result: &ScanResult) -> String {
    let mut parts = vec![
        findings_clause(result),
        scanned_clause(result.mode, &result.stats),
    ];
    parts.extend(deps_clause(result));
    parts.extend(skipped_clause(&result.stats));
    parts.extend(suppressed_clause(&result.stats));
    parts.extend(diagnostics_clause(&result.diagnostics));
    parts.join("; ")
}

fn findings_clause(result: &ScanResult) -> String {
    let total = result.findings.len();
    if total == 0 {
        return "no findings".to_owned();
    }
    let counts: Vec<String> = result
        .severity_counts()
        .into_iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let files = by_file(&result.findings).len();
    format!(
        "{} ({}) in {}",
        plural(total, "finding"),
        counts.join(", "),
        plural(files, "file")
    )
}

/// `scanned 10 files (1.2 MB) in 12 ms`; a history scan counts blobs and commits, a staged scan
/// staged files.
fn scanned_clause(mode: ScanMode, stats: &ScanStats) -> String {
    let size = human_bytes(stats.bytes_scanned);
    let n = stats.files_scanned;
    let what = match mode {
        ScanMode::Tree => format!("{} ({size})", plural64(n, "file")),
        ScanMode::History => format!(
            "{} ({size}) in {}",
            plural64(n, "blob"),
            plural64(stats.commits, "commit")
        ),
        ScanMode::Staged => format!("{} ({size})", plural64(n, "staged file")),
    };
    format!("scanned {what} in {} ms", stats.duration_ms)
}

/// `audited 412 packages in 2 lockfiles (3 not auditable, 1 ignored)`.
fn deps_clause(result: &ScanResult) -> Option<String> {
    let deps = result.dependencies.as_ref()?;
    let lockfiles = plural(deps.lockfiles.len(), "lockfile");
    if deps.index.is_none() {
        return Some(format!("dependency audit of {lockfiles} skipped"));
    }
    let extra = nonzero(&[
        (deps.unauditable.len() as u64, "not auditable"),
        (deps.ignored, "ignored"),
    ]);
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    Some(format!(
        "audited {} in {lockfiles}{extra}",
        plural64(deps.audited, "package")
    ))
}

fn skipped_clause(stats: &ScanStats) -> Option<String> {
    let parts = nonzero(&[
        (stats.skipped_binary, "binary"),
        (stats.skipped_too_large, "over size limit"),
        (stats.skipped_excluded, "excluded"),
    ]);
    (!parts.is_empty()).then(|| format!("skipped {}", parts.join(", ")))
}

fn suppressed_clause(stats: &ScanStats) -> Option<String> {
    let parts = nonzero(&[
        (stats.suppressed_inline, "suppressed inline"),
        (stats.suppressed_ignore_file, "suppressed by ignore file"),
        (stats.suppressed_baseline, "suppressed by baseline"),
    ]);
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn diagnostics_clause(diags: &[Diagnostic]) -> Option<String> {
    let count = |level| diags.iter().filter(|d| d.level == level).count() as u64;
    let errors = count(Level::Error);
    let warnings = count(Level::Warning);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!(
            "INCOMPLETE: {} (see stderr)",
            plural64(errors, "error")
        ));
    }
    if warnings > 0 {
        parts.push(plural64(warnings, "warning"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn nonzero(items: &[(u64, &str)]) -> Vec<String> {
    items
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    plural64(n as u64, word)
}

fn plural64(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Decimal (SI) units, one decimal place from kB up: `512 B`, `1.2 MB`.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{history, sample};

    #[test]
    fn summary_counts_severities_files_skips_and_suppressions() {
        assert_eq!(
            summary(&sample()),
            "3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; \
             skipped 1 binary, 2 over size limit; 1 suppressed by baseline; INCOMPLETE: 1 error (see stderr), 1 warning"
        );
    }

    #[test]
    fn summary_counts_blobs_and_commits_in_history_mode() {
        let mut result = history();
        result.stats.files_scanned = 1;
        result.stats.commits = 1;
        assert_eq!(
            summary(&result),
            "2 findings (1 critical, 1 high) in 2 files; scanned 1 blob (2.5 MB) in 1 commit in 40 ms"
        );
        result.mode = ScanMode::Staged;
        result.stats.files_scanned = 1;
        assert!(summary(&result).ends_with("; scanned 1 staged file (2.5 MB) in 40 ms"));
    }

    #[test]
    fn human_bytes_uses_si_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18446.7 PB");
    }
}
