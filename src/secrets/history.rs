//! The secret scanner over git history: every distinct blob the selected commits ever held is
//! scanned once (in parallel, by the history source), then each finding is attributed to the
//! commit that first introduced its secret at its path, with the later commits and other paths
//! that carry it.

use super::fresh::FreshScanner;
use super::RuleSet;
use crate::finding::{fingerprint, CommitInfo, Finding, Fingerprint, Occurrence, Provenance};
use crate::progress::Progress;
use crate::result::ScanStats;
use crate::scanned::Scanned;
use crate::source::history::{self, BlobId, CommitMeta, History, HistoryOptions};
use crate::sync::{into_inner, lock};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// How many other places a finding lists; a secret copied into thousands of commits would
/// otherwise make the report unreadable.
const MAX_ALSO_IN: usize = 100;

/// A finding in one blob at one of its paths, with the commits that introduced it there.
struct Hit {
    finding: Finding,
    secret: String,
    blob: BlobId,
    commits: Vec<u32>,
}

/// Scans every blob of an enumerated history; `excluded` names paths no scanner reads.
pub fn scan(
    mut hist: History,
    hopts: &HistoryOptions,
    rules: &RuleSet,
    excluded_path: &dyn Fn(&str) -> bool,
    progress: &Progress,
) -> Scanned {
    let mut excluded = 0u64;
    for blob in &mut hist.blobs {
        blob.occurrences
            .retain(|o| !rules.path_excluded(&o.path) && !excluded_path(&o.path));
    }
    hist.blobs.retain(|b| {
        let keep = !b.occurrences.is_empty();
        excluded += u64::from(!keep);
        keep
    });
    progress.add_total(hist.blobs.len() as u64);
    let hits: Mutex<Vec<Hit>> = Mutex::new(Vec::new());
    let inline = AtomicU64::new(0);
    let fresh = FreshScanner::new(
        rules,
        hist.blobs
            .iter()
            .filter_map(|b| b.occurrences.first().map(|o| &o.path)),
    );
    let (blob_stats, problems) = history::for_each_blob(&hist, hopts, |blob, content| {
        let mut paths: Vec<(&Arc<str>, Vec<u32>)> = Vec::new();
        for o in &blob.occurrences {
            match paths.iter_mut().find(|(p, _)| **p == o.path) {
                Some((_, commits)) => commits.push(o.commit),
                None => paths.push((&o.path, vec![o.commit])),
            }
        }
        progress.advance(1);
        let Some((first, _)) = paths.first() else {
            return false;
        };
        let delta = content
            .fresh
            .zip(content.base)
            .and_then(|(ranges, base)| base.occurrences.first().map(|o| (ranges, &o.path)));
        let found = fresh.scan(first, content.data, delta);
        let any = !found.findings.is_empty();
        inline.fetch_add(found.suppressed_inline, Relaxed);
        let mut out = Vec::new();
        for f in found.findings {
            for (path, commits) in &paths {
                out.push(hit_at(&f, path, blob.id, commits));
            }
        }
        if !out.is_empty() {
            lock(&hits).extend(out);
        }
        any
    });
    let hits = into_inner(hits);
    let findings = attribute(&hist, rules, hits);
    let stats = ScanStats {
        files_scanned: blob_stats.scanned,
        bytes_scanned: blob_stats.bytes,
        skipped_binary: blob_stats.skipped_binary,
        skipped_too_large: blob_stats.skipped_too_large,
        skipped_excluded: excluded,
        suppressed_inline: inline.into_inner(),
        commits: hist.commits.len() as u64,
        ..Default::default()
    };
    let mut diagnostics = std::mem::take(&mut hist.notes);
    diagnostics.extend(problems);
    Scanned {
        findings,
        diagnostics,
        stats,
        ..Default::default()
    }
}

/// The finding as it stands at `path` (the blob was scanned under its first path).
fn hit_at(f: &Finding, path: &Arc<str>, blob: BlobId, commits: &[u32]) -> Hit {
    let secret = f
        .evidence
        .as_ref()
        .map(|e| e.secret.expose().to_string())
        .unwrap_or_default();
    let mut finding = f.clone();
    finding.location.path = path.to_string();
    finding.fingerprint = fingerprint(&f.rule_id, path, &secret);
    Hit {
        finding,
        secret,
        blob,
        commits: commits.to_vec(),
    }
}

/// One finding per fingerprint (rule, path, secret), attributed to its earliest commit.
fn attribute(hist: &History, rules: &RuleSet, hits: Vec<Hit>) -> Vec<Finding> {
    let allowed = |h: &Hit, c: u32| {
        let id = &hist.commits[c as usize].id;
        rules.commit_allowed(&h.finding.rule_id, id)
    };
    // Every (commit, path) carrying a (rule, secret), across paths, for `also_in`.
    let mut carriers: BTreeMap<(String, String), BTreeSet<(u32, String)>> = BTreeMap::new();
    let mut groups: BTreeMap<Fingerprint, Vec<(u32, Hit)>> = BTreeMap::new();
    for h in hits {
        let commits: Vec<u32> = h
            .commits
            .iter()
            .copied()
            .filter(|&c| !allowed(&h, c))
            .collect();
        let Some(&earliest) = commits.iter().min() else {
            continue;
        };
        let key = (h.finding.rule_id.to_string(), h.secret.clone());
        let places = carriers.entry(key).or_default();
        places.extend(
            commits
                .iter()
                .map(|&c| (c, h.finding.location.path.clone())),
        );
        groups
            .entry(h.finding.fingerprint.clone())
            .or_default()
            .push((earliest, h));
    }
    let mut out = Vec::with_capacity(groups.len());
    for (_, mut group) in groups {
        group.sort_by_key(|(earliest, _)| *earliest);
        let in_head = group.iter().any(|(_, h)| {
            hist.head
                .contains(&(Arc::from(h.finding.location.path.as_str()), h.blob))
        });
        let Some((first_commit, first)) = group.into_iter().next() else {
            continue;
        };
        let key = (first.finding.rule_id.to_string(), first.secret.clone());
        let here = (first_commit, first.finding.location.path.clone());
        let also_in = carriers
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|p| **p != here)
            .take(MAX_ALSO_IN)
            .map(|(c, path)| Occurrence {
                commit: hist.commits[*c as usize].id.clone(),
                path: path.clone(),
            })
            .collect();
        let meta = &hist.commits[first_commit as usize];
        let mut finding = first.finding;
        finding.location.commit = Some(meta.id.clone());
        finding.provenance = Some(Provenance {
            introduced: commit_info(meta),
            in_head,
            also_in,
        });
        out.push(finding);
    }
    out
}

fn commit_info(meta: &CommitMeta) -> CommitInfo {
    CommitInfo {
        id: meta.id.clone(),
        author_name: meta.author_name.clone(),
        author_email: meta.author_email.clone(),
        date: crate::day::rfc3339(meta.time),
        summary: meta.summary.clone(),
    }
}
