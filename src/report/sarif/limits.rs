//! GitHub code scanning's documented upload limits, and fitting a scan inside them.
//!
//! The numbers are the "maximum values" of GitHub's "SARIF results exceed limit" page
//! (docs.github.com, code-security / troubleshooting SARIF uploads) and the 10 MB gzipped size
//! of its "SARIF file is too large" page: above them GitHub rejects the whole upload, so a big
//! scan would show nothing at all. We keep the most severe results instead and say how many
//! were dropped. preflight writes one run, no tool extensions and no thread flows, so the
//! limits on runs per file (20), extensions per run (100) and thread flow locations per result
//! (10,000) cannot be reached.

use crate::finding::Finding;
use std::cmp::Reverse;
use std::io::Write;

/// Results per run.
pub(super) const MAX_RESULTS: usize = 25_000;
/// Rules per run.
pub(super) const MAX_RULES: usize = 25_000;
/// Locations per result; applied to `relatedLocations` too, the only list of ours that grows.
pub(super) const MAX_LOCATIONS: usize = 1_000;
/// Tags per rule.
pub(super) const MAX_TAGS: usize = 20;
/// The upload size, gzipped. "10 MB" read as 10,000,000 bytes, the stricter of the readings.
pub(super) const MAX_GZIP_BYTES: usize = 10_000_000;

/// The indices of the (at most) `max` most severe findings, in their original order; ties go to
/// the earlier finding, so the choice is deterministic.
pub(super) fn most_severe(findings: &[Finding], max: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    if findings.len() > max {
        order.sort_by_key(|&i| (Reverse(findings[i].severity), i));
        order.truncate(max);
        order.sort_unstable();
    }
    order
}

/// The gzipped size of `text` (default compression, as upload-sarif uses).
pub(super) fn gzip_len(text: &str) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Counter(0), flate2::Compression::default());
    // Writing into a counter cannot fail.
    let _ = enc.write_all(text.as_bytes());
    enc.finish().map(|c| c.0).unwrap_or(usize::MAX)
}

/// How many of `kept` results to try next when `gzipped` bytes were too many: shrink in
/// proportion, with a margin, so that a few rounds are enough.
pub(super) fn shrink(kept: usize, gzipped: usize) -> usize {
    let target = (kept as u128 * MAX_GZIP_BYTES as u128 * 9) / (gzipped.max(1) as u128 * 10);
    usize::try_from(target)
        .unwrap_or(0)
        .min(kept.saturating_sub(1))
}

/// A `Write` that only counts.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn keeps_the_most_severe_in_order() {
        let mut findings = crate::report::testdata::sample().findings;
        findings[0].severity = Severity::Low;
        findings[1].severity = Severity::Critical;
        findings[2].severity = Severity::Critical;
        assert_eq!(most_severe(&findings, 2), vec![1, 2]);
        assert_eq!(most_severe(&findings, 5), vec![0, 1, 2]);
        findings[2].severity = Severity::Low;
        assert_eq!(most_severe(&findings, 2), vec![0, 1]);
    }

    #[test]
    fn gzip_and_shrink() {
        let text = "a".repeat(100_000);
        assert!(gzip_len(&text) < 1_000);
        assert!(shrink(1000, 2 * MAX_GZIP_BYTES) < 500);
        assert_eq!(shrink(1, usize::MAX), 0);
    }
}
