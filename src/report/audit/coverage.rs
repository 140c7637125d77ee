//! The scope and coverage section: for each result, what was scanned and what was not, so a
//! reader can tell how far the verdict reaches.

use super::doc::{code, heading, text, Block, Line};
use super::Input;

const ALL_SCANNERS: [&str; 3] = ["secrets", "deps", "config"];

fn field(name: &str, value: Line) -> Vec<Line> {
    vec![vec![text(name)], value]
}

fn plain(name: &str, value: impl Into<String>) -> Vec<Line> {
    field(name, vec![text(value)])
}

fn or_dash(v: Option<&str>) -> Line {
    match v {
        Some(s) if !s.is_empty() => vec![code(s)],
        _ => vec![text("—")],
    }
}

fn scanners(input: &Input) -> (String, String) {
    let ran = &input.report.scanners;
    let not: Vec<&str> = ALL_SCANNERS
        .iter()
        .copied()
        .filter(|s| !ran.iter().any(|r| r == s))
        .collect();
    let list = |v: Vec<&str>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    (list(ran.iter().map(String::as_str).collect()), list(not))
}

fn index(input: &Input) -> String {
    let deps = input.report.dependencies.as_ref();
    match deps.and_then(|d| d.index.as_ref()) {
        Some(idx) => {
            let sources: Vec<String> = idx
                .sources
                .iter()
                .map(|s| format!("{} {}", s.kind, s.origin))
                .collect();
            format!(
                "{} day(s) old; sources: {}",
                idx.age_days,
                sources.join("; ")
            )
        }
        None if input.report.summary.stats.lockfiles > 0 => "no index (audit skipped)".into(),
        None => "not used (no lockfile)".into(),
    }
}

fn table(input: &Input) -> Vec<Vec<Line>> {
    let r = &input.report;
    let s = &r.summary.stats;
    let vcs = r.vcs.clone().unwrap_or_default();
    let (ran, not) = scanners(input);
    let date = r.scanned_at.as_deref().map(|d| d.get(..10).unwrap_or(d));
    vec![
        field("Result file", vec![code(&input.file)]),
        field("Root", vec![code(&r.root)]),
        field("Repository", or_dash(vcs.repository_uri.as_deref())),
        field("Commit", or_dash(vcs.revision_id.as_deref())),
        field("Branch", or_dash(vcs.branch.as_deref())),
        plain("Mode", &r.mode),
        plain("Scanned on", date.unwrap_or("unknown")),
        plain("preflight version", &r.tool.version),
        field("Rule-set hash", or_dash(r.rules_hash.as_deref())),
        plain("Scanners run", ran),
        plain("Scanners not run", not),
        plain("Advisory index", index(input)),
        plain(
            "Scanned",
            format!(
                "{} files, {} bytes, {} commits, {} lockfiles, {} compose projects",
                s.files_scanned, s.bytes_scanned, s.commits, s.lockfiles, s.compose_projects
            ),
        ),
        plain(
            "Not scanned",
            format!(
                "{} binary, {} too large, {} excluded",
                s.skipped_binary, s.skipped_too_large, s.skipped_excluded
            ),
        ),
        plain(
            "Diagnostics",
            format!(
                "{} error(s), {} warning(s)",
                r.summary.errors, r.summary.warnings
            ),
        ),
    ]
}

fn problems(input: &Input) -> Vec<Line> {
    let r = &input.report;
    let diags = r.diagnostics.iter().map(|d| {
        let mut line = vec![super::doc::Span::Strong(d.level.clone()), text(" ")];
        if let Some(p) = &d.path {
            line.extend([code(p), text(": ")]);
        }
        line.push(text(&d.message));
        line
    });
    let unaudited = r.dependencies.iter().flat_map(|d| &d.unauditable).map(|u| {
        vec![
            super::doc::Span::Strong("not audited".into()),
            text(" "),
            code(&u.path),
            text(format!(": {} ({})", u.name, u.reason)),
        ]
    });
    diags.chain(unaudited).collect()
}

/// Appends the scope and coverage section.
pub fn blocks(inputs: &[Input], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Scope and coverage", "scope"));
    for (n, input) in inputs.iter().enumerate() {
        let title = format!("{}. {}", n + 1, super::doc::repository(input));
        blocks.push(heading(3, &title, &format!("scope-{}", n + 1)));
        blocks.push(Block::Table(
            vec!["Field".into(), "Value".into()],
            table(input),
        ));
        let listed = problems(input);
        if !listed.is_empty() {
            blocks.push(Block::List(listed));
        }
    }
}
