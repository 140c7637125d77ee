//! Drives `scan()` over every directory of `fixtures/compose/` and compares the findings with
//! the directory's `expect.txt` (exact set of `RULE severity file:line`). Fixtures name their
//! gitignore files `_gitignore` so that the repository's git does not apply them; the test copies
//! each fixture to a temporary directory and renames them (and `_git/` to `.git/`).

use super::scan;
use crate::scanned::Scanned;
use crate::source::fs::WalkOptions;
use crate::source::Workspace;
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path, rel: &str, files: &mut Vec<String>) -> std::io::Result<()> {
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        // `_git` holds `info/exclude`: a real `.git` would be a repository of its own.
        let target_name = match name.as_str() {
            "_gitignore" => ".gitignore".to_string(),
            "_git" => ".git".to_string(),
            _ => name.clone(),
        };
        let r = if rel.is_empty() {
            target_name.clone()
        } else {
            format!("{rel}/{target_name}")
        };
        if e.file_type()?.is_dir() {
            std::fs::create_dir_all(to.join(&target_name))?;
            copy_tree(&e.path(), &to.join(&target_name), &r, files)?;
        } else if name != "expect.txt" {
            std::fs::copy(e.path(), to.join(&target_name))?;
            files.push(r);
        }
    }
    Ok(())
}

/// The compose scanner over a directory, as a tree scan runs it: walk, then scan the workspace.
pub(crate) fn scan_dir(root: &Path) -> Scanned {
    let opts = WalkOptions {
        threads: 1,
        max_file_size: 1 << 24,
    };
    let ws = Workspace::walk(root, &opts, |_| false, |_| true, |_| {});
    scan(&ws, &super::Options::default())
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose")
}

/// Runs one fixture; returns (expected, actual) lines.
pub(crate) fn run_fixture(name: &str) -> (Vec<String>, Vec<String>, Scanned) {
    let src = fixture_dir().join(name);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut files = Vec::new();
    copy_tree(&src, tmp.path(), "", &mut files).unwrap_or_else(|e| panic!("copy {name}: {e}"));
    files.sort();
    let out = scan_dir(tmp.path());
    let mut actual: Vec<String> = out
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f.rule_id, f.severity, f.location.path, f.location.start_line
            )
        })
        .collect();
    actual.sort();
    let text = std::fs::read_to_string(src.join("expect.txt")).unwrap_or_default();
    let mut expected: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    expected.sort();
    (expected, actual, out)
}

#[test]
fn every_fixture_matches_its_expectation() {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert!(names.len() >= 30, "fixtures missing");
    let mut failures = Vec::new();
    for n in &names {
        let (expected, actual, _) = run_fixture(n);
        if expected != actual {
            failures.push(format!(
                "{n}:\n  expected {expected:#?}\n  actual   {actual:#?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
