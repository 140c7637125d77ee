use super::*;
use crate::report::testdata::{clean, github_token, history, sample, staged};
use serde_json::Value;

const SCHEMA: &str = include_str!("../../../docs/json-report.schema.json");

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the report is JSON")
}

/// Our schema with `additionalProperties: false` added to every object that lists its
/// properties: the published schema lets consumers accept additive changes, the test must
/// catch a field that the documentation does not know.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

fn schema_errors(report: &Value) -> Vec<String> {
    let mut schema = parse(SCHEMA);
    strict(&mut schema);
    errors_against(&schema, report)
}

/// Errors of `value` against one of our schema's `$defs` (strict), e.g. `finding`.
fn def_errors(def: &str, value: &Value) -> Vec<String> {
    let mut full = parse(SCHEMA);
    strict(&mut full);
    let schema = serde_json::json!({
        "$schema": full["$schema"].clone(),
        "$defs": full["$defs"].clone(),
        "$ref": format!("#/$defs/{def}"),
    });
    errors_against(&schema, value)
}

fn errors_against(schema: &Value, value: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("our schema compiles");
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn report_is_valid_against_our_schema() {
    let opts = RenderOptions::default();
    for result in [sample(), clean(), history(), staged()] {
        let report = parse(&render(&result, &opts));
        assert_eq!(schema_errors(&report), Vec::<String>::new());
        let loose = jsonschema::validator_for(&parse(SCHEMA)).expect("our schema compiles");
        assert!(loose.is_valid(&report));
    }
}

/// The first JSON example of the docs is a whole report, the second a history finding.
#[test]
fn documented_examples_are_valid() {
    let doc = include_str!("../../../docs/json-report.md");
    let examples: Vec<Value> = doc
        .split("```json\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .map(parse)
        .collect();
    assert_eq!(
        examples.len(),
        2,
        "docs/json-report.md has two JSON examples"
    );
    assert_eq!(schema_errors(&examples[0]), Vec::<String>::new());
    assert_eq!(def_errors("finding", &examples[1]), Vec::<String>::new());
    assert!(examples[1]["provenance"]["also_in"].is_array());
}

#[test]
fn schema_rejects_a_wrong_report() {
    let mut report = parse(&render(&sample(), &RenderOptions::default()));
    report["findings"][0]["severity"] = Value::from("dire");
    report["version"] = Value::from(2);
    assert_eq!(schema_errors(&report).len(), 2);
    let mut report = parse(&render(&history(), &RenderOptions::default()));
    report["mode"] = Value::from("blame");
    report["findings"][0]["provenance"]["in_head"] = Value::from("no");
    report["findings"][0]["provenance"]["also_in"][0]["sha"] = Value::from("x");
    assert_eq!(
        schema_errors(&report).len(),
        3,
        "{:?}",
        schema_errors(&report)
    );
}

#[test]
fn header_summary_and_finding_fields() {
    let report = parse(&render(&sample(), &RenderOptions::default()));
    assert_eq!(report["schema"], "preflight-report");
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["summary"]["total"], 3);
    assert_eq!(report["summary"]["by_severity"]["critical"], 1);
    assert_eq!(report["summary"]["by_severity"]["info"], 0);
    assert_eq!(report["summary"]["files_with_findings"], 2);
    assert_eq!(report["summary"]["stats"]["skipped_too_large"], 2);
    let first = &report["findings"][0];
    assert_eq!(first["evidence"]["secret"], "ghp_…(40 chars)");
    assert_eq!(first["evidence"]["entropy"], 4.12);
    assert_eq!(first["message"], "token ghp_…(40 chars) in env file");
    assert!(first["location"].get("commit").is_none());
    assert_eq!(report["findings"][1]["evidence"]["decoded"], "base64");
    let commit = &report["findings"][2]["location"]["commit"];
    assert_eq!(commit.as_str().map(str::len), Some(40));
}

#[test]
fn fingerprints_are_where_baselines_read_them() {
    let result = sample();
    let report = parse(&render(&result, &RenderOptions::default()));
    let read: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["fingerprint"].as_str())
        .collect();
    let want: Vec<&str> = result
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(read, want);
}

#[test]
fn no_redact_writes_the_raw_secret_and_says_so() {
    let opts = RenderOptions {
        redact: false,
        ..RenderOptions::default()
    };
    let report = parse(&render(&sample(), &opts));
    assert_eq!(report["redacted"], false);
    assert_eq!(report["findings"][0]["evidence"]["secret"], github_token());
}

#[test]
fn clean_report() {
    // The crate version changes with every release; the shape must not.
    let out = render(&clean(), &RenderOptions::default())
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
        .replace(&rules_hash(&clean().rules), "[rules hash]");
    insta::assert_snapshot!(out, @r#"
    {
      "schema": "preflight-report",
      "version": 1,
      "tool": {
        "name": "preflight",
        "version": "[version]"
      },
      "root": ".",
      "mode": "tree",
      "redacted": true,
      "scanners": [],
      "rules_hash": "[rules hash]",
      "summary": {
        "total": 0,
        "by_severity": {
          "critical": 0,
          "high": 0,
          "medium": 0,
          "low": 0,
          "info": 0
        },
        "files_with_findings": 0,
        "errors": 0,
        "warnings": 0,
        "stats": {
          "files_scanned": 1,
          "bytes_scanned": 512,
          "skipped_binary": 0,
          "skipped_too_large": 0,
          "skipped_excluded": 0,
          "non_utf8": 0,
          "suppressed_inline": 0,
          "suppressed_ignore_file": 0,
          "suppressed_baseline": 0,
          "commits": 0,
          "lockfiles": 0,
          "compose_projects": 0,
          "duration_ms": 3
        }
      },
      "coverage": {
        "complete": true,
        "allow_incomplete": false,
        "gaps": []
      },
      "findings": [],
      "diagnostics": [],
      "suppressed": []
    }
    "#);
}

#[test]
fn output_is_deterministic() {
    let opts = RenderOptions::default();
    assert_eq!(render(&sample(), &opts), render(&sample(), &opts));
}

#[test]
fn entropy_rounds_to_two_decimals() {
    assert_eq!(round2(4.125_9), 4.13);
    assert_eq!(round2(f64::NAN), 0.0);
}
