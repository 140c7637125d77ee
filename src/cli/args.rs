//! The command line, as clap derive types. Only what is built is registered.

use crate::finding::Severity;
use crate::report;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// preflight: is this code base safe to ship?
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// The advisory database directory (default: the user's cache dir, e.g. ~/.cache/preflight/db).
    #[arg(long, global = true, value_name = "DIR", env = "PREFLIGHT_DB_DIR")]
    pub db: Option<PathBuf>,
}

impl Cli {
    /// Parses the command line as `Parser::parse` does (exiting on an error), and refuses
    /// `--db` on a command that never reads the advisory database (issue 12 item 6). The
    /// `PREFLIGHT_DB_DIR` variable is not refused: it is set once for every command.
    pub fn parse_checked() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let mut cmd = Cli::command();
        let matches = cmd.get_matches_mut();
        let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit());
        let ignores_db = match cli.command {
            Command::Rules(_) => Some("rules"),
            Command::Hook(_) => Some("hook"),
            Command::Report(_) => Some("report"),
            Command::Scan(_) | Command::Baseline(_) | Command::Db(_) => None,
        };
        if let (Some(name), true) = (ignores_db, db_on_command_line(&matches)) {
            cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--db does not apply to `preflight {name}`, which never reads the advisory \
                     database (it serves scan, baseline and db)"
                ),
            )
            .exit();
        }
        cli
    }
}

/// Whether `--db` was typed (before or after the subcommand), not taken from the environment.
fn db_on_command_line(matches: &clap::ArgMatches) -> bool {
    use clap::parser::ValueSource;
    let mut level = Some(matches);
    while let Some(m) = level {
        if m.try_get_raw("db").ok().flatten().is_some()
            && m.value_source("db") == Some(ValueSource::CommandLine)
        {
            return true;
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    false
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a tree: hardcoded secrets, dependencies with known advisories, compose config.
    Scan(ScanArgs),
    /// Write a baseline (a JSON report of the current findings) for `scan --baseline`.
    Baseline(BaselineArgs),
    /// List or test secret rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install or remove the git pre-commit hook.
    #[command(subcommand)]
    Hook(super::hook::HookCommand),
    /// Build, update or inspect the local advisory database.
    #[command(subcommand)]
    Db(super::db::DbCommand),
    /// Render the audit report (GO / NO-GO verdict, coverage, findings) from saved JSON results.
    Report(super::report::ReportArgs),
}

/// Options shared by everything that scans.
#[derive(Debug, Args, Clone)]
pub struct ScanSettings {
    /// Directory or file to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Do not exit 2 when part of the input could not be read (no advisory index, unreadable
    /// files, corrupt git objects): the summary still says the scan is incomplete, and why.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Config file (gitleaks format; extends the default rules). Default: PATH/.preflight.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Skip files larger than this (bytes, or with K, M, G suffix); a skipped file leaves the
    /// scan incomplete (exit 2). Files over 8 MiB are streamed, so memory does not grow with it.
    #[arg(long, value_name = "SIZE", default_value = "256M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Never use the network: without an advisory index, skip the dependency audit.
    #[arg(long)]
    pub offline: bool,
    /// Compose: interpolate from FILE instead of each project's `.env`, as `docker compose
    /// --env-file` does (repeatable; later files win).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Which scanners run, comma-separated (history and staged scans run secrets only).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "LIST",
        default_values_t = [Scanner::Secrets, Scanner::Deps, Scanner::Config]
    )]
    pub scanners: Vec<Scanner>,
}

/// The scanners `--scanners` picks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scanner {
    /// Hardcoded credentials.
    Secrets,
    /// Lockfile dependencies against the advisory index.
    Deps,
    /// Docker compose files and the .env files they read.
    Config,
}

impl std::fmt::Display for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scanner::Secrets => "secrets",
            Scanner::Deps => "deps",
            Scanner::Config => "config",
        })
    }
}

/// `preflight scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Where and how to scan.
    #[command(flatten)]
    pub settings: ScanSettings,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    pub fail_on: FailOn,
    /// Redact secrets in the output (the default).
    #[arg(long, overrides_with = "no_redact")]
    pub redact: bool,
    /// Print secrets in full. Careful: reports may end up in CI logs.
    #[arg(long, overrides_with = "redact")]
    pub no_redact: bool,
    /// Do not report findings that this previous JSON report holds.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Print only findings: no summary, no warnings.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// html, markdown and csv: the report date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Git source: the full history or the staged change instead of the working tree.
    #[command(flatten)]
    pub git: GitArgs,
}

/// What of a git repository to scan.
#[derive(Debug, Args, Clone, Default)]
pub struct GitArgs {
    /// Scan every blob in the git history (all refs unless --ref is given).
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,
    /// Scan only the lines the staged change adds (pre-commit).
    #[arg(long)]
    pub staged: bool,
    /// With --staged, after PATH: only these files, as the pre-commit framework passes them.
    /// When every one is staged (a normal commit) their staged lines are scanned; otherwise
    /// (`pre-commit run --all-files`, files named by hand) each is scanned completely, from the
    /// work tree.
    #[arg(value_name = "FILE", requires = "staged")]
    pub files: Vec<PathBuf>,
    /// History: only commits at or after DATE (2024-01-31, RFC 3339, "2 weeks ago").
    #[arg(
        long,
        value_name = "DATE",
        requires = "history",
        conflicts_with = "staged"
    )]
    pub since: Option<String>,
    /// History: only commits at or before DATE.
    #[arg(
        long,
        value_name = "DATE",
        requires = "history",
        conflicts_with = "staged"
    )]
    pub until: Option<String>,
    /// History: start from REF instead of all refs (repeatable); `A..B` selects a range.
    #[arg(
        long = "ref",
        value_name = "REF",
        requires = "history",
        conflicts_with = "staged"
    )]
    pub refs: Vec<String>,
}

/// `preflight baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The baseline file to write.
    pub file: PathBuf,
    /// Where and how to scan.
    #[command(flatten)]
    pub settings: ScanSettings,
    /// Git source, as for `scan` (a baseline from a history scan serves the next one).
    #[command(flatten)]
    pub git: GitArgs,
}

/// `preflight rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in force: id, severity, description, tags.
    List {
        /// Config file, as for `scan`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Explain which rules match a file, and why (or why not).
    Test {
        /// The file to test.
        file: PathBuf,
        /// Config file, as for `scan`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `--format` of `scan`: the report formats, as the command line spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable text, grouped by file, with a one-line summary.
    Text,
    /// preflight's own JSON report (`docs/json-report.md`), schema version 1.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// The audit report as self-contained HTML (what `preflight report` writes).
    Html,
    /// The audit report as GitHub-flavoured Markdown.
    Markdown,
    /// The audit report's findings table as CSV.
    Csv,
}

impl FormatArg {
    /// The scan report format; `None` for the audit report formats.
    pub fn scan_format(self) -> Option<report::Format> {
        match self {
            FormatArg::Text => Some(report::Format::Text),
            FormatArg::Json => Some(report::Format::Json),
            FormatArg::Sarif => Some(report::Format::Sarif),
            FormatArg::Html | FormatArg::Markdown | FormatArg::Csv => None,
        }
    }

    /// The audit report format; `None` for the scan report formats.
    pub fn audit_format(self) -> Option<report::audit::AuditFormat> {
        use report::audit::AuditFormat;
        match self {
            FormatArg::Html => Some(AuditFormat::Html),
            FormatArg::Markdown => Some(AuditFormat::Markdown),
            FormatArg::Csv => Some(AuditFormat::Csv),
            FormatArg::Text | FormatArg::Json | FormatArg::Sarif => None,
        }
    }
}

/// `rules list` formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// A JSON array.
    Json,
}

/// `--fail-on` levels.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Critical only.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
    /// Everything.
    Info,
}

impl FailOn {
    /// The severity threshold.
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Parses `1048576`, `512K`, `10M`, `1G` (binary multiples; a trailing `B`/`iB` is allowed).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let t = t.trim_end_matches("IB").trim_end_matches('B');
    let (num, mult) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') => (&t[..t.len() - 1], 1 << 20),
        Some('G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("invalid size {s:?}: use bytes or a number with K, M or G"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("10MB"), Ok(10 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
