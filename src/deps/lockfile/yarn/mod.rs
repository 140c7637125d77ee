//! `yarn.lock`, both the classic v1 format (`# yarn lockfile v1`, `version "1.2.3"`) and the berry
//! format of yarn 2 and later (a YAML document with a `__metadata` entry, `resolution:` fields).
//! Owns turning one such file into a [`Lockfile`], reading it line by line: both formats put an
//! entry's descriptors on one unindented line ending in `:` and its fields two spaces in.
//!
//! A yarn lockfile does not say which dependencies `package.json` declares, so every package is
//! reported with `direct: false` and a path of just its own name, plus the dependency `edges`
//! each entry lists; the scan layer cross-references `package.json` and walks the edges to do
//! better. It does not read `package.json` itself.
//!
//! Names are real names: `alias@npm:real@^1` descriptors and berry resolutions name the package
//! actually installed, and `patch:` resolutions name the package being patched (listed once, at
//! its unpatched entry when the file has one). Sources: `npm:` and plain ranges are the registry,
//! `workspace:` a workspace member, `file:`/`link:`/`portal:` a path, git-shaped references git,
//! other URLs a tarball URL.

use super::npm::source_of;
use crate::deps::package::{Ecosystem, Lockfile, Package, ParseError, Source, Unauditable};

/// Parses a classic or berry `yarn.lock`, telling them apart by berry's `__metadata` entry.
pub fn parse(text: &str) -> Result<Lockfile, ParseError> {
    let berry = text.lines().any(|l| l.trim_end() == "__metadata:");
    let entries = entries(text, berry)?;
    if entries.is_empty() && !berry && !text.contains("# yarn lockfile v1") {
        return Err(ParseError::new("not a yarn.lock: no entries"));
    }
    let mut out = Lockfile::default();
    let mut patched = Vec::new();
    for entry in entries.iter().filter(|e| e.descriptors != ["__metadata"]) {
        let package = if berry {
            berry_package(entry)?
        } else {
            classic_package(entry)?
        };
        match package {
            Ok(package)
                if entry
                    .field("resolution")
                    .is_some_and(|r| r.contains("@patch:")) =>
            {
                patched.push(package);
            }
            Ok(package) => {
                out.edges
                    .entry(package.name.clone())
                    .or_default()
                    .extend(entry.deps.iter().cloned());
                out.packages.push(package);
            }
            Err(unauditable) => out.unauditable.push(unauditable),
        }
    }
    // Berry keeps the unpatched entry next to a `patch:` one (typescript, resolve, fsevents get
    // built-in patches); listing both would report every advisory twice.
    for package in patched {
        let listed = out
            .packages
            .iter()
            .any(|p| p.name == package.name && p.version == package.version);
        if !listed {
            out.packages.push(package);
        }
    }
    out.packages.sort_by_key(|p| p.line);
    Ok(out)
}

/// One entry: its header's descriptors and its two-space fields (nested maps are skipped).
#[derive(Debug)]
struct Entry {
    line: usize,
    descriptors: Vec<String>,
    fields: Vec<(String, String)>,
    /// Names under `dependencies:` and `optionalDependencies:` (four spaces in).
    deps: Vec<String>,
}

impl Entry {
    fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits the file into entries; anything that fits neither format is an error naming the line.
fn entries(text: &str, berry: bool) -> Result<Vec<Entry>, ParseError> {
    let mut out: Vec<Entry> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        let error = |what: &str| ParseError::new(format!("line {line}: {what}"));
        if indent == 0 {
            let header = trimmed
                .strip_suffix(':')
                .ok_or_else(|| error("expected an entry header ending in `:`"))?;
            out.push(Entry {
                line,
                descriptors: descriptors(header).map_err(error)?,
                fields: Vec::new(),
                deps: Vec::new(),
            });
            continue;
        }
        let Some(entry) = out.last_mut() else {
            return Err(error("indented line outside any entry"));
        };
        let field = || {
            if berry {
                berry_field(trimmed)
            } else {
                classic_field(trimmed)
            }
        };
        if indent == 2 {
            entry
                .fields
                .push(field().ok_or_else(|| error("expected `key value`"))?);
        } else if indent == 4 {
            let in_deps = entry.fields.last().is_some_and(|(k, v)| {
                v.is_empty() && (k == "dependencies" || k == "optionalDependencies")
            });
            if let Some((name, _)) = field().filter(|_| in_deps) {
                entry.deps.push(name);
            }
        }
    }
    Ok(out)
}

/// The descriptors of a header: `a@^1, "a@^1.1"` (classic) or `"a@npm:^1, a@npm:^1.1"` (berry).
fn descriptors(header: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    for piece in split_outside_quotes(header) {
        let piece = unquote(piece.trim())?;
        out.extend(
            piece
                .split(", ")
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
        );
    }
    if out.is_empty() {
        return Err("entry header names no package");
    }
    Ok(out)
}

fn split_outside_quotes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Removes surrounding double quotes; yarn escapes nothing inside them in practice.
fn unquote(s: &str) -> Result<&str, &'static str> {
    match s.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"').ok_or("unterminated quote"),
        None if s.contains('"') => Err("stray quote"),
        None => Ok(s),
    }
}

/// Classic `key value` or `key "value"`; a bare `key:` opens a nested map.
fn classic_field(s: &str) -> Option<(String, String)> {
    if let Some(key) = s.strip_suffix(':') {
        return Some((unquote(key).ok()?.to_string(), String::new()));
    }
    let (key, value) = s.split_once(' ')?;
    Some((
        unquote(key).ok()?.to_string(),
        unquote(value.trim()).ok()?.to_string(),
    ))
}

/// Berry `key: value`, the value possibly quoted; `key:` opens a nested map.
fn berry_field(s: &str) -> Option<(String, String)> {
    let (key, value) = match s.strip_suffix(':') {
        Some(key) => (key, ""),
        None => s.split_once(": ")?,
    };
    Some((
        unquote(key).ok()?.to_string(),
        unquote(value.trim()).ok()?.to_string(),
    ))
}

/// Splits `name@range`, where a scoped name starts with `@`.
fn split_descriptor(descriptor: &str) -> Option<(&str, &str)> {
    let at = descriptor
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '@')?
        .0;
    Some((&descriptor[..at], &descriptor[at + 1..]))
}

fn classic_package(entry: &Entry) -> Result<Result<Package, Unauditable>, ParseError> {
    let first = &entry.descriptors[0];
    let (mut name, range) = split_descriptor(first).ok_or_else(|| {
        ParseError::new(format!("line {}: `{first}` is not name@range", entry.line))
    })?;
    // `alias@npm:real@^1` installs `real`.
    if let Some(real) = range.strip_prefix("npm:").and_then(split_descriptor) {
        name = real.0;
    }
    let Some(version) = entry.field("version") else {
        return Err(ParseError::new(format!(
            "line {}: entry `{first}` has no version",
            entry.line
        )));
    };
    let resolved = entry.field("resolved");
    let source = if let Some(path) = range
        .strip_prefix("file:")
        .or_else(|| range.strip_prefix("link:"))
    {
        Source::Path(path.to_string())
    } else if is_git(range) {
        Source::Git(resolved.unwrap_or(range).to_string())
    } else if range.starts_with("http://") || range.starts_with("https://") {
        Source::Url(resolved.unwrap_or(range).to_string())
    } else {
        source_of(resolved, entry.field("integrity").is_some())
    };
    Ok(Ok(package(name, version, entry.line, source)))
}

/// Whether a range or resolution points at a git repository.
fn is_git(reference: &str) -> bool {
    [
        "git+",
        "git:",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "ssh:",
    ]
    .iter()
    .any(|p| reference.starts_with(p))
        || reference.contains(".git#")
        || reference.contains("#commit=")
        || reference.ends_with(".git")
}

fn berry_package(entry: &Entry) -> Result<Result<Package, Unauditable>, ParseError> {
    let line = entry.line;
    let Some(resolution) = entry.field("resolution") else {
        return Err(ParseError::new(format!(
            "line {line}: entry has no resolution"
        )));
    };
    let (name, source) = berry_source(resolution).ok_or_else(|| {
        ParseError::new(format!("line {line}: `{resolution}` is not name@reference"))
    })?;
    Ok(match entry.field("version") {
        Some(version) => Ok(package(&name, version, line, source)),
        None => Err(Unauditable {
            name,
            reason: "no version recorded".to_string(),
            line,
        }),
    })
}

/// The real name and source of a berry resolution such as `lodash@npm:4.17.21`.
fn berry_source(resolution: &str) -> Option<(String, Source)> {
    let (name, reference) = split_descriptor(resolution)?;
    if let Some(patched) = reference.strip_prefix("patch:") {
        // `patch:<url-encoded descriptor>#<patch>`: the package is the one being patched.
        let inner = percent_decode(patched.split('#').next().unwrap_or(patched));
        return berry_source(&inner);
    }
    // Berry appends `::key=value` parameters (`locator=`, `hash=`) to non-registry references.
    let bare = reference.split("::").next().unwrap_or(reference);
    let source = if bare.starts_with("npm:") {
        Source::Registry
    } else if bare.starts_with("workspace:") {
        Source::Workspace
    } else if let Some(path) = ["file:", "portal:", "link:", "exec:"]
        .iter()
        .find_map(|p| bare.strip_prefix(p))
    {
        Source::Path(path.split('#').next().unwrap_or(path).to_string())
    } else if is_git(bare) {
        Source::Git(bare.to_string())
    } else {
        Source::Url(bare.to_string())
    };
    Some((name.to_string(), source))
}

/// Decodes `%XX` escapes (berry encodes `:` and `@` inside `patch:` descriptors).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn package(name: &str, version: &str, line: usize, source: Source) -> Package {
    Package {
        ecosystem: Ecosystem::Npm,
        name: name.to_string(),
        version: version.to_string(),
        direct: false,
        path: vec![name.to_string()],
        line,
        source,
    }
}

#[cfg(test)]
mod tests;
