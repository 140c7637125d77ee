//! The security lead's audit report (issue 13): one or more saved JSON results
//! (`docs/json-report.md`) read back into a model, judged against a policy, compared with a
//! baseline, and rendered as Markdown, self-contained HTML or CSV.
//!
//! The model reads the JSON contract, not the scanner types, so that results from other
//! machines and other 1.x versions of preflight can be combined; unknown fields are ignored.
//! Renderers return strings and never print; the CLI reads the files and writes the output.

mod coverage;
pub mod csv;
pub mod diff;
pub mod doc;
pub mod html;
pub mod markdown;
pub mod policy;
mod sections;
mod svg;
pub mod view;

use crate::finding::Severity;
use serde::Deserialize;

/// One saved scan result, as much of it as the report reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScanReport {
    /// Always `preflight-report`.
    #[serde(default)]
    pub schema: String,
    /// Schema version, 1.
    #[serde(default)]
    pub version: u64,
    /// The preflight that wrote it.
    #[serde(default)]
    pub tool: Tool,
    /// The scan root as given.
    #[serde(default)]
    pub root: String,
    /// `tree`, `history` or `staged`.
    #[serde(default)]
    pub mode: String,
    /// Whether secrets were redacted when the file was written.
    #[serde(default = "yes")]
    pub redacted: bool,
    /// The git repository, for history and staged scans.
    #[serde(default)]
    pub vcs: Option<Vcs>,
    /// When the scan finished (RFC 3339).
    #[serde(default)]
    pub scanned_at: Option<String>,
    /// Scanners that ran.
    #[serde(default)]
    pub scanners: Vec<String>,
    /// Rule-set hash.
    #[serde(default)]
    pub rules_hash: Option<String>,
    /// Counts.
    #[serde(default)]
    pub summary: Summary,
    /// Active findings.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Problems that are not findings.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// What the dependency audit read.
    #[serde(default)]
    pub dependencies: Option<Dependencies>,
    /// Suppressed findings.
    #[serde(default)]
    pub suppressed: Vec<Suppressed>,
}

fn yes() -> bool {
    true
}

/// `tool`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tool {
    /// Tool version.
    #[serde(default)]
    pub version: String,
}

/// `vcs`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Vcs {
    /// The origin remote.
    #[serde(default)]
    pub repository_uri: Option<String>,
    /// HEAD's commit id.
    #[serde(default)]
    pub revision_id: Option<String>,
    /// HEAD's branch.
    #[serde(default)]
    pub branch: Option<String>,
}

/// `summary`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Summary {
    /// Diagnostics with level error.
    #[serde(default)]
    pub errors: u64,
    /// Diagnostics with level warning.
    #[serde(default)]
    pub warnings: u64,
    /// Coverage counters.
    #[serde(default)]
    pub stats: Stats,
}

/// `summary.stats`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Stats {
    /// Files read.
    #[serde(default)]
    pub files_scanned: u64,
    /// Bytes read.
    #[serde(default)]
    pub bytes_scanned: u64,
    /// Binary files skipped.
    #[serde(default)]
    pub skipped_binary: u64,
    /// Files over the size limit.
    #[serde(default)]
    pub skipped_too_large: u64,
    /// Files excluded by config.
    #[serde(default)]
    pub skipped_excluded: u64,
    /// Commits enumerated (history).
    #[serde(default)]
    pub commits: u64,
    /// Lockfiles read.
    #[serde(default)]
    pub lockfiles: u64,
    /// Compose projects read.
    #[serde(default)]
    pub compose_projects: u64,
}

/// One finding.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Finding {
    /// Rule id.
    #[serde(default)]
    pub rule_id: String,
    /// `secret`, `dependency`, `config`.
    #[serde(default)]
    pub category: String,
    /// Severity.
    #[serde(default)]
    pub severity: Severity,
    /// Rule title.
    #[serde(default)]
    pub title: String,
    /// The finding's message.
    #[serde(default)]
    pub message: String,
    /// Where.
    #[serde(default)]
    pub location: Location,
    /// The secret, for secret findings.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// How to fix it (the rule's help).
    #[serde(default)]
    pub remediation: Option<String>,
    /// Stable id.
    #[serde(default)]
    pub fingerprint: String,
    /// History: the commit holding the finding.
    #[serde(default)]
    pub commit: Option<String>,
    /// History: who introduced it.
    #[serde(default)]
    pub provenance: Option<Provenance>,
    /// Dependency findings.
    #[serde(default)]
    pub dependency: Option<Dependency>,
}

/// `location`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location {
    /// Path relative to the root.
    #[serde(default)]
    pub path: String,
    /// First line.
    #[serde(default)]
    pub start_line: u64,
}

/// `evidence`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Evidence {
    /// The secret (redacted unless the scan said otherwise).
    #[serde(default)]
    pub secret: Option<String>,
}

/// `provenance`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Provenance {
    /// The introducing commit.
    #[serde(default)]
    pub introduced: Option<Commit>,
}

/// A commit in `provenance`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Commit {
    /// Commit id.
    #[serde(default)]
    pub id: String,
    /// Author name.
    #[serde(default)]
    pub author_name: String,
    /// Author date (RFC 3339).
    #[serde(default)]
    pub date: String,
}

/// `dependency`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Dependency {
    /// Ecosystem.
    #[serde(default)]
    pub ecosystem: String,
    /// Package name.
    #[serde(default)]
    pub package: String,
    /// Locked version.
    #[serde(default)]
    pub version: String,
    /// Direct dependency of the project.
    #[serde(default)]
    pub direct: bool,
    /// Advisory id.
    #[serde(default)]
    pub advisory: String,
    /// Advisory aliases.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Fixed versions.
    #[serde(default)]
    pub fixed: Vec<String>,
}

/// `diagnostics[]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Diagnostic {
    /// `warning` or `error`.
    #[serde(default)]
    pub level: String,
    /// File concerned.
    #[serde(default)]
    pub path: Option<String>,
    /// What happened.
    #[serde(default)]
    pub message: String,
}

/// `dependencies`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Dependencies {
    /// Lockfiles that could not be audited entry by entry.
    #[serde(default)]
    pub unauditable: Vec<Unauditable>,
    /// The advisory index.
    #[serde(default)]
    pub index: Option<Index>,
}

/// `dependencies.unauditable[]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Unauditable {
    /// Lockfile.
    #[serde(default)]
    pub path: String,
    /// Package name.
    #[serde(default)]
    pub name: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// `dependencies.index`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Index {
    /// Age in days at scan time.
    #[serde(default)]
    pub age_days: u64,
    /// What went into it.
    #[serde(default)]
    pub sources: Vec<IndexSource>,
}

/// `dependencies.index.sources[]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndexSource {
    /// Kind of source.
    #[serde(default)]
    pub kind: String,
    /// URL or path.
    #[serde(default)]
    pub origin: String,
}

/// `suppressed[]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Suppressed {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// What suppressed it.
    #[serde(default)]
    pub by: String,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
    /// Last day it holds.
    #[serde(default)]
    pub until: Option<String>,
    /// Expired: active again.
    #[serde(default)]
    pub expired: bool,
}

/// A loaded input: its file name (for display and errors) and content.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file as named on the command line.
    pub file: String,
    /// Its content.
    pub report: ScanReport,
}

/// Parses one saved result; refuses anything that is not `preflight-report` version 1. The
/// error does not name the file: the caller adds it.
pub fn parse(text: &str) -> Result<ScanReport, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    from_value(value)
}

/// The model of a scan that just ran, built in process from the JSON document the scan would
/// write (redacted), so that `scan --format html` and `report` on the saved JSON read exactly
/// the same input.
pub fn from_result(result: &crate::result::ScanResult) -> Result<ScanReport, String> {
    from_value(super::json::value(result, &super::RenderOptions::default()))
}

/// [`parse`] on an already parsed JSON value.
fn from_value(value: serde_json::Value) -> Result<ScanReport, String> {
    let schema = value.get("schema").and_then(|s| s.as_str());
    let version = value.get("version").and_then(|v| v.as_u64());
    if schema != Some("preflight-report") || version != Some(1) {
        return Err(format!(
            "not a preflight-report/1 JSON result (schema {}, version {})",
            schema.unwrap_or("missing"),
            version.map_or("missing".to_string(), |v| v.to_string())
        ));
    }
    let mut report: ScanReport =
        serde_json::from_value(value).map_err(|e| format!("invalid report: {e}"))?;
    redact_all(&mut report);
    Ok(report)
}

/// Whether `s` is already in preflight's redacted form, `abcd…(N chars)`.
fn is_redacted(s: &str) -> bool {
    let Some((head, tail)) = s.split_once('…') else {
        return false;
    };
    let count = tail
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(" chars)"));
    head.chars().count() <= 4 && count.is_some_and(|c| c.parse::<u64>().is_ok())
}

/// A secret in the report's redacted form: its first four characters and its length.
pub fn redact(secret: &str) -> String {
    if is_redacted(secret) {
        return secret.to_string();
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}…({} chars)", secret.chars().count())
}

/// Redacts every secret in a report, and its copies in messages (a `--no-redact` result holds
/// raw secrets; a report is handed on, so it never shows them).
fn redact_all(report: &mut ScanReport) {
    let findings = report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut().map(|s| &mut s.finding));
    for f in findings {
        let Some(secret) = f.evidence.as_mut().and_then(|e| e.secret.as_mut()) else {
            continue;
        };
        if !is_redacted(secret) {
            let short = redact(secret);
            if secret.chars().count() >= 4 {
                f.message = f.message.replace(secret.as_str(), &short);
            }
            *secret = short;
        }
    }
}

/// The formats of the audit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// Self-contained HTML.
    Html,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// The findings table as CSV.
    Csv,
}

/// What to render: the results, the policy, an optional baseline and the report date.
#[derive(Debug)]
pub struct AuditRequest<'a> {
    /// The results.
    pub inputs: &'a [Input],
    /// The policy.
    pub policy: &'a policy::PolicySection,
    /// The baseline result, for the diff.
    pub baseline: Option<&'a ScanReport>,
    /// The report date, `YYYY-MM-DD`.
    pub date: String,
}

/// Renders the report and returns it with the verdict (for `--fail-on-no-go`).
pub fn render(req: &AuditRequest, format: AuditFormat) -> (String, policy::Verdict) {
    let audit = view::Audit {
        inputs: req.inputs,
        verdict: policy::evaluate(req.policy, req.inputs),
        diff: req.baseline.map(|b| diff::diff(req.inputs, b)),
        date: req.date.clone(),
    };
    let text = match format {
        AuditFormat::Markdown => markdown::render(&view::document(&audit)),
        AuditFormat::Html => html::render(&view::document(&audit)),
        AuditFormat::Csv => csv::render(req.inputs, audit.diff.as_ref(), req.baseline),
    };
    (text, audit.verdict)
}

/// The report's category names, in the order the report shows them.
pub const CATEGORIES: [(&str, &str); 3] = [
    ("secret", "Secrets"),
    ("dependency", "Vulnerable dependencies"),
    ("config", "Deployment config"),
];

/// The display name of a category.
pub fn category_name(category: &str) -> &str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(category, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_the_redacted_form_and_shortens_raw_secrets() {
        assert_eq!(redact("ghp_…(40 chars)"), "ghp_…(40 chars)");
        assert_eq!(redact("abcdefghij"), "abcd…(10 chars)");
        assert_eq!(redact("ab"), "ab…(2 chars)");
    }

    #[test]
    fn raw_secrets_are_redacted_in_evidence_and_message() {
        // Built at run time so that the repository holds no secret-shaped literal.
        let raw = ["s3cr3t", "value123"].concat();
        let text = serde_json::json!({
            "schema": "preflight-report", "version": 1, "redacted": false, "extra": 1,
            "findings": [{"rule_id": "r", "category": "secret", "severity": "high",
                "message": format!("token {raw} here"), "evidence": {"secret": raw}}]
        })
        .to_string();
        let report = parse(&text).expect("parses");
        let f = &report.findings[0];
        assert_eq!(
            f.evidence.as_ref().and_then(|e| e.secret.as_deref()),
            Some("s3cr…(14 chars)")
        );
        assert!(!f.message.contains("s3cr3tvalue123"), "{}", f.message);
    }

    #[test]
    fn other_schemas_and_versions_are_refused() {
        assert!(parse(r#"{"schema":"preflight-report","version":2}"#).is_err());
        assert!(parse(r#"{"version":1}"#).is_err());
        assert!(parse("not json").is_err());
    }
}
