//! `uv.lock` into the package model; its workspace packages are the roots, so direct flags
//! and paths come from the lockfile itself.

use super::{package, toml_error};
use crate::deps::lockfile::cargo::header_lines;
use crate::deps::package::{normalize_pypi, Lockfile, ParseError, Source, Unauditable};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDependency>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<UvDependency>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<UvDependency>>,
}

#[derive(Deserialize)]
struct UvDependency {
    name: String,
    version: Option<String>,
}

impl UvPackage {
    fn is_root(&self) -> bool {
        self.source.contains_key("editable") || self.source.contains_key("virtual")
    }

    fn source(&self) -> Source {
        let text = |key: &str| {
            self.source
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        if self.is_root() {
            Source::Workspace
        } else if let Some(url) = text("git") {
            Source::Git(url)
        } else if let Some(path) = text("path").or_else(|| text("directory")) {
            Source::Path(path)
        } else if let Some(url) = text("url") {
            Source::Url(url)
        } else {
            Source::Registry
        }
    }

    fn edges(&self) -> impl Iterator<Item = &UvDependency> {
        let groups = self
            .optional_dependencies
            .values()
            .chain(self.dev_dependencies.values());
        self.dependencies.iter().chain(groups.flatten())
    }
}

/// Parses a `uv.lock`; the workspace packages (`editable`/`virtual` sources) are the roots. A
/// root without a version (a dynamic one) is listed with an empty version.
pub fn parse_uv(text: &str) -> Result<Lockfile, ParseError> {
    let lock: UvLock = toml::from_str(text).map_err(|e| toml_error("uv.lock", e))?;
    let lines = header_lines(text, "[[package]]");
    let paths = uv_paths(&lock.package);
    let mut out = Lockfile::default();
    for (i, p) in lock.package.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let version = match (&p.version, p.is_root()) {
            (Some(v), _) => v.clone(),
            (None, true) => String::new(),
            (None, false) => {
                out.unauditable.push(Unauditable {
                    name: p.name.clone(),
                    reason: "no version in uv.lock".to_string(),
                    line,
                });
                continue;
            }
        };
        let mut pkg = package(&p.name, &version, line, p.source());
        if let Some(path) = &paths[i] {
            pkg.direct = path.len() == 2;
            pkg.path = path.clone();
        }
        out.packages.push(pkg);
    }
    Ok(out)
}

/// BFS from the roots; a dependency names its package, and its version when the name is
/// ambiguous (uv writes several versions of one name for forked resolutions).
fn uv_paths(packages: &[UvPackage]) -> Vec<Option<Vec<String>>> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_name.entry(normalize_pypi(&p.name)).or_default().push(i);
    }
    let mut paths: Vec<Option<Vec<String>>> = vec![None; packages.len()];
    let mut queue = VecDeque::new();
    for (i, p) in packages.iter().enumerate().filter(|(_, p)| p.is_root()) {
        paths[i] = Some(vec![normalize_pypi(&p.name)]);
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        let from = paths[i].clone().unwrap_or_default();
        for dep in packages[i].edges() {
            let candidates = by_name.get(&normalize_pypi(&dep.name));
            let target = candidates.and_then(|c| {
                c.iter()
                    .copied()
                    .find(|&j| dep.version.is_none() || packages[j].version == dep.version)
            });
            if let Some(j) = target.filter(|&j| paths[j].is_none()) {
                let mut path = from.clone();
                path.push(normalize_pypi(&packages[j].name));
                paths[j] = Some(path);
                queue.push_back(j);
            }
        }
    }
    paths
}
