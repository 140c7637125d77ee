//! Working-tree scans: one walk builds the [`Workspace`] and feeds every file to the secret
//! scanner from the walker's threads; then each workspace scanner runs over it.
//!
//! Adding a scanner that reads the tree: a folder with `scan(&Workspace, &Options) -> Scanned`,
//! a name test for the files it reads (so the walk keeps them), and one line in `SCANNERS` below.

use super::{finish, ScanOptions};
use crate::result::{ScanMode, ScanResult};
use crate::scanned::Scanned;
use crate::secrets::{BlobScanner, RuleSet};
use crate::source::fs::{Event, Tally, WalkOptions};
use crate::source::Workspace;
use crate::suppress::IgnoreSet;
use std::time::Instant;

/// A scanner over the workspace: whether it runs, the files it reads by name, and the scan.
struct WorkspaceScanner {
    enabled: fn(&ScanOptions) -> bool,
    wants: fn(&str) -> bool,
    scan: fn(&Workspace, &ScanOptions) -> Scanned,
}

const SCANNERS: [WorkspaceScanner; 2] = [
    WorkspaceScanner {
        enabled: |o| o.compose.is_some(),
        wants: crate::compose::wants,
        scan: |ws, o| {
            o.compose
                .as_ref()
                .map_or_else(Scanned::default, |c| crate::compose::scan(ws, c))
        },
    },
    WorkspaceScanner {
        enabled: |o| o.deps.is_some(),
        wants: crate::deps::wants,
        scan: |ws, o| {
            o.deps
                .as_ref()
                .map_or_else(Scanned::default, |d| crate::deps::scan(ws, d))
        },
    },
];

/// Scans a working tree (or one file): secrets in every file, then the workspace scanners
/// (compose projects, lockfiles) as `opts` enables them.
pub fn scan(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> ScanResult {
    let started = Instant::now();
    let scanners: Vec<&WorkspaceScanner> = SCANNERS.iter().filter(|s| (s.enabled)(opts)).collect();
    let wanted = |path: &str| scanners.iter().any(|s| (s.wants)(path));
    let secrets = opts.secrets.then(|| BlobScanner::new(rules));
    // A path the secret rules skip (or, with secrets off, every path) is still read when
    // another scanner wants it.
    let secrets_skip = |path: &str| secrets.as_ref().is_none_or(|s| s.excludes(path));
    let tally = Tally::default();
    let walk_opts = WalkOptions {
        threads: opts.threads,
        max_file_size: opts.max_file_size,
    };
    let ws = Workspace::walk(
        &opts.root,
        &walk_opts,
        |path| opts.excluded(path) || (secrets_skip(path) && !wanted(path)),
        wanted,
        |event| match (event, &secrets) {
            (Event::Blob(blob), Some(s)) => {
                s.scan(blob);
                opts.progress.advance(1);
            }
            (Event::Large(file), Some(s)) => {
                s.scan_large(file);
                opts.progress.advance(1);
            }
            (Event::Blob(_) | Event::Large(_), None) => opts.progress.advance(1),
            // Without the secret scanner, files no scanner wants are not "excluded": nobody
            // asked for them.
            (event, _) => {
                let claimed = matches!(event, Event::Skipped(path, _) if wanted(path));
                tally.record(
                    &event,
                    opts.secrets || skipped_by_config(opts, &event),
                    claimed,
                )
            }
        },
    );
    let mut out = tally.finish();
    if let Some(s) = secrets {
        out.merge(s.finish());
    }
    for scanner in scanners {
        out.merge((scanner.scan)(&ws, opts));
    }
    finish(opts, rules, ignores, out, ScanMode::Tree, None, started)
}

fn skipped_by_config(opts: &ScanOptions, event: &Event<'_>) -> bool {
    matches!(event, Event::Skipped(path, _) if opts.excluded(path))
}
