//! The text report: findings grouped by file, then diagnostics, then a one-line summary.
//!
//! Colour is plain ANSI SGR escapes, written only when asked for: deciding whether the terminal
//! wants it (`NO_COLOR`, `--color`, is-a-tty) is the CLI's business. Output is deterministic; the
//! scan duration is the only value that changes from run to run. Control characters coming from
//! file names or messages are escaped so that a hostile path cannot drive the terminal.

use super::{scrub, secret_text, RenderOptions};
use crate::diag::{Diagnostic, Level};
use crate::finding::{Finding, Severity};
use crate::result::{ScanResult, ScanStats};
use std::fmt::Write as _;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

/// Indent of the lines under a finding's header.
const DETAIL: &str = "      ";

/// Renders the text report.
pub(super) fn render(result: &ScanResult, opts: &RenderOptions) -> String {
    let paint = Paint(opts.color);
    let mut out = String::new();
    for (path, group) in by_file(&result.findings) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", paint.wrap(BOLD, &clean(path)));
        for finding in group {
            write_finding(&mut out, finding, opts, paint);
        }
    }
    if opts.quiet {
        return out;
    }
    if !result.diagnostics.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        for diag in &result.diagnostics {
            let _ = writeln!(out, "{}", diagnostic_line(diag, paint));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint.wrap(BOLD, &summary(result)));
    out
}

/// Consecutive findings of the same file; findings arrive sorted by path.
fn by_file(findings: &[Finding]) -> Vec<(&str, &[Finding])> {
    findings
        .chunk_by(|a, b| a.location.path == b.location.path)
        .filter_map(|chunk| Some((chunk.first()?.location.path.as_str(), chunk)))
        .collect()
}

fn write_finding(out: &mut String, f: &Finding, opts: &RenderOptions, paint: Paint) {
    let loc = &f.location;
    let sev = format!("{:<8}", f.severity.as_str().to_ascii_uppercase());
    let _ = writeln!(
        out,
        "  {}:{}  {}  {}  {}",
        loc.start_line,
        loc.start_column,
        paint.wrap(severity_style(f.severity), &sev),
        paint.wrap(DIM, &clean(f.rule_id.as_str())),
        clean(&f.title),
    );
    let message = one_line(&scrub(&f.message, f, opts));
    if !message.is_empty() && message != f.title {
        let _ = writeln!(out, "{DETAIL}{}", clean(&message));
    }
    if let Some(evidence) = evidence_line(f, opts) {
        let _ = writeln!(out, "{DETAIL}{}", clean(&evidence));
    }
    if let Some(commit) = &loc.commit {
        let _ = writeln!(out, "{DETAIL}commit: {}", clean(commit));
    }
    let fix = one_line(&scrub(&f.remediation, f, opts));
    if !fix.is_empty() {
        let _ = writeln!(out, "{DETAIL}fix: {}", clean(&fix));
    }
}

/// `secret: ghp_…(40 chars) (entropy 4.12, decoded from base64)`.
fn evidence_line(f: &Finding, opts: &RenderOptions) -> Option<String> {
    let evidence = f.evidence.as_ref()?;
    let secret = secret_text(f, opts)?;
    let mut line = format!("secret: {secret} (entropy {:.2}", evidence.entropy);
    if let Some(how) = &evidence.decoded {
        let _ = write!(line, ", decoded from {how}");
    }
    line.push(')');
    Some(line)
}

fn diagnostic_line(diag: &Diagnostic, paint: Paint) -> String {
    let (label, style) = match diag.level {
        Level::Warning => ("warning", YELLOW),
        Level::Error => ("error", BOLD_RED),
    };
    let label = paint.wrap(style, label);
    let message = clean(&one_line(&diag.message));
    match &diag.path {
        Some(path) => format!("{label}: {}: {message}", clean(path)),
        None => format!("{label}: {message}"),
    }
}

/// `3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; ...`.
fn summary(result: &ScanResult) -> String {
    let mut parts = vec![findings_clause(result), scanned_clause(&result.stats)];
    parts.extend(skipped_clause(&result.stats));
    parts.extend(suppressed_clause(&result.stats));
    parts.extend(diagnostics_clause(&result.diagnostics));
    parts.join("; ")
}

fn findings_clause(result: &ScanResult) -> String {
    let total = result.findings.len();
    if total == 0 {
        return "no findings".to_owned();
    }
    let counts: Vec<String> = result
        .severity_counts()
        .into_iter()
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let files = by_file(&result.findings).len();
    format!(
        "{} ({}) in {}",
        plural(total, "finding"),
        counts.join(", "),
        plural(files, "file")
    )
}

fn scanned_clause(stats: &ScanStats) -> String {
    format!(
        "scanned {} ({}) in {} ms",
        plural64(stats.files_scanned, "file"),
        human_bytes(stats.bytes_scanned),
        stats.duration_ms
    )
}

fn skipped_clause(stats: &ScanStats) -> Option<String> {
    let parts = nonzero(&[
        (stats.skipped_binary, "binary"),
        (stats.skipped_too_large, "over size limit"),
        (stats.skipped_excluded, "excluded"),
    ]);
    (!parts.is_empty()).then(|| format!("skipped {}", parts.join(", ")))
}

fn suppressed_clause(stats: &ScanStats) -> Option<String> {
    let parts = nonzero(&[
        (stats.suppressed_inline, "suppressed inline"),
        (stats.suppressed_ignore_file, "suppressed by ignore file"),
        (stats.suppressed_baseline, "suppressed by baseline"),
    ]);
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn diagnostics_clause(diags: &[Diagnostic]) -> Option<String> {
    let count = |level| diags.iter().filter(|d| d.level == level).count() as u64;
    let errors = count(Level::Error);
    let warnings = count(Level::Warning);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural64(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural64(warnings, "warning"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn nonzero(items: &[(u64, &str)]) -> Vec<String> {
    items
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    plural64(n as u64, word)
}

fn plural64(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Decimal (SI) units, one decimal place from kB up: `512 B`, `1.2 MB`.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Whitespace runs (newlines included) collapsed to one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Control characters escaped (`\u{1b}`), so text from the scanned tree cannot move the cursor
/// or change colours.
fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn severity_style(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => BOLD_RED,
        Severity::High => RED,
        Severity::Medium => YELLOW,
        Severity::Low => CYAN,
        Severity::Info => DIM,
    }
}

/// Whether to colour, and the one way to do it.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, style: &str, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{clean as clean_scan, github_token, sample};
    use crate::report::{render as render_any, Format};

    fn text(result: &ScanResult, opts: RenderOptions) -> String {
        render_any(result, Format::Text, &opts)
    }

    #[test]
    fn groups_findings_by_file_then_diagnostics_then_summary() {
        insta::assert_snapshot!(text(&sample(), RenderOptions::default()), @r"
        config/app settings.env
          3:9  CRITICAL  github-pat  GitHub personal access token
              token ghp_…(40 chars) in env file
              secret: ghp_…(40 chars) (entropy 4.12)
              fix: Revoke the token on GitHub, then load it from the CI secret store.
          7:9  HIGH      aws-access-key  AWS access key
              AWS access key found
              secret: AKIA…(20 chars) (entropy 4.12, decoded from base64)
              fix: Rotate the key in IAM.

        src/main.rs
          12:9  HIGH      aws-access-key  AWS access key
              AWS access key found
              secret: AKIA…(20 chars) (entropy 4.12)
              commit: 0123456789abcdef0123456789abcdef01234567
              fix: Rotate the key in IAM.

        warning: data/blob.bin: not valid UTF-8; scanned as bytes
        error: secret/locked.txt: cannot read: permission denied

        3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; skipped 1 binary, 2 over size limit; 1 suppressed by baseline; 1 error, 1 warning
        ");
    }

    #[test]
    fn summary_counts_severities_files_skips_and_suppressions() {
        let out = text(&sample(), RenderOptions::default());
        let last = out.lines().last().unwrap_or_default();
        assert_eq!(
            last,
            "3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; \
             skipped 1 binary, 2 over size limit; 1 suppressed by baseline; 1 error, 1 warning"
        );
    }

    #[test]
    fn clean_scan_says_no_findings() {
        let out = text(&clean_scan(), RenderOptions::default());
        assert_eq!(out, "no findings; scanned 1 file (512 B) in 3 ms\n");
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = text(&sample(), RenderOptions::default());
        assert!(!plain.contains('\x1b'));
        let opts = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let coloured = text(&sample(), opts);
        assert!(coloured.contains(&format!("{BOLD_RED}CRITICAL{RESET}")));
        assert!(coloured.contains(&format!("{BOLD}src/main.rs{RESET}")));
        let stripped = coloured.replace(RESET, "");
        let stripped = [BOLD_RED, RED, YELLOW, CYAN, DIM, BOLD]
            .iter()
            .fold(stripped, |s, style| s.replace(style, ""));
        assert_eq!(stripped, plain);
    }

    #[test]
    fn quiet_prints_findings_only() {
        let opts = RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        };
        let out = text(&sample(), opts);
        assert!(out.starts_with("config/app settings.env\n"));
        assert!(!out.contains("scanned"));
        assert!(!out.contains("warning:"));
        assert_eq!(text(&clean_scan(), opts), "");
    }

    #[test]
    fn no_redact_shows_the_raw_secret() {
        let opts = RenderOptions {
            redact: false,
            ..RenderOptions::default()
        };
        let out = text(&sample(), opts);
        assert!(out.contains(&format!("secret: {} (entropy 4.12)", github_token())));
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut result = sample();
        result.findings[0].location.path = "evil\x1b[2J.env".into();
        let out = text(&result, RenderOptions::default());
        assert!(!out.contains('\x1b'));
        assert!(out.contains("evil\\u{1b}[2J.env"));
    }

    #[test]
    fn human_bytes_uses_si_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 kB");
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(u64::MAX), "18446.7 PB");
    }
}
