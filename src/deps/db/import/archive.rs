//! Reading advisories out of a zip archive (OSV's `<ecosystem>/all.zip`, or one given to
//! `db import`) without trusting it (issue 12 item 4).
//!
//! Nothing is extracted to disk, but an archive that tries to escape is hostile, so the whole
//! archive is refused, naming it and the entry, when any entry
//! - has an absolute name or one that climbs out with `..`;
//! - is a symbolic link;
//! - would expand beyond the limits in [`ARCHIVE_LIMITS`]: 2 GiB for the whole archive (the
//!   largest OSV archive expands to well under 1 GiB) and a 200:1 compression ratio for an
//!   entry over 4 MiB (advisory JSON compresses about 5:1; a small entry cannot be a bomb
//!   whatever its ratio), or yields more bytes than its header declares.

use super::{base_name, format_of, Format, Item};
use crate::deps::db::IndexError;
use std::fs;
use std::io::Read;
use std::path::Path;

/// How far a zip archive may expand before it is refused as a decompression bomb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Bytes all read entries may expand to together.
    pub max_total: u64,
    /// Largest uncompressed:compressed ratio allowed for an entry over `ratio_from` bytes.
    pub max_ratio: u64,
    /// Entries up to this size are not held to `max_ratio`.
    pub ratio_from: u64,
}

/// The limits `db import` and `db update` apply.
pub const ARCHIVE_LIMITS: ArchiveLimits = ArchiveLimits {
    max_total: 2 << 30,
    max_ratio: 200,
    ratio_from: 4 << 20,
};

/// Every advisory-named entry of the zip at `path`, or the reason the archive is refused.
pub(super) fn read_zip(path: &Path, limits: &ArchiveLimits) -> Result<Vec<Item>, IndexError> {
    let file = fs::File::open(path).map_err(|e| IndexError::io(path, e))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| IndexError::source_error(path, format!("not a zip archive: {e}")))?;
    let refuse = |entry: &str, reason: String| IndexError::UnsafeArchive {
        archive: path.to_path_buf(),
        entry: entry.to_string(),
        reason,
    };
    let mut items = Vec::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = match archive.by_index(index) {
            Ok(entry) => entry,
            Err(e) => {
                let name = format!("entry #{index}");
                items.push((name, Format::Json, Err(format!("cannot read: {e}"))));
                continue;
            }
        };
        let name = match entry.name() {
            Ok(name) => name.to_string(),
            Err(e) => {
                let name = format!("entry #{index}");
                items.push((name, Format::Json, Err(format!("bad entry name: {e}"))));
                continue;
            }
        };
        // `enclosed_name` makes `/x` relative instead of refusing it; a drive (`C:`) counts too.
        let absolute = name.starts_with(['/', '\\']) || name.as_bytes().get(1) == Some(&b':');
        if absolute || entry.enclosed_name().is_none() {
            let why = "its path is absolute or leaves the archive with `..`";
            return Err(refuse(&name, why.to_string()));
        }
        if entry.is_symlink() {
            return Err(refuse(&name, "it is a symbolic link".to_string()));
        }
        let format = match (entry.is_dir(), format_of(base_name(&name))) {
            (false, Some(format)) => format,
            _ => continue,
        };
        let size = entry.size();
        let packed = entry.compressed_size();
        if size > limits.ratio_from && size > packed.saturating_mul(limits.max_ratio) {
            return Err(refuse(
                &name,
                format!(
                    "it expands {packed} bytes to {size} (more than {}:1): a decompression bomb",
                    limits.max_ratio
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total {
            return Err(refuse(
                &name,
                format!(
                    "the archive expands to more than {} bytes: a decompression bomb",
                    limits.max_total
                ),
            ));
        }
        let mut bytes = Vec::new();
        // One byte more than declared tells a lying header; `read_to_end` also fails on a CRC
        // mismatch, so a damaged entry becomes a problem.
        let read = (&mut entry)
            .take(size.saturating_add(1))
            .read_to_end(&mut bytes);
        if bytes.len() as u64 > size {
            let why = format!("it holds more than the {size} bytes its header declares");
            return Err(refuse(&name, why));
        }
        let read = read.map(|_| bytes).map_err(|e| format!("cannot read: {e}"));
        items.push((name, format, read));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("all.zip");
        let mut zip = zip::ZipWriter::new(fs::File::create(&path).expect("create"));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in entries {
            zip.start_file(*name, opts).expect("entry");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("finish");
        (dir, path)
    }

    #[test]
    fn escaping_names_are_refused() {
        for name in ["../up.json", "/abs.json", "a/../../up.json"] {
            let (_dir, path) = zip_with(&[("ok.json", b"{}"), (name, b"{}")]);
            let err = read_zip(&path, &ARCHIVE_LIMITS).expect_err(name);
            let text = err.to_string();
            assert!(text.contains("all.zip") && text.contains(name), "{text}");
        }
        let (_dir, path) = zip_with(&[("a/../inside.json", b"{}")]);
        assert_eq!(read_zip(&path, &ARCHIVE_LIMITS).expect("inside").len(), 1);
    }

    #[test]
    fn bombs_are_refused() {
        let zeros = vec![0u8; 64 << 10];
        let small = ArchiveLimits {
            max_total: 100 << 10,
            max_ratio: 200,
            ratio_from: 16 << 10,
        };
        let (_dir, path) = zip_with(&[("a.json", &zeros)]);
        let err = read_zip(&path, &small).expect_err("ratio");
        assert!(err.to_string().contains("more than 200:1"), "{err}");
        assert_eq!(
            read_zip(&path, &ARCHIVE_LIMITS).expect("small entry").len(),
            1
        );

        let noise: Vec<u8> = (0..60u32 << 10)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let (_dir, path) = zip_with(&[("a.json", &noise), ("b.json", &noise)]);
        let err = read_zip(&path, &small).expect_err("total");
        let text = err.to_string();
        assert!(
            text.contains("\"b.json\"") && text.contains("102400 bytes"),
            "{text}"
        );
    }
}
