//! `poetry.lock` (lock-version 1.x and 2.x) into the package model, with its dependency edges.

use super::{package, toml_error};
use crate::deps::lockfile::cargo::header_lines;
use crate::deps::package::{normalize_pypi, Lockfile, ParseError, Source};
use serde::Deserialize;
use std::collections::BTreeMap;

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
