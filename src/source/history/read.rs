//! Reading history blobs: ordering them as they lie in the pack files (so that delta bases are
//! still cached when their deltas are read) and reading each once, in parallel, skipping binary
//! and oversized blobs. Which blobs exist is `introduce`'s business.
//!
//! A blob stored as a delta of another history blob is handed to the visitor with the ranges
//! its base did not supply, so the visitor may scan only those. When the visitor finds
//! something in a blob, or could not see a blob whole (binary, too large, unreadable), the
//! blobs made from it are read again and visited whole, wave after wave down the delta chains:
//! whatever a delta copied from its base is then judged where it stands.

use super::pack::{PackAt, PackReader, Packs, Refused};
use super::{pool, BlobContent, BlobStats, History, HistoryBlob, HistoryOptions};
use crate::diag::Diagnostic;
use crate::source::looks_binary;
use gix::objs::{Find, FindHeader};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

/// Blobs per unit of work: neighbours in a pack share delta bases, so a thread keeps a run (a
/// chunk's first delta may have to resolve its chain from scratch).
const BLOBS_PER_CHUNK: usize = 256;

/// Sorts `blobs` by (pack, offset in pack); blobs in no local pack (loose, or in an alternate)
/// come last, by id. A pack index that cannot be read only costs speed.
pub(super) fn pack_order(repo: &gix::Repository, mut blobs: Vec<HistoryBlob>) -> Vec<HistoryBlob> {
    let packs = Packs::open(repo.objects.store_ref().path(), repo.object_hash());
    let key = |id: &gix::ObjectId| {
        packs
            .locate(id)
            .map_or((u32::MAX, 0), |a| (a.pack, a.offset))
    };
    let mut keyed: Vec<((u32, u64), HistoryBlob)> =
        blobs.drain(..).map(|blob| (key(&blob.id), blob)).collect();
    keyed.sort_unstable_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.id.cmp(&y.id)));
    keyed.into_iter().map(|(_, blob)| blob).collect()
}

/// See [`super::for_each_blob`].
pub(super) fn for_each_blob<V>(
    history: &History,
    opts: &HistoryOptions,
    visit: V,
) -> (BlobStats, Vec<Diagnostic>)
where
    V: Fn(&HistoryBlob, BlobContent<'_>) -> bool + Sync,
{
    let repo = match gix::open(&history.git_dir) {
        Ok(repo) => repo.into_sync(),
        Err(err) => {
            let path = history.git_dir.display().to_string();
            let message = format!("cannot open repository: {err}");
            return (BlobStats::default(), vec![Diagnostic::error(path, message)]);
        }
    };
    let packs = {
        let local = repo.to_thread_local();
        Arc::new(Packs::open(
            local.objects.store_ref().path(),
            local.object_hash(),
        ))
    };
    let located: Vec<Option<PackAt>> = history.blobs.iter().map(|b| packs.locate(&b.id)).collect();
    let by_place: HashMap<PackAt, u32> = located
        .iter()
        .enumerate()
        .filter_map(|(n, at)| at.map(|at| (at, n as u32)))
        .collect();
    let limit = match opts.max_blob_size {
        0 => u64::MAX,
        n => n,
    };
    let flagged: Vec<AtomicBool> = (0..history.blobs.len())
        .map(|_| AtomicBool::new(false))
        .collect();
    let ctx = Ctx {
        history,
        located: &located,
        by_place: &by_place,
        limit,
        flagged: &flagged,
        visit: &visit,
    };
    let order: Vec<u32> = (0..history.blobs.len() as u32).collect();
    let mut states = ctx.pass(&repo, &packs, opts.threads, &order, true);
    let mut partial: Vec<(u32, u32)> = states
        .iter_mut()
        .flat_map(|s| s.partial.drain(..))
        .collect();
    partial.sort_unstable();
    // Down the delta chains: a blob whose base was flagged is read again, whole.
    loop {
        let is_flagged = |base: u32| flagged[base as usize].load(Relaxed);
        let again: Vec<u32> = partial
            .iter()
            .filter(|(_, base)| is_flagged(*base))
            .map(|(blob, _)| *blob)
            .collect();
        if again.is_empty() {
            break;
        }
        partial.retain(|(_, base)| !is_flagged(*base));
        let mut more = ctx.pass(&repo, &packs, opts.threads, &again, false);
        states.append(&mut more);
    }
    let mut stats = BlobStats::default();
    let mut notes = Vec::new();
    for state in states {
        stats.scanned += state.stats.scanned;
        stats.bytes += state.stats.bytes;
        stats.fresh_bytes += state.stats.fresh_bytes;
        stats.skipped_binary += state.stats.skipped_binary;
        stats.skipped_too_large += state.stats.skipped_too_large;
        notes.extend(state.notes);
    }
    notes.sort();
    notes.dedup();
    (stats, notes)
}

/// What every reading thread shares.
struct Ctx<'a, V> {
    history: &'a History,
    located: &'a [Option<PackAt>],
    by_place: &'a HashMap<PackAt, u32>,
    limit: u64,
    flagged: &'a [AtomicBool],
    visit: &'a V,
}

impl<V> Ctx<'_, V>
where
    V: Fn(&HistoryBlob, BlobContent<'_>) -> bool + Sync,
{
    /// Reads the blobs `order` names on `threads` threads; `first` is pass one (deltas visited
    /// by their fresh ranges, counted in the stats), later passes visit whole and count nothing
    /// again.
    fn pass(
        &self,
        repo: &gix::ThreadSafeRepository,
        packs: &Arc<Packs>,
        threads: usize,
        order: &[u32],
        first: bool,
    ) -> Vec<Reader> {
        pool::run(
            repo,
            threads,
            order.len(),
            BLOBS_PER_CHUNK,
            |repo| Reader {
                repo,
                pack: PackReader::new(Arc::clone(packs)),
                buf: Vec::new(),
                stats: BlobStats::default(),
                notes: Vec::new(),
                partial: Vec::new(),
            },
            |reader, range| {
                for &n in &order[range] {
                    reader.read(self, n, first);
                }
                reader.pack.unmap();
            },
        )
    }
}

/// One thread's repository, pack maps, content buffer and counters.
struct Reader {
    repo: gix::Repository,
    pack: PackReader,
    buf: Vec<u8>,
    stats: BlobStats,
    notes: Vec<Diagnostic>,
    partial: Vec<(u32, u32)>,
}

impl Reader {
    /// Reads blob `n` and visits it unless it is too large (decided from its headers, before
    /// inflating it), binary, missing or corrupt; such a blob is flagged.
    fn read<V>(&mut self, ctx: &Ctx<'_, V>, n: u32, first: bool)
    where
        V: Fn(&HistoryBlob, BlobContent<'_>) -> bool,
    {
        let blob = &ctx.history.blobs[n as usize];
        let decoded = match ctx.located[n as usize] {
            Some(at) => self.pack.read(at, ctx.limit, &mut self.buf),
            None => self.read_loose(blob, ctx.limit),
        };
        let flag = || ctx.flagged[n as usize].store(true, Relaxed);
        let base = match decoded {
            Ok(decoded) => decoded.delta,
            Err(refused) => {
                flag();
                return self.refused(blob, refused, first);
            }
        };
        let data = &self.buf[..];
        if looks_binary(data) {
            flag();
            self.stats.skipped_binary += u64::from(first);
            return;
        }
        let base = base.and_then(|(at, fresh)| Some((*ctx.by_place.get(&at)?, fresh)));
        let (fresh, base_blob) = match &base {
            Some((b, fresh)) if first && *b != n => {
                (Some(&fresh[..]), ctx.history.blobs.get(*b as usize))
            }
            _ => (None, None),
        };
        let len = data.len() as u64;
        let content = BlobContent {
            data,
            fresh,
            base: base_blob,
        };
        if (ctx.visit)(blob, content) {
            flag();
        }
        if first {
            self.stats.scanned += 1;
            self.stats.bytes += len;
            match (&base, fresh) {
                (Some((b, ranges)), Some(_)) => {
                    self.partial.push((n, *b));
                    let fresh: usize = ranges.iter().map(|r| r.len()).sum();
                    self.stats.fresh_bytes += fresh as u64;
                }
                _ => self.stats.fresh_bytes += len,
            }
        }
    }

    /// A blob in no local pack, read through the object database into the buffer.
    fn read_loose(
        &mut self,
        blob: &HistoryBlob,
        limit: u64,
    ) -> Result<super::pack::Decoded, Refused> {
        let id = blob.id;
        let broken = |e: &dyn std::fmt::Display| Refused::Broken(e.to_string());
        match self.repo.objects.try_header(&id) {
            Ok(Some(header)) if header.size > limit => return Err(Refused::TooLarge(header.size)),
            Ok(Some(_)) => {}
            Ok(None) => return Err(Refused::Broken("missing".into())),
            Err(err) => return Err(broken(&err)),
        }
        match self.repo.objects.try_find(&id, &mut self.buf) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => {
                Ok(super::pack::Decoded { delta: None })
            }
            Ok(Some(data)) => Err(Refused::Kind(data.kind)),
            Ok(None) => Err(Refused::Broken("missing".into())),
            Err(err) => Err(broken(&err)),
        }
    }

    /// Counts and reports a blob that could not be visited (once, in pass one).
    fn refused(&mut self, blob: &HistoryBlob, refused: Refused, first: bool) {
        if !first {
            return;
        }
        let id = blob.id;
        let message = match refused {
            Refused::TooLarge(size) => {
                self.stats.skipped_too_large += 1;
                format!("blob {id} is {size} bytes, larger than --max-file-size: not scanned")
            }
            Refused::Kind(kind) => format!("object {id} is a {kind}, expected a blob"),
            Refused::Broken(why) if why == "missing" => format!("missing blob {id}"),
            Refused::Broken(why) => format!("cannot read blob {id}: {why}"),
        };
        // An error on the blob's first path, naming the object id: content the scan was asked
        // to cover and could not read leaves the result incomplete.
        self.notes.push(match blob.occurrences.first() {
            Some(first) => Diagnostic::error(first.path.as_ref(), message),
            None => Diagnostic::general_error(message),
        });
    }
}
