//! A small git repository built with the `git` binary, for history and staged tests (only tests
//! run git; preflight itself reads repositories through gix).

use crate::common::{run_in, Run};
use std::path::Path;
use std::process::Command;

/// A repository in a temp dir with a fixed identity and clock.
pub struct Repo {
    dir: tempfile::TempDir,
    clock: std::cell::Cell<i64>,
}

impl Repo {
    pub fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("tempdir"),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        repo.git(["init", "-q"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the repo; panics with its stderr on failure.
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        git_in(self.path(), args, self.clock.get())
    }

    pub fn write(&self, rel: &str, content: &str) {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// Stages everything and commits; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.clock.set(self.clock.get() + 600);
        self.git(["add", "-A"]);
        self.git(["commit", "-q", "--allow-empty", "-m", message]);
        self.git(["rev-parse", "HEAD"]).trim().to_string()
    }

    /// The id of `rev` (e.g. `HEAD:file`) and the path of its loose object file.
    pub fn loose_object(&self, rev: &str) -> (String, std::path::PathBuf) {
        let id = self.git(["rev-parse", rev]).trim().to_string();
        let path = self
            .path()
            .join(".git/objects")
            .join(&id[..2])
            .join(&id[2..]);
        (id, path)
    }

    pub fn preflight<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        run_in(self.path(), args)
    }

    /// `preflight scan --history --format json`, parsed.
    pub fn history_json(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["scan", ".", "--history", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.preflight(args);
        assert!(run.code <= 1, "{}", run.render());
        serde_json::from_str(&run.stdout).expect("JSON")
    }
}

/// Runs git with a fixed identity and date, ignoring the user's and the system's config.
pub fn git_in<I, S>(dir: &Path, args: I, time: i64) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let date = format!("@{time} +0000");
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args([
            "-c",
            "advice.detachedHead=false",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Dev One")
        .env("GIT_AUTHOR_EMAIL", "dev1@example.test")
        .env("GIT_COMMITTER_NAME", "Dev One")
        .env("GIT_COMMITTER_EMAIL", "dev1@example.test")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Secret-shaped values built at run time, so that test sources hold none.
pub fn ghp(seed: &str) -> String {
    let body: String = format!("{seed}Hm7vQ2xKp9LzR4wE8tYb")
        .chars()
        .cycle()
        .take(30)
        .collect();
    // The GitHub rules check the CRC32 suffix, so the token carries a valid one.
    preflight::secrets::validate::crc32_token("ghp_", &body)
}

pub fn npm(seed: &str) -> String {
    let body: String = format!("{seed}Zq8RvX2mKt7LpW4nB5c")
        .chars()
        .cycle()
        .take(30)
        .collect();
    preflight::secrets::validate::crc32_token("npm_", &body)
}

/// The findings array of a JSON report.
pub fn findings(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    doc["findings"].as_array().cloned().unwrap_or_default()
}
