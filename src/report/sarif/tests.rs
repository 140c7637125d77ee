use super::*;
use crate::report::testdata::{aws_key, clean, github_token, history, sample, staged};
use serde_json::Value;

fn sarif(result: &ScanResult, opts: &RenderOptions) -> Value {
    serde_json::from_str(&render(result, opts)).expect("SARIF is JSON")
}

#[test]
fn valid_against_the_official_schema() {
    for result in [sample(), clean(), history(), staged()] {
        let doc = sarif(&result, &RenderOptions::default());
        if let Some(errors) = sarif_schema_errors(&doc) {
            assert_eq!(errors, Vec::<String>::new());
        }
    }
}

#[test]
fn schema_helper_reports_errors() {
    let mut doc = sarif(&sample(), &RenderOptions::default());
    doc["runs"][0]["results"][0]["level"] = json!("dire");
    doc["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] = json!(["x", "x"]);
    if let Some(errors) = sarif_schema_errors(&doc) {
        assert_eq!(errors.len(), 2, "{errors:?}");
    }
}

#[test]
fn driver_rules_carry_github_properties() {
    let doc = sarif(&sample(), &RenderOptions::default());
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "preflight");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let gh = &driver["rules"][1];
    assert_eq!(gh["id"], "github-pat");
    assert_eq!(gh["name"], "GithubPat");
    assert_eq!(
        gh["shortDescription"]["text"],
        "GitHub personal access token"
    );
    assert_eq!(gh["defaultConfiguration"]["level"], "error");
    assert_eq!(gh["properties"]["security-severity"], "9.5");
    assert_eq!(gh["properties"]["precision"], "high");
    assert_eq!(gh["properties"]["problem.severity"], "error");
    assert_eq!(
        gh["properties"]["tags"],
        json!(["secret", "token", "security"])
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/project/"
    );
}

#[test]
fn results_point_into_rules_and_files() {
    let doc = sarif(&sample(), &RenderOptions::default());
    let results = &doc["runs"][0]["results"];
    let first = &results[0];
    assert_eq!(first["ruleId"], "github-pat");
    assert_eq!(first["ruleIndex"], 1);
    assert_eq!(first["level"], "error");
    let phys = &first["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "config/app%20settings.env");
    assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        phys["region"],
        json!({"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 49})
    );
    let fingerprint = sample().findings[0].fingerprint.as_str().to_owned();
    assert_eq!(
        first["partialFingerprints"]["preflight/v1"],
        json!(fingerprint)
    );
    assert_eq!(
        first["properties"],
        json!({"severity": "critical", "category": "secret"})
    );
    let third = &results[2];
    assert_eq!(third["ruleIndex"], 0);
    assert_eq!(
        third["properties"]["commit"].as_str().map(str::len),
        Some(40)
    );
    assert!(third["message"]["text"]
        .as_str()
        .is_some_and(|t| t.ends_with("in commit 0123456789abcdef0123456789abcdef01234567")));
}

#[test]
fn messages_carry_the_redacted_secret_only() {
    let doc = sarif(&sample(), &RenderOptions::default());
    let text = doc["runs"][0]["results"][0]["message"]["text"].clone();
    assert_eq!(
        text,
        "token ghp_…(40 chars) in env file (secret: ghp_…(40 chars))"
    );
    let raw = RenderOptions {
        redact: false,
        ..RenderOptions::default()
    };
    let doc = sarif(&sample(), &raw);
    let text = doc["runs"][0]["results"][1]["message"]["text"]
        .as_str()
        .map(str::to_owned);
    assert!(text.is_some_and(|t| t.contains(&aws_key())));
    assert!(render(&sample(), &raw).contains(&github_token()));
}

#[test]
fn diagnostics_become_notifications() {
    let doc = sarif(&sample(), &RenderOptions::default());
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = &invocation["toolExecutionNotifications"];
    assert_eq!(notes[0]["level"], "warning");
    assert_eq!(notes[1]["level"], "error");
    assert_eq!(
        notes[1]["message"]["text"],
        "cannot read: permission denied"
    );
    let uri = &notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "secret/locked.txt");
    let clean_doc = sarif(&clean(), &RenderOptions::default());
    assert_eq!(
        clean_doc["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert!(clean_doc["runs"][0].get("originalUriBaseIds").is_none());
}

#[test]
fn rules_missing_from_the_catalogue_are_synthesized() {
    let mut result = sample();
    result.rules.clear();
    let doc = sarif(&result, &RenderOptions::default());
    let rules = &doc["runs"][0]["tool"]["driver"]["rules"];
    assert_eq!(rules.as_array().map(Vec::len), Some(2));
    assert_eq!(doc["runs"][0]["results"][2]["ruleIndex"], 1);
}

#[test]
fn names_and_uris() {
    assert_eq!(pascal_case("github-pat-classic"), "GithubPatClassic");
    assert_eq!(pascal_case("DC010"), "DC010");
    assert_eq!(pascal_case("aws_access.key"), "AwsAccessKey");
    assert_eq!(
        crate::uri::percent_encode("a b/ü#?%.rs"),
        "a%20b/%C3%BC%23%3F%25.rs"
    );
    assert_eq!(crate::uri::percent_encode("c:x"), "c%3Ax");
}
