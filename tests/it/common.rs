//! Shared helpers: fixture trees copied into temp dirs, running the binary, schema checks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixture copied into a fresh temp dir (so tests can add files without touching the repo).
pub struct TestTree {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn render(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestTree {
    /// An empty tree.
    pub fn empty() -> Self {
        TestTree {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A copy of `fixtures/<name>`.
    pub fn copy_of(name: &str) -> Self {
        let tree = TestTree::empty();
        copy_dir(&repo().join("fixtures").join(name), tree.path());
        tree
    }

    /// Copies `fixtures/<name>` into `<rel>` inside this tree (to combine several fixtures).
    pub fn add_fixture(&self, name: &str, rel: &str) {
        let target = self.path().join(rel);
        std::fs::create_dir_all(&target).expect("mkdir");
        copy_dir(&repo().join("fixtures").join(name), &target);
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }

    /// Runs preflight with this tree as the working directory.
    pub fn preflight<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        run_in(self.path(), args)
    }
}

/// Runs the binary in `dir`, without colour.
pub fn run_in<I, S>(dir: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run_with_env(dir, args, &[])
}

/// Runs the binary in `dir` with extra environment variables (which win over the defaults).
pub fn run_with_env<I, S>(dir: &Path, args: I, env: &[(&str, &str)]) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    // Never the user's advisory database, never the internet: a scan that finds lockfiles and
    // no index tries one update, which these addresses refuse at once. Tests that audit pass
    // `--db`.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PREFLIGHT_DB_DIR", no_db_dir())
        .env("PREFLIGHT_OSV_URL", "http://127.0.0.1:1/")
        .env(
            "PREFLIGHT_RUSTSEC_URL",
            "http://127.0.0.1:1/advisory-db.git",
        );
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("run preflight");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A database directory nothing ever writes an index to (the failed updates leave it empty).
fn no_db_dir() -> PathBuf {
    std::env::temp_dir().join(format!("preflight-test-no-db-{}", std::process::id()))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Validates SARIF against the official schema in ../shared; prints a skip line when absent.
pub fn assert_valid_sarif(text: &str) {
    let schema_path = repo().join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(schema) = std::fs::read_to_string(&schema_path) else {
        eprintln!("skip: ../shared/schemas absent; SARIF not validated against the schema");
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("schema is JSON");
    let doc: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// Snapshot filters: durations and absolute temp paths vary between runs.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"in \d+ ms", "in [N] ms"),
        (r#""duration_ms": \d+"#, r#""duration_ms": [N]"#),
        (r"file:///[^\x22]*/", "file:///[ROOT]/"),
        (r#""scanned_at": "[^"]*""#, r#""scanned_at": "[TIME]""#),
        (r#""rules_hash": "[0-9a-f]*""#, r#""rules_hash": "[HASH]""#),
    ]
}
