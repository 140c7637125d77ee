//! `preflight scan` on fixture trees: reports, exit codes, suppression, edge cases of the walk.

use crate::common::{assert_valid_sarif, filters, TestTree};
use insta::{assert_snapshot, with_settings};

fn snap(name: &str, text: &str) {
    with_settings!({ filters => filters() }, { assert_snapshot!(name, text) });
}

/// Secret-shaped values built at run time, so that this file holds none.
fn token(prefix: &str, body: &str, n: usize) -> String {
    let body = body.repeat(n / body.len() + 1);
    if matches!(prefix, "ghp_" | "npm_") && n == 36 {
        // Their rules check the CRC32 suffix (`secrets::validate`): give them a valid one.
        return preflight::secrets::validate::crc32_token(prefix, &body[..30]);
    }
    format!("{prefix}{}", &body[..n])
}

#[test]
fn basic_tree_text() {
    let tree = TestTree::copy_of("secrets/basic");
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 1, "{}", run.render());
    snap("basic_text", &run.render());
}

#[test]
fn basic_tree_json() {
    let tree = TestTree::copy_of("secrets/basic");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(doc["findings"].as_array().is_some_and(|f| f.len() >= 5));
    snap("basic_json", &run.stdout);
}

#[test]
fn basic_tree_sarif_is_valid() {
    let tree = TestTree::copy_of("secrets/basic");
    let run = tree.preflight(["scan", ".", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    assert_valid_sarif(&run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut results = doc["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(results.len() >= 5);
    for r in &mut results {
        assert_eq!(r["ruleId"], rules_at(&doc, r)["id"]);
        // The index moves whenever a rule is added; it was just checked.
        r.as_object_mut().map(|o| o.remove("ruleIndex"));
        assert!(r["partialFingerprints"]["preflight/v1"].is_string());
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    }
    // The driver lists every rule (hundreds, changing as rules are added): snapshot the results
    // and the rule entries they point at.
    let rules = &doc["runs"][0]["tool"]["driver"]["rules"];
    let used: Vec<serde_json::Value> = results
        .iter()
        .filter_map(|r| {
            let all = rules.as_array()?;
            all.iter().find(|rule| rule["id"] == r["ruleId"]).cloned()
        })
        .collect();
    let view = serde_json::json!({ "results": results, "rules_used": used });
    snap(
        "basic_sarif",
        &serde_json::to_string_pretty(&view).expect("JSON"),
    );
}

fn rules_at<'a>(doc: &'a serde_json::Value, result: &serde_json::Value) -> &'a serde_json::Value {
    let i = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
    &doc["runs"][0]["tool"]["driver"]["rules"][i]
}

#[test]
fn secrets_are_redacted_in_every_format_unless_asked() {
    let tree = TestTree::copy_of("secrets/basic");
    let raw = std::fs::read_to_string(tree.path().join(".env")).expect("read");
    let gh = raw
        .lines()
        .next()
        .and_then(|l| l.split('=').nth(1))
        .expect("token");
    for format in ["text", "json", "sarif"] {
        let run = tree.preflight(["scan", ".", "--format", format]);
        assert!(
            run.stdout.contains(&gh[..4]),
            "{format}: expected redacted form"
        );
        assert!(!run.stdout.contains(gh), "{format} leaks the secret");
        let shown = tree.preflight(["scan", ".", "--format", format, "--no-redact"]);
        assert!(shown.stdout.contains(gh), "{format}: --no-redact shows it");
    }
}

#[test]
fn placeholders_are_clean() {
    let tree = TestTree::copy_of("secrets/placeholders");
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
    snap("placeholders_text", &run.render());
}

#[test]
fn fail_on_threshold() {
    let tree = TestTree::empty();
    tree.write("a.txt", format!("jwt = {}\n", jwt()));
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sev = doc["findings"][0]["severity"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(sev, "medium", "{}", run.stdout);
    assert_eq!(run.code, 1);
    assert_eq!(tree.preflight(["scan", ".", "--fail-on", "high"]).code, 0);
    assert_eq!(tree.preflight(["scan", ".", "--fail-on", "medium"]).code, 1);
}

fn jwt() -> String {
    use base64::Engine as _;
    let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let header = e(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = e(r#"{"sub":"svc-orders","iat":1733011200,"scope":"admin"}"#);
    format!("{header}.{payload}.{}", token("", "Qx7vR2mK9pL4wZ8n", 43))
}

#[test]
fn suppression_inline_ignorefile_and_preflightignore() {
    let tree = TestTree::copy_of("secrets/suppressed");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    // The inline-allowed token and the .preflightignore'd vendor/ file are gone; one remains.
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert_eq!(doc["summary"]["stats"]["suppressed_inline"], 1);
    let fp = findings[0]["fingerprint"]
        .as_str()
        .expect("fingerprint")
        .to_string();
    tree.write(
        ".preflight-allow",
        format!("# reviewed: mock token\n{fp}\n"),
    );
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
    snap("suppressed_text", &run.render());
}

#[test]
fn gitleaksignore_entries_are_honoured() {
    let tree = TestTree::copy_of("secrets/suppressed");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let f = &doc["findings"][0];
    let entry = format!(
        "{}:{}:{}",
        f["location"]["path"].as_str().unwrap_or(""),
        f["rule_id"].as_str().unwrap_or(""),
        f["location"]["start_line"]
    );
    tree.write(".gitleaksignore", format!("{entry}\n"));
    assert_eq!(tree.preflight(["scan", "."]).code, 0);
}

#[test]
fn baseline_suppresses_known_findings_only() {
    let tree = TestTree::copy_of("secrets/basic");
    let run = tree.preflight(["baseline", "baseline.json", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
    let run = tree.preflight(["scan", ".", "--baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.render());
    // A secret that moves to another line keeps its fingerprint; a new one is reported.
    let env = std::fs::read_to_string(tree.path().join(".env")).expect("read");
    let new = token("npm_", "Zq8RvX2mKt7LpW4n", 36);
    tree.write(".env", format!("# moved\n\n{env}NPM_TOKEN={new}\n"));
    let run = tree.preflight([
        "scan",
        ".",
        "--baseline",
        "baseline.json",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    assert_eq!(findings[0]["location"]["start_line"], 6);
    assert_eq!(run.code, 1);
}

#[test]
fn bad_baseline_is_a_clear_error() {
    let tree = TestTree::copy_of("secrets/basic");
    tree.write("b.json", "not json");
    let run = tree.preflight(["scan", ".", "--baseline", "b.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("preflight: b.json: not a JSON report"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn kubernetes_secret_values_are_decoded() {
    let tree = TestTree::copy_of("secrets/k8s");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    assert!(findings.len() >= 2, "{}", run.stdout);
    assert!(findings
        .iter()
        .all(|f| f["evidence"]["decoded"] == "base64"));
    assert_eq!(findings[0]["location"]["start_line"], 7);
    assert_eq!(findings[0]["location"]["start_column"], 17);
}

#[test]
fn crlf_and_minified_lines_get_right_positions() {
    let tree = TestTree::copy_of("secrets/crlf");
    let filler: String = "abcdefghij;(){}=".chars().cycle().take(200_000).collect();
    let key = token("sk_live_", "ea6hGawFQRrIhHl5", 24);
    tree.write(
        "bundle.min.js",
        format!("var a=1;{filler}var k=\"{key}\";{filler}\n"),
    );
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    let at = |path: &str| {
        findings
            .iter()
            .find(|f| f["location"]["path"] == path)
            .map(|f| {
                (
                    f["location"]["start_line"].clone(),
                    f["location"]["start_column"].clone(),
                )
            })
    };
    assert_eq!(
        at("windows.ini"),
        Some((3.into(), 10.into())),
        "{}",
        run.stdout
    );
    let col = 8 + 200_000 + "var k=\"".len() + 1;
    assert_eq!(
        at("bundle.min.js"),
        Some((1.into(), col.into())),
        "{}",
        run.stdout
    );
}

#[test]
fn binary_large_and_non_utf8_files() {
    let tree = TestTree::empty();
    let gh = token("ghp_", "Hm7vQ2xKp9LzR4wE", 36);
    tree.write("bin.dat", [b"\x00\x01".as_slice(), gh.as_bytes()].concat());
    tree.write("big.txt", format!("{}\ntoken={gh}\n", "x".repeat(4096)));
    tree.write(
        "latin1.txt",
        [b"caf\xe9 = 1\ngh = ".as_slice(), gh.as_bytes()].concat(),
    );
    let run = tree.preflight(["scan", ".", "--max-file-size", "1K", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let stats = &doc["summary"]["stats"];
    assert_eq!(stats["skipped_binary"], 1, "{}", run.stdout);
    assert_eq!(stats["skipped_too_large"], 1);
    assert_eq!(stats["non_utf8"], 1);
    assert_eq!(doc["findings"][0]["location"]["path"], "latin1.txt");
    // The oversized file is a gap naming it; binary content no scanner claims is policy.
    let errors: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["level"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0]["path"], "big.txt");
    assert_eq!(doc["coverage"]["gaps"][0]["subject"], "big.txt");
    assert_eq!(
        run.code, 2,
        "a file skipped for size leaves the scan incomplete"
    );
    let text = tree.preflight(["scan", ".", "--max-file-size", "1K", "-q"]);
    assert!(
        text.stderr
            .contains("error: big.txt: larger than --max-file-size"),
        "{}",
        text.stderr
    );
    let text = tree.preflight(["scan", ".", "--max-file-size", "1K", "--allow-incomplete"]);
    assert!(text.stdout.contains("1 binary"), "{}", text.stdout);
    assert!(
        text.stdout.contains("INCOMPLETE: 1 error"),
        "{}",
        text.stdout
    );
    assert_eq!(text.code, 1, "with --allow-incomplete the findings decide");
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_not_followed() {
    let outside = TestTree::empty();
    outside.write(
        "secret.env",
        format!("T={}\n", token("ghp_", "Hm7vQ2xKp9LzR4wE", 36)),
    );
    let tree = TestTree::empty();
    tree.write("ok.txt", "nothing\n");
    std::os::unix::fs::symlink(outside.path(), tree.path().join("link")).expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("secret.env"), tree.path().join("f.env"))
        .expect("symlink");
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
}

#[test]
fn gitleaks_config_in_the_repo_is_loaded() {
    let tree = TestTree::copy_of("secrets/gitleaks-config");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(ids, ["acme-internal-token"], "{}", run.stdout);
    assert_eq!(findings[0]["location"]["start_line"], 1);
}

#[test]
fn output_file_and_quiet() {
    let tree = TestTree::copy_of("secrets/basic");
    let run = tree.preflight(["scan", ".", "-f", "sarif", "-o", "out.sarif"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("wrote SARIF report to out.sarif"),
        "{}",
        run.stderr
    );
    let sarif = std::fs::read_to_string(tree.path().join("out.sarif")).expect("written");
    assert_valid_sarif(&sarif);
    let quiet = tree.preflight(["scan", ".", "--quiet"]);
    assert!(!quiet.stdout.contains("scanned"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains(".env"));
}

#[test]
fn preflight_reports_nothing_on_its_own_repo() {
    let repo = crate::common::repo();
    // Audit our own lockfiles against the real advisories when they are beside the repo.
    let db = crate::deps::shared_advisory_db();
    let db_arg = db
        .as_ref()
        .map_or_else(String::new, |d| d.path().display().to_string());
    let mut args = vec!["scan", "."];
    if db.is_some() {
        args = vec!["--db", db_arg.as_str(), "scan", "."];
    } else {
        args.push("--offline");
    }
    let run = crate::common::run_in(&repo, args);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(run.stdout.contains("no findings"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn an_unreadable_tree_fails_closed() {
    use std::os::unix::fs::PermissionsExt;
    let tree = TestTree::empty();
    tree.write("a.env", "A=1\n");
    tree.write("Cargo.lock", "version = 3\n");
    for name in ["a.env", "Cargo.lock"] {
        let p = tree.path().join(name);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    // Root reads every file whatever its mode; the test means an unprivileged user.
    if std::fs::read(tree.path().join("a.env")).is_ok() {
        eprintln!("skip: running as root, mode 000 files are still readable");
        return;
    }
    let run = tree.preflight(["scan", ".", "-q"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("a.env: cannot read: permission denied"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_lockfile_with_binary_content_is_a_gap() {
    let tree = TestTree::empty();
    tree.write("Cargo.lock", b"version = 3\n\0\n");
    let run = tree.preflight(["scan", ".", "--format", "json", "--scanners", "deps"]);
    assert_eq!(run.code, 2, "{}", run.render());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["coverage"]["gaps"][0]["subject"], "Cargo.lock");
    assert!(
        run.stderr.contains("Cargo.lock: holds binary content"),
        "{}",
        run.stderr
    );
}

#[test]
fn too_many_threads_are_clamped() {
    let tree = TestTree::empty();
    tree.write("a.txt", "hello\n");
    let run = tree.preflight(["scan", ".", "--threads", "100000"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stderr.contains("--threads 100000 is more than helps"),
        "{}",
        run.stderr
    );
}
