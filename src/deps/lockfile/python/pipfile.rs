//! `Pipfile.lock` (`default` and `develop` sections) into the package model.

use super::package;
use crate::deps::package::{Lockfile, ParseError, Source, Unauditable};

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
