//! `preflight report`: reads saved JSON results, judges them against the `[policy]` of
//! `.preflight.toml`, and writes the audit report (HTML, Markdown or CSV).

use super::{write_file, write_stdout, Outcome};
use crate::error::{Error, Result};
use crate::report::audit::policy::PolicySection;
use crate::report::audit::{self, AuditFormat, AuditRequest, Input, ScanReport};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// `preflight report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Saved JSON results (`preflight scan --format json`), one per repository or scan.
    #[arg(required = true, value_name = "FILE.json")]
    pub files: Vec<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// An earlier JSON result: show what is new, fixed and still open since then.
    #[arg(long, value_name = "OLD.json")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 when the verdict is NO-GO.
    #[arg(long)]
    pub fail_on_no_go: bool,
    /// The report date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Config file with the `[policy]` section (default: ./.preflight.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Self-contained HTML (no scripts, no external resources; prints well).
    Html,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// The findings table as CSV (RFC 4180; formula cells defused).
    Csv,
}

impl From<ReportFormat> for AuditFormat {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Html => AuditFormat::Html,
            ReportFormat::Markdown => AuditFormat::Markdown,
            ReportFormat::Csv => AuditFormat::Csv,
        }
    }
}

/// Reads one saved result; the error names the file.
pub fn load(path: &Path) -> Result<ScanReport> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    audit::parse(&text).map_err(|message| Error::Config {
        path: path.to_path_buf(),
        message,
    })
}

/// The `[policy]` of the named config, or of `./.preflight.toml`, or the default policy.
pub fn load_policy(explicit: Option<&Path>) -> Result<PolicySection> {
    load_policy_in(explicit, Path::new("."))
}

/// The `[policy]` of the named config, or of `DIR/.preflight.toml`, or the default policy.
pub(super) fn load_policy_in(explicit: Option<&Path>, dir: &Path) -> Result<PolicySection> {
    let default = dir.join(crate::config::CONFIG_FILE);
    let default = default.as_path();
    let path = match explicit {
        Some(p) => p,
        None if default.is_file() => default,
        None => return Ok(PolicySection::default()),
    };
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let file = crate::config::file::parse(&text).map_err(|message| Error::Config {
        path: path.to_path_buf(),
        message,
    })?;
    Ok(file.sections.policy.unwrap_or_default())
}

/// The report date: `--date` or today in UTC.
pub fn report_date(date: Option<&str>) -> Result<String> {
    match date {
        Some(d) => crate::day::Day::parse(d)
            .map(|d| d.to_string())
            .ok_or_else(|| Error::Usage(format!("invalid --date {d:?}: use YYYY-MM-DD"))),
        None => Ok(crate::day::Day::today().to_string()),
    }
}

/// Runs `preflight report`.
pub fn run(args: &ReportArgs) -> Result<Outcome> {
    let mut inputs = Vec::new();
    for path in &args.files {
        inputs.push(Input {
            file: path.display().to_string(),
            report: load(path)?,
        });
    }
    let baseline = args.baseline.as_deref().map(load).transpose()?;
    let policy = load_policy(args.config.as_deref())?;
    let req = AuditRequest {
        inputs: &inputs,
        policy: &policy,
        baseline: baseline.as_ref(),
        date: report_date(args.date.as_deref())?,
    };
    let (text, verdict) = audit::render(&req, args.format.into());
    emit(&text, args.output.as_deref(), &verdict.reason, false)?;
    Ok(if args.fail_on_no_go && !verdict.go {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// Writes a report to `--output` (atomically) or stdout.
pub(super) fn emit(text: &str, output: Option<&Path>, reason: &str, quiet: bool) -> Result<()> {
    match output {
        Some(path) => {
            write_file(path, text)?;
            if !quiet {
                eprintln!("preflight: wrote report to {}: {reason}", path.display());
            }
            Ok(())
        }
        None => write_stdout(text),
    }
}
