//! The pre-commit source: the files a commit would add or modify, read from the index (never the
//! work tree, so unstaged edits are not scanned), each with the line ranges the change adds
//! relative to `HEAD` (or to the empty tree before the first commit).
//!
//! Speed matters more than anywhere else: a hook runs on every commit. So `HEAD`'s tree is never
//! flattened: the walk descends only into directories whose tree id differs from the id the
//! index's tree cache (`TREE` extension) records for them, which after a one-file `git add` means
//! only the directories on that file's path. Where the cache is missing or invalid the walk reads
//! `HEAD`'s trees, still skipping nothing it could prove equal.
//!
//! Not done here: deciding which findings to keep (the scan layer asks [`StagedFile::touches`]),
//! and renames with edits (only exact renames are recognised; an edited rename is a new file).

use super::looks_binary;
use crate::diag::Diagnostic;
use crate::error::Error;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::diff::blob::{Algorithm, Diff, InternedInput};
use gix::index::entry::{Flags, Mode};
use gix::index::extension::Tree as CachedTree;
use gix::objs::FindExt;
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One staged file: its staged content and the lines the change adds.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Relative to the work tree root, `/`-separated.
    pub path: String,
    /// The index blob.
    pub data: Vec<u8>,
    /// 1-based inclusive line ranges added by the change, in order, never empty; `(1, line
    /// count)` for new files.
    pub added: Vec<(usize, usize)>,
}

impl StagedFile {
    /// Whether the 1-based line range `start_line..=end_line` overlaps the added ranges.
    pub fn touches(&self, start_line: usize, end_line: usize) -> bool {
        // `added` is sorted and disjoint: find the first range that does not end before `start`.
        let i = self.added.partition_point(|&(_, end)| end < start_line);
        self.added
            .get(i)
            .is_some_and(|&(start, _)| start <= end_line)
    }
}

/// What the staged change holds.
#[derive(Debug, Default)]
pub struct Staged {
    /// Added or modified text files, in index (path) order.
    pub files: Vec<StagedFile>,
    /// Files skipped because their staged blob looks binary.
    pub skipped_binary: u64,
    /// Files skipped because their staged blob exceeds the size limit.
    pub skipped_too_large: u64,
    /// Problems met (unreadable objects, unmerged paths); the other files are still reported.
    pub notes: Vec<Diagnostic>,
    /// The work tree root.
    pub root: PathBuf,
}

/// The staged change of the repository containing `path` (any path inside its work tree; the
/// whole repository is reported, not just that directory): files added or modified relative to
/// `HEAD`, with the lines added. Deletions, mode-only changes, exact renames, symlinks and
/// submodules produce nothing. Not a repository, or a bare one: an error naming `path`.
pub fn staged(path: &Path, max_file_size: u64) -> Result<Staged, Error> {
    staged_with_index(path, None, max_file_size)
}

/// [`staged`], reading the index from `index_file` instead of the repository's own when given.
///
/// git runs the pre-commit hook of `git commit -a` or `git commit PATH...` with a temporary
/// index named by `GIT_INDEX_FILE` (e.g. `.git/index.lock`). gix's default open already applies
/// that variable (relative to the current directory, as git does), so [`staged`] reads the right
/// index inside a hook; this variant names it explicitly, for callers and tests.
pub fn staged_with_index(
    path: &Path,
    index_file: Option<&Path>,
    max_file_size: u64,
) -> Result<Staged, Error> {
    let mut repo = super::git::open(path)?;
    // Trees on the changed paths are read once each; a small cache helps the no-TREE fallback.
    repo.object_cache_size_if_unset(4 * 1024 * 1024);
    let Some(workdir) = repo.workdir() else {
        return Err(Error::Usage(format!(
            "{}: a bare repository has no index to scan",
            path.display()
        )));
    };
    let mut out = Staged {
        root: std::path::absolute(workdir).unwrap_or_else(|_| workdir.to_path_buf()),
        ..Staged::default()
    };
    let fail = |err: gix::Error| Error::Read {
        path: repo.git_dir().to_path_buf(),
        source: std::io::Error::other(one_line(&err)),
    };
    // No index file yet: `git init` with nothing added, so nothing is staged.
    let index_path = index_file.map_or_else(|| repo.index_path(), Path::to_path_buf);
    let Some(index) = read_index(&repo, index_path).map_err(fail)? else {
        return Ok(out);
    };
    let (changes, notes) = changes(&repo, &index).map_err(fail)?;
    out.notes = notes;
    for item in load_all(&repo, &changes, max_file_size) {
        match item {
            // A pure deletion of lines, or an empty new file: nothing to scan.
            Loaded::File(file) if file.added.is_empty() => {}
            Loaded::File(file) => out.files.push(file),
            Loaded::Binary => out.skipped_binary += 1,
            Loaded::TooLarge => out.skipped_too_large += 1,
            Loaded::Problem(note) => out.notes.push(note),
        }
    }
    Ok(out)
}

/// The blobs that differ between `HEAD`'s tree and the index, in path order, with the notes met.
fn changes(
    repo: &gix::Repository,
    index: &gix::index::File,
) -> gix::Result<(Vec<Change>, Vec<Diagnostic>)> {
    // Unborn HEAD (the first commit): the empty tree, so every staged file is new.
    let head = repo.head_tree_id_or_empty()?.detach();
    let mut walk = Walk {
        repo,
        index,
        changes: Vec::new(),
        deleted_blobs: HashSet::new(),
        deleted_trees: Vec::new(),
        notes: Vec::new(),
    };
    walk.dir(head, BStr::new(""), 0..index.entries().len(), index.tree())?;
    walk.drop_exact_renames()?;
    // The walk meets matched paths before new ones; report in index (path) order.
    walk.changes.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok((walk.changes, walk.notes))
}

/// Loads every change: in order, and in parallel when there are many.
fn load_all(repo: &gix::Repository, changes: &[Change], max_file_size: u64) -> Vec<Loaded> {
    // A typical commit changes a handful of files, where threads cost more than they save; a
    // first commit may add thousands.
    if changes.len() <= 8 {
        return changes
            .iter()
            .map(|c| load(repo, c, max_file_size))
            .collect();
    }
    let sync = repo.clone().into_sync();
    changes
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, change| load(repo, change, max_file_size),
        )
        .collect()
}

/// The index, or `None` before anything was ever added.
fn read_index(repo: &gix::Repository, path: PathBuf) -> gix::Result<Option<gix::index::File>> {
    if !path.is_file() {
        return Ok(None);
    }
    // Like git, which verifies the index checksum only in `git fsck`: hashing a 100k-entry index
    // costs more than the rest of the staged scan together.
    let skip_hash = true;
    let options = gix::index::decode::Options::default();
    gix::index::File::at(path, repo.object_hash(), skip_hash, options).map(Some)
}

/// A staged file whose blob differs from `HEAD`'s (or that `HEAD` lacks).
struct Change {
    path: String,
    new: ObjectId,
    /// `HEAD`'s blob at the same path; `None` for a new file.
    old: Option<ObjectId>,
}

/// The walk of `HEAD`'s trees against the index, collecting changes.
struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::State,
    changes: Vec<Change>,
    /// Blobs of `HEAD` whose path the index lacks: an index blob among them is an exact rename.
    deleted_blobs: HashSet<ObjectId>,
    /// Trees of `HEAD` whose directory the index lacks, expanded only if renames must be checked.
    deleted_trees: Vec<ObjectId>,
    notes: Vec<Diagnostic>,
}

impl Walk<'_> {
    /// Compares `HEAD`'s tree `tree` at `prefix` (empty or ending in `/`) with the index entries
    /// in `range`, which are exactly those under `prefix`.
    fn dir(
        &mut self,
        tree: ObjectId,
        prefix: &BStr,
        range: Range<usize>,
        cache: Option<&CachedTree>,
    ) -> gix::Result<()> {
        if self.unchanged(tree, &range, cache) {
            return Ok(());
        }
        let mut buf = Vec::new();
        let entries = self.repo.objects.find_tree(&tree, &mut buf)?.entries;
        let mut covered: Vec<Range<usize>> = Vec::with_capacity(entries.len());
        let mut path = BString::from(prefix.to_vec());
        for entry in entries {
            path.truncate(prefix.len());
            path.push_str(entry.filename);
            let (id, name) = (entry.oid.to_owned(), entry.filename.as_bytes());
            if entry.mode.is_tree() {
                path.push(b'/');
                let sub = span(self.index, &range, path.as_ref(), true);
                if sub.is_empty() {
                    self.deleted_trees.push(id);
                    continue;
                }
                let child = cache.and_then(|c| {
                    let i = c.children.binary_search_by(|t| t.name.as_slice().cmp(name));
                    i.ok().map(|i| &c.children[i])
                });
                covered.push(sub.clone());
                self.dir(id, path.as_ref(), sub, child)?;
            } else {
                let same = span(self.index, &range, path.as_ref(), false);
                if same.is_empty() {
                    if entry.mode.is_blob() {
                        self.deleted_blobs.insert(id);
                    }
                    continue;
                }
                covered.push(same.clone());
                self.compare(entry.mode.is_blob().then_some(id), same);
            }
        }
        // Index entries that no HEAD entry matched are new files.
        covered.sort_by_key(|r| r.start);
        let mut next = range.start;
        for r in covered
            .into_iter()
            .chain(std::iter::once(range.end..range.end))
        {
            (next..r.start).for_each(|i| self.compare(None, i..i + 1));
            next = r.end;
        }
        Ok(())
    }

    /// Whether the index provably holds `HEAD`'s `tree` for the entries in `range`.
    fn unchanged(&self, tree: ObjectId, range: &Range<usize>, cache: Option<&CachedTree>) -> bool {
        // A valid tree cache node holds the id of the tree the index would write for this
        // directory. Its entry count must match too: the extension is a hint other tools write.
        let count = u32::try_from(range.len()).ok();
        if cache.is_some_and(|c| c.num_entries.is_some() && c.num_entries == count && c.id == tree)
        {
            return true;
        }
        // A sparse index (`index.sparse`) holds a directory outside the cone as one entry.
        matches!(&self.index.entries()[range.clone()],
            [only] if only.mode == Mode::DIR && only.id == tree)
    }

    /// Records the index entries in `same` (one path, all stages) as a change against `old`.
    fn compare(&mut self, old: Option<ObjectId>, same: Range<usize>) {
        let entry = &self.index.entries()[same.start];
        let path = entry.path(self.index);
        if same.len() > 1 || entry.stage_raw() != 0 {
            // git refuses to commit unmerged paths, so a hook never sees them; a direct call might.
            self.notes.push(Diagnostic::warning(
                path.to_str_lossy(),
                "unmerged path (merge conflict): not scanned",
            ));
            return;
        }
        let is_file = entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE;
        // Intent-to-add entries (`git add -N`) stage no content yet.
        if !is_file || entry.flags.contains(Flags::INTENT_TO_ADD) || old == Some(entry.id) {
            return;
        }
        self.changes.push(Change {
            path: path.to_str_lossy().into_owned(),
            new: entry.id,
            old,
        });
    }

    /// Drops new files whose blob `HEAD` holds at a path the index lacks: `git mv` without edits
    /// adds no line, as `git diff --cached` (renames on by default) shows none.
    fn drop_exact_renames(&mut self) -> gix::Result<()> {
        if !self.changes.iter().any(|c| c.old.is_none()) {
            return Ok(());
        }
        let mut buf = Vec::new();
        while let Some(tree) = self.deleted_trees.pop() {
            for entry in self.repo.objects.find_tree(&tree, &mut buf)?.entries {
                if entry.mode.is_tree() {
                    self.deleted_trees.push(entry.oid.to_owned());
                } else if entry.mode.is_blob() {
                    self.deleted_blobs.insert(entry.oid.to_owned());
                }
            }
        }
        let deleted = &self.deleted_blobs;
        self.changes
            .retain(|c| c.old.is_some() || !deleted.contains(&c.new));
        Ok(())
    }
}

/// The entries of `range` whose path is `path` (one per stage), or starts with it if `prefix`:
/// contiguous, as entries sort by path.
fn span(
    index: &gix::index::State,
    range: &Range<usize>,
    path: &BStr,
    prefix: bool,
) -> Range<usize> {
    let entries = &index.entries()[range.clone()];
    let lo = entries.partition_point(|e| e.path(index) < path);
    let hi = entries.partition_point(|e| {
        let p = e.path(index);
        p <= path || (prefix && p.starts_with(path))
    });
    range.start + lo..range.start + hi
}

/// What loading one change gave.
enum Loaded {
    File(StagedFile),
    Binary,
    TooLarge,
    Problem(Diagnostic),
}

/// Reads the staged blob (size first, so a huge one is never inflated) and diffs it with `HEAD`'s.
fn load(repo: &gix::Repository, change: &Change, max_file_size: u64) -> Loaded {
    let read = |id: ObjectId| -> gix::Result<Option<Vec<u8>>> {
        if repo.find_header(id)?.size() > max_file_size {
            return Ok(None);
        }
        let mut buf = Vec::new();
        Ok(Some(repo.objects.find_blob(&id, &mut buf)?.data.to_vec()))
    };
    let data = match read(change.new) {
        Ok(Some(data)) => data,
        Ok(None) => return Loaded::TooLarge,
        Err(err) => return Loaded::Problem(Diagnostic::error(&change.path, one_line(&err))),
    };
    if looks_binary(&data) {
        return Loaded::Binary;
    }
    // An old side that is unreadable, huge or binary has no lines to compare: all lines are new.
    let old = change.old.and_then(|id| read(id).ok().flatten());
    let added = match old {
        Some(old) if !looks_binary(&old) => added_lines(&old, &data),
        _ => whole(&data),
    };
    Loaded::File(StagedFile {
        path: change.path.clone(),
        data,
        added,
    })
}

/// The 1-based inclusive line ranges of `new` that a histogram line diff marks as added.
fn added_lines(old: &[u8], new: &[u8]) -> Vec<(usize, usize)> {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    // Slide hunks as git does, so reported lines match `git diff --cached`.
    diff.postprocess_lines(&input);
    diff.hunks()
        .filter(|h| !h.after.is_empty())
        .map(|h| (h.after.start as usize + 1, h.after.end as usize))
        .collect()
}

/// All lines of `data`, as one range (none if it is empty).
fn whole(data: &[u8]) -> Vec<(usize, usize)> {
    let newlines = memchr::memchr_iter(b'\n', data).count();
    let lines = newlines + usize::from(data.last().is_some_and(|&b| b != b'\n'));
    (lines > 0).then_some((1, lines)).into_iter().collect()
}

fn one_line(err: &gix::Error) -> String {
    err.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a staged change reports: paths and added lines.
    type Summary<'a> = Vec<(&'a str, Vec<(usize, usize)>)>;

    /// Runs `git` in `dir`, independent of the user's config (2024-01-01T00:00:00Z).
    fn git(dir: &Path, args: &[&str], env: &[(&str, &Path)]) {
        crate::source::testgit::git_env(dir, args, 1_704_067_200, env);
    }

    /// A scratch repository.
    struct Repo(tempfile::TempDir);

    impl Repo {
        fn new() -> Self {
            let repo = Repo(tempfile::tempdir().expect("temp dir"));
            repo.git(&["init", "-q"]);
            repo
        }

        fn path(&self) -> &Path {
            self.0.path()
        }

        fn git(&self, args: &[&str]) {
            git(self.path(), args, &[]);
        }

        /// Writes files (creating directories), then `git add -A`.
        fn add(&self, files: &[(&str, &str)]) {
            for (path, data) in files {
                let full = self.path().join(path);
                std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
                std::fs::write(full, data).expect("write");
            }
            self.git(&["add", "-A"]);
        }

        fn commit(&self, files: &[(&str, &str)]) {
            self.add(files);
            self.git(&["commit", "-q", "-m", "c"]);
        }

        /// The index is named, not taken from a `GIT_INDEX_FILE` a hook may have set.
        fn staged(&self) -> Staged {
            let index = self.path().join(".git/index");
            staged_with_index(self.path(), Some(&index), 1024).expect("staged")
        }
    }

    fn summary(s: &Staged) -> Summary<'_> {
        let files = s.files.iter();
        files.map(|f| (f.path.as_str(), f.added.clone())).collect()
    }

    #[test]
    fn first_commit_reports_whole_files() {
        let repo = Repo::new();
        assert!(repo.staged().files.is_empty(), "no index yet");
        repo.add(&[("a", "one\ntwo\n"), ("sub/b", "x\ny\nlast"), ("empty", "")]);
        let s = repo.staged();
        let want: Summary = vec![("a", vec![(1, 2)]), ("sub/b", vec![(1, 3)])];
        assert_eq!(summary(&s), want);
        assert_eq!(s.files[0].data, b"one\ntwo\n");
        let root = s.root.canonicalize().expect("root");
        assert_eq!(root, repo.path().canonicalize().expect("tmp"));
    }

    #[test]
    fn modified_file_reports_only_added_lines() {
        let repo = Repo::new();
        repo.commit(&[("f.txt", "1\n2\n3\n4\n5\n"), ("other.txt", "same\n")]);
        // Line 2 replaced, two lines inserted after 4, line 5 kept.
        repo.add(&[("f.txt", "1\nTWO\n3\n4\nnew a\nnew b\n5\n")]);
        let s = repo.staged();
        let want: Summary = vec![("f.txt", vec![(2, 2), (5, 6)])];
        assert_eq!(summary(&s), want);
        let f = &s.files[0];
        assert_eq!(f.data, b"1\nTWO\n3\n4\nnew a\nnew b\n5\n");
        assert!(f.touches(2, 2) && f.touches(6, 9) && f.touches(1, 3));
        assert!(!f.touches(1, 1) && !f.touches(3, 4) && !f.touches(7, 7));
        // Rebuilding the index from scratch drops the TREE extension: the walk reads every tree.
        repo.git(&["rm", "-q", "-r", "--cached", "."]);
        repo.git(&["add", "-A"]);
        assert_eq!(summary(&repo.staged()), want);
    }

    #[test]
    fn unstaged_edits_are_not_seen() {
        let repo = Repo::new();
        repo.commit(&[("f.txt", "a\nb\n")]);
        repo.add(&[("f.txt", "a\nb\nstaged\n")]);
        // Edited again after `git add`: the commit would not include this line.
        std::fs::write(repo.path().join("f.txt"), "unstaged\na\nb\nstaged\n").expect("write");
        let s = repo.staged();
        assert_eq!(summary(&s), vec![("f.txt", vec![(3, 3)])]);
        assert_eq!(s.files[0].data, b"a\nb\nstaged\n");
    }

    #[test]
    fn reads_the_index_git_names_for_the_hook() {
        let repo = Repo::new();
        repo.commit(&[("f.txt", "a\n")]);
        // What `git commit -a` does: the change goes to a temporary index only.
        std::fs::write(repo.path().join("f.txt"), "a\nb\n").expect("write");
        let alt = repo.path().join(".git/alt-index");
        std::fs::copy(repo.path().join(".git/index"), &alt).expect("copy index");
        git(repo.path(), &["add", "f.txt"], &[("GIT_INDEX_FILE", &alt)]);
        assert!(repo.staged().files.is_empty());
        let s = staged_with_index(repo.path(), Some(&alt), 1024).expect("staged");
        assert_eq!(summary(&s), vec![("f.txt", vec![(2, 2)])]);
    }

    #[test]
    fn deletions_and_mode_changes_produce_nothing() {
        let repo = Repo::new();
        let files = [("gone", "bye\n"), ("dir/gone", "bye\n"), ("mode", "x\n")];
        repo.commit(&[files[0], files[1], files[2], ("shrunk", "1\n2\n3\n")]);
        repo.git(&["rm", "-q", "-r", "gone", "dir"]);
        repo.add(&[("shrunk", "1\n3\n")]);
        repo.git(&["update-index", "--chmod=+x", "mode"]);
        let s = repo.staged();
        assert!(s.files.is_empty(), "{:?}", summary(&s));
    }

    #[test]
    fn binary_large_symlinks_and_submodules_are_skipped() {
        let repo = Repo::new();
        let big = "x".repeat(2048);
        repo.add(&[("small.txt", "ok\n"), ("image", "PNG\0\x01"), ("big", &big)]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("small.txt", repo.path().join("link")).expect("symlink");
            repo.git(&["add", "link"]);
        }
        let gitlink = format!("160000,{},vendor/sub", "0123456789".repeat(4));
        repo.git(&["update-index", "--add", "--cacheinfo", &gitlink]);
        let s = repo.staged();
        assert_eq!(summary(&s), vec![("small.txt", vec![(1, 1)])]);
        assert_eq!((s.skipped_binary, s.skipped_too_large), (1, 1));
    }

    #[test]
    fn exact_renames_add_nothing() {
        let repo = Repo::new();
        repo.commit(&[("a.txt", "content\n"), ("dir/x", "x\n"), ("dir/d/y", "y\n")]);
        repo.git(&["mv", "dir", "renamed"]);
        repo.git(&["mv", "a.txt", "renamed/a.txt"]);
        assert!(repo.staged().files.is_empty());
        // A rename with an edit is reported as a new file, whole.
        repo.add(&[("renamed/a.txt", "content\nmore\n")]);
        let want: Summary = vec![("renamed/a.txt", vec![(1, 2)])];
        assert_eq!(summary(&repo.staged()), want);
    }

    #[test]
    fn file_in_a_subdirectory() {
        let repo = Repo::new();
        repo.commit(&[("top", "t\n"), ("d/sub/x", "1\n2\n"), ("d/other/y", "y\n")]);
        repo.add(&[("d/sub/x", "1\n2\n3\n"), ("d/sub/new", "n\n")]);
        let index = repo.path().join(".git/index");
        let s = staged_with_index(&repo.path().join("d"), Some(&index), 1024).expect("subdir");
        let want: Summary = vec![("d/sub/new", vec![(1, 1)]), ("d/sub/x", vec![(3, 3)])];
        assert_eq!(summary(&s), want);
    }

    #[test]
    fn errors_name_the_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let msg = staged(dir.path(), 1024).expect_err("no repo").to_string();
        assert!(msg.contains("not a git repository"), "{msg}");
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        git(dir.path(), &["init", "-q", "--bare", "bare.git"], &[]);
        let err = staged(&dir.path().join("bare.git"), 1024).expect_err("bare");
        assert!(err.to_string().contains("bare repository"), "{err}");
    }
}
