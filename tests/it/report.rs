//! `preflight report`: the audit report from saved JSON results (issue 13 item 1).

use crate::common::{repo, TestTree};

/// Scans a copy of `fixtures/<name>` into `<name>.json` in the tree's directory.
fn scan_json(tree: &TestTree, fixture: &str, out: &str) {
    let src = repo().join("fixtures").join(fixture);
    let run = tree.preflight([
        "scan".as_ref(),
        src.as_os_str(),
        "--scanners=secrets,config".as_ref(),
        "--format=json".as_ref(),
        "-o".as_ref(),
        out.as_ref(),
    ]);
    assert!(run.code <= 1, "{}", run.render());
}

fn fixture_results() -> TestTree {
    let tree = TestTree::empty();
    scan_json(&tree, "secrets/basic", "secrets.json");
    scan_json(&tree, "compose/dc001-trigger", "compose.json");
    tree
}

/// Strips what differs between machines, runs and releases: the scan day, the fixture root,
/// the rule-set hash and the preflight version.
pub fn stable(text: &str) -> String {
    let root = repo().join("fixtures").display().to_string();
    let day = regex::Regex::new(r"Scanned on \| \d{4}-\d{2}-\d{2}").expect("regex");
    let hash = regex::Regex::new(r"`[0-9a-f]{32}`").expect("regex");
    let version = regex::Regex::new(r"preflight version \| [^|]+ \|").expect("regex");
    let text = text.replace(&root, "[fixtures]");
    let text = day.replace_all(&text, "Scanned on | [day]");
    let text = hash.replace_all(&text, "`[rules hash]`");
    version
        .replace_all(&text, "preflight version | [version] |")
        .into_owned()
}

#[test]
fn markdown_report_of_fixture_scans() {
    let tree = fixture_results();
    let run = tree.preflight([
        "report",
        "secrets.json",
        "compose.json",
        "--format",
        "markdown",
        "--date",
        "2026-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    insta::assert_snapshot!(stable(&run.stdout));
}

#[test]
fn fail_on_no_go_exits_1_on_no_go_and_0_on_go() {
    let tree = fixture_results();
    let run = tree.preflight([
        "report",
        "secrets.json",
        "--fail-on-no-go",
        "-f",
        "markdown",
    ]);
    assert_eq!(run.code, 1, "{}", run.render());
    assert!(run.stdout.contains("NO-GO"), "{}", run.render());
    let clean = TestTree::empty();
    clean.write("tree/readme.txt", "nothing to see\n");
    let run = clean.preflight([
        "scan",
        "tree",
        "--scanners=secrets",
        "-f",
        "json",
        "-o",
        "clean.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let run = clean.preflight(["report", "clean.json", "--fail-on-no-go", "-f", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(run.stdout.contains("Verdict: GO"), "{}", run.render());
}

#[test]
fn a_bad_input_file_is_exit_2_naming_the_file() {
    let tree = fixture_results();
    tree.write("other.json", r#"{"schema":"something-else","version":1}"#);
    let run = tree.preflight(["report", "secrets.json", "other.json"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("other.json"), "{}", run.render());
    assert!(
        run.stderr.contains("preflight-report/1"),
        "{}",
        run.render()
    );
    let run = tree.preflight(["report", "missing.json"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("missing.json"), "{}", run.render());
}

#[test]
fn a_policy_from_the_config_changes_the_verdict() {
    let tree = fixture_results();
    tree.write(
        "policy.toml",
        "[policy]\nname = \"lenient\"\nfail_on = \"critical\"\nno_live_secrets = false\n",
    );
    let run = tree.preflight([
        "report",
        "compose.json",
        "--config",
        "policy.toml",
        "-f",
        "markdown",
    ]);
    assert!(
        run.stdout.contains("NO-GO under policy \"lenient\""),
        "{}",
        run.render()
    );
    assert!(run.stdout.contains("DC001"), "{}", run.render());
    tree.write("bad.toml", "[policy]\nfail-on = \"high\"\n");
    let run = tree.preflight(["report", "compose.json", "--config", "bad.toml"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("bad.toml"), "{}", run.render());
}

#[test]
fn baseline_diff_counts_new_fixed_and_still_open() {
    let tree = fixture_results();
    let run = tree.preflight([
        "report",
        "secrets.json",
        "--baseline",
        "compose.json",
        "-f",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stdout.contains("6 new, 4 fixed, 0 still open"),
        "{}",
        run.stdout
    );
    let run = tree.preflight([
        "report",
        "secrets.json",
        "--baseline",
        "secrets.json",
        "-f",
        "markdown",
    ]);
    assert!(
        run.stdout.contains("0 new, 0 fixed, 6 still open"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let tree = fixture_results();
    for format in ["markdown", "html"] {
        let args = [
            "report",
            "secrets.json",
            "compose.json",
            "--date",
            "2026-01-01",
            "-f",
            format,
        ];
        let a = tree.preflight(args);
        let b = tree.preflight(args);
        assert_eq!(a.code, 0, "{}", a.render());
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn html_report_is_self_contained_and_escaped() {
    let tree = fixture_results();
    let run = tree.preflight(["report", "secrets.json", "compose.json", "-o", "audit.html"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let html = std::fs::read_to_string(tree.path().join("audit.html")).expect("report written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(!html.contains("<script"), "a script in the report");
    let external =
        regex::Regex::new(r#"(?i)<(link|script|img)\b[^>]*\b(src|href)\s*=\s*["']?\s*http"#)
            .expect("regex");
    assert!(
        !external.is_match(&html),
        "an external resource in the report"
    );
    assert!(!html.contains("@import"), "an imported stylesheet");
    for needle in [
        "id=\"verdict\"",
        "NO-GO",
        "<svg",
        "@media print",
        "overflow-wrap:anywhere",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(
        html.contains("href=\"#rule-DC001\""),
        "findings link to the rules appendix"
    );
    assert!(
        html.contains("id=\"rule-DC001\""),
        "the appendix has the anchor"
    );
    // Secrets stay redacted: the fixture's key appears only in its `first4…(N chars)` form.
    assert!(html.contains("ghp_…(40 chars)"), "redacted secret missing");
}
