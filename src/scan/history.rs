//! History scans: enumerate the selected commits and their blobs (the git source), run the secret
//! scanner over them, finish.

use super::{finish, ScanOptions};
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
    let out = secrets::history::scan(hist, hopts, rules, &|p| opts.excluded(p), &opts.progress);
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
