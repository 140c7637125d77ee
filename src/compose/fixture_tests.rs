//! Drives `scan()` over every directory of `fixtures/compose/` and compares the findings with
//! the directory's `expect.txt` (exact set of `RULE severity file:line`). Fixtures name their
//! gitignore files `_gitignore` so that the repository's git does not apply them; the test copies
//! each fixture to a temporary directory and renames them.

use super::{is_compose_file, scan};
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path, rel: &str, files: &mut Vec<String>) -> std::io::Result<()> {
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        let target_name = if name == "_gitignore" {
            ".gitignore".to_string()
        } else {
            name.clone()
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

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose")
}

/// Runs one fixture; returns (expected, actual) lines.
pub(crate) fn run_fixture(name: &str) -> (Vec<String>, Vec<String>, super::Outcome) {
    let src = fixture_dir().join(name);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut files = Vec::new();
    copy_tree(&src, tmp.path(), "", &mut files).unwrap_or_else(|e| panic!("copy {name}: {e}"));
    files.sort();
    let compose: Vec<String> = files.into_iter().filter(|f| is_compose_file(f)).collect();
    let out = scan(tmp.path(), &compose);
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
