//! Reading blobs straight from the pack files: decoding each entry (resolving its delta chain
//! through a per-thread cache of bases) and, for a delta, which base it was made from and which
//! of its bytes that base did not supply.
//!
//! Each thread maps the packs itself and drops the maps after every chunk of work, so the pages
//! of a large pack count towards resident memory only while they are in use (a bare mirror of
//! git's own repository is one 500 MB pack).

use super::delta::fresh_ranges;
use gix::odb::pack::cache::lru::StaticLinkedList;
use gix::odb::pack::data::decode::{entry::ResolvedBase, header};
use gix::odb::pack::data::{self, entry::Header};
use gix::odb::pack::index;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// Per-thread cache of decoded delta bases: pack order needs only the latest few bases, and a
/// bound keeps memory flat with many threads.
const PACK_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// A blob's place in the repository's packs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PackAt {
    /// Index into [`Packs`].
    pub pack: u32,
    /// Offset of the entry in the pack data file.
    pub offset: u64,
}

/// The repository's own packs, indices loaded and data files by path (mapped per thread).
pub(crate) struct Packs {
    pub indices: Vec<index::File>,
    data: Vec<PathBuf>,
    hash: gix::hash::Kind,
}

impl Packs {
    /// The packs in `git_dir`'s object directory, by file name for a stable order. A pack whose
    /// index cannot be read is left out: its blobs are read through the object database.
    pub fn open(objects_dir: &std::path::Path, hash: gix::hash::Kind) -> Packs {
        let dir = objects_dir.join("pack");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|ext| ext == "idx"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let mut indices = Vec::new();
        let mut data = Vec::new();
        for path in paths {
            if let Ok(index) = index::File::at(&path, hash) {
                indices.push(index);
                data.push(path.with_extension("pack"));
            }
        }
        Packs {
            indices,
            data,
            hash,
        }
    }

    /// Where `id` lies, if in one of these packs.
    pub fn locate(&self, id: &gix::oid) -> Option<PackAt> {
        self.indices.iter().enumerate().find_map(|(n, index)| {
            let entry = index.lookup(id)?;
            Some(PackAt {
                pack: n as u32,
                offset: index.pack_offset_at_index(entry),
            })
        })
    }
}

/// A decoded blob: its content is in the reader's buffer.
pub(crate) struct Decoded {
    /// For a delta: the base's place and the fresh ranges of the content.
    pub delta: Option<(PackAt, Vec<Range<usize>>)>,
}

/// Why a packed blob was not decoded.
pub(crate) enum Refused {
    /// Larger than the limit (from the headers, before inflating).
    TooLarge(u64),
    /// Not a blob.
    Kind(gix::objs::Kind),
    /// Unreadable; the message says why.
    Broken(String),
}

/// One thread's view of the packs.
pub(crate) struct PackReader {
    packs: Arc<Packs>,
    mapped: Vec<Option<data::File>>,
    inflate: gix::zlib::Inflate,
    cache: StaticLinkedList<64>,
    delta: Vec<u8>,
}

impl PackReader {
    /// A reader over `packs`, nothing mapped yet.
    pub fn new(packs: Arc<Packs>) -> Self {
        PackReader {
            mapped: (0..packs.data.len()).map(|_| None).collect(),
            packs,
            inflate: gix::zlib::Inflate::default(),
            cache: StaticLinkedList::new(PACK_CACHE_BYTES),
            delta: Vec::new(),
        }
    }

    /// Unmaps every pack (the next read maps again): called between chunks of work.
    pub fn unmap(&mut self) {
        self.mapped.iter_mut().for_each(|m| *m = None);
    }

    /// Where `id` lies in these packs.
    pub fn locate(&self, id: &gix::oid) -> Option<PackAt> {
        self.packs.locate(id)
    }

    /// Maps pack `n` unless it is mapped.
    fn map(&mut self, n: usize) -> Result<(), Refused> {
        if self.mapped.get(n).is_some_and(Option::is_none) {
            let file = data::File::at(&self.packs.data[n], self.packs.hash)
                .map_err(|e| Refused::Broken(format!("cannot open pack: {e}")))?;
            self.mapped[n] = Some(file);
        }
        Ok(())
    }

    /// Decodes the object at `at` into `out`, whatever its kind (trees for the diffs), and
    /// returns its kind.
    pub fn read_any(&mut self, at: PackAt, out: &mut Vec<u8>) -> Result<gix::objs::Kind, Refused> {
        self.map(at.pack as usize)?;
        let (file, index, entry) = entry_at(&self.mapped, &self.packs, at)?;
        let resolve = |id: &gix::oid, _: &mut Vec<u8>| {
            base_entry(file, index, id).map(|e| e.map(ResolvedBase::InPack))
        };
        file.decode_entry(entry, out, &mut self.inflate, &resolve, &mut self.cache)
            .map(|outcome| outcome.kind)
            .map_err(|e| broken(&e))
    }

    /// Decodes the blob at `at` into `out`, refusing it above `limit` bytes.
    pub fn read(&mut self, at: PackAt, limit: u64, out: &mut Vec<u8>) -> Result<Decoded, Refused> {
        self.map(at.pack as usize)?;
        let (file, index, entry) = entry_at(&self.mapped, &self.packs, at)?;
        let header_base = |id: &gix::oid| {
            base_entry(file, index, id).map(|e| e.map(header::ResolvedBase::InPack))
        };
        let header = file
            .decode_header(entry.clone(), &mut self.inflate, &header_base)
            .map_err(|e| broken(&e))?;
        if header.kind != gix::objs::Kind::Blob {
            return Err(Refused::Kind(header.kind));
        }
        if header.object_size > limit {
            return Err(Refused::TooLarge(header.object_size));
        }
        let resolve = |id: &gix::oid, _: &mut Vec<u8>| {
            base_entry(file, index, id).map(|e| e.map(ResolvedBase::InPack))
        };
        file.decode_entry(
            entry.clone(),
            out,
            &mut self.inflate,
            &resolve,
            &mut self.cache,
        )
        .map_err(|e| broken(&e))?;
        let base = match entry.header {
            Header::OfsDelta { base_distance } => entry
                .checked_base_pack_offset(base_distance)
                .map(|offset| PackAt {
                    pack: at.pack,
                    offset,
                }),
            Header::RefDelta { base_id } => index.lookup(base_id).map(|i| PackAt {
                pack: at.pack,
                offset: index.pack_offset_at_index(i),
            }),
            _ => None,
        };
        let Some(base) = base else {
            return Ok(Decoded { delta: None });
        };
        let size = usize::try_from(entry.decompressed_size).unwrap_or(usize::MAX);
        self.delta.resize(size, 0);
        let fresh = match file.decompress_entry(&entry, &mut self.inflate, &mut self.delta) {
            Ok(_) => fresh_ranges(&self.delta),
            Err(_) => None,
        };
        Ok(Decoded {
            delta: fresh.map(|fresh| (base, fresh)),
        })
    }
}

fn broken(e: &dyn std::fmt::Display) -> Refused {
    Refused::Broken(e.to_string())
}

/// The mapped data file `at` lies in, its index and the entry at `at` (after `map`).
fn entry_at<'a>(
    mapped: &'a [Option<data::File>],
    packs: &'a Packs,
    at: PackAt,
) -> Result<(&'a data::File, &'a index::File, data::Entry), Refused> {
    let n = at.pack as usize;
    let (Some(Some(file)), Some(index)) = (mapped.get(n), packs.indices.get(n)) else {
        return Err(Refused::Broken("pack not found".into()));
    };
    let entry = file.entry(at.offset).map_err(|e| broken(&e))?;
    Ok((file, index, entry))
}

/// The entry of a delta's base named by id, when it is in the same pack.
fn base_entry(
    file: &data::File,
    index: &index::File,
    id: &gix::oid,
) -> gix::Result<Option<data::Entry>> {
    index
        .lookup(id)
        .map(|i| file.entry(index.pack_offset_at_index(i)))
        .transpose()
}
