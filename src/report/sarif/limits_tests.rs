//! Tests of the SARIF log on large synthetic scans: GitHub's limits, fingerprints that survive a
//! line shift, `automationDetails`, `helpUri`, and schema validity of a capped log.

use super::{render, render_checked, sarif_schema_errors};
use crate::catalog::RuleMeta;
use crate::finding::{Finding, Related, RuleId, Severity};
use crate::report::testdata::sample;
use crate::report::RenderOptions;
use crate::result::{ScanMode, ScanResult};
use serde_json::Value;

fn doc(result: &ScanResult) -> Value {
    serde_json::from_str(&render(result, &RenderOptions::default())).expect("SARIF is JSON")
}

/// `n` findings, cycling through every severity, each in its own file.
fn big_scan(n: usize) -> ScanResult {
    let mut result = sample();
    let template = result.findings[0].clone();
    result.findings = (0..n)
        .map(|i| {
            let mut f = template.clone();
            f.severity = Severity::ALL[i % Severity::ALL.len()];
            f.location.path = format!("src/gen/file{i:05}.env");
            f.fingerprint = crate::finding::Fingerprint::from_hex(&format!("{i:064x}"));
            f
        })
        .collect();
    result.scanners = vec!["secrets", "deps", "config"];
    result
}

#[test]
fn results_above_the_limit_keep_the_most_severe_and_say_so() {
    let result = big_scan(30_000);
    let (text, warnings) = render_checked(&result, &RenderOptions::default());
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    // 6,000 of each severity: every critical, high, medium and low one is kept, 1,000 info.
    let info = results
        .iter()
        .filter(|r| r["properties"]["severity"] == "info");
    assert_eq!(info.count(), 1_000);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let message = &warnings[0].message;
    assert!(message.contains("at most 25000 results"), "{message}");
    assert!(message.contains("dropped 5000"), "{message}");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(notes
        .iter()
        .any(|n| n["level"] == "warning" && n["message"]["text"] == message.as_str()));
    // Warnings do not make the run fail.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().all(|r| r["helpUri"].as_str().is_some()
        && r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())
        && r["help"]["markdown"].as_str().is_some()));
    assert_eq!(
        run["automationDetails"]["id"],
        "preflight/secrets+deps+config/"
    );
    for r in results.iter().take(100) {
        let hash = r["partialFingerprints"]["primaryLocationLineHash"].as_str();
        let ours = r["partialFingerprints"]["preflight/v1"].as_str();
        assert_eq!(hash, ours.map(|o| format!("{o}:1")).as_deref());
    }
    if let Some(errors) = sarif_schema_errors(&doc) {
        assert_eq!(errors, Vec::<String>::new());
    }
}

#[test]
fn below_the_limits_nothing_is_dropped() {
    let (text, warnings) = render_checked(&big_scan(2_000), &RenderOptions::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(doc["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        doc["runs"][0]["results"].as_array().map(Vec::len),
        Some(2_000)
    );
}

#[test]
fn a_log_too_big_gzipped_is_cut_to_fit() {
    // Messages of incompressible text: 20,000 x 1,000 bytes cannot gzip below 10 MB.
    let mut result = big_scan(20_000);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for f in &mut result.findings {
        f.message = (0..1_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(
                    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
                        [(state % 64) as usize],
                )
            })
            .collect();
    }
    let (text, warnings) = render_checked(&result, &RenderOptions::default());
    assert!(super::limits::gzip_len(&text) <= super::limits::MAX_GZIP_BYTES);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("gzipped"), "{warnings:?}");
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let kept = doc["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(kept > 5_000 && kept < 20_000, "{kept}");
    let lowest_kept = doc["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["properties"]["severity"] == "info")
        .count();
    // Info findings (the least severe) go first.
    assert!(lowest_kept < 4_000, "{lowest_kept}");
}

#[test]
fn fingerprints_survive_a_line_shift_and_tell_copies_apart() {
    let before = sample();
    let mut after = sample();
    for f in &mut after.findings {
        f.location.start_line += 7;
        f.location.end_line += 7;
    }
    let hashes = |r: &ScanResult| -> Vec<Value> {
        doc(r)["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["partialFingerprints"]["primaryLocationLineHash"].clone())
            .collect()
    };
    assert_eq!(hashes(&before), hashes(&after));
    let mut copies = sample();
    let copy = copies.findings[0].clone();
    copies.findings.insert(1, copy);
    let h = hashes(&copies);
    assert_ne!(h[0], h[1]);
    assert!(h[1].as_str().is_some_and(|s| s.ends_with(":2")));
}

#[test]
fn automation_ids_name_scanners_and_mode() {
    let mut result = sample();
    result.scanners = vec!["secrets"];
    result.mode = ScanMode::History;
    assert_eq!(
        doc(&result)["runs"][0]["automationDetails"]["id"],
        "preflight/secrets/history/"
    );
    result.mode = ScanMode::Staged;
    assert_eq!(
        doc(&result)["runs"][0]["automationDetails"]["id"],
        "preflight/secrets/staged/"
    );
    result.mode = ScanMode::Tree;
    result.scanners = vec!["deps", "config"];
    assert_eq!(
        doc(&result)["runs"][0]["automationDetails"]["id"],
        "preflight/deps+config/"
    );
}

#[test]
fn rules_and_related_locations_are_capped() {
    let mut result = sample();
    let template = result.rules[0].clone();
    let used = result.findings[0].rule_id.clone();
    result.rules = (0..26_000)
        .map(|i| RuleMeta {
            id: RuleId::new(format!("zz-unused-{i:05}")),
            ..template.clone()
        })
        .collect();
    result.rules.sort_by(|a, b| a.id.cmp(&b.id));
    let related = Related {
        location: result.findings[0].location.clone(),
        message: "also here".into(),
    };
    result.findings[0].related = vec![related; 1_500];
    let (text, warnings) = render_checked(&result, &RenderOptions::default());
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 25_000);
    assert!(rules.iter().any(|r| r["id"] == used.as_str()));
    let findings: Vec<&Finding> = result.findings.iter().collect();
    assert!(findings.iter().all(|f| run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["ruleId"] == f.rule_id.as_str())));
    let first = &run["results"][0];
    assert_eq!(
        first["relatedLocations"].as_array().map(Vec::len),
        Some(1_000)
    );
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("related locations")));
}
