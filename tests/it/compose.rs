//! Compose checks end to end: `preflight scan` on the compose fixtures, in every format.

use crate::common::{assert_valid_sarif, TestTree};
use serde_json::Value;

/// A copy of `fixtures/compose/<name>` with its `_gitignore` files renamed to `.gitignore`.
fn fixture(name: &str) -> TestTree {
    let tree = TestTree::copy_of(&format!("compose/{name}"));
    rename_gitignores(tree.path());
    tree
}

fn rename_gitignores(dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rename_gitignores(&path);
        } else if path.file_name().is_some_and(|n| n == "_gitignore") {
            std::fs::rename(&path, path.with_file_name(".gitignore")).expect("rename");
        }
    }
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn findings_name_their_compose_set_and_fix() {
    let tree = fixture("dc001-prod-append");
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 1, "{}", run.render());
    assert!(
        run.stdout
            .contains("HIGH      DC001  Data service port published on all interfaces"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("in compose set docker-compose.yml + docker-compose.prod.yml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("fix: "), "{}", run.stdout);
}

#[test]
fn sarif_has_a_rule_per_check_and_related_locations_for_aliases() {
    let tree = fixture("anchors-alias");
    let run = tree.preflight(["scan", ".", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.render());
    assert_valid_sarif(&run.stdout);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for id in ["DC001", "DC031", "DC090"] {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("rule {id}"));
        assert!(
            !rule["help"]["text"].as_str().unwrap_or_default().is_empty(),
            "{rule}"
        );
        assert!(
            rule["properties"]["security-severity"].is_string(),
            "{rule}"
        );
    }
    let privileged = results(&doc)
        .iter()
        .find(|r| r["ruleId"] == "DC031")
        .expect("DC031 result");
    // Reported inside the anchor definition, with the alias sites as related locations.
    assert_eq!(
        privileged["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    let related = privileged["relatedLocations"]
        .as_array()
        .expect("related locations");
    assert!(!related.is_empty(), "{privileged}");
}

#[test]
fn json_report_with_config_findings_follows_the_schema() {
    let tree = fixture("dc013-trigger");
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    crate::deps::assert_valid_report(&doc);
    let config: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["category"] == "config")
        .collect();
    assert!(
        config.iter().any(|f| f["rule_id"] == "DC013"),
        "{config:#?}"
    );
    // Whole-file findings point at line 1: locations are 1-based in every format.
    assert!(config
        .iter()
        .all(|f| f["location"]["start_line"].as_u64() >= Some(1)));
}

#[test]
fn invalid_yaml_is_a_finding_not_a_crash() {
    let tree = TestTree::empty();
    tree.write(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"\n",
    );
    // The file that does not parse was not checked (its published port neither): the finding
    // and a gap, so even `--fail-on high` fails closed.
    let run = tree.preflight(["scan", ".", "--fail-on", "high"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stdout.contains("DC090"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: compose.yaml: compose file not checked"),
        "{}",
        run.stderr
    );
    let json = tree.preflight(["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["coverage"]["complete"], false);
    assert_eq!(doc["coverage"]["gaps"][0]["subject"], "compose.yaml");
}

#[test]
fn scanners_pick_what_runs() {
    let tree = fixture("dc001-trigger");
    tree.write(
        "config.py",
        format!("TOKEN = \"{}\"\n", crate::git::ghp("compose")),
    );
    let config_only = tree.preflight(["scan", ".", "--scanners", "config"]);
    assert!(
        config_only.stdout.contains("DC001"),
        "{}",
        config_only.stdout
    );
    assert!(
        !config_only.stdout.contains("github-pat"),
        "{}",
        config_only.stdout
    );
    let secrets_only = tree.preflight(["scan", ".", "--scanners", "secrets"]);
    assert!(
        !secrets_only.stdout.contains("DC001"),
        "{}",
        secrets_only.stdout
    );
    assert!(
        secrets_only.stdout.contains("github-pat-classic"),
        "{}",
        secrets_only.stdout
    );
    let bad = tree.preflight(["scan", ".", "--history", "--scanners", "config"]);
    assert_eq!(bad.code, 2, "{}", bad.render());
    assert!(
        bad.stderr.contains("include `secrets` in --scanners"),
        "{}",
        bad.stderr
    );
}

#[test]
fn env_files_given_on_the_command_line_replace_the_project_env() {
    let tree = TestTree::empty();
    tree.write(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PW}\n",
    );
    tree.write("deploy/prod.env", "PW=postgres\n");
    let without = tree.preflight(["scan", ".", "--scanners", "config"]);
    assert!(!without.stdout.contains("DC010"), "{}", without.stdout);
    let with = tree.preflight([
        "scan",
        ".",
        "--scanners",
        "config",
        "--env-file",
        "deploy/prod.env",
    ]);
    assert!(with.stdout.contains("DC010"), "{}", with.stdout);
    let missing = tree.preflight(["scan", ".", "--env-file", "nowhere.env"]);
    assert_eq!(missing.code, 2, "{}", missing.render());
    assert!(
        missing
            .stderr
            .contains("nowhere.env: cannot read --env-file"),
        "{}",
        missing.stderr
    );
}
