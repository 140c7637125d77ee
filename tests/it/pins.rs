//! Every `uses:` in the action, the project's workflows and the README's example workflow is
//! pinned by a full commit SHA with the version in a comment: tags can be moved to other code
//! (in 2026 a popular scanner's tags were force-pushed to a credential stealer), commits cannot.

use std::path::{Path, PathBuf};

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("action.yml"), root.join("README.md")];
    let workflows = root.join(".github/workflows");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&workflows)
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"));
    found.sort();
    out.extend(found);
    out
}

/// `None` when the `uses:` value is pinned: `owner/repo[/path]@<40 hex> # <version>`, or a local
/// action (`./...`). Otherwise why not.
fn unpinned(value: &str) -> Option<String> {
    let (target, comment) = match value.split_once('#') {
        Some((t, c)) => (t.trim(), c.trim()),
        None => (value.trim(), ""),
    };
    if target.starts_with("./") {
        return None;
    }
    let Some((_, rev)) = target.split_once('@') else {
        return Some("no @ref".into());
    };
    if rev.len() != 40 || !rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(format!("{rev:?} is not a 40-hex commit SHA"));
    }
    if comment.is_empty() {
        return Some("no `# version` comment".into());
    }
    None
}

#[test]
fn every_action_is_pinned_by_commit_sha() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for file in files() {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start().trim_start_matches("- ");
            let Some(value) = trimmed.strip_prefix("uses:") else {
                continue;
            };
            seen += 1;
            if let Some(why) = unpinned(value) {
                problems.push(format!("{}:{}: {why}: {line}", file.display(), n + 1));
            }
        }
    }
    assert!(
        seen >= 4,
        "expected uses: lines in action.yml, workflows and README"
    );
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn the_check_rejects_tags() {
    assert!(unpinned(" actions/checkout@v4").is_some());
    assert!(unpinned(" actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1").is_some());
    assert!(
        unpinned(" actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1").is_none()
    );
    assert!(unpinned(" ./").is_none());
}
