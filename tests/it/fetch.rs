//! `deps::db::fetch`: HTTP downloads and gix fetches against the local test servers.

use crate::git::{git_in, Repo};
use crate::server::{closed_port_url, git_available, FileServer, GitServer, HangingServer};
use preflight::deps::db::fetch::{download, fetch_git, FetchOptions};
use std::path::Path;
use std::time::{Duration, Instant};

fn quick() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(30),
        ..FetchOptions::default()
    }
}

/// Some bytes that are not all alike, large enough to need several reads.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn no_part_file(dest: &Path) -> bool {
    let mut part = dest.as_os_str().to_owned();
    part.push(".part");
    !Path::new(&part).exists()
}

#[test]
fn download_writes_the_body_and_reports_the_etag() {
    let server = FileServer::new();
    let body = payload(300_000);
    server.put("npm/all.zip", body.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("npm.zip");
    let url = format!("{}npm/all.zip", server.url());

    let got = download(&url, &dest, None, &quick()).expect("download");

    assert_eq!(std::fs::read(&dest).expect("read dest"), body);
    assert_eq!(got.bytes, body.len() as u64);
    assert!(!got.not_modified);
    assert_eq!(got.etag, server.etag("npm/all.zip"));
    assert!(no_part_file(&dest));
}

#[test]
fn matching_etag_gets_304_and_leaves_the_file_alone() {
    let server = FileServer::new();
    server.put("a.zip", "new content");
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("a.zip");
    std::fs::write(&dest, "what we had").expect("write");
    let etag = server.etag("a.zip").expect("etag");
    let url = format!("{}a.zip", server.url());

    let got = download(&url, &dest, Some(&etag), &quick()).expect("download");

    assert!(got.not_modified);
    assert_eq!(got.bytes, 0);
    assert_eq!(got.etag.as_deref(), Some(etag.as_str()));
    assert_eq!(std::fs::read_to_string(&dest).expect("read"), "what we had");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("if-none-match"), Some(etag.as_str()));
}

#[test]
fn stale_etag_downloads_the_new_body() {
    let server = FileServer::new();
    server.put("a.zip", "new content");
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("a.zip");
    std::fs::write(&dest, "old").expect("write");
    let url = format!("{}a.zip", server.url());

    let got = download(&url, &dest, Some("\"stale\""), &quick()).expect("download");

    assert!(!got.not_modified);
    assert_eq!(std::fs::read_to_string(&dest).expect("read"), "new content");

    // Without a file to keep, a 304 would leave nothing on disk: the ETag is not sent.
    let fresh = dir.path().join("fresh.zip");
    let etag = server.etag("a.zip").expect("etag");
    let got = download(&url, &fresh, Some(&etag), &quick()).expect("download");
    assert!(!got.not_modified);
    assert_eq!(
        std::fs::read_to_string(&fresh).expect("read"),
        "new content"
    );
    assert_eq!(server.requests()[1].header("if-none-match"), None);
}

#[test]
fn error_statuses_name_url_and_status_and_keep_the_old_file() {
    let server = FileServer::new();
    server.fail("broken.zip", 500);
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("db.zip");
    std::fs::write(&dest, "good").expect("write");

    for (path, status) in [
        ("missing.zip", "HTTP 404 Not Found"),
        ("broken.zip", "HTTP 500"),
    ] {
        let url = format!("{}{path}", server.url());
        let err = download(&url, &dest, None, &quick()).expect_err("must fail");
        let msg = err.to_string();
        assert!(msg.starts_with(&url), "{msg}");
        assert!(msg.contains(status), "{msg}");
        assert_eq!(std::fs::read_to_string(&dest).expect("read"), "good");
        assert!(no_part_file(&dest));
    }
}

#[test]
fn truncated_body_is_an_error_and_leaves_no_part_file() {
    let server = FileServer::new();
    server.put("big.zip", payload(100_000));
    server.truncate("big.zip", 40_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("big.zip");
    std::fs::write(&dest, "good").expect("write");
    let url = format!("{}big.zip", server.url());

    let err = download(&url, &dest, None, &quick()).expect_err("must fail");

    let msg = err.to_string();
    assert!(msg.starts_with(&url), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
    assert_eq!(std::fs::read_to_string(&dest).expect("read"), "good");
    assert!(no_part_file(&dest));
}

#[test]
fn refused_connection_fails_fast() {
    let url = format!("{}x.zip", closed_port_url());
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("x.zip");
    let start = Instant::now();

    let err = download(&url, &dest, None, &quick()).expect_err("must fail");

    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.to_string(), format!("{url}: connection refused"));
    assert!(!dest.exists());
    assert!(no_part_file(&dest));
}

#[test]
fn silent_servers_time_out() {
    let server = HangingServer::new();
    let opts = FetchOptions {
        connect_timeout: Duration::from_secs(1),
        timeout: Duration::from_secs(1),
        ..FetchOptions::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("x.zip");
    let url = format!("{}x.zip", server.url());
    let start = Instant::now();
    let err = download(&url, &dest, None, &opts).expect_err("must time out");
    assert_eq!(err.to_string(), format!("{url}: timed out after 1 s"));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(!dest.exists());

    let url = format!("{}advisory-db.git", server.url());
    let dest = dir.path().join("advisory-db");
    let start = Instant::now();
    let err = fetch_git(&url, &dest, &opts).expect_err("must time out");
    assert_eq!(err.to_string(), format!("{url}: timed out after 1 s"));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(!dest.exists());
}

#[test]
fn only_http_urls_are_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("x");
    for url in [
        "file:///etc/passwd",
        "ftp://example.test/x",
        "https://",
        "nonsense",
    ] {
        let err = download(url, &dest, None, &quick()).expect_err(url);
        assert!(err.to_string().starts_with(url), "{err}");
        let err = fetch_git(url, &dest, &quick()).expect_err(url);
        assert!(err.to_string().starts_with(url), "{err}");
    }
    assert!(!dest.exists());
}

/// An upstream work repository and its bare copy `root/advisory-db.git`, served over HTTP.
struct Upstream {
    work: Repo,
    root: tempfile::TempDir,
    server: GitServer,
}

impl Upstream {
    fn start() -> Option<Upstream> {
        if !git_available() {
            eprintln!("skip: `git` not found on PATH");
            return None;
        }
        let work = Repo::new();
        work.write("crates/foo/RUSTSEC-2020-0001.md", "# first\n");
        work.commit("first advisory");
        let root = tempfile::tempdir().expect("tempdir");
        let bare = root.path().join("advisory-db.git");
        git_in(
            root.path(),
            [
                "clone".as_ref(),
                "--bare".as_ref(),
                "-q".as_ref(),
                work.path().as_os_str(),
                bare.as_os_str(),
            ],
            0,
        );
        let server = GitServer::start(root.path())?;
        Some(Upstream { work, root, server })
    }

    fn url(&self) -> String {
        self.server.repo_url("advisory-db.git")
    }

    /// Commits in the work repo and pushes to the served bare repo; returns the new id.
    fn publish(&self, rel: &str, content: &str) -> String {
        self.work.write(rel, content);
        let id = self.work.commit("another advisory");
        let bare = self.root.path().join("advisory-db.git");
        self.work.git([
            "push".as_ref(),
            "-q".as_ref(),
            bare.as_os_str(),
            "main".as_ref(),
        ]);
        id
    }
}

fn head_of(bare: &Path) -> String {
    git_in(bare, ["rev-parse", "HEAD"], 0).trim().to_string()
}

#[test]
fn fetch_git_clones_then_updates() {
    let Some(upstream) = Upstream::start() else {
        return;
    };
    let first = upstream.work.git(["rev-parse", "HEAD"]).trim().to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("advisory-db");

    let id = fetch_git(&upstream.url(), &dest, &quick()).expect("clone");
    assert_eq!(id, first);
    assert_eq!(head_of(&dest), first);
    assert_eq!(
        git_in(&dest, ["symbolic-ref", "HEAD"], 0).trim(),
        "refs/heads/main"
    );
    let siblings: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
    assert_eq!(siblings.len(), 1, "no staging directory left behind");

    let second = upstream.publish("crates/bar/RUSTSEC-2021-0002.md", "# second\n");
    let id = fetch_git(&upstream.url(), &dest, &quick()).expect("update");
    assert_eq!(id, second);
    assert_eq!(head_of(&dest), second);
    let content = git_in(&dest, ["show", "HEAD:crates/bar/RUSTSEC-2021-0002.md"], 0);
    assert_eq!(content, "# second\n");

    let id = fetch_git(&upstream.url(), &dest, &quick()).expect("no-op update");
    assert_eq!(id, second);
}

#[test]
fn failed_fetch_keeps_the_previous_clone() {
    let Some(upstream) = Upstream::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("advisory-db");
    let url = upstream.url();
    let first = fetch_git(&url, &dest, &quick()).expect("clone");
    drop(upstream);

    let err = fetch_git(&url, &dest, &quick()).expect_err("server is gone");

    let msg = err.to_string();
    assert!(msg.starts_with(&url), "{msg}");
    assert_eq!(head_of(&dest), first);
    git_in(&dest, ["fsck"], 0);
}

#[test]
fn failed_clone_leaves_nothing_behind() {
    let Some(upstream) = Upstream::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("advisory-db");
    let url = upstream.server.repo_url("no-such-repo.git");

    let err = fetch_git(&url, &dest, &quick()).expect_err("no such repository");

    assert!(err.to_string().starts_with(&url), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
    assert!(left.is_empty(), "{left:?}");

    let gone = format!("{}advisory-db.git", closed_port_url());
    let err = fetch_git(&gone, &dest, &quick()).expect_err("nothing listens");
    assert_eq!(err.to_string(), format!("{gone}: connection refused"));
    assert!(std::fs::read_dir(dir.path()).expect("ls").next().is_none());
}
