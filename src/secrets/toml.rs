//! The on-disk rule format: gitleaks' config schema (`[[rules]]`, `[[rules.allowlists]]`,
//! `[allowlist]`, `[[allowlists]]`, `[extend]`) plus preflight's optional keys. Only
//! deserialization lives here; `rule.rs` turns these into compiled rules. The other sections of
//! `.preflight.toml` belong to their scanners and are put together in `config::file`.

use serde::Deserialize;

/// The secret scanner's part of a config file, gitleaks' layout: a rule file of its own
/// (`rules/secrets/*.toml`, `.gitleaks.toml`) or the secret sections of `.preflight.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RulesFile {
    /// Free-text title (ignored).
    #[serde(default)]
    pub title: Option<String>,
    /// `[extend]`: whether and what this file builds on.
    #[serde(default)]
    pub extend: Option<Extend>,
    /// `[[rules]]`.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// Old-style single global `[allowlist]`.
    #[serde(default)]
    pub allowlist: Option<AllowlistDef>,
    /// New-style global `[[allowlists]]` (may name `targetRules`).
    #[serde(default)]
    pub allowlists: Vec<AllowlistDef>,
}

/// `[extend]`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extend {
    /// Build on the embedded default rules.
    #[serde(default)]
    pub use_default: Option<bool>,
    /// Build on another config file (relative to this one).
    #[serde(default)]
    pub path: Option<String>,
    /// Rule ids of the base config to drop.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
}

/// One `[[rules]]` entry.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct RuleDef {
    /// Unique id.
    pub id: String,
    /// One-line description (the finding's title).
    #[serde(default)]
    pub description: Option<String>,
    /// The pattern.
    #[serde(default)]
    pub regex: Option<String>,
    /// Capture group holding the secret.
    #[serde(default)]
    pub secret_group: Option<usize>,
    /// Minimum Shannon entropy of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Literals that must occur near a match.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regex the file path must match.
    #[serde(default)]
    pub path: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// preflight: severity name.
    #[serde(default)]
    pub severity: Option<String>,
    /// preflight: remediation text.
    #[serde(default)]
    pub help: Option<String>,
    /// preflight: the match may span lines.
    #[serde(default)]
    pub multiline: Option<bool>,
    /// preflight: lines that must match.
    #[serde(default)]
    pub examples: Vec<String>,
    /// preflight: lines that must not match.
    #[serde(default, rename = "false_positives")]
    pub false_positives: Vec<String>,
    /// preflight: the virtual file name examples are scanned as.
    #[serde(default, rename = "example_path")]
    pub example_path: Option<String>,
    /// New-style rule allowlists.
    #[serde(default)]
    pub allowlists: Vec<AllowlistDef>,
    /// Old-style single rule allowlist.
    #[serde(default)]
    pub allowlist: Option<AllowlistDef>,
    /// gitleaks composite rules, which preflight does not evaluate (reported at load).
    #[serde(default)]
    pub required: Option<toml::Value>,

    // --- preflight: file-format detection in place of `regex` (`secrets::formats`). ---
    /// The built-in detector that finds this rule's values by their place in a file.
    #[serde(default)]
    pub detector: Option<String>,
    /// Rule ids whose findings on the same secret this rule replaces (it knows the file format).
    #[serde(default)]
    pub replaces: Vec<String>,

    // --- preflight: provider breadth (issue 15). ---
    /// The provider's display name (default: the first tag, the provider slug).
    #[serde(default)]
    pub provider: Option<String>,
    /// A structure or checksum check the secret must pass (`secrets::validate`).
    #[serde(default)]
    pub validate: Option<String>,
}

/// An allowlist table, rule-level or global.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct AllowlistDef {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// `OR` (default) or `AND`.
    #[serde(default)]
    pub condition: Option<String>,
    /// Commit ids (history scans).
    #[serde(default)]
    pub commits: Vec<String>,
    /// Path regexes.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Value regexes.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// What `regexes` are matched against: `secret` (default), `match` or `line`.
    #[serde(default)]
    pub regex_target: Option<String>,
    /// Case-insensitive substrings of the secret.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Global `[[allowlists]]` only: the rules it applies to (empty: all).
    #[serde(default)]
    pub target_rules: Vec<String>,
}

/// Parses a rule file's text; the error names the line.
pub fn parse(text: &str) -> Result<RulesFile, String> {
    parse_as(text)
}

/// Parses TOML text as `T`; the error names the line.
pub fn parse_as<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| {
        let msg = e.message().to_string();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {msg}")
            }
            None => msg,
        }
    })
}
