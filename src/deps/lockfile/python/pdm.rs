//! `pdm.lock` (lock_version 4.x) into the package model, with its dependency edges.

use super::{package, toml_error};
use crate::deps::lockfile::cargo::header_lines;
use crate::deps::package::{normalize_pypi, pep508_name, Lockfile, ParseError, Source};
use serde::Deserialize;

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
