//! The whole `.preflight.toml` schema, put together from the sections each part owns: the secret
//! scanner's gitleaks-layout tables (`secrets::toml`), `[deps]` (`deps::ignore`), and `[scan]`
//! (here, since it applies to every scanner).

use crate::deps::ignore::Section as DepsSection;
use crate::secrets::toml::RulesFile;
use serde::Deserialize;

/// A whole config file.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// The secret rules and allowlists, at the top level as gitleaks writes them.
    pub secrets: RulesFile,
    /// The other scanners' sections.
    pub sections: Sections,
}

/// The sections of `.preflight.toml` that are not the secret scanner's.
#[derive(Debug, Default, Deserialize)]
pub struct Sections {
    /// `[deps]`: dependency audit settings (preflight only).
    #[serde(default)]
    pub deps: Option<DepsSection>,
    /// `[scan]`: settings for every scanner (preflight only).
    #[serde(default)]
    pub scan: Option<ScanSection>,
    /// `[policy]`: the release policy of `preflight report` (preflight only).
    #[serde(default)]
    pub policy: Option<crate::report::audit::policy::PolicySection>,
}

/// `[scan]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    /// Regexes on paths relative to the scan root: files no scanner reads (unlike an
    /// `[allowlist] paths` entry, which only silences secret rules).
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Parses a config file's text; the error names the line. Each part reads the same text for its
/// own keys (serde's `flatten` would lose the line of an error inside the rules).
pub fn parse(text: &str) -> Result<ConfigFile, String> {
    Ok(ConfigFile {
        secrets: crate::secrets::toml::parse_as(text)?,
        sections: crate::secrets::toml::parse_as(text)?,
    })
}
