//! The report as one self-contained HTML file: inline CSS (with a print stylesheet), inline
//! SVG charts, no script and no external resource, so it opens offline and prints well. Every
//! text is escaped; long strings wrap so the page never scrolls sideways.

use super::doc::{Block, Document, Line, Span};
use super::policy::Verdict;
pub use super::svg::escape;

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f4f6f9}\
main{max-width:1200px;margin:0 auto;padding:24px 32px 48px;background:#fff;overflow-wrap:anywhere}\
h1{font-size:28px;margin:0 0 4px}h2{font-size:21px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid #d8dde6}\
h3{font-size:16px;margin:20px 0 8px}\
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef1f5;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}\
a{color:#1f5fbf}\
.verdict{margin:16px 0;padding:16px 20px;border-radius:6px;border-left:10px solid}\
.verdict.go{background:#e7f6ec;border-color:#1e8e3e}.verdict.nogo{background:#fdeaea;border-color:#c62828}\
.verdict .word{font-size:30px;font-weight:800;margin:0}.verdict.go .word{color:#1e6e32}.verdict.nogo .word{color:#a11d1d}\
.verdict p{margin:4px 0}\
.table{max-width:100%;overflow-x:auto}\
table{width:100%;border-collapse:collapse;table-layout:fixed;margin:6px 0 12px;font-size:14px}\
th,td{border:1px solid #d8dde6;padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}\
th{background:#eef1f5}\
tr:nth-child(even) td{background:#fafbfc}\
.charts{display:flex;flex-wrap:wrap;gap:24px}\
figure{margin:8px 0;flex:1 1 420px;max-width:560px}figcaption{font-weight:600;margin-bottom:4px}\
svg.chart{width:100%;height:auto;font-size:13px;fill:#1d2330}\
.bar{fill:#5b7db1}.bar.critical{fill:#8e1b1b}.bar.high{fill:#d9480f}.bar.medium{fill:#e8a317}.bar.low{fill:#4f8fd6}.bar.info{fill:#9aa5b4}\
.signoff td{height:40px}.signoff td:first-child{width:28%;font-weight:600}\
@media print{body{background:#fff}main{max-width:none;padding:0}h2{break-after:avoid}\
tr,figure,.verdict{break-inside:avoid}a{color:inherit;text-decoration:none}.table{overflow:visible}}";

fn line(spans: &Line) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", escape(t)),
            Span::Code(t) => format!("<code>{}</code>", escape(t)),
            Span::Link(t, anchor) => format!("<a href=\"#{}\">{}</a>", escape(anchor), escape(t)),
        })
        .collect()
}

fn banner(v: &Verdict) -> String {
    let (class, word) = if v.go {
        ("go", "GO")
    } else {
        ("nogo", "NO-GO")
    };
    format!(
        "<section id=\"verdict\" class=\"verdict {class}\"><p class=\"word\">{word}</p>\
         <p>Policy <strong>{}</strong></p><p>{}</p></section>\n",
        escape(&v.policy),
        escape(&v.reason)
    )
}

fn table(head: &[String], rows: &[Vec<Line>]) -> String {
    let mut out = String::from("<div class=\"table\"><table><thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", line(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

const SIGN_OFF: &str = "<div class=\"table\"><table class=\"signoff\"><tbody>\
<tr><td>Name</td><td></td></tr><tr><td>Role</td><td></td></tr><tr><td>Date</td><td></td></tr>\
<tr><td>Decision</td><td>&#9744; GO &nbsp; &#9744; NO-GO &nbsp; &#9744; GO with conditions</td></tr>\
<tr><td>Conditions / notes</td><td></td></tr><tr><td>Signature</td><td></td></tr>\
</tbody></table></div>\n";

fn block(b: &Block) -> String {
    match b {
        Block::Heading(level, title, id) => {
            format!(
                "<h{level} id=\"{}\">{}</h{level}>\n",
                escape(id),
                escape(title)
            )
        }
        Block::Para(l) => format!("<p>{}</p>\n", line(l)),
        Block::Banner(v) => banner(v),
        Block::Table(head, rows) => table(head, rows),
        Block::List(items) => {
            let lis: String = items
                .iter()
                .map(|i| format!("<li>{}</li>\n", line(i)))
                .collect();
            format!("<ul>\n{lis}</ul>\n")
        }
        Block::Chart(title, bars) => format!(
            "<figure><figcaption>{}</figcaption>{}</figure>\n",
            escape(title),
            super::svg::bar_chart(title, bars)
        ),
        Block::SignOff => SIGN_OFF.to_string(),
    }
}

/// Renders the document as a complete HTML page.
pub fn render(doc: &Document) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(&doc.title),
        escape(&doc.title)
    );
    let mut in_charts = false;
    for b in &doc.blocks {
        let chart = matches!(b, Block::Chart(..));
        if chart != in_charts {
            out.push_str(if chart {
                "<div class=\"charts\">\n"
            } else {
                "</div>\n"
            });
            in_charts = chart;
        }
        out.push_str(&block(b));
    }
    if in_charts {
        out.push_str("</div>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_escaped() {
        assert_eq!(
            escape("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
        let doc = Document {
            title: "t".into(),
            blocks: vec![Block::Para(vec![Span::Code("<script>".into())])],
        };
        let page = render(&doc);
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("@media print"));
    }
}
