//! Named files (`scan --staged --files F...` where not every file is staged, as on `pre-commit
//! run --all-files`): the secret scanner over each file's whole work-tree content. The files
//! are found by the tree walk (so ignore files apply as in a tree scan), keeping only the named
//! ones; a named file the walk never met because it does not exist is an error naming it.

use super::{finish, ScanOptions};
use crate::diag::Diagnostic;
use crate::result::{ScanMode, ScanResult};
use crate::secrets::{BlobScanner, RuleSet};
use crate::source::fs::{self, Event, Tally, WalkOptions};
use crate::source::staged_paths::relative_to;
use crate::suppress::IgnoreSet;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

/// Scans `files` (paths relative to the current directory) completely for secrets; findings
/// are named relative to `opts.root`.
pub fn scan_files(
    opts: &ScanOptions,
    files: &[PathBuf],
    rules: &RuleSet,
    ignores: &IgnoreSet,
) -> ScanResult {
    let started = Instant::now();
    let mut problems = Vec::new();
    let mut wanted = BTreeSet::new();
    for file in files {
        match relative_to(&opts.root, file) {
            _ if !file.is_file() => problems.push(Diagnostic::error(
                file.display().to_string(),
                "no such file (named by --files)",
            )),
            Some(rel) => {
                wanted.insert(rel);
            }
            None => problems.push(Diagnostic::error(
                file.display().to_string(),
                format!("outside the scan root {}", opts.root.display()),
            )),
        }
    }
    let scanner = BlobScanner::new(rules);
    let tally = Tally::default();
    let walk_opts = WalkOptions {
        threads: opts.threads,
        max_file_size: opts.max_file_size,
    };
    fs::walk(
        &opts.root,
        &walk_opts,
        |rel| !wanted.contains(rel) || opts.excluded(rel) || scanner.excludes(rel),
        |event| match event {
            Event::Blob(blob) => {
                scanner.scan(blob);
                opts.progress.advance(1);
            }
            Event::Large(file) => {
                scanner.scan_large(file);
                opts.progress.advance(1);
            }
            // Files nobody named are not "skipped": they were never asked for.
            Event::Skipped(rel, _) if !wanted.contains(rel) => {}
            event => tally.record(&event, true, false),
        },
    );
    let mut out = tally.finish();
    out.merge(scanner.finish());
    out.diagnostics.extend(problems);
    finish(opts, rules, ignores, out, ScanMode::Tree, None, started)
}
