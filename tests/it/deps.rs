//! The dependency audit end to end: lockfiles in a tree, the fixture advisories imported into a
//! temp database, the findings in every format, ignores, and scans without an index.

use crate::common::{assert_valid_sarif, repo, run_in, Run, TestTree};
use serde_json::Value;
use std::path::Path;

/// A database built from `fixtures/advisories`.
pub struct FixtureDb {
    dir: tempfile::TempDir,
}

impl FixtureDb {
    pub fn new() -> FixtureDb {
        let db = FixtureDb {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        let advisories = repo().join("fixtures/advisories").display().to_string();
        let run = run_in(&repo(), ["--db", &db.arg(), "db", "import", &advisories]);
        assert_eq!(run.code, 0, "{}", run.render());
        db
    }

    pub fn arg(&self) -> String {
        self.dir.path().display().to_string()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn scan(tree: &TestTree, db: &FixtureDb, extra: &[&str]) -> Run {
    let db = db.arg();
    let mut args = vec!["--db", db.as_str(), "scan", "."];
    args.extend_from_slice(extra);
    tree.preflight(args)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.render()))
}

/// `path:line id package@version direct fixed severity` per finding, sorted.
fn listing(doc: &Value) -> String {
    let mut lines: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "dependency")
        .map(|f| {
            let d = &f["dependency"];
            format!(
                "{}:{} {} {}@{} {} fixed={} {} aliases={}",
                f["location"]["path"].as_str().unwrap_or_default(),
                f["location"]["start_line"],
                f["rule_id"].as_str().unwrap_or_default(),
                d["package"].as_str().unwrap_or_default(),
                d["version"].as_str().unwrap_or_default(),
                if d["direct"] == true {
                    "direct"
                } else {
                    "transitive"
                },
                d["fixed"][0].as_str().unwrap_or("-"),
                f["severity"].as_str().unwrap_or_default(),
                d["aliases"]
                    .as_array()
                    .map(|a| a
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","))
                    .unwrap_or_default(),
            )
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn every_lockfile_format_is_audited() {
    let db = FixtureDb::new();
    let tree = TestTree::copy_of("deps/app");
    let run = scan(&tree, &db, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.render());
    let doc = json(&run);
    assert_valid_report(&doc);
    insta::assert_snapshot!(listing(&doc), @r"
    api/poetry.lock:11 GHSA-h5c8-rqwp-cp95 jinja2@3.1.2 direct fixed=3.1.3 medium aliases=CVE-2024-22195
    api/poetry.lock:30 GHSA-j8r2-6x86-q33q requests@2.28.2 direct fixed=2.31.0 medium aliases=CVE-2023-32681,PYSEC-2023-74
    package-lock.json:21 GHSA-35jh-r3h4-6jhm lodash@4.17.20 direct fixed=4.17.21 high aliases=CVE-2021-23337
    package-lock.json:34 GHSA-xvch-5gv4-984h minimist@1.2.5 transitive fixed=1.2.6 critical aliases=CVE-2021-44906
    package-lock.json:39 MAL-2022-9901 pf-fixture-typosquat@1.0.0 direct fixed=- critical aliases=
    package-lock.json:47 GHSA-2222-3333-7777 pf-fixture-listed@1.0.1 direct fixed=- medium aliases=
    package-lock.json:51 GHSA-2222-3333-6666 pf-fixture-abandoned@3.1.4 direct fixed=- medium aliases=
    package-lock.json:55 GHSA-2222-3333-5555 pf-fixture-cvss4@2.2.0 direct fixed=2.3.0 critical aliases=
    requirements.txt:2 PYSEC-2024-47 django@3.2.0 direct fixed=3.2.25 medium aliases=CVE-2024-27351
    rust/Cargo.lock:14 RUSTSEC-2020-0071 time@0.1.45 direct fixed=0.2.0 medium aliases=CVE-2020-26235,GHSA-wcg3-cvx6-7396
    rust/Cargo.lock:20 RUSTSEC-2021-0124 tokio@1.8.1 direct fixed=1.8.4 medium aliases=CVE-2021-45710,GHSA-fg7r-2g4j-5cgr
    rust/Cargo.lock:26 RUSTSEC-2024-0320 yaml-rust@0.4.5 direct fixed=- info aliases=
    web/yarn.lock:11 GHSA-c2qf-rxjj-qqgw semver@7.3.8 direct fixed=7.5.2 medium aliases=CVE-2022-25883
    ");
    let minimist = doc["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["dependency"]["package"] == "minimist"))
        .expect("minimist finding");
    assert_eq!(
        minimist["dependency"]["path"],
        serde_json::json!(["app", "mkdirp", "minimist"])
    );
    let deps = &doc["dependencies"];
    assert_eq!(deps["lockfiles"].as_array().map(Vec::len), Some(6));
    let unauditable: Vec<&str> = deps["unauditable"]
        .as_array()
        .expect("unauditable")
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(unauditable.contains(&"flask"), "{unauditable:?}");
    assert!(
        unauditable.contains(&"app"),
        "the workspace root: {unauditable:?}"
    );
}

#[test]
fn records_of_one_vulnerability_become_one_finding() {
    let db = FixtureDb::new();
    let tree = TestTree::copy_of("deps/app");
    let doc = json(&scan(&tree, &db, &["--format", "json"]));
    let requests: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["dependency"]["package"] == "requests")
        .collect();
    // GHSA-j8r2-6x86-q33q (GitHub) and PYSEC-2023-74 (PyPA) describe the same vulnerability.
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let withdrawn = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["dependency"]["package"] == "pf-fixture-withdrawn");
    assert!(!withdrawn, "withdrawn advisories are never reported");
}

#[test]
fn text_and_sarif_reports_carry_the_advisory() {
    let db = FixtureDb::new();
    let tree = TestTree::copy_of("deps/app");
    let text = scan(&tree, &db, &[]).stdout;
    assert!(
        text.contains(
            "lodash 4.17.20 (direct, via app > lodash) is affected by GHSA-35jh-r3h4-6jhm"
        ),
        "{text}"
    );
    assert!(
        text.contains("fix: Upgrade lodash to 4.17.21 or later."),
        "{text}"
    );
    assert!(
        text.contains("audited 21 packages in 6 lockfiles"),
        "{text}"
    );
    let sarif = scan(&tree, &db, &["--format", "sarif"]).stdout;
    assert_valid_sarif(&sarif);
    let doc: Value = serde_json::from_str(&sarif).expect("json");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let lodash = rules
        .iter()
        .find(|r| r["id"] == "GHSA-35jh-r3h4-6jhm")
        .expect("a rule per advisory");
    // CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H scores 7.2.
    assert_eq!(lodash["properties"]["security-severity"], "7.2");
    let result = doc["runs"][0]["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["ruleId"] == "GHSA-35jh-r3h4-6jhm"))
        .expect("result");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "package-lock.json"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        21
    );
    assert_eq!(result["properties"]["dependency"]["fixed"][0], "4.17.21");
}

#[test]
fn informational_advisories_do_not_fail_the_scan() {
    let db = FixtureDb::new();
    let tree = TestTree::empty();
    let lock =
        std::fs::read_to_string(repo().join("fixtures/deps/app/rust/Cargo.lock")).expect("fixture");
    tree.write(
        "Cargo.lock",
        lock.replace("1.8.1", "1.8.4").replace("0.1.45", "0.2.23"),
    );
    let run = scan(&tree, &db, &[]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(
        run.stdout.contains("INFO      RUSTSEC-2024-0320"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("is unmaintained per RUSTSEC-2024-0320"),
        "{}",
        run.stdout
    );
    assert_eq!(scan(&tree, &db, &["--fail-on", "info"]).code, 1);
}

#[test]
fn ignores_need_a_reason_and_expire() {
    let db = FixtureDb::new();
    let tree = TestTree::copy_of("deps/app");
    // Named by its CVE alias: any id of the vulnerability will do.
    tree.write(
        ".preflight.toml",
        "[[deps.ignore]]\nid = \"CVE-2021-23337\"\nreason = \"templates never take user input\"\nuntil = \"2999-12-31\"\n",
    );
    let run = scan(&tree, &db, &[]);
    assert!(
        !run.stdout.contains("GHSA-35jh-r3h4-6jhm"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 ignored"), "{}", run.stdout);

    tree.write(
        ".preflight.toml",
        "[[deps.ignore]]\nid = \"GHSA-35jh-r3h4-6jhm\"\nreason = \"r\"\nuntil = 2020-01-31\n",
    );
    let run = scan(&tree, &db, &[]);
    assert!(run.stdout.contains("GHSA-35jh-r3h4-6jhm"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "[[deps.ignore]] GHSA-35jh-r3h4-6jhm expired on 2020-01-31; it is reported again"
        ),
        "{}",
        run.stderr
    );

    tree.write(
        ".preflight.toml",
        "[[deps.ignore]]\nid = \"GHSA-35jh-r3h4-6jhm\"\n",
    );
    let run = scan(&tree, &db, &[]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains(".preflight.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("give a `reason`"), "{}", run.stderr);
}

#[test]
fn without_an_index_the_audit_is_skipped_and_secrets_still_scanned() {
    let tree = TestTree::copy_of("deps/app");
    // Lockfiles no index could audit: the gate fails closed and says what to run.
    let run = tree.preflight(["scan", ".", "--offline"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("dependency audit did not run: no advisory index in"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("run `preflight db update`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("INCOMPLETE"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("dependency audit of 6 lockfiles skipped"),
        "{}",
        run.stdout
    );
    // The documented opt-out for a first offline try: exit by findings, still say incomplete.
    let run = tree.preflight([
        "scan",
        ".",
        "--offline",
        "--allow-incomplete",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(run.stderr.contains("--allow-incomplete"), "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["coverage"]["complete"], false);
    assert_eq!(doc["coverage"]["allow_incomplete"], true);
    assert_eq!(doc["coverage"]["gaps"][0]["kind"], "scanner");

    // Not offline: one update is tried (the test environment points it at a closed port).
    tree.write(
        "config.py",
        format!("TOKEN = \"{}\"\n", crate::git::ghp("deps")),
    );
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("downloading one failed"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("github-pat-classic"), "{}", run.stdout);
}

#[test]
fn a_broken_lockfile_is_an_error_and_the_rest_is_audited() {
    let db = FixtureDb::new();
    let tree = TestTree::copy_of("deps/app");
    tree.write(
        "web/package-lock.json",
        "{ \"lockfileVersion\": 3, \"packages\": [",
    );
    let run = scan(&tree, &db, &[]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr
            .contains("error: web/package-lock.json: cannot parse lockfile"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("GHSA-35jh-r3h4-6jhm"), "{}", run.stdout);
}

#[test]
fn a_stale_index_is_named() {
    let db = FixtureDb::new();
    let meta_path = db.path().join("index/meta.json");
    let mut meta: Value =
        serde_json::from_slice(&std::fs::read(&meta_path).expect("meta")).expect("json");
    let built = meta["built_at"].as_u64().expect("built_at");
    meta["built_at"] = Value::from(built - 8 * 86_400);
    std::fs::write(&meta_path, meta.to_string()).expect("write");
    let tree = TestTree::copy_of("deps/app");
    let run = scan(&tree, &db, &[]);
    assert!(
        run.stderr
            .contains("the advisory index is 8 days old; run `preflight db update`"),
        "{}",
        run.stderr
    );
}

/// A database imported from `../shared/advisory-data`; `None` (after saying so) without it.
pub fn shared_advisory_db() -> Option<tempfile::TempDir> {
    let shared = repo().join("../shared/advisory-data");
    if !shared.is_dir() {
        eprintln!("skip: ../shared/advisory-data absent");
        return None;
    }
    let db = tempfile::tempdir().expect("tempdir");
    let db_arg = db.path().display().to_string();
    let import = run_in(
        &shared,
        [
            "--db",
            db_arg.as_str(),
            "db",
            "import",
            "rustsec",
            "pypa",
            "ghsa-npm",
        ],
    );
    assert_eq!(import.code, 0, "{}", import.render());
    Some(db)
}

#[test]
fn the_real_advisory_data_audits_a_fixture_project() {
    let Some(db) = shared_advisory_db() else {
        return;
    };
    let db_arg = db.path().display().to_string();
    let tree = TestTree::copy_of("deps/app");
    let doc = json(&tree.preflight(["--db", db_arg.as_str(), "scan", ".", "--format", "json"]));
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    for id in [
        "GHSA-35jh-r3h4-6jhm",
        "GHSA-xvch-5gv4-984h",
        "RUSTSEC-2020-0071",
        "RUSTSEC-2021-0124",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(ids.iter().any(|id| id.starts_with("PYSEC-")), "{ids:?}");
}

/// Validates a JSON report against `docs/json-report.schema.json`.
pub fn assert_valid_report(doc: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("../../docs/json-report.schema.json")).expect("schema");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn fixture_advisories_follow_the_osv_schema() {
    let Ok(schema) = std::fs::read_to_string(repo().join("../shared/schemas/osv-schema.json"))
    else {
        eprintln!("skip: ../shared/schemas absent; fixture advisories not validated");
        return;
    };
    let schema: Value = serde_json::from_str(&schema).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let dir = repo().join("fixtures/advisories/osv");
    let mut checked = 0;
    for eco in ["npm", "pypi"] {
        for entry in std::fs::read_dir(dir.join(eco)).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let doc: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(
                errors.is_empty(),
                "{}: {}",
                path.display(),
                errors.join("; ")
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}
