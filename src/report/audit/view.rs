//! What the report says, independent of the format: the whole report as a
//! [`Document`] built once (coverage, counts, top risks, sections, diff, sign-off, rules
//! appendix), so that the Markdown and HTML reports cannot drift apart.

use super::diff::Diff;
use super::doc::{code, heading, rows, rule_anchor, rule_link, text, Block, Document, Row, Span};
use super::policy::Verdict;
use super::{category_name, Input, CATEGORIES};
use crate::finding::Severity;
use std::collections::BTreeMap;

/// Everything a report is made from.
#[derive(Debug)]
pub struct Audit<'a> {
    /// The results, in command-line order.
    pub inputs: &'a [Input],
    /// The policy's verdict.
    pub verdict: Verdict,
    /// The diff, when a baseline was given.
    pub diff: Option<Diff<'a>>,
    /// The report date, `YYYY-MM-DD`.
    pub date: String,
}

/// Builds the report.
pub fn document(audit: &Audit) -> Document {
    let rows = rows(audit.inputs);
    let mut blocks = vec![
        Block::Para(vec![text(format!(
            "Report date {} · {} scan result(s) · {} active finding(s)",
            audit.date,
            audit.inputs.len(),
            rows.len()
        ))]),
        Block::Banner(audit.verdict.clone()),
    ];
    super::coverage::blocks(audit.inputs, &mut blocks);
    counts(&rows, &mut blocks);
    top_risks(&rows, &mut blocks);
    super::sections::blocks(audit.inputs, &rows, &mut blocks);
    super::sections::suppressed(audit.inputs, &mut blocks);
    if let Some(d) = &audit.diff {
        super::sections::diff_blocks(d, &mut blocks);
    }
    blocks.push(heading(2, "Sign-off", "sign-off"));
    blocks.push(Block::SignOff);
    appendix(audit.inputs, &mut blocks);
    Document {
        title: "Security audit report".into(),
        blocks,
    }
}

fn counts(rows: &[Row], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Counts", "counts"));
    let sev: Vec<Severity> = Severity::ALL.iter().rev().copied().collect();
    let mut head = vec!["Category".to_string()];
    head.extend(sev.iter().map(|s| s.as_str().to_string()));
    head.push("total".into());
    let count = |cat: Option<&str>, s: Option<Severity>| {
        rows.iter()
            .filter(|r| cat.is_none_or(|c| r.finding.category == c))
            .filter(|r| s.is_none_or(|s| r.finding.severity == s))
            .count()
    };
    let mut table = Vec::new();
    for (cat, name) in CATEGORIES {
        let mut row = vec![vec![text(name)]];
        row.extend(
            sev.iter()
                .map(|s| vec![text(count(Some(cat), Some(*s)).to_string())]),
        );
        row.push(vec![text(count(Some(cat), None).to_string())]);
        table.push(row);
    }
    let mut total = vec![vec![Span::Strong("All".into())]];
    total.extend(
        sev.iter()
            .map(|s| vec![text(count(None, Some(*s)).to_string())]),
    );
    total.push(vec![text(rows.len().to_string())]);
    table.push(total);
    blocks.push(Block::Table(head, table));
    let by_sev = sev
        .iter()
        .map(|s| (s.as_str().to_string(), count(None, Some(*s)) as u64));
    blocks.push(Block::Chart(
        "Findings by severity".into(),
        by_sev.collect(),
    ));
    let by_cat = CATEGORIES
        .iter()
        .map(|(c, name)| (name.to_string(), count(Some(c), None) as u64));
    blocks.push(Block::Chart(
        "Findings by category".into(),
        by_cat.collect(),
    ));
}

fn top_risks(rows: &[Row], blocks: &mut Vec<Block>) {
    blocks.push(heading(2, "Top risks", "top-risks"));
    if rows.is_empty() {
        blocks.push(Block::Para(vec![text("No active findings.")]));
        return;
    }
    let items = rows.iter().take(10).map(|r| {
        vec![
            Span::Strong(r.finding.severity.as_str().to_uppercase()),
            text(format!(
                " {} — {} in ",
                category_name(&r.finding.category),
                r.finding.title
            )),
            code(r.repository()),
            text(" at "),
            code(r.location()),
            text(" ("),
            rule_link(r.finding),
            text(")"),
        ]
    });
    blocks.push(Block::List(items.collect()));
}

/// A rule's help text, as the findings carry it.
#[derive(Debug, Clone)]
struct RuleHelp {
    title: String,
    severity: Severity,
    help: String,
}

fn appendix(inputs: &[Input], blocks: &mut Vec<Block>) {
    let mut rules: BTreeMap<&str, RuleHelp> = BTreeMap::new();
    let all = inputs.iter().flat_map(|i| {
        let r = &i.report;
        r.findings
            .iter()
            .chain(r.suppressed.iter().map(|s| &s.finding))
    });
    for f in all {
        rules.entry(&f.rule_id).or_insert_with(|| RuleHelp {
            title: f.title.clone(),
            severity: f.severity,
            help: f.remediation.clone().unwrap_or_default(),
        });
    }
    blocks.push(heading(2, "Appendix: rules", "rules"));
    if rules.is_empty() {
        blocks.push(Block::Para(vec![text("No rule produced a finding.")]));
    }
    for (id, r) in rules {
        blocks.push(Block::Heading(
            3,
            format!("{id}: {}", r.title),
            rule_anchor(id),
        ));
        blocks.push(Block::Para(vec![
            Span::Strong(format!("Severity {}.", r.severity.as_str())),
            text(format!(
                " {}",
                if r.help.is_empty() {
                    "No help text."
                } else {
                    &r.help
                }
            )),
        ]));
    }
}
