//! The git parts of the SARIF log: `runs[0].versionControlProvenance` (SARIF §3.14.8) for a
//! repository with a remote, and the introducing commit of a history finding in its result's
//! property bag (`commit`, `commitAuthor`, `commitDate`, `commitSummary`, `inHead`, `alsoIn`).

use super::SRCROOT;
use crate::finding::{Finding, Provenance};
use crate::report::remote::repository_uri;
use crate::report::{commit_author, scrub, RenderOptions};
use crate::result::VcsInfo;
use serde_json::{json, Value};
use serde_sarif::sarif::{ArtifactLocation, VersionControlDetails};
use std::collections::BTreeMap;

/// The repository, mapped to `%SRCROOT%`. `None` without a remote: SARIF requires an absolute
/// `repositoryUri`, and a local path says nothing to whoever reads the log elsewhere.
pub(super) fn vcs_details(vcs: &VcsInfo, opts: &RenderOptions) -> Option<VersionControlDetails> {
    let uri = repository_uri(vcs.repository_uri.as_deref()?, opts.redact)?;
    let mut details = VersionControlDetails::builder()
        .repository_uri(uri)
        .mapped_to(ArtifactLocation::builder().uri_base_id(SRCROOT).build())
        .build();
    details.revision_id = vcs.revision_id.clone();
    details.branch = vcs.branch.clone();
    Some(details)
}

/// `commit`, `commitAuthor`, `commitDate`, `commitSummary`, `inHead` and `alsoIn` (as
/// `commit:path`, absent when empty) of a history finding.
pub(super) fn provenance_properties(
    p: &Provenance,
    f: &Finding,
    opts: &RenderOptions,
) -> BTreeMap<String, Value> {
    let commit = &p.introduced;
    let mut props = BTreeMap::from([
        ("commit".to_owned(), json!(commit.id)),
        ("commitAuthor".to_owned(), json!(commit_author(commit))),
        ("commitDate".to_owned(), json!(commit.date)),
        (
            "commitSummary".to_owned(),
            json!(scrub(&commit.summary, f, opts)),
        ),
        ("inHead".to_owned(), json!(p.in_head)),
    ]);
    if !p.also_in.is_empty() {
        let also: Vec<String> = p
            .also_in
            .iter()
            .map(|o| format!("{}:{}", o.commit, o.path))
            .collect();
        props.insert("alsoIn".to_owned(), json!(also));
    }
    props
}

#[cfg(test)]
mod tests {
    use super::super::render;
    use crate::report::testdata::{history, sample, staged, HEAD, INTRODUCED};
    use crate::report::RenderOptions;
    use crate::result::{ScanResult, VcsInfo};
    use serde_json::{json, Value};

    fn sarif(result: &ScanResult, opts: &RenderOptions) -> Value {
        serde_json::from_str(&render(result, opts)).expect("SARIF is JSON")
    }

    #[test]
    fn history_scan_names_the_repository() {
        let doc = sarif(&history(), &RenderOptions::default());
        assert_eq!(
            doc["runs"][0]["versionControlProvenance"],
            json!([{
                "repositoryUri": "ssh://git@github.com/acme/app.git",
                "revisionId": HEAD,
                "branch": "main",
                "mappedTo": {"uriBaseId": "%SRCROOT%"},
            }])
        );
        for result in [sample(), staged()] {
            let doc = sarif(&result, &RenderOptions::default());
            assert!(doc["runs"][0].get("versionControlProvenance").is_none());
        }
        let mut bare = history();
        bare.vcs = bare.vcs.map(|v| VcsInfo {
            revision_id: None,
            branch: None,
            ..v
        });
        let doc = sarif(&bare, &RenderOptions::default());
        assert_eq!(
            doc["runs"][0]["versionControlProvenance"],
            json!([{
                "repositoryUri": "ssh://git@github.com/acme/app.git",
                "mappedTo": {"uriBaseId": "%SRCROOT%"},
            }])
        );
    }

    #[test]
    fn history_results_carry_their_commit() {
        let doc = sarif(&history(), &RenderOptions::default());
        let results = &doc["runs"][0]["results"];
        assert_eq!(
            results[0]["properties"],
            json!({
                "severity": "critical",
                "category": "secret",
                "commit": INTRODUCED,
                "commitAuthor": "Jane Dev <jane@example.com>",
                "commitDate": "2024-03-01T09:30:00Z",
                "commitSummary": "Add deploy script",
                "inHead": false,
                "alsoIn": [
                    "89abcdef0123456789abcdef0123456789abcdef:deploy/run.sh",
                    "0011223344556677889900112233445566778899:scripts/old deploy.sh",
                ],
            })
        );
        let kept = &results[1]["properties"];
        assert_eq!(kept["inHead"], true);
        assert_eq!(kept["commit"], HEAD);
        assert!(kept.get("alsoIn").is_none());
        let staged_doc = sarif(&staged(), &RenderOptions::default());
        assert_eq!(
            staged_doc["runs"][0]["results"][0]["properties"],
            json!({"severity": "high", "category": "secret"})
        );
    }
}
