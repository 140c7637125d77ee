//! The secret scanner: gitleaks-format rules ([`toml`], [`rule`], [`ruleset`]) run by the
//! [`engine`] over blob text, plus base64 values of Kubernetes Secrets ([`decode`]). Turns matches
//! into [`Finding`]s with line and column positions; never reads files or prints.

pub mod allowlist;
pub mod decode;
pub mod defaults;
pub mod engine;
pub mod entropy;
pub mod examples;
pub mod formats;
pub mod fresh;
pub mod history;
pub mod pattern;
pub mod providers;
pub mod rule;
pub mod ruleset;
pub mod scanner;
pub mod staged;
pub mod toml;
pub mod validate;
pub mod window;

use crate::finding::{fingerprint, Category, Evidence, Finding, Location, Secret};
use engine::{scan_text, RawMatch};
pub use ruleset::RuleSet;
pub use scanner::BlobScanner;

/// Findings of one blob, and how many were dropped by inline comments.
#[derive(Debug, Default)]
pub struct BlobFindings {
    /// Findings, in the order they occur.
    pub findings: Vec<Finding>,
    /// Matches dropped by `preflight:allow` / `gitleaks:allow`.
    pub suppressed_inline: u64,
}

/// Scans one blob's content. `path` is relative to the scan root, `/`-separated.
pub fn scan_blob(set: &RuleSet, path: &str, commit: Option<&str>, data: &[u8]) -> BlobFindings {
    let text = scan_text(set, path, commit, data);
    let mut out = BlobFindings {
        suppressed_inline: text.suppressed_inline,
        ..Default::default()
    };
    let mut lines = LineIndex::new(data);
    for &r in &text.path_rules {
        out.findings.push(path_finding(set, r, path, commit));
    }
    let mut plain = text.matches;
    let mut decoded = Vec::new();
    if decode::is_candidate(data) {
        for seg in decode::segments(data) {
            let inner = scan_text(set, path, commit, &seg.text);
            out.suppressed_inline += inner.suppressed_inline;
            if inner.matches.is_empty() {
                continue;
            }
            // The decoded finding says more than a rule that matched the encoded text.
            plain.retain(|m| m.secret.1 <= seg.start || seg.end <= m.secret.0);
            decoded.push((seg, inner.matches));
        }
    }
    let (hits, inline) = formats::detect(set, path, commit, data);
    out.suppressed_inline += inline;
    let hits = merge_detector_hits(set, hits, &mut plain, &mut decoded);
    for h in &hits {
        let loc = lines.location(h.hit.start, h.hit.end, path, commit);
        let m = RawMatch {
            rule: h.rule,
            start: h.hit.start,
            end: h.hit.end,
            secret: (h.hit.start, h.hit.end),
            entropy: entropy::shannon(h.secret.as_bytes()),
        };
        let how = h.hit.decoded.as_ref().map(|_| "base64".to_string());
        out.findings
            .push(finding(set, &m, loc, h.secret.clone(), how));
    }
    for m in &plain {
        // Point at the secret itself, not at the key name a rule needed as context.
        let loc = lines.location(m.secret.0, m.secret.1, path, commit);
        let secret = String::from_utf8_lossy(&data[m.secret.0..m.secret.1]).into_owned();
        out.findings.push(finding(set, m, loc, secret, None));
    }
    for (seg, matches) in &decoded {
        for m in matches {
            let loc = lines.location(seg.start, seg.end, path, commit);
            let secret = String::from_utf8_lossy(&seg.text[m.secret.0..m.secret.1]).into_owned();
            out.findings
                .push(finding(set, m, loc, secret, Some("base64".into())));
        }
    }
    out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// One finding per secret span: a detector hit replaces overlapping matches of generic rules
/// and of the rules it `replaces`; an overlapping match of another specific rule (a provider
/// token inside a `.netrc`) wins over the hit.
fn merge_detector_hits(
    set: &RuleSet,
    hits: Vec<formats::RuleHit>,
    plain: &mut Vec<RawMatch>,
    decoded: &mut [(decode::Segment, Vec<RawMatch>)],
) -> Vec<formats::RuleHit> {
    if hits.is_empty() {
        return hits;
    }
    let overlaps = |h: &formats::RuleHit, s: usize, e: usize| h.hit.start < e && s < h.hit.end;
    let yields = |h: &formats::RuleHit, r: usize| {
        let rule = set.rule(r);
        rule.generic
            || set
                .rule(h.rule)
                .replaces
                .iter()
                .any(|id| id == rule.id.as_str())
    };
    let hits: Vec<formats::RuleHit> = hits
        .into_iter()
        .filter(|h| {
            !plain
                .iter()
                .any(|m| overlaps(h, m.secret.0, m.secret.1) && !yields(h, m.rule))
        })
        .collect();
    plain.retain(|m| !hits.iter().any(|h| overlaps(h, m.secret.0, m.secret.1)));
    for (seg, matches) in decoded.iter_mut() {
        matches.retain(|m| {
            !hits
                .iter()
                .any(|h| overlaps(h, seg.start, seg.end) && yields(h, m.rule))
        });
    }
    hits
}

fn finding(
    set: &RuleSet,
    m: &RawMatch,
    location: Location,
    secret: String,
    decoded: Option<String>,
) -> Finding {
    let rule = set.rule(m.rule);
    let fp = fingerprint(&rule.id, &location.path, &secret);
    let secret = Secret::new(secret);
    let how = if decoded.is_some() {
        " (base64-decoded)"
    } else {
        ""
    };
    Finding {
        rule_id: rule.id.clone(),
        category: Category::Secret,
        severity: rule.severity,
        title: rule.description.clone(),
        // The redacted secret travels in `evidence`; reports show it beside the message.
        message: format!("{}{how}", rule.description),
        location,
        evidence: Some(Evidence {
            secret,
            entropy: m.entropy,
            decoded,
            public: Vec::new(),
        }),
        remediation: rule.help.clone(),
        tags: rule.tags.clone(),
        fingerprint: fp,
        provenance: None,
        related: Vec::new(),
        dependency: None,
    }
}

fn path_finding(set: &RuleSet, r: usize, path: &str, commit: Option<&str>) -> Finding {
    let rule = set.rule(r);
    Finding {
        rule_id: rule.id.clone(),
        category: Category::Secret,
        severity: rule.severity,
        title: rule.description.clone(),
        message: format!("{}: the file {path} itself", rule.description),
        location: Location {
            path: path.to_string(),
            start_line: 1,
            start_column: 1,
            end_line: 1,
            end_column: 1,
            commit: commit.map(str::to_string),
        },
        evidence: None,
        remediation: rule.help.clone(),
        tags: rule.tags.clone(),
        fingerprint: fingerprint(&rule.id, path, ""),
        provenance: None,
        related: Vec::new(),
        dependency: None,
    }
}

/// Turns byte offsets into 1-based lines and character columns. Offsets must be asked in
/// non-decreasing order for speed; earlier ones restart the count.
struct LineIndex<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    fn new(data: &'a [u8]) -> Self {
        LineIndex {
            data,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Line and column of `offset`; a `\r` before `\n` belongs to its line (CRLF files).
    fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.data.len());
        if offset < self.pos {
            *self = LineIndex::new(self.data);
        }
        for p in memchr::memchr_iter(b'\n', &self.data[self.pos..offset]) {
            self.line += 1;
            self.line_start = self.pos + p + 1;
        }
        self.pos = offset;
        let col = count_chars(&self.data[self.line_start..offset]) + 1;
        (self.line, col)
    }

    fn location(&mut self, start: usize, end: usize, path: &str, commit: Option<&str>) -> Location {
        let (start_line, start_column) = self.line_col(start);
        let (end_line, end_column) = self.line_col(end);
        Location {
            path: path.to_string(),
            start_line,
            start_column,
            end_line,
            end_column,
            commit: commit.map(str::to_string),
        }
    }
}

/// UTF-8 characters in `bytes` (continuation bytes do not count; invalid bytes count as one).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_handles_crlf_and_multibyte() {
        let data = "a\r\nbé token\r\nc".as_bytes();
        let mut idx = LineIndex::new(data);
        let tok = data.windows(5).position(|w| w == b"token").unwrap_or(0);
        assert_eq!(idx.line_col(tok), (2, 4));
        assert_eq!(idx.line_col(data.len() - 1), (3, 1));
        assert_eq!(idx.line_col(0), (1, 1));
    }
}
