//! The dependency audit as part of a tree scan: lockfiles are parsed as the walk meets them;
//! once the walk is done, their packages are audited against the local advisory index.

use crate::day::Day;
use crate::deps::audit::{audit, LockInput};
use crate::deps::db::{self, Db, UpdateOptions};
use crate::deps::ignore::DepIgnore;
use crate::deps::lockfile::{detect, parse_file};
use crate::deps::package::Source;
use crate::deps::roots::mark_direct;
use crate::diag::Diagnostic;
use crate::finding::Finding;
use crate::result::{
    DepsSummary, IndexSource, IndexSummary, LockSummary, Suppressed, UnauditableDep,
};
use std::path::Path;

/// How a scan audits dependencies.
#[derive(Debug, Clone)]
pub struct DepsOptions {
    /// The advisory database.
    pub db: Db,
    /// Never touch the network, even when there is no index.
    pub offline: bool,
    /// `[[deps.ignore]]` entries.
    pub ignores: Vec<DepIgnore>,
    /// Where the one automatic update of a scan without an index fetches from.
    pub update: UpdateOptions,
    /// Told (by the command line, which owns the terminal) before that update starts, since
    /// it may take a while.
    pub notify: Option<fn(&str)>,
}

/// Whether the walk should read `rel_path` for the dependency audit.
pub fn wants(rel_path: &str) -> bool {
    detect(rel_path).is_some()
}

/// Parses the lockfile at `rel_path` if it is one; `None` for other files.
pub fn read_lockfile(
    root: &Path,
    rel_path: &str,
    data: &[u8],
) -> Option<Result<LockInput, Diagnostic>> {
    let format = detect(rel_path)?;
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(_) => {
            return Some(Err(Diagnostic::error(
                rel_path,
                "lockfile is not valid UTF-8",
            )))
        }
    };
    // A scan of a single file has that file as its root; its manifest and includes sit beside it.
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new("."))
    } else {
        root
    };
    Some(match parse_file(format, base, rel_path, text) {
        Ok(mut lock) => {
            mark_direct(format, &base.join(rel_path), &mut lock);
            Ok(LockInput {
                path: rel_path.to_string(),
                format,
                lock,
            })
        }
        Err(e) => Err(Diagnostic::error(
            rel_path,
            format!("cannot parse lockfile: {e}"),
        )),
    })
}

/// What [`run`] returns: findings, problems, the summary, and what `[[deps.ignore]]` dropped.
pub type DepsRun = (Vec<Finding>, Vec<Diagnostic>, DepsSummary, Vec<Suppressed>);

/// Audits the lockfiles a walk collected.
pub fn run(opts: &DepsOptions, mut locks: Vec<LockInput>) -> DepsRun {
    locks.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diagnostics = Vec::new();
    let mut summary = DepsSummary {
        lockfiles: locks
            .iter()
            .map(|l| LockSummary {
                path: l.path.clone(),
                packages: l.lock.packages.len(),
            })
            .collect(),
        unauditable: unauditable(&locks),
        ..Default::default()
    };
    let Some(index) = open_index(opts, &mut diagnostics) else {
        return (Vec::new(), diagnostics, summary, Vec::new());
    };
    if db::is_stale(&index.meta) {
        diagnostics.push(Diagnostic::general_warning(format!(
            "the advisory index is {} days old; run `preflight db update`",
            db::age_days(&index.meta)
        )));
    }
    let outcome = audit(&locks, &index, &opts.ignores, Day::today());
    diagnostics.extend(outcome.diagnostics);
    summary.audited = outcome.audited;
    summary.ignored = outcome.ignored;
    summary.index = Some(IndexSummary {
        dir: index.dir.display().to_string(),
        built_at: index.meta.built_at,
        age_days: db::age_days(&index.meta),
        records: index.meta.records,
        sources: index
            .meta
            .sources
            .iter()
            .map(|s| IndexSource {
                kind: s.kind.clone(),
                origin: s.origin.clone(),
                revision: s.revision.clone(),
            })
            .collect(),
    });
    (outcome.findings, diagnostics, summary, outcome.suppressed)
}

/// The index, after one update attempt when there is none; `None` (with a warning that says
/// what to run) when the audit cannot run.
fn open_index(opts: &DepsOptions, diagnostics: &mut Vec<Diagnostic>) -> Option<db::index::Index> {
    let skipped = |why: String| {
        Diagnostic::general_warning(format!(
            "dependency audit skipped: {why}; run `preflight db update` (or `preflight db import PATH` \
             with a local copy of the advisories), then scan again"
        ))
    };
    match opts.db.open() {
        Ok(Some(index)) => return Some(index),
        Ok(None) => {}
        Err(message) => {
            diagnostics.push(Diagnostic::general_error(message));
            return None;
        }
    }
    let root = opts.db.root.display();
    if opts.offline {
        diagnostics.push(skipped(format!("no advisory index in {root} (--offline)")));
        return None;
    }
    if let Some(notify) = opts.notify {
        notify(&format!(
            "no advisory index in {root}: downloading one (--offline skips the dependency audit)"
        ));
    }
    match opts.db.update(&opts.update) {
        Ok(_) => match opts.db.open() {
            Ok(found) => found,
            Err(message) => {
                diagnostics.push(Diagnostic::general_error(message));
                None
            }
        },
        Err(why) => {
            diagnostics.push(skipped(format!(
                "no advisory index in {root}, and downloading one failed: {why}"
            )));
            None
        }
    }
}

fn unauditable(locks: &[LockInput]) -> Vec<UnauditableDep> {
    let mut out = Vec::new();
    for input in locks {
        for u in &input.lock.unauditable {
            out.push(UnauditableDep {
                path: input.path.clone(),
                line: u.line,
                name: u.name.clone(),
                reason: u.reason.clone(),
            });
        }
        for p in input
            .lock
            .packages
            .iter()
            .filter(|p| p.source != Source::Registry)
        {
            let reason = match &p.source {
                Source::Git(url) => format!("from git ({})", without_userinfo(url)),
                Source::Path(path) => format!("a local path ({path})"),
                Source::Url(url) => format!("from a URL ({})", without_userinfo(url)),
                Source::Workspace => "a workspace member".to_string(),
                Source::Registry => continue,
            };
            out.push(UnauditableDep {
                path: input.path.clone(),
                line: p.line,
                name: p.name.clone(),
                reason,
            });
        }
    }
    out
}

/// A URL without the `user:password@` part, which may hold a token.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn userinfo_is_dropped() {
        assert_eq!(
            super::without_userinfo("git+https://bot:s3cret@git.example.test/a/b.git#abc"),
            "git+https://git.example.test/a/b.git#abc"
        );
        assert_eq!(
            super::without_userinfo("https://x.test/a@b"),
            "https://x.test/a@b"
        );
        assert_eq!(super::without_userinfo("file:../lib"), "file:../lib");
    }
}
