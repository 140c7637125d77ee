//! The commit graph of a history scan: reads every commit reachable from the start points (not
//! from the excluded ones), honours the shallow boundary, notes missing commits, and orders the
//! selected commits oldest first. Tree diffs are `introduce`'s.

use super::starts::{self, RefObject, Starts};
use super::{CommitMeta, HistoryOptions};
use crate::diag::Diagnostic;
use crate::error::Error;
use gix::bstr::ByteSlice;
use gix::hashtable::{HashMap, HashSet};
use gix::objs::Find;
use gix::ObjectId;
use std::collections::VecDeque;

/// One commit read from the repository.
#[derive(Debug)]
pub(super) struct Node {
    /// Its id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its parents, minus those beyond a shallow boundary.
    pub parents: Vec<ObjectId>,
    /// Committer time, which `since`/`until` and the ordering use.
    pub commit_time: i64,
    /// What findings show.
    pub meta: CommitMeta,
}

/// The walked commits and what diffs need to know about them.
#[derive(Debug, Default)]
pub(super) struct Graph {
    /// Every commit walked, selected or not.
    pub nodes: Vec<Node>,
    /// Indices into `nodes` of the selected commits, oldest first.
    pub selected: Vec<usize>,
    /// The root tree of every commit read (walked or excluded), for parent lookups.
    pub trees: HashMap<ObjectId, ObjectId>,
    /// HEAD's commit and its tree, when HEAD has a commit.
    pub head: Option<ObjectId>,
    /// HEAD's root tree.
    pub head_tree: Option<ObjectId>,
    /// Blobs and trees refs reach without a commit, each with what stands in for a commit in
    /// findings (the tag's id, tagger and message), within `since`/`until` by the tag's time.
    pub objects: Vec<(RefObject, CommitMeta)>,
    /// Shallow boundaries, missing commits, dangling refs.
    pub notes: Vec<Diagnostic>,
}

impl Graph {
    /// The selected commits' metadata, in `selected` order.
    pub fn selected_meta(&self) -> Vec<CommitMeta> {
        self.selected
            .iter()
            .map(|&i| self.nodes[i].meta.clone())
            .collect()
    }

    /// The trees of `node`'s parents that could be read (a missing parent is already noted).
    pub fn parent_trees(&self, node: &Node) -> Vec<ObjectId> {
        node.parents
            .iter()
            .filter_map(|p| self.trees.get(p).copied())
            .collect()
    }
}

/// Walks the history `opts` selects.
pub(super) fn walk(repo: &gix::Repository, opts: &HistoryOptions) -> Result<Graph, Error> {
    let Starts {
        include,
        exclude,
        objects,
        notes,
    } = starts::resolve(repo, opts)?;
    let mut reader = Reader::new(repo);
    reader.notes = notes;
    // Excluded ancestry first, so that the main walk stops at it but can still diff against it.
    let hidden: HashSet<ObjectId> = reader
        .ancestry(&exclude, &HashSet::default())
        .into_iter()
        .map(|node| node.id)
        .collect();
    let nodes = reader.ancestry(&include, &hidden);
    let (head, head_tree) = head(repo, &mut reader);
    let in_window = |t: i64| opts.since.is_none_or(|s| t >= s) && opts.until.is_none_or(|u| t <= u);
    let topo = topological_order(&nodes);
    let mut selected: Vec<usize> = (0..nodes.len())
        .filter(|&i| in_window(nodes[i].commit_time))
        .collect();
    selected.sort_by_key(|&i| (nodes[i].commit_time, topo[i]));
    let unbounded = opts.since.is_none() && opts.until.is_none();
    let objects = objects
        .into_iter()
        .map(|object| {
            let meta = reader.ref_meta(&object);
            (object, meta)
        })
        .filter(|(_, meta)| match meta {
            Some(meta) => in_window(meta.time),
            None => unbounded,
        })
        .map(|(object, meta)| {
            let meta = meta.unwrap_or_else(|| CommitMeta {
                id: object.target.to_string(),
                author_name: String::new(),
                author_email: String::new(),
                time: 0,
                summary: format!("{} (a lightweight tag)", object.name),
            });
            (object, meta)
        })
        .collect();
    Ok(Graph {
        nodes,
        selected,
        trees: reader.trees,
        head,
        head_tree,
        objects,
        notes: reader.notes,
    })
}

/// HEAD's commit and tree, if HEAD points to a readable commit.
fn head(repo: &gix::Repository, reader: &mut Reader<'_>) -> (Option<ObjectId>, Option<ObjectId>) {
    let Ok(id) = repo.head_id() else {
        return (None, None);
    };
    let id = id.detach();
    let tree = match reader.trees.get(&id) {
        Some(tree) => Some(*tree),
        None => reader.read(id).map(|node| node.tree),
    };
    match tree {
        Some(tree) => (Some(id), Some(tree)),
        None => (None, None),
    }
}

/// Reads commits, remembering their trees and noting what cannot be read.
struct Reader<'r> {
    repo: &'r gix::Repository,
    buf: Vec<u8>,
    shallow: HashSet<ObjectId>,
    trees: HashMap<ObjectId, ObjectId>,
    notes: Vec<Diagnostic>,
}

impl<'r> Reader<'r> {
    fn new(repo: &'r gix::Repository) -> Self {
        let shallow = match repo.shallow_commits() {
            Ok(Some(commits)) => commits.iter().copied().collect(),
            _ => HashSet::default(),
        };
        Reader {
            repo,
            buf: Vec::new(),
            shallow,
            trees: HashMap::default(),
            notes: Vec::new(),
        }
    }

    /// Every commit reachable from `tips`, not entering `stop`, breadth first.
    fn ancestry(&mut self, tips: &[ObjectId], stop: &HashSet<ObjectId>) -> Vec<Node> {
        let mut seen: HashSet<ObjectId> = HashSet::default();
        let mut queue: VecDeque<ObjectId> = VecDeque::new();
        for tip in tips {
            if !stop.contains(tip) && seen.insert(*tip) {
                queue.push_back(*tip);
            }
        }
        let mut nodes = Vec::new();
        while let Some(id) = queue.pop_front() {
            let Some(node) = self.read(id) else { continue };
            for parent in &node.parents {
                if !stop.contains(parent) && seen.insert(*parent) {
                    queue.push_back(*parent);
                }
            }
            nodes.push(node);
        }
        nodes
    }

    /// Reads commit `id`; a missing or corrupt commit is noted and yields `None`.
    fn read(&mut self, id: ObjectId) -> Option<Node> {
        let data = match self.repo.objects.try_find(&id, &mut self.buf) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Commit => data,
            Ok(Some(data)) => {
                let note = format!("object {id} is a {}, expected a commit", data.kind);
                return self.note(note);
            }
            Ok(None) => {
                return self.note(format!(
                    "missing commit {id}: history before it is not scanned"
                ))
            }
            Err(err) => return self.note(format!("cannot read commit {id}: {err}")),
        };
        let mut node = match parse(id, data.data, self.repo.object_hash()) {
            Ok(node) => node,
            Err(err) => return self.note(format!("corrupt commit {id}: {err}")),
        };
        if self.shallow.contains(&id) && !node.parents.is_empty() {
            // As git does: a shallow commit has no parents, whatever its object says.
            node.parents.clear();
            self.notes.push(Diagnostic::general_warning(format!(
                "shallow clone: history before {id} is not available"
            )));
        }
        self.trees.insert(id, node.tree);
        Some(node)
    }

    /// What findings name for a blob or tree reached through annotated tag `object.tag`: the
    /// tag's id, tagger, time and message. `None` for a lightweight tag or an unreadable tag.
    fn ref_meta(&mut self, object: &RefObject) -> Option<CommitMeta> {
        let id = object.tag?;
        let data = self.repo.objects.try_find(&id, &mut self.buf).ok()??;
        if data.kind != gix::objs::Kind::Tag {
            return None;
        }
        let tag = gix::objs::TagRef::from_bytes(data.data, self.repo.object_hash()).ok()?;
        let tagger = tag.tagger().ok().flatten();
        let summary = tag.message.lines().next().unwrap_or_default();
        Some(CommitMeta {
            id: id.to_string(),
            author_name: tagger.map_or_else(String::new, |t| t.name.to_str_lossy().into_owned()),
            author_email: tagger.map_or_else(String::new, |t| t.email.to_str_lossy().into_owned()),
            time: tagger.map_or(0, |t| t.seconds()),
            summary: format!("{} (tag): {}", object.name, summary.to_str_lossy()),
        })
    }

    // A commit that cannot be read hides everything behind it: the scan is incomplete.
    fn note(&mut self, message: String) -> Option<Node> {
        self.notes.push(Diagnostic::general_error(message));
        None
    }
}

/// Decodes a commit object.
fn parse(id: ObjectId, data: &[u8], hash: gix::hash::Kind) -> Result<Node, gix::Error> {
    let commit = gix::objs::CommitRef::from_bytes(data, hash)?;
    let author = commit.author()?.trim();
    let committer = commit.committer()?;
    Ok(Node {
        id,
        tree: commit.tree(),
        parents: commit.parents().collect(),
        commit_time: committer.seconds(),
        meta: CommitMeta {
            id: id.to_string(),
            author_name: author.name.to_str_lossy().into_owned(),
            author_email: author.email.to_str_lossy().into_owned(),
            time: author.seconds(),
            summary: commit.message().summary().to_str_lossy().into_owned(),
        },
    })
}

/// A position for every node such that parents (within `nodes`) come before their children:
/// the tie-breaker for commits with equal times.
fn topological_order(nodes: &[Node]) -> Vec<usize> {
    let index: HashMap<ObjectId, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let mut position = vec![usize::MAX; nodes.len()];
    let mut entered = vec![false; nodes.len()];
    let mut next = 0;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // Depth-first post-order: a node is numbered once all its parents are.
    for root in 0..nodes.len() {
        if entered[root] {
            continue;
        }
        entered[root] = true;
        stack.push((root, 0));
        while let Some((node, parent_pos)) = stack.last_mut() {
            let node = *node;
            match nodes[node].parents.get(*parent_pos) {
                Some(parent) => {
                    *parent_pos += 1;
                    if let Some(&p) = index.get(parent) {
                        if !entered[p] {
                            entered[p] = true;
                            stack.push((p, 0));
                        }
                    }
                }
                None => {
                    position[node] = next;
                    next += 1;
                    stack.pop();
                }
            }
        }
    }
    position
}
