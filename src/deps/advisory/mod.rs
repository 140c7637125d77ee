//! Advisories, normalised from OSV records (JSON or YAML) and RustSec advisories into one model
//! that the index stores and the matcher reads. Parsers live in [`osv`] and [`rustsec`]; CVSS
//! scoring in [`severity`]; whether a version is affected in [`matcher`].

use crate::deps::package::Ecosystem;
use crate::finding::Severity;
use serde::{Deserialize, Serialize};

pub mod matcher;
pub mod osv;
pub mod rustsec;
pub mod severity;

/// What kind of advisory: vulnerabilities fail a build; the informational kinds are warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdvisoryKind {
    /// A security vulnerability.
    Vulnerability,
    /// A malicious package (OSV `MAL-` records).
    Malicious,
    /// The crate or package is no longer maintained (RustSec informational).
    Unmaintained,
    /// Unsound code (RustSec informational).
    Unsound,
    /// Any other informational notice.
    Notice,
}

impl AdvisoryKind {
    /// The lowercase name, as reports write it (the same as its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            AdvisoryKind::Vulnerability => "vulnerability",
            AdvisoryKind::Malicious => "malicious",
            AdvisoryKind::Unmaintained => "unmaintained",
            AdvisoryKind::Unsound => "unsound",
            AdvisoryKind::Notice => "notice",
        }
    }

    /// Whether this kind is a warning rather than a vulnerability.
    pub fn is_informational(self) -> bool {
        matches!(
            self,
            AdvisoryKind::Unmaintained | AdvisoryKind::Unsound | AdvisoryKind::Notice
        )
    }
}

/// A CVSS vector and the base score computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// The vector as written, e.g. `CVSS:3.1/AV:N/AC:L/...`.
    pub vector: String,
    /// The base score, 0.0 to 10.0, computed from the vector.
    pub score: f64,
}

/// One advisory, whatever database it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The record's own id (`GHSA-…`, `PYSEC-…`, `RUSTSEC-…`, `MAL-…`).
    pub id: String,
    /// Other ids for the same vulnerability (`CVE-…`, `GHSA-…`), without `id` itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One-line summary (the first line of `details` when the record has no summary).
    pub summary: String,
    /// Kind.
    pub kind: AdvisoryKind,
    /// Severity for findings: from the CVSS score when there is one, else the database's own
    /// label, else `Medium` for vulnerabilities, `Critical` for malicious packages and `Info`
    /// for informational kinds.
    pub severity: Severity,
    /// Whether `severity` is the `Medium` fallback: a vulnerability whose record has neither a
    /// CVSS vector nor a severity label. Reports say so, since the real severity is unknown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub severity_defaulted: bool,
    /// The highest-scoring CVSS v3 or v4 vector of the record, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<Cvss>,
    /// A link to the advisory (its web page, else its first reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// RFC 3339 publication time, as the record gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// RFC 3339 last modification time, as the record gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Whether the record is withdrawn (such records are never matched or indexed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
    /// The packages it affects, in the ecosystems preflight audits (others are dropped).
    pub affected: Vec<Affected>,
}

/// The versions of one package an advisory affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package name; PEP 503-normalised for PyPI.
    pub name: String,
    /// `SEMVER` and `ECOSYSTEM` ranges (`GIT` ranges are dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Versions listed explicitly as affected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// An OSV range: events in the order the record gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER` or `ECOSYSTEM`.
    pub kind: RangeKind,
    /// The events.
    pub events: Vec<Event>,
}

/// OSV range types preflight evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RangeKind {
    /// SemVer 2.0 precedence.
    Semver,
    /// The ecosystem's own scheme (SemVer for npm and crates.io, PEP 440 for PyPI).
    Ecosystem,
}

/// One OSV range event. `Introduced("0")` means "from the first version".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from this one on are affected.
    Introduced(String),
    /// This version and later are not affected.
    Fixed(String),
    /// Versions after this one are not affected.
    LastAffected(String),
    /// An upper limit: versions at or after it are outside the range.
    Limit(String),
}
