//! `preflight db`: build the advisory index from the network (`update`) or from local copies
//! (`import`), and say what it holds (`status`).

use crate::deps::db::{self, Built, Db, UpdateOptions};
use crate::error::{Error, Result};
use clap::Subcommand;
use std::path::{Path, PathBuf};

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
    },
    /// Rebuild the index from local advisories: directories or zips of OSV JSON/YAML files,
    /// RustSec trees, or git repositories of either.
    Import {
        /// Directories, zip archives or git repositories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print the index's sources, record counts and age.
    Status,
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
    }
}

/// Runs a `db` subcommand.
pub fn run(cmd: &DbCommand, dir: Option<&Path>) -> Result<Outcome> {
    let db = locate(dir)?;
    match cmd {
        DbCommand::Update {
            osv_url,
            rustsec_url,
        } => {
            let opts = UpdateOptions {
                osv_url: osv_url.clone(),
                rustsec_url: rustsec_url.clone(),
                ..UpdateOptions::default()
            };
            eprintln!(
                "preflight: updating the advisory database in {}",
                db.root.display()
            );
            let built = db.update(&opts).map_err(|m| failed("update", m))?;
            Ok(report(&db, &built))
        }
        DbCommand::Import { paths } => {
            let built = db.import(paths).map_err(|m| failed("import", m))?;
            Ok(report(&db, &built))
        }
        DbCommand::Status => status(&db),
    }
}

fn failed(what: &str, message: String) -> Error {
    Error::Usage(format!(
        "db {what} failed, the previous index is unchanged: {message}"
    ))
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
    let Some(index) = db.open().map_err(Error::Usage)? else {
        super::write_stdout(&format!(
            "no advisory index in {}\nbuild one with `preflight db update`, or `preflight db import PATH` offline\n",
            db.root.display()
        ))?;
        return Ok(Outcome::Errors);
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
    Ok(Outcome::Clean)
}
