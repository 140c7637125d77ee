//! `preflight scan --staged` and the pre-commit hook.

use crate::git::{findings, ghp, npm, Repo};

fn staged_json(repo: &Repo) -> serde_json::Value {
    let run = repo.preflight(["scan", ".", "--staged", "--format", "json"]);
    assert!(run.code <= 1, "{}", run.render());
    serde_json::from_str(&run.stdout).expect("JSON")
}

#[test]
fn first_commit_scans_whole_staged_files() {
    let repo = Repo::new();
    repo.write("src/.env", &format!("A=1\nT={}\n", ghp("s")));
    repo.git(["add", "-A"]);
    let doc = staged_json(&repo);
    let f = findings(&doc);
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["location"]["path"], "src/.env");
    assert_eq!(f[0]["location"]["start_line"], 2);
    assert_eq!(doc["mode"], "staged");
}

#[test]
fn only_added_lines_of_the_staged_version_count() {
    let repo = Repo::new();
    let old = ghp("t");
    repo.write("app.env", &format!("OLD={old}\nA=1\n"));
    repo.commit("existing secret, already known");
    // Stage a new secret on line 3; then edit the work tree without staging.
    repo.write("app.env", &format!("OLD={old}\nA=1\nNEW={}\n", npm("u")));
    repo.git(["add", "app.env"]);
    repo.write(
        "app.env",
        &format!("OLD={old}\nA=1\nNEW={}\nX={}\n", npm("u"), ghp("v")),
    );
    let f = findings(&staged_json(&repo));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["location"]["start_line"], 3);
    assert_eq!(f[0]["rule_id"], "npm-access-token");
}

#[test]
fn nothing_staged_is_clean_and_hint_shows_on_findings() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("init");
    let run = repo.preflight(["scan", ".", "--staged"]);
    assert_eq!(run.code, 0, "{}", run.render());
    repo.write("b.env", &format!("T={}\n", ghp("w")));
    repo.git(["add", "b.env"]);
    let run = repo.preflight(["scan", ".", "--staged"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("preflight:allow"), "{}", run.stdout);
    assert!(run.stdout.contains(".preflight-allow"), "{}", run.stdout);
}

#[test]
fn baseline_secrets_are_not_reported_again_by_the_hook_scan() {
    let repo = Repo::new();
    repo.write("a.env", &format!("T={}\n", ghp("x")));
    repo.git(["add", "-A"]);
    assert_eq!(
        repo.preflight(["baseline", ".preflight-baseline.json", "."])
            .code,
        0
    );
    let run = repo.preflight([
        "scan",
        ".",
        "--staged",
        "--baseline",
        ".preflight-baseline.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
}

#[cfg(unix)]
#[test]
fn hook_install_runs_on_commit_and_uninstalls() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("init");
    let run = repo.preflight(["hook", "install"]);
    assert_eq!(run.code, 0, "{}", run.render());
    let hook = repo.path().join(".git/hooks/pre-commit");
    assert!(hook.is_file());
    // A second install over our own hook is fine; a foreign hook is refused without --force.
    assert_eq!(repo.preflight(["hook", "install"]).code, 0);
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").expect("write");
    let refused = repo.preflight(["hook", "install"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(repo.preflight(["hook", "uninstall"]).code, 2);
    assert_eq!(repo.preflight(["hook", "install", "--force"]).code, 0);
    // The hook blocks a commit that adds a secret (git runs it; PREFLIGHT_BIN points at us).
    repo.write("b.env", &format!("T={}\n", ghp("y")));
    repo.git(["add", "b.env"]);
    let out = std::process::Command::new("git")
        .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", "leak"])
        .current_dir(repo.path())
        .env("PREFLIGHT_BIN", env!("CARGO_BIN_EXE_preflight"))
        .env("GIT_AUTHOR_NAME", "Dev One")
        .env("GIT_AUTHOR_EMAIL", "dev1@example.test")
        .env("GIT_COMMITTER_NAME", "Dev One")
        .env("GIT_COMMITTER_EMAIL", "dev1@example.test")
        .env("NO_COLOR", "1")
        .output()
        .expect("git commit");
    assert!(!out.status.success(), "the hook must block the commit");
    // git sends a hook's standard output to its standard error.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("github-pat-classic"), "{said}");
    // Uninstalling puts back the hook that --force set aside.
    assert_eq!(repo.preflight(["hook", "uninstall"]).code, 0);
    let restored = std::fs::read_to_string(&hook).expect("restored");
    assert_eq!(restored, "#!/bin/sh\nexit 0\n");
    assert_eq!(
        repo.preflight(["hook", "uninstall"]).code,
        2,
        "not ours any more"
    );
}
