//! Which blobs each commit introduced: a tree diff of the commit against each parent (rename
//! tracking off, identical subtrees skipped by id), in parallel. A (path, blob) is introduced
//! when no parent has that blob at that path, so a clean merge introduces nothing and a conflict
//! resolution introduces what it resolved to. Also lists HEAD's tree, and brings in the blobs
//! and trees refs reach without a commit (a tag of a blob: its path is the ref's name; a tag of
//! a tree: every blob in it), each introduced by its tag. Blob contents are never read here
//! (see `read`).

use super::pack::{PackReader, Packs};
use super::pool;
use super::walk::Graph;
use super::{BlobOccurrence, HistoryBlob};
use crate::diag::Diagnostic;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::diff::tree::{visit, Visit};
use gix::objs::{tree::EntryKind, Find, TreeRefIter};
use gix::ObjectId;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// Per-thread object cache for tree diffs of loose trees, which a parent and its child often
/// share (packed trees are decoded by the worker's own pack reader, whose delta-base cache
/// keeps them; a larger object cache measured slower on the benchmark corpus).
const TREE_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Commits per unit of work: consecutive commits share most of their trees.
const COMMITS_PER_CHUNK: usize = 32;

/// (path, blob) pairs, as a diff finds them.
type PathBlobs = Vec<(BString, ObjectId)>;

/// What the diffs found.
pub(super) struct Introduced {
    /// Distinct blobs with their occurrences, oldest first, in no particular blob order.
    pub blobs: Vec<HistoryBlob>,
    /// (path, blob) pairs in HEAD's tree.
    pub head: HashSet<(Arc<str>, ObjectId)>,
    /// Missing or corrupt trees, submodules at HEAD.
    pub notes: Vec<Diagnostic>,
}

/// Diffs every selected commit of `graph` on `threads` threads and gathers the blobs.
pub(super) fn introduce(repo: &gix::Repository, graph: &Graph, threads: usize) -> Introduced {
    let shared = repo.clone().into_sync();
    // Trees are decoded from the packs by each worker, which drops its maps after every chunk:
    // through the object database, every page of a large pack a diff touched stayed resident
    // until the end (issue 16: 400 MB of a git.git mirror's 500 MB pack).
    let packs = Arc::new(Packs::open(
        repo.objects.store_ref().path(),
        repo.object_hash(),
    ));
    let n = graph.selected.len();
    let objects = graph.objects.len();
    // Job 0 lists HEAD's tree, so that it runs beside the diffs rather than after them; job j
    // diffs commit n - j: newest first, as packs store older trees as deltas of newer ones, so
    // the base of the next tree read is still in the pack cache. Jobs past n are the objects
    // refs reach without a commit, introduced by "commits" n.. (their tags).
    let states = pool::run(
        &shared,
        threads,
        n + 1 + objects,
        COMMITS_PER_CHUNK,
        |mut repo| {
            repo.object_cache_size_if_unset(TREE_CACHE_BYTES);
            Worker::new(repo, PackReader::new(Arc::clone(&packs)))
        },
        |worker, range| {
            for j in range {
                if j == 0 {
                    if let (Some(commit), Some(tree)) = (graph.head, graph.head_tree) {
                        worker.head = Some(worker.diff(commit, None, tree));
                    }
                    continue;
                }
                if j > n {
                    let k = j - 1;
                    let changes = worker.ref_object(&graph.objects[k - n].0);
                    worker.out.push((k, changes));
                    continue;
                }
                let k = n - j;
                let node = &graph.nodes[graph.selected[k]];
                let parents = graph.parent_trees(node);
                let changes = worker.introduced(node.id, node.tree, &parents);
                worker.out.push((k, changes));
            }
            worker.pack.borrow_mut().unmap();
        },
    );
    let (per_commit, head, mut notes) = merge(states, n + objects);
    let mut gather = Gather::default();
    for (k, changes) in per_commit.into_iter().enumerate() {
        gather.add(k as u32, changes);
    }
    let head = head.map_or_else(HashSet::new, |head| gather.head(head, &mut notes));
    Introduced {
        blobs: gather.blobs,
        head,
        notes,
    }
}

/// Each commit's changes (by position in `selected`), HEAD's listing and the notes, from all
/// workers.
fn merge(states: Vec<Worker>, n: usize) -> (Vec<PathBlobs>, Option<Changes>, Vec<Diagnostic>) {
    let mut per_commit = vec![Vec::new(); n];
    let mut notes = Vec::new();
    let mut head = None;
    let mut bad_trees = Vec::new();
    for state in states {
        notes.extend(state.notes);
        bad_trees.extend(state.bad_trees);
        head = head.or(state.head);
        for (k, changes) in state.out {
            per_commit[k] = changes;
        }
    }
    // One note per bad tree, whichever commits met it.
    bad_trees.sort();
    bad_trees.dedup_by_key(|(id, _)| *id);
    notes.extend(
        bad_trees
            .into_iter()
            .map(|(_, note)| Diagnostic::general_error(note)),
    );
    notes.sort();
    (per_commit, head, notes)
}

/// One thread's repository, pack reader, diff buffers and results.
struct Worker {
    repo: gix::Repository,
    pack: RefCell<PackReader>,
    state: gix::diff::tree::State,
    lhs: Vec<u8>,
    rhs: Vec<u8>,
    out: Vec<(usize, PathBlobs)>,
    head: Option<Changes>,
    /// Missing or corrupt trees with their note; one tree may be met by many commits.
    bad_trees: Vec<(ObjectId, String)>,
    notes: Vec<Diagnostic>,
}

impl Worker {
    fn new(repo: gix::Repository, pack: PackReader) -> Self {
        Worker {
            repo,
            pack: RefCell::new(pack),
            state: Default::default(),
            lhs: Vec::new(),
            rhs: Vec::new(),
            out: Vec::new(),
            head: None,
            bad_trees: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The (path, blob) pairs `commit` (with root `tree`) has and none of its parents has.
    fn introduced(&mut self, commit: ObjectId, tree: ObjectId, parents: &[ObjectId]) -> PathBlobs {
        if parents.contains(&tree) {
            return Vec::new(); // an empty commit, or a merge that took one side whole
        }
        let Some((first, others)) = parents.split_first() else {
            return self.diff(commit, None, tree).blobs;
        };
        let mut introduced = self.diff(commit, Some(*first), tree).blobs;
        for parent in others {
            if introduced.is_empty() {
                break;
            }
            let against: HashSet<(BString, ObjectId)> = self
                .diff(commit, Some(*parent), tree)
                .blobs
                .into_iter()
                .collect();
            introduced.retain(|change| against.contains(change));
        }
        introduced
    }

    /// The blobs a ref reaches without a commit: the blob itself under the ref's name, or every
    /// blob of the tree.
    fn ref_object(&mut self, object: &super::starts::RefObject) -> PathBlobs {
        if !object.tree {
            return vec![(BString::from(object.name.as_str()), object.target)];
        }
        let by = object.tag.unwrap_or(object.target);
        self.diff(by, None, object.target).blobs
    }

    /// Added or changed blobs from `lhs` (`None`: the empty tree) to `rhs`; problems are noted
    /// against `commit` and the diff keeps what it found.
    fn diff(&mut self, commit: ObjectId, lhs: Option<ObjectId>, rhs: ObjectId) -> Changes {
        let mut changes = Changes::default();
        let objects = Lenient {
            repo: &self.repo,
            pack: &self.pack,
            problems: RefCell::new(Vec::new()),
        };
        let hash = self.repo.object_hash();
        let lhs_iter = match lhs {
            Some(id) => tree_iter(&objects, &id, &mut self.lhs),
            None => TreeRefIter::from_bytes(&[], hash),
        };
        let rhs_iter = tree_iter(&objects, &rhs, &mut self.rhs);
        let outcome = gix::diff::tree(lhs_iter, rhs_iter, &mut self.state, &objects, &mut changes);
        for (id, problem) in objects.problems.into_inner() {
            let note = format!("{problem}, met diffing commit {commit}: read as an empty tree");
            self.bad_trees.push((id, note));
        }
        if let Err(err) = outcome {
            self.notes.push(Diagnostic::general_error(format!(
                "cannot diff commit {commit}: {err}"
            )));
        }
        changes
    }
}

fn tree_iter<'a>(objects: &Lenient<'_>, id: &ObjectId, buf: &'a mut Vec<u8>) -> TreeRefIter<'a> {
    match objects.try_find(id, buf) {
        Ok(Some(data)) => TreeRefIter::from_bytes(data.data, id.kind()),
        // `Lenient` never fails; an empty tree is the same fallback.
        _ => TreeRefIter::from_bytes(&[], id.kind()),
    }
}

/// An object source for tree diffs that turns a missing or unreadable tree into an empty one
/// and remembers it, so that one bad object costs its subtree, not the whole commit.
struct Lenient<'r> {
    repo: &'r gix::Repository,
    pack: &'r RefCell<PackReader>,
    problems: RefCell<Vec<(ObjectId, String)>>,
}

impl Find for Lenient<'_> {
    fn try_find<'a>(
        &self,
        id: &gix::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::Result<Option<gix::objs::Data<'a>>> {
        let packed = {
            let mut pack = self.pack.borrow_mut();
            pack.locate(id).map(|at| pack.read_any(at, buffer))
        };
        let kind = gix::objs::Kind::Tree;
        match packed {
            Some(Ok(k)) if k == kind => {
                return Ok(Some(gix::objs::Data::new(buffer, k, id.kind())))
            }
            Some(Ok(k)) => {
                let problem = format!("object {id} is a {k}, expected a tree");
                self.problems.borrow_mut().push((id.to_owned(), problem));
                return Ok(Some(gix::objs::Data::new(&[], kind, id.kind())));
            }
            // Unreadable from the pack or in no local pack: the object database decides.
            _ => {}
        }
        let problem = match self.repo.objects.try_find(id, buffer) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Tree => return Ok(Some(data)),
            Ok(Some(data)) => format!("object {id} is a {}, expected a tree", data.kind),
            Ok(None) => format!("missing tree {id}"),
            Err(err) => format!("cannot read tree {id}: {err}"),
        };
        self.problems.borrow_mut().push((id.to_owned(), problem));
        Ok(Some(gix::objs::Data::new(
            &[],
            gix::objs::Kind::Tree,
            id.kind(),
        )))
    }
}

/// A diff delegate keeping the blobs (files) a diff adds or changes, and gitlinks (submodules);
/// deletions and symlinks are dropped.
#[derive(Default)]
struct Changes {
    path: BString,
    queued: VecDeque<BString>,
    blobs: PathBlobs,
    gitlinks: Vec<BString>,
}

impl Changes {
    fn record(&mut self, kind: EntryKind, oid: ObjectId) {
        match kind {
            EntryKind::Blob | EntryKind::BlobExecutable => {
                self.blobs.push((self.path.clone(), oid))
            }
            EntryKind::Commit => self.gitlinks.push(self.path.clone()),
            EntryKind::Tree | EntryKind::Link => {}
        }
    }

    fn push_element(&mut self, name: &BStr) {
        if name.is_empty() {
            return;
        }
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.push_str(name);
    }
}

impl Visit for Changes {
    fn pop_front_tracked_path_and_set_current(&mut self) {
        self.path = self.queued.pop_front().unwrap_or_default();
    }

    fn push_back_tracked_path_component(&mut self, component: &BStr) {
        self.push_element(component);
        self.queued.push_back(self.path.clone());
    }

    fn push_path_component(&mut self, component: &BStr) {
        self.push_element(component);
    }

    fn pop_path_component(&mut self) {
        match self.path.rfind_byte(b'/') {
            Some(pos) => self.path.truncate(pos),
            None => self.path.clear(),
        }
    }

    fn visit(&mut self, change: visit::Change) -> visit::Action {
        match change {
            visit::Change::Addition {
                entry_mode, oid, ..
            } => self.record(entry_mode.kind(), oid),
            visit::Change::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
            } => {
                // A mode change alone (chmod +x) brings no new content; a symlink turned file
                // does, as symlink blobs are not recorded.
                if previous_oid != oid || !previous_entry_mode.is_blob() {
                    self.record(entry_mode.kind(), oid);
                }
            }
            visit::Change::Deletion { .. } => {}
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// Turns per-commit changes into distinct blobs with interned paths.
#[derive(Default)]
struct Gather {
    paths: HashMap<BString, Arc<str>>,
    index: gix::hashtable::HashMap<ObjectId, usize>,
    blobs: Vec<HistoryBlob>,
}

impl Gather {
    fn intern(&mut self, path: BString) -> Arc<str> {
        if let Some(interned) = self.paths.get(&path) {
            return Arc::clone(interned);
        }
        let interned: Arc<str> = Arc::from(path.to_str_lossy().as_ref());
        self.paths.insert(path, Arc::clone(&interned));
        interned
    }

    /// Adds commit `commit`'s changes; called in commit order, so occurrences stay oldest first.
    fn add(&mut self, commit: u32, changes: PathBlobs) {
        for (path, id) in changes {
            let path = self.intern(path);
            let slot = *self.index.entry(id).or_insert_with(|| {
                self.blobs.push(HistoryBlob {
                    id,
                    occurrences: Vec::new(),
                });
                self.blobs.len() - 1
            });
            self.blobs[slot]
                .occurrences
                .push(BlobOccurrence { commit, path });
        }
    }

    /// HEAD's files, sharing paths with the occurrences; each submodule gets a note.
    fn head(
        &mut self,
        head: Changes,
        notes: &mut Vec<Diagnostic>,
    ) -> HashSet<(Arc<str>, ObjectId)> {
        for path in head.gitlinks {
            notes.push(Diagnostic::general_warning(format!(
                "submodule {} not scanned (scan it separately)",
                path.to_str_lossy()
            )));
        }
        head.blobs
            .into_iter()
            .map(|(path, id)| (self.intern(path), id))
            .collect()
    }
}
