//! npm's `package-lock.json` (lockfile versions 1, 2 and 3) and `npm-shrinkwrap.json`, which has
//! the same format. Owns turning one such file into a [`Lockfile`]; it does not read
//! `package.json`, fetch anything or decide what is auditable (the [`Source`] says that).
//!
//! Versions 2 and 3 are read from `packages`, keyed by install path (`node_modules/a`,
//! `node_modules/a/node_modules/b`, `packages/web` for a workspace member). Dependencies are
//! resolved the way Node does: the nearest `node_modules` up the tree. The roots are the project
//! (`packages[""]`) and its workspace members; a package is direct when a root declares it in
//! `dependencies`, `devDependencies`, `optionalDependencies` or `peerDependencies`. `link: true`
//! entries are symlinks: they are followed, not listed (their target entry is listed).
//!
//! Version 1 has only the nested `dependencies` tree and does not record what `package.json`
//! lists, so direct is approximated: a top-level entry is direct when no package `requires` it.
//! A direct dependency that something else also requires is therefore reported as transitive.

mod json;

use std::collections::{BTreeMap, VecDeque};

use self::json::Json;
use crate::deps::package::{Ecosystem, Lockfile, Package, ParseError, Source, Unauditable};

/// Parses a `package-lock.json` or `npm-shrinkwrap.json` of any lockfile version.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let doc = json::parse(text)?;
    if !matches!(doc, Json::Object(_)) {
        return Err(ParseError::new(
            "line 1: not a package-lock.json: not a JSON object",
        ));
    }
    if doc.get("lockfileVersion").is_none() {
        return Err(ParseError::new(
            "line 1: not a package-lock.json: no `lockfileVersion`",
        ));
    }
    let root_name = doc.str("name").unwrap_or(ROOT).to_string();
    // Version 2 carries both sections; `packages` is the complete one.
    if let Some(packages) = doc.get("packages") {
        let Json::Object(entries) = packages else {
            return Err(ParseError::new("`packages` is not an object"));
        };
        return Ok(Tree::new(entries, root_name).lockfile());
    }
    match doc.get("dependencies") {
        Some(Json::Object(entries)) => Ok(LegacyTree::new(entries, root_name).lockfile()),
        Some(_) => Err(ParseError::new("`dependencies` is not an object")),
        None => Ok(Lockfile::default()),
    }
}

/// What a path starts with when the project has no `name`.
const ROOT: &str = "(root)";

/// The dependency sections whose names an entry depends on.
const DEP_KEYS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

/// Where a resolved package comes from, from its `resolved` URL (or v1 `version`) and whether it
/// has an `integrity` hash. Shared with the yarn parser, whose `resolved` has the same shapes.
pub(super) fn source_of(resolved: Option<&str>, has_integrity: bool) -> Source {
    let Some(r) = resolved else {
        return Source::Registry; // bundled and some older entries record no `resolved`
    };
    if ["git+", "git://", "git@", "github:", "gitlab:", "bitbucket:"]
        .iter()
        .any(|p| r.starts_with(p))
    {
        return Source::Git(r.to_string());
    }
    if let Some(path) = r.strip_prefix("file:") {
        return Source::Path(path.to_string());
    }
    if r.starts_with("https://") || r.starts_with("http://") {
        // Registry tarballs live under `/<name>/-/`; a mirror looks the same, so only a URL of
        // another shape without an integrity hash is taken for a plain tarball dependency.
        return if r.contains("/-/") || has_integrity {
            Source::Registry
        } else {
            Source::Url(r.to_string())
        };
    }
    Source::Path(r.to_string())
}

/// Splits an alias specifier `npm:real@1.2.3` (or `npm:@scope/real@1.2.3`) into name and version.
fn alias_target(spec: &str) -> Option<(&str, &str)> {
    let rest = spec.strip_prefix("npm:")?;
    let at = rest.rfind('@').filter(|&i| i > 0)?;
    Some((&rest[..at], &rest[at + 1..]))
}

/// Breadth-first search over `edges` from `seeds` (node, path); returns a shortest path per node.
fn shortest_paths(
    count: usize,
    seeds: Vec<(usize, Vec<String>)>,
    edges: impl Fn(usize) -> Vec<usize>,
    name: impl Fn(usize) -> String,
) -> Vec<Option<Vec<String>>> {
    let mut paths: Vec<Option<Vec<String>>> = vec![None; count];
    let mut queue = VecDeque::new();
    for (node, path) in seeds {
        if paths[node].is_none() {
            paths[node] = Some(path);
            queue.push_back(node);
        }
    }
    while let Some(node) = queue.pop_front() {
        let base = paths[node].clone().unwrap_or_default();
        for next in edges(node) {
            if paths[next].is_none() {
                let mut path = base.clone();
                path.push(name(next));
                paths[next] = Some(path);
                queue.push_back(next);
            }
        }
    }
    paths
}

/// The v2/v3 `packages` map.
struct Tree<'a> {
    entries: &'a [(String, usize, Json)],
    index: BTreeMap<&'a str, usize>,
    root_name: String,
    workspaces: Vec<String>,
}

impl<'a> Tree<'a> {
    fn new(entries: &'a [(String, usize, Json)], root_name: String) -> Self {
        // Later duplicates win, as in JSON.parse.
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, (key, _, _))| (key.as_str(), i))
            .collect();
        let mut tree = Tree {
            entries,
            index,
            root_name,
            workspaces: Vec::new(),
        };
        if let Some(root) = tree.node("") {
            if let Some(name) = root.str("name") {
                tree.root_name = name.to_string();
            }
            tree.workspaces = workspace_patterns(root);
        }
        tree
    }

    fn node(&self, key: &str) -> Option<&'a Json> {
        self.index.get(key).map(|&i| &self.entries[i].2)
    }

    /// Whether a key is a directory of the project (a workspace member or a `file:` target)
    /// rather than an install location.
    fn is_directory(key: &str) -> bool {
        !key.is_empty() && !key.starts_with("node_modules/") && !key.contains("/node_modules/")
    }

    fn is_member(&self, key: &str) -> bool {
        Self::is_directory(key) && self.workspaces.iter().any(|p| glob_match(p, key))
    }

    /// The package's name: `name` when recorded (aliases, directories), else the install path's
    /// last `node_modules/` component.
    fn name(&self, i: usize) -> String {
        let (key, _, node) = &self.entries[i];
        if let Some(name) = node.str("name") {
            return name.to_string();
        }
        match key.rfind("node_modules/") {
            Some(at) => key[at + "node_modules/".len()..].to_string(),
            None => key.rsplit('/').next().unwrap_or(key).to_string(),
        }
    }

    /// Node's lookup: `<from>/node_modules/<dep>`, then each enclosing `node_modules`, following
    /// links to their target.
    fn resolve(&self, from: &str, dep: &str) -> Option<usize> {
        let mut base = from;
        loop {
            let candidate = if base.is_empty() {
                format!("node_modules/{dep}")
            } else {
                format!("{base}/node_modules/{dep}")
            };
            if let Some(&i) = self.index.get(candidate.as_str()) {
                return self.follow(i);
            }
            if base.is_empty() {
                return None;
            }
            base = match base.rfind("/node_modules/") {
                Some(at) => &base[..at],
                None => "",
            };
        }
    }

    fn follow(&self, i: usize) -> Option<usize> {
        let node = &self.entries[i].2;
        if !node.is_true("link") {
            return Some(i);
        }
        node.str("resolved")
            .and_then(|target| self.index.get(target).copied())
    }

    fn edges(&self, i: usize) -> Vec<usize> {
        let (key, _, node) = &self.entries[i];
        DEP_KEYS
            .iter()
            .flat_map(|section| node.get(section).map(Json::entries).unwrap_or_default())
            .filter_map(|(dep, _, _)| self.resolve(key, dep))
            .collect()
    }

    fn lockfile(&self) -> Lockfile {
        let roots: Vec<usize> = (0..self.entries.len())
            .filter(|&i| {
                let key = self.entries[i].0.as_str();
                key.is_empty() || self.is_member(key)
            })
            .collect();
        let seeds = roots
            .iter()
            .map(|&i| {
                let first = if self.entries[i].0.is_empty() {
                    self.root_name.clone()
                } else {
                    self.name(i)
                };
                (i, vec![first])
            })
            .collect();
        let mut direct = vec![false; self.entries.len()];
        for dep in roots.iter().flat_map(|&r| self.edges(r)) {
            direct[dep] = true;
        }
        let paths = shortest_paths(
            self.entries.len(),
            seeds,
            |i| self.edges(i),
            |i| self.name(i),
        );
        let mut out = Lockfile::default();
        for (i, (key, line, node)) in self.entries.iter().enumerate() {
            if key.is_empty() || node.is_true("link") {
                continue;
            }
            let name = self.name(i);
            let Some(version) = node.str("version") else {
                out.unauditable.push(Unauditable {
                    name,
                    reason: "no version recorded".to_string(),
                    line: *line,
                });
                continue;
            };
            let source = if self.is_member(key) {
                Source::Workspace
            } else if Self::is_directory(key) {
                Source::Path(key.clone())
            } else {
                source_of(node.str("resolved"), node.get("integrity").is_some())
            };
            out.packages.push(Package {
                ecosystem: Ecosystem::Npm,
                path: paths[i].clone().unwrap_or_else(|| vec![name.clone()]),
                name,
                version: version.to_string(),
                direct: direct[i],
                line: *line,
                source,
            });
        }
        out
    }
}

/// The root's `workspaces`: an array of globs, or `{ "packages": [...] }` (yarn's form).
fn workspace_patterns(root: &Json) -> Vec<String> {
    let list = match root.get("workspaces") {
        Some(Json::Array(items)) => items.as_slice(),
        Some(obj @ Json::Object(_)) => match obj.get("packages") {
            Some(Json::Array(items)) => items.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    list.iter()
        .filter_map(|item| match item {
            Json::Str(s) => Some(s.trim_start_matches("./").trim_end_matches('/').to_string()),
            _ => None,
        })
        .collect()
}

/// Matches a workspace glob segment by segment: `*` is one segment, `**` any number, and a
/// segment may hold one `*` (`app-*`). Enough for the globs workspaces use.
fn glob_match(pattern: &str, path: &str) -> bool {
    fn segments(pattern: &[&str], path: &[&str]) -> bool {
        match (pattern.first(), path.first()) {
            (None, None) => true,
            (Some(&"**"), _) => {
                segments(&pattern[1..], path) || (!path.is_empty() && segments(pattern, &path[1..]))
            }
            (Some(p), Some(s)) => segment(p, s) && segments(&pattern[1..], &path[1..]),
            _ => false,
        }
    }
    fn segment(pattern: &str, s: &str) -> bool {
        match pattern.split_once('*') {
            None => pattern == s,
            Some((head, tail)) => {
                s.len() >= head.len() + tail.len() && s.starts_with(head) && s.ends_with(tail)
            }
        }
    }
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    segments(&pattern, &path)
}

/// One entry of the v1 nested `dependencies` tree.
struct LegacyNode<'a> {
    key: &'a str,
    line: usize,
    node: &'a Json,
    parent: Option<usize>,
}

/// The v1 tree, flattened in file order.
struct LegacyTree<'a> {
    nodes: Vec<LegacyNode<'a>>,
    /// (parent, key) → node; the top level has parent `None`.
    children: BTreeMap<(Option<usize>, &'a str), usize>,
    root_name: String,
}

impl<'a> LegacyTree<'a> {
    fn new(top: &'a [(String, usize, Json)], root_name: String) -> Self {
        let mut tree = LegacyTree {
            nodes: Vec::new(),
            children: BTreeMap::new(),
            root_name,
        };
        tree.add(top, None);
        tree
    }

    fn add(&mut self, entries: &'a [(String, usize, Json)], parent: Option<usize>) {
        for (key, line, node) in entries {
            let i = self.nodes.len();
            self.nodes.push(LegacyNode {
                key,
                line: *line,
                node,
                parent,
            });
            self.children.insert((parent, key.as_str()), i);
            if let Some(Json::Object(nested)) = node.get("dependencies") {
                self.add(nested, Some(i));
            }
        }
    }

    /// The nearest `dep` in this node's own `dependencies` or an ancestor's.
    fn resolve(&self, from: usize, dep: &str) -> Option<usize> {
        let mut scope = Some(from);
        loop {
            if let Some(&i) = self.children.get(&(scope, dep)) {
                return Some(i);
            }
            scope = self.nodes[scope?].parent;
        }
    }

    fn edges(&self, i: usize) -> Vec<usize> {
        let requires = self.nodes[i].node.get("requires");
        requires
            .map(Json::entries)
            .unwrap_or_default()
            .iter()
            .filter_map(|(dep, _, _)| self.resolve(i, dep))
            .collect()
    }

    /// Real name and version, undoing an `npm:` alias.
    fn name_version(&self, i: usize) -> (String, Option<String>) {
        let n = &self.nodes[i];
        let version = n.node.str("version");
        match version.and_then(alias_target) {
            Some((real, v)) => (real.to_string(), Some(v.to_string())),
            None => (n.key.to_string(), version.map(str::to_string)),
        }
    }

    fn lockfile(&self) -> Lockfile {
        let mut required = vec![false; self.nodes.len()];
        for i in 0..self.nodes.len() {
            for dep in self.edges(i) {
                required[dep] = true;
            }
        }
        let direct: Vec<bool> = (0..self.nodes.len())
            .map(|i| self.nodes[i].parent.is_none() && !required[i])
            .collect();
        let name = |i: usize| self.name_version(i).0;
        let seeds = (0..self.nodes.len())
            .filter(|&i| direct[i])
            .map(|i| (i, vec![self.root_name.clone(), name(i)]))
            .collect();
        let paths = shortest_paths(self.nodes.len(), seeds, |i| self.edges(i), name);
        let mut out = Lockfile::default();
        for (i, n) in self.nodes.iter().enumerate() {
            let (name, version) = self.name_version(i);
            let Some(version) = version else {
                out.unauditable.push(Unauditable {
                    name,
                    reason: "no version recorded".to_string(),
                    line: n.line,
                });
                continue;
            };
            let source = legacy_source(&version, n.node);
            out.packages.push(Package {
                ecosystem: Ecosystem::Npm,
                path: paths[i].clone().unwrap_or_else(|| vec![name.clone()]),
                name,
                version,
                direct: direct[i],
                line: n.line,
                source,
            });
        }
        out
    }
}

/// A v1 entry's source: v1 writes git and file dependencies' location into `version`.
fn legacy_source(version: &str, node: &Json) -> Source {
    if let Some(path) = version.strip_prefix("file:") {
        return Source::Path(path.to_string());
    }
    match source_of(Some(version), false) {
        git @ Source::Git(_) => git,
        _ => source_of(node.str("resolved"), node.get("integrity").is_some()),
    }
}

#[cfg(test)]
mod tests;
