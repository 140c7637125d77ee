//! The release policy (`[policy]` in `.preflight.toml`) and the GO / NO-GO verdict it gives
//! over a set of scan results. Rules are checked in a fixed order; the first that fails names
//! the verdict's reason, so the sentence is the same for the same input.

use super::{Input, ScanReport};
use crate::finding::Severity;
use serde::Deserialize;

/// `[policy]`: what a release must satisfy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// The policy's name, shown with the verdict.
    #[serde(default = "default_name")]
    pub name: String,
    /// No finding at or above this severity.
    #[serde(default = "default_fail_on")]
    pub fail_on: Severity,
    /// No secret finding at all.
    #[serde(default = "yes")]
    pub no_live_secrets: bool,
    /// No data store published on all interfaces (compose rule DC001).
    #[serde(default = "yes")]
    pub no_public_data_stores: bool,
    /// The advisory index at most this many days old, when a lockfile was audited.
    #[serde(default = "default_age")]
    pub max_index_age_days: u64,
    /// No error-level diagnostic (every scan complete).
    #[serde(default = "yes")]
    pub no_scanner_errors: bool,
}

fn default_name() -> String {
    "default".into()
}
fn default_fail_on() -> Severity {
    Severity::High
}
fn yes() -> bool {
    true
}
fn default_age() -> u64 {
    7
}

impl Default for PolicySection {
    fn default() -> Self {
        PolicySection {
            name: default_name(),
            fail_on: default_fail_on(),
            no_live_secrets: true,
            no_public_data_stores: true,
            max_index_age_days: default_age(),
            no_scanner_errors: true,
        }
    }
}

/// The policy's judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// GO: every rule holds.
    pub go: bool,
    /// The policy's name.
    pub policy: String,
    /// One sentence: why NO-GO (the first failed rule, with counts), or that every rule held.
    pub reason: String,
}

fn findings(inputs: &[Input]) -> impl Iterator<Item = &super::Finding> {
    inputs.iter().flat_map(|i| &i.report.findings)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn check_severity(p: &PolicySection, inputs: &[Input]) -> Option<String> {
    let bad: Vec<Severity> = findings(inputs)
        .map(|f| f.severity)
        .filter(|s| *s >= p.fail_on)
        .collect();
    if bad.is_empty() {
        return None;
    }
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = bad.iter().filter(|b| *b == s).count();
            (n > 0).then(|| format!("{n} {}", s.as_str()))
        })
        .collect();
    Some(format!(
        "{} at or above {} ({})",
        plural(bad.len(), "finding"),
        p.fail_on.as_str(),
        parts.join(", ")
    ))
}

fn check_secrets(inputs: &[Input]) -> Option<String> {
    let n = findings(inputs).filter(|f| f.category == "secret").count();
    (n > 0).then(|| format!("{} found (the policy allows none)", plural(n, "secret")))
}

fn check_data_stores(inputs: &[Input]) -> Option<String> {
    let n = findings(inputs).filter(|f| f.rule_id == "DC001").count();
    (n > 0).then(|| {
        format!(
            "{} published on all interfaces (DC001)",
            plural(n, "data store port")
        )
    })
}

fn audited(r: &ScanReport) -> bool {
    r.summary.stats.lockfiles > 0
}

fn check_index_age(p: &PolicySection, inputs: &[Input]) -> Option<String> {
    let mut old = Vec::new();
    let mut missing = 0;
    for i in inputs.iter().filter(|i| audited(&i.report)) {
        match i
            .report
            .dependencies
            .as_ref()
            .and_then(|d| d.index.as_ref())
        {
            Some(idx) if idx.age_days > p.max_index_age_days => old.push(idx.age_days),
            Some(_) => {}
            None => missing += 1,
        }
    }
    if let Some(max) = old.iter().max() {
        return Some(format!(
            "the advisory index was {max} days old in {} (the policy allows {})",
            plural(old.len(), "scan"),
            p.max_index_age_days
        ));
    }
    (missing > 0).then(|| {
        format!(
            "{} read lockfiles without an advisory index",
            plural(missing, "scan")
        )
    })
}

fn check_errors(inputs: &[Input]) -> Option<String> {
    let n: usize = inputs
        .iter()
        .flat_map(|i| &i.report.diagnostics)
        .filter(|d| d.level == "error")
        .count();
    (n > 0).then(|| format!("{} left the scan incomplete", plural(n, "scanner error")))
}

/// Judges the inputs: GO when every enabled rule holds.
pub fn evaluate(p: &PolicySection, inputs: &[Input]) -> Verdict {
    let failed = check_severity(p, inputs)
        .or_else(|| p.no_live_secrets.then(|| check_secrets(inputs)).flatten())
        .or_else(|| {
            p.no_public_data_stores
                .then(|| check_data_stores(inputs))
                .flatten()
        })
        .or_else(|| check_index_age(p, inputs))
        .or_else(|| p.no_scanner_errors.then(|| check_errors(inputs)).flatten());
    let go = failed.is_none();
    let reason = match failed {
        Some(why) => format!("NO-GO under policy \"{}\": {why}.", p.name),
        None => format!(
            "GO under policy \"{}\": every rule holds (nothing at or above {}).",
            p.name,
            p.fail_on.as_str()
        ),
    };
    Verdict {
        go,
        policy: p.name.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Dependencies, Diagnostic, Finding, Index};
    use super::*;

    fn input(findings: Vec<Finding>) -> Input {
        Input {
            file: "a.json".into(),
            report: ScanReport {
                findings,
                ..Default::default()
            },
        }
    }

    fn finding(rule: &str, category: &str, severity: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            category: category.into(),
            severity,
            ..Default::default()
        }
    }

    #[test]
    fn an_empty_scan_is_go() {
        let v = evaluate(&PolicySection::default(), &[input(vec![])]);
        assert!(v.go, "{v:?}");
        assert_eq!(v.policy, "default");
    }

    #[test]
    fn the_first_failed_rule_names_the_reason_with_counts() {
        let fs = vec![
            finding("x", "secret", Severity::Critical),
            finding("y", "dependency", Severity::High),
            finding("z", "dependency", Severity::Low),
        ];
        let v = evaluate(&PolicySection::default(), &[input(fs)]);
        assert!(!v.go);
        assert_eq!(
            v.reason,
            "NO-GO under policy \"default\": 2 findings at or above high (1 critical, 1 high)."
        );
    }

    #[test]
    fn secrets_data_stores_index_age_and_errors_each_fail() {
        let p = PolicySection {
            fail_on: Severity::Critical,
            ..Default::default()
        };
        let v = evaluate(&p, &[input(vec![finding("s", "secret", Severity::Low)])]);
        assert!(v.reason.contains("1 secret found"), "{}", v.reason);
        let v = evaluate(
            &p,
            &[input(vec![finding("DC001", "config", Severity::High)])],
        );
        assert!(v.reason.contains("DC001"), "{}", v.reason);
        let mut old = input(vec![]);
        old.report.summary.stats.lockfiles = 1;
        old.report.dependencies = Some(Dependencies {
            index: Some(Index {
                age_days: 30,
                ..Default::default()
            }),
            ..Default::default()
        });
        let v = evaluate(&p, std::slice::from_ref(&old));
        assert!(v.reason.contains("30 days old"), "{}", v.reason);
        let mut broken = input(vec![]);
        broken.report.diagnostics.push(Diagnostic {
            level: "error".into(),
            ..Default::default()
        });
        let v = evaluate(&p, &[broken]);
        assert!(v.reason.contains("1 scanner error"), "{}", v.reason);
    }

    #[test]
    fn disabled_rules_do_not_fail() {
        let p = PolicySection {
            fail_on: Severity::Critical,
            no_live_secrets: false,
            ..Default::default()
        };
        assert!(evaluate(&p, &[input(vec![finding("s", "secret", Severity::Low)])]).go);
    }

    #[test]
    fn the_section_refuses_unknown_keys() {
        let ok: PolicySection =
            toml::from_str("name = \"release\"\nfail_on = \"critical\"").expect("valid policy");
        assert_eq!(ok.fail_on, Severity::Critical);
        assert!(toml::from_str::<PolicySection>("fail-on = \"high\"").is_err());
    }
}
