//! Allowlists with gitleaks semantics: commits, path regexes, value regexes (against the secret,
//! the whole match or the line) and stopwords, combined with `OR` (any check allows) or `AND`
//! (every check that is set must allow).

use super::toml::AllowlistDef;
use regex::bytes::Regex;

/// What `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexTarget {
    /// The secret (capture group).
    Secret,
    /// The whole regex match.
    Match,
    /// The line(s) holding the match.
    Line,
}

/// A compiled allowlist.
#[derive(Debug, Clone)]
pub struct Allowlist {
    and: bool,
    commits: Vec<String>,
    paths: Vec<Regex>,
    regexes: Vec<Regex>,
    target: RegexTarget,
    stopwords: Vec<String>,
    /// Global allowlists only: rule ids it applies to; empty means all rules.
    pub target_rules: Vec<String>,
}

/// The texts a candidate finding offers to an allowlist.
pub struct Candidate<'a> {
    /// Path relative to the scan root.
    pub path: &'a str,
    /// The commit, in history scans.
    pub commit: Option<&'a str>,
    /// The secret.
    pub secret: &'a [u8],
    /// The whole match.
    pub matched: &'a [u8],
    /// The line(s) of the match.
    pub line: &'a [u8],
}

impl Allowlist {
    /// Compiles a definition; the error says which regex is bad.
    pub fn compile(def: &AllowlistDef) -> Result<Self, String> {
        let and = match def
            .condition
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            None | Some("OR") => false,
            Some("AND") => true,
            Some(other) => return Err(format!("allowlist condition {other:?}: use OR or AND")),
        };
        let target = match def.regex_target.as_deref() {
            None | Some("secret") | Some("") => RegexTarget::Secret,
            Some("match") => RegexTarget::Match,
            Some("line") => RegexTarget::Line,
            Some(other) => {
                return Err(format!(
                    "allowlist regexTarget {other:?}: use secret, match or line"
                ))
            }
        };
        Ok(Allowlist {
            and,
            commits: def.commits.clone(),
            paths: compile_all(&def.paths, "allowlist path")?,
            regexes: compile_all(&def.regexes, "allowlist regex")?,
            target,
            stopwords: def
                .stopwords
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            target_rules: def.target_rules.clone(),
        })
    }

    /// Whether this allowlist has nothing but path checks (so a file can be skipped unread).
    pub fn is_path_only(&self) -> bool {
        !self.paths.is_empty()
            && self.commits.is_empty()
            && self.regexes.is_empty()
            && self.stopwords.is_empty()
    }

    /// Whether the path alone allows everything in it (only meaningful when `is_path_only`).
    pub fn allows_path(&self, path: &str) -> bool {
        self.paths.iter().any(|re| re.is_match(path.as_bytes()))
    }

    /// Whether a finding introduced by `commit` is allowed on the commit alone: an `OR` list
    /// naming the commit, or an `AND` list whose only check is commits. History scans ask this
    /// after attributing a finding, since one blob is shared by many commits.
    pub fn allows_commit(&self, commit: &str) -> bool {
        let named = self
            .commits
            .iter()
            .any(|a| !a.is_empty() && commit.starts_with(a.as_str()));
        let only_commits =
            self.paths.is_empty() && self.regexes.is_empty() && self.stopwords.is_empty();
        named && (!self.and || only_commits)
    }

    /// Whether the candidate is allowed (dropped).
    pub fn allows(&self, c: &Candidate<'_>) -> bool {
        let mut checks: [Option<bool>; 4] = [None; 4];
        if !self.commits.is_empty() {
            checks[0] = Some(c.commit.is_some_and(|id| {
                self.commits
                    .iter()
                    .any(|a| !a.is_empty() && id.starts_with(a.as_str()))
            }));
        }
        if !self.paths.is_empty() {
            checks[1] = Some(self.allows_path(c.path));
        }
        if !self.regexes.is_empty() {
            let text = match self.target {
                RegexTarget::Secret => c.secret,
                RegexTarget::Match => c.matched,
                RegexTarget::Line => c.line,
            };
            checks[2] = Some(self.regexes.iter().any(|re| re.is_match(text)));
        }
        if !self.stopwords.is_empty() {
            let lower = c.secret.to_ascii_lowercase();
            checks[3] = Some(
                self.stopwords
                    .iter()
                    .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some()),
            );
        }
        let mut set = checks.iter().flatten();
        if self.and {
            let all: Vec<bool> = set.copied().collect();
            !all.is_empty() && all.iter().all(|&b| b)
        } else {
            set.any(|&b| b)
        }
    }
}

/// Compiles a list of regexes for bytes, naming the bad one.
pub fn compile_all(patterns: &[String], what: &str) -> Result<Vec<Regex>, String> {
    patterns
        .iter()
        .map(|p| super::pattern::compile_regex(p).map_err(|e| format!("{what} {p:?}: {e}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'a>(path: &'a str, secret: &'a str) -> Candidate<'a> {
        Candidate {
            path,
            commit: None,
            secret: secret.as_bytes(),
            matched: secret.as_bytes(),
            line: secret.as_bytes(),
        }
    }

    #[test]
    fn or_and_conditions() {
        let def = AllowlistDef {
            paths: vec!["^test/".into()],
            stopwords: vec!["dummy".into()],
            ..Default::default()
        };
        let or = Allowlist::compile(&def).expect("compiles");
        assert!(or.allows(&cand("test/a.rs", "real")));
        assert!(or.allows(&cand("src/a.rs", "xDUMMYx")));
        assert!(!or.allows(&cand("src/a.rs", "real")));
        let and = Allowlist::compile(&AllowlistDef {
            condition: Some("AND".into()),
            ..def
        })
        .expect("compiles");
        assert!(!and.allows(&cand("test/a.rs", "real")));
        assert!(and.allows(&cand("test/a.rs", "dummy1")));
    }

    #[test]
    fn bad_condition_is_an_error() {
        let def = AllowlistDef {
            condition: Some("XOR".into()),
            ..Default::default()
        };
        assert!(Allowlist::compile(&def).is_err());
    }
}
