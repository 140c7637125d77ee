//! Suppression after scanning: the fingerprint ignore file (`.preflight-allow`, one fingerprint a
//! line, `#` comments; gitleaks' `.gitleaksignore` entries `path:rule:line` are honoured too) and
//! `--baseline` (a previous JSON report: the fingerprints it holds are not reported again).
//! Inline `preflight:allow` comments are handled where the text is, in the engine.

use crate::error::{Error, Result};
use crate::finding::{Finding, Fingerprint};
use std::collections::BTreeSet;
use std::path::Path;

/// preflight's fingerprint ignore file, looked up in the scan root.
pub const ALLOW_FILE: &str = ".preflight-allow";
/// gitleaks' ignore file, honoured in the scan root.
pub const GITLEAKS_IGNORE: &str = ".gitleaksignore";

/// Fingerprints and gitleaks-style entries that must not be reported.
#[derive(Debug, Default)]
pub struct IgnoreSet {
    fingerprints: BTreeSet<Fingerprint>,
    /// `path:rule:line` or `commit:path:rule:line` (gitleaks' own fingerprint format).
    gitleaks: BTreeSet<String>,
    /// Lines that are neither: warnings naming the file and line (issue 12 item 8), so that a
    /// typo in an ignore file is seen rather than silently matching nothing.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

impl IgnoreSet {
    /// Reads the ignore files in `dir` (absent files are fine).
    pub fn load(dir: &Path) -> Result<IgnoreSet> {
        let mut set = IgnoreSet::default();
        for (name, gitleaks) in [(ALLOW_FILE, false), (GITLEAKS_IGNORE, true)] {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            for (n, line) in text.lines().enumerate() {
                let entry = line.split('#').next().unwrap_or("").trim();
                if entry.is_empty() {
                    continue;
                }
                if let Some(why) = malformed(entry, gitleaks) {
                    set.warnings.push(crate::diag::Diagnostic::warning(
                        name,
                        format!("line {}: {why}; the line is ignored", n + 1),
                    ));
                    continue;
                }
                if gitleaks || entry.contains(':') {
                    set.gitleaks.insert(entry.to_string());
                } else {
                    set.fingerprints.insert(Fingerprint::from_hex(entry));
                }
            }
        }
        Ok(set)
    }

    /// Whether the finding is ignored.
    pub fn ignores(&self, f: &Finding) -> bool {
        if self.fingerprints.contains(&f.fingerprint) {
            return true;
        }
        if self.gitleaks.is_empty() {
            return false;
        }
        let l = &f.location;
        let short = format!("{}:{}:{}", l.path, f.rule_id, l.start_line);
        let long = l.commit.as_ref().map(|c| format!("{c}:{short}"));
        self.gitleaks.contains(&short) || long.is_some_and(|k| self.gitleaks.contains(&k))
    }
}

/// Why an ignore-file entry can match nothing: a fingerprint is 32 hex digits, a gitleaks entry
/// `[commit:]path:rule:line` ends in a line number.
fn malformed(entry: &str, gitleaks: bool) -> Option<&'static str> {
    if gitleaks || entry.contains(':') {
        let parts: Vec<&str> = entry.rsplitn(3, ':').collect();
        let numeric = parts.first().is_some_and(|l| l.parse::<usize>().is_ok());
        (parts.len() < 3 || !numeric || parts.iter().any(|p| p.is_empty()))
            .then_some("not a path:rule:line entry")
    } else {
        let hex = entry.len() == 32 && entry.bytes().all(|b| b.is_ascii_hexdigit());
        (!hex).then_some("not a fingerprint (32 hex digits) or a path:rule:line entry")
    }
}

/// The fingerprints of a previous JSON report (`findings[].fingerprint`).
pub fn load_baseline(path: &Path) -> Result<BTreeSet<Fingerprint>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a JSON report: {e}")))?;
    let findings = doc
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| bad("not a preflight JSON report: no \"findings\" array".into()))?;
    Ok(findings
        .iter()
        .filter_map(|f| f.get("fingerprint").and_then(|v| v.as_str()))
        .map(Fingerprint::from_hex)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_ignore_lines_are_warnings() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(ALLOW_FILE),
            "0123456789abcdef0123456789abcdef\nnot-a-fingerprint\n# comment\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join(GITLEAKS_IGNORE),
            "a.env:rule:3\na.env:rule\n",
        )
        .expect("write");
        let set = IgnoreSet::load(dir.path()).expect("loads");
        let lines: Vec<String> = set.warnings.iter().map(|d| d.to_string()).collect();
        assert_eq!(set.warnings.len(), 2, "{lines:?}");
        assert!(
            lines[0].contains(".preflight-allow") && lines[0].contains("line 2"),
            "{lines:?}"
        );
        assert!(
            lines[1].contains(".gitleaksignore") && lines[1].contains("line 2"),
            "{lines:?}"
        );
        assert_eq!(set.fingerprints.len(), 1);
        assert_eq!(set.gitleaks.len(), 1);
    }

    #[test]
    fn baseline_must_be_a_report() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.json");
        std::fs::write(&p, "{\"findings\": [{\"fingerprint\": \"ABC\"}]}").expect("write");
        let set = load_baseline(&p).expect("loads");
        assert!(set.contains(&Fingerprint::from_hex("abc")));
        std::fs::write(&p, "[]").expect("write");
        let err = load_baseline(&p).expect_err("rejects").to_string();
        assert!(err.contains("b.json") && err.contains("findings"), "{err}");
    }
}
