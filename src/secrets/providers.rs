//! Provider context rules (issue 15 item 2): services whose keys carry no distinctive prefix are
//! listed as data in `rules/secrets/context/*.toml` (`[[providers]]`: the names that say which
//! service a value belongs to, the value's shape, severity, where to revoke, examples), and each
//! entry expands here into one ordinary rule. The rule runs only behind its names as keywords,
//! compiles lazily like every rule, is tagged `[slug, kind, "context"]`, and outranks the generic
//! rules on the same secret (`rule::Tier`). Only the expansion lives here; scanning is the engine's.

use super::toml::{RuleDef, RulesFile};
use serde::Deserialize;

/// One context file: `[[providers]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvidersFile {
    /// The services.
    #[serde(default)]
    pub providers: Vec<ProviderDef>,
}

/// One service without a distinctive token prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    /// Lowercase slug: the first tag and the start of the rule id.
    pub slug: String,
    /// Display name ("Sendbird").
    pub name: String,
    /// Credential kind: the second tag and the end of the rule id (default `api-key`).
    #[serde(default)]
    pub kind: Option<String>,
    /// Variable and config-key stems (`SENDBIRD`): a name holding one, ending in a credential
    /// word (key, token, secret, ...), assigned a value of the shape.
    #[serde(default)]
    pub names: Vec<String>,
    /// Whole HTTP header or key names (`X-Sendbird-Api-Token`) followed by the value.
    #[serde(default)]
    pub headers: Vec<String>,
    /// SDK constructors taking the key as their first or second string argument.
    #[serde(default)]
    pub calls: Vec<String>,
    /// The value's alphabet: hex, base62, alnum-lower, alnum-upper, base64, base64url, uuid.
    pub shape: String,
    /// Length range `[min, max]` (or `[n]`); ignored for `uuid`.
    #[serde(default)]
    pub length: Vec<usize>,
    /// Minimum entropy (default by shape).
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Severity name (default high).
    #[serde(default)]
    pub severity: Option<String>,
    /// Where to revoke or rotate the credential (the help text names it).
    pub revoke: String,
    /// Remediation text replacing the one built from `revoke`.
    #[serde(default)]
    pub help: Option<String>,
    /// Lines that must produce this rule's finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Lines that must not.
    #[serde(default)]
    pub false_positives: Vec<String>,
}

/// Credential words a variable name must end with, so `ACME_APP_ID` or `ACME_URL` is not read.
const CREDENTIAL_WORDS: &str =
    "(?:api[_.-]?key|key|token|secret|secret[_.-]?key|password|pass|auth|credentials?|certificate|pat|apikey)s?";

/// Parses one context file and expands every provider into a rule.
pub fn parse(text: &str) -> Result<RulesFile, String> {
    let file: ProvidersFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        match line {
            Some(line) => format!("line {line}: {}", e.message()),
            None => e.message().to_string(),
        }
    })?;
    let rules = file
        .providers
        .into_iter()
        .map(expand)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RulesFile {
        rules,
        ..Default::default()
    })
}

/// The value's pattern and its default minimum entropy.
fn value_pattern(p: &ProviderDef) -> Result<(String, f64), String> {
    let (min, max) = match p.length.as_slice() {
        [n] => (*n, *n),
        [a, b] if a <= b => (*a, *b),
        _ if p.shape == "uuid" => (36, 36),
        _ => {
            return Err(format!(
                "provider {}: length must be [n] or [min, max]",
                p.slug
            ))
        }
    };
    if max >= 250 || min < 8 {
        return Err(format!("provider {}: length must lie in 8..250", p.slug));
    }
    let rep = if min == max {
        format!("{{{min}}}")
    } else {
        format!("{{{min},{max}}}")
    };
    let (class, entropy) = match p.shape.as_str() {
        "hex" => ("[0-9a-fA-F]", 3.0),
        "base62" => ("[A-Za-z0-9]", 3.3),
        "alnum-lower" => ("[a-z0-9]", 3.2),
        "alnum-upper" => ("[A-Z0-9]", 3.2),
        "base64url" => ("[A-Za-z0-9_-]", 3.3),
        "base64" => return Ok((format!("[A-Za-z0-9+/]{rep}={{0,2}}"), 3.5)),
        "uuid" => {
            let h = "[0-9a-fA-F]";
            return Ok((
                format!("{h}{{8}}-{h}{{4}}-{h}{{4}}-{h}{{4}}-{h}{{12}}"),
                3.0,
            ));
        }
        other => return Err(format!("provider {}: unknown shape {other:?}", p.slug)),
    };
    Ok((format!("{class}{rep}"), entropy))
}

/// Regex-escaped, `|`-joined names.
fn alternation(names: &[String]) -> String {
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
}

/// The rule's regex: one alternative per kind of name, each with the value as its group.
fn pattern(p: &ProviderDef, value: &str) -> String {
    // The value ends where its alphabet does; a longer run is some other thing.
    let end = r#"(?:[^A-Za-z0-9_+/=-]|$)"#;
    let mut alts = Vec::new();
    if !p.names.is_empty() {
        alts.push(format!(
            r#"(?i:(?:{})[A-Za-z0-9_.-]{{0,32}}?{CREDENTIAL_WORDS})["'\]]{{0,2}}\s*(?::=|=>|=|:|,)\s*["'`]?({value}){end}"#,
            alternation(&p.names)
        ));
    }
    if !p.headers.is_empty() {
        alts.push(format!(
            r#"(?i:{})["']?\s*[:=,]\s*["']?({value}){end}"#,
            alternation(&p.headers)
        ));
    }
    if !p.calls.is_empty() {
        alts.push(format!(
            r#"(?i:{})\s*\(\s*(?:["'][^"'\r\n]{{1,80}}["']\s*,\s*)?["']({value})["']"#,
            alternation(&p.calls)
        ));
    }
    format!("(?:{})", alts.join("|"))
}

/// One provider as a rule definition.
fn expand(p: ProviderDef) -> Result<RuleDef, String> {
    let slug = p.slug.trim().to_string();
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "provider {:?}: slug must be lowercase a-z, 0-9, -",
            p.slug
        ));
    }
    if p.names.is_empty() && p.headers.is_empty() && p.calls.is_empty() {
        return Err(format!("provider {slug}: needs names, headers or calls"));
    }
    let kind = p.kind.clone().unwrap_or_else(|| "api-key".into());
    let (value, default_entropy) = value_pattern(&p)?;
    let keywords = p
        .names
        .iter()
        .chain(&p.headers)
        .chain(&p.calls)
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let help = p.help.clone().unwrap_or_else(|| {
        format!(
            "Revoke or rotate this {} {} at {}, then load the new one from a secret store or an \
             environment variable instead of the source.",
            p.name,
            kind.replace('-', " "),
            p.revoke
        )
    });
    Ok(RuleDef {
        id: format!("{slug}-{kind}"),
        description: Some(format!("{} {}", p.name, kind.replace('-', " "))),
        regex: Some(pattern(&p, &value)),
        entropy: Some(p.entropy.unwrap_or(default_entropy)),
        keywords,
        tags: vec![slug, kind, "context".into()],
        severity: p.severity,
        help: Some(help),
        examples: p.examples,
        false_positives: p.false_positives,
        provider: Some(p.name),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{scan_blob, RuleSet};

    const ACME: &str = r#"
[[providers]]
slug = "acme"
name = "Acme Cloud"
names = ["ACME"]
headers = ["X-Acme-Key"]
calls = ["AcmeClient"]
shape = "hex"
length = [32]
revoke = "https://console.acme.example.test/keys"
examples = ['ACME_API_KEY = "9f2c4e7a1b3d5f60718293a4b5c6d7e8"'] # preflight:allow (synthetic test value)
false_positives = ['ACME_APP_ID = "9f2c4e7a1b3d5f60718293a4b5c6d7e8"']
"#;

    fn set() -> RuleSet {
        let mut generic = crate::secrets::toml::parse(
            "[[rules]]\nid = \"generic\"\nregex = '(?i)key\\s*=\\s*\"([^\"]{8,})\"'\nkeywords = [\"key\"]\ntags = [\"generic\"]\n",
        )
        .expect("parses");
        generic.rules.extend(parse(ACME).expect("expands").rules);
        RuleSet::from_files(vec![("t".into(), generic)]).expect("builds")
    }

    #[test]
    fn expands_into_a_tagged_rule_named_for_the_provider() {
        let set = set();
        let rule = set.rules().iter().find(|r| r.id.as_str() == "acme-api-key");
        let rule = rule.expect("expanded");
        assert_eq!(rule.provider, "Acme Cloud");
        assert_eq!(rule.tags, ["acme", "api-key", "context"]);
        assert_eq!(rule.keywords, ["acme", "x-acme-key", "acmeclient"]);
        assert!(rule.help.contains("https://console.acme.example.test/keys"));
    }

    #[test]
    fn names_headers_and_calls_match_and_generic_yields() {
        let set = set();
        let key = "9f2c4e7a1b3d5f60718293a4b5c6d7e8";
        for line in [
            format!("ACME_API_KEY = \"{key}\""),
            format!("X-Acme-Key: {key}"),
            format!("client = AcmeClient(\"acct-1\", \"{key}\")"),
        ] {
            let found = scan_blob(&set, "a.py", None, line.as_bytes()).findings;
            let ids: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
            assert_eq!(ids, ["acme-api-key"], "{line}");
        }
        let other = scan_blob(
            &set,
            "a.py",
            None,
            format!("ACME_URL = \"{key}\"").as_bytes(),
        );
        assert!(other.findings.is_empty());
    }

    #[test]
    fn bad_entries_are_errors_not_panics() {
        let bad = ACME.replace("shape = \"hex\"", "shape = \"emoji\"");
        assert!(parse(&bad).is_err_and(|e| e.contains("unknown shape")));
        let long = ACME.replace("length = [32]", "length = [8, 400]");
        assert!(parse(&long).is_err());
        assert!(parse("[[providers]]\nslug = 1\n").is_err_and(|e| e.starts_with("line ")));
    }
}
