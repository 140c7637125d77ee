//! Pre-commit scans: read the staged change (the git source), run the secret scanner over it,
//! finish. With files named (`--staged --files F...`, as the pre-commit framework passes them)
//! the scan covers only those files: their staged lines when every one is staged (a normal
//! commit), else their whole content (`pre-commit run --all-files`), so that a run over
//! unchanged files is never reported clean just because nothing is staged.

use super::{finish, ScanOptions};
use crate::error::Result;
use crate::result::{ScanMode, ScanResult, VcsInfo};
use crate::secrets::{self, RuleSet};
use crate::source::git;
use crate::source::staged::staged;
use crate::source::staged_paths::{all_staged, relative_to};
use crate::suppress::IgnoreSet;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

/// Scans the change staged in the repository at `opts.root`.
pub fn scan_staged(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> Result<ScanResult> {
    scan_change(opts, rules, ignores, None)
}

/// Scans the named files (relative to the current directory): the staged change of those files
/// when all are staged, otherwise each file completely from the work tree.
pub fn scan_named(
    opts: &ScanOptions,
    files: &[PathBuf],
    rules: &RuleSet,
    ignores: &IgnoreSet,
) -> Result<ScanResult> {
    if all_staged(&opts.root, files)? {
        scan_change(opts, rules, ignores, Some(files))
    } else {
        Ok(super::files::scan_files(opts, files, rules, ignores))
    }
}

fn scan_change(
    opts: &ScanOptions,
    rules: &RuleSet,
    ignores: &IgnoreSet,
    only: Option<&[PathBuf]>,
) -> Result<ScanResult> {
    let started = Instant::now();
    let change = staged(&opts.root, opts.max_file_size)?;
    let only: Option<BTreeSet<String>> = only.map(|files| {
        files
            .iter()
            .filter_map(|f| relative_to(&change.root, f))
            .collect()
    });
    let outside = |p: &str| only.as_ref().is_some_and(|set| !set.contains(p));
    let out = secrets::staged::scan(&change, rules, &|p| opts.excluded(p) || outside(p));
    // The `vcs` block, as for history scans (docs/json-report.md): which repository and HEAD
    // the staged change applies to.
    let vcs = git::state(&change.root).map(|s| VcsInfo {
        repository_uri: s.remote_url,
        revision_id: s.head_commit,
        branch: s.head_branch,
    });
    Ok(finish(
        opts,
        rules,
        ignores,
        out,
        ScanMode::Staged,
        vcs,
        started,
    ))
}
