//! Content too large to scan in one piece (issue 16): a file streamed from disk, or a large
//! in-memory blob, goes through [`scan_blob`] in overlapping windows, so that memory depends on
//! the window size, not on the content's size.
//!
//! Window `k` owns the bytes `[a_k, a_k+1)` and is scanned with `CONTEXT` bytes of the content
//! on either side; a finding is kept only by the window that owns its start, then placed at its
//! line and column in the whole content. `CONTEXT` exceeds the engine's longest regex window
//! (64 KiB down from a multi-line keyword, 1 KiB along a line), so a match of a keyword rule
//! that starts in a window's own bytes is whole in that window and is found exactly once, with
//! the same context before it as in a scan of the whole content.
//!
//! What stays approximate: a match of a keyword-less rule longer than `CONTEXT`, file-format
//! detectors and Kubernetes Secret decoding (they see each window alone), and the count of
//! inline-allowed matches (one in an overlap counts in both windows).

use super::{scan_blob, BlobFindings, RuleSet};
use crate::finding::Location;
use memchr::{memchr_iter, memrchr};
use std::io::{self, Read};

/// Content larger than this is scanned in windows.
pub const WINDOWED_FROM: usize = 8 * 1024 * 1024;

/// Bytes a window owns.
const WINDOW_BYTES: usize = 8 * 1024 * 1024;

/// Bytes of context on either side of a window's own bytes.
const CONTEXT_BYTES: usize = 256 * 1024;

/// Window geometry (tests use small windows).
#[derive(Debug, Clone, Copy)]
struct Geometry {
    window: usize,
    context: usize,
}

const GEOMETRY: Geometry = Geometry {
    window: WINDOW_BYTES,
    context: CONTEXT_BYTES,
};

/// What a streamed scan read and found.
#[derive(Debug, Default)]
pub struct Streamed {
    /// The findings, in the order they occur.
    pub found: BlobFindings,
    /// Bytes read.
    pub bytes: u64,
}

/// Scans `data` whole, or in windows when it is larger than [`WINDOWED_FROM`].
pub fn scan_whole(set: &RuleSet, path: &str, commit: Option<&str>, data: &[u8]) -> BlobFindings {
    if data.len() <= WINDOWED_FROM {
        return scan_blob(set, path, commit, data);
    }
    let mut reader = data;
    match scan_with(set, path, commit, &mut reader, GEOMETRY) {
        Ok(streamed) => streamed.found,
        Err(_) => unreachable!("reading a byte slice cannot fail"),
    }
}

/// Scans everything `reader` yields, window by window; holds at most one window and its
/// context in memory.
pub fn scan_stream(
    set: &RuleSet,
    path: &str,
    commit: Option<&str>,
    reader: &mut dyn Read,
) -> io::Result<Streamed> {
    scan_with(set, path, commit, reader, GEOMETRY)
}

fn scan_with(
    set: &RuleSet,
    path: &str,
    commit: Option<&str>,
    reader: &mut dyn Read,
    geo: Geometry,
) -> io::Result<Streamed> {
    let mut out = Streamed::default();
    let mut buf: Vec<u8> = Vec::with_capacity(geo.window + 2 * geo.context);
    // `buf[0]` is byte `base` of the content; the next window owns bytes from `own`.
    let (mut base, mut own) = (0usize, 0usize);
    let mut at = Cursor::default();
    let mut eof = false;
    loop {
        let want = own - base + geo.window + geo.context;
        if !eof && buf.len() < want {
            let before = buf.len();
            Read::take(&mut *reader, (want - before) as u64).read_to_end(&mut buf)?;
            out.bytes += (buf.len() - before) as u64;
            eof = buf.len() < want;
        }
        let end = base + buf.len();
        let own_end = if eof { end } else { own + geo.window };
        let first = own == 0;
        let window = &buf[..];
        let found = scan_blob(set, path, commit, window);
        out.found.suppressed_inline += found.suppressed_inline;
        let from = Pos::of(window, own - base);
        let to = (own_end < end).then(|| Pos::of(window, own_end - base));
        for mut f in found.findings {
            // A path-only finding stands at 1:1 of every window; the first one reports it.
            if !first && f.evidence.is_none() {
                continue;
            }
            let start = Pos {
                line: f.location.start_line,
                column: f.location.start_column,
            };
            if start < from || to.is_some_and(|to| start >= to) {
                continue;
            }
            at.place(&mut f.location);
            out.found.findings.push(f);
        }
        if own_end >= end {
            return Ok(out);
        }
        own = own_end;
        let new_base = own.saturating_sub(geo.context).max(base);
        at.advance(&buf[..new_base - base]);
        buf.drain(..new_base - base);
        base = new_base;
    }
}

/// A 1-based line and character column, ordered as positions in the text are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    line: usize,
    column: usize,
}

impl Pos {
    /// The position of byte `offset` of `text`, counted as `scan_blob` counts.
    fn of(text: &[u8], offset: usize) -> Pos {
        let before = &text[..offset.min(text.len())];
        let line = 1 + memchr_iter(b'\n', before).count();
        let line_start = memrchr(b'\n', before).map_or(0, |p| p + 1);
        Pos {
            line,
            column: count_chars(&before[line_start..]) + 1,
        }
    }
}

/// Where the current window starts in the whole content: lines before it, and characters of
/// its first line that lie before it.
#[derive(Debug, Default)]
struct Cursor {
    lines: usize,
    columns: usize,
}

impl Cursor {
    /// Moves the window start past `bytes`.
    fn advance(&mut self, bytes: &[u8]) {
        match memrchr(b'\n', bytes) {
            Some(last) => {
                self.lines += memchr_iter(b'\n', bytes).count();
                self.columns = count_chars(&bytes[last + 1..]);
            }
            None => self.columns += count_chars(bytes),
        }
    }

    /// Turns a location within the window into one within the whole content.
    fn place(&self, loc: &mut Location) {
        if loc.start_line == 1 {
            loc.start_column += self.columns;
        }
        if loc.end_line == 1 {
            loc.end_column += self.columns;
        }
        loc.start_line += self.lines;
        loc.end_line += self.lines;
    }
}

/// UTF-8 characters in `bytes`, as `scan_blob`'s columns count them (continuation bytes do not).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests;
