//! Python lockfiles other than requirements files: `poetry.lock`, `Pipfile.lock`, `uv.lock` and
//! `pdm.lock`.
//!
//! Owns reading each format into the [`Package`] model. Direct flags and paths: only `uv.lock`
//! names its roots (the `editable`/`virtual` workspace packages), so only there are `direct` and
//! `path` computed (breadth-first over `dependencies`, optional and dev dependencies of the
//! roots included). Poetry, Pipfile and PDM lockfiles do not say which packages the project
//! asked for (that is in `pyproject.toml`/`Pipfile`, which this module does not read), so their
//! packages are `direct = false`, `path = [name]`; Poetry and PDM record their dependency
//! `edges`, from which the scan layer derives paths once it knows the direct dependencies. Entries without a version (a Pipfile git
//! checkout) are [`Unauditable`]; versioned git, path and URL packages keep their source.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Deserialize;

use super::cargo::header_lines;
use crate::deps::package::{
    normalize_pypi, pep508_name, Ecosystem, Lockfile, Package, ParseError, Source, Unauditable,
};

fn package(name: &str, version: &str, line: usize, source: Source) -> Package {
    let name = normalize_pypi(name);
    Package {
        ecosystem: Ecosystem::PyPI,
        path: vec![name.clone()],
        name,
        version: version.to_string(),
        direct: false,
        line,
        source,
    }
}

fn toml_error(file: &str, err: toml::de::Error) -> ParseError {
    // toml's message names the line and column; keep it on one line.
    let message = err.to_string().replace('\n', " ");
    ParseError::new(format!("{file}: {}", message.trim()))
}

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    source: Option<PoetrySource>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    url: String,
}

/// Parses a `poetry.lock` (lock-version 1.x and 2.x; `category` is ignored).
pub fn parse_poetry(text: &str) -> Result<Lockfile, ParseError> {
    let lock: PoetryLock = toml::from_str(text).map_err(|e| toml_error("poetry.lock", e))?;
    let lines = header_lines(text, "[[package]]");
    let edges = lock
        .package
        .iter()
        .map(|p| {
            let deps: Vec<String> = p.dependencies.keys().map(|d| normalize_pypi(d)).collect();
            (normalize_pypi(&p.name), deps)
        })
        .collect();
    let packages = lock
        .package
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let source = match &p.source {
                Some(s) if s.kind == "git" => Source::Git(s.url.clone()),
                Some(s) if s.kind == "directory" || s.kind == "file" => Source::Path(s.url.clone()),
                Some(s) if s.kind == "url" => Source::Url(s.url.clone()),
                // `legacy` and `pypi` sources are package indexes: mirrors or private registries.
                _ => Source::Registry,
            };
            package(
                &p.name,
                &p.version,
                lines.get(i).copied().unwrap_or(1),
                source,
            )
        })
        .collect();
    Ok(Lockfile {
        packages,
        unauditable: Vec::new(),
        edges,
    })
}

/// Parses a `Pipfile.lock`: the `default` and `develop` sections (a package listed in both at
/// the same version is listed once).
pub fn parse_pipfile(text: &str) -> Result<Lockfile, ParseError> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ParseError::new(format!("Pipfile.lock: {e}")))?;
    let sections = ["default", "develop"];
    if !sections
        .iter()
        .any(|s| json.get(s).is_some_and(|v| v.is_object()))
    {
        return Err(ParseError::new(
            "Pipfile.lock: no \"default\" or \"develop\" section",
        ));
    }
    let mut out = Lockfile::default();
    for section in sections {
        let Some(entries) = json.get(section).and_then(|v| v.as_object()) else {
            continue;
        };
        let start = text.find(&format!("\"{section}\"")).unwrap_or(0);
        for (name, entry) in entries {
            let line = key_line(text, start, name);
            pipfile_entry(&mut out, name, entry, line)?;
        }
    }
    Ok(out)
}

fn pipfile_entry(
    out: &mut Lockfile,
    name: &str,
    entry: &serde_json::Value,
    line: usize,
) -> Result<(), ParseError> {
    let field = |key: &str| entry.get(key).and_then(|v| v.as_str()).map(str::to_string);
    if !entry.is_object() {
        return Err(ParseError::new(format!(
            "Pipfile.lock: line {line}: entry {name:?} is not an object"
        )));
    }
    let source = if let Some(url) = field("git") {
        Source::Git(url)
    } else if let Some(path) = field("path") {
        Source::Path(path)
    } else if let Some(url) = field("file") {
        Source::Url(url)
    } else {
        Source::Registry
    };
    let version = field("version").map(|v| v.trim_start_matches('=').to_string());
    match version {
        Some(version) => {
            let p = package(name, &version, line, source);
            if !out
                .packages
                .iter()
                .any(|q| q.name == p.name && q.version == p.version)
            {
                out.packages.push(p);
            }
        }
        None => out.unauditable.push(Unauditable {
            name: name.to_string(),
            reason: "no version in Pipfile.lock".to_string(),
            line,
        }),
    }
    Ok(())
}

/// Line of the first `"key": {` at or after byte `start` (every entry is an object, so this
/// skips a field that happens to share the package's name).
fn key_line(text: &str, start: usize, key: &str) -> usize {
    let needle = format!("\"{key}\": {{");
    let at = text
        .get(start..)
        .and_then(|rest| rest.find(&needle))
        .map_or(start, |i| start + i);
    text[..at].matches('\n').count() + 1
}

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

#[derive(Deserialize)]
struct PdmLock {
    #[serde(default)]
    package: Vec<PdmPackage>,
}

#[derive(Deserialize)]
struct PdmPackage {
    name: String,
    version: String,
    git: Option<String>,
    path: Option<String>,
    url: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Parses a `pdm.lock` (lock_version 4.x); `[metadata]` is not needed.
pub fn parse_pdm(text: &str) -> Result<Lockfile, ParseError> {
    let lock: PdmLock = toml::from_str(text).map_err(|e| toml_error("pdm.lock", e))?;
    let lines = header_lines(text, "[[package]]");
    let edges = lock
        .package
        .iter()
        .map(|p| {
            let deps: Vec<String> = p.dependencies.iter().map(|d| pep508_name(d)).collect();
            (normalize_pypi(&p.name), deps)
        })
        .collect();
    let packages = lock
        .package
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let source = match (&p.git, &p.path, &p.url) {
                (Some(git), _, _) => Source::Git(git.clone()),
                (_, Some(path), _) => Source::Path(path.clone()),
                (_, _, Some(url)) => Source::Url(url.clone()),
                _ => Source::Registry,
            };
            package(
                &p.name,
                &p.version,
                lines.get(i).copied().unwrap_or(1),
                source,
            )
        })
        .collect();
    Ok(Lockfile {
        packages,
        unauditable: Vec::new(),
        edges,
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_pdm, parse_pipfile, parse_poetry, parse_uv};
    use crate::deps::package::{Lockfile, Package, Source};

    fn text(name: &str) -> String {
        let path = format!(
            "{}/fixtures/lockfiles/python/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("fixture exists")
    }

    fn find<'a>(lock: &'a Lockfile, name: &str) -> &'a Package {
        lock.packages
            .iter()
            .find(|p| p.name == name)
            .expect("package listed")
    }

    fn summary(lock: &Lockfile) -> Vec<(&str, &str, usize)> {
        lock.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect()
    }

    #[test]
    fn poetry_names_versions_lines_sources() {
        let lock = parse_poetry(&text("poetry.lock")).expect("parses");
        assert_eq!(
            summary(&lock),
            [
                ("django", "3.2.0", 3),
                ("asgiref", "3.3.4", 16),
                ("pytest", "6.2.2", 24),
                ("tinyrpc", "1.2.0", 32),
                ("localpkg", "0.1.0", 47),
                ("zope-interface", "5.2.0", 60),
            ]
        );
        assert!(lock
            .packages
            .iter()
            .all(|p| !p.direct && p.path == [p.name.clone()]));
        let git = "https://git.example.test/acme/tinyrpc.git".to_string();
        assert_eq!(find(&lock, "tinyrpc").source, Source::Git(git));
        assert_eq!(
            find(&lock, "localpkg").source,
            Source::Path("libs/localpkg".into())
        );
        assert_eq!(find(&lock, "zope-interface").source, Source::Registry);
    }

    #[test]
    fn pipfile_sections_and_unversioned_git() {
        let lock = parse_pipfile(&text("Pipfile.lock")).expect("parses");
        assert_eq!(
            summary(&lock),
            [
                ("requests", "2.25.0", 19),
                ("urllib3", "1.26.4", 30),
                ("zope-interface", "5.2.0", 34),
                ("pytest", "6.2.2", 43),
            ]
        );
        assert!(lock
            .packages
            .iter()
            .all(|p| !p.direct && p.source == Source::Registry));
        let unversioned: Vec<(&str, usize)> = lock
            .unauditable
            .iter()
            .map(|u| (u.name.as_str(), u.line))
            .collect();
        assert_eq!(unversioned, [("tinyrpc", 26), ("localpkg", 39)]);
    }

    #[test]
    fn uv_roots_direct_and_paths() {
        let lock = parse_uv(&text("uv.lock")).expect("parses");
        let root = find(&lock, "demo-site");
        assert_eq!(
            (root.source.clone(), root.line, root.direct),
            (Source::Workspace, 4, false)
        );
        assert_eq!(root.path, ["demo-site"]);
        let django = find(&lock, "django");
        assert_eq!(
            (django.version.as_str(), django.line, django.direct),
            ("3.2.0", 29, true)
        );
        let pytz = find(&lock, "pytz");
        assert!(!pytz.direct);
        assert_eq!(pytz.path, ["demo-site", "django", "pytz"]);
        assert_eq!(
            find(&lock, "asgiref").path,
            ["demo-site", "django", "asgiref"]
        );
        assert!(
            find(&lock, "pytest").direct,
            "dev dependencies of the root are direct"
        );
        assert!(
            find(&lock, "pyyaml").direct,
            "optional dependencies of the root are direct"
        );
        let rpc = find(&lock, "tinyrpc");
        assert!(
            matches!(&rpc.source, Source::Git(url) if url.starts_with("https://git.example.test/"))
        );
        let orphan = find(&lock, "orphan-tool");
        assert_eq!(
            (orphan.direct, orphan.path.clone()),
            (false, vec!["orphan-tool".to_string()])
        );
        assert!(matches!(orphan.source, Source::Path(_)));
    }

    #[test]
    fn pdm_names_versions_lines_sources() {
        let lock = parse_pdm(&text("pdm.lock")).expect("parses");
        assert_eq!(
            summary(&lock),
            [
                ("jinja2", "2.11.3", 10),
                ("markupsafe", "1.1.1", 23),
                ("pyyaml", "5.4.1", 29),
                ("tinyrpc", "1.2.0", 35),
                ("localpkg", "0.1.0", 44),
            ]
        );
        assert!(matches!(find(&lock, "tinyrpc").source, Source::Git(_)));
        assert_eq!(
            find(&lock, "localpkg").source,
            Source::Path("./libs/localpkg".into())
        );
        assert_eq!(find(&lock, "jinja2").source, Source::Registry);
    }

    #[test]
    fn garbage_is_an_error() {
        for parse in [parse_poetry, parse_uv, parse_pdm] {
            assert!(parse("[[package]\nname = ").is_err());
            assert!(
                parse("[[package]]\nversion = \"1.0\"\n").is_err(),
                "no name"
            );
        }
        assert!(parse_pipfile("{ not json").is_err());
        assert!(parse_pipfile("[1, 2]").is_err());
        assert!(parse_pipfile("{\"default\": {\"x\": 3}}").is_err());
    }
}
