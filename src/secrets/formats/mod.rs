//! File-format detectors: credentials found by their place in a well-known file (`.netrc`'s
//! `password` token, `.pgpass`'s last field, a Docker `auth`, `spring.datasource.password`)
//! rather than by their shape. Each detector is the engine of one rule (`detector = "…"` in
//! `rules/secrets/credential-files.toml`); a cheap file-name test picks the detectors of a file
//! before anything is parsed, so ordinary files pay one name check. Hits are value spans that
//! `scan_blob` turns into the same findings as regex matches.

pub mod detector;
pub mod json;
pub mod kv;
pub mod value;
pub mod xml;
pub mod yaml;

mod lines;
mod structured;
#[cfg(test)]
mod tests;

use super::allowlist::Candidate;
use super::engine::line_bounds;
use super::RuleSet;
pub use detector::{Detector, PathInfo};

/// One value a detector reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Start of the value in the file (for decoded values: of the encoded text).
    pub start: usize,
    /// End of the value.
    pub end: usize,
    /// The secret when it differs from the file's bytes (a decoded value).
    pub decoded: Option<String>,
}

impl Hit {
    fn plain(span: (usize, usize)) -> Hit {
        Hit {
            start: span.0,
            end: span.1,
            decoded: None,
        }
    }
}

/// A hit of one rule, accepted by its allowlists.
#[derive(Debug, Clone)]
pub struct RuleHit {
    /// Index of the rule in the set.
    pub rule: usize,
    /// The value.
    pub hit: Hit,
    /// The secret text.
    pub secret: String,
}

/// Runs every detector rule that applies to `path`, drops hits the rules' and global
/// allowlists or an inline allow comment silence, and keeps one hit per value (the rule listed
/// first in the set wins: specific files before generic `.conf` files). Returns the hits and how
/// many inline comments dropped.
pub fn detect(set: &RuleSet, path: &str, commit: Option<&str>, data: &[u8]) -> (Vec<RuleHit>, u64) {
    let mut out: Vec<RuleHit> = Vec::new();
    let mut inline = 0;
    if set.detectors().is_empty() {
        return (out, 0);
    }
    let lower = path.to_ascii_lowercase();
    let info = PathInfo {
        name: lower.rsplit('/').next().unwrap_or(&lower),
        path: &lower,
    };
    for &r in set.detectors() {
        let rule = set.rule(r);
        let Some(det) = rule.detector else { continue };
        if !det.applies(&info) || !rule.applies_to(path) {
            continue;
        }
        for hit in det.scan(data) {
            if hit.start >= hit.end && hit.decoded.is_none() || hit.end > data.len() {
                continue;
            }
            if out
                .iter()
                .any(|h| h.hit.start < hit.end && hit.start < h.hit.end)
            {
                continue;
            }
            let secret = hit
                .decoded
                .clone()
                .unwrap_or_else(|| String::from_utf8_lossy(&data[hit.start..hit.end]).into_owned());
            if value::is_placeholder(secret.as_bytes())
                || !accepted(set, r, path, commit, data, &hit, &secret)
            {
                continue;
            }
            let (ls, le) = line_bounds(data, hit.start, hit.end);
            let line = &data[ls..le];
            if memchr::memmem::find(line, b"preflight:allow").is_some()
                || memchr::memmem::find(line, b"gitleaks:allow").is_some()
            {
                inline += 1;
                continue;
            }
            out.push(RuleHit {
                rule: r,
                hit,
                secret,
            });
        }
    }
    out.sort_by_key(|h| (h.hit.start, h.hit.end));
    (out, inline)
}

/// The rule's own and the global allowlists, as for regex rules.
fn accepted(
    set: &RuleSet,
    r: usize,
    path: &str,
    commit: Option<&str>,
    data: &[u8],
    hit: &Hit,
    secret: &str,
) -> bool {
    let rule = set.rule(r);
    let (ls, le) = line_bounds(data, hit.start, hit.end);
    let candidate = Candidate {
        path,
        commit,
        secret: secret.as_bytes(),
        matched: &data[hit.start..hit.end],
        line: &data[ls..le],
    };
    super::engine::passes_allowlists(set, rule, &candidate)
}
