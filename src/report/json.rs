//! The JSON report: preflight's own machine-readable format, documented field by field in
//! `docs/json-report.md` and described by `docs/json-report.schema.json`.
//!
//! The document is built from structs of its own rather than by serializing the domain types,
//! so that the schema changes only when this file does. Rules for changing it: adding a field
//! keeps `version` 1; renaming, removing or retyping one bumps it. `findings[].fingerprint` is
//! what baselines read back, so its path and meaning never change within a version.

mod deps;
mod git;

use super::{scrub, secret_text, to_json, RenderOptions};
use crate::diag::{Diagnostic, Level};
use crate::finding::{Category, Finding, Severity};
use crate::result::{ScanResult, ScanStats};
use deps::{JsonDependency, JsonDeps, JsonRelated};
use git::{mode_name, JsonProvenance, JsonVcs};
use serde::Serialize;
use std::collections::BTreeSet;

/// The `schema` field: tells a preflight JSON report from any other JSON.
pub(super) const SCHEMA_NAME: &str = "preflight-report";
/// The `version` field. Bump on breaking changes only (see the file doc).
pub(super) const SCHEMA_VERSION: u32 = 1;

/// Renders the JSON report.
pub(super) fn render(result: &ScanResult, opts: &RenderOptions) -> String {
    to_json(&Report::new(result, opts))
}

/// The JSON report as a value, for the audit report of a scan that just ran.
pub(super) fn value(result: &ScanResult, opts: &RenderOptions) -> serde_json::Value {
    serde_json::to_value(Report::new(result, opts)).unwrap_or_default()
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    version: u32,
    tool: Tool,
    root: &'a str,
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vcs: Option<JsonVcs<'a>>,
    redacted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    scanned_at: Option<String>,
    scanners: &'a [&'static str],
    rules_hash: String,
    summary: Summary,
    coverage: Coverage<'a>,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dependencies: Option<JsonDeps<'a>>,
    suppressed: Vec<JsonSuppressed<'a>>,
}

/// A finding a suppression dropped: the finding's own fields, then why.
#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<&'a str>,
    expired: bool,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    by_severity: BySeverity,
    files_with_findings: usize,
    errors: usize,
    warnings: usize,
    stats: Stats,
}

/// Every severity, zeros included, so that consumers can index without checking; highest first.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

// Field by field rather than `ScanStats`'s own `Serialize`: a counter added there must not appear
// in reports before it is documented.
#[derive(Serialize)]
struct Stats {
    files_scanned: u64,
    bytes_scanned: u64,
    skipped_binary: u64,
    skipped_too_large: u64,
    skipped_excluded: u64,
    non_utf8: u64,
    suppressed_inline: u64,
    suppressed_ignore_file: u64,
    suppressed_baseline: u64,
    commits: u64,
    lockfiles: u64,
    compose_projects: u64,
    duration_ms: u64,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    category: Category,
    severity: Severity,
    title: &'a str,
    message: String,
    location: JsonLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<JsonEvidence<'a>>,
    remediation: String,
    tags: &'a [String],
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<JsonProvenance<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dependency: Option<JsonDependency<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    secret: String,
    entropy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    decoded: Option<&'a str>,
}

#[derive(Serialize)]
struct Coverage<'a> {
    complete: bool,
    allow_incomplete: bool,
    gaps: Vec<Gap<'a>>,
}

/// Something the scan was asked to cover and could not: every error diagnostic.
#[derive(Serialize)]
struct Gap<'a> {
    kind: &'static str,
    subject: &'a str,
    reason: &'a str,
}

impl<'a> Coverage<'a> {
    fn new(result: &'a ScanResult) -> Self {
        let gaps: Vec<Gap<'a>> = result
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| Gap {
                kind: gap_kind(d),
                subject: d.path.as_deref().unwrap_or(&result.root),
                reason: &d.message,
            })
            .collect();
        Coverage {
            complete: gaps.is_empty(),
            allow_incomplete: result.allow_incomplete,
            gaps,
        }
    }
}

/// What kind of thing went unread, judged from the diagnostic (files carry a path).
fn gap_kind(d: &crate::diag::Diagnostic) -> &'static str {
    let m = d.message.as_str();
    if m.contains("blob ") || m.contains("commit ") || m.contains("object ") || m.contains("tree ")
    {
        "object"
    } else if m.contains("ref ") || m.contains("refs") {
        "ref"
    } else if m.contains("dependency audit") || m.contains("advisory index") {
        "scanner"
    } else if d.path.is_some() {
        "file"
    } else {
        "scan"
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    message: &'a str,
}

impl<'a> Report<'a> {
    fn new(result: &'a ScanResult, opts: &RenderOptions) -> Self {
        Report {
            schema: SCHEMA_NAME,
            version: SCHEMA_VERSION,
            tool: Tool {
                name: "preflight",
                version: env!("CARGO_PKG_VERSION"),
            },
            root: &result.root,
            mode: mode_name(result.mode),
            vcs: result.vcs.as_ref().map(|v| JsonVcs::new(v, opts)),
            redacted: opts.redact,
            scanned_at: (result.scanned_at > 0)
                .then(|| crate::day::rfc3339(result.scanned_at as i64)),
            scanners: &result.scanners,
            rules_hash: rules_hash(&result.rules),
            summary: Summary::new(result),
            coverage: Coverage::new(result),
            findings: result
                .findings
                .iter()
                .map(|f| JsonFinding::new(f, opts))
                .collect(),
            diagnostics: result.diagnostics.iter().map(JsonDiagnostic::new).collect(),
            dependencies: result.dependencies.as_ref().map(JsonDeps::new),
            suppressed: result
                .suppressed
                .iter()
                .map(|s| JsonSuppressed {
                    finding: JsonFinding::new(&s.finding, opts),
                    by: s.by,
                    reason: s.reason.as_deref(),
                    until: s.until.as_deref(),
                    expired: s.expired,
                })
                .collect(),
        }
    }
}

/// 32 hex digits of a SHA-256 over the catalogue of rules in force (id, category, severity,
/// title, help, tags, each length-prefixed) and the preflight version, whose embedded rules
/// the patterns come from: two reports with the same hash applied the same rules.
fn rules_hash(rules: &[crate::catalog::RuleMeta]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut part = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    part(env!("CARGO_PKG_VERSION"));
    for r in rules {
        part(r.id.as_str());
        part(&format!("{:?}", r.category));
        part(r.severity.as_str());
        part(&r.title);
        part(&r.help);
        part(&r.tags.join("\u{1f}"));
    }
    hex::encode(&h.finalize()[..16])
}

impl Summary {
    fn new(result: &ScanResult) -> Self {
        let lockfiles = result
            .dependencies
            .as_ref()
            .map_or(0, |d| d.lockfiles.len());
        let n = |sev| result.findings.iter().filter(|f| f.severity == sev).count();
        let by_severity = BySeverity {
            critical: n(Severity::Critical),
            high: n(Severity::High),
            medium: n(Severity::Medium),
            low: n(Severity::Low),
            info: n(Severity::Info),
        };
        let files: BTreeSet<&str> = result
            .findings
            .iter()
            .map(|f| f.location.path.as_str())
            .collect();
        let count = |level| {
            result
                .diagnostics
                .iter()
                .filter(|d| d.level == level)
                .count()
        };
        Summary {
            total: result.findings.len(),
            by_severity,
            files_with_findings: files.len(),
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            stats: Stats::new(&result.stats, lockfiles as u64),
        }
    }
}

impl Stats {
    fn new(s: &ScanStats, lockfiles: u64) -> Self {
        Stats {
            files_scanned: s.files_scanned,
            bytes_scanned: s.bytes_scanned,
            skipped_binary: s.skipped_binary,
            skipped_too_large: s.skipped_too_large,
            skipped_excluded: s.skipped_excluded,
            non_utf8: s.non_utf8,
            suppressed_inline: s.suppressed_inline,
            suppressed_ignore_file: s.suppressed_ignore_file,
            suppressed_baseline: s.suppressed_baseline,
            commits: s.commits,
            lockfiles,
            compose_projects: s.compose_projects,
            duration_ms: s.duration_ms,
        }
    }
}

impl<'a> JsonFinding<'a> {
    fn new(f: &'a Finding, opts: &RenderOptions) -> Self {
        let loc = &f.location;
        JsonFinding {
            rule_id: f.rule_id.as_str(),
            category: f.category,
            severity: f.severity,
            title: &f.title,
            message: scrub(&f.message, f, opts),
            location: JsonLocation {
                path: &loc.path,
                start_line: loc.start_line,
                start_column: loc.start_column,
                end_line: loc.end_line,
                end_column: loc.end_column,
                commit: loc.commit.as_deref(),
            },
            evidence: f.evidence.as_ref().map(|ev| JsonEvidence {
                secret: secret_text(f, opts).unwrap_or_default(),
                entropy: round2(ev.entropy),
                decoded: ev.decoded.as_deref(),
            }),
            remediation: scrub(&f.remediation, f, opts),
            tags: &f.tags,
            fingerprint: f.fingerprint.as_str(),
            provenance: f
                .provenance
                .as_ref()
                .map(|p| JsonProvenance::new(p, f, opts)),
            related: f.related.iter().map(JsonRelated::new).collect(),
            dependency: f.dependency.as_deref().map(JsonDependency::new),
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            level: d.level,
            path: d.path.as_deref(),
            message: &d.message,
        }
    }
}

/// Two decimals; a non-finite entropy (which serde_json would write as `null`) becomes 0.
fn round2(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests;
