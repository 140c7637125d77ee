//! The report as GitHub-flavoured Markdown (a job summary, a pull request comment, a file to
//! hand on). Charts are left out: the counts table says the same.

use super::doc::{Block, Document, Line, Span};
use crate::report::audit::policy::Verdict;

/// Escapes text so Markdown shows it literally (and a `|` cannot end a table cell).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ").replace('|', "\\|");
    let ticks = if s.contains('`') { "``" } else { "`" };
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

fn line(spans: &Line) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("**{}**", escape(t)),
            Span::Code(t) => code(t),
            Span::Link(t, anchor) => format!("[{}](#{anchor})", escape(t)),
        })
        .collect()
}

fn banner(v: &Verdict) -> String {
    let word = if v.go { "GO" } else { "NO-GO" };
    format!(
        "> **Verdict: {word}** (policy {})\n>\n> {}\n\n",
        code(&v.policy),
        escape(&v.reason)
    )
}

fn table(head: &[String], rows: &[Vec<Line>]) -> String {
    let cells: Vec<String> = head.iter().map(|h| escape(h)).collect();
    let mut out = format!(
        "| {} |\n|{}\n",
        cells.join(" | "),
        "---|".repeat(head.len())
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(line).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
    out
}

const SIGN_OFF: &str = "| | |\n|---|---|\n| Name | |\n| Role | |\n| Date | |\n\
| Decision | [ ] GO  [ ] NO-GO  [ ] GO with conditions |\n| Conditions / notes | |\n\
| Signature | |\n\n";

fn block(b: &Block) -> String {
    match b {
        Block::Heading(level, title, id) => {
            let hashes = "#".repeat(usize::from(*level));
            format!("{hashes} <a id=\"{id}\"></a>{}\n\n", escape(title))
        }
        Block::Para(l) => format!("{}\n\n", line(l)),
        Block::Banner(v) => banner(v),
        Block::Table(head, rows) => table(head, rows),
        Block::List(items) => {
            let mut out: String = items.iter().map(|i| format!("- {}\n", line(i))).collect();
            out.push('\n');
            out
        }
        Block::Chart(..) => String::new(),
        Block::SignOff => SIGN_OFF.to_string(),
    }
}

/// Renders the document.
pub fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n\n", escape(&doc.title));
    for b in &doc.blocks {
        out.push_str(&block(b));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_out_of_a_table_cell() {
        assert_eq!(escape("a|b<c>\nd*"), "a\\|b&lt;c&gt; d\\*");
        assert_eq!(code("x|y"), "`x\\|y`");
        assert_eq!(code("a`b"), "``a`b``");
    }
}
