//! The local advisory database: where it lives, how `db import` and `db update` (re)build its
//! [`index`], and how a scan opens it.
//!
//! Layout under the database directory:
//! - `index/`: the current index (see [`index`]);
//! - `sources/`: what `db update` downloaded (`osv-<ecosystem>.zip`, `rustsec.git`) and the
//!   ETags it got, so the next update can skip unchanged archives.
//!
//! - `lock`: present while an update or import runs (see [`lock`]).
//!
//! A new index is written to a temporary sibling directory and renamed into place, so a failed
//! or interrupted build leaves the previous index as it was. Before the rename the new index is
//! compared with the current one, and one that is empty or lost over half of an ecosystem's
//! records is refused unless forced (see [`health`]). Every failure is an [`IndexError`].

pub mod error;
pub mod fetch;
pub mod health;
pub mod import;
pub mod index;
pub mod lock;

pub use self::error::IndexError;
use self::fetch::FetchOptions;
use self::import::{collect, Collected, Problem};
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
/// How long an update or import waits for another one to finish, by default.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(600);
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

/// How a rebuild treats the index it replaces and other rebuilds.
#[derive(Debug, Clone, Copy)]
pub struct InstallOptions {
    /// Replace the index even with an empty one or one with under half of an ecosystem's
    /// records.
    pub force: bool,
    /// How long to wait for another update or import of the same database.
    pub lock_timeout: Duration,
    /// Told (by the command line, which owns the terminal) when the wait for the lock starts.
    pub on_wait: Option<fn(&str)>,
}

impl Default for InstallOptions {
    fn default() -> Self {
        InstallOptions {
            force: false,
            lock_timeout: LOCK_TIMEOUT,
            on_wait: None,
        }
    }
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
    /// Replacement and locking.
    pub install: InstallOptions,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            osv_url: DEFAULT_OSV_URL.to_string(),
            rustsec_url: DEFAULT_RUSTSEC_URL.to_string(),
            fetch: FetchOptions::default(),
            install: InstallOptions::default(),
        }
    }
}

/// One OSV archive `db update` downloads.
struct Archive {
    eco: &'static str,
    url: String,
    dest: PathBuf,
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

    /// Opens the current index; [`IndexError::Absent`] when none was ever built.
    pub fn open(&self) -> Result<Index, IndexError> {
        for name in [INDEX, OLD_INDEX] {
            let dir = self.root.join(name);
            if dir.join("meta.json").is_file() {
                return Index::open(&dir);
            }
        }
        Err(IndexError::Absent {
            dir: self.root.clone(),
        })
    }

    /// Builds a new index from local directories, zips or git repositories of advisories.
    pub fn import(&self, paths: &[PathBuf], opts: &InstallOptions) -> Result<Built, IndexError> {
        let _lock = self.lock(opts)?;
        let mut gathered = Gathered::default();
        for path in paths {
            let got = collect(path)?;
            let source = source_meta(got.kind, &path.display().to_string(), None);
            gathered.take(got, source);
        }
        self.install(gathered, opts)
    }

    /// Downloads the OSV archives and fetches RustSec, then rebuilds the index from them.
    /// Any failure leaves the previous index in place; a failed download or fetch is an
    /// [`IndexError::Fetch`].
    pub fn update(&self, opts: &UpdateOptions) -> Result<Built, IndexError> {
        let _lock = self.lock(&opts.install)?;
        let sources_dir = self.root.join("sources");
        std::fs::create_dir_all(&sources_dir).map_err(|e| IndexError::io(&sources_dir, e))?;
        let base = if opts.osv_url.ends_with('/') {
            opts.osv_url.clone()
        } else {
            format!("{}/", opts.osv_url)
        };
        let archives: Vec<Archive> = Ecosystem::ALL
            .iter()
            .map(|e| Archive {
                eco: e.as_str(),
                url: format!("{base}{}/all.zip", e.as_str()),
                dest: sources_dir.join(format!("osv-{}.zip", e.as_str())),
            })
            .collect();
        let git_dest = sources_dir.join("rustsec.git");
        let revision = fetch_all(opts, &archives, &git_dest, &sources_dir.join(ETAGS))?;
        let mut gathered = Gathered::default();
        let rustsec = source_meta("git", &opts.rustsec_url, Some(Ecosystem::CratesIo.as_str()));
        gathered.take(
            collect(&git_dest)?,
            SourceMeta {
                revision: Some(revision),
                ..rustsec
            },
        );
        for archive in &archives {
            let source = source_meta("osv-archive", &archive.url, Some(archive.eco));
            gathered.take(collect(&archive.dest)?, source);
        }
        self.install(gathered, &opts.install)
    }

    fn lock(&self, opts: &InstallOptions) -> Result<lock::DbLock, IndexError> {
        std::fs::create_dir_all(&self.root).map_err(|e| IndexError::io(&self.root, e))?;
        lock::acquire(&self.root, opts.lock_timeout, opts.on_wait)
    }

    fn install(&self, gathered: Gathered, opts: &InstallOptions) -> Result<Built, IndexError> {
        let tmp = self.root.join(format!(".index-{}.tmp", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| IndexError::io(&tmp, e))?;
        }
        std::fs::create_dir(&tmp).map_err(|e| IndexError::io(&tmp, e))?;
        let built = index::write(&tmp, gathered.advisories, gathered.sources);
        // A current index that cannot be opened has nothing left to protect.
        let refused = match &built {
            Ok(meta) if !opts.force => {
                let current = self.open().ok();
                health::refusal(current.as_ref().map(|i| &i.meta), meta)
            }
            _ => None,
        };
        let meta = match (built, refused) {
            (Ok(meta), None) => meta,
            (Ok(_), Some(reason)) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(IndexError::Refused { reason });
            }
            (Err(e), _) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(IndexError::io(&tmp, e));
            }
        };
        let current = self.root.join(INDEX);
        let old = self.root.join(OLD_INDEX);
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| IndexError::io(&old, e))?;
        }
        // Two renames, since a directory cannot replace a non-empty one; `open` falls back to
        // `index.old` should the process die between them.
        if current.exists() {
            std::fs::rename(&current, &old).map_err(|e| IndexError::io(&current, e))?;
        }
        std::fs::rename(&tmp, &current).map_err(|e| IndexError::io(&current, e))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(Built {
            meta,
            problems: gathered.problems,
        })
    }
}

/// Downloads the archives (skipping unchanged ones by ETag) and fetches RustSec; returns the
/// RustSec revision.
fn fetch_all(
    opts: &UpdateOptions,
    archives: &[Archive],
    git_dest: &Path,
    etags_path: &Path,
) -> Result<String, IndexError> {
    let mut etags: BTreeMap<String, String> = std::fs::read(etags_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    // Downloads and the git fetch wait on the network, not the CPU: run them side by side.
    let (downloads, git) = std::thread::scope(|s| {
        let handles: Vec<_> = archives
            .iter()
            .map(|a| {
                let etag = etags.get(&a.url).cloned().filter(|_| a.dest.is_file());
                s.spawn(move || fetch::download(&a.url, &a.dest, etag.as_deref(), &opts.fetch))
            })
            .collect();
        let git = fetch::fetch_git(&opts.rustsec_url, git_dest, &opts.fetch);
        let downloads: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
        (downloads, git)
    });
    let revision = git?;
    for (archive, result) in archives.iter().zip(downloads) {
        let got = result.map_err(|_| {
            IndexError::source_error(&archive.dest, "the download thread panicked")
        })??;
        if let Some(tag) = got.etag {
            etags.insert(archive.url.clone(), tag);
        }
    }
    if let Ok(text) = serde_json::to_vec_pretty(&etags) {
        // Losing the ETags only costs a full download next time.
        let _ = std::fs::write(etags_path, text);
    }
    Ok(revision)
}

/// What the sources of one rebuild yielded, in order.
#[derive(Default)]
struct Gathered {
    advisories: Vec<Advisory>,
    sources: Vec<SourceMeta>,
    problems: Vec<(String, Problem)>,
}

impl Gathered {
    /// Adds what one source yielded; `source` gets its counts from `got`.
    fn take(&mut self, got: Collected, source: SourceMeta) {
        let origin = source.origin.clone();
        self.sources.push(SourceMeta {
            records: got.advisories.len(),
            withdrawn: got.withdrawn,
            problems: got.problems.len(),
            ..source
        });
        let problems = got.problems.into_iter().map(|p| (origin.clone(), p));
        self.problems.extend(problems);
        self.advisories.extend(got.advisories);
    }
}

/// A source's metadata before its records are counted.
pub(crate) fn source_meta(kind: &str, origin: &str, covers: Option<&str>) -> SourceMeta {
    SourceMeta {
        kind: kind.to_string(),
        origin: origin.to_string(),
        records: 0,
        withdrawn: 0,
        problems: 0,
        revision: None,
        covers: covers.map(str::to_string),
    }
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
        ..FetchOptions::default()
    }
}
