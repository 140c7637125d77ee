//! The CSV export (`report --format csv`) and the audit report straight from a scan
//! (`scan --format html|markdown|csv`) on a tree with findings in every category.

use crate::common::{copy_dir, repo, Run, TestTree};
use crate::deps::FixtureDb;
use crate::report::stable;

/// A tree with secrets (`secrets/`), vulnerable dependencies (`deps/`) and compose findings
/// (`compose/`), and the advisory database that makes the dependencies vulnerable.
fn every_category() -> (TestTree, FixtureDb) {
    let tree = TestTree::empty();
    for (fixture, dir) in [
        ("secrets/basic", "secrets"),
        ("deps/app", "deps"),
        ("compose/dc001-trigger", "compose"),
    ] {
        let to = tree.path().join("tree").join(dir);
        std::fs::create_dir_all(&to).expect("mkdir");
        copy_dir(&repo().join("fixtures").join(fixture), &to);
    }
    (tree, FixtureDb::new())
}

/// `preflight --db DB scan tree ARGS...` in the tree's directory.
fn scan(tree: &TestTree, db: &FixtureDb, args: &[&str]) -> Run {
    let db = db.arg();
    let mut all = vec!["--db", db.as_str(), "scan", "tree", "--offline"];
    all.extend_from_slice(args);
    tree.preflight(all)
}

/// The same report with its one line that differs between a scan and its saved JSON (the
/// result file's name) taken out, and the scan day, hash and version masked.
fn comparable(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("Result file"))
        .collect();
    stable(&lines.join("\n"))
}

#[test]
fn scan_markdown_is_the_report_of_the_saved_json() {
    let (tree, db) = every_category();
    let saved = scan(&tree, &db, &["-f", "json", "-o", "scan.json"]);
    assert_eq!(saved.code, 1, "{}", saved.render());
    let from_json = tree.preflight(["report", "scan.json", "-f", "markdown", "--date=2026-01-01"]);
    assert_eq!(from_json.code, 0, "{}", from_json.render());
    let direct = scan(&tree, &db, &["-f", "markdown", "--date=2026-01-01"]);
    assert_eq!(
        direct.code,
        1,
        "findings at or above low: {}",
        direct.render()
    );
    assert_eq!(comparable(&direct.stdout), comparable(&from_json.stdout));
    for section in [
        "## <a id=\"secrets\"></a>Secrets",
        "GHSA-",
        "DC001",
        "NO-GO",
    ] {
        assert!(direct.stdout.contains(section), "missing {section}");
    }
    insta::assert_snapshot!(comparable(&direct.stdout));
}

#[test]
fn scan_csv_has_one_row_per_finding_in_every_category() {
    let (tree, db) = every_category();
    let run = scan(&tree, &db, &["-f", "csv"]);
    assert_eq!(run.code, 1, "{}", run.render());
    let rows: Vec<&str> = run.stdout.split_terminator("\r\n").collect();
    assert!(rows[0].starts_with("category,severity,rule_id,title,repository,path,line,"));
    for category in ["secret", "dependency", "config"] {
        assert!(
            rows.iter().any(|r| r.starts_with(&format!("{category},"))),
            "no {category} row:\n{}",
            run.stdout
        );
    }
    let json = scan(&tree, &db, &["-f", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let findings = doc["findings"].as_array().expect("findings").len();
    let suppressed = doc["suppressed"].as_array().expect("suppressed").len();
    assert_eq!(rows.len(), 1 + findings + suppressed, "{}", run.stdout);
    // The PEM key starts with dashes: a spreadsheet would read it as a formula.
    assert!(run.stdout.contains(",'----…("), "{}", run.stdout);
    assert!(run.stdout.contains("ghp_…(40 chars)"), "redacted");
    // Same input, same bytes: CSV carries no date at all.
    assert_eq!(scan(&tree, &db, &["-f", "csv"]).stdout, run.stdout);
    insta::assert_snapshot!(run.stdout.replace("\r\n", "\n"));
}

#[test]
fn scan_html_goes_to_output_atomically_and_keeps_the_exit_codes() {
    let (tree, db) = every_category();
    let run = scan(
        &tree,
        &db,
        &["-f", "html", "-o", "audit.html", "--date=2026-01-01"],
    );
    assert_eq!(run.code, 1, "{}", run.render());
    assert!(run.stdout.is_empty(), "{}", run.render());
    let html = std::fs::read_to_string(tree.path().join("audit.html")).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in ["id=\"verdict\"", "NO-GO", "<svg", "Report date 2026-01-01"] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let names: Vec<String> = std::fs::read_dir(tree.path())
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".preflight-"))
        .collect();
    assert!(names.is_empty(), "temporary files left: {names:?}");
    // Same input, same bytes, apart from the scan day the coverage table shows.
    let again = scan(&tree, &db, &["-f", "html", "--date=2026-01-01"]);
    let day = regex::Regex::new(r"\d{4}-\d{2}-\d{2}</td>").expect("regex");
    assert_eq!(
        day.replace_all(&again.stdout, "[day]"),
        day.replace_all(&html, "[day]")
    );
    // --fail-on above every finding: exit 0; an incomplete scan (no index): exit 2.
    let clean = tree.preflight(["scan", "tree/compose", "-f", "html", "--fail-on=critical"]);
    assert_eq!(clean.code, 0, "{}", clean.render());
    let gap = tree.preflight(["scan", "tree/deps", "--offline", "-f", "markdown"]);
    assert_eq!(gap.code, 2, "{}", gap.render());
    assert!(gap.stdout.contains("Verdict: NO-GO"), "{}", gap.stdout);
}

#[test]
fn report_flags_that_do_not_fit_the_format_are_refused() {
    let (tree, db) = every_category();
    let run = scan(&tree, &db, &["-f", "html", "--no-redact"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("always redact"), "{}", run.render());
    let run = scan(&tree, &db, &["-f", "json", "--date=2026-01-01"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("--date"), "{}", run.render());
}

#[test]
fn report_csv_marks_new_open_fixed_and_suppressed() {
    let tree = TestTree::empty();
    let secrets = repo().join("fixtures/secrets/basic").display().to_string();
    let compose = repo()
        .join("fixtures/compose/dc001-trigger")
        .display()
        .to_string();
    for args in [
        vec!["scan", &secrets, "-f=json", "-o", "secrets.json"],
        vec!["scan", &compose, "-f=json", "-o", "compose.json"],
        // Everything the baseline holds is suppressed, with `by: baseline`.
        vec![
            "scan",
            &secrets,
            "--baseline=secrets.json",
            "-f=json",
            "-o",
            "quiet.json",
        ],
    ] {
        let run = tree.preflight(args.iter().chain(&["--scanners=secrets,config"]));
        assert!(run.code <= 1, "{}", run.render());
    }
    let args = [
        "report",
        "secrets.json",
        "quiet.json",
        "--baseline",
        "secrets.json",
        "-f",
        "csv",
    ];
    let run = tree.preflight(args);
    assert_eq!(run.code, 0, "{}", run.render());
    let flags =
        regex::Regex::new(r",(new|open|fixed|suppressed),(no|yes|expired),").expect("regex");
    let count = |status: &str, flag: &str| {
        flags
            .captures_iter(&run.stdout)
            .filter(|c| &c[1] == status && &c[2] == flag)
            .count()
    };
    assert_eq!(count("open", "no"), 6, "{}", run.stdout);
    assert_eq!(count("suppressed", "yes"), 6, "{}", run.stdout);
    assert_eq!(
        count("new", "no") + count("fixed", "no"),
        0,
        "{}",
        run.stdout
    );
    let diff = tree.preflight([
        "report",
        "compose.json",
        "--baseline=secrets.json",
        "-f=csv",
    ]);
    let flags_of = |text: &str, status: &str| {
        flags
            .captures_iter(text)
            .filter(|c| &c[1] == status)
            .count()
    };
    assert_eq!(flags_of(&diff.stdout, "new"), 4, "{}", diff.stdout);
    assert_eq!(flags_of(&diff.stdout, "fixed"), 6, "{}", diff.stdout);
    assert_eq!(tree.preflight(args).stdout, run.stdout, "deterministic");
    insta::assert_snapshot!(stable(&run.stdout.replace("\r\n", "\n")));
}
