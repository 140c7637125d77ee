//! Scanning only what a blob adds to the blob it was stored as a delta of (history scans): the
//! fresh ranges the history source reports, widened to whole lines with a margin, are scanned
//! as if they were the file, and the findings are placed back at their lines.
//!
//! That is exact for rules whose matches live on one line, which is what the engine's keyword
//! windows are. It is not for what looks at more than a line or at the file's name: multi-line
//! rules (PEM keys), Kubernetes Secret decoding, file-format detectors, path-only rules, and a
//! path the rules treat differently from the base's (a rule's `path`, an allowlist's `paths`).
//! Such blobs are scanned whole.

use super::rule::allowlist;
use super::window::scan_whole;
use super::{decode, formats, BlobFindings, RuleSet};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::{memchr, memchr_iter, memrchr};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// Lines of context kept on either side of a fresh range.
const CONTEXT_LINES: usize = 2;

/// Fresh parts covering more than this share of a blob (in quarters) are not worth cutting out.
const WORTH_CUTTING_QUARTERS: usize = 3;

/// How the rules see a path: two paths with the same class are scanned alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathClass {
    /// A detector or path-only rule claims the path: the file must be read whole.
    whole: bool,
    /// Which path-conditioned rules and allowlists match it.
    matches: Vec<u32>,
}

/// The fresh-range scanner of one history scan: rules, and what it learnt about paths.
pub struct FreshScanner<'r> {
    set: &'r RuleSet,
    multiline: Option<AhoCorasick>,
    /// A rule without keywords reaches past lines: every blob is scanned whole.
    always_whole: bool,
    classes: HashMap<Arc<str>, PathClass>,
    scanned: AtomicU64,
}

impl<'r> FreshScanner<'r> {
    /// A scanner for `set` that knows the class of every path in `paths`.
    pub fn new<'p>(set: &'r RuleSet, paths: impl IntoIterator<Item = &'p Arc<str>>) -> Self {
        let mut keywords: Vec<&str> = Vec::new();
        let mut always_whole = false;
        for rule in set.rules().iter().filter(|r| r.multiline) {
            keywords.extend(rule.keywords.iter().map(String::as_str));
            always_whole |= rule.keywords.is_empty() && rule.regex().is_some();
        }
        always_whole |= set
            .always()
            .iter()
            .any(|&i| !set.rule(i).has_path_filter() && set.rule(i).regex().is_some());
        let multiline = (!keywords.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&keywords)
                    .ok()
            })
            .flatten();
        let mut classes = HashMap::new();
        for path in paths {
            if !classes.contains_key(path) {
                classes.insert(Arc::clone(path), class_of(set, path));
            }
        }
        FreshScanner {
            set,
            multiline,
            always_whole,
            classes,
            scanned: AtomicU64::new(0),
        }
    }

    /// Scans `data`, the content of `path`; with `fresh` ranges (and the path its base was
    /// scanned under), only those ranges where that is exact.
    pub fn scan(
        &self,
        path: &Arc<str>,
        data: &[u8],
        fresh: Option<(&[Range<usize>], &Arc<str>)>,
    ) -> BlobFindings {
        let parts = fresh
            .filter(|(_, base)| self.alike(path, base) && !self.needs_whole(data))
            .map(|(ranges, _)| widen(data, ranges))
            .filter(|parts| worth_cutting(parts, data.len()));
        let Some(parts) = parts else {
            self.scanned.fetch_add(data.len() as u64, Relaxed);
            return scan_whole(self.set, path, None, data);
        };
        let bytes: usize = parts.iter().map(|p| p.len()).sum();
        self.scanned.fetch_add(bytes as u64, Relaxed);
        let mut out = BlobFindings::default();
        let (mut line, mut counted) = (0, 0);
        for part in parts {
            line += memchr_iter(b'\n', &data[counted..part.start]).count();
            counted = part.start;
            let found = scan_whole(self.set, path, None, &data[part]);
            out.suppressed_inline += found.suppressed_inline;
            for mut f in found.findings {
                f.location.start_line += line;
                f.location.end_line += line;
                out.findings.push(f);
            }
        }
        out
    }

    /// Bytes handed to the rules so far (whole blobs and the widened fresh parts).
    pub fn scanned_bytes(&self) -> u64 {
        self.scanned.load(Relaxed)
    }

    /// Whether the rules treat both paths alike, and neither must be read whole.
    fn alike(&self, a: &Arc<str>, b: &Arc<str>) -> bool {
        match (self.classes.get(a), self.classes.get(b)) {
            (Some(x), Some(y)) => !x.whole && x == y,
            _ => false,
        }
    }

    /// Whether something in `data` makes a rule look past its line.
    fn needs_whole(&self, data: &[u8]) -> bool {
        self.always_whole
            || self.multiline.as_ref().is_some_and(|ac| ac.is_match(data))
            || decode::is_candidate(data)
    }
}

/// `path`'s class under `set`.
fn class_of(set: &RuleSet, path: &str) -> PathClass {
    let lower = path.to_ascii_lowercase();
    let info = formats::PathInfo {
        name: lower.rsplit('/').next().unwrap_or(&lower),
        path: &lower,
    };
    let mut whole = false;
    let mut matches = Vec::new();
    let mut n = 0u32;
    let mut note = |hit: bool, matches: &mut Vec<u32>| {
        if hit {
            matches.push(n);
        }
        n += 1;
    };
    for rule in set.rules() {
        if rule.has_path_filter() {
            let applies = rule.applies_to(path);
            whole |= applies && (rule.is_path_only() || rule.detector.is_some());
            note(applies, &mut matches);
        }
        if let Some(det) = rule.detector {
            whole |= det.applies(&info) && rule.applies_to(path);
        }
        for lazy in rule.allowlists() {
            note(
                allowlist(lazy).is_ok_and(|a| a.allows_path(path)),
                &mut matches,
            );
        }
    }
    for lazy in set.global_allowlists() {
        note(
            allowlist(lazy).is_ok_and(|a| a.allows_path(path)),
            &mut matches,
        );
    }
    PathClass { whole, matches }
}

/// The fresh ranges grown to whole lines plus `CONTEXT_LINES` on each side, merged.
fn widen(data: &[u8], fresh: &[Range<usize>]) -> Vec<Range<usize>> {
    let line_start = |at: usize| memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    let line_end = |at: usize| memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p + 1);
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in fresh {
        let mut start = line_start(r.start.min(data.len()));
        for _ in 0..CONTEXT_LINES {
            if start > 0 {
                start = line_start(start - 1);
            }
        }
        let mut end = line_end(r.end.min(data.len()));
        for _ in 0..CONTEXT_LINES {
            end = line_end(end);
        }
        match out.last_mut() {
            Some(last) if last.end >= start => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// Whether scanning `parts` saves enough over scanning all `len` bytes.
fn worth_cutting(parts: &[Range<usize>], len: usize) -> bool {
    let covered: usize = parts.iter().map(|p| p.len()).sum();
    covered * 4 <= len * WORTH_CUTTING_QUARTERS
}

#[cfg(test)]
mod tests;
