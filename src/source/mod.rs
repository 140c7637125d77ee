//! Sources: where the bytes to scan come from. Today the working tree ([`fs`]); git history and
//! staged changes plug in beside it. A source hands [`Blob`]s to a callback and reports what it
//! skipped; it knows nothing of rules or findings.

pub mod fs;
pub mod git;
pub mod history;
pub mod staged;
pub mod staged_paths;
#[cfg(test)]
pub(crate) mod testgit;
pub mod workspace;

pub use workspace::{ReadError, Workspace};

/// One piece of content to scan.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// Path relative to the scan root, `/`-separated.
    pub path: &'a str,
    /// The content.
    pub data: &'a [u8],
    /// The commit it was read from (history scans).
    pub commit: Option<&'a str>,
}

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// It holds a NUL byte in its first 8 KiB.
    Binary,
    /// It is larger than the size limit.
    TooLarge,
    /// A path allowlist excludes it.
    Excluded,
    /// Not a regular file with content (a dangling symbolic link, a FIFO, a socket, a device):
    /// nothing is read from it. A gap when a scanner claims the name, else nothing.
    NotRegular(&'static str),
}

/// Whether content looks binary: a NUL byte in the first 8 KiB, as git decides.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}
