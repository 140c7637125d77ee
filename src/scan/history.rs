//! History scans: enumerate the selected commits and their blobs (the git source), run the secret
//! scanner over them, finish.

use super::{finish, ScanOptions};
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::result::{ScanMode, ScanResult, VcsInfo};
use crate::secrets::{self, RuleSet};
use crate::source::history::{self, HistoryOptions};
use crate::suppress::IgnoreSet;
use std::time::Instant;

/// Scans the history of the repository at `opts.root`.
pub fn scan_history(
    opts: &ScanOptions,
    hopts: &HistoryOptions,
    rules: &RuleSet,
    ignores: &IgnoreSet,
) -> Result<ScanResult> {
    let started = Instant::now();
    let hist = history::enumerate(&opts.root, hopts)?;
    let vcs = Some(VcsInfo {
        repository_uri: hist.remote_url.clone(),
        revision_id: hist.head_commit.clone(),
        branch: hist.head_branch.clone(),
    });
    let empty_window = window_warning(hopts, hist.commits.is_empty());
    let mut out = secrets::history::scan(hist, hopts, rules, &|p| opts.excluded(p), &opts.progress);
    out.diagnostics.extend(empty_window);
    Ok(finish(
        opts,
        rules,
        ignores,
        out,
        ScanMode::History,
        vcs,
        started,
    ))
}

/// A `--since`/`--until` window that selects no commit is almost always a mistake (the dates
/// swapped, a typo in the year): the scan then covers nothing, so say so (issue 12 item 6).
fn window_warning(hopts: &HistoryOptions, no_commits: bool) -> Option<Diagnostic> {
    if hopts.since.is_none() && hopts.until.is_none() {
        return None;
    }
    match (hopts.since, hopts.until) {
        (Some(since), Some(until)) if since > until => Some(Diagnostic::general_warning(format!(
            "--since {} is after --until {}: the range is empty, no commit was scanned",
            crate::day::rfc3339(since),
            crate::day::rfc3339(until)
        ))),
        _ if no_commits => Some(Diagnostic::general_warning(
            "--since/--until select no commit: nothing in history was scanned",
        )),
        _ => None,
    }
}
