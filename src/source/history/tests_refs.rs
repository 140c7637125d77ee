//! History tests of what refs reach besides branches (issue 16 item 4): tags of blobs and
//! trees, notes, and every stash in the stash's reflog.

use super::testrepo::{secret, Repo};
use super::*;

fn all() -> HistoryOptions {
    HistoryOptions {
        threads: 2,
        max_blob_size: 1 << 20,
        ..Default::default()
    }
}

/// The (introducing "commit" id, its summary, path) of every occurrence of blob `id`.
fn introduced(h: &History, id: gix::ObjectId) -> Vec<(String, String, String)> {
    h.blobs
        .iter()
        .filter(|b| b.id == id)
        .flat_map(|b| b.occurrences.iter())
        .map(|o| {
            let c = &h.commits[o.commit as usize];
            (c.id.clone(), c.summary.clone(), o.path.to_string())
        })
        .collect()
}

fn repo_with_one_commit() -> Repo {
    let repo = Repo::new();
    repo.write("README", "hello\n");
    repo.commit("first");
    repo
}

#[test]
fn a_blob_reached_only_by_an_annotated_tag_is_read_and_named_by_its_tag() {
    let repo = repo_with_one_commit();
    let content = format!("key {}\n", secret());
    let blob = repo.blob(&content);
    let file = repo.tmp.path().join("hash-me");
    repo.git(&["hash-object", "-w", file.to_str().expect("utf-8")]);
    repo.git(&[
        "tag",
        "-a",
        "-m",
        "release key",
        "keytag",
        &blob.to_string(),
    ]);
    let tag = repo.git(&["rev-parse", "keytag"]);
    let h = enumerate(&repo.path(), &all()).expect("enumerate");
    assert_eq!(
        introduced(&h, blob),
        [(
            tag,
            "refs/tags/keytag (tag): release key".into(),
            "refs/tags/keytag".into()
        )]
    );
    assert!(
        !h.notes.iter().any(|n| n.message.contains("keytag")),
        "{:?}",
        h.notes
    );
    assert!(h.commits.iter().any(|c| c.author_name == "Ada"));
}

#[test]
fn a_tree_reached_only_by_a_lightweight_tag_brings_in_its_blobs() {
    let repo = repo_with_one_commit();
    repo.git(&["checkout", "-q", "-b", "scratch"]);
    repo.write("deep/inner.txt", "only in the tagged tree\n");
    repo.commit("scratch");
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "scratch"]);
    repo.git(&["tag", "treetag", &tree]);
    let h = enumerate(&repo.path(), &all()).expect("enumerate");
    let found = introduced(&h, repo.blob("only in the tagged tree\n"));
    assert_eq!(
        found,
        [(
            tree,
            "refs/tags/treetag (a lightweight tag)".into(),
            "deep/inner.txt".into()
        )]
    );
    // Lightweight tags have no time: a date window leaves them out.
    let since = HistoryOptions {
        since: Some(0),
        ..all()
    };
    let h = enumerate(&repo.path(), &since).expect("enumerate");
    assert!(introduced(&h, repo.blob("only in the tagged tree\n")).is_empty());
}

#[test]
fn notes_are_read_like_files() {
    let repo = repo_with_one_commit();
    let note = format!("deploy with {}", secret());
    repo.git(&["notes", "add", "-m", &note, "HEAD"]);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let h = enumerate(&repo.path(), &all()).expect("enumerate");
    let found = introduced(&h, repo.blob(&format!("{note}\n")));
    assert_eq!(found.len(), 1, "{:?}", h.blobs);
    assert_eq!(
        found[0].2, head,
        "a note's path is the id of the commit it annotates"
    );
}

#[test]
fn every_stash_of_the_reflog_is_read() {
    let repo = repo_with_one_commit();
    for n in 1..=3 {
        repo.write("README", &format!("stash {n}\n"));
        repo.git(&["stash", "-q"]);
    }
    let h = enumerate(&repo.path(), &all()).expect("enumerate");
    for n in 1..=3 {
        let found = introduced(&h, repo.blob(&format!("stash {n}\n")));
        assert!(!found.is_empty(), "stash {n} not read");
    }
}
