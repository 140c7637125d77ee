//! The dependency parts of the JSON report: `findings[].dependency`, `findings[].related` and
//! the top-level `dependencies` summary (`docs/json-report.md`). Structs of their own, like the
//! rest of the document.

use crate::finding::{DependencyInfo, Related};
use crate::result::DepsSummary;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct JsonDependency<'a> {
    ecosystem: &'a str,
    package: &'a str,
    version: &'a str,
    direct: bool,
    path: &'a [String],
    advisory: &'a str,
    aliases: &'a [String],
    kind: &'a str,
    fixed: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss: Option<JsonCvss<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    severity_defaulted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCvss<'a> {
    vector: &'a str,
    score: f64,
}

impl<'a> JsonDependency<'a> {
    pub(super) fn new(d: &'a DependencyInfo) -> Self {
        JsonDependency {
            ecosystem: &d.ecosystem,
            package: &d.package,
            version: &d.version,
            direct: d.direct,
            path: &d.path,
            advisory: &d.advisory,
            aliases: &d.aliases,
            kind: &d.kind,
            fixed: &d.fixed,
            cvss: d.cvss.as_ref().map(|(vector, score)| JsonCvss {
                vector,
                score: *score,
            }),
            severity_defaulted: d.severity_defaulted,
            url: d.url.as_deref(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonRelated<'a> {
    path: &'a str,
    start_line: usize,
    start_column: usize,
    message: &'a str,
}

impl<'a> JsonRelated<'a> {
    pub(super) fn new(r: &'a Related) -> Self {
        JsonRelated {
            path: &r.location.path,
            start_line: r.location.start_line,
            start_column: r.location.start_column,
            message: &r.message,
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonDeps<'a> {
    lockfiles: Vec<JsonLockfile<'a>>,
    unauditable: Vec<JsonUnauditable<'a>>,
    audited: u64,
    ignored: u64,
    /// `null` when the audit was skipped (no index): the diagnostics say why.
    index: Option<JsonIndex<'a>>,
}

#[derive(Serialize)]
struct JsonLockfile<'a> {
    path: &'a str,
    packages: usize,
}

#[derive(Serialize)]
struct JsonUnauditable<'a> {
    path: &'a str,
    line: usize,
    name: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonIndex<'a> {
    dir: &'a str,
    built_at: u64,
    age_days: u64,
    records: usize,
    sources: Vec<JsonIndexSource<'a>>,
}

#[derive(Serialize)]
struct JsonIndexSource<'a> {
    kind: &'a str,
    origin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<&'a str>,
}

impl<'a> JsonDeps<'a> {
    pub(super) fn new(d: &'a DepsSummary) -> Self {
        JsonDeps {
            lockfiles: d
                .lockfiles
                .iter()
                .map(|l| JsonLockfile {
                    path: &l.path,
                    packages: l.packages,
                })
                .collect(),
            unauditable: d
                .unauditable
                .iter()
                .map(|u| JsonUnauditable {
                    path: &u.path,
                    line: u.line,
                    name: &u.name,
                    reason: &u.reason,
                })
                .collect(),
            audited: d.audited,
            ignored: d.ignored,
            index: d.index.as_ref().map(|i| JsonIndex {
                dir: &i.dir,
                built_at: i.built_at,
                age_days: i.age_days,
                sources: i
                    .sources
                    .iter()
                    .map(|s| JsonIndexSource {
                        kind: &s.kind,
                        origin: &s.origin,
                        revision: s.revision.as_deref(),
                    })
                    .collect(),
                records: i.records,
            }),
        }
    }
}
