//! `Cargo.lock` (v1 with `[metadata]` checksums, v2, v3, v4), read with the `cargo-lock` crate.
//!
//! Owns the mapping from cargo's packages to the [`Package`] model: sources, direct flags,
//! dependency paths (breadth-first from the workspace members) and header line numbers. It does
//! not read `Cargo.toml`: the roots are the lockfile's source-less packages (workspace members
//! and path dependencies), which is all a lockfile can say.

use std::collections::{HashMap, VecDeque};
use std::str::FromStr;

use crate::deps::package::{Ecosystem, Lockfile, Package, ParseError, Source};

/// Parses a `Cargo.lock`; every package becomes a [`Package`] (none is unauditable).
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let lock = cargo_lock::Lockfile::from_str(text)
        .map_err(|err| ParseError::new(format!("Cargo.lock: {err}")))?;
    // The legacy `[root]` table (pre-2017 v1 files) is the root package itself.
    let mut all: Vec<&cargo_lock::Package> = lock.root.iter().collect();
    all.extend(lock.packages.iter());
    let mut lines = header_lines(text, "[root]");
    lines.truncate(usize::from(lock.root.is_some()));
    lines.extend(header_lines(text, "[[package]]"));
    let paths = dependency_paths(&all);
    let packages = all
        .iter()
        .enumerate()
        .map(|(i, pkg)| {
            let name = pkg.name.as_str().to_string();
            let path = paths[i].clone().unwrap_or_else(|| vec![name.clone()]);
            Package {
                ecosystem: Ecosystem::CratesIo,
                // Roots (path of one) are the project itself, never direct dependencies.
                direct: path.len() == 2,
                path,
                // cargo-lock keeps file order, so the nth header is the nth package.
                line: lines.get(i).copied().unwrap_or(1),
                source: source_of(pkg),
                version: pkg.version.to_string(),
                name,
            }
        })
        .collect();
    Ok(Lockfile {
        packages,
        unauditable: Vec::new(),
        ..Default::default()
    })
}

/// 1-based line numbers of every line that is exactly `header` (ignoring surrounding blanks),
/// in file order. TOML lockfiles write one table header per entry, so the nth header line is
/// the nth entry's declaration.
pub(crate) fn header_lines(text: &str, header: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == header)
        .map(|(i, _)| i + 1)
        .collect()
}

fn source_of(pkg: &cargo_lock::Package) -> Source {
    match &pkg.source {
        None => Source::Workspace,
        Some(id) if id.is_git() => Source::Git(id.url().to_string()),
        Some(id) if id.is_path() => Source::Path(id.url().to_string()),
        // crates.io, sparse, alternative, local and directory registries are all registries.
        Some(_) => Source::Registry,
    }
}

/// One shortest path (names, root first) per package, by BFS from the source-less packages;
/// `None` for a package no root reaches.
fn dependency_paths(all: &[&cargo_lock::Package]) -> Vec<Option<Vec<String>>> {
    let mut by_name_version: HashMap<(&str, &semver::Version), Vec<usize>> = HashMap::new();
    for (i, pkg) in all.iter().enumerate() {
        by_name_version
            .entry((pkg.name.as_str(), &pkg.version))
            .or_default()
            .push(i);
    }
    let mut paths: Vec<Option<Vec<String>>> = vec![None; all.len()];
    let mut queue = VecDeque::new();
    for (i, pkg) in all.iter().enumerate() {
        if pkg.source.is_none() {
            paths[i] = Some(vec![pkg.name.as_str().to_string()]);
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        let from = paths[i].clone().unwrap_or_default();
        for dep in &all[i].dependencies {
            let key = (dep.name.as_str(), &dep.version);
            let candidates = by_name_version.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            // Two packages can share name and version only when their sources differ.
            let target = candidates
                .iter()
                .copied()
                .find(|&j| dep.source.is_none() || all[j].source == dep.source)
                .or_else(|| candidates.first().copied());
            if let Some(j) = target.filter(|&j| paths[j].is_none()) {
                let mut path = from.clone();
                path.push(all[j].name.as_str().to_string());
                paths[j] = Some(path);
                queue.push_back(j);
            }
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::deps::package::{Ecosystem, Lockfile, Package, Source};

    fn fixture(name: &str) -> Lockfile {
        let path = format!(
            "{}/fixtures/lockfiles/cargo/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        parse(&text).expect("fixture parses")
    }

    fn find<'a>(lock: &'a Lockfile, name: &str) -> &'a Package {
        lock.packages
            .iter()
            .find(|p| p.name == name)
            .expect("package listed")
    }

    fn check_v3_shape(lock: &Lockfile) {
        assert_eq!(lock.packages.len(), 11);
        assert!(lock.unauditable.is_empty());
        assert!(lock
            .packages
            .iter()
            .all(|p| p.ecosystem == Ecosystem::CratesIo));
        let time = find(lock, "time");
        assert_eq!(time.version, "0.1.43");
        assert_eq!(time.line, 66);
        assert_eq!(time.source, Source::Registry);
        assert!(time.direct);
        assert_eq!(time.path, ["demo-app", "time"]);
        let libc = find(lock, "libc");
        assert!(!libc.direct);
        assert_eq!(libc.path, ["demo-app", "time", "libc"]);
        let smallvec = find(lock, "smallvec");
        assert!(
            smallvec.direct,
            "a dependency of any workspace member is direct"
        );
        assert_eq!(smallvec.path, ["demo-core", "smallvec"]);
        let syntax = find(lock, "regex-syntax");
        assert_eq!(syntax.path, ["demo-app", "regex", "regex-syntax"]);
    }

    #[test]
    fn v3_versions_lines_paths() {
        let lock = fixture("Cargo.v3.lock");
        check_v3_shape(&lock);
        assert_eq!(find(&lock, "aho-corasick").line, 5);
        assert_eq!(find(&lock, "regex").version, "1.5.4");
    }

    #[test]
    fn v4_same_as_v3() {
        let v4 = fixture("Cargo.v4.lock");
        check_v3_shape(&v4);
        assert_eq!(v4, fixture("Cargo.v3.lock"));
    }

    #[test]
    fn workspace_members_and_git_sources() {
        let lock = fixture("Cargo.v3.lock");
        let app = find(&lock, "demo-app");
        assert_eq!(app.source, Source::Workspace);
        assert_eq!(app.path, ["demo-app"]);
        assert!(!app.direct);
        let core = find(&lock, "demo-core");
        assert_eq!(core.source, Source::Workspace);
        assert!(
            !core.direct,
            "workspace members are roots, not dependencies"
        );
        assert_eq!(core.path, ["demo-core"]);
        let tiny = find(&lock, "tinyparse");
        assert_eq!(
            tiny.source,
            Source::Git("https://git.example.test/tinyparse".to_string())
        );
        assert_eq!(tiny.path, ["demo-core", "tinyparse"]);
    }

    #[test]
    fn v1_with_metadata_checksums() {
        let lock = fixture("Cargo.v1.lock");
        let names: Vec<_> = lock.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["demo-app", "libc", "smallvec", "time"]);
        let libc = find(&lock, "libc");
        assert_eq!(libc.line, 9);
        assert_eq!(libc.path, ["demo-app", "time", "libc"]);
        assert!(find(&lock, "smallvec").direct);
        assert_eq!(find(&lock, "time").line, 19);
    }

    #[test]
    fn other_registries_stay_registries() {
        let text = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"regex\"]\n\n[[package]]\nname = \"regex\"\nversion = \"1.5.4\"\nsource = \"sparse+https://registry.example.test/index/\"\n";
        let lock = parse(text).expect("parses");
        let regex = find(&lock, "regex");
        assert_eq!((regex.source.clone(), regex.line), (Source::Registry, 8));
        assert_eq!(regex.path, ["app", "regex"]);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("this is [[not toml").is_err());
        assert!(parse("[[package]]\nname = 3\n").is_err());
        assert!(parse("[[package]]\nname = \"x\"\nversion = \"not.a.version\"\n").is_err());
    }
}
