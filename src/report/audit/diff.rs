//! The diff against a baseline result (`--baseline OLD.json`): findings matched by
//! fingerprint, which survives line shifts, into new, fixed and still open.

use super::{Finding, Input, ScanReport};
use std::collections::BTreeSet;

/// What changed since the baseline.
#[derive(Debug, Clone, Default)]
pub struct Diff<'a> {
    /// In the current results, not in the baseline.
    pub new: Vec<&'a Finding>,
    /// In the baseline, not in the current results.
    pub fixed: Vec<&'a Finding>,
    /// In both.
    pub still_open: Vec<&'a Finding>,
}

/// Compares the current inputs with a baseline result.
pub fn diff<'a>(current: &'a [Input], baseline: &'a ScanReport) -> Diff<'a> {
    let now: BTreeSet<&str> = current
        .iter()
        .flat_map(|i| &i.report.findings)
        .map(|f| f.fingerprint.as_str())
        .collect();
    let old: BTreeSet<&str> = baseline
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut d = Diff::default();
    for f in current.iter().flat_map(|i| &i.report.findings) {
        if old.contains(f.fingerprint.as_str()) {
            d.still_open.push(f);
        } else {
            d.new.push(f);
        }
    }
    d.fixed = baseline
        .findings
        .iter()
        .filter(|f| !now.contains(f.fingerprint.as_str()))
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(prints: &[&str]) -> ScanReport {
        ScanReport {
            findings: prints
                .iter()
                .map(|p| Finding {
                    fingerprint: p.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn findings_are_new_fixed_or_still_open_by_fingerprint() {
        let current = [Input {
            file: "now.json".into(),
            report: report(&["a", "b"]),
        }];
        let old = report(&["b", "c"]);
        let d = diff(&current, &old);
        let prints = |v: &[&Finding]| v.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>();
        assert_eq!(prints(&d.new), ["a"]);
        assert_eq!(prints(&d.fixed), ["c"]);
        assert_eq!(prints(&d.still_open), ["b"]);
    }
}
