//! The default rules and global allowlist, embedded at build time from `rules/`.

use super::providers;
use super::toml::{parse, RulesFile};
use super::RuleSet;
use rayon::prelude::*;

include!(concat!(env!("OUT_DIR"), "/default_rules.rs"));

/// The embedded global allowlist (placeholders, documented example keys).
pub const ALLOWLIST: (&str, &str) = (
    "rules/allowlist.toml",
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/allowlist.toml")),
);

/// The embedded files, parsed. An embedded file that fails to parse is a build defect that
/// `embedded_rules_parse` catches; at run time it is reported, not panicked on.
pub fn files() -> Result<Vec<(String, RulesFile)>, String> {
    type Parser = fn(&str) -> Result<RulesFile, String>;
    let rules = RULE_FILES.iter().map(|f| (f, parse as Parser));
    // Provider context files expand into ordinary rules (`providers.rs`).
    let context = PROVIDER_FILES
        .iter()
        .map(|f| (f, providers::parse as Parser));
    let allowlist = std::iter::once((&ALLOWLIST, parse as Parser));
    let all: Vec<_> = rules.chain(context).chain(allowlist).collect();
    // Parsing ~1 MB of TOML was a fifth of a 10-file scan's start-up: the files parse on all
    // cores (in order: later files' rules replace earlier ones with the same id).
    all.into_par_iter()
        .map(|((name, text), parse)| {
            parse(text)
                .map(|f| (name.to_string(), f))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect()
}

/// The default rule set.
pub fn rule_set() -> Result<RuleSet, String> {
    RuleSet::from_files(files()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_parse_and_compile() {
        let set = rule_set().expect("embedded rules parse");
        let mut errors = Vec::new();
        for rule in set.rules() {
            if let Err(e) = rule.validate() {
                errors.push(e);
            }
        }
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert!(set.rules().len() >= 150, "only {} rules", set.rules().len());
    }

    #[test]
    fn embedded_regexes_avoid_large_bounded_repeats() {
        // `[^"]{8,1000}` compiles 1000 copies of its class (milliseconds per rule at start-up);
        // windows are bounded already, so `{8,}` matches the same secrets.
        let big = regex::Regex::new(r"\{[0-9]+,([0-9]{3,})\}").expect("static");
        let mut slow = Vec::new();
        for rule in rule_set().expect("parse").rules() {
            let src = rule.regex_source().unwrap_or("");
            for caps in big.captures_iter(src) {
                if caps[1].parse::<u32>().unwrap_or(0) >= 250 {
                    slow.push(format!("{}: {}", rule.id, &caps[0]));
                }
            }
        }
        assert!(slow.is_empty(), "large bounded repeats: {slow:?}");
    }

    #[test]
    fn embedded_rule_ids_are_unique() {
        let mut ids: Vec<String> = Vec::new();
        let mut dups = Vec::new();
        for (_, file) in files().expect("parse") {
            for r in file.rules {
                if ids.contains(&r.id) {
                    dups.push(r.id.clone());
                }
                ids.push(r.id);
            }
        }
        assert!(dups.is_empty(), "duplicate ids: {dups:?}");
    }

    #[test]
    fn every_rule_carries_its_proof() {
        let set = rule_set().expect("parse");
        let mut missing = Vec::new();
        for r in set.rules() {
            if r.tags.len() < 2 {
                missing.push(format!("{}: tags need [provider, kind]", r.id));
            }
            if r.help == super::super::rule::DEFAULT_HELP || r.help.len() < 20 {
                missing.push(format!("{}: help must say where to revoke it", r.id));
            }
            if r.provider.is_empty() {
                missing.push(format!("{}: no provider", r.id));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn readme_provider_count_is_current() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let n = rule_set().expect("parse").provider_count();
        let marker = format!("<!-- providers: {n} -->");
        assert!(
            readme.contains(&marker),
            "README.md is stale: the rules cover {n} providers; update the line holding \
             `<!-- providers: N -->` to say `{marker} {n} providers covered`"
        );
    }
}
