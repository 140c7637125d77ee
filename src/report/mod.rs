//! Reports: render a [`ScanResult`] as text for a terminal, as preflight's own versioned JSON
//! (`docs/json-report.md`), or as SARIF 2.1.0 for GitHub code scanning.
//!
//! Renderers return a `String` and never print, scan, read files or look at the environment: the
//! CLI decides where the text goes and whether colour is wanted. This module also owns the rules
//! every format shares, so that they cannot drift apart: when the raw secret may appear
//! (`secret_text`), scrubbing it out of free text (`scrub`), and how a commit's author reads
//! (`commit_author`). `remote` keeps credentials in git remote URLs out of every format.

pub mod audit;
mod json;
mod remote;
mod sarif;
mod text;

use crate::finding::{CommitInfo, Finding};
use crate::result::ScanResult;

// For the tests of other modules (e.g. the CLI's) that render SARIF.
#[cfg(test)]
#[allow(unused_imports)]
pub(crate) use sarif::sarif_schema_errors;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text, grouped by file, with a one-line summary.
    Text,
    /// preflight's own JSON report (`docs/json-report.md`), schema version 1.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
}

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Redact secrets (the default). `false` is `--no-redact`: raw secrets in every format.
    pub redact: bool,
    /// ANSI colour in the text format; ignored by JSON and SARIF.
    pub color: bool,
    /// Text format only: the findings blocks, without diagnostics and summary.
    pub quiet: bool,
}

impl Default for RenderOptions {
    // By hand: a derived `Default` would make `redact` false, and leaking secrets must never be
    // what you get by not asking.
    fn default() -> Self {
        RenderOptions {
            redact: true,
            color: false,
            quiet: false,
        }
    }
}

/// A diagnostic as one line for stderr (`error: path: message`), coloured when asked, control
/// characters from the scanned tree escaped.
pub fn diagnostic_line(diag: &crate::diag::Diagnostic, color: bool) -> String {
    text::diagnostic_line(diag, color)
}

/// Renders `result` in `format`.
pub fn render(result: &ScanResult, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Text => text::render(result, opts),
        Format::Json => json::render(result, opts),
        Format::Sarif => sarif::render(result, opts),
    }
}

/// A rendered report and the warnings rendering it raised (e.g. results SARIF had to drop to
/// stay within GitHub's limits), for the CLI to show.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The report.
    pub text: String,
    /// Problems with the report itself; they are also inside it where the format allows.
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// Renders a whole scan result, with the warnings rendering raised.
pub fn render_report(result: &ScanResult, format: Format, opts: &RenderOptions) -> Rendered {
    if format == Format::Sarif {
        let (text, warnings) = sarif::render_checked(result, opts);
        return Rendered { text, warnings };
    }
    Rendered {
        text: render(result, format, opts),
        warnings: Vec::new(),
    }
}

/// The secret of a finding as a report may show it: redacted unless `opts.redact` is false.
/// `None` when the finding has no evidence.
pub(crate) fn secret_text(finding: &Finding, opts: &RenderOptions) -> Option<String> {
    let secret = &finding.evidence.as_ref()?.secret;
    Some(if opts.redact {
        secret.redacted()
    } else {
        secret.expose().to_owned()
    })
}

/// `text` with every occurrence of the finding's raw secret replaced by its redacted form, when
/// redacting. Messages are written by scanners; this makes sure a careless one cannot leak.
pub(crate) fn scrub(text: &str, finding: &Finding, opts: &RenderOptions) -> String {
    match &finding.evidence {
        Some(ev) if opts.redact && !ev.secret.expose().is_empty() => {
            let raw = ev.secret.expose();
            // Public names holding the secret (the image `postgres` when the password is
            // `postgres`) stay; a secret longer than such a name is still replaced whole.
            let public: Vec<&str> = ev
                .public
                .iter()
                .map(String::as_str)
                .filter(|p| p.contains(raw))
                .collect();
            redact_except(text, raw, &ev.secret.redacted(), &public)
        }
        _ => text.to_owned(),
    }
}

/// `text` with `raw` replaced by `redacted`, except inside occurrences of the `public` names.
fn redact_except(text: &str, raw: &str, redacted: &str, public: &[&str]) -> String {
    if public.is_empty() {
        return text.replace(raw, redacted);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(name) = public.iter().find(|p| rest.starts_with(**p)) {
            out.push_str(name);
            rest = &rest[name.len()..];
        } else if rest.starts_with(raw) {
            out.push_str(redacted);
            rest = &rest[raw.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `Jane Dev <jane@example.com>`; either part alone when the other is empty.
pub(crate) fn commit_author(commit: &CommitInfo) -> String {
    match (commit.author_name.trim(), commit.author_email.trim()) {
        (name, "") => name.to_owned(),
        ("", email) => format!("<{email}>"),
        (name, email) => format!("{name} <{email}>"),
    }
}

/// Serializes a report document. Our documents are plain structs and maps with string keys, for
/// which serde_json cannot fail; should it ever, the output says so instead of panicking.
pub(crate) fn to_json<T: serde::Serialize>(doc: &T) -> String {
    match serde_json::to_string_pretty(doc) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(err) => format!("{{\"error\": {:?}}}\n", err.to_string()),
    }
}

/// A hand-built scan result shared by the renderers' tests. Secrets are assembled at runtime so
/// that no secret-shaped literal lives in `src/`.
#[cfg(test)]
pub(crate) mod testdata {
    use crate::catalog::RuleMeta;
    use crate::diag::Diagnostic;
    use crate::finding::{
        fingerprint, Category, CommitInfo, Evidence, Finding, Location, Occurrence, Provenance,
        RuleId, Secret, Severity,
    };
    use crate::result::{ScanMode, ScanResult, ScanStats, VcsInfo};

    /// The commit that introduced the history finding's secret.
    pub(crate) const INTRODUCED: &str = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    /// HEAD of the history and staged scans.
    pub(crate) const HEAD: &str = "fedcba9876543210fedcba9876543210fedcba98";

    /// The raw secret of the first finding.
    pub(crate) fn github_token() -> String {
        format!("ghp_{}", "a1B2".repeat(9))
    }

    /// The raw secret of the second finding.
    pub(crate) fn aws_key() -> String {
        format!("AKIA{}", "Q7XZ".repeat(4))
    }

    fn rule(id: &str, severity: Severity, title: &str, help: &str) -> RuleMeta {
        RuleMeta {
            id: RuleId::new(id),
            category: Category::Secret,
            severity,
            title: title.into(),
            help: help.into(),
            tags: vec!["secret".into(), "token".into()],
        }
    }

    fn finding(meta: &RuleMeta, path: &str, line: usize, secret: &str) -> Finding {
        let len = secret.chars().count();
        Finding {
            rule_id: meta.id.clone(),
            category: meta.category,
            severity: meta.severity,
            title: meta.title.clone(),
            message: format!("{} found", meta.title),
            location: Location {
                path: path.into(),
                start_line: line,
                start_column: 9,
                end_line: line,
                end_column: 9 + len,
                commit: None,
            },
            evidence: Some(Evidence {
                secret: Secret::new(secret),
                entropy: 4.123_456,
                decoded: None,
                public: Vec::new(),
            }),
            remediation: meta.help.clone(),
            tags: meta.tags.clone(),
            fingerprint: fingerprint(&meta.id, path, secret),
            provenance: None,
            related: Vec::new(),
            dependency: None,
        }
    }

    /// Three findings in two files (one in history, one base64-decoded), two diagnostics.
    pub(crate) fn sample() -> ScanResult {
        let gh = rule(
            "github-pat",
            Severity::Critical,
            "GitHub personal access token",
            "Revoke the token on GitHub,\nthen load it from the CI secret store.",
        );
        let aws = rule(
            "aws-access-key",
            Severity::High,
            "AWS access key",
            "Rotate the key in IAM.",
        );
        let mut first = finding(&gh, "config/app settings.env", 3, &github_token());
        first.message = format!("token {} in env file", github_token());
        let mut second = finding(&aws, "config/app settings.env", 7, &aws_key());
        second.evidence = second.evidence.map(|e| Evidence {
            decoded: Some("base64".into()),
            ..e
        });
        let mut third = finding(&aws, "src/main.rs", 12, &aws_key());
        third.location.commit = Some("0123456789abcdef0123456789abcdef01234567".into());
        ScanResult {
            root: ".".into(),
            root_uri: Some("file:///work/project/".into()),
            findings: vec![first, second, third],
            diagnostics: vec![
                Diagnostic::warning("data/blob.bin", "not valid UTF-8; scanned as bytes"),
                Diagnostic::error("secret/locked.txt", "cannot read: permission denied"),
            ],
            stats: ScanStats {
                files_scanned: 10,
                bytes_scanned: 1_234_567,
                skipped_binary: 1,
                skipped_too_large: 2,
                suppressed_baseline: 1,
                duration_ms: 12,
                ..ScanStats::default()
            },
            rules: vec![aws, gh],
            ..ScanResult::default()
        }
    }

    fn github_rule() -> RuleMeta {
        rule(
            "github-pat",
            Severity::Critical,
            "GitHub personal access token",
            "Revoke the token on GitHub.",
        )
    }

    fn aws_rule() -> RuleMeta {
        rule(
            "aws-access-key",
            Severity::High,
            "AWS access key",
            "Rotate the key in IAM.",
        )
    }

    fn commit(id: &str, summary: &str) -> CommitInfo {
        CommitInfo {
            id: id.into(),
            author_name: "Jane Dev".into(),
            author_email: "jane@example.com".into(),
            date: "2024-03-01T09:30:00Z".into(),
            summary: summary.into(),
        }
    }

    /// A `--history` scan of a repository with an SSH remote. The first finding was introduced in
    /// [`INTRODUCED`], removed since and copied to two more places; the second is still in HEAD.
    pub(crate) fn history() -> ScanResult {
        let (gh, aws) = (github_rule(), aws_rule());
        let mut gone = finding(&gh, "deploy/run.sh", 4, &github_token());
        gone.location.commit = Some(INTRODUCED.into());
        gone.provenance = Some(Provenance {
            introduced: commit(INTRODUCED, "Add deploy script"),
            in_head: false,
            also_in: vec![
                Occurrence {
                    commit: "89abcdef0123456789abcdef0123456789abcdef".into(),
                    path: "deploy/run.sh".into(),
                },
                Occurrence {
                    commit: "0011223344556677889900112233445566778899".into(),
                    path: "scripts/old deploy.sh".into(),
                },
            ],
        });
        let mut kept = finding(&aws, "src/main.rs", 12, &aws_key());
        kept.location.commit = Some(HEAD.into());
        kept.provenance = Some(Provenance {
            introduced: commit(HEAD, "Wire up S3 uploads"),
            in_head: true,
            also_in: Vec::new(),
        });
        ScanResult {
            root: ".".into(),
            root_uri: Some("file:///work/project/".into()),
            findings: vec![gone, kept],
            stats: ScanStats {
                files_scanned: 25,
                bytes_scanned: 2_500_000,
                commits: 7,
                duration_ms: 40,
                ..ScanStats::default()
            },
            rules: vec![aws, gh],
            mode: ScanMode::History,
            vcs: Some(VcsInfo {
                repository_uri: Some("git@github.com:acme/app.git".into()),
                revision_id: Some(HEAD.into()),
                branch: Some("main".into()),
            }),
            ..ScanResult::default()
        }
    }

    /// A `--staged` scan with one finding, in a repository without a remote.
    pub(crate) fn staged() -> ScanResult {
        let aws = aws_rule();
        ScanResult {
            root: ".".into(),
            root_uri: Some("file:///work/project/".into()),
            findings: vec![finding(&aws, "src/main.rs", 12, &aws_key())],
            stats: ScanStats {
                files_scanned: 2,
                bytes_scanned: 900,
                duration_ms: 5,
                ..ScanStats::default()
            },
            rules: vec![aws],
            mode: ScanMode::Staged,
            vcs: Some(VcsInfo {
                repository_uri: None,
                revision_id: Some(HEAD.into()),
                branch: Some("feature".into()),
            }),
            ..ScanResult::default()
        }
    }

    /// A scan that found nothing and met no problem.
    pub(crate) fn clean() -> ScanResult {
        ScanResult {
            root: ".".into(),
            stats: ScanStats {
                files_scanned: 1,
                bytes_scanned: 512,
                duration_ms: 3,
                ..ScanStats::default()
            },
            ..ScanResult::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testdata::{aws_key, github_token, history, sample, staged};
    use super::*;

    const ALL: [Format; 3] = [Format::Text, Format::Json, Format::Sarif];

    #[test]
    fn default_options_redact() {
        let opts = RenderOptions::default();
        assert!(opts.redact && !opts.color && !opts.quiet);
    }

    #[test]
    fn redacted_reports_never_contain_raw_secrets() {
        let result = sample();
        for format in ALL {
            let out = render(&result, format, &RenderOptions::default());
            for raw in [github_token(), aws_key()] {
                assert!(!out.contains(&raw), "{format:?} leaks {raw}:\n{out}");
            }
            assert!(
                out.contains("ghp_…(40 chars)"),
                "{format:?} lacks the redacted form"
            );
        }
    }

    #[test]
    fn no_redact_shows_raw_secrets_in_every_format() {
        let result = sample();
        let opts = RenderOptions {
            redact: false,
            ..RenderOptions::default()
        };
        for format in ALL {
            let out = render(&result, format, &opts);
            for raw in [github_token(), aws_key()] {
                assert!(out.contains(&raw), "{format:?} lacks {raw}");
            }
        }
    }

    #[test]
    fn public_names_equal_to_the_secret_are_not_redacted() {
        let mut f = sample().findings.into_iter().next().expect("a finding");
        let ev = f.evidence.as_mut().expect("evidence");
        ev.secret = crate::finding::Secret::new("postgres");
        ev.public = vec!["postgres".into(), "db".into()];
        // A secret equal to a public name is public text: every occurrence stays.
        let text = "service `db` (postgres) sets a default `POSTGRES_PASSWORD`";
        assert_eq!(scrub(text, &f, &RenderOptions::default()), text);
        // A public name shorter than the secret protects nothing.
        let ev = f.evidence.as_mut().expect("evidence");
        ev.secret = crate::finding::Secret::new("postgres123");
        let out = scrub(
            "image postgres, password postgres123",
            &f,
            &RenderOptions::default(),
        );
        assert_eq!(out, "image postgres, password …(11 chars)");
    }

    #[test]
    fn scrub_replaces_the_raw_secret_only_when_redacting() {
        let result = sample();
        let f = &result.findings[0];
        let text = format!("x {} y", github_token());
        assert_eq!(
            scrub(&text, f, &RenderOptions::default()),
            "x ghp_…(40 chars) y"
        );
        let raw = RenderOptions {
            redact: false,
            ..RenderOptions::default()
        };
        assert_eq!(scrub(&text, f, &raw), text);
    }

    #[test]
    fn commit_summaries_and_remotes_are_redacted_in_every_format() {
        let mut result = history();
        let token = format!("glpat-{}", "Zq9".repeat(7));
        if let Some(p) = result.findings[0].provenance.as_mut() {
            p.introduced.summary = format!("Add deploy script with {}", github_token());
        }
        if let Some(vcs) = result.vcs.as_mut() {
            vcs.repository_uri = Some(format!("https://oauth2:{token}@gitlab.com/acme/app.git"));
        }
        let raw = RenderOptions {
            redact: false,
            ..RenderOptions::default()
        };
        for format in ALL {
            let out = render(&result, format, &RenderOptions::default());
            for secret in [github_token(), aws_key(), token.clone()] {
                assert!(!out.contains(&secret), "{format:?} leaks {secret}:\n{out}");
            }
            assert!(out.contains("Add deploy script with ghp_…(40 chars)"));
            assert!(render(&result, format, &raw).contains(&github_token()));
        }
        for format in [Format::Json, Format::Sarif] {
            let out = render(&result, format, &RenderOptions::default());
            assert!(
                out.contains("https://gitlab.com/acme/app.git"),
                "{format:?}"
            );
            assert!(render(&result, format, &raw).contains(&token), "{format:?}");
        }
        assert!(render(&staged(), Format::Text, &RenderOptions::default()).contains("AKIA…"));
    }

    #[test]
    fn commit_author_reads_like_git() {
        let result = history();
        let commit = result.findings[0]
            .provenance
            .as_ref()
            .map(|p| p.introduced.clone());
        let Some(mut commit) = commit else {
            panic!("history() has provenance");
        };
        assert_eq!(commit_author(&commit), "Jane Dev <jane@example.com>");
        commit.author_email.clear();
        assert_eq!(commit_author(&commit), "Jane Dev");
        commit.author_name.clear();
        commit.author_email = "ci@example.com".into();
        assert_eq!(commit_author(&commit), "<ci@example.com>");
    }
}
