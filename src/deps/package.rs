//! What a lockfile says about one package: the model every lockfile parser returns.

use serde::Serialize;

/// A package ecosystem, as OSV names them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum Ecosystem {
    /// npm (package-lock, yarn, pnpm).
    #[serde(rename = "npm")]
    Npm,
    /// The Python Package Index.
    #[serde(rename = "PyPI")]
    PyPI,
    /// crates.io.
    #[serde(rename = "crates.io")]
    CratesIo,
}

impl Ecosystem {
    /// Every ecosystem preflight audits.
    pub const ALL: [Ecosystem; 3] = [Ecosystem::Npm, Ecosystem::PyPI, Ecosystem::CratesIo];

    /// The OSV name: `npm`, `PyPI`, `crates.io` (index keys, archive paths, reports).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::CratesIo => "crates.io",
        }
    }

    /// The ecosystem an OSV name denotes.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        Ecosystem::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// Where a package comes from; only registry packages can be matched against advisories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "location")]
pub enum Source {
    /// The ecosystem's registry (or a mirror of it).
    Registry,
    /// A git repository.
    Git(String),
    /// A local directory.
    Path(String),
    /// A tarball or wheel URL.
    Url(String),
    /// A member of the project's own workspace.
    Workspace,
}

/// One resolved package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name; PEP 503-normalised for PyPI; the real name for npm aliases (`npm:` specifiers).
    pub name: String,
    /// Exact resolved version.
    pub version: String,
    /// Whether a root (the project or a workspace member) depends on it directly.
    pub direct: bool,
    /// One dependency path from a root to this package (names, root first, this package last).
    pub path: Vec<String>,
    /// 1-based line in the lockfile where the package is declared.
    pub line: usize,
    /// Where it comes from.
    pub source: Source,
}

/// A dependency that cannot be audited (unpinned requirement, unresolvable entry), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unauditable {
    /// Name as written.
    pub name: String,
    /// Why it cannot be audited (e.g. "not pinned with ==").
    pub reason: String,
    /// 1-based line.
    pub line: usize,
}

/// A parsed lockfile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Lockfile {
    /// Packages, in file order.
    pub packages: Vec<Package>,
    /// Entries that cannot be audited.
    pub unauditable: Vec<Unauditable>,
    /// Which package names each package depends on, for the formats whose parser leaves paths
    /// to the scan layer (yarn, Poetry, PDM): it walks these from the manifest's direct
    /// dependencies. Empty for the others.
    #[serde(skip)]
    pub edges: std::collections::BTreeMap<String, Vec<String>>,
}

/// A lockfile that could not be parsed: the message names the line where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
        }
    }
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn normalize_pypi(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The PEP 503-normalised project name a PEP 508 requirement starts with
/// (`requests[socks]>=2` → `requests`); empty when it starts with no name.
pub fn pep508_name(req: &str) -> String {
    let req = req.trim_start();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    normalize_pypi(&req[..end])
}

#[cfg(test)]
mod tests {
    use super::{normalize_pypi, pep508_name};

    #[test]
    fn pep508_names() {
        assert_eq!(
            pep508_name("Requests[socks]>=2 ; python_version>'3'"),
            "requests"
        );
        assert_eq!(pep508_name("zope.interface"), "zope-interface");
        assert_eq!(pep508_name(">=1"), "");
    }

    #[test]
    fn pep503() {
        assert_eq!(normalize_pypi("Django"), "django");
        assert_eq!(normalize_pypi("zope.interface"), "zope-interface");
        assert_eq!(normalize_pypi("Foo__Bar--baz"), "foo-bar-baz");
    }
}
