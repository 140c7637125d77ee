//! Tests of the history source, on small repositories built with the `git` binary (`testrepo`).

use super::testrepo::{git_in, loose, secret, Repo};
use super::*;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

fn all() -> HistoryOptions {
    HistoryOptions {
        threads: 2,
        max_blob_size: 1 << 20,
        ..Default::default()
    }
}

fn history(path: &Path, opts: &HistoryOptions) -> History {
    enumerate(path, opts).expect("enumerate")
}

/// The selected commits' ids, in order.
fn ids(h: &History) -> Vec<String> {
    h.commits.iter().map(|c| c.id.clone()).collect()
}

/// The (commit id, path) pairs where `id` was introduced, oldest first.
fn occurrences(h: &History, id: gix::ObjectId) -> Vec<(String, String)> {
    h.blobs
        .iter()
        .find(|b| b.id == id)
        .map(|b| {
            b.occurrences
                .iter()
                .map(|o| (h.commits[o.commit as usize].id.clone(), o.path.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Blobs as visited: id and content.
type Visited = Vec<(gix::ObjectId, Vec<u8>)>;

/// Every blob's content as read by `for_each_blob`, with the warnings.
fn read_all(h: &History) -> (BlobStats, Vec<Diagnostic>, Visited) {
    let seen = Mutex::new(Vec::new());
    let (stats, notes) = for_each_blob(h, &all(), |blob, content| {
        seen.lock()
            .expect("lock")
            .push((blob.id, content.data.to_vec()));
        false
    });
    (stats, notes, seen.into_inner().expect("lock"))
}

#[test]
fn a_deleted_secret_is_still_enumerated_and_attributed_to_its_adding_commit() {
    let repo = Repo::new();
    repo.write("README", "hello\n");
    repo.write("config/.env", &format!("TOKEN={}\n", secret()));
    let added = repo.commit("add config");
    std::fs::remove_file(repo.path().join("config/.env")).expect("rm");
    let removed = repo.commit("remove config");
    let h = history(&repo.path(), &all());
    let id = repo.blob(&format!("TOKEN={}\n", secret()));
    assert_eq!(occurrences(&h, id), [(added.clone(), "config/.env".into())]);
    assert_eq!(h.commits.len(), 2);
    assert_eq!(h.commits[1].id, removed);
    assert_eq!(h.commits[0].summary, "add config");
    assert_eq!(h.commits[0].author_email, "ada@example.invalid");
    assert!(h
        .head
        .iter()
        .all(|(path, _)| path.as_ref() != "config/.env"));
    let (stats, notes, seen) = read_all(&h);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(stats.scanned, 2);
    assert!(seen
        .iter()
        .any(|(i, data)| *i == id && data.ends_with(b"\n")));
}

#[test]
fn one_blob_in_two_paths_and_commits_is_one_entry_with_occurrences_oldest_first() {
    let repo = Repo::new();
    repo.write("a.txt", "same\n");
    let c1 = repo.commit("one");
    repo.write("b.txt", "same\n");
    repo.write("dir/c.txt", "same\n");
    let c2 = repo.commit("two");
    repo.write("a.txt", "other\n");
    repo.commit("three");
    repo.write("a.txt", "same\n");
    let c4 = repo.commit("back");
    let h = history(&repo.path(), &all());
    let mut got = occurrences(&h, repo.blob("same\n"));
    got[1..3].sort();
    assert_eq!(
        got,
        [
            (c1, "a.txt".to_string()),
            (c2.clone(), "b.txt".into()),
            (c2, "dir/c.txt".into()),
            (c4, "a.txt".into())
        ]
    );
    assert_eq!(
        h.blobs
            .iter()
            .filter(|b| b.id == repo.blob("same\n"))
            .count(),
        1
    );
    let (stats, _, _) = read_all(&h);
    assert_eq!(stats.scanned, 2, "each distinct blob is read once");
}

#[test]
fn an_unmerged_branch_is_read_with_all_refs_but_not_with_ref_main() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("key.txt", &secret());
    let feature = repo.commit("feature");
    repo.git(&["checkout", "-q", "main"]);
    let id = repo.blob(&secret());
    let h = history(&repo.path(), &all());
    assert_eq!(occurrences(&h, id), [(feature, "key.txt".into())]);
    let main_only = HistoryOptions {
        refs: vec!["main".into()],
        ..all()
    };
    let h = history(&repo.path(), &main_only);
    assert!(occurrences(&h, id).is_empty());
    assert_eq!(h.commits.len(), 1);
}

#[test]
fn a_commit_reachable_only_through_an_annotated_tag_is_read() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "--detach"]);
    repo.write("tagged.txt", "only tagged\n");
    let tagged = repo.commit("tagged");
    repo.git(&["tag", "-a", "-m", "release", "v1"]);
    repo.git(&["checkout", "-q", "main"]);
    let h = history(&repo.path(), &all());
    assert_eq!(
        occurrences(&h, repo.blob("only tagged\n")),
        [(tagged, "tagged.txt".into())]
    );
    let by_tag = HistoryOptions {
        refs: vec!["v1".into()],
        ..all()
    };
    assert_eq!(history(&repo.path(), &by_tag).commits.len(), 2);
}

#[test]
fn a_clean_merge_introduces_nothing_and_a_conflict_resolution_its_result() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.write("b.txt", "b\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("a.txt", "a side\n");
    repo.write("c.txt", "shared\n");
    repo.commit("side");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.txt", "b main\n");
    repo.write("c.txt", "main version\n");
    repo.commit("main");
    // c.txt conflicts; the resolution is new content.
    let merged = Command::new("git")
        .args([
            "-c",
            "user.name=Ada",
            "-c",
            "user.email=ada@example.invalid",
            "merge",
            "-q",
            "side",
        ])
        .current_dir(repo.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git");
    assert!(!merged.status.success(), "c.txt must conflict");
    repo.write("c.txt", "resolved\n");
    let merge = repo.commit("merge side");
    let h = history(&repo.path(), &all());
    let merge_index = h.commits.iter().position(|c| c.id == merge).expect("merge") as u32;
    let at_merge: Vec<String> = h
        .blobs
        .iter()
        .flat_map(|b| &b.occurrences)
        .filter(|o| o.commit == merge_index)
        .map(|o| o.path.to_string())
        .collect();
    assert_eq!(at_merge, ["c.txt"], "a.txt and b.txt merged cleanly");
    assert_eq!(
        occurrences(&h, repo.blob("resolved\n")),
        [(merge, "c.txt".into())]
    );
}

#[test]
fn a_rename_introduces_the_same_blob_at_the_new_path() {
    let repo = Repo::new();
    repo.write("old.txt", "content\n");
    let c1 = repo.commit("add");
    repo.git(&["mv", "old.txt", "new.txt"]);
    let c2 = repo.commit("rename");
    let h = history(&repo.path(), &all());
    assert_eq!(
        occurrences(&h, repo.blob("content\n")),
        [(c1, "old.txt".into()), (c2, "new.txt".into())]
    );
    assert_eq!(h.blobs.len(), 1);
}

#[test]
fn a_shallow_clone_is_read_with_a_note() {
    let repo = Repo::new();
    for n in 0..3 {
        repo.write("a.txt", &format!("version {n}\n"));
        repo.commit("change");
    }
    let url = format!("file://{}", repo.path().display());
    let clone = repo.tmp.path().join("shallow");
    git_in(
        repo.tmp.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        0,
    );
    let h = history(&clone, &all());
    let head = h.head_commit.clone().expect("head");
    assert_eq!(h.commits.len(), 1);
    assert_eq!(
        h.blobs.len(),
        1,
        "HEAD's files, as introduced by the boundary commit"
    );
    let note = format!("shallow clone: history before {head} is not available");
    assert!(h.notes.iter().any(|n| n.message == note), "{:?}", h.notes);
    assert_eq!(read_all(&h).0.scanned, 1);
}

#[test]
fn bare_repositories_linked_worktrees_and_git_files_are_opened() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.commit("base");
    let tmp = repo.tmp.path();
    git_in(tmp, &["clone", "-q", "--bare", "work", "bare.git"], 0);
    let bare = history(&tmp.join("bare.git"), &all());
    assert_eq!((bare.commits.len(), bare.workdir.clone()), (1, None));
    assert_eq!(bare.head.len(), 1);

    repo.git(&["worktree", "add", "-q", "-b", "wt", "../linked"]);
    git_in(
        &tmp.join("linked"),
        &["commit", "-q", "--allow-empty", "-m", "in wt"],
        10,
    );
    let linked = history(&tmp.join("linked"), &all());
    assert_eq!(linked.commits.len(), 2);
    assert_eq!(linked.head_branch.as_deref(), Some("wt"));
    assert_eq!(read_all(&linked).0.scanned, 1);

    std::fs::create_dir(tmp.join("sep")).expect("mkdir");
    git_in(
        &tmp.join("sep"),
        &["init", "-q", "--separate-git-dir", "../sep.git"],
        0,
    );
    std::fs::write(tmp.join("sep/f.txt"), "f\n").expect("write");
    git_in(&tmp.join("sep"), &["add", "f.txt"], 0);
    git_in(&tmp.join("sep"), &["commit", "-q", "-m", "f"], 0);
    std::fs::create_dir(tmp.join("sep/sub")).expect("mkdir");
    let sep = history(&tmp.join("sep/sub"), &all());
    assert!(
        sep.git_dir.ends_with("sep.git"),
        "{}",
        sep.git_dir.display()
    );
    assert_eq!((sep.commits.len(), read_all(&sep).0.scanned), (1, 1));
}

#[test]
fn missing_objects_become_warnings_with_their_id_and_reading_goes_on() {
    let repo = Repo::new();
    repo.write("keep.txt", "keep\n");
    repo.write("lost.txt", "lost\n");
    repo.write("dir/deep.txt", "deep\n");
    repo.commit("add");
    let git_dir = repo.path().join(".git");
    let lost = repo.blob("lost\n");
    std::fs::remove_file(loose(&git_dir, lost)).expect("rm blob");
    let h = history(&repo.path(), &all());
    assert_eq!(h.blobs.len(), 3, "the tree still names the lost blob");
    let (stats, notes, _) = read_all(&h);
    assert_eq!(stats.scanned, 2);
    assert!(
        notes.iter().any(|n| n.message.contains(&lost.to_string())),
        "{notes:?}"
    );

    let dir_tree = repo.git(&["rev-parse", "HEAD:dir"]);
    let dir_tree = gix::ObjectId::from_hex(dir_tree.as_bytes()).expect("hex");
    std::fs::remove_file(loose(&git_dir, dir_tree)).expect("rm tree");
    let h = history(&repo.path(), &all());
    assert!(
        h.notes
            .iter()
            .any(|n| n.message.contains(&dir_tree.to_string())),
        "{:?}",
        h.notes
    );
    assert!(
        occurrences(&h, repo.blob("keep\n")).len() == 1,
        "the rest is still read"
    );
}

#[test]
fn since_and_until_select_commits_but_parents_still_bound_the_diffs() {
    let repo = Repo::new();
    repo.write("a.txt", "1\n");
    let c1 = repo.commit("one");
    repo.write("b.txt", "2\n");
    let c2 = repo.commit("two");
    repo.write("c.txt", "3\n");
    let c3 = repo.commit("three");
    let t2 = 1_700_000_000 + 120;
    let since = HistoryOptions {
        since: Some(t2),
        ..all()
    };
    let h = history(&repo.path(), &since);
    assert_eq!(ids(&h), [c2.clone(), c3]);
    assert!(
        occurrences(&h, repo.blob("1\n")).is_empty(),
        "a.txt came with a filtered commit"
    );
    assert_eq!(
        occurrences(&h, repo.blob("2\n")),
        [(c2.clone(), "b.txt".into())]
    );
    let until = HistoryOptions {
        until: Some(t2),
        ..all()
    };
    assert_eq!(ids(&history(&repo.path(), &until)), [c1, c2]);
}

#[test]
fn a_range_reads_commits_reachable_from_its_end_not_its_start() {
    let repo = Repo::new();
    repo.write("a.txt", "1\n");
    let c1 = repo.commit("one");
    repo.write("b.txt", "2\n");
    let c2 = repo.commit("two");
    repo.write("c.txt", "3\n");
    let c3 = repo.commit("three");
    let range = HistoryOptions {
        range: Some(format!("{c1}..main")),
        ..all()
    };
    let h = history(&repo.path(), &range);
    assert_eq!(ids(&h), [c2, c3]);
    assert_eq!(h.blobs.len(), 2, "a.txt is in the excluded commit");
    let bad = HistoryOptions {
        range: Some("nope..main".into()),
        ..all()
    };
    let err = enumerate(&repo.path(), &bad)
        .expect_err("bad range")
        .to_string();
    assert!(err.contains("nope..main"), "{err}");
}

#[test]
fn a_stash_is_read_with_all_refs() {
    let repo = Repo::new();
    repo.write("a.txt", "committed\n");
    repo.commit("base");
    repo.write("a.txt", "stashed\n");
    repo.git(&["stash", "-q"]);
    let h = history(&repo.path(), &all());
    assert_eq!(occurrences(&h, repo.blob("stashed\n")).len(), 1);
}

#[test]
fn bad_paths_and_refs_are_errors_naming_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = enumerate(tmp.path(), &all())
        .expect_err("not a repo")
        .to_string();
    assert!(err.ends_with("not a git repository"), "{err}");
    let repo = Repo::new();
    repo.commit("empty");
    let opts = HistoryOptions {
        refs: vec!["no-such-branch".into()],
        ..all()
    };
    let err = enumerate(&repo.path(), &opts)
        .expect_err("bad ref")
        .to_string();
    assert!(err.contains("no-such-branch"), "{err}");
}

#[test]
fn head_provenance_submodules_and_symlinks() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    let c1 = repo.commit("base");
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{c1},vendor/lib"),
    ]);
    std::os::unix::fs::symlink("a.txt", repo.path().join("link")).expect("symlink");
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://user:tok3n@example.invalid/x.git",
    ]);
    repo.git(&["add", "link"]);
    repo.git(&["commit", "-q", "-m", "submodule and link"]);
    let c2 = repo.git(&["rev-parse", "HEAD"]);
    let h = history(&repo.path(), &all());
    assert_eq!(h.head_commit.as_deref(), Some(c2.as_str()));
    assert_eq!(h.head_branch.as_deref(), Some("main"));
    assert_eq!(
        h.remote_url.as_deref(),
        Some("https://example.invalid/x.git")
    );
    let head: Vec<_> = h.head.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(head, ["a.txt"], "no symlink, no gitlink");
    let note = "submodule vendor/lib not scanned (scan it separately)";
    assert!(h.notes.iter().any(|n| n.message == note), "{:?}", h.notes);
    assert_eq!(h.blobs.len(), 1);
}

#[test]
fn binary_and_large_blobs_are_counted_not_visited() {
    let repo = Repo::new();
    repo.write("text.txt", "text\n");
    repo.write("bin.dat", "a\0b");
    repo.write("big.txt", &"x".repeat(2000));
    repo.commit("add");
    let h = history(&repo.path(), &all());
    let opts = HistoryOptions {
        max_blob_size: 1000,
        ..all()
    };
    let (stats, notes) = for_each_blob(&h, &opts, |_, _| false);
    // Too large is a gap the scan reports; binary content is not.
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].message.contains("larger than --max-file-size"));
    assert_eq!(notes[0].path.as_deref(), Some("big.txt"));
    let expected = BlobStats {
        scanned: 1,
        bytes: 5,
        fresh_bytes: 5,
        skipped_binary: 1,
        skipped_too_large: 1,
    };
    assert_eq!(stats, expected);
}

#[test]
fn commits_with_equal_times_are_ordered_parents_first() {
    let repo = Repo::new();
    let mut made = Vec::new();
    for n in 0..5 {
        repo.write("a.txt", &format!("{n}\n"));
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "-m", "same time"]);
        made.push(repo.git(&["rev-parse", "HEAD"]));
    }
    assert_eq!(ids(&history(&repo.path(), &all())), made);
}

#[test]
fn many_commits_and_blobs_are_split_across_threads_with_the_same_result() {
    let repo = Repo::new();
    let mut stream = String::new();
    for n in 1..=100 {
        let time = 1_700_000_000 + n * 60;
        stream += &format!("commit refs/heads/main\nmark :{n}\n");
        stream += &format!("committer Ada <ada@example.invalid> {time} +0000\ndata 4\nc{n:03}\n");
        if n > 1 {
            stream += &format!("from :{}\n", n - 1);
        }
        for f in 0..3 {
            let body = format!("file {f} of commit {n}\n");
            stream += &format!(
                "M 100644 inline d{f}/f{n}.txt\ndata {}\n{body}\n",
                body.len()
            );
        }
    }
    repo.fast_import(&stream);
    let one = HistoryOptions {
        threads: 1,
        ..all()
    };
    let (h1, h2) = (history(&repo.path(), &one), history(&repo.path(), &all()));
    assert_eq!((h1.commits.len(), h1.blobs.len()), (100, 300));
    assert_eq!(ids(&h1), ids(&h2));
    let summaries: Vec<_> = h2.commits.iter().map(|c| c.summary.clone()).collect();
    assert_eq!(summaries[..2], ["c001", "c002"]);
    for blob in &h2.blobs {
        let [occurrence] = &blob.occurrences[..] else {
            panic!("{blob:?}")
        };
        let commit = &h2.commits[occurrence.commit as usize].summary;
        assert!(occurrence
            .path
            .ends_with(&format!("/f{}.txt", &commit[1..].trim_start_matches('0'))));
    }
    assert_eq!(h2.head.len(), 300);
    let (stats, notes) = for_each_blob(&h2, &all(), |_, _| false);
    assert_eq!((stats.scanned, notes.len()), (300, 0));
}

/// Timing on the benchmark corpus (`/work/shared/bench/make-corpus.sh`); run with
/// `cargo test --release --lib source::history::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_on_the_benchmark_corpus() {
    let path = Path::new("/tmp/preflight-bench/repo");
    let opts = HistoryOptions {
        max_blob_size: 10 << 20,
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let h = enumerate(path, &opts).expect("enumerate");
    let enumerated = start.elapsed();
    let start = std::time::Instant::now();
    let (stats, notes) = for_each_blob(&h, &opts, |_, _| false);
    let read = start.elapsed();
    eprintln!(
        "enumerate: {enumerated:?} ({} commits, {} blobs, {} occurrences); for_each_blob: {read:?} {stats:?}, {} notes",
        h.commits.len(),
        h.blobs.len(),
        h.blobs.iter().map(|b| b.occurrences.len()).sum::<usize>(),
        notes.len()
    );
}

/// A repository whose two versions of one large file are packed, one as a delta of the other.
fn packed_versions() -> (Repo, String, String) {
    let repo = Repo::new();
    let lines: Vec<String> = (0..400)
        .map(|n| format!("line {n} of a long file\n"))
        .collect();
    repo.write("big.txt", &lines.concat());
    repo.commit("v1");
    let mut changed = lines.clone();
    changed[200] = "a new line in the middle\n".into();
    repo.write("big.txt", &changed.concat());
    repo.commit("v2");
    repo.git(&["repack", "-a", "-d", "-f", "-q"]);
    (repo, lines.concat(), changed.concat())
}

#[test]
fn a_delta_is_visited_with_the_ranges_its_base_did_not_supply() {
    let (repo, v1, v2) = packed_versions();
    let h = history(&repo.path(), &all());
    let seen = Mutex::new(Vec::new());
    let (stats, notes) = for_each_blob(&h, &all(), |_, content| {
        let fresh = content.fresh.map(<[_]>::to_vec);
        let base = content.base.map(|b| b.id);
        seen.lock()
            .expect("lock")
            .push((content.data.to_vec(), fresh, base));
        false
    });
    assert!(notes.is_empty(), "{notes:?}");
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.len(), 2, "each blob once when nothing is found");
    let whole = seen.iter().filter(|(_, fresh, _)| fresh.is_none()).count();
    assert_eq!(whole, 1, "the base is visited whole");
    let (data, fresh, base) = seen
        .iter()
        .find(|(_, fresh, _)| fresh.is_some())
        .expect("a delta");
    assert!(base.is_some());
    let fresh: usize = fresh.iter().flatten().map(|r| r.len()).sum();
    assert!(fresh < data.len() / 4, "{fresh} fresh of {}", data.len());
    assert!(data == v1.as_bytes() || data == v2.as_bytes());
    assert_eq!(stats.bytes, (v1.len() + v2.len()) as u64);
    assert!(stats.fresh_bytes < stats.bytes);
}

#[test]
fn deltas_of_a_blob_the_visitor_flags_are_visited_again_whole() {
    let (repo, _, _) = packed_versions();
    let h = history(&repo.path(), &all());
    let visits = Mutex::new(Vec::new());
    for_each_blob(&h, &all(), |blob, content| {
        visits
            .lock()
            .expect("lock")
            .push((blob.id, content.fresh.is_some()));
        content.fresh.is_none() // "found something" in the whole-read base
    });
    let visits = visits.into_inner().expect("lock");
    assert_eq!(visits.len(), 3, "{visits:?}");
    let delta = visits.iter().find(|(_, fresh)| *fresh).expect("delta").0;
    let again = visits
        .iter()
        .filter(|(id, fresh)| *id == delta && !fresh)
        .count();
    assert_eq!(again, 1, "the delta again, whole");
}
