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
/// The narrowest label column, in viewBox units.
const LABEL: u64 = 170;
/// A generous average glyph width at the chart's 13px font, so that no label is cut off at the
/// left edge (the browser test found "Vulnerable dependencies" clipped in a fixed column).
const CHAR: u64 = 8;
/// The longest bar next to the narrowest label column; a wider column shortens the bars, so that
/// every chart keeps one viewBox width and so one text size on the page.
const BAR: u64 = 260;

/// A horizontal bar chart: one bar per (label, value), scaled to the largest value.
pub fn bar_chart(title: &str, bars: &[(String, u64)]) -> String {
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as u64 + 8;
    let longest = bars.iter().map(|(l, _)| l.chars().count() as u64).max();
    let label_w = longest.map_or(LABEL, |n| (n * CHAR + 16).max(LABEL));
    let width = LABEL + BAR + 50;
    let bar_max = (LABEL + BAR).saturating_sub(label_w).max(BAR / 2);
    let label_w = label_w.min(width - 50 - bar_max);
    let mut out = format!(
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\"><title>{}</title>",
        escape(title)
    );
    for (n, (label, value)) in bars.iter().enumerate() {
        let y = n as u64 * ROW + 4;
        let w = if *value == 0 {
            0
        } else {
            (value * bar_max / max).max(2)
        };
        let class = label.to_ascii_lowercase().replace(' ', "-");
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar {}\" x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" rx=\"2\"/>\
             <text x=\"{}\" y=\"{}\">{value}</text>",
            label_w - 8,
            y + 15,
            escape(label),
            escape(&class),
            ROW - 8,
            label_w + w + 6,
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

    #[test]
    fn a_long_label_widens_the_label_column() {
        let short = bar_chart("t", &[("a".into(), 1)]);
        assert!(short.contains("x=\"170\""), "{short}");
        let long = bar_chart("t", &[("Vulnerable dependencies".into(), 1)]);
        // 23 characters at 8 units plus a margin: the bars start after the label and are
        // shorter, and the chart keeps its width.
        assert!(long.contains("x=\"200\" y=\"4\" width=\"230\""), "{long}");
        assert!(long.contains("viewBox=\"0 0 480 "), "{long}");
    }
}
