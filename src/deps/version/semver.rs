//! SemVer 2.0 versions as npm and crates.io use them, ordered by SemVer precedence.
//!
//! Parsing is the `semver` crate's, after tolerating what lockfiles and OSV write that strict
//! SemVer does not: a leading `v` or `=` (npm), and a short release such as OSV's
//! `introduced: "0"` (read as `0.0.0-0`, the lowest version there is) and `1.2` (padded to
//! `1.2.0`). Ordering follows SemVer 2.0 §11, which ignores build metadata; the `semver` crate's
//! own `Ord` does not, so this type compares the parts itself. Ranges and requirements (`^1.2`)
//! are not parsed here.

use std::cmp::Ordering;
use std::fmt;

use crate::deps::package::ParseError;

/// A SemVer 2.0 version; equality and order ignore build metadata (`1.0.0+a == 1.0.0+b`).
#[derive(Debug, Clone)]
pub struct SemverVersion(semver::Version);

impl SemverVersion {
    /// Parses `text` leniently (leading `v`/`=`, one- or two-part releases); `Err` if not SemVer.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let trimmed = text.trim();
        let unpinned = trimmed.strip_prefix('=').unwrap_or(trimmed).trim_start();
        let bare = unpinned.strip_prefix(['v', 'V']).unwrap_or(unpinned);
        // OSV's `introduced: "0"` means "every version", so it must sit below even
        // `0.0.0-alpha`: `0.0.0-0` is the lowest version SemVer can write.
        let padded = if bare == "0" {
            "0.0.0-0".to_string()
        } else {
            pad_release(bare)
        };
        semver::Version::parse(&padded)
            .map(SemverVersion)
            .map_err(|err| ParseError::new(format!("invalid semver version {text:?}: {err}")))
    }

    /// The parsed version, build metadata included.
    pub fn inner(&self) -> &semver::Version {
        &self.0
    }
}

/// Pads a release of one or two numeric parts to three (`0` → `0.0.0`, `1.2-rc.1` →
/// `1.2.0-rc.1`), because OSV writes `introduced: "0"` and strict SemVer rejects it.
fn pad_release(text: &str) -> String {
    let end = text.find(['-', '+']).unwrap_or(text.len());
    let (release, rest) = text.split_at(end);
    let parts = release.split('.').count();
    let numeric = release
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric || parts >= 3 {
        return text.to_string();
    }
    let zeros = ".0".repeat(3 - parts);
    format!("{release}{zeros}{rest}")
}

impl PartialEq for SemverVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemverVersion {}

impl PartialOrd for SemverVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SemverVersion {
    /// SemVer 2.0 §11: major, minor, patch, then pre-release (none ranks above any); no build.
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        (a.major, a.minor, a.patch)
            .cmp(&(b.major, b.minor, b.patch))
            // `semver::Prerelease`'s order is §11's: empty is greatest, numeric identifiers
            // compare as numbers and rank below alphanumeric ones, shorter prefix ranks lower.
            .then_with(|| a.pre.cmp(&b.pre))
    }
}

impl fmt::Display for SemverVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::SemverVersion;
    use std::cmp::Ordering;

    fn v(text: &str) -> SemverVersion {
        SemverVersion::parse(text).expect("valid semver")
    }

    fn assert_ascending(chain: &[&str]) {
        for pair in chain.windows(2) {
            assert_eq!(v(pair[0]).cmp(&v(pair[1])), Ordering::Less, "{pair:?}");
            assert_eq!(v(pair[1]).cmp(&v(pair[0])), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn release_parts_compare_numerically() {
        assert_ascending(&[
            "0.0.1", "0.1.0", "0.9.0", "0.10.0", "1.0.0", "1.2.10", "10.0.0",
        ]);
    }

    #[test]
    fn prerelease_precedence_follows_spec_example() {
        // SemVer 2.0 §11.4's own example chain.
        assert_ascending(&[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ]);
    }

    #[test]
    fn numeric_identifiers_rank_below_alphanumeric() {
        assert_ascending(&["1.0.0-2", "1.0.0-10", "1.0.0-a", "1.0.0-a1"]);
    }

    #[test]
    fn build_metadata_is_ignored() {
        assert_eq!(v("1.0.0+build.1"), v("1.0.0+build.2"));
        assert_eq!(v("1.0.0+x"), v("1.0.0"));
        assert_ascending(&["1.0.0-rc.1+zzz", "1.0.0+aaa"]);
    }

    #[test]
    fn npm_prefixes_are_tolerated() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v("=1.2.3"), v("1.2.3"));
        assert_eq!(v("=v1.2.3"), v("1.2.3"));
        assert_eq!(v(" 1.2.3 "), v("1.2.3"));
    }

    #[test]
    fn osv_zero_is_lowest() {
        assert_eq!(v("0"), v("0.0.0-0"));
        assert_ascending(&["0", "0.0.0-0.0", "0.0.0-alpha", "0.0.0", "0.0.1"]);
        assert_eq!(v("1.2"), v("1.2.0"));
        assert_eq!(v("1"), v("1.0.0"));
    }

    #[test]
    fn invalid_inputs_are_errors() {
        for bad in [
            "", "latest", "1.2.3.4", "1..2", "01.2.3", "1.2.3-", "^1.2.3", "x.y.z",
        ] {
            assert!(SemverVersion::parse(bad).is_err(), "{bad:?} should be Err");
        }
    }
}
