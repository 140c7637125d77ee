//! The credential-file benchmark as a test: `preflight scan` over `fixtures/credential-files/`
//! must report every line `TRUTH.tsv` lists under its rule (exact recall) and nothing on a decoy
//! line, with plaintext credentials high and password hashes medium.

use crate::common::{repo, TestTree};
use std::collections::{BTreeMap, BTreeSet};

/// `(path, line) -> rule id or "decoy"`.
fn truth() -> BTreeMap<(String, u64), String> {
    let text = std::fs::read_to_string(repo().join("fixtures/credential-files/TRUTH.tsv"))
        .expect("TRUTH.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "TRUTH.tsv line {l:?}");
            let line = f[1].parse().expect("line number");
            ((f[0].to_string(), line), f[2].to_string())
        })
        .collect()
}

/// `(path, line) -> (rule ids, severities)` of a JSON report.
fn reported(stdout: &str) -> BTreeMap<(String, u64), BTreeSet<(String, String)>> {
    let doc: serde_json::Value = serde_json::from_str(stdout).expect("JSON report");
    let mut out: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    for f in doc["findings"].as_array().expect("findings") {
        let loc = &f["location"];
        let key = (
            loc["path"].as_str().unwrap_or_default().to_string(),
            loc["start_line"].as_u64().unwrap_or_default(),
        );
        let rule = f["rule_id"].as_str().unwrap_or_default().to_string();
        let sev = f["severity"].as_str().unwrap_or_default().to_string();
        out.entry(key).or_default().insert((rule, sev));
    }
    out
}

#[test]
fn every_credential_line_found_and_no_decoy_reported() {
    let tree = TestTree::copy_of("credential-files");
    std::fs::remove_file(tree.path().join("TRUTH.tsv")).expect("rm TRUTH.tsv");
    let run = tree.preflight(["scan", ".", "--scanners", "secrets", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.render());
    let got = reported(&run.stdout);
    let truth = truth();
    let mut problems = Vec::new();
    for ((path, line), rule) in &truth {
        let here = got.get(&(path.clone(), *line));
        let rules: BTreeSet<&str> = here
            .into_iter()
            .flatten()
            .map(|(r, _)| r.as_str())
            .collect();
        if rule == "decoy" && !rules.is_empty() {
            problems.push(format!("decoy {path}:{line} reported by {rules:?}"));
        } else if rule != "decoy" && !rules.contains(rule.as_str()) {
            problems.push(format!("{path}:{line} missed {rule} (got {rules:?})"));
        }
    }
    for (path, line) in got.keys() {
        if !truth.contains_key(&(path.clone(), *line)) {
            problems.push(format!("{path}:{line} reported but not in TRUTH.tsv"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn plaintext_is_high_hashes_medium_encrypted_informative() {
    let tree = TestTree::copy_of("credential-files");
    let run = tree.preflight(["scan", ".", "--scanners", "secrets", "--format", "json"]);
    let got = reported(&run.stdout);
    let severity_of = |rule: &str| -> BTreeSet<String> {
        got.values()
            .flatten()
            .filter(|(r, _)| r == rule)
            .map(|(_, s)| s.clone())
            .collect()
    };
    for rule in [
        "netrc-credential",
        "pgpass-password",
        "docker-config-credential",
        "ide-deployment-password",
        "url-password",
        "kubernetes-secret-credential",
    ] {
        assert_eq!(
            severity_of(rule),
            BTreeSet::from(["high".to_string()]),
            "{rule}"
        );
    }
    for rule in ["password-hash-file", "sql-dump-password-hash"] {
        assert_eq!(
            severity_of(rule),
            BTreeSet::from(["medium".to_string()]),
            "{rule}"
        );
    }
    assert_eq!(
        severity_of("firefox-logins-encrypted"),
        BTreeSet::from(["info".to_string()])
    );
}

#[test]
fn rules_list_shows_the_credential_file_rules_with_tags() {
    let tree = TestTree::empty();
    let run = tree.preflight(["rules", "list"]);
    assert_eq!(run.code, 0, "{}", run.render());
    for id in [
        "netrc-credential",
        "url-password",
        "source-credential-call",
        "password-hash-file",
    ] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{}", run.stdout));
        assert!(line.contains("credential-file"), "{line}");
    }
}
