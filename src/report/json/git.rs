//! The git parts of the JSON report: `mode`, `vcs` and `findings[].provenance`, written for
//! `--history` and `--staged` scans (`docs/json-report.md`). Like the rest of the document, they
//! are structs of their own so that the schema changes only when these files do.

use crate::finding::{CommitInfo, Finding, Occurrence, Provenance};
use crate::report::remote::display_remote;
use crate::report::{scrub, RenderOptions};
use crate::result::{ScanMode, VcsInfo};
use serde::Serialize;

/// The `mode` values. A match rather than `ScanMode`'s `Serialize`: a new mode must be
/// documented before it is written.
pub(super) fn mode_name(mode: ScanMode) -> &'static str {
    match mode {
        ScanMode::Tree => "tree",
        ScanMode::History => "history",
        ScanMode::Staged => "staged",
    }
}

#[derive(Serialize)]
pub(super) struct JsonVcs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    repository_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<&'a str>,
}

impl<'a> JsonVcs<'a> {
    pub(super) fn new(vcs: &'a VcsInfo, opts: &RenderOptions) -> Self {
        JsonVcs {
            repository_uri: vcs
                .repository_uri
                .as_deref()
                .map(|uri| display_remote(uri, opts.redact)),
            revision_id: vcs.revision_id.as_deref(),
            branch: vcs.branch.as_deref(),
        }
    }
}

#[derive(Serialize)]
pub(super) struct JsonProvenance<'a> {
    introduced: JsonCommit<'a>,
    in_head: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also_in: Vec<JsonOccurrence<'a>>,
}

#[derive(Serialize)]
struct JsonCommit<'a> {
    id: &'a str,
    author_name: &'a str,
    author_email: &'a str,
    date: &'a str,
    summary: String,
}

#[derive(Serialize)]
struct JsonOccurrence<'a> {
    commit: &'a str,
    path: &'a str,
}

impl<'a> JsonProvenance<'a> {
    pub(super) fn new(p: &'a Provenance, f: &Finding, opts: &RenderOptions) -> Self {
        let c: &'a CommitInfo = &p.introduced;
        JsonProvenance {
            introduced: JsonCommit {
                id: &c.id,
                author_name: &c.author_name,
                author_email: &c.author_email,
                date: &c.date,
                // Commit messages are free text: a secret pasted into one must not leak here.
                summary: scrub(&c.summary, f, opts),
            },
            in_head: p.in_head,
            also_in: p.also_in.iter().map(JsonOccurrence::new).collect(),
        }
    }
}

impl<'a> JsonOccurrence<'a> {
    fn new(o: &'a Occurrence) -> Self {
        JsonOccurrence {
            commit: &o.commit,
            path: &o.path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use crate::report::testdata::{history, sample, staged, HEAD, INTRODUCED};
    use crate::report::RenderOptions;
    use serde_json::Value;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).expect("the report is JSON")
    }

    #[test]
    fn history_report_carries_mode_vcs_and_provenance() {
        let report = parse(&render(&history(), &RenderOptions::default()));
        assert_eq!(report["mode"], "history");
        assert_eq!(
            report["vcs"],
            serde_json::json!({
                "repository_uri": "git@github.com:acme/app.git",
                "revision_id": HEAD,
                "branch": "main",
            })
        );
        assert_eq!(report["summary"]["stats"]["commits"], 7);
        let gone = &report["findings"][0];
        assert_eq!(gone["location"]["commit"], INTRODUCED);
        assert_eq!(
            gone["provenance"],
            serde_json::json!({
                "introduced": {
                    "id": INTRODUCED,
                    "author_name": "Jane Dev",
                    "author_email": "jane@example.com",
                    "date": "2024-03-01T09:30:00Z",
                    "summary": "Add deploy script",
                },
                "in_head": false,
                "also_in": [
                    {"commit": "89abcdef0123456789abcdef0123456789abcdef", "path": "deploy/run.sh"},
                    {"commit": "0011223344556677889900112233445566778899", "path": "scripts/old deploy.sh"},
                ],
            })
        );
        let kept = &report["findings"][1]["provenance"];
        assert_eq!(kept["in_head"], true);
        assert!(kept.get("also_in").is_none());
    }

    #[test]
    fn absent_vcs_fields_and_provenance_are_omitted() {
        let report = parse(&render(&staged(), &RenderOptions::default()));
        assert_eq!(report["mode"], "staged");
        assert_eq!(
            report["vcs"],
            serde_json::json!({"revision_id": HEAD, "branch": "feature"})
        );
        assert!(report["findings"][0].get("provenance").is_none());
        let tree = parse(&render(&sample(), &RenderOptions::default()));
        assert_eq!(tree["mode"], "tree");
        assert!(tree.get("vcs").is_none());
        assert_eq!(tree["summary"]["stats"]["commits"], 0);
    }
}
