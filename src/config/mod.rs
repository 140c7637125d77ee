//! Finding and loading configuration: the embedded defaults, then the scanned repo's
//! `.gitleaks.toml` (so a team can switch tools without rewriting it), then its `.preflight.toml`
//! or the `--config` file. Later files add rules and allowlists; a rule with an existing id
//! replaces it; `[extend] useDefault = false` drops the defaults and `disabledRules` drops rules.

use crate::deps::ignore::DepIgnore;
use crate::error::{Error, Result};
use crate::secrets::toml::RulesFile;
use crate::secrets::{defaults, RuleSet};
use file::{parse, ConfigFile};
use std::path::{Path, PathBuf};

pub mod file;

/// preflight's own config file name, looked up in the scan root.
pub const CONFIG_FILE: &str = ".preflight.toml";
/// gitleaks' config file name, also honoured in the scan root.
pub const GITLEAKS_FILE: &str = ".gitleaks.toml";
/// How deep `[extend] path` chains may go.
const MAX_EXTEND_DEPTH: usize = 3;

/// Loaded configuration.
#[derive(Debug)]
pub struct Config {
    /// The rules to scan with.
    pub rules: RuleSet,
    /// The user config files that were read, in order.
    pub files: Vec<PathBuf>,
    /// `[[deps.ignore]]` entries of every config file.
    pub deps_ignores: Vec<DepIgnore>,
    /// `[scan] exclude` of every config file: paths no scanner reads.
    pub exclude: Option<regex::RegexSet>,
}

/// Loads the config for a scan of `root` (a directory, or a file whose directory is used).
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    load_with(root, explicit, true)
}

/// [`load`], compiling the secret rules only when `secrets` is set: a scan without the secret
/// scanner needs only the other sections, and compiling ~280 rules is most of its start-up.
pub fn load_with(root: &Path, explicit: Option<&Path>, secrets: bool) -> Result<Config> {
    let dir = if root.is_file() {
        root.parent().unwrap_or(Path::new("."))
    } else {
        root
    };
    let mut user: Vec<PathBuf> = Vec::new();
    let gitleaks = dir.join(GITLEAKS_FILE);
    if gitleaks.is_file() {
        user.push(gitleaks);
    }
    match explicit {
        Some(path) => user.push(path.to_path_buf()),
        None => {
            let own = dir.join(CONFIG_FILE);
            if own.is_file() {
                user.push(own);
            }
        }
    }
    let mut chain: Vec<(String, ConfigFile)> = Vec::new();
    for path in &user {
        read_with_extends(path, 0, &mut chain)?;
    }
    let mut deps_ignores = Vec::new();
    for (origin, file) in &chain {
        for def in file.sections.deps.iter().flat_map(|d| &d.ignore) {
            let ignore = DepIgnore::from_def(def, origin).map_err(|message| Error::Config {
                path: PathBuf::from(origin),
                message,
            })?;
            deps_ignores.push(ignore);
        }
    }
    let patterns: Vec<&String> = chain
        .iter()
        .flat_map(|(_, f)| f.sections.scan.iter().flat_map(|s| &s.exclude))
        .collect();
    let exclude = if patterns.is_empty() {
        None
    } else {
        Some(regex::RegexSet::new(patterns).map_err(|e| Error::Config {
            path: user.last().cloned().unwrap_or_default(),
            message: format!("[scan] exclude: {e}"),
        })?)
    };
    if !secrets {
        let rules = RuleSet::from_files(Vec::new()).map_err(|message| Error::Config {
            path: PathBuf::from("<no rules>"),
            message,
        })?;
        return Ok(Config {
            rules,
            files: user,
            deps_ignores,
            exclude,
        });
    }
    let use_default = !chain.iter().any(|(_, f)| {
        f.secrets
            .extend
            .as_ref()
            .is_some_and(|e| e.use_default == Some(false))
    });
    let mut files: Vec<(String, RulesFile)> = if use_default {
        defaults::files().map_err(|message| Error::Config {
            path: PathBuf::from("<embedded rules>"),
            message,
        })?
    } else {
        Vec::new()
    };
    files.extend(chain.into_iter().map(|(origin, f)| (origin, f.secrets)));
    let rules = RuleSet::from_files(files).map_err(|message| Error::Config {
        path: user.last().cloned().unwrap_or_default(),
        message,
    })?;
    for path in &user {
        let origin = path.display().to_string();
        rules
            .validate_origin(&origin)
            .map_err(|message| Error::Config {
                path: path.clone(),
                message: message
                    .trim_start_matches(&format!("{origin}: "))
                    .to_string(),
            })?;
    }
    Ok(Config {
        rules,
        files: user,
        deps_ignores,
        exclude,
    })
}

/// Reads one config file, after the files its `[extend] path` names.
fn read_with_extends(path: &Path, depth: usize, out: &mut Vec<(String, ConfigFile)>) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let file = parse(&text).map_err(|message| Error::Config {
        path: path.to_path_buf(),
        message,
    })?;
    if let Some(base) = file.secrets.extend.as_ref().and_then(|e| e.path.as_deref()) {
        if depth >= MAX_EXTEND_DEPTH {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: format!("[extend] path chain deeper than {MAX_EXTEND_DEPTH}"),
            });
        }
        let base = path.parent().unwrap_or(Path::new(".")).join(base);
        read_with_extends(&base, depth + 1, out)?;
    }
    out.push((path.display().to_string(), file));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).expect("write");
    }

    #[test]
    fn extends_defaults_and_can_drop_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            CONFIG_FILE,
            "[[rules]]\nid = \"acme\"\nregex = 'acme_[a-z0-9]{12}'\nkeywords = [\"acme_\"]\n",
        );
        let cfg = load(dir.path(), None).expect("loads");
        let n = cfg.rules.rules().len();
        assert!(n > 1 && cfg.rules.rules().iter().any(|r| r.id.as_str() == "acme"));
        write(
            dir.path(),
            GITLEAKS_FILE,
            "[extend]\nuseDefault = false\n[[rules]]\nid = \"x\"\nregex = 'x[0-9]{9}'\n",
        );
        let cfg = load(dir.path(), None).expect("loads");
        assert_eq!(cfg.rules.rules().len(), 2);
    }

    #[test]
    fn bad_regex_names_file_and_rule() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            CONFIG_FILE,
            "[[rules]]\nid = \"bad\"\nregex = '(x'\n",
        );
        let err = load(dir.path(), None).expect_err("fails").to_string();
        assert!(
            err.contains(".preflight.toml") && err.contains("bad"),
            "{err}"
        );
    }

    #[test]
    fn toml_syntax_error_names_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), CONFIG_FILE, "[[rules]]\nid = \n");
        let err = load(dir.path(), None).expect_err("fails").to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
