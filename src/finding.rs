//! The one finding model every scanner returns: secrets today, dependencies and deployment
//! config later. Owns redaction (`Secret`) and fingerprints; does not know how findings are found
//! or rendered.

use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing to fix.
    Info,
    /// Minor.
    Low,
    /// Should be fixed before a release.
    Medium,
    /// Blocks a release.
    #[default]
    High,
    /// Blocks a release and needs action now (rotate the credential).
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name used in configs, CLI flags and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lowercase (or any-case) severity name.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
    }

    /// The GitHub code scanning `security-severity` score: critical > 9, high 7-8.9, medium 4-6.9.
    pub fn security_severity(self) -> f64 {
        match self {
            Severity::Critical => 9.5,
            Severity::High => 8.0,
            Severity::Medium => 5.5,
            Severity::Low => 2.0,
            Severity::Info => 0.0,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which scanner a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A hardcoded credential.
    Secret,
    /// A dependency with a known advisory.
    Dependency,
    /// A deployment configuration problem.
    Config,
}

/// A rule's identifier, e.g. `github-pat-classic`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleId(String);

impl RuleId {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        RuleId(id.into())
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A secret value. `Debug`, `Display` and `Serialize` all redact; the raw text only via `expose`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a raw secret.
    pub fn new(raw: impl Into<String>) -> Self {
        Secret(raw.into())
    }

    /// The raw text: for fingerprints and the explicit `--no-redact` writers only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first four characters of a long secret and its length; nothing of a short one.
    pub fn redacted(&self) -> String {
        let n = self.0.chars().count();
        let head: String = self.0.chars().take(if n >= 16 { 4 } else { 0 }).collect();
        format!("{head}…({n} chars)")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

/// A stable finding identity: hex of the first 16 bytes of a SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// Wraps a fingerprint read from a baseline or ignore file.
    pub fn from_hex(s: &str) -> Self {
        Fingerprint(s.trim().to_ascii_lowercase())
    }
    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Survives the secret moving to another line: rule, path and secret only.
pub fn fingerprint(rule: &RuleId, path: &str, secret: &str) -> Fingerprint {
    let mut h = Sha256::new();
    for part in [rule.as_str(), path, secret] {
        h.update((part.len() as u64).to_le_bytes()); // ("ab","c") must differ from ("a","bc")
        h.update(part.as_bytes());
    }
    Fingerprint(hex::encode(&h.finalize()[..16]))
}

/// Where a finding is: 1-based lines and columns (columns count characters), path relative to
/// the scan root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scan root.
    pub path: String,
    /// First line.
    pub start_line: usize,
    /// First column.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
    /// The commit the finding was seen in (history scans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// What was matched, for the reader of a report. The secret itself is redacted when serialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The secret value (redacted in every output unless `--no-redact`).
    pub secret: Secret,
    /// Shannon entropy of the secret, bits per character.
    pub entropy: f64,
    /// How the secret was found, when not in plain text (e.g. `base64`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// Public names in the finding's message (a compose service or image) that redaction leaves
    /// alone although they contain the secret (issue 12 item 7). Not serialized.
    #[serde(skip)]
    pub public: Vec<String>,
}

/// A commit, as history findings name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full commit id (hex).
    pub id: String,
    /// Author name.
    pub author_name: String,
    /// Author email.
    pub author_email: String,
    /// Author date, RFC 3339 in UTC.
    pub date: String,
    /// First line of the commit message.
    pub summary: String,
}

/// Another place a history finding's secret was introduced.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Occurrence {
    /// Commit id.
    pub commit: String,
    /// Path in that commit.
    pub path: String,
}

/// Where a finding from a history scan came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The commit that first introduced the secret at this path.
    pub introduced: CommitInfo,
    /// Whether HEAD still holds it at this path (`false`: present in history only).
    pub in_head: bool,
    /// Later commits and other paths that carry the same secret.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<Occurrence>,
}

/// One problem found by one scanner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule that fired.
    pub rule_id: RuleId,
    /// Which scanner.
    pub category: Category,
    /// How bad.
    pub severity: Severity,
    /// One-line title (the rule's description).
    pub title: String,
    /// What was found, in a sentence.
    pub message: String,
    /// Where.
    pub location: Location,
    /// What matched; `None` for findings that have no secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// How to fix it.
    pub remediation: String,
    /// Tags of the rule.
    pub tags: Vec<String>,
    /// Stable identity for baselines and ignore files.
    pub fingerprint: Fingerprint,
    /// History scans: the commit that introduced it and where else it occurs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Other places that explain the finding (an anchor's use site, the other file of a merge).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Dependency findings: the package and the advisory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependency: Option<Box<DependencyInfo>>,
}

/// A secondary location of a finding (SARIF `relatedLocations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there, in a few words.
    pub message: String,
}

/// What a dependency finding is about: the package, and the advisory that affects it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependencyInfo {
    /// Ecosystem (`npm`, `PyPI`, `crates.io`).
    pub ecosystem: String,
    /// Package name.
    pub package: String,
    /// The version the lockfile pins.
    pub version: String,
    /// Whether a root depends on it directly.
    pub direct: bool,
    /// One dependency path, root first.
    pub path: Vec<String>,
    /// The advisory id the finding is reported under.
    pub advisory: String,
    /// The other ids of the same vulnerability (CVE, GHSA, PYSEC, RUSTSEC).
    pub aliases: Vec<String>,
    /// `vulnerability`, `malicious`, `unmaintained`, `unsound` or `notice`.
    pub kind: String,
    /// The smallest versions above the pinned one that are not affected (empty: no fix yet).
    pub fixed: Vec<String>,
    /// CVSS vector and base score, when the advisory has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<(String, f64)>,
    /// Whether the severity is the `medium` fallback because no record has a CVSS vector or a
    /// severity label (issue 12 item 7): reports mark it, since the real severity is unknown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub severity_defaulted: bool,
    /// A link to the advisory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Finding {
    /// Sort key: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (
            &self.location.path,
            self.location.start_line,
            self.location.start_column,
            self.rule_id.as_str(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_shows_in_debug_display_or_json() {
        let s = Secret::new("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assert_eq!(format!("{s}"), "ghp_…(40 chars)");
        assert_eq!(format!("{s:?}"), "ghp_…(40 chars)");
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(json, "\"ghp_…(40 chars)\"");
        assert_eq!(Secret::new("short").redacted(), "…(5 chars)");
    }

    #[test]
    fn fingerprint_depends_on_rule_path_secret_only() {
        let r = RuleId::new("r");
        assert_eq!(fingerprint(&r, "a", "s"), fingerprint(&r, "a", "s"));
        assert_ne!(fingerprint(&r, "a", "s"), fingerprint(&r, "b", "s"));
        assert_ne!(
            fingerprint(&RuleId::new("ab"), "c", "s"),
            fingerprint(&RuleId::new("a"), "bc", "s")
        );
        assert_eq!(fingerprint(&r, "a", "s").as_str().len(), 32);
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!(Severity::parse("MEDIUM"), Some(Severity::Medium));
        assert_eq!(Severity::parse("bogus"), None);
    }
}
