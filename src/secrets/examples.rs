//! Rules carry their own examples: every `examples` entry must produce a finding of its rule and
//! every `false_positives` entry none. Shared by the test suite and `preflight rules test`, which
//! also explains, rule by rule, why a file matched or not.

use super::allowlist::Candidate;
use super::entropy::shannon;
use super::rule::allowlist;
use super::{scan_blob, RuleSet};
use std::fmt::Write as _;

/// Runs every rule's examples through the real scan entry point; one line per failure.
pub fn check_examples(set: &RuleSet) -> Vec<String> {
    let mut failures = Vec::new();
    for rule in set.rules() {
        let fires = |text: &str| {
            scan_blob(set, &rule.example_path, None, text.as_bytes())
                .findings
                .iter()
                .any(|f| f.rule_id == rule.id)
        };
        // An example a file-format rule reports instead (it replaces this rule there) still counts.
        let replaced = |f: &crate::finding::Finding| {
            set.rules().iter().any(|r| {
                r.id == f.rule_id
                    && r.detector.is_some()
                    && (rule.generic || r.replaces.iter().any(|id| id == rule.id.as_str()))
            })
        };
        let fires_or_replaced = |text: &str| {
            scan_blob(set, &rule.example_path, None, text.as_bytes())
                .findings
                .iter()
                .any(|f| f.rule_id == rule.id || replaced(f))
        };
        if rule.examples.is_empty() {
            failures.push(format!("{}: has no examples", rule.id));
        }
        if rule.false_positives.is_empty() {
            failures.push(format!("{}: has no false_positives", rule.id));
        }
        for ex in rule.examples.iter().filter(|ex| !fires_or_replaced(ex)) {
            failures.push(format!("{}: example does not match: {ex}", rule.id));
        }
        for fp in rule.false_positives.iter().filter(|fp| fires(fp)) {
            failures.push(format!("{}: false positive matches: {fp}", rule.id));
        }
    }
    failures
}

/// Explains, for a file, each rule whose keywords occur in it: its regex matches and the verdict
/// on each (reported, or why not).
pub fn explain(set: &RuleSet, path: &str, data: &[u8]) -> String {
    let lower = data.to_ascii_lowercase();
    let found = scan_blob(set, path, None, data);
    let mut out = String::new();
    for rule in set.rules() {
        let hits: Vec<&str> = rule
            .keywords
            .iter()
            .filter(|k| memchr::memmem::find(&lower, k.as_bytes()).is_some())
            .map(String::as_str)
            .collect();
        if !rule.keywords.is_empty() && hits.is_empty() {
            continue;
        }
        let _ = writeln!(out, "rule {} ({})", rule.id, rule.description);
        if hits.is_empty() {
            let _ = writeln!(out, "  runs on every file (no keywords)");
        } else {
            let _ = writeln!(out, "  keywords present: {}", hits.join(", "));
        }
        if !rule.applies_to(path) {
            let _ = writeln!(
                out,
                "  skipped: path {path} does not match the rule's path filter"
            );
            continue;
        }
        match rule.regex() {
            None => {
                let _ = writeln!(out, "  path rule: the file name matches");
            }
            Some(Err(e)) => {
                let _ = writeln!(out, "  regex does not compile: {e}");
            }
            Some(Ok(re)) => {
                let ctx = Context {
                    set,
                    path,
                    data,
                    found: &found.findings,
                };
                explain_matches(&ctx, rule, re, &mut out);
            }
        }
    }
    let _ = writeln!(out, "result: {} finding(s)", found.findings.len());
    for f in &found.findings {
        let _ = writeln!(
            out,
            "  {}:{}  {}  {}",
            f.location.start_line, f.location.start_column, f.rule_id, f.message
        );
    }
    out
}

/// What `explain_matches` looks at besides the rule.
struct Context<'a> {
    set: &'a RuleSet,
    path: &'a str,
    data: &'a [u8],
    found: &'a [crate::finding::Finding],
}

fn explain_matches(
    ctx: &Context<'_>,
    rule: &super::rule::Rule,
    re: &regex::bytes::Regex,
    out: &mut String,
) {
    let Context {
        set, path, data, ..
    } = *ctx;
    let mut any = false;
    for caps in re.captures_iter(data) {
        let Some(m) = caps.get(0) else { continue };
        any = true;
        let group = match rule.secret_group {
            Some(g) => caps.get(g),
            None => (1..caps.len()).find_map(|g| caps.get(g)),
        }
        .unwrap_or(m);
        let secret = group.as_bytes();
        let line = data[..m.start()].iter().filter(|&&b| b == b'\n').count() + 1;
        let last = line + m.as_bytes().iter().filter(|&&b| b == b'\n').count();
        let redacted = crate::finding::Secret::new(String::from_utf8_lossy(secret)).redacted();
        let entropy = shannon(secret);
        let _ = write!(
            out,
            "  line {line}: matches, secret {redacted}, entropy {entropy:.2}"
        );
        let (ls, le) = super::engine::line_bounds(data, m.start(), m.end());
        let candidate = Candidate {
            path,
            commit: None,
            secret,
            matched: m.as_bytes(),
            line: &data[ls..le],
        };
        let verdict = if rule.entropy.is_some_and(|min| entropy < min) {
            format!(
                "dropped: entropy below {:.2}",
                rule.entropy.unwrap_or_default()
            )
        } else if let Some(v) = rule.validator.filter(|v| !v.check(secret)) {
            format!("dropped: fails its {} check", v.name())
        } else if let Some(i) = rule
            .allowlists()
            .iter()
            .position(|a| allowlist(a).is_ok_and(|a| a.allows(&candidate)))
        {
            format!("dropped: rule allowlist #{}", i + 1)
        } else if set
            .global_allowlists()
            .iter()
            .any(|a| allowlist(a).is_ok_and(|a| a.allows(&candidate)))
        {
            "dropped: global allowlist".to_string()
        } else if ctx
            .found
            .iter()
            .any(|f| f.rule_id == rule.id && (line..=last).contains(&f.location.start_line))
        {
            "kept".to_string()
        } else {
            // This explanation runs the regex over the whole file; the scan only near keywords.
            "passes the checks, but the scan does not reach it: no keyword on its line".to_string()
        };
        let _ = writeln!(out, " -> {verdict}");
    }
    if !any {
        let _ = writeln!(out, "  regex does not match");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_match_their_examples() {
        let set = super::super::defaults::rule_set().expect("embedded rules parse");
        let failures = check_examples(&set);
        assert!(
            failures.is_empty(),
            "{} failing example(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
