//! The CSV export of the findings table (`--format csv`): one row per finding, active ones
//! first in the report's risk order, then (with a baseline) the fixed ones, then the suppressed
//! ones. RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or line break),
//! and guarded against formula injection: a spreadsheet runs a cell that starts with `=`, `+`,
//! `-`, `@`, tab or CR, and the scanned tree chooses paths, titles and messages.
//!
//! Written by hand rather than with the `csv` crate: the whole format is the quoting rule in
//! [`field`], and the injection guard has to be applied by hand either way.

use super::diff::Diff;
use super::doc::{repository, rows};
use super::{Finding, Input, ScanReport, Suppressed};
use std::collections::BTreeSet;

/// The columns, in order.
pub const HEADER: [&str; 19] = [
    "category",
    "severity",
    "rule_id",
    "title",
    "repository",
    "path",
    "line",
    "commit",
    "secret",
    "package",
    "version",
    "advisory",
    "message",
    "fingerprint",
    "status",
    "suppressed",
    "suppressed_by",
    "suppression_reason",
    "suppressed_until",
];

/// Renders the findings table. `status` is `open` for an active finding, or with a baseline
/// `new`, `open` (still open) or `fixed` (in the baseline only); suppressed findings have
/// status `suppressed` and `suppressed` `yes`, or `expired` when the suppression has lapsed.
pub fn render(inputs: &[Input], diff: Option<&Diff>, baseline: Option<&ScanReport>) -> String {
    let mut out = String::new();
    record(&mut out, HEADER.iter().map(|h| h.to_string()));
    let new: BTreeSet<&str> = diff
        .map(|d| d.new.iter().map(|f| f.fingerprint.as_str()).collect())
        .unwrap_or_default();
    for r in rows(inputs) {
        let status = if new.contains(r.finding.fingerprint.as_str()) {
            "new"
        } else {
            "open"
        };
        record(&mut out, cells(r.finding, r.repository(), status, None));
    }
    if let (Some(d), Some(base)) = (diff, baseline) {
        let repo = repository_of(base);
        for f in &d.fixed {
            record(&mut out, cells(f, &repo, "fixed", None));
        }
    }
    for input in inputs {
        let repo = repository(input);
        let mut list: Vec<&Suppressed> = input.report.suppressed.iter().collect();
        list.sort_by(|a, b| {
            let key = |s: &Suppressed| {
                let f = &s.finding;
                (
                    std::cmp::Reverse(f.severity),
                    f.location.path.clone(),
                    f.location.start_line,
                    f.rule_id.clone(),
                    f.fingerprint.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        for s in list {
            record(&mut out, cells(&s.finding, repo, "suppressed", Some(s)));
        }
    }
    out
}

/// The repository of a saved result that is not one of the inputs (the baseline).
fn repository_of(report: &ScanReport) -> String {
    report
        .vcs
        .as_ref()
        .and_then(|v| v.repository_uri.clone())
        .unwrap_or_else(|| report.root.clone())
}

/// One finding's cells, in [`HEADER`] order.
fn cells(
    f: &Finding,
    repo: &str,
    status: &str,
    suppressed: Option<&Suppressed>,
) -> impl Iterator<Item = String> {
    let intro = f.provenance.as_ref().and_then(|p| p.introduced.as_ref());
    let commit = intro.map(|c| c.id.clone()).or_else(|| f.commit.clone());
    // Already redacted when the result was read (`super::parse`); `redact` again so that a
    // caller that built the model by hand cannot put a raw secret here.
    let secret = f
        .evidence
        .as_ref()
        .and_then(|e| e.secret.as_deref())
        .map(super::redact);
    let dep = f.dependency.as_ref();
    let flag = suppressed.map(|s| if s.expired { "expired" } else { "yes" });
    [
        f.category.clone(),
        f.severity.as_str().to_string(),
        f.rule_id.clone(),
        f.title.clone(),
        repo.to_string(),
        f.location.path.clone(),
        f.location.start_line.to_string(),
        commit.unwrap_or_default(),
        secret.unwrap_or_default(),
        dep.map(|d| d.package.clone()).unwrap_or_default(),
        dep.map(|d| d.version.clone()).unwrap_or_default(),
        dep.map(|d| d.advisory.clone()).unwrap_or_default(),
        f.message.clone(),
        f.fingerprint.clone(),
        status.to_string(),
        flag.unwrap_or("no").to_string(),
        suppressed.map(|s| s.by.clone()).unwrap_or_default(),
        suppressed
            .and_then(|s| s.reason.clone())
            .unwrap_or_default(),
        suppressed.and_then(|s| s.until.clone()).unwrap_or_default(),
    ]
    .into_iter()
}

fn record(out: &mut String, cells: impl Iterator<Item = String>) {
    for (n, cell) in cells.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&field(&cell));
    }
    out.push_str("\r\n");
}

/// One field: a leading apostrophe when a spreadsheet would read the cell as a formula, then
/// quoted (inner quotes doubled) when it holds a comma, quote, CR or LF.
pub fn field(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::{Evidence, Location};

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formula_cells_get_a_leading_apostrophe() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tcmd"), "'\tcmd");
        assert_eq!(field("\rcmd"), "\"'\rcmd\"");
        assert_eq!(field("a=b"), "a=b");
    }

    #[test]
    fn a_finding_from_the_tree_cannot_inject_a_formula_or_leak_its_secret() {
        let raw = ["s3cr3t", "value123"].concat();
        let input = Input {
            file: "r.json".into(),
            report: ScanReport {
                root: "repo".into(),
                findings: vec![Finding {
                    rule_id: "generic".into(),
                    category: "secret".into(),
                    title: "=cmd|' /C calc'!A0".into(),
                    location: Location {
                        path: "@evil,path.txt".into(),
                        start_line: 3,
                    },
                    evidence: Some(Evidence {
                        secret: Some(raw.clone()),
                    }),
                    fingerprint: "fp1".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        };
        let text = render(&[input], None, None);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert!(lines[1].contains(",'=cmd|' /C calc'!A0,"), "{}", lines[1]);
        assert!(lines[1].contains(",\"'@evil,path.txt\",3,"), "{}", lines[1]);
        assert!(lines[1].contains(",s3cr…(14 chars),"), "{}", lines[1]);
        assert!(!text.contains(&raw));
        assert!(lines[1].ends_with(",fp1,open,no,,,"), "{}", lines[1]);
        assert_eq!(lines.len(), 3, "header, one row, and the final CRLF");
    }
}
