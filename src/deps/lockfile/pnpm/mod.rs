//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.0, 7.0 and 9.0. Owns turning one such file into a
//! [`Lockfile`]: which packages are installed, which an importer (the project or a workspace
//! member) depends on directly, one path to each, and where each comes from. It does not read
//! `package.json` or `pnpm-workspace.yaml`.
//!
//! Shapes read: `importers` (or, in single-project files, top-level `dependencies`,
//! `devDependencies`, `optionalDependencies`) map names to `{specifier, version}` (v5: a bare
//! version). `packages` keys are `/name@1.0.0(peer@2.0.0)` (v6/v7), `/name/1.0.0_peer@2.0.0`
//! (v5) or `name@1.0.0` (v9, whose dependency edges live in `snapshots`). Peer suffixes are
//! stripped, so a package installed under several peer sets is listed once. `link:` references
//! are workspace members and are not listed; aliases (`npm:real@1.0.0`, or a reference
//! `real@1.0.0` under another name) are listed under the real name.

use std::collections::{HashMap, VecDeque};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::deps::package::{Ecosystem, Lockfile, Package, ParseError, Source, Unauditable};

#[cfg(test)]
mod tests;

/// What a path starts with for the project's own importer (`.`).
const ROOT: &str = "(root)";

/// The importer sections whose entries are direct dependencies.
const IMPORTER_KEYS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// The sections of a package or snapshot entry whose entries are dependency edges.
const EDGE_KEYS: [&str; 2] = ["dependencies", "optionalDependencies"];

/// Parses a `pnpm-lock.yaml`; errors name the line where the YAML breaks.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        ParseError::new(format!(
            "pnpm-lock.yaml line {}: {}",
            e.marker().line(),
            e.info()
        ))
    })?;
    let root = docs
        .first()
        .filter(|d| is_mapping(d))
        .ok_or_else(|| ParseError::new("not a pnpm-lock.yaml: not a YAML mapping"))?;
    if get(root, "lockfileVersion").is_none() {
        return Err(ParseError::new(
            "not a pnpm-lock.yaml: no `lockfileVersion` (line 1)",
        ));
    }
    let importers = importers(root)?;
    Ok(Graph::build(root)?.lockfile(&importers))
}

/// One entry of `packages`, merged over its peer-suffixed variants.
struct Entry {
    name: String,
    version: String,
    line: usize,
    source: Source,
    /// Dependency edges as written: (name, reference).
    deps: Vec<(String, String)>,
}

/// The installed packages and the edges between them.
struct Graph {
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    unauditable: Vec<Unauditable>,
}

impl Graph {
    /// Reads `packages` (v5–v9) and, for v9, the edges in `snapshots`.
    fn build(root: &MarkedYaml<'_>) -> Result<Self, ParseError> {
        let mut graph = Graph {
            entries: Vec::new(),
            index: HashMap::new(),
            unauditable: Vec::new(),
        };
        for (key, node) in mapping(section(root, "packages")?) {
            let Some(raw) = scalar(key) else {
                return Err(ParseError::new(format!(
                    "pnpm-lock.yaml line {}: package key is not a string",
                    key.span.start.line()
                )));
            };
            let id = normalize_ref(&raw);
            let deps = edges(node);
            if let Some(&i) = graph.index.get(&id) {
                graph.entries[i].deps.extend(deps);
                continue;
            }
            let Some((name, version)) = name_version(&id, node) else {
                // One unreadable entry should not hide the rest of the file from the audit.
                graph.unauditable.push(Unauditable {
                    name: raw,
                    reason: "no name and version can be read from the key".to_string(),
                    line: key.span.start.line(),
                });
                continue;
            };
            graph.index.insert(id.clone(), graph.entries.len());
            graph.entries.push(Entry {
                source: source_of(&id, node),
                name,
                version,
                line: key.span.start.line(),
                deps,
            });
        }
        for (key, node) in mapping(section(root, "snapshots")?) {
            let Some(raw) = scalar(key) else { continue };
            if let Some(&i) = graph.index.get(&normalize_ref(&raw)) {
                graph.entries[i].deps.extend(edges(node));
            }
        }
        Ok(graph)
    }

    /// The entry a dependency `name: reference` points at, if it is an installed package.
    fn resolve(&self, name: &str, reference: &str) -> Option<usize> {
        let r = normalize_ref(reference);
        if r.starts_with("link:") {
            return None; // a workspace member, not an installed package
        }
        let r = r.strip_prefix("npm:").unwrap_or(&r);
        self.index
            .get(r)
            .or_else(|| self.index.get(&format!("{name}@{r}")))
            .copied()
    }

    /// The entries an entry depends on.
    fn edges_of(&self, i: usize) -> Vec<usize> {
        self.entries[i]
            .deps
            .iter()
            .filter_map(|(n, r)| self.resolve(n, r))
            .collect()
    }

    /// Marks direct dependencies, finds a shortest path to each entry and lists the packages.
    fn lockfile(&self, importers: &[Importer]) -> Lockfile {
        let mut direct = vec![false; self.entries.len()];
        let mut paths: Vec<Option<Vec<String>>> = vec![None; self.entries.len()];
        let mut queue = VecDeque::new();
        for importer in importers {
            for (name, reference) in &importer.deps {
                let Some(i) = self.resolve(name, reference) else {
                    continue;
                };
                direct[i] = true;
                if paths[i].is_none() {
                    paths[i] = Some(vec![importer.name.clone(), self.entries[i].name.clone()]);
                    queue.push_back(i);
                }
            }
        }
        while let Some(i) = queue.pop_front() {
            let base = paths[i].clone().unwrap_or_default();
            for next in self.edges_of(i) {
                if paths[next].is_none() {
                    let mut path = base.clone();
                    path.push(self.entries[next].name.clone());
                    paths[next] = Some(path);
                    queue.push_back(next);
                }
            }
        }
        let packages = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| Package {
                ecosystem: Ecosystem::Npm,
                name: e.name.clone(),
                version: e.version.clone(),
                direct: direct[i],
                path: paths[i].clone().unwrap_or_else(|| vec![e.name.clone()]),
                line: e.line,
                source: e.source.clone(),
            })
            .collect();
        Lockfile {
            packages,
            unauditable: self.unauditable.clone(),
            ..Default::default()
        }
    }
}

/// The project or a workspace member, with its direct dependencies as (name, reference).
struct Importer {
    name: String,
    deps: Vec<(String, String)>,
}

/// The importers: `importers` when present, else the single project's top-level sections.
fn importers(root: &MarkedYaml<'_>) -> Result<Vec<Importer>, ParseError> {
    let importer = |name: String, node: &MarkedYaml<'_>| {
        let deps = IMPORTER_KEYS
            .iter()
            .flat_map(|k| mapping(get(node, k)))
            .filter_map(|(k, v)| Some((scalar(k)?, reference_of(v)?)))
            .collect();
        Importer { name, deps }
    };
    Ok(match section(root, "importers")? {
        Some(list) => mapping(Some(list))
            .filter_map(|(k, v)| {
                let path = scalar(k)?;
                let name = if path == "." { ROOT.to_string() } else { path };
                Some(importer(name, v))
            })
            .collect(),
        None => vec![importer(ROOT.to_string(), root)],
    })
}

/// An importer entry's reference: `{specifier, version}` (v6+) or a bare version (v5).
fn reference_of(node: &MarkedYaml<'_>) -> Option<String> {
    if is_mapping(node) {
        get(node, "version").and_then(scalar)
    } else {
        scalar(node)
    }
}

/// The dependency edges a package or snapshot entry lists.
fn edges(node: &MarkedYaml<'_>) -> Vec<(String, String)> {
    EDGE_KEYS
        .iter()
        .flat_map(|k| mapping(get(node, k)))
        .filter_map(|(k, v)| Some((scalar(k)?, scalar(v)?)))
        .collect()
}

/// A reference without its leading `/` (v5–v7 keys) and peer suffix: `(peer@1)` (v6+) or
/// `_peer@1` after the version (v5). v5 `name/1.0.0` keys become `name@1.0.0`.
fn normalize_ref(reference: &str) -> String {
    let r = reference.trim();
    let r = r.strip_prefix('/').unwrap_or(r);
    let r = match r.find('(') {
        Some(i) if !r.starts_with("file:") => &r[..i],
        _ => r,
    };
    if r.contains(':') || GIT_HOSTS.iter().any(|h| r.starts_with(h)) {
        return r.to_string();
    }
    let (head, tail) = match r.rfind('/') {
        Some(i) if i > 0 => (Some(&r[..i]), &r[i + 1..]),
        _ => (None, r),
    };
    // Semver has no `_`, so in a v5 version everything from the first `_` is the peer set.
    let version = tail.split('_').next().unwrap_or_default();
    let is_version = tail.starts_with(|c: char| c.is_ascii_digit()) && !version.contains('@');
    match head {
        Some(name) if is_version => format!("{name}@{version}"),
        None if is_version => version.to_string(),
        _ => r.to_string(),
    }
}

/// Host prefixes of git-hosted references in v5/v6 keys (`github.com/user/repo/<commit>`).
const GIT_HOSTS: [&str; 3] = ["github.com/", "gitlab.com/", "bitbucket.org/"];

/// Name and version: the entry's `name`/`version` fields (directories, git, tarballs), else
/// split at the last `@` of the reference.
fn name_version(id: &str, node: &MarkedYaml<'_>) -> Option<(String, String)> {
    let field = |k| get(node, k).and_then(scalar);
    if let (Some(name), Some(version)) = (field("name"), field("version")) {
        return Some((name, version));
    }
    let at = id.rfind('@').filter(|&i| i > 0)?;
    let (name, version) = (&id[..at], &id[at + 1..]);
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let version = field("version").unwrap_or_else(|| version.to_string());
    Some((name.to_string(), version))
}

/// Where an entry comes from, from its `resolution` and the shape of its reference.
fn source_of(id: &str, node: &MarkedYaml<'_>) -> Source {
    let resolution = get(node, "resolution");
    let field = |k| resolution.and_then(|r| get(r, k)).and_then(scalar);
    if field("type").as_deref() == Some("git") {
        let repo = field("repo").unwrap_or_default();
        return match field("commit") {
            Some(commit) => Source::Git(format!("{repo}#{commit}")),
            None => Source::Git(repo),
        };
    }
    if let Some(dir) = field("directory") {
        return Source::Path(dir);
    }
    let reference = id.rsplit_once('@').map_or(id, |(_, r)| r);
    if let Some(path) = id.strip_prefix("file:").or(reference.strip_prefix("file:")) {
        return Source::Path(path.to_string());
    }
    let git_shaped = |r: &str| {
        r.starts_with("git+")
            || r.starts_with("git://")
            || GIT_HOSTS.iter().any(|h| r.starts_with(h))
    };
    if git_shaped(id) || git_shaped(reference) {
        return Source::Git(id.to_string());
    }
    if let Some(tarball) = field("tarball") {
        if tarball.contains("codeload.github.com/") {
            return Source::Git(tarball);
        }
        // Registry tarballs live under `/<name>/-/`, mirrors included.
        if !tarball.contains("/-/") {
            return Source::Url(tarball);
        }
    }
    Source::Registry
}

/// Whether a node is a mapping.
fn is_mapping(node: &MarkedYaml<'_>) -> bool {
    matches!(node.data, YamlData::Mapping(_))
}

/// A mapping's value under a string key.
fn get<'a, 'i>(node: &'a MarkedYaml<'i>, key: &str) -> Option<&'a MarkedYaml<'i>> {
    match &node.data {
        YamlData::Mapping(m) => m
            .iter()
            .find(|(k, _)| scalar(k).as_deref() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// A top-level section, which must be a mapping when present (`null` counts as absent).
fn section<'a, 'i>(
    root: &'a MarkedYaml<'i>,
    key: &str,
) -> Result<Option<&'a MarkedYaml<'i>>, ParseError> {
    match get(root, key) {
        Some(node) if is_mapping(node) => Ok(Some(node)),
        Some(node) if matches!(node.data, YamlData::Value(Scalar::Null)) => Ok(None),
        Some(node) => Err(ParseError::new(format!(
            "pnpm-lock.yaml line {}: `{key}` is not a mapping",
            node.span.start.line()
        ))),
        None => Ok(None),
    }
}

/// A mapping's entries, in file order; nothing for a missing or non-mapping node.
fn mapping<'a, 'i>(
    node: Option<&'a MarkedYaml<'i>>,
) -> impl Iterator<Item = (&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)> {
    let entries = match node.map(|n| &n.data) {
        Some(YamlData::Mapping(m)) => Some(m.iter()),
        _ => None,
    };
    entries.into_iter().flatten()
}

/// A scalar as text (YAML may have read `1.0` as a number).
fn scalar(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}
