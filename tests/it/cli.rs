//! Commands other than `scan`, and the errors a user can run into.

use crate::common::TestTree;

#[test]
fn rules_list_shows_every_rule() {
    let tree = TestTree::empty();
    let run = tree.preflight(["rules", "list"]);
    assert_eq!(run.code, 0);
    let last = run.stdout.lines().last().unwrap_or("");
    let n: usize = last.trim_end_matches(" rules").parse().unwrap_or(0);
    assert!(n >= 150, "{last}");
    assert!(run.stdout.contains("github-pat-classic"));
    let json = tree.preflight(["rules", "list", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc.as_array().map(Vec::len), Some(n));
}

#[test]
fn rules_test_explains_matches_and_misses() {
    let tree = TestTree::empty();
    let token =
        preflight::secrets::validate::crc32_token("ghp_", &"Hm7vQ2xKp9LzR4wE".repeat(2)[..30]);
    tree.write(
        "probe.txt",
        format!("GITHUB_TOKEN={token}\npassword = \"changeme\"\n"),
    );
    let run = tree.preflight(["rules", "test", "probe.txt"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("rule github-pat-classic"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("-> kept"));
    assert!(run.stdout.contains("dropped"), "{}", run.stdout);
    assert!(!run.stdout.contains(&token), "rules test redacts too");
}

#[test]
fn bad_config_is_one_line_naming_the_file() {
    let tree = TestTree::empty();
    tree.write(
        ".preflight.toml",
        "[[rules]]\nid = \"x\"\nregex = '(unclosed'\n",
    );
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(".preflight.toml") && run.stderr.contains("rule x"));
}

#[test]
fn missing_path_and_bad_flags_exit_2() {
    let tree = TestTree::empty();
    let run = tree.preflight(["scan", "no/such/dir"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "preflight: no/such/dir: no such file or directory"
    );
    assert_eq!(tree.preflight(["scan", "--fail-on", "bogus"]).code, 2);
    assert_eq!(tree.preflight(["scan", "--max-file-size", "ten"]).code, 2);
}

#[test]
fn empty_tree_is_clean() {
    let tree = TestTree::empty();
    let run = tree.preflight(["scan", "."]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("no findings"), "{}", run.stdout);
}
