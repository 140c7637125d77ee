//! The per-category sections (secrets, vulnerable dependencies, deployment config), the
//! suppressed findings and the baseline diff.

use super::diff::Diff;
use super::doc::{code, heading, rule_link as rule, text, Block, Line, Row, Span};
use super::{Finding, Input};
use std::cmp::Ordering;
use std::collections::BTreeMap;

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn none(blocks: &mut Vec<Block>, what: &str) {
    blocks.push(Block::Para(vec![text(format!("No {what}."))]));
}

fn sev(f: &Finding) -> Line {
    vec![Span::Strong(f.severity.as_str().into())]
}

fn location(r: &Row) -> Line {
    vec![code(r.repository()), text(" "), code(r.location())]
}

/// Appends the three category sections.
pub fn blocks(_inputs: &[Input], rows: &[Row], blocks: &mut Vec<Block>) {
    let of = |cat: &str| -> Vec<Row> {
        rows.iter()
            .filter(|r| r.finding.category == cat)
            .copied()
            .collect()
    };
    secrets(&of("secret"), blocks);
    dependencies(&of("dependency"), blocks);
    config(&of("config"), blocks);
    let other: Vec<Row> = rows
        .iter()
        .filter(|r| {
            !super::CATEGORIES
                .iter()
                .any(|(c, _)| *c == r.finding.category)
        })
        .copied()
        .collect();
    if !other.is_empty() {
        blocks.push(heading(2, "Other findings", "other"));
        let table = other.iter().map(|r| {
            vec![
                sev(r.finding),
                vec![rule(r.finding)],
                location(r),
                vec![text(&r.finding.message)],
            ]
        });
        blocks.push(Block::Table(
            strings(&["Severity", "Rule", "Location", "Message"]),
            table.collect(),
        ));
    }
}

fn secrets(rows: &[Row], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Secrets", "secrets"));
    if rows.is_empty() {
        return none(blocks, "secrets found");
    }
    blocks.push(Block::Para(vec![text(
        "Secrets are always redacted here: the first four characters and the length.",
    )]));
    let table = rows.iter().map(|r| {
        let f = r.finding;
        let secret = f
            .evidence
            .as_ref()
            .and_then(|e| e.secret.as_deref())
            .unwrap_or("—");
        let intro = f.provenance.as_ref().and_then(|p| p.introduced.as_ref());
        let commit = intro.map(|c| c.id.as_str()).or(f.commit.as_deref());
        let short = commit.map(|c| c.get(..12).unwrap_or(c).to_string());
        vec![
            sev(f),
            vec![rule(f)],
            location(r),
            vec![code(secret)],
            vec![text(short.unwrap_or_else(|| "—".into()))],
            vec![text(intro.map_or("—", |c| c.author_name.as_str()))],
            vec![text(
                intro.map_or("—", |c| c.date.get(..10).unwrap_or(&c.date)),
            )],
        ]
    });
    let head = [
        "Severity", "Rule", "Location", "Secret", "Commit", "Author", "Date",
    ];
    blocks.push(Block::Table(strings(&head), table.collect()));
}

/// Compares versions part by part, numbers as numbers (`1.10.0 > 1.9.2`).
fn cmp_version(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_string)
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

/// The smallest version that fixes every advisory: for each, its lowest fixed version above
/// the locked one; then the highest of those. `None` when an advisory has no fix.
pub fn smallest_upgrade(locked: &str, fixed: &[&[String]]) -> Option<String> {
    let mut best: Option<&str> = None;
    for versions in fixed {
        let above = versions
            .iter()
            .filter(|v| cmp_version(v, locked) == Ordering::Greater);
        let first = above.min_by(|a, b| cmp_version(a, b))?;
        if best.is_none_or(|b| cmp_version(first, b) == Ordering::Greater) {
            best = Some(first);
        }
    }
    best.map(str::to_string)
}

fn dependencies(rows: &[Row], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Vulnerable dependencies", "dependencies"));
    let mut groups: BTreeMap<(String, String, String, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let Some(d) = &r.finding.dependency else {
            continue;
        };
        let key = (
            r.repository().to_string(),
            d.package.clone(),
            d.version.clone(),
            r.finding.location.path.clone(),
        );
        groups.entry(key).or_default().push(r);
    }
    if groups.is_empty() {
        return none(blocks, "vulnerable dependencies found");
    }
    let mut table = Vec::new();
    for ((repo, package, version, lockfile), members) in &groups {
        let deps: Vec<&super::Dependency> = members
            .iter()
            .filter_map(|r| r.finding.dependency.as_ref())
            .collect();
        let mut advisories: Line = Vec::new();
        for (n, (r, d)) in members.iter().zip(&deps).enumerate() {
            if n > 0 {
                advisories.push(text("; "));
            }
            advisories.push(rule(r.finding));
            if !d.aliases.is_empty() {
                advisories.push(text(format!(" ({})", d.aliases.join(", "))));
            }
        }
        let fixed: Vec<&[String]> = deps.iter().map(|d| d.fixed.as_slice()).collect();
        let upgrade = smallest_upgrade(version, &fixed).unwrap_or_else(|| "none".into());
        let worst = members
            .iter()
            .map(|r| r.finding.severity)
            .max()
            .unwrap_or_default();
        let direct = if deps.iter().any(|d| d.direct) {
            "direct"
        } else {
            "transitive"
        };
        table.push((
            worst,
            vec![
                vec![Span::Strong(worst.as_str().into())],
                vec![code(package), text(" "), code(version)],
                vec![code(repo), text(" "), code(lockfile)],
                vec![text(direct)],
                advisories,
                vec![code(upgrade)],
            ],
        ));
    }
    // Most severe first; the map's order (repository, package, version, lockfile) breaks ties.
    table.sort_by_key(|row| std::cmp::Reverse(row.0));
    let table = table.into_iter().map(|(_, row)| row).collect();
    let head = [
        "Severity",
        "Package",
        "Lockfile",
        "Dependency",
        "Advisories",
        "Upgrade to",
    ];
    blocks.push(Block::Table(strings(&head), table));
}

fn config(rows: &[Row], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Deployment config", "config"));
    if rows.is_empty() {
        return none(blocks, "deployment config findings");
    }
    let table = rows.iter().map(|r| {
        let f = r.finding;
        vec![
            sev(f),
            vec![rule(f)],
            location(r),
            vec![text(&f.message)],
            vec![text(f.remediation.as_deref().unwrap_or("—"))],
        ]
    });
    let head = ["Severity", "Rule", "Location", "Finding", "Fix"];
    blocks.push(Block::Table(strings(&head), table.collect()));
}

/// Appends the suppressed findings section.
pub fn suppressed(inputs: &[Input], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Suppressed findings", "suppressed"));
    let mut table = Vec::new();
    for input in inputs {
        let repo = super::doc::repository(input);
        for s in &input.report.suppressed {
            let f = &s.finding;
            let status = if s.expired {
                "expired, active again"
            } else {
                "suppressed"
            };
            table.push(vec![
                sev(f),
                vec![rule(f)],
                vec![
                    code(repo),
                    text(" "),
                    code(format!("{}:{}", f.location.path, f.location.start_line)),
                ],
                vec![text(&s.by)],
                vec![text(s.reason.as_deref().unwrap_or("—"))],
                vec![text(s.until.as_deref().unwrap_or("no expiry"))],
                vec![Span::Strong(status.into())],
            ]);
        }
    }
    if table.is_empty() {
        return none(blocks, "suppressed findings");
    }
    let head = [
        "Severity", "Rule", "Location", "By", "Reason", "Until", "Status",
    ];
    blocks.push(Block::Table(strings(&head), table));
}

fn diff_list(title: &str, findings: &[&Finding], blocks: &mut Vec<Block>) {
    blocks.push(Block::Para(vec![Span::Strong(format!(
        "{title} ({})",
        findings.len()
    ))]));
    if findings.is_empty() {
        return;
    }
    let items = findings.iter().map(|f| {
        vec![
            text(format!("{} ", f.severity.as_str())),
            rule(f),
            text(" at "),
            code(format!("{}:{}", f.location.path, f.location.start_line)),
            text(format!(" — {}", f.title)),
        ]
    });
    blocks.push(Block::List(items.collect()));
}

/// Appends the diff against the baseline.
pub fn diff_blocks(d: &Diff, blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Changes since the baseline", "diff"));
    blocks.push(Block::Para(vec![text(format!(
        "{} new, {} fixed, {} still open (matched by fingerprint).",
        d.new.len(),
        d.fixed.len(),
        d.still_open.len()
    ))]));
    diff_list("New", &d.new, blocks);
    diff_list("Fixed", &d.fixed, blocks);
    diff_list("Still open", &d.still_open, blocks);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_upgrade_fixes_every_advisory() {
        let a = vec!["1.2.5".to_string(), "2.0.1".to_string()];
        let b = vec!["1.10.0".to_string()];
        assert_eq!(
            smallest_upgrade("1.2.3", &[&a, &b]).as_deref(),
            Some("1.10.0")
        );
        assert_eq!(smallest_upgrade("1.2.3", &[&a]).as_deref(), Some("1.2.5"));
        assert_eq!(smallest_upgrade("1.2.3", &[&[]]), None);
    }
}
