//! The report as a format-free document: inline spans, blocks (headings, tables, lists,
//! charts, the verdict banner, the sign-off), findings with their repository sorted by risk,
//! and the small builders the sections use. `markdown` and `html` only lay it out.

use super::policy::Verdict;
use super::{Finding, Input};

/// A piece of inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Emphasised text.
    Strong(String),
    /// Code: paths, ids, versions.
    Code(String),
    /// A link to an anchor in the report: text, anchor id.
    Link(String, String),
}

/// A line (or table cell) of inline text.
pub type Line = Vec<Span>;

/// A block of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: level (1-3), text, anchor id.
    Heading(u8, String, String),
    /// A paragraph.
    Para(Line),
    /// The verdict banner.
    Banner(Verdict),
    /// A table: column headings and rows of cells.
    Table(Vec<String>, Vec<Vec<Line>>),
    /// A bulleted list.
    List(Vec<Line>),
    /// A bar chart: title and (label, value) bars (HTML draws it; Markdown has the table).
    Chart(String, Vec<(String, u64)>),
    /// The sign-off block to fill in.
    SignOff,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title.
    pub title: String,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

/// A finding with the repository it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The input it came from.
    pub input: &'a Input,
    /// The finding.
    pub finding: &'a Finding,
}

impl Row<'_> {
    /// The repository: its remote URL when known, else the scan root.
    pub fn repository(&self) -> &str {
        repository(self.input)
    }

    /// `path:line`.
    pub fn location(&self) -> String {
        let l = &self.finding.location;
        format!("{}:{}", l.path, l.start_line)
    }
}

/// The repository name of an input: its remote URL when known, else the scan root.
pub fn repository(input: &Input) -> &str {
    let vcs = input.report.vcs.as_ref();
    vcs.and_then(|v| v.repository_uri.as_deref())
        .unwrap_or(&input.report.root)
}

/// Every active finding, most severe first, then by repository, path, line and rule.
pub fn rows(inputs: &[Input]) -> Vec<Row<'_>> {
    let mut rows: Vec<Row> = inputs
        .iter()
        .flat_map(|input| {
            input
                .report
                .findings
                .iter()
                .map(move |finding| Row { input, finding })
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &Row| {
            let f = r.finding;
            (
                f.location.path.clone(),
                f.location.start_line,
                f.rule_id.clone(),
            )
        };
        b.finding
            .severity
            .cmp(&a.finding.severity)
            .then_with(|| a.repository().cmp(b.repository()))
            .then_with(|| key(a).cmp(&key(b)))
            .then_with(|| a.finding.fingerprint.cmp(&b.finding.fingerprint))
    });
    rows
}

/// The anchor of a rule's entry in the appendix.
pub fn rule_anchor(rule: &str) -> String {
    let safe: String = rule
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("rule-{safe}")
}

pub(super) fn rule_link(f: &Finding) -> Span {
    Span::Link(f.rule_id.clone(), rule_anchor(&f.rule_id))
}

pub(super) fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

pub(super) fn code(s: impl Into<String>) -> Span {
    Span::Code(s.into())
}

pub(super) fn heading(level: u8, title: &str, id: &str) -> Block {
    Block::Heading(level, title.to_string(), id.to_string())
}
