//! Git history as a source: every distinct blob a repository has ever held, each with the
//! (commit, path) pairs that introduced it, so that a scan reads each blob once and still names
//! the commit that first brought a secret in.
//!
//! [`enumerate`] walks the selected commits ([`walk`]), diffs each against its parents in
//! parallel ([`introduce`]) and gathers the blobs; [`for_each_blob`] then reads them in pack
//! order ([`read`]). This module reads git only through gix; it knows nothing of rules or
//! findings, and it does not read the working tree or the index (see `staged`).

mod delta;
mod introduce;
mod pack;
mod pool;
mod read;
mod starts;
mod walk;

#[cfg(test)]
mod testrepo;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_refs;

use crate::diag::Diagnostic;
use crate::error::Error;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What part of history to read.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Start points (`--ref`, repeatable: branch, tag, any rev-spec gix can parse). Empty (and
    /// no `range`): every ref (branches, tags, remote-tracking refs, notes, `refs/stash` and
    /// the older stashes of its reflog) plus HEAD; a tag of a blob or a tree brings that blob,
    /// or the tree's blobs, in too.
    pub refs: Vec<String>,
    /// A revision range `A..B` (commits reachable from B, not from A); combined with `refs` by
    /// union of starting points.
    pub range: Option<String>,
    /// Only commits whose commit time is >= `since` (seconds since the epoch). Filtered commits
    /// are not attributed, but still serve as parents for diffs.
    pub since: Option<i64>,
    /// Only commits whose commit time is <= `until` (seconds since the epoch).
    pub until: Option<i64>,
    /// Blobs larger than this many bytes are skipped (counted), decided from the object header
    /// without inflating the blob. 0 (the `Default`) means no limit.
    pub max_blob_size: u64,
    /// Worker threads (0: all cores).
    pub threads: usize,
}

/// A commit as findings name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitMeta {
    /// The commit id, 40 hex digits.
    pub id: String,
    /// The author's name.
    pub author_name: String,
    /// The author's email.
    pub author_email: String,
    /// Author time, seconds since the epoch.
    pub time: i64,
    /// The first line of the message.
    pub summary: String,
}

/// One place a blob was introduced: commit `commit` (an index into [`History::commits`]) added
/// or changed `path` to this blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobOccurrence {
    /// Index into [`History::commits`].
    pub commit: u32,
    /// The path, `/`-separated, relative to the repository root.
    pub path: Arc<str>,
}

/// A distinct blob and every (commit, path) that introduced it, oldest commit first.
#[derive(Debug, Clone)]
pub struct HistoryBlob {
    /// The blob's object id.
    pub id: gix::ObjectId,
    /// Where it was introduced, oldest commit first.
    pub occurrences: Vec<BlobOccurrence>,
}

/// A blob's id: scanners keep it to tell blobs apart without naming the git library.
pub type BlobId = gix::ObjectId;

/// The enumerated history.
#[derive(Debug)]
pub struct History {
    /// The selected commits, oldest first (by commit time; ties in topological order, parents
    /// before children); then, for blobs and trees refs reach without a commit, the tags that
    /// reach them (a tag's id, tagger and message in a commit's place).
    pub commits: Vec<CommitMeta>,
    /// Distinct blobs, ordered for fast reading (pack order; loose objects last, by id).
    pub blobs: Vec<HistoryBlob>,
    /// (path, blob) pairs in HEAD's tree (empty when HEAD has no commit).
    pub head: HashSet<(Arc<str>, BlobId)>,
    /// Warnings: shallow boundary, submodules, missing or corrupt objects (with their id).
    pub notes: Vec<Diagnostic>,
    /// The repository's git directory.
    pub git_dir: PathBuf,
    /// The work tree, if the repository has one.
    pub workdir: Option<PathBuf>,
    /// HEAD's commit id, for SARIF `versionControlProvenance`.
    pub head_commit: Option<String>,
    /// The branch HEAD points to, e.g. `main` (`None` when detached).
    pub head_branch: Option<String>,
    /// The URL of remote `origin`, without credentials.
    pub remote_url: Option<String>,
}

/// Counters from reading blobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlobStats {
    /// Blobs handed to the visitor.
    pub scanned: u64,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Bytes handed to the visitor as fresh: whole blobs, and the ranges of deltas that their
    /// base did not supply.
    pub fresh_bytes: u64,
    /// Blobs not visited because they look binary.
    pub skipped_binary: u64,
    /// Blobs not visited because they exceed `max_blob_size`.
    pub skipped_too_large: u64,
}

/// Enumerates the history of the repository containing `path` (a work tree, a subdirectory, a
/// bare repository, a linked worktree or a directory with a `.git` file).
///
/// Fails if `path` is not in a git repository or a `--ref`/range does not resolve; missing or
/// corrupt objects met on the way become [`History::notes`].
pub fn enumerate(path: &Path, opts: &HistoryOptions) -> Result<History, Error> {
    let mut repo = super::git::open(path)?;
    // Commit objects are read once; skip gix's object cache for the walk.
    repo.object_cache_size(0);
    let graph = walk::walk(&repo, opts)?;
    let introduced = introduce::introduce(&repo, &graph, opts.threads);
    let mut notes = graph.notes.clone();
    notes.extend(introduced.notes);
    dedup(&mut notes);
    let blobs = read::pack_order(&repo, introduced.blobs);
    let provenance = crate::source::git::state_of(&repo);
    let mut commits = graph.selected_meta();
    commits.extend(graph.objects.iter().map(|(_, meta)| meta.clone()));
    Ok(History {
        commits,
        blobs,
        head: introduced.head,
        notes,
        // Absolute, so that `for_each_blob` reopens the same repository from any directory.
        git_dir: absolute(repo.git_dir()),
        workdir: repo.workdir().map(absolute),
        head_commit: graph.head.map(|id| id.to_string()),
        head_branch: provenance.head_branch,
        remote_url: provenance.remote_url,
    })
}

/// A blob's content as [`for_each_blob`] hands it over.
#[derive(Debug, Clone, Copy)]
pub struct BlobContent<'a> {
    /// The whole content.
    pub data: &'a [u8],
    /// For a blob stored as a delta of another history blob: the byte ranges its base did not
    /// supply (sorted; an empty range marks a seam between copies from different places of the
    /// base). A visitor may judge only these, widened to the context it needs: the rest was
    /// visited in the base. `None`: judge the whole content.
    pub fresh: Option<&'a [std::ops::Range<usize>]>,
    /// With `fresh`: the blob it is a delta of.
    pub base: Option<&'a HistoryBlob>,
}

/// Reads every blob of `history` once, in parallel on `opts.threads` threads, calling `visit`
/// (from worker threads) with the blob and its content.
///
/// `visit` returns whether it found something in the blob: blobs stored as deltas of such a
/// blob are then visited again, whole (as are deltas of blobs that could not be visited), so
/// that content a delta copied is judged in its own place too.
///
/// Binary blobs (see [`super::looks_binary`]) and blobs over `opts.max_blob_size` are skipped and
/// counted, not visited. Missing or corrupt objects become warnings naming the object id, and
/// reading goes on. Each worker holds one blob's content at a time.
pub fn for_each_blob<V: Fn(&HistoryBlob, BlobContent<'_>) -> bool + Sync>(
    history: &History,
    opts: &HistoryOptions,
    visit: V,
) -> (BlobStats, Vec<Diagnostic>) {
    read::for_each_blob(history, opts, visit)
}

/// Drops `user:password@` from a URL with a scheme: a token in a remote URL is itself a secret
/// and must not reach a report. scp-like `git@host:path` keeps its user (no password there).
pub(crate) fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// `path` made absolute against the current directory (symlinks kept).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Drops repeated notes (a shallow boundary met twice), keeping the first of each.
fn dedup(notes: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    notes.retain(|note| seen.insert(note.clone()));
}
