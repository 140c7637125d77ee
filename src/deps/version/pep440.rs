//! PEP 440 versions as PyPI uses them, ordered by the PEP's rules.
//!
//! Parsing and ordering are `pep440_rs`'s (the implementation uv uses): epochs, zero-padded
//! release equality, pre-, post- and dev-releases with every spelling the PEP's normalisation
//! section accepts, and local versions. This file wraps it in preflight's error type and pins the
//! edge cases with tests. Specifiers (`>=1.0,<2`) and legacy non-PEP 440 versions are not parsed.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::deps::package::ParseError;

/// A PEP 440 version; `1.0 == 1.0.0`, and `V1.0-RC1` equals `1.0rc1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pep440Version(pep440_rs::Version);

impl Pep440Version {
    /// Parses `text` (surrounding whitespace allowed); `Err` if it is not a PEP 440 version.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        pep440_rs::Version::from_str(text.trim())
            .map(Pep440Version)
            .map_err(|err| ParseError::new(format!("invalid PEP 440 version {text:?}: {err}")))
    }

    /// The parsed version.
    pub fn inner(&self) -> &pep440_rs::Version {
        &self.0
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl fmt::Display for Pep440Version {
    /// The normalised form (`1.0rc1`, `1!2.0.post1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::Pep440Version;
    use std::cmp::Ordering;

    fn v(text: &str) -> Pep440Version {
        Pep440Version::parse(text).expect("valid PEP 440 version")
    }

    fn assert_ascending(chain: &[&str]) {
        for pair in chain.windows(2) {
            assert_eq!(v(pair[0]).cmp(&v(pair[1])), Ordering::Less, "{pair:?}");
            assert_eq!(v(pair[1]).cmp(&v(pair[0])), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn epoch_outranks_release() {
        assert_ascending(&["2024.1", "1!0.1", "1!1.0", "2!0.0.1"]);
        assert_eq!(v("0!1.0"), v("1.0"));
    }

    #[test]
    fn release_segments_pad_with_zeros() {
        assert_eq!(v("1.0"), v("1.0.0"));
        assert_eq!(v("1"), v("1.0.0.0"));
        assert_ascending(&["1.0", "1.0.0.1", "1.0.1", "1.1", "1.10", "2"]);
    }

    #[test]
    fn prereleases_order_a_b_rc() {
        assert_ascending(&[
            "1.0a1", "1.0a2", "1.0a10", "1.0b1", "1.0rc1", "1.0rc2", "1.0",
        ]);
        assert_ascending(&["0.9", "1.0a1"]);
    }

    #[test]
    fn prerelease_spellings_normalise() {
        assert_eq!(v("1.0alpha1"), v("1.0a1"));
        assert_eq!(v("1.0beta2"), v("1.0b2"));
        assert_eq!(v("1.0c1"), v("1.0rc1"));
        assert_eq!(v("1.0pre1"), v("1.0rc1"));
        assert_eq!(v("1.0preview1"), v("1.0rc1"));
        assert_eq!(v("1.0-rc.1"), v("1.0rc1"));
        assert_eq!(v("1.0a"), v("1.0a0"));
    }

    #[test]
    fn post_releases_and_spellings() {
        assert_ascending(&["1.0", "1.0.post1", "1.0.post2", "1.0.1"]);
        assert_eq!(v("1.0-1"), v("1.0.post1"));
        assert_eq!(v("1.0.r1"), v("1.0.post1"));
        assert_eq!(v("1.0rev1"), v("1.0.post1"));
        assert_eq!(v("1.0post"), v("1.0.post0"));
    }

    #[test]
    fn dev_releases_sort_first() {
        assert_ascending(&["1.0.dev1", "1.0.dev2", "1.0a1.dev1", "1.0a1", "1.0"]);
        assert_ascending(&["1.0", "1.0.post1.dev1", "1.0.post1"]);
        assert_ascending(&["0.9.post1", "1.0.dev0"]);
    }

    #[test]
    fn local_versions_follow_public_version() {
        assert_ascending(&["1.0", "1.0+local", "1.0.post1"]);
        // Numeric local segments compare as numbers and rank above alphanumeric ones.
        assert_ascending(&["1.0+2", "1.0+10"]);
        assert_ascending(&["1.0+abc", "1.0+abd", "1.0+1"]);
        assert_ascending(&["1.0+ubuntu", "1.0+ubuntu.1"]);
        assert_eq!(v("1.0+Ubuntu-1"), v("1.0+ubuntu.1"));
    }

    #[test]
    fn prefix_case_and_separators_normalise() {
        assert_eq!(v("v1.0"), v("1.0"));
        assert_eq!(v("V1.0RC1"), v("1.0rc1"));
        assert_eq!(v("1.0-DEV-1"), v("1.0.dev1"));
        assert_eq!(v("1.0_a_1"), v("1.0a1"));
        assert_eq!(v("  1.0\n"), v("1.0"));
        assert_eq!(v("1!1.0-RC.1").to_string(), "1!1.0rc1");
    }

    #[test]
    fn invalid_inputs_are_errors() {
        for bad in [
            "", "latest", "1.0.x", "1..0", ">=1.0", "1.0+", "1.0+a..b", "!1.0", "1.*",
        ] {
            assert!(Pep440Version::parse(bad).is_err(), "{bad:?} should be Err");
        }
    }
}
