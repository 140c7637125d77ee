//! `preflight scan --staged PATH FILE...`: the form both `.pre-commit-hooks.yaml` hooks run,
//! with the files the pre-commit framework passes. A normal commit passes the staged files
//! (their staged lines are scanned); `pre-commit run --all-files` passes files that are not
//! staged (each is scanned completely, never reported clean because nothing is staged).

use crate::common::repo;
use crate::git::{findings, ghp, npm, Repo};

fn scan_json(repo: &Repo, files: &[&str]) -> serde_json::Value {
    let mut args = vec!["scan", "--staged", ".", "--format", "json"];
    args.extend_from_slice(files);
    let run = repo.preflight(args);
    assert!(run.code <= 1, "{}", run.render());
    serde_json::from_str(&run.stdout).expect("JSON")
}

/// `path:line rule` per finding, sorted.
fn listing(doc: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = findings(doc)
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["location"]["path"].as_str().unwrap_or_default(),
                f["location"]["start_line"],
                f["rule_id"].as_str().unwrap_or_default()
            )
        })
        .collect();
    out.sort();
    out
}

/// A repository with a committed secret in `old.env` and nothing staged.
fn committed_secret() -> Repo {
    let repo = Repo::new();
    repo.write("old.env", &format!("A=1\nT={}\n", ghp("committed")));
    repo.write("clean.txt", "nothing here\n");
    repo.commit("a secret that is already in the history");
    repo
}

#[test]
fn all_files_scan_unchanged_files_completely() {
    let repo = committed_secret();
    // What `pre-commit run --all-files` passes: every tracked file, none of them staged.
    let doc = scan_json(&repo, &["old.env", "clean.txt"]);
    assert_eq!(listing(&doc), ["old.env:2 github-pat-classic"], "{doc}");
    assert_eq!(doc["mode"], "tree", "{doc}");
    // Without files the same repository is a clean staged scan (nothing is staged).
    let run = repo.preflight(["scan", "--staged", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
}

#[test]
fn staged_files_scan_only_their_staged_lines() {
    let repo = committed_secret();
    repo.write(
        "old.env",
        &format!("A=1\nT={}\nN={}\n", ghp("committed"), npm("new")),
    );
    repo.write("new.env", &format!("K={}\n", ghp("fresh")));
    repo.git(["add", "old.env", "new.env"]);
    // What a normal `pre-commit run` passes: the staged files.
    let doc = scan_json(&repo, &["old.env", "new.env"]);
    assert_eq!(doc["mode"], "staged", "{doc}");
    assert_eq!(
        listing(&doc),
        ["new.env:1 github-pat-classic", "old.env:3 npm-access-token"],
        "{doc}"
    );
    // A subset (pre-commit's `exclude:` dropped new.env) scans only that subset.
    let doc = scan_json(&repo, &["old.env"]);
    assert_eq!(listing(&doc), ["old.env:3 npm-access-token"], "{doc}");
}

#[test]
fn a_mix_of_staged_and_unchanged_files_scans_them_all_completely() {
    let repo = committed_secret();
    repo.write("new.env", &format!("K={}\n", ghp("fresh")));
    repo.git(["add", "new.env"]);
    let doc = scan_json(&repo, &["old.env", "new.env", "clean.txt"]);
    assert_eq!(
        listing(&doc),
        [
            "new.env:1 github-pat-classic",
            "old.env:2 github-pat-classic"
        ],
        "{doc}"
    );
}

#[test]
fn a_named_file_that_does_not_exist_is_an_error_naming_it() {
    let repo = committed_secret();
    let run = repo.preflight(["scan", "--staged", ".", "old.env", "gone.txt"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("gone.txt"), "{}", run.render());
    assert!(run.stdout.contains("github-pat"), "{}", run.render());
}

#[test]
fn files_without_staged_are_refused() {
    let repo = committed_secret();
    let run = repo.preflight(["scan", ".", "old.env"]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("--staged"), "{}", run.render());
}

#[test]
fn both_hooks_run_the_file_form() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks");
    let hooks: Vec<&str> = text.split("\n- id: ").skip(1).collect();
    assert_eq!(hooks.len(), 2, "{text}");
    for (hook, language) in hooks.iter().zip(["rust", "system"]) {
        assert!(hook.contains(&format!("language: {language}")), "{hook}");
        assert!(hook.contains("entry: preflight scan --staged ."), "{hook}");
        assert!(hook.contains("pass_filenames: true"), "{hook}");
    }
}
