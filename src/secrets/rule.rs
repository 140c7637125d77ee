//! A compiled secret rule. Regexes (the rule's, its path filter and its allowlists') compile
//! lazily, the first time a file needs them, so a 10-file scan does not pay for 200 rules.

use super::allowlist::Allowlist;
use super::pattern::compile_regex;
use super::toml::{AllowlistDef, RuleDef};
use super::validate::Validator;
use crate::finding::{RuleId, Severity};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// Remediation text for rules that bring none.
pub const DEFAULT_HELP: &str = "Revoke and rotate this credential, remove it from the code, and \
load it at run time from a secret store or an environment variable.";

/// A value compiled on first use, keeping its compile error.
#[derive(Debug)]
pub struct Lazy<S, T> {
    source: S,
    cell: OnceLock<Result<T, String>>,
}

impl<S, T> Lazy<S, T> {
    /// Wraps the source of a value.
    pub fn new(source: S) -> Self {
        Lazy {
            source,
            cell: OnceLock::new(),
        }
    }
    /// The source it compiles from.
    pub fn source(&self) -> &S {
        &self.source
    }
    /// The compiled value, compiling it now if needed.
    pub fn get(&self, compile: impl FnOnce(&S) -> Result<T, String>) -> Result<&T, &str> {
        self.cell
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// A lazily compiled allowlist.
pub type LazyAllowlist = Lazy<AllowlistDef, Allowlist>;

/// Compiles a lazy allowlist.
pub fn allowlist(lazy: &LazyAllowlist) -> Result<&Allowlist, &str> {
    lazy.get(Allowlist::compile)
}

/// How specific a rule is, least first: the ordering decides which of two overlapping matches
/// is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Tagged `generic`: a credential-looking name with any value.
    Generic,
    /// Tagged `context`: a provider's name near a value of its shape (`secrets::providers`).
    Context,
    /// Everything else: the value's own format says which provider it is.
    Specific,
}

/// Whether a regex looks meant to match across lines: a `\n` outside a negated class (`[^\n]`
/// keeps a match on its line), `(?s`, or a PEM armour line. Multi-line rules get windows far
/// past their keyword's line, so a false yes costs speed.
fn spans_lines(regex: &str) -> bool {
    let mut kept = String::with_capacity(regex.len());
    let mut chars = regex.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            kept.push(c);
            kept.extend(chars.next());
        } else if c == '[' && chars.peek() == Some(&'^') {
            // Skip the negated class; a `]` right after `[^` is a literal.
            chars.next();
            let mut first = true;
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        chars.next();
                    }
                    ']' if !first => break,
                    _ => {}
                }
                first = false;
            }
        } else {
            kept.push(c);
        }
    }
    kept.contains("\\n") || kept.contains("(?s") || kept.contains("-----")
}

/// One secret rule.
#[derive(Debug)]
pub struct Rule {
    /// Unique id.
    pub id: RuleId,
    /// Title of its findings.
    pub description: String,
    /// Severity of its findings.
    pub severity: Severity,
    /// Remediation text.
    pub help: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Lowercase keywords (empty: the rule runs on every file).
    pub keywords: Vec<String>,
    /// Capture group of the secret.
    pub secret_group: Option<usize>,
    /// Minimum entropy of the secret.
    pub entropy: Option<f64>,
    /// The match may span lines.
    pub multiline: bool,
    /// A `generic` rule yields to specific rules on the same secret.
    pub generic: bool,
    /// How specific the rule is: where two rules report overlapping secrets, the less specific
    /// one's match is dropped (generic < provider context rule < prefix rule).
    pub tier: Tier,
    /// The provider's display name: the `provider` key, else the first tag (the provider slug).
    pub provider: String,
    /// The structure or checksum check its secrets must pass.
    pub validator: Option<Validator>,
    /// Lines that must match (tests, `rules test`).
    pub examples: Vec<String>,
    /// Lines that must not match.
    pub false_positives: Vec<String>,
    /// Virtual file name for examples.
    pub example_path: String,
    /// Where the rule was defined (embedded file or config path).
    pub origin: String,
    /// The file-format detector that finds this rule's values (in place of a regex).
    pub detector: Option<super::formats::detector::Detector>,
    /// Rule ids whose findings on the same secret this (detector) rule replaces.
    pub replaces: Vec<String>,
    regex: Option<Lazy<String, Regex>>,
    path: Option<Lazy<String, Regex>>,
    allowlists: Vec<LazyAllowlist>,
}

impl Rule {
    /// Builds a rule from its definition; nothing is compiled yet.
    pub fn from_def(def: RuleDef, origin: &str) -> Result<Rule, String> {
        if def.id.trim().is_empty() {
            return Err("a rule has an empty id".into());
        }
        let detector = match def.detector.as_deref() {
            None => None,
            Some(name) => Some(
                super::formats::detector::Detector::from_name(name)
                    .ok_or_else(|| format!("rule {}: unknown detector {name:?}", def.id))?,
            ),
        };
        if detector.is_some() && def.regex.is_some() {
            return Err(format!("rule {}: has both a regex and a detector", def.id));
        }
        if def.regex.is_none() && def.path.is_none() && detector.is_none() {
            return Err(format!(
                "rule {}: needs a regex, a path or a detector",
                def.id
            ));
        }
        if def.required.is_some() {
            return Err(format!(
                "rule {}: composite rules ([[rules.required]]) are not supported",
                def.id
            ));
        }
        let severity = match def.severity.as_deref() {
            None => Severity::High,
            Some(s) => Severity::parse(s)
                .ok_or_else(|| format!("rule {}: unknown severity {s:?}", def.id))?,
        };
        let mut allowlists: Vec<LazyAllowlist> =
            def.allowlists.into_iter().map(Lazy::new).collect();
        allowlists.extend(def.allowlist.map(Lazy::new));
        let multiline = def
            .multiline
            .unwrap_or_else(|| def.regex.as_deref().is_some_and(spans_lines));
        let generic = def.tags.iter().any(|t| t == "generic");
        let tier = if generic {
            Tier::Generic
        } else if def.tags.iter().any(|t| t == "context") {
            Tier::Context
        } else {
            Tier::Specific
        };
        let validator = match def.validate.as_deref() {
            None => None,
            Some(name) => Some(Validator::from_name(name).ok_or_else(|| {
                format!(
                    "rule {}: unknown validator {name:?} (known: {})",
                    def.id,
                    Validator::NAMES.join(", ")
                )
            })?),
        };
        let provider = def
            .provider
            .clone()
            .or_else(|| def.tags.first().cloned())
            .unwrap_or_default();
        Ok(Rule {
            id: RuleId::new(def.id.clone()),
            description: def.description.unwrap_or_else(|| def.id.clone()),
            severity,
            help: def.help.unwrap_or_else(|| DEFAULT_HELP.to_string()),
            tags: def.tags,
            keywords: def
                .keywords
                .iter()
                .map(|k| k.to_ascii_lowercase())
                .filter(|k| !k.is_empty())
                .collect(),
            secret_group: def.secret_group,
            entropy: def.entropy,
            multiline,
            generic,
            tier,
            provider,
            validator,
            examples: def.examples,
            false_positives: def.false_positives,
            example_path: def.example_path.unwrap_or_else(|| "example.txt".into()),
            origin: origin.to_string(),
            detector,
            replaces: def.replaces,
            regex: def.regex.map(Lazy::new),
            path: def.path.map(Lazy::new),
            allowlists,
        })
    }

    /// The rule's regex, compiled on first use; `None` for path-only rules.
    pub fn regex(&self) -> Option<Result<&Regex, &str>> {
        self.regex.as_ref().map(|l| l.get(|s| compile_regex(s)))
    }

    /// The regex source.
    pub fn regex_source(&self) -> Option<&str> {
        self.regex.as_ref().map(|l| l.source().as_str())
    }

    /// Whether the rule applies to this path (its `path` filter, if any, matches).
    pub fn applies_to(&self, path: &str) -> bool {
        match &self.path {
            None => true,
            Some(lazy) => lazy
                .get(|s| compile_regex(s))
                .is_ok_and(|re| re.is_match(path.as_bytes())),
        }
    }

    /// Whether the rule only applies to some paths.
    pub fn has_path_filter(&self) -> bool {
        self.path.is_some()
    }

    /// Whether the rule has a path filter and no regex: the file itself is the finding.
    pub fn is_path_only(&self) -> bool {
        self.regex.is_none() && self.path.is_some() && self.detector.is_none()
    }

    /// The rule's own allowlists.
    pub fn allowlists(&self) -> &[LazyAllowlist] {
        &self.allowlists
    }

    /// Compiles everything now; for user-supplied rules, so a bad regex fails at load time.
    pub fn validate(&self) -> Result<(), String> {
        let with_id = |e: &str| format!("rule {}: {e}", self.id);
        if let Some(Err(e)) = self.regex() {
            return Err(with_id(&format!("regex: {e}")));
        }
        if let Some(lazy) = &self.path {
            lazy.get(|s| compile_regex(s))
                .map_err(|e| with_id(&format!("path: {e}")))?;
        }
        for a in &self.allowlists {
            allowlist(a).map_err(with_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newline_only_in_a_negated_class_keeps_a_rule_on_its_line() {
        assert!(!spans_lines(r"deepseek[^\r\n]{0,80}?(sk-[a-f0-9]{32})"));
        assert!(!spans_lines(r"x[^]\n]y"));
        assert!(spans_lines(r"-----BEGIN RSA PRIVATE KEY-----"));
        assert!(spans_lines(r"(?s)a.*b"));
        assert!(spans_lines(r"key:\n\s+value"));
        assert!(spans_lines(r"[^a]\n"));
    }

    fn def(id: &str, regex: &str) -> RuleDef {
        RuleDef {
            id: id.into(),
            regex: Some(regex.into()),
            ..Default::default()
        }
    }

    #[test]
    fn compiles_lazily_and_reports_bad_regex() {
        let rule = Rule::from_def(def("bad", "(unclosed"), "test").expect("builds");
        assert!(rule.validate().is_err());
        let rule = Rule::from_def(def("ok", "tok_[a-z]+"), "test").expect("builds");
        assert!(rule.validate().is_ok());
    }

    #[test]
    fn rejects_rule_without_pattern() {
        let d = RuleDef {
            id: "x".into(),
            ..Default::default()
        };
        assert!(Rule::from_def(d, "t").is_err());
    }

    #[test]
    fn unicode_fallback_for_unicode_classes() {
        assert!(compile_regex(r"\p{Greek}+").is_ok());
        assert!(compile_regex(r"[a-z]{3}").is_ok());
    }
}
