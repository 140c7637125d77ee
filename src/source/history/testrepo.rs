//! Small git repositories for the history tests, built with the `git` binary in a temp dir
//! with a fixed identity, dates and config, so that they do not depend on the machine.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// A token-shaped value, built at run time so that no secret-shaped literal lives in `src/`.
pub(super) fn secret() -> String {
    format!("ghp_{}", &"Hm7vQ2xKp9LzR4wE".repeat(3)[..36])
}

pub(super) use crate::source::testgit::git_in;

/// A work tree with a repository, and a clock that advances a minute per commit.
pub(super) struct Repo {
    pub tmp: tempfile::TempDir,
    clock: std::cell::Cell<i64>,
}

impl Repo {
    pub fn new() -> Self {
        let repo = Repo {
            tmp: tempfile::tempdir().expect("tempdir"),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        std::fs::create_dir(repo.path()).expect("mkdir");
        repo.git(&["init", "-q"]);
        repo
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.tmp.path().join("work")
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.path(), args, self.clock.get())
    }

    pub fn write(&self, path: &str, content: &str) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, content).expect("write");
    }

    /// Stages everything and commits; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.clock.set(self.clock.get() + 60);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn blob(&self, content: &str) -> gix::ObjectId {
        let file = self.tmp.path().join("hash-me");
        std::fs::write(&file, content).expect("write");
        let hex = self.git(&["hash-object", file.to_str().expect("utf-8")]);
        gix::ObjectId::from_hex(hex.as_bytes()).expect("hex")
    }

    /// Feeds a `git fast-import` stream: many commits in one process.
    pub fn fast_import(&self, stream: &str) {
        let mut child = Command::new("git")
            .args(["fast-import", "--quiet"])
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("fast-import");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(stream.as_bytes()).expect("write");
        drop(stdin);
        assert!(child.wait().expect("wait").success());
    }
}

/// The loose object file of `id` in `git_dir`.
pub(super) fn loose(git_dir: &Path, id: gix::ObjectId) -> std::path::PathBuf {
    let hex = id.to_string();
    git_dir.join("objects").join(&hex[..2]).join(&hex[2..])
}
