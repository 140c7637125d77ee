//! The compact local index: what `db update` and `db import` build and `scan` reads.
//!
//! An index is a directory of three files:
//! - `meta.json`: format version, build time, the sources and their record counts;
//! - `records.jsonl`: one normalised advisory per line, compact JSON;
//! - `names.idx`: one sorted line per affected package, `ecosystem \t name \t offset:len,...`,
//!   pointing into `records.jsonl`.
//!
//! Auditing reads `names.idx` whole (a few MB for the full OSV data), binary-searches it per
//! package and parses only the records that name a package of the project, so a scan never
//! parses the whole database.

use super::IndexError;
use crate::deps::advisory::Advisory;
use crate::deps::package::Ecosystem;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The on-disk format version; an index of another version is rebuilt, not read.
pub const FORMAT: u32 = 1;
const META: &str = "meta.json";
const RECORDS: &str = "records.jsonl";
const NAMES: &str = "names.idx";

/// One source an index was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceMeta {
    /// What it is: `osv-archive`, `git`, `directory`, `zip`.
    pub kind: String,
    /// Where it came from: a URL or a local path.
    pub origin: String,
    /// Advisories taken from it (after dropping withdrawn and unrelated records).
    pub records: usize,
    /// Withdrawn records skipped.
    #[serde(default)]
    pub withdrawn: usize,
    /// Files that could not be parsed.
    #[serde(default)]
    pub problems: usize,
    /// The commit id, for git sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The ecosystem this source is meant to cover (`db update`'s OSV archives and RustSec), so
    /// that `db status` can tell a partial index; `None` for imports, which may hold anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<String>,
}

/// `meta.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT`].
    pub format: u32,
    /// Seconds since the Unix epoch when the index was built.
    pub built_at: u64,
    /// What went in.
    pub sources: Vec<SourceMeta>,
    /// Distinct advisories in the index.
    pub records: usize,
    /// Records per ecosystem (an advisory affecting two ecosystems counts in both).
    pub per_ecosystem: BTreeMap<String, usize>,
}

/// Writes an index of `advisories` into `dir` (which must exist and be empty). Records with
/// the same id are kept once: the one modified last, else the first given.
pub fn write(
    dir: &Path,
    advisories: Vec<Advisory>,
    sources: Vec<SourceMeta>,
) -> std::io::Result<Meta> {
    let advisories = dedupe(advisories);
    let mut names: BTreeMap<(String, String), Vec<(u64, u64)>> = BTreeMap::new();
    let mut per_ecosystem: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BufWriter::new(File::create(dir.join(RECORDS))?);
    let mut offset = 0u64;
    for adv in &advisories {
        let line = serde_json::to_vec(adv).map_err(std::io::Error::other)?;
        let len = line.len() as u64;
        out.write_all(&line)?;
        out.write_all(b"\n")?;
        let mut ecosystems: Vec<Ecosystem> = Vec::new();
        for aff in &adv.affected {
            let key = (aff.ecosystem.as_str().to_string(), aff.name.clone());
            let refs = names.entry(key).or_default();
            if refs.last() != Some(&(offset, len)) {
                refs.push((offset, len));
            }
            if !ecosystems.contains(&aff.ecosystem) {
                ecosystems.push(aff.ecosystem);
            }
        }
        for eco in ecosystems {
            *per_ecosystem.entry(eco.as_str().to_string()).or_default() += 1;
        }
        offset += len + 1;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    write_names(&dir.join(NAMES), &names)?;
    let meta = Meta {
        format: FORMAT,
        built_at: now(),
        sources,
        records: advisories.len(),
        per_ecosystem,
    };
    let text = serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?;
    let mut f = File::create(dir.join(META))?;
    f.write_all(&text)?;
    f.sync_all()?;
    Ok(meta)
}

fn write_names(
    path: &Path,
    names: &BTreeMap<(String, String), Vec<(u64, u64)>>,
) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for ((eco, name), refs) in names {
        // Tabs and newlines cannot occur in package names; a record that has them is not a
        // package any lockfile could name, so it is left out rather than corrupting the table.
        if name.contains(['\t', '\n']) {
            continue;
        }
        write!(out, "{eco}\t{name}\t")?;
        for (i, (off, len)) in refs.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write!(out, "{off}:{len}")?;
        }
        out.write_all(b"\n")?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn dedupe(advisories: Vec<Advisory>) -> Vec<Advisory> {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<Advisory> = Vec::with_capacity(advisories.len());
    for adv in advisories {
        match by_id.get(&adv.id) {
            Some(&i) => {
                if adv.modified > kept[i].modified {
                    kept[i] = adv;
                }
            }
            None => {
                by_id.insert(adv.id.clone(), kept.len());
                kept.push(adv);
            }
        }
    }
    kept.sort_by(|a, b| a.id.cmp(&b.id));
    kept
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An index opened for lookups.
#[derive(Debug)]
pub struct Index {
    /// The index directory.
    pub dir: PathBuf,
    /// Its `meta.json`.
    pub meta: Meta,
    names: Vec<u8>,
    lines: Vec<(usize, usize)>,
    records: Mutex<File>,
    cache: Mutex<HashMap<u64, Arc<Advisory>>>,
}

impl Index {
    /// Opens the index in `dir`; the error says which file is missing or broken.
    pub fn open(dir: &Path) -> Result<Index, IndexError> {
        let meta_path = dir.join(META);
        let text = std::fs::read(&meta_path).map_err(|e| read_error(&meta_path, e))?;
        let meta: Meta = serde_json::from_slice(&text).map_err(|e| IndexError::Corrupt {
            path: meta_path.clone(),
            reason: e.to_string(),
        })?;
        if meta.format != FORMAT {
            return Err(IndexError::Corrupt {
                path: meta_path,
                reason: format!(
                    "index format {} (this preflight reads {FORMAT})",
                    meta.format
                ),
            });
        }
        let names_path = dir.join(NAMES);
        let names = std::fs::read(&names_path).map_err(|e| read_error(&names_path, e))?;
        let records_path = dir.join(RECORDS);
        let records = File::open(&records_path).map_err(|e| read_error(&records_path, e))?;
        let mut lines = Vec::new();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &names) {
            lines.push((start, end));
            start = end + 1;
        }
        Ok(Index {
            dir: dir.to_path_buf(),
            meta,
            names,
            lines,
            records: Mutex::new(records),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The advisories that name `name` in `eco`.
    pub fn lookup(&self, eco: Ecosystem, name: &str) -> Result<Vec<Arc<Advisory>>, IndexError> {
        let Some(refs) = self.find(eco.as_str(), name) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for part in refs.split(|&b| b == b',') {
            let (off, len) =
                parse_ref(part).ok_or_else(|| self.corrupt(NAMES, "bad record reference"))?;
            out.push(self.record(off, len)?);
        }
        Ok(out)
    }

    fn find(&self, eco: &str, name: &str) -> Option<&[u8]> {
        let split = |&(s, e): &(usize, usize)| {
            let mut parts = self.names[s..e].splitn(3, |&b| b == b'\t');
            let eco = parts.next().unwrap_or_default();
            let name = parts.next().unwrap_or_default();
            ((eco, name), parts.next().unwrap_or_default())
        };
        let target = (eco.as_bytes(), name.as_bytes());
        let i = self
            .lines
            .binary_search_by(|line| split(line).0.cmp(&target))
            .ok()?;
        Some(split(&self.lines[i]).1)
    }

    fn record(&self, off: u64, len: u64) -> Result<Arc<Advisory>, IndexError> {
        if let Some(hit) = lock(&self.cache).get(&off) {
            return Ok(hit.clone());
        }
        let mut buf = vec![0u8; len as usize];
        read_at(&self.records, &mut buf, off).map_err(|e| match e.kind() {
            // A reference past the end: the two files do not belong together.
            std::io::ErrorKind::UnexpectedEof => self.corrupt(RECORDS, "record out of range"),
            _ => IndexError::io(self.dir.join(RECORDS), e),
        })?;
        let adv: Advisory = serde_json::from_slice(&buf)
            .map_err(|e| self.corrupt(RECORDS, &format!("bad record: {e}")))?;
        let adv = Arc::new(adv);
        lock(&self.cache).insert(off, adv.clone());
        Ok(adv)
    }

    fn corrupt(&self, file: &str, reason: &str) -> IndexError {
        IndexError::Corrupt {
            path: self.dir.join(file),
            reason: format!("index is corrupt: {reason}"),
        }
    }
}

/// A file of the index that cannot be read: missing means the index is incomplete (corrupt);
/// anything else (permissions, I/O) is an I/O error.
fn read_error(path: &Path, e: std::io::Error) -> IndexError {
    if e.kind() == std::io::ErrorKind::NotFound {
        IndexError::Corrupt {
            path: path.to_path_buf(),
            reason: "missing".to_string(),
        }
    } else {
        IndexError::io(path, e)
    }
}

/// The cache and the file handle stay usable after a panic elsewhere: what they hold is
/// complete at every point a panic could happen.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One positioned read (a single `pread` on Unix, where lookups make hundreds of them).
#[cfg(unix)]
fn read_at(file: &Mutex<File>, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    lock(file).read_exact_at(buf, off)
}

#[cfg(not(unix))]
fn read_at(file: &Mutex<File>, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = lock(file);
    f.seek(SeekFrom::Start(off))?;
    f.read_exact(buf)
}

fn parse_ref(part: &[u8]) -> Option<(u64, u64)> {
    let text = std::str::from_utf8(part).ok()?;
    let (off, len) = text.split_once(':')?;
    let len: u64 = len.parse().ok()?;
    // A record is a line of JSON; anything larger than this is a corrupt table, not a record.
    (len < 64 << 20).then_some(())?;
    Some((off.parse().ok()?, len))
}
