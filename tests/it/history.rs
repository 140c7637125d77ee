//! `preflight scan --history`: every blob once, attributed to the commit that introduced it.

use crate::common::assert_valid_sarif;
use crate::git::{findings, ghp, git_in, npm, Repo};

#[test]
fn secret_added_then_deleted_is_reported_as_history_only() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.write("deploy/.env", &format!("GITHUB_TOKEN={}\n", ghp("a")));
    let added = repo.commit("add deploy env");
    std::fs::remove_file(repo.path().join("deploy/.env")).expect("rm");
    repo.commit("remove env");
    // The working tree is clean now...
    assert_eq!(repo.preflight(["scan", "."]).code, 0);
    // ...but the history is not.
    let doc = repo.history_json(&[]);
    let f = findings(&doc);
    assert_eq!(f.len(), 1, "{doc}");
    assert_eq!(f[0]["location"]["path"], "deploy/.env");
    assert_eq!(f[0]["location"]["commit"], added.as_str());
    let p = &f[0]["provenance"];
    assert_eq!(p["introduced"]["id"], added.as_str());
    assert_eq!(p["introduced"]["author_name"], "Dev One");
    assert_eq!(p["introduced"]["author_email"], "dev1@example.test");
    assert_eq!(p["introduced"]["summary"], "add deploy env");
    assert_eq!(p["introduced"]["date"], "2023-11-14T22:33:20Z");
    assert_eq!(p["in_head"], false);
    assert_eq!(doc["mode"], "history");
    assert_eq!(doc["summary"]["stats"]["commits"], 3);
}

#[test]
fn same_secret_in_several_paths_and_commits_is_scanned_once() {
    let repo = Repo::new();
    let token = ghp("b");
    repo.write("a/config.env", &format!("T={token}\n"));
    let first = repo.commit("first");
    repo.write("b/copy.env", &format!("T={token}\n"));
    repo.write("a/config.env", &format!("# moved down\nT={token}\n"));
    let second = repo.commit("second");
    let doc = repo.history_json(&[]);
    let f = findings(&doc);
    // One finding per path (fingerprint = rule, path, secret), each naming its first commit.
    assert_eq!(f.len(), 2, "{doc}");
    let at = |path: &str| f.iter().find(|x| x["location"]["path"] == path).cloned();
    let a = at("a/config.env").expect("a");
    let b = at("b/copy.env").expect("b");
    assert_eq!(a["provenance"]["introduced"]["id"], first.as_str());
    assert_eq!(b["provenance"]["introduced"]["id"], second.as_str());
    assert_eq!(a["provenance"]["in_head"], true);
    let also: Vec<String> = a["provenance"]["also_in"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| format!("{}:{}", &o["commit"].as_str().unwrap_or("")[..8], o["path"]))
        .collect();
    assert!(also.iter().any(|s| s.contains("b/copy.env")), "{also:?}");
    assert!(also
        .iter()
        .any(|s| s.starts_with(&second[..8]) && s.contains("a/config.env")));
    // Three (path, version) pairs hold the token, but b/copy.env is byte-for-byte a/config.env's
    // first version: two distinct blobs, each read once.
    assert_eq!(doc["summary"]["stats"]["files_scanned"], 2);
}

#[test]
fn unmerged_branches_tags_and_refs() {
    let repo = Repo::new();
    repo.write("app.txt", "v1\n");
    repo.commit("init");
    repo.git(["checkout", "-q", "-b", "experiment"]);
    repo.write("exp.env", &format!("T={}\n", ghp("c")));
    repo.commit("on a branch");
    repo.git(["checkout", "-q", "main"]);
    repo.git(["checkout", "-q", "--detach"]);
    repo.write("tagged.env", &format!("N={}\n", npm("d")));
    repo.commit("only reachable from a tag");
    repo.git(["tag", "-a", "v1.0", "-m", "release"]);
    repo.git(["checkout", "-q", "main"]);
    let all = findings(&repo.history_json(&[]));
    let paths: Vec<&str> = all
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert_eq!(paths, ["exp.env", "tagged.env"]);
    let main_only = findings(&repo.history_json(&["--ref", "main"]));
    assert!(main_only.is_empty(), "{main_only:?}");
    let tag = findings(&repo.history_json(&["--ref", "v1.0"]));
    assert_eq!(tag.len(), 1);
    let range = findings(&repo.history_json(&["--ref", "main..experiment"]));
    assert_eq!(range.len(), 1);
    assert_eq!(range[0]["location"]["path"], "exp.env");
}

#[test]
fn merge_commits_and_renames() {
    let repo = Repo::new();
    repo.write("base.txt", "base\n");
    repo.commit("init");
    repo.git(["checkout", "-q", "-b", "feature"]);
    let token = ghp("e");
    repo.write("feature.env", &format!("T={token}\n"));
    let feature = repo.commit("feature adds a token");
    repo.git(["checkout", "-q", "main"]);
    repo.write("other.txt", "main moves on\n");
    repo.commit("main work");
    repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    std::fs::create_dir(repo.path().join("config")).expect("mkdir");
    repo.git(["mv", "feature.env", "config/renamed.env"]);
    let renamed = repo.commit("rename");
    let f = findings(&repo.history_json(&[]));
    assert_eq!(f.len(), 2, "{f:?}");
    // The clean merge introduces nothing: the token belongs to the feature commit.
    let orig = f
        .iter()
        .find(|x| x["location"]["path"] == "feature.env")
        .expect("orig");
    assert_eq!(orig["provenance"]["introduced"]["id"], feature.as_str());
    assert_eq!(orig["provenance"]["in_head"], false);
    let moved = f
        .iter()
        .find(|x| x["location"]["path"] == "config/renamed.env")
        .expect("mv");
    assert_eq!(moved["provenance"]["introduced"]["id"], renamed.as_str());
    assert_eq!(moved["provenance"]["in_head"], true);
}

#[test]
fn shallow_clone_is_scanned_with_a_note() {
    let repo = Repo::new();
    repo.write("old.env", &format!("T={}\n", ghp("f")));
    repo.commit("old secret");
    repo.write("old.env", "T=${TOKEN}\n");
    repo.commit("fixed");
    repo.write("new.env", &format!("N={}\n", npm("g")));
    repo.commit("new secret");
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path().display());
    git_in(clone.path(), ["clone", "-q", "--depth", "1", &url, "c"], 0);
    let run = crate::common::run_in(&clone.path().join("c"), ["scan", "--history", "-f", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let f = findings(&doc);
    assert_eq!(f.len(), 1, "{}", run.render());
    assert_eq!(f[0]["location"]["path"], "new.env");
    let notes = doc["diagnostics"].to_string();
    assert!(notes.contains("shallow"), "{notes}");
}

#[test]
fn a_missing_object_fails_closed_and_the_scan_goes_on() {
    let repo = Repo::new();
    repo.write("good.env", &format!("T={}\n", ghp("h")));
    repo.write("lost.txt", "this blob will go missing\n");
    repo.commit("two files");
    let (id, obj) = repo.loose_object("HEAD:lost.txt");
    std::fs::remove_file(obj).expect("remove loose object");
    let run = repo.preflight(["scan", ".", "--history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(findings(&doc).len(), 1, "{}", run.render());
    assert!(
        doc["diagnostics"].to_string().contains(&id),
        "{}",
        run.stdout
    );
    // A blob the scan could not read is a gap: exit 2, named on stderr and in every format.
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains(&format!("missing blob {id}")),
        "{}",
        run.stderr
    );
    assert_eq!(doc["coverage"]["complete"], false);
    assert_eq!(doc["coverage"]["gaps"][0]["kind"], "object");
    let sarif = repo.preflight(["scan", ".", "--history", "--format", "sarif", "-q"]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(invocation["toolExecutionNotifications"]
        .to_string()
        .contains(&id));
    assert!(
        sarif.stderr.contains(&id),
        "-q keeps errors: {}",
        sarif.stderr
    );
}

#[test]
fn history_baseline_and_sarif_provenance() {
    let repo = Repo::new();
    repo.git([
        "remote",
        "add",
        "origin",
        "https://git.example.test/team/app.git",
    ]);
    repo.write("ci.env", &format!("T={}\n", ghp("i")));
    let head = repo.commit("token");
    let run = repo.preflight(["scan", ".", "--history", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.render());
    assert_valid_sarif(&run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let vcp = &doc["runs"][0]["versionControlProvenance"][0];
    assert_eq!(
        vcp["repositoryUri"],
        "https://git.example.test/team/app.git"
    );
    assert_eq!(vcp["revisionId"], head.as_str());
    assert_eq!(
        doc["runs"][0]["results"][0]["properties"]["commit"],
        head.as_str()
    );
    // A baseline from a history scan silences the next history scan and the working tree.
    assert_eq!(
        repo.preflight(["baseline", "b.json", ".", "--history"])
            .code,
        0
    );
    let again = repo.preflight(["scan", ".", "--history", "--baseline", "b.json"]);
    assert_eq!(again.code, 0, "{}", again.render());
    let tree = repo.preflight(["scan", ".", "--baseline", "b.json"]);
    assert_eq!(tree.code, 0, "{}", tree.render());
}

#[test]
fn history_errors_are_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = crate::common::run_in(dir.path(), ["scan", ".", "--history"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
    let repo = Repo::new();
    repo.commit("empty");
    let bad = repo.preflight(["scan", ".", "--history", "--ref", "no-such-ref"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("no-such-ref"), "{}", bad.stderr);
    let date = repo.preflight(["scan", ".", "--history", "--since", "not a date"]);
    assert_eq!(date.code, 2);
    assert!(date.stderr.contains("invalid date"), "{}", date.stderr);
}

#[test]
fn since_and_until_select_commits() {
    let repo = Repo::new();
    repo.write("one.env", &format!("T={}\n", ghp("j")));
    repo.commit("first"); // 2023-11-14T22:23:20Z
    repo.write("two.env", &format!("N={}\n", npm("k")));
    repo.commit("second"); // 2023-11-14T22:33:20Z
    let late = findings(&repo.history_json(&["--since", "@1700000900"]));
    assert_eq!(late.len(), 1);
    assert_eq!(late[0]["location"]["path"], "two.env");
    let early = findings(&repo.history_json(&["--until", "@1700000700"]));
    assert_eq!(early.len(), 1);
    assert_eq!(early[0]["location"]["path"], "one.env");
}

#[test]
fn secrets_reached_through_a_blob_tag_a_note_and_an_older_stash_are_found() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    // A tag of a blob (git's own repository tags its maintainer's key this way).
    repo.write("key.txt", &format!("T={}\n", ghp("t")));
    let blob = repo
        .git(["hash-object", "-w", "key.txt"])
        .trim()
        .to_string();
    std::fs::remove_file(repo.path().join("key.txt")).expect("rm");
    repo.git(["tag", "-a", "-m", "signing key", "key-blob", &blob]);
    let tag = repo.git(["rev-parse", "key-blob"]).trim().to_string();
    repo.git(["notes", "add", "-m", &format!("T={}", ghp("n")), "HEAD"]);
    // Two stashes: the older one is only in the stash's reflog.
    repo.write("README.md", &format!("T={}\n", ghp("s")));
    repo.git(["stash", "-q"]);
    repo.write("README.md", "newer stash\n");
    repo.git(["stash", "-q"]);
    let doc = repo.history_json(&[]);
    let f = findings(&doc);
    assert_eq!(f.len(), 3, "{doc}");
    let tagged = f
        .iter()
        .find(|x| x["location"]["path"] == "refs/tags/key-blob")
        .expect("the tagged blob's finding");
    assert_eq!(tagged["location"]["commit"], tag.as_str());
    assert!(
        !doc.to_string().contains("points to a blob"),
        "no longer a skip: {doc}"
    );
}
