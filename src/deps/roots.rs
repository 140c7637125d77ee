//! Direct dependencies from the manifest beside a lockfile, for the formats whose lockfile does
//! not say which packages the project asked for: `yarn.lock` (next to `package.json`),
//! `poetry.lock` and `pdm.lock` (next to `pyproject.toml`).

use crate::deps::lockfile::Format;
use crate::deps::package::{normalize_pypi, pep508_name, Lockfile};
use std::collections::{BTreeMap, VecDeque};

/// Marks the packages the manifest beside the lockfile names as direct, with the path
/// `[project, package]`. `read` gives a file beside the lockfile by name (through the
/// workspace). Leaves the lockfile as it is when there is no readable manifest.
pub fn mark_direct(format: Format, read: &dyn Fn(&str) -> Option<String>, lock: &mut Lockfile) {
    let found = match format {
        Format::Yarn => read("package.json").and_then(|t| npm_roots(&t)),
        Format::Poetry | Format::Pdm => read("pyproject.toml").and_then(|t| python_roots(&t)),
        _ => None,
    };
    let Some((project, names)) = found else {
        return;
    };
    let paths = paths_from(&project, &names, &lock.edges);
    for pkg in &mut lock.packages {
        pkg.direct = names.contains(&pkg.name);
        if let Some(path) = paths.get(&pkg.name) {
            pkg.path = path.clone();
        }
    }
}

/// The shortest path from the project to every package reachable from its direct
/// dependencies, breadth-first over the lockfile's dependency edges.
fn paths_from(
    project: &str,
    direct: &[String],
    edges: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for name in direct {
        if !paths.contains_key(name) {
            paths.insert(name.clone(), vec![project.to_string(), name.clone()]);
            queue.push_back(name.clone());
        }
    }
    while let Some(name) = queue.pop_front() {
        let Some(path) = paths.get(&name).cloned() else {
            continue;
        };
        for dep in edges.get(&name).into_iter().flatten() {
            if !paths.contains_key(dep) {
                let mut next = path.clone();
                next.push(dep.clone());
                paths.insert(dep.clone(), next);
                queue.push_back(dep.clone());
            }
        }
    }
    paths
}

/// The project's name and the names of its dependencies of every kind.
fn npm_roots(text: &str) -> Option<(String, Vec<String>)> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut names = Vec::new();
    for kind in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        if let Some(map) = json.get(kind).and_then(|v| v.as_object()) {
            for (name, spec) in map {
                // `"alias": "npm:real@^1"` installs `real`, which is what the lockfile names.
                let real = spec.as_str().and_then(|s| s.strip_prefix("npm:")).map(|s| {
                    s.rsplit_once('@')
                        .filter(|(n, _)| !n.is_empty())
                        .map_or(s, |(n, _)| n)
                });
                names.push(real.unwrap_or(name).to_string());
            }
        }
    }
    let project = json
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("(root)");
    Some((project.to_string(), names))
}

/// The names of `[project]` dependencies (PEP 621, all groups) and of Poetry's and PDM's tables.
fn python_roots(text: &str) -> Option<(String, Vec<String>)> {
    let doc: toml::Table = toml::from_str(text).ok()?;
    let mut names = Vec::new();
    let project = doc.get("project").and_then(|v| v.as_table());
    if let Some(project) = project {
        pep508_list(project.get("dependencies"), &mut names);
        if let Some(groups) = project
            .get("optional-dependencies")
            .and_then(|v| v.as_table())
        {
            groups
                .values()
                .for_each(|g| pep508_list(Some(g), &mut names));
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|v| v.as_table()) {
        groups
            .values()
            .for_each(|g| pep508_list(Some(g), &mut names));
    }
    let tool = doc.get("tool").and_then(|v| v.as_table());
    if let Some(poetry) = tool
        .and_then(|t| t.get("poetry"))
        .and_then(|v| v.as_table())
    {
        for key in ["dependencies", "dev-dependencies"] {
            table_keys(poetry.get(key), &mut names);
        }
        if let Some(groups) = poetry.get("group").and_then(|v| v.as_table()) {
            for group in groups.values() {
                table_keys(group.get("dependencies"), &mut names);
            }
        }
    }
    if let Some(pdm) = tool.and_then(|t| t.get("pdm")).and_then(|v| v.as_table()) {
        if let Some(groups) = pdm.get("dev-dependencies").and_then(|v| v.as_table()) {
            groups
                .values()
                .for_each(|g| pep508_list(Some(g), &mut names));
        }
    }
    names.retain(|n| n != "python");
    let name = project
        .and_then(|p| p.get("name"))
        .or_else(|| tool?.get("poetry")?.get("name"))
        .and_then(|v| v.as_str())
        .unwrap_or("(root)");
    Some((name.to_string(), names))
}

fn pep508_list(value: Option<&toml::Value>, out: &mut Vec<String>) {
    let Some(items) = value.and_then(|v| v.as_array()) else {
        return;
    };
    let names = items.iter().filter_map(|v| v.as_str()).map(pep508_name);
    out.extend(names.filter(|n| !n.is_empty()));
}

fn table_keys(value: Option<&toml::Value>, out: &mut Vec<String>) {
    if let Some(table) = value.and_then(|v| v.as_table()) {
        out.extend(table.keys().map(|k| normalize_pypi(k)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::package::{Ecosystem, Package, Source};

    fn pkg(eco: Ecosystem, name: &str) -> Package {
        Package {
            ecosystem: eco,
            name: name.into(),
            version: "1.0.0".into(),
            direct: false,
            path: vec![name.into()],
            line: 1,
            source: Source::Registry,
        }
    }

    #[test]
    fn yarn_roots_from_package_json() {
        let manifest = r#"{"name":"web","dependencies":{"lodash":"^4"},"devDependencies":{"old":"npm:minimist@^1.2.0"}}"#;
        let mut lock = Lockfile {
            packages: vec![
                pkg(Ecosystem::Npm, "lodash"),
                pkg(Ecosystem::Npm, "minimist"),
                pkg(Ecosystem::Npm, "ms"),
            ],
            unauditable: vec![],
            ..Default::default()
        };
        let read = |name: &str| (name == "package.json").then(|| manifest.to_string());
        mark_direct(Format::Yarn, &read, &mut lock);
        let direct: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.direct, p.path.len()))
            .collect();
        assert_eq!(direct, [(true, 2), (true, 2), (false, 1)]);
        assert_eq!(lock.packages[0].path, ["web", "lodash"]);
    }

    #[test]
    fn poetry_and_pep621_roots() {
        let manifest = "[project]\nname = \"api\"\ndependencies = [\"Django>=4.2\", \"requests[socks] ; python_version>'3'\"]\n\
             [tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n[tool.poetry.dependencies]\npython = \"^3.11\"\n";
        let mut lock = Lockfile {
            packages: ["django", "requests", "pytest", "sqlparse"]
                .iter()
                .map(|n| pkg(Ecosystem::PyPI, n))
                .collect(),
            unauditable: vec![],
            ..Default::default()
        };
        let read = |name: &str| (name == "pyproject.toml").then(|| manifest.to_string());
        mark_direct(Format::Poetry, &read, &mut lock);
        let direct: Vec<bool> = lock.packages.iter().map(|p| p.direct).collect();
        assert_eq!(direct, [true, true, true, false]);
    }
}
