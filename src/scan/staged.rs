//! Pre-commit scans: read the staged change (the git source), run the secret scanner over it,
//! finish.

use super::{finish, ScanOptions};
use crate::error::Result;
use crate::result::{ScanMode, ScanResult};
use crate::secrets::{self, RuleSet};
use crate::source::staged::staged;
use crate::suppress::IgnoreSet;
use std::time::Instant;

/// Scans the change staged in the repository at `opts.root`.
pub fn scan_staged(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> Result<ScanResult> {
    let started = Instant::now();
    let change = staged(&opts.root, opts.max_file_size)?;
    let out = secrets::staged::scan(&change, rules, &|p| opts.excluded(p));
    Ok(finish(
        opts,
        rules,
        ignores,
        out,
        ScanMode::Staged,
        None,
        started,
    ))
}
