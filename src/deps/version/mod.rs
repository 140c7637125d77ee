//! Version schemes per ecosystem, so advisory ranges (OSV `SEMVER` and `ECOSYSTEM` events:
//! `introduced`, `fixed`, `last_affected`) can be compared with a package's version.
//!
//! npm and crates.io use SemVer 2.0 ([`semver`]); PyPI uses PEP 440 ([`pep440`]). Each scheme's
//! own type is totally ordered; a [`Version`] of one scheme has no order against the other's.
//! This module does not read advisories or decide whether a version is affected.

pub mod pep440;
pub mod semver;

use std::cmp::Ordering;
use std::fmt;

use crate::deps::package::{Ecosystem, ParseError};

pub use self::pep440::Pep440Version;
pub use self::semver::SemverVersion;

/// A version in one ecosystem's scheme. Versions of the same scheme are totally ordered;
/// across schemes `partial_cmp` is `None` and `==` is false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// SemVer 2.0 (npm, crates.io).
    Semver(SemverVersion),
    /// PEP 440 (PyPI).
    Pep440(Pep440Version),
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(v) => v.fmt(f),
            Version::Pep440(v) => v.fmt(f),
        }
    }
}

/// Parses `text` in `ecosystem`'s version scheme.
pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Version, ParseError> {
    match ecosystem {
        Ecosystem::Npm | Ecosystem::CratesIo => SemverVersion::parse(text).map(Version::Semver),
        Ecosystem::PyPI => Pep440Version::parse(text).map(Version::Pep440),
    }
}

/// Orders two version strings of `ecosystem`; `None` if either is not a version in its scheme.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    let a = parse(ecosystem, a).ok()?;
    let b = parse(ecosystem, b).ok()?;
    a.partial_cmp(&b)
}

#[cfg(test)]
mod tests {
    use super::{compare, parse};
    use crate::deps::package::Ecosystem;
    use std::cmp::Ordering;

    #[test]
    fn ecosystems_pick_their_scheme() {
        // `1.0.0-1` is a SemVer pre-release but a PEP 440 post-release.
        assert_eq!(
            compare(Ecosystem::Npm, "1.0.0-1", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::CratesIo, "1.0.0-1", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0.0-1", "1.0.0"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0", "1.0.0"),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn osv_introduced_zero_is_lowest_everywhere() {
        for eco in [Ecosystem::Npm, Ecosystem::CratesIo, Ecosystem::PyPI] {
            assert_eq!(compare(eco, "0", "0.0.1"), Some(Ordering::Less), "{eco:?}");
        }
        assert_eq!(
            compare(Ecosystem::Npm, "0", "0.0.0-alpha"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "0", "0.0.dev0"),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn unparsable_versions_compare_as_none() {
        assert_eq!(compare(Ecosystem::Npm, "1.0.0", "not-a-version"), None);
        assert_eq!(compare(Ecosystem::PyPI, "", "1.0"), None);
        assert!(parse(Ecosystem::CratesIo, "1.2.3.4").is_err());
        assert!(parse(Ecosystem::PyPI, "1.0.x").is_err());
    }

    #[test]
    fn different_schemes_have_no_order() {
        let a = parse(Ecosystem::Npm, "1.0.0").expect("semver");
        let b = parse(Ecosystem::PyPI, "1.0.0").expect("pep440");
        assert_eq!(a.partial_cmp(&b), None);
        assert_ne!(a, b);
    }
}
