//! Inline SVG bar charts for the HTML report: static markup, no script, sized by `viewBox`
//! so that they scale with the page and print sharply.

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const ROW: u64 = 26;
const LABEL: u64 = 170;
const BAR: u64 = 260;

/// A horizontal bar chart: one bar per (label, value), scaled to the largest value.
pub fn bar_chart(title: &str, bars: &[(String, u64)]) -> String {
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as u64 + 8;
    let width = LABEL + BAR + 50;
    let mut out = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\"><title>{}</title>",
        escape(title)
    );
    for (n, (label, value)) in bars.iter().enumerate() {
        let y = n as u64 * ROW + 4;
        let w = if *value == 0 {
            0
        } else {
            (value * BAR / max).max(2)
        };
        let class = label.to_ascii_lowercase().replace(' ', "-");
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar {}\" x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{}\" rx=\"2\"/>\
             <text x=\"{}\" y=\"{}\">{value}</text>",
            LABEL - 8,
            y + 15,
            escape(label),
            escape(&class),
            ROW - 8,
            LABEL + w + 6,
            y + 15,
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_text_is_escaped() {
        let svg = bar_chart(
            "a<b",
            &[("x&y".into(), 4), ("z".into(), 2), ("n".into(), 0)],
        );
        assert!(svg.contains("<title>a&lt;b</title>"), "{svg}");
        assert!(svg.contains("x&amp;y"), "{svg}");
        assert!(svg.contains("width=\"260\""), "{svg}");
        assert!(svg.contains("width=\"130\""), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
