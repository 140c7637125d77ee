//! Test support: runs the `git` binary (tests only; the library reads git through gix) with a
//! fixed identity and clock, ignoring the user's and the system's config and the variables of an
//! enclosing hook (`cargo test` run from a pre-commit hook would otherwise aim git elsewhere).

use std::path::Path;
use std::process::Command;

/// Runs git in `dir` at `time` (seconds since the epoch) with extra `env`; panics with git's
/// stderr on failure and returns its trimmed stdout.
pub(crate) fn git_env(dir: &Path, args: &[&str], time: i64, env: &[(&str, &Path)]) -> String {
    let date = format!("@{time} +0000");
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_DIR")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .envs(env.iter().copied())
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

/// `git_env` without extra variables.
pub(crate) fn git_in(dir: &Path, args: &[&str], time: i64) -> String {
    git_env(dir, args, time, &[])
}
