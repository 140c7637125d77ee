//! The local advisory database: where it lives, how `db import` and `db update` (re)build its
//! [`index`], and how a scan opens it.
//!
//! Layout under the database directory:
//! - `index/`: the current index (see [`index`]);
//! - `sources/`: what `db update` downloaded (`osv-<ecosystem>.zip`, `rustsec.git`) and the
//!   ETags it got, so the next update can skip unchanged archives.
//!
//! A new index is written to a temporary sibling directory and renamed into place, so a failed
//! or interrupted build leaves the previous index as it was.

pub mod fetch;
pub mod import;
pub mod index;

use self::fetch::FetchOptions;
use self::import::{collect, Problem};
use self::index::{Index, Meta, SourceMeta};
use crate::deps::advisory::Advisory;
use crate::deps::package::Ecosystem;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where `db update` downloads OSV archives from: `<base><ecosystem>/all.zip`.
pub const DEFAULT_OSV_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/";
/// The RustSec advisory repository.
pub const DEFAULT_RUSTSEC_URL: &str = "https://github.com/rustsec/advisory-db.git";
/// An index older than this makes a scan warn.
pub const STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);
const INDEX: &str = "index";
const OLD_INDEX: &str = "index.old";
const ETAGS: &str = "etags.json";

/// The database directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Db {
    /// Its root.
    pub root: PathBuf,
}

/// What a rebuild took in and produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// The new index's metadata.
    pub meta: Meta,
    /// Files that could not be parsed, per source origin (the rest went in).
    pub problems: Vec<(String, Problem)>,
}

/// Where `db update` fetches from.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Base URL of the OSV archives (a mirror may replace it).
    pub osv_url: String,
    /// URL of the RustSec git repository.
    pub rustsec_url: String,
    /// Network timeouts.
    pub fetch: FetchOptions,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            osv_url: DEFAULT_OSV_URL.to_string(),
            rustsec_url: DEFAULT_RUSTSEC_URL.to_string(),
            fetch: FetchOptions::default(),
        }
    }
}

impl Db {
    /// The database at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Db {
        Db { root: root.into() }
    }

    /// The per-user default: `<cache dir>/preflight/db` (`~/.cache/preflight/db` on Linux).
    pub fn default_root() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("preflight").join("db"))
    }

    /// Opens the current index; `Ok(None)` when none was ever built.
    pub fn open(&self) -> Result<Option<Index>, String> {
        for name in [INDEX, OLD_INDEX] {
            let dir = self.root.join(name);
            if dir.join("meta.json").is_file() {
                return Index::open(&dir).map(Some);
            }
        }
        Ok(None)
    }

    /// Builds a new index from local directories, zips or git repositories of advisories.
    pub fn import(&self, paths: &[PathBuf]) -> Result<Built, String> {
        let mut advisories = Vec::new();
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            let got = collect(path)?;
            let kind = got.kind;
            let origin = path.display().to_string();
            take(
                got,
                kind,
                &origin,
                None,
                &mut advisories,
                &mut sources,
                &mut problems,
            );
        }
        self.install(advisories, sources, problems)
    }

    /// Downloads the OSV archives and fetches RustSec, then rebuilds the index from them.
    /// Any failure leaves the previous index in place.
    pub fn update(&self, opts: &UpdateOptions) -> Result<Built, String> {
        let sources_dir = self.root.join("sources");
        std::fs::create_dir_all(&sources_dir)
            .map_err(|e| format!("{}: {e}", sources_dir.display()))?;
        let etags_path = sources_dir.join(ETAGS);
        let mut etags: BTreeMap<String, String> = std::fs::read(&etags_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let base = if opts.osv_url.ends_with('/') {
            opts.osv_url.clone()
        } else {
            format!("{}/", opts.osv_url)
        };
        let archives: Vec<(String, PathBuf)> = Ecosystem::ALL
            .iter()
            .map(|e| e.as_str())
            .map(|eco| {
                (
                    format!("{base}{eco}/all.zip"),
                    sources_dir.join(format!("osv-{eco}.zip")),
                )
            })
            .collect();
        let git_dest = sources_dir.join("rustsec.git");
        // Downloads and the git fetch wait on the network, not the CPU: run them side by side.
        let (downloads, git) = std::thread::scope(|s| {
            let handles: Vec<_> = archives
                .iter()
                .map(|(url, dest)| {
                    let etag = etags.get(url).cloned().filter(|_| dest.is_file());
                    s.spawn(move || fetch::download(url, dest, etag.as_deref(), &opts.fetch))
                })
                .collect();
            let git = fetch::fetch_git(&opts.rustsec_url, &git_dest, &opts.fetch);
            let downloads: Vec<_> = handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(result) => result.map_err(|e| e.to_string()),
                    Err(_) => Err("a download thread panicked".to_string()),
                })
                .collect();
            (downloads, git)
        });
        let revision = git.map_err(|e| e.to_string())?;
        for ((url, _), result) in archives.iter().zip(downloads) {
            let got = result?;
            if let Some(tag) = got.etag {
                etags.insert(url.clone(), tag);
            }
        }
        if let Ok(text) = serde_json::to_vec_pretty(&etags) {
            // Losing the ETags only costs a full download next time.
            let _ = std::fs::write(&etags_path, text);
        }
        let mut advisories = Vec::new();
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        let rustsec = collect(&git_dest)?;
        take(
            rustsec,
            "git",
            &opts.rustsec_url,
            Some(revision),
            &mut advisories,
            &mut sources,
            &mut problems,
        );
        for (url, dest) in &archives {
            take(
                collect(dest)?,
                "osv-archive",
                url,
                None,
                &mut advisories,
                &mut sources,
                &mut problems,
            );
        }
        self.install(advisories, sources, problems)
    }

    fn install(
        &self,
        advisories: Vec<Advisory>,
        sources: Vec<SourceMeta>,
        problems: Vec<(String, Problem)>,
    ) -> Result<Built, String> {
        let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        std::fs::create_dir_all(&self.root).map_err(|e| io(&self.root, e))?;
        let tmp = self.root.join(format!(".index-{}.tmp", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
        }
        std::fs::create_dir(&tmp).map_err(|e| io(&tmp, e))?;
        let meta = match index::write(&tmp, advisories, sources) {
            Ok(meta) => meta,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(io(&tmp, e));
            }
        };
        let current = self.root.join(INDEX);
        let old = self.root.join(OLD_INDEX);
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
        }
        // Two renames, since a directory cannot replace a non-empty one; `open` falls back to
        // `index.old` should the process die between them.
        if current.exists() {
            std::fs::rename(&current, &old).map_err(|e| io(&current, e))?;
        }
        std::fs::rename(&tmp, &current).map_err(|e| io(&current, e))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(Built { meta, problems })
    }
}

fn take(
    got: import::Collected,
    kind: &str,
    origin: &str,
    revision: Option<String>,
    advisories: &mut Vec<Advisory>,
    sources: &mut Vec<SourceMeta>,
    problems: &mut Vec<(String, Problem)>,
) {
    sources.push(SourceMeta {
        kind: kind.to_string(),
        origin: origin.to_string(),
        records: got.advisories.len(),
        withdrawn: got.withdrawn,
        problems: got.problems.len(),
        revision,
    });
    problems.extend(got.problems.into_iter().map(|p| (origin.to_string(), p)));
    advisories.extend(got.advisories);
}

/// How old an index is, in whole days.
pub fn age_days(meta: &Meta) -> u64 {
    index::now().saturating_sub(meta.built_at) / 86_400
}

/// Whether an index is older than [`STALE_AFTER`].
pub fn is_stale(meta: &Meta) -> bool {
    index::now().saturating_sub(meta.built_at) > STALE_AFTER.as_secs()
}

/// Short network timeouts for the one update a scan tries when there is no index.
pub fn scan_fetch_options() -> FetchOptions {
    FetchOptions {
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(120),
    }
}
