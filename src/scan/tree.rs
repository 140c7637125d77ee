//! Working-tree scans: walk the tree, run the secret scanner on each file from the walker's
//! threads, count what was skipped.

use super::{deps, finish, lock, Raw, ScanOptions};
use crate::deps::audit::LockInput;
use crate::diag::Diagnostic;
use crate::finding::Finding;
use crate::result::{ScanMode, ScanResult, ScanStats};
use crate::secrets::{scan_blob, RuleSet};
use crate::source::fs::{walk, Event, WalkOptions};
use crate::source::Skip;
use crate::suppress::IgnoreSet;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Instant;

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    excluded: AtomicU64,
    non_utf8: AtomicU64,
    inline: AtomicU64,
}

/// Scans a working tree (or one file): secrets in every file, the dependencies of every
/// lockfile and the compose projects, as `opts` enables them.
pub fn scan(opts: &ScanOptions, rules: &RuleSet, ignores: &IgnoreSet) -> ScanResult {
    let started = Instant::now();
    let counters = Counters::default();
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let diagnostics: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    let locks: Mutex<Vec<LockInput>> = Mutex::new(Vec::new());
    let compose_files: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let audit_deps = opts.deps.is_some();
    let is_compose = |path: &str| opts.compose && crate::compose::is_compose_file(path);
    // A path the secret rules skip (or, with secrets off, every path) is still read when
    // another scanner wants it.
    let wanted = |path: &str| (audit_deps && deps::wants(path)) || is_compose(path);
    let secrets_skip = |path: &str| !opts.secrets || rules.path_excluded(path);
    let walk_opts = WalkOptions {
        threads: opts.threads,
        max_file_size: opts.max_file_size,
    };
    let add = |counter: &AtomicU64| {
        counter.fetch_add(1, Relaxed);
    };
    walk(
        &opts.root,
        &walk_opts,
        |path| opts.excluded(path) || (secrets_skip(path) && !wanted(path)),
        |event| match event {
            Event::Blob(blob) => {
                if audit_deps {
                    read_lockfile(opts, blob.path, blob.data, &locks, &diagnostics);
                }
                if is_compose(blob.path) {
                    lock(&compose_files).push(blob.path.to_string());
                }
                if secrets_skip(blob.path) {
                    if opts.secrets {
                        add(&counters.excluded);
                    }
                    return;
                }
                add(&counters.files);
                counters.bytes.fetch_add(blob.data.len() as u64, Relaxed);
                let found = scan_blob(rules, blob.path, blob.commit, blob.data);
                counters.inline.fetch_add(found.suppressed_inline, Relaxed);
                if !found.findings.is_empty() {
                    lock(&findings).extend(found.findings);
                }
            }
            Event::Skipped(_, Skip::Binary) => add(&counters.binary),
            Event::Skipped(_, Skip::TooLarge) => add(&counters.large),
            // Without the secret scanner, files no scanner wants are not "excluded": nobody
            // asked for them.
            Event::Skipped(path, Skip::Excluded) if opts.secrets || opts.excluded(path) => {
                add(&counters.excluded)
            }
            Event::Skipped(_, Skip::Excluded) => {}
            Event::NotUtf8(path) => {
                add(&counters.non_utf8);
                lock(&diagnostics).push(Diagnostic::warning(
                    path,
                    "not valid UTF-8; scanned as bytes",
                ));
            }
            Event::Problem(d) => lock(&diagnostics).push(d),
        },
    );
    let mut stats = ScanStats {
        files_scanned: counters.files.into_inner(),
        bytes_scanned: counters.bytes.into_inner(),
        skipped_binary: counters.binary.into_inner(),
        skipped_too_large: counters.large.into_inner(),
        skipped_excluded: counters.excluded.into_inner(),
        non_utf8: counters.non_utf8.into_inner(),
        suppressed_inline: counters.inline.into_inner(),
        ..Default::default()
    };
    let mut findings = findings.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut diagnostics = diagnostics.into_inner().unwrap_or_else(|p| p.into_inner());
    let locks = locks.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut compose_files = compose_files
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let mut extra_rules = Vec::new();
    if opts.compose {
        compose_files.sort();
        let projects: std::collections::BTreeSet<&str> = compose_files
            .iter()
            .map(|f| f.rsplit_once('/').map_or("", |(dir, _)| dir))
            .collect();
        stats.compose_projects = projects.len() as u64;
        let dir = if opts.root.is_file() {
            opts.root.parent().unwrap_or(std::path::Path::new("."))
        } else {
            opts.root.as_path()
        };
        let out = crate::compose::scan_with_env_files(dir, &compose_files, &opts.compose_env_files);
        findings.extend(out.findings);
        diagnostics.extend(out.diagnostics);
        extra_rules = crate::compose::catalog();
    }
    let mut suppressed = Vec::new();
    let dependencies = match &opts.deps {
        Some(deps_opts) if !locks.is_empty() => {
            let (found, problems, summary, dropped) = deps::run(deps_opts, locks);
            findings.extend(found);
            diagnostics.extend(problems);
            suppressed = dropped;
            Some(summary)
        }
        _ => None,
    };
    let raw = Raw {
        findings,
        diagnostics,
        stats,
        mode: ScanMode::Tree,
        vcs: None,
        dependencies,
        extra_rules,
        suppressed,
    };
    finish(opts, rules, ignores, raw, started)
}

fn read_lockfile(
    opts: &ScanOptions,
    path: &str,
    data: &[u8],
    locks: &Mutex<Vec<LockInput>>,
    diagnostics: &Mutex<Vec<Diagnostic>>,
) {
    match deps::read_lockfile(&opts.root, path, data) {
        Some(Ok(input)) => lock(locks).push(input),
        Some(Err(d)) => lock(diagnostics).push(d),
        None => {}
    }
}
