//! The edge of the program: parses arguments, runs a command, writes output, and decides the exit
//! code. The only module that touches clap, stdout/stderr and the environment.

pub mod args;
pub mod db;
mod gate;
pub mod hook;
mod progress;
pub mod report;
mod scan_report;

use crate::config;
use crate::error::{Error, Result};
use crate::report::{Format, RenderOptions};
use crate::result::ScanResult;
use crate::scan::{self, ScanOptions};
use crate::secrets::examples;
use crate::source::history::HistoryOptions;
use crate::suppress::{self, IgnoreSet};
use args::{
    BaselineArgs, Cli, Command, GitArgs, ListFormat, RulesCommand, ScanArgs, ScanSettings, Scanner,
};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above `--fail-on`, no errors.
    Clean,
    /// Findings at or above `--fail-on`.
    Findings,
    /// The scan hit errors (its result is incomplete).
    Errors,
}

impl Outcome {
    /// 0 clean, 1 findings, 2 errors.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Errors => 2,
        })
    }
}

/// Runs the command line.
pub fn run() -> Result<Outcome> {
    let cli = Cli::parse_checked();
    match cli.command {
        Command::Scan(args) => run_scan(&args, cli.db.as_deref()),
        Command::Baseline(args) => run_baseline(&args, cli.db.as_deref()),
        Command::Db(cmd) => db::run(&cmd, cli.db.as_deref()),
        Command::Report(args) => report::run(&args),
        Command::Rules(RulesCommand::List { config, format }) => {
            rules_list(config.as_deref(), format)
        }
        Command::Rules(RulesCommand::Test { file, config }) => rules_test(&file, config.as_deref()),
        Command::Hook(cmd) => {
            eprintln!("preflight: {}", hook::run(&cmd)?);
            Ok(Outcome::Clean)
        }
    }
}

/// Whether an error is a closed stdout (`preflight scan | head`), which is not a failure.
pub fn is_broken_pipe(err: &Error) -> bool {
    matches!(err, Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

pub(crate) fn scan_with(
    settings: &ScanSettings,
    git: &GitArgs,
    baseline: Option<&Path>,
    db_dir: Option<&Path>,
    quiet: bool,
) -> Result<ScanResult> {
    if !settings.path.exists() {
        return Err(Error::Usage(format!(
            "{}: no such file or directory",
            settings.path.display()
        )));
    }
    let runs = |s: Scanner| settings.scanners.contains(&s);
    let git_scan = git.history || git.staged;
    if git_scan && !runs(Scanner::Secrets) {
        return Err(Error::Usage(
            "--history and --staged scan for secrets: include `secrets` in --scanners".into(),
        ));
    }
    let cfg = config::load_with(
        &settings.path,
        settings.config.as_deref(),
        runs(Scanner::Secrets),
    )?;
    let dir = if settings.path.is_file() {
        settings.path.parent().unwrap_or(Path::new("."))
    } else {
        settings.path.as_path()
    };
    let ignores = IgnoreSet::load(dir)?;
    let threads = gate::threads(settings.threads);
    // Staged scans are small by nature (one commit's change): no bar.
    let (progress, _bar) = match (git.history, git.staged) {
        (true, _) => progress::start(progress::Unit::Blobs, "scanning history", quiet),
        (false, false) => progress::start(progress::Unit::Files, "scanning", quiet),
        (false, true) => (crate::progress::Progress::off(), None),
    };
    let opts = ScanOptions {
        progress,
        root: settings.path.clone(),
        threads,
        max_file_size: settings.max_file_size,
        baseline: match baseline {
            Some(p) => suppress::load_baseline(p)?,
            None => Default::default(),
        },
        exclude: cfg.exclude.clone(),
        secrets: runs(Scanner::Secrets),
        compose: (!git_scan && runs(Scanner::Config)).then(|| crate::compose::Options {
            env_files: settings.env_files.clone(),
        }),
        deps: if git_scan || !runs(Scanner::Deps) {
            None
        } else {
            Some(crate::deps::Options {
                db: db::locate(db_dir)?,
                offline: settings.offline,
                ignores: cfg.deps_ignores.clone(),
                update: db::scan_update_options(),
                notify: Some(|message| eprintln!("preflight: {message}")),
            })
        },
    };
    let mut result = if git.history {
        let hopts = history_options(settings, git, threads)?;
        scan::history::scan_history(&opts, &hopts, &cfg.rules, &ignores)?
    } else if git.staged && !git.files.is_empty() {
        scan::staged::scan_named(&opts, &git.files, &cfg.rules, &ignores)?
    } else if git.staged {
        scan::staged::scan_staged(&opts, &cfg.rules, &ignores)?
    } else {
        scan::scan(&opts, &cfg.rules, &ignores)
    };
    result.allow_incomplete = settings.allow_incomplete;
    Ok(result)
}

fn history_options(
    settings: &ScanSettings,
    git: &GitArgs,
    threads: usize,
) -> Result<HistoryOptions> {
    let (ranges, refs): (Vec<&String>, Vec<&String>) =
        git.refs.iter().partition(|r| r.contains(".."));
    if ranges.len() > 1 {
        return Err(Error::Usage("give at most one A..B range".into()));
    }
    Ok(HistoryOptions {
        refs: refs.into_iter().cloned().collect(),
        range: ranges.first().map(|r| r.to_string()),
        since: git.since.as_deref().map(parse_date).transpose()?,
        until: git.until.as_deref().map(parse_date).transpose()?,
        max_blob_size: settings.max_file_size,
        threads,
    })
}

/// A date as git understands it: `2024-01-31`, RFC 3339 / 2822, `2 weeks ago`, `@1700000000`.
fn parse_date(text: &str) -> Result<i64> {
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .map(|t| t.seconds)
        .map_err(|_| {
            Error::Usage(format!(
                "invalid date {text:?}: use e.g. 2024-01-31 or \"2 weeks ago\""
            ))
        })
}

fn run_scan(args: &ScanArgs, db_dir: Option<&Path>) -> Result<Outcome> {
    let format = match args.format.scan_format() {
        Some(format) => format,
        None => return scan_report::run(args, db_dir),
    };
    if args.date.is_some() {
        return Err(Error::Usage(
            "--date is the date of an html, markdown or csv report".into(),
        ));
    }
    let result = scan_with(
        &args.settings,
        &args.git,
        args.baseline.as_deref(),
        db_dir,
        args.quiet,
    )?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let opts = RenderOptions {
        redact: !args.no_redact,
        color: to_terminal && format == Format::Text && color_allowed(),
        quiet: args.quiet,
    };
    let rendered = crate::report::render_report(&result, format, &opts);
    for warning in &rendered.warnings {
        eprintln!("preflight: warning: {warning}");
    }
    let text = rendered.text;
    match &args.output {
        Some(path) => {
            write_file(path, &text)?;
            if !args.quiet {
                eprintln!(
                    "preflight: wrote {} report to {}: {} finding(s)",
                    format_name(format),
                    path.display(),
                    result.findings.len()
                );
            }
        }
        None => write_stdout(&text)?,
    }
    gate::print_diagnostics(&result);
    Ok(gate::outcome(&result, args.fail_on.severity()))
}

fn run_baseline(args: &BaselineArgs, db_dir: Option<&Path>) -> Result<Outcome> {
    let result = scan_with(&args.settings, &args.git, None, db_dir, false)?;
    let opts = RenderOptions {
        redact: true,
        color: false,
        quiet: false,
    };
    write_file(
        &args.file,
        &crate::report::render(&result, Format::Json, &opts),
    )?;
    eprintln!(
        "preflight: wrote baseline {} with {} finding(s)",
        args.file.display(),
        result.findings.len()
    );
    gate::print_diagnostics(&result);
    Ok(if result.has_errors() && !result.allow_incomplete {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

fn rules_list(config: Option<&Path>, format: ListFormat) -> Result<Outcome> {
    let cfg = config::load(Path::new("."), config)?;
    let mut catalog = cfg.rules.catalog();
    // The compose checks are rules too: `rules list` is the whole catalogue.
    catalog.extend(crate::compose::catalog());
    let text = match format {
        ListFormat::Json => serde_json::to_string_pretty(&with_providers(&cfg.rules, &catalog))
            .map(|s| s + "\n")
            .map_err(|e| Error::Usage(e.to_string()))?,
        ListFormat::Text => {
            let width = catalog
                .iter()
                .map(|r| r.id.as_str().len())
                .max()
                .unwrap_or(2);
            let mut out = String::new();
            let listed = with_providers(&cfg.rules, &catalog);
            let pwidth = listed.iter().map(|r| r.provider.len()).max().unwrap_or(8);
            for r in &listed {
                out.push_str(&format!(
                    "{:width$}  {:8}  {:pwidth$}  {}  [{}]\n",
                    r.meta.id.as_str(),
                    r.meta.severity.as_str(),
                    r.provider,
                    r.meta.title,
                    r.meta.tags.join(", ")
                ));
            }
            out.push_str(&format!("{} rules\n", catalog.len()));
            out
        }
    };
    write_stdout(&text)?;
    Ok(Outcome::Clean)
}

/// A `rules list` row: the catalogue entry plus the provider it names (issue 15).
#[derive(serde::Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    meta: &'a crate::catalog::RuleMeta,
    provider: &'a str,
}

fn with_providers<'a>(
    set: &'a crate::secrets::RuleSet,
    catalog: &'a [crate::catalog::RuleMeta],
) -> Vec<Listed<'a>> {
    catalog
        .iter()
        .map(|meta| Listed {
            meta,
            provider: set
                .rules()
                .iter()
                .find(|r| r.id == meta.id)
                .map_or("docker-compose", |r| r.provider.as_str()),
        })
        .collect()
}

fn rules_test(file: &Path, config: Option<&Path>) -> Result<Outcome> {
    let data = std::fs::read(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let cfg = config::load(dir, config)?;
    let name = file.to_string_lossy().replace('\\', "/");
    write_stdout(&examples::explain(&cfg.rules, &name, &data))?;
    Ok(Outcome::Clean)
}

pub(crate) fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::Json => "JSON",
        Format::Sarif => "SARIF",
    }
}

pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// Writes `text` to `path` atomically: into a temporary file in the same directory, then
/// renamed over `path`, so that an interrupted or failed run never leaves half a report (and an
/// old report stays whole until the new one is complete).
fn write_file(path: &Path, text: &str) -> Result<()> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    // `--output /dev/null`, a FIFO or a terminal: renaming a temporary file over it would
    // replace the device with a plain file (root can rename over /dev/null). Write to it.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::write(path, text).map_err(err);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".preflight-").suffix(".tmp");
    // A temporary file is private (0600); a report is an ordinary file that others read (the
    // HTML report is handed on), so it gets the mode a plain create would: 0666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_file;

    #[test]
    fn a_path_that_is_not_a_regular_file_is_never_replaced() {
        // Stands in for /dev/null: renaming over a non-file would replace it.
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("not-a-file");
        std::fs::create_dir(&target).expect("mkdir");
        assert!(write_file(&target, "x").is_err());
        assert!(target.is_dir());
    }

    #[test]
    fn reports_are_written_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.sarif");
        std::fs::write(&path, "old report").expect("write");
        write_file(&path, "new report").expect("atomic write");
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("new report")
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.sarif")]);
        // A failed write (the directory is missing) creates nothing and reports the path.
        let missing = dir.path().join("no/such/dir/report.json");
        let err = write_file(&missing, "x").expect_err("no directory");
        assert!(err.to_string().contains("report.json"), "{err}");
        assert!(!missing.exists());
    }
}
