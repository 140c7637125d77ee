//! The dependency scanner: every lockfile among the workspace's files is read through the
//! workspace and parsed, then its packages are audited against the local advisory index (after
//! one automatic update when there is none, unless offline).

use crate::day::Day;
use crate::deps::audit::{audit, LockInput};
use crate::deps::db::{self, Db, UpdateOptions};
use crate::deps::ignore::DepIgnore;
use crate::deps::lockfile::{beside, detect, parse_file};
use crate::deps::package::Source;
use crate::deps::roots::mark_direct;
use crate::diag::Diagnostic;
use crate::finding::Finding;
use crate::result::{
    DepsSummary, IndexSource, IndexSummary, LockSummary, Suppressed, UnauditableDep,
};
use crate::scanned::Scanned;
use crate::source::{ReadError, Workspace};

/// How the dependency scanner runs.
#[derive(Debug, Clone)]
pub struct Options {
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

/// Whether the dependency scanner reads `rel_path`: lockfiles and the manifests beside them.
pub fn wants(rel_path: &str) -> bool {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    detect(rel_path).is_some() || name == "package.json" || name == "pyproject.toml"
}

/// Audits every lockfile in the workspace. Nothing to audit (no lockfile) is no summary at all.
pub fn scan(ws: &Workspace, opts: &Options) -> Scanned {
    let mut out = Scanned::default();
    let mut locks = Vec::new();
    for rel in ws.files() {
        match read_lockfile(ws, rel) {
            Some(Ok(input)) => locks.push(input),
            Some(Err(d)) => out.diagnostics.push(d),
            None => {}
        }
    }
    if !locks.is_empty() {
        let (findings, diagnostics, summary, suppressed) = run(opts, locks);
        out.findings = findings;
        out.suppressed = suppressed;
        out.diagnostics.extend(diagnostics);
        out.dependencies = Some(summary);
    }
    out
}

/// Reads and parses the lockfile at `rel_path` if it is one; `None` for other files.
fn read_lockfile(ws: &Workspace, rel_path: &str) -> Option<Result<LockInput, Diagnostic>> {
    let format = detect(rel_path)?;
    let text = match ws.read_text(rel_path) {
        Ok(text) => text,
        Err(ReadError::NotUtf8) => {
            return Some(Err(Diagnostic::error(
                rel_path,
                "lockfile is not valid UTF-8",
            )))
        }
        Err(e) => return Some(Err(Diagnostic::error(rel_path, e))),
    };
    let read = |rel: &str| ws.read_text(rel).ok();
    Some(match parse_file(format, rel_path, &text, &read) {
        Ok(mut lock) => {
            let dir = rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            let beside = |name: &str| read(&beside(dir, name)?);
            mark_direct(format, &beside, &mut lock);
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
type DepsRun = (Vec<Finding>, Vec<Diagnostic>, DepsSummary, Vec<Suppressed>);

/// Audits the parsed lockfiles.
fn run(opts: &Options, mut locks: Vec<LockInput>) -> DepsRun {
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
fn open_index(opts: &Options, diagnostics: &mut Vec<Diagnostic>) -> Option<db::index::Index> {
    // Lockfiles that were not audited are a gap: the scan says so and fails closed.
    let skipped = |why: String| {
        Diagnostic::general_error(format!(
            "dependency audit did not run: {why}; run `preflight db update` (or `preflight db import PATH` \
             with a local copy of the advisories), then scan again (or pass --allow-incomplete)"
        ))
    };
    match opts.db.open() {
        Ok(index) => return Some(index),
        Err(db::IndexError::Absent { .. }) => {}
        Err(err) => {
            diagnostics.push(Diagnostic::general_error(crate::error::one_line(&err)));
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
            Ok(found) => Some(found),
            Err(err) => {
                diagnostics.push(Diagnostic::general_error(crate::error::one_line(&err)));
                None
            }
        },
        Err(why) => {
            diagnostics.push(skipped(format!(
                "no advisory index in {root}, and downloading one failed: {}",
                crate::error::one_line(&why)
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
