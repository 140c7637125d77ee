//! Reading history blobs: ordering them as they lie in the pack files (so that delta bases are
//! still cached when their deltas are read) and reading each once, in parallel, skipping binary
//! and oversized blobs. Which blobs exist is `introduce`'s business.

use super::{pool, BlobStats, History, HistoryBlob, HistoryOptions};
use crate::diag::Diagnostic;
use crate::source::looks_binary;
use gix::objs::{Find, FindHeader};
use gix::ObjectId;

/// Blobs per unit of work: neighbours in a pack share delta bases, so a thread keeps a run (a
/// chunk's first delta may have to resolve its chain from scratch).
const BLOBS_PER_CHUNK: usize = 256;

/// Per-thread cache of decoded delta bases (gix's default shape, a third of its default size):
/// bounds memory with many threads, and pack order needs only the latest few bases.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// Sorts `blobs` by (pack, offset in pack); blobs in no local pack (loose, or in an alternate)
/// come last, by id. A pack index that cannot be read only costs speed.
pub(super) fn pack_order(repo: &gix::Repository, mut blobs: Vec<HistoryBlob>) -> Vec<HistoryBlob> {
    let indices = pack_indices(repo);
    let key = |id: &ObjectId| -> (usize, u64) {
        for (n, index) in indices.iter().enumerate() {
            if let Some(entry) = index.lookup(id) {
                return (n, index.pack_offset_at_index(entry));
            }
        }
        (usize::MAX, 0)
    };
    let mut keyed: Vec<((usize, u64), HistoryBlob)> =
        blobs.drain(..).map(|blob| (key(&blob.id), blob)).collect();
    keyed.sort_unstable_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.id.cmp(&y.id)));
    keyed.into_iter().map(|(_, blob)| blob).collect()
}

/// The repository's own pack indices, by file name for a stable order.
fn pack_indices(repo: &gix::Repository) -> Vec<gix::odb::pack::index::File> {
    let dir = repo.objects.store_ref().path().join("pack");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| gix::odb::pack::index::File::at(path, repo.object_hash()).ok())
        .collect()
}

/// See [`super::for_each_blob`].
pub(super) fn for_each_blob<V: Fn(&HistoryBlob, &[u8]) + Sync>(
    history: &History,
    opts: &HistoryOptions,
    visit: V,
) -> (BlobStats, Vec<Diagnostic>) {
    let repo = match gix::open(&history.git_dir) {
        Ok(repo) => repo.into_sync(),
        Err(err) => {
            let path = history.git_dir.display().to_string();
            return (
                BlobStats::default(),
                vec![Diagnostic::error(
                    path,
                    format!("cannot open repository: {err}"),
                )],
            );
        }
    };
    let limit = if opts.max_blob_size == 0 {
        u64::MAX
    } else {
        opts.max_blob_size
    };
    let states = pool::run(
        &repo,
        opts.threads,
        history.blobs.len(),
        BLOBS_PER_CHUNK,
        |mut repo| Reader {
            repo: {
                repo.objects.set_pack_cache(|| {
                    Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
                        PACK_CACHE_BYTES,
                    ))
                });
                repo
            },
            buf: Vec::new(),
            stats: BlobStats::default(),
            notes: Vec::new(),
        },
        |reader, range| {
            for blob in &history.blobs[range] {
                reader.read(blob, limit, &visit);
            }
        },
    );
    let mut stats = BlobStats::default();
    let mut notes = Vec::new();
    for state in states {
        stats.scanned += state.stats.scanned;
        stats.bytes += state.stats.bytes;
        stats.skipped_binary += state.stats.skipped_binary;
        stats.skipped_too_large += state.stats.skipped_too_large;
        notes.extend(state.notes);
    }
    notes.sort();
    (stats, notes)
}

/// One thread's repository, its single content buffer and its counters.
struct Reader {
    repo: gix::Repository,
    buf: Vec<u8>,
    stats: BlobStats,
    notes: Vec<Diagnostic>,
}

impl Reader {
    /// Reads `blob` and visits it unless it is too large (decided from its header, before
    /// inflating it), binary, missing or corrupt.
    fn read<V: Fn(&HistoryBlob, &[u8])>(&mut self, blob: &HistoryBlob, limit: u64, visit: &V) {
        let id = blob.id;
        let size = match self.repo.objects.try_header(&id) {
            Ok(Some(header)) => header.size,
            Ok(None) => return self.note(blob, format!("missing blob {id}")),
            Err(err) => return self.note(blob, format!("cannot read blob {id}: {err}")),
        };
        if size > limit {
            self.stats.skipped_too_large += 1;
            let message =
                format!("blob {id} is {size} bytes, larger than --max-file-size: not scanned");
            return self.note(blob, message);
        }
        let data = match self.repo.objects.try_find(&id, &mut self.buf) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => data.data,
            Ok(Some(data)) => {
                let message = format!("object {id} is a {}, expected a blob", data.kind);
                return self.note(blob, message);
            }
            Ok(None) => return self.note(blob, format!("missing blob {id}")),
            Err(err) => return self.note(blob, format!("cannot read blob {id}: {err}")),
        };
        if looks_binary(data) {
            self.stats.skipped_binary += 1;
            return;
        }
        visit(blob, data);
        self.stats.scanned += 1;
        self.stats.bytes += data.len() as u64;
    }

    /// An error on the blob's first path, naming the object id: content the scan was asked to
    /// cover and could not read leaves the result incomplete.
    fn note(&mut self, blob: &HistoryBlob, message: String) {
        self.notes.push(match blob.occurrences.first() {
            Some(first) => Diagnostic::error(first.path.as_ref(), message),
            None => Diagnostic::general_error(message),
        });
    }
}
