//! Progress bars stay off the record: integration tests run with stderr on a pipe, so no scan
//! (tree, history, `db update`) may draw one there, with or without `CI` set.

use crate::common::{run_with_env, Run, TestTree};
use crate::git::{ghp, Repo};

/// Fails when stderr holds what a drawn bar leaves: carriage returns, escape sequences, the
/// bar's fill characters or its wording.
pub fn assert_no_progress(run: &Run) {
    let err = &run.stderr;
    for mark in ["\r", "\x1b", "=>", " eta ", " blobs", " files "] {
        assert!(
            !err.contains(mark),
            "progress output {mark:?} on stderr: {err:?}"
        );
    }
}

#[test]
fn a_tree_scan_off_the_terminal_draws_no_bar() {
    let tree = TestTree::empty();
    for n in 0..200 {
        tree.write(&format!("d{}/f{n}.txt", n % 10), "plain text\n".repeat(50));
    }
    tree.write("d0/.env", format!("T={}\n", ghp("bar")));
    for env in [&[][..], &[("CI", "true")][..]] {
        let run = run_with_env(tree.path(), ["scan", ".", "--scanners=secrets"], env);
        assert_eq!(run.code, 1, "{}", run.render());
        assert_no_progress(&run);
    }
}

#[test]
fn a_history_scan_off_the_terminal_draws_no_bar() {
    let repo = Repo::new();
    for n in 0..20 {
        repo.write(&format!("f{n}.txt"), &format!("revision {n}\n"));
        repo.commit(&format!("commit {n}"));
    }
    let run = repo.preflight(["scan", ".", "--history"]);
    assert_eq!(run.code, 0, "{}", run.render());
    assert_no_progress(&run);
}
