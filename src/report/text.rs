//! The text report: findings grouped by file, then diagnostics, then a one-line summary, then,
//! for a `--staged` scan that found something, how to deal with a false positive.
//!
//! Colour is plain ANSI SGR escapes, written only when asked for: deciding whether the terminal
//! wants it (`NO_COLOR`, `--color`, is-a-tty) is the CLI's business. Output is deterministic; the
//! scan duration is the only value that changes from run to run. Control characters coming from
//! file names or messages are escaped so that a hostile path cannot drive the terminal.

mod summary;

use super::{commit_author, scrub, secret_text, RenderOptions};
use crate::diag::{Diagnostic, Level};
use crate::finding::{Finding, Occurrence, Provenance, Severity};
use crate::result::{ScanMode, ScanResult};
use std::fmt::Write as _;
use summary::summary;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

/// Indent of the lines under a finding's header.
const DETAIL: &str = "      ";
/// How many of a history finding's other occurrences the text names.
const ALSO_IN_SHOWN: usize = 3;

/// After the summary of a `--staged` scan with findings: the pre-commit hook's user needs a way
/// out that is not `--no-verify`. `.preflight-allow` is `suppress::ALLOW_FILE`.
const STAGED_HINT: &str = "\
hint: if a finding is a false positive, either
  - add a `preflight:allow` comment on its line (then `git add` the file again),
  - add its fingerprint (shown above) to .preflight-allow, or
  - accept all current findings: `preflight baseline .preflight-baseline.json`
    (the pre-commit hook honours that baseline).
hint: to commit anyway, once and at your own risk: git commit --no-verify";

/// Renders the text report.
pub(super) fn render(result: &ScanResult, opts: &RenderOptions) -> String {
    let paint = Paint(opts.color);
    // The staged hint offers allowing a finding by its fingerprint: show it where it is needed.
    let show_fingerprint = result.mode == ScanMode::Staged;
    let mut out = String::new();
    for (path, group) in by_file(&result.findings) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", paint.wrap(BOLD, &clean(path)));
        for finding in group {
            write_finding(&mut out, finding, opts, paint);
            if show_fingerprint {
                let _ = writeln!(out, "{DETAIL}fingerprint: {}", finding.fingerprint);
            }
        }
    }
    // Diagnostics are not part of the report: the command line prints them on stderr, in
    // every format, so that they survive `--quiet` and never mix into a report file.
    if opts.quiet {
        return out;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint.wrap(BOLD, &summary(result)));
    if result.mode == ScanMode::Staged && !result.findings.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            STAGED_HINT.replace("hint:", &paint.wrap(CYAN, "hint:"))
        );
    }
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
    match (&f.provenance, &loc.commit) {
        (Some(provenance), _) => write_provenance(out, f, provenance, opts, paint),
        (None, Some(commit)) => {
            let _ = writeln!(out, "{DETAIL}commit: {}", clean(commit));
        }
        (None, None) => {}
    }
    if let Some(url) = f.dependency.as_ref().and_then(|d| d.url.as_deref()) {
        let _ = writeln!(out, "{DETAIL}advisory: {}", clean(url));
    }
    let fix = one_line(&scrub(&f.remediation, f, opts));
    if !fix.is_empty() {
        let _ = writeln!(out, "{DETAIL}fix: {}", clean(&fix));
    }
}

/// `commit 1a2b3c4d (2024-03-01) Jane Dev <jane@example.com>: Add deploy script`, then whether
/// HEAD still has it and where else it is.
fn write_provenance(
    out: &mut String,
    f: &Finding,
    provenance: &Provenance,
    opts: &RenderOptions,
    paint: Paint,
) {
    let commit = &provenance.introduced;
    let mut line = format!(
        "commit {}",
        paint.wrap(YELLOW, &clean(short_id(&commit.id)))
    );
    let day = commit.date.get(..10).unwrap_or(&commit.date);
    if !day.is_empty() {
        let _ = write!(line, " ({})", clean(day));
    }
    let author = one_line(&commit_author(commit));
    if !author.is_empty() {
        let _ = write!(line, " {}", clean(&author));
    }
    let summary = one_line(&scrub(&commit.summary, f, opts));
    if !summary.is_empty() {
        let _ = write!(line, ": {}", clean(&summary));
    }
    let _ = writeln!(out, "{DETAIL}{line}");
    if !provenance.in_head {
        let _ = writeln!(out, "{DETAIL}history only: removed since");
    }
    if let Some(also) = also_in_line(&provenance.also_in) {
        let _ = writeln!(out, "{DETAIL}{}", clean(&also));
    }
}

/// `also in: 2 more commits/paths: 89abcdef:deploy/run.sh, 00112233:old.sh`, at most
/// [`ALSO_IN_SHOWN`] named.
fn also_in_line(also_in: &[Occurrence]) -> Option<String> {
    let n = also_in.len();
    if n == 0 {
        return None;
    }
    let mut shown: Vec<String> = also_in
        .iter()
        .take(ALSO_IN_SHOWN)
        .map(|o| format!("{}:{}", short_id(&o.commit), o.path))
        .collect();
    if n > ALSO_IN_SHOWN {
        shown.push("…".to_owned());
    }
    let what = if n == 1 {
        "commit/path"
    } else {
        "commits/paths"
    };
    Some(format!("also in: {n} more {what}: {}", shown.join(", ")))
}

/// The first 8 characters of a commit id, as `git log --abbrev=8` shows it.
fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
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

/// A diagnostic as one line for stderr: `error: path: message`, control characters escaped.
pub(super) fn diagnostic_line(diag: &Diagnostic, color: bool) -> String {
    let paint = Paint(color);
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
    use crate::report::testdata::{clean as clean_scan, github_token, history, sample, staged};
    use crate::report::{render as render_any, Format};

    fn text(result: &ScanResult, opts: RenderOptions) -> String {
        render_any(result, Format::Text, &opts)
    }

    #[test]
    fn groups_findings_by_file_then_summary() {
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

        3 findings (1 critical, 2 high) in 2 files; scanned 10 files (1.2 MB) in 12 ms; skipped 1 binary, 2 over size limit; 1 suppressed by baseline; INCOMPLETE: 1 error (see stderr), 1 warning
        ");
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
    fn history_findings_name_their_commit() {
        insta::assert_snapshot!(text(&history(), RenderOptions::default()), @r"
        deploy/run.sh
          4:9  CRITICAL  github-pat  GitHub personal access token
              GitHub personal access token found
              secret: ghp_…(40 chars) (entropy 4.12)
              commit 1a2b3c4d (2024-03-01) Jane Dev <jane@example.com>: Add deploy script
              history only: removed since
              also in: 2 more commits/paths: 89abcdef:deploy/run.sh, 00112233:scripts/old deploy.sh
              fix: Revoke the token on GitHub.

        src/main.rs
          12:9  HIGH      aws-access-key  AWS access key
              AWS access key found
              secret: AKIA…(20 chars) (entropy 4.12)
              commit fedcba98 (2024-03-01) Jane Dev <jane@example.com>: Wire up S3 uploads
              fix: Rotate the key in IAM.

        2 findings (1 critical, 1 high) in 2 files; scanned 25 blobs (2.5 MB) in 7 commits in 40 ms
        ");
    }

    #[test]
    fn also_in_names_three_at_most() {
        let at = |i: usize| Occurrence {
            commit: format!("{i:040x}"),
            path: format!("f{i}"),
        };
        assert_eq!(also_in_line(&[]), None);
        assert_eq!(
            also_in_line(&[at(1)]).as_deref(),
            Some("also in: 1 more commit/path: 00000000:f1")
        );
        let five: Vec<Occurrence> = (1..=5).map(at).collect();
        assert_eq!(
            also_in_line(&five).as_deref(),
            Some("also in: 5 more commits/paths: 00000000:f1, 00000000:f2, 00000000:f3, …")
        );
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn commit_lines_are_scrubbed_escaped_and_coloured() {
        let mut result = history();
        if let Some(p) = result.findings[0].provenance.as_mut() {
            p.introduced.summary = format!("Add {}\x1b[2J\nmore", github_token());
            p.introduced.author_name = "Eve\x1b]0;x\x07".into();
        }
        let out = text(&result, RenderOptions::default());
        assert!(out.contains(
            "commit 1a2b3c4d (2024-03-01) Eve\\u{1b}]0;x\\u{7} <jane@example.com>: \
             Add ghp_…(40 chars)\\u{1b}[2J more\n"
        ));
        let opts = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        assert!(text(&history(), opts).contains(&format!("commit {YELLOW}1a2b3c4d{RESET} (")));
    }

    #[test]
    fn staged_scan_shows_fingerprints_and_how_to_allow() {
        let result = staged();
        let fp = result.findings[0].fingerprint.to_string();
        let out = text(&result, RenderOptions::default()).replace(&fp, "[fingerprint]");
        insta::assert_snapshot!(out, @r"
        src/main.rs
          12:9  HIGH      aws-access-key  AWS access key
              AWS access key found
              secret: AKIA…(20 chars) (entropy 4.12)
              fix: Rotate the key in IAM.
              fingerprint: [fingerprint]

        1 finding (1 high) in 1 file; scanned 2 staged files (900 B) in 5 ms

        hint: if a finding is a false positive, either
          - add a `preflight:allow` comment on its line (then `git add` the file again),
          - add its fingerprint (shown above) to .preflight-allow, or
          - accept all current findings: `preflight baseline .preflight-baseline.json`
            (the pre-commit hook honours that baseline).
        hint: to commit anyway, once and at your own risk: git commit --no-verify
        ");
    }

    #[test]
    fn hint_only_for_staged_scans_with_findings_and_not_quiet() {
        let quiet = RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        };
        let out = text(&staged(), quiet);
        assert!(
            out.contains("fingerprint: ") && !out.contains("hint:"),
            "{out}"
        );
        assert!(!out.contains("scanned"));
        let mut nothing = staged();
        nothing.findings.clear();
        let out = text(&nothing, RenderOptions::default());
        assert_eq!(out, "no findings; scanned 2 staged files (900 B) in 5 ms\n");
        for result in [sample(), history()] {
            let out = text(&result, RenderOptions::default());
            assert!(!out.contains("hint:") && !out.contains("fingerprint:"));
        }
        let coloured = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let out = text(&staged(), coloured);
        assert!(out.contains(&format!("{CYAN}hint:{RESET} to commit anyway")));
    }
}
