//! `preflight db`: build the advisory index from the network (`update`) or from local copies
//! (`import`), and say what it holds (`status`).
//!
//! Exit codes: 0 done; 2 when a rebuild failed or was refused (the previous index stays), when
//! some files could not be parsed, and when `status` finds no index, an empty one or a partial
//! one, so that `preflight db status` can gate a pipeline.

use crate::deps::db::{self, health, Built, Db, IndexError, InstallOptions, UpdateOptions};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Outcome;

/// `preflight db ...`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download the OSV archives (npm, PyPI, crates.io) and fetch the RustSec repository, then
    /// rebuild the index. A failure leaves the previous index in place.
    Update {
        /// Base URL of the OSV archives (`<URL><ecosystem>/all.zip`), e.g. a mirror.
        #[arg(long, value_name = "URL", env = "PREFLIGHT_OSV_URL", default_value = db::DEFAULT_OSV_URL)]
        osv_url: String,
        /// URL of the RustSec advisory git repository.
        #[arg(long, value_name = "URL", env = "PREFLIGHT_RUSTSEC_URL", default_value = db::DEFAULT_RUSTSEC_URL)]
        rustsec_url: String,
        /// Replacement and locking.
        #[command(flatten)]
        install: InstallArgs,
    },
    /// Rebuild the index from local advisories: directories or zips of OSV JSON/YAML files,
    /// RustSec trees, or git repositories of either.
    Import {
        /// Directories, zip archives or git repositories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Replacement and locking.
        #[command(flatten)]
        install: InstallArgs,
    },
    /// Print the index's sources, record counts and age; exit 2 when there is no index or it
    /// is empty or partial.
    Status,
}

/// How `update` and `import` treat the index they replace and each other.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Replace the index even when the new one is empty or holds under half of an
    /// ecosystem's advisories (otherwise refused, and the previous index stays).
    #[arg(long)]
    force: bool,
    /// Seconds to wait for another `db update` or `db import` of the same database.
    #[arg(long, value_name = "SECS", default_value_t = db::LOCK_TIMEOUT.as_secs())]
    lock_timeout: u64,
}

impl InstallArgs {
    fn options(&self) -> InstallOptions {
        InstallOptions {
            force: self.force,
            lock_timeout: Duration::from_secs(self.lock_timeout),
            on_wait: Some(tell),
        }
    }
}

fn tell(message: &str) {
    eprintln!("preflight: {message}");
}

/// The database the global `--db` option or `PREFLIGHT_DB_DIR` names, else the default.
pub fn locate(explicit: Option<&Path>) -> Result<Db> {
    match explicit {
        Some(dir) => Ok(Db::at(dir)),
        None => Db::default_root().map(Db::at).ok_or_else(|| {
            Error::Usage(
                "no cache directory is known here: give --db DIR or set PREFLIGHT_DB_DIR".into(),
            )
        }),
    }
}

/// What the one automatic update of a scan without an index fetches from: the defaults, or
/// the mirrors `PREFLIGHT_OSV_URL` and `PREFLIGHT_RUSTSEC_URL` name, with short timeouts.
pub fn scan_update_options() -> UpdateOptions {
    let env = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    UpdateOptions {
        osv_url: env("PREFLIGHT_OSV_URL", db::DEFAULT_OSV_URL),
        rustsec_url: env("PREFLIGHT_RUSTSEC_URL", db::DEFAULT_RUSTSEC_URL),
        fetch: db::scan_fetch_options(),
        install: InstallOptions {
            on_wait: Some(tell),
            ..InstallOptions::default()
        },
    }
}

/// Runs a `db` subcommand.
pub fn run(cmd: &DbCommand, dir: Option<&Path>) -> Result<Outcome> {
    let db = locate(dir)?;
    match cmd {
        DbCommand::Update {
            osv_url,
            rustsec_url,
            install,
        } => {
            eprintln!(
                "preflight: updating the advisory database in {}",
                db.root.display()
            );
            let (progress, bar) =
                super::progress::start(super::progress::Unit::Bytes, "downloading", false);
            let mut opts = UpdateOptions {
                osv_url: osv_url.clone(),
                rustsec_url: rustsec_url.clone(),
                install: install.options(),
                ..UpdateOptions::default()
            };
            opts.fetch.progress = progress;
            let built = db.update(&opts);
            drop(bar);
            let built = built.map_err(|m| failed("update", m))?;
            Ok(report(&db, &built))
        }
        DbCommand::Import { paths, install } => {
            let built = db
                .import(paths, &install.options())
                .map_err(|m| failed("import", m))?;
            Ok(report(&db, &built))
        }
        DbCommand::Status => status(&db),
    }
}

fn failed(what: &str, err: IndexError) -> Error {
    Error::Usage(format!(
        "db {what} failed, the previous index is unchanged: {}",
        one_line(&err)
    ))
}

/// An error and its causes on one line; each level says only its own part, so nothing repeats.
fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let parts: Vec<String> = std::iter::successors(Some(err), |e| e.source())
        .map(|e| e.to_string())
        .collect();
    parts.join(": ")
}

/// Prints what was built; files that could not be parsed make the run exit 2.
fn report(db: &Db, built: &Built) -> Outcome {
    for (origin, problem) in &built.problems {
        eprintln!("error: {origin}: {}: {}", problem.file, problem.message);
    }
    for source in &built.meta.sources {
        eprintln!(
            "preflight: {} ({}): {} advisories, {} withdrawn skipped{}",
            source.origin,
            source.kind,
            source.records,
            source.withdrawn,
            source
                .revision
                .as_deref()
                .map(|r| format!(", at {r}"))
                .unwrap_or_default()
        );
    }
    eprintln!(
        "preflight: index built in {}: {} advisories",
        db.root.join("index").display(),
        built.meta.records
    );
    if built.problems.is_empty() {
        Outcome::Clean
    } else {
        eprintln!(
            "preflight: {} file(s) could not be read; the index holds everything else",
            built.problems.len()
        );
        Outcome::Errors
    }
}

fn status(db: &Db) -> Result<Outcome> {
    use std::fmt::Write as _;
    let index = match db.open() {
        Ok(index) => index,
        Err(IndexError::Absent { dir }) => {
            super::write_stdout(&format!(
                "no advisory index in {}\nbuild one with `preflight db update`, or `preflight db import PATH` offline\n",
                dir.display()
            ))?;
            return Ok(Outcome::Errors);
        }
        Err(err) => return Err(Error::Usage(one_line(&err))),
    };
    let meta = &index.meta;
    let stale = if db::is_stale(meta) {
        ", stale: run `preflight db update`"
    } else {
        ""
    };
    let mut out = String::new();
    let _ = writeln!(out, "index:    {}", index.dir.display());
    let _ = writeln!(
        out,
        "built:    {} ({} days ago){stale}",
        crate::day::rfc3339(i64::try_from(meta.built_at).unwrap_or(i64::MAX)),
        db::age_days(meta)
    );
    let _ = writeln!(out, "records:  {}", meta.records);
    for (eco, n) in &meta.per_ecosystem {
        let _ = writeln!(out, "  {eco:10} {n}");
    }
    let _ = writeln!(out, "sources:");
    for s in &meta.sources {
        let rev = s
            .revision
            .as_deref()
            .map(|r| format!(" @ {r}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} ({}){rev}: {} advisories, {} withdrawn skipped, {} unreadable",
            s.origin, s.kind, s.records, s.withdrawn, s.problems
        );
    }
    super::write_stdout(&out)?;
    let warnings = health::warnings(meta);
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    Ok(if warnings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}
