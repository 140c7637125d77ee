//! pip's `requirements*.txt`: pinned `name==version` lines, `-r`/`-c` includes, extras,
//! environment markers, `--hash` options and `\` continuations.
//!
//! Owns the line grammar (a pragmatic subset of pip's) and include resolution through a
//! caller-supplied reader; it never touches the file system and never evaluates markers (every
//! requirement is kept whatever its marker says). Unpinned requirements are reported as
//! [`Unauditable`], never guessed. URL, VCS and local-path requirements become packages with a
//! Git/Url/Path source when the URL names a wheel or sdist file (which carries the version), and
//! are unauditable otherwise.
//!
//! Every requirement is direct (`path = [name]`): a requirements file lists what the project
//! asked for. Lines are 1-based lines of the text given to [`parse`]; a requirement that comes
//! from an included file gets the line of the `-r`/`-c` option that included it, because the
//! model carries no file name (the included file, scanned on its own, reports its own lines).
//! Constraint files (`-c`) only pin what something else requires: their pinned entries are
//! listed as non-direct packages and their unpinned entries are ignored.

use crate::deps::package::Unauditable;
use crate::deps::package::{normalize_pypi, Ecosystem, Lockfile, Package, ParseError, Source};

/// Deepest `-r`/`-c` nesting followed; pip has no limit, but a deeper chain is almost surely a
/// generated loop through differently spelled paths.
const MAX_DEPTH: usize = 10;

/// Parses a requirements file. `include` returns the text of a file named by `-r`/`-c`, given
/// its path relative to the directory of the file passed here (nested includes are resolved
/// relative to the including file, as pip does), or `None` when it does not exist.
pub fn parse(text: &str, include: &dyn Fn(&str) -> Option<String>) -> Result<Lockfile, ParseError> {
    let mut walk = Walk {
        include,
        stack: vec![(String::new(), text.to_string())],
        out: Lockfile::default(),
    };
    walk.file(text, "", Origin::top())?;
    // A requirement left unpinned but pinned by a constraint file is auditable after all, and
    // direct: the requirement is the project's own.
    let out = &mut walk.out;
    let unpinned: Vec<String> = out
        .unauditable
        .iter()
        .map(|u| normalize_pypi(&u.name))
        .collect();
    for package in &mut out.packages {
        package.direct |= unpinned.contains(&package.name);
    }
    let pinned: Vec<String> = out.packages.iter().map(|p| p.name.clone()).collect();
    out.unauditable
        .retain(|u| !pinned.contains(&normalize_pypi(&u.name)));
    Ok(walk.out)
}

/// Where the lines being read come from: the top file, or an include of it.
#[derive(Clone, Copy)]
struct Origin {
    /// The line in the top file to report instead of the file's own lines (includes).
    line: Option<usize>,
    /// Whether this is (inside) a `-c` constraints file.
    constraint: bool,
    depth: usize,
}

impl Origin {
    fn top() -> Self {
        Origin {
            line: None,
            constraint: false,
            depth: 0,
        }
    }
}

struct Walk<'a> {
    include: &'a dyn Fn(&str) -> Option<String>,
    /// Paths and texts of the files being read, outermost first (the top file's path is "":
    /// the caller does not name it, so a file including the top one back is known by its text).
    stack: Vec<(String, String)>,
    out: Lockfile,
}

impl Walk<'_> {
    fn file(&mut self, text: &str, path: &str, origin: Origin) -> Result<(), ParseError> {
        for (line, content) in logical_lines(text) {
            let at = origin.line.unwrap_or(line);
            let content = strip_comment(&content);
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            if content.starts_with('-') && !is_editable(content) {
                if let Some((target, constraint)) = include_option(content) {
                    let child = Origin {
                        line: Some(at),
                        constraint: origin.constraint || constraint,
                        depth: origin.depth + 1,
                    };
                    self.include_file(&join(path, &target), child)?;
                }
                continue; // index, find-links and install options say nothing about versions
            }
            let requirement = requirement(content)
                .map_err(|msg| ParseError::new(format!("{}line {line}: {msg}", prefix(path))))?;
            self.push(requirement, at, origin.constraint);
        }
        Ok(())
    }

    fn include_file(&mut self, target: &str, origin: Origin) -> Result<(), ParseError> {
        let line = origin.line.unwrap_or(1);
        if origin.depth > MAX_DEPTH {
            self.unauditable(
                target,
                format!("included file nested deeper than {MAX_DEPTH}"),
                line,
            );
            return Ok(());
        }
        let Some(text) = (self.include)(target) else {
            self.unauditable(target, format!("included file {target} not found"), line);
            return Ok(());
        };
        if self.stack.iter().any(|(p, t)| p == target || *t == text) {
            return Ok(()); // a cycle: the file is already being read, its entries are counted
        }
        self.stack.push((target.to_string(), text.clone()));
        let result = self.file(&text, target, origin);
        self.stack.pop();
        result
    }

    fn unauditable(&mut self, name: &str, reason: String, line: usize) {
        self.out.unauditable.push(Unauditable {
            name: name.to_string(),
            reason,
            line,
        });
    }

    fn push(&mut self, requirement: Requirement, line: usize, constraint: bool) {
        match requirement {
            Requirement::Pinned {
                name,
                version,
                source,
            } => {
                let name = normalize_pypi(&name);
                self.out.packages.push(Package {
                    ecosystem: Ecosystem::PyPI,
                    path: vec![name.clone()],
                    name,
                    version,
                    direct: !constraint,
                    line,
                    source,
                });
            }
            // A constraint that pins nothing constrains nothing worth auditing.
            Requirement::Unpinned { .. } if constraint => {}
            Requirement::Unpinned { name, reason } => self.unauditable(&name, reason, line),
        }
    }
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// One requirement line, classified.
#[derive(Debug, PartialEq)]
enum Requirement {
    Pinned {
        name: String,
        version: String,
        source: Source,
    },
    Unpinned {
        name: String,
        reason: String,
    },
}

/// Joins `\`-continued lines; yields (first line number, joined text).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw); // CRLF files
        let (start, mut joined) = current.take().unwrap_or((i + 1, String::new()));
        match raw.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                joined.push(' ');
                current = Some((start, joined));
            }
            None => {
                joined.push_str(raw);
                out.push((start, joined));
            }
        }
    }
    out.extend(current);
    out
}

/// Drops a `#` comment: one at the start of the line or after whitespace (a `#` inside a URL,
/// as in `#egg=name`, is a fragment, not a comment).
fn strip_comment(line: &str) -> String {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return line[..i].to_string();
        }
        prev_space = c.is_whitespace();
    }
    line.to_string()
}

fn is_editable(line: &str) -> bool {
    line.starts_with("-e") || line.starts_with("--editable")
}

/// `-r FILE`, `-rFILE`, `--requirement=FILE`, `-c ...`: the file and whether it constrains.
fn include_option(line: &str) -> Option<(String, bool)> {
    let options = [
        ("--requirement", false),
        ("--constraint", true),
        ("-r", false),
        ("-c", true),
    ];
    for (flag, constraint) in options {
        let Some(rest) = line.strip_prefix(flag) else {
            continue;
        };
        if flag.starts_with("--") && !rest.starts_with(['=', ' ', '\t']) {
            continue; // `--requirementsX` is some other option
        }
        let target = rest.trim_start_matches('=').trim();
        if target.is_empty() {
            return None;
        }
        return Some((target.to_string(), constraint));
    }
    None
}

/// Resolves `target` against the directory of `including` ("" for the top file).
fn join(including: &str, target: &str) -> String {
    let mut parts: Vec<&str> = match including.rfind('/') {
        Some(i) => including[..i].split('/').collect(),
        None => Vec::new(),
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Classifies one requirement (comment already removed), or says why it is not one.
fn requirement(line: &str) -> Result<Requirement, String> {
    let line = line
        .strip_prefix("--editable")
        .or_else(|| line.strip_prefix("-e"))
        .unwrap_or(line)
        .trim();
    let line = cut_options(line);
    if let Some((name, url)) = line.split_once('@') {
        if !name.contains("://") && !url.trim().is_empty() && is_name_part(name) {
            return Ok(url_requirement(
                Some(&base_name(name)),
                strip_marker_url(url.trim()),
            ));
        }
    }
    if line.contains("://") || is_local_path(line) {
        return Ok(url_requirement(None, strip_marker_url(line)));
    }
    let spec = line.split(';').next().unwrap_or("").trim();
    named_requirement(spec)
}

/// Drops per-requirement options (`--hash=...`, `--config-settings ...`) after the requirement.
fn cut_options(line: &str) -> &str {
    let bytes = line.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i - 1].is_ascii_whitespace() && bytes[i] == b'-' {
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            if next == b'-' || next.is_ascii_alphabetic() {
                return line[..i].trim_end();
            }
        }
    }
    line
}

/// In a URL requirement a marker needs whitespace before its `;` (PEP 508).
fn strip_marker_url(url: &str) -> &str {
    url.split([' ', '\t']).next().unwrap_or(url)
}

fn is_name_part(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | ',' | ' ')
        })
}

fn base_name(text: &str) -> String {
    text.split('[').next().unwrap_or(text).trim().to_string()
}

fn is_local_path(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    first.starts_with(['.', '/', '~'])
        || first.contains('/')
        || first.contains('\\')
        || [".whl", ".tar.gz", ".zip"]
            .iter()
            .any(|ext| first.ends_with(ext))
}

/// A URL, VCS or path requirement: a package if the URL names a versioned archive, else
/// unauditable.
fn url_requirement(name: Option<&str>, url: &str) -> Requirement {
    let source = if url.contains("+") && url.split("://").next().is_some_and(is_vcs_scheme) {
        Source::Git(url.to_string())
    } else if url.starts_with("file:") || !url.contains("://") {
        Source::Path(url.to_string())
    } else {
        Source::Url(url.to_string())
    };
    let archive = match source {
        Source::Git(_) => None,
        _ => archive_name_version(url),
    };
    let fragment_name = url
        .split_once("#egg=")
        .map(|(_, egg)| egg.split('&').next().unwrap_or(egg).to_string());
    let name = name
        .map(str::to_string)
        .or_else(|| archive.as_ref().map(|(n, _)| n.clone()))
        .or(fragment_name)
        .unwrap_or_else(|| url.to_string());
    match archive {
        Some((_, version)) => Requirement::Pinned {
            name,
            version,
            source,
        },
        None => {
            let kind = match source {
                Source::Git(_) => "version-control",
                Source::Path(_) => "local path",
                _ => "URL",
            };
            Requirement::Unpinned {
                name,
                reason: format!("{kind} requirement without a version"),
            }
        }
    }
}

fn is_vcs_scheme(scheme: &str) -> bool {
    ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|v| scheme.starts_with(v))
}

/// `pkg-1.0-py3-none-any.whl` or `pkg-1.0.tar.gz` at the end of a URL or path: (name, version).
fn archive_name_version(url: &str) -> Option<(String, String)> {
    let file = url.split(['#', '?']).next()?.rsplit('/').next()?;
    if let Some(stem) = file.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        return Some((parts.next()?.to_string(), parts.next()?.to_string()));
    }
    let stem = [".tar.gz", ".zip", ".tar.bz2"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    let (name, version) = stem.rsplit_once('-')?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| (name.to_string(), version.to_string()))
}

/// `name[extras] <specifiers>`, markers already removed.
fn named_requirement(spec: &str) -> Result<Requirement, String> {
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("not a requirement: {spec:?}"));
    }
    let mut rest = spec[name_end..].trim_start();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after
            .find(']')
            .ok_or_else(|| format!("unclosed extras in {spec:?}"))?;
        rest = after[close + 1..].trim_start();
    }
    // Old-style `name (==1.0)`.
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    if !rest.is_empty() && !rest.starts_with(['=', '<', '>', '~', '!']) {
        return Err(format!("not a requirement: {spec:?}"));
    }
    let unpinned = Requirement::Unpinned {
        name: name.to_string(),
        reason: "not pinned with ==".to_string(),
    };
    let version = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .map(str::trim);
    match version {
        Some(v) if !v.is_empty() && !v.contains([',', '*', ' ', '<', '>', '=', '!', '~']) => {
            Ok(Requirement::Pinned {
                name: name.to_string(),
                version: v.to_string(),
                source: Source::Registry,
            })
        }
        _ => Ok(unpinned),
    }
}

#[cfg(test)]
mod tests;
