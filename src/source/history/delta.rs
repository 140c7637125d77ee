//! What a pack delta adds to its base: the byte ranges of the result that are not a verbatim
//! run of the base. A blob stored as a delta is mostly copies of a blob already scanned, so a
//! scan of its fresh ranges (widened by the scanner to whole lines) plus the base's own scan
//! covers every byte once.
//!
//! The format is git's: two size varints (base, result), then instructions, each a copy
//! (`1xxxxxxx`, offset and size bytes selected by the low seven bits) or an insert (`0nnnnnnn`,
//! n literal bytes follow).

use std::ops::Range;

/// The fresh ranges of the result of `delta`, in result offsets, sorted and merged: inserted
/// bytes, and an empty range wherever one copy ends and the next copy does not continue where
/// it left off in the base (a secret could straddle that seam without being whole in the base).
///
/// `None` when the delta is malformed; the caller then scans the whole blob.
pub(crate) fn fresh_ranges(delta: &[u8]) -> Option<Vec<Range<usize>>> {
    let mut at = 0;
    let _base_size = varint(delta, &mut at)?;
    let result_size = varint(delta, &mut at)?;
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut written = 0usize;
    // Where the previous instruction's bytes came from in the base (None after an insert).
    let mut base_end: Option<usize> = None;
    while at < delta.len() {
        let cmd = delta[at];
        at += 1;
        if cmd & 0x80 != 0 {
            let (offset, size) = copy_args(delta, &mut at, cmd)?;
            if base_end.is_some_and(|end| end != offset) {
                push(&mut out, written..written);
            }
            base_end = Some(offset.checked_add(size)?);
            written = written.checked_add(size)?;
        } else if cmd != 0 {
            let n = usize::from(cmd);
            if at + n > delta.len() {
                return None;
            }
            at += n;
            push(&mut out, written..written + n);
            base_end = None;
            written += n;
        } else {
            return None; // reserved instruction
        }
    }
    (written == result_size).then_some(out)
}

/// Appends `range`, merging it into the last one when they touch.
fn push(out: &mut Vec<Range<usize>>, range: Range<usize>) {
    match out.last_mut() {
        Some(last) if last.end >= range.start => last.end = last.end.max(range.end),
        _ => out.push(range),
    }
}

/// A little-endian base-128 size.
fn varint(data: &[u8], at: &mut usize) -> Option<usize> {
    let mut value = 0usize;
    let mut shift = 0u32;
    loop {
        let byte = *data.get(*at)?;
        *at += 1;
        value |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// A copy instruction's offset (bits 0-3 select its bytes) and size (bits 4-6; 0 means 64 KiB).
fn copy_args(data: &[u8], at: &mut usize, cmd: u8) -> Option<(usize, usize)> {
    let mut read = |bits: std::ops::Range<u8>| -> Option<usize> {
        let mut value = 0usize;
        for (n, bit) in bits.enumerate() {
            if cmd & (1 << bit) != 0 {
                value |= usize::from(*data.get(*at)?) << (8 * n);
                *at += 1;
            }
        }
        Some(value)
    };
    let offset = read(0..4)?;
    let size = read(4..7)?;
    Some((offset, if size == 0 { 0x10000 } else { size }))
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one range is what these deltas make
mod tests {
    use super::*;

    fn copy(offset: u8, size: u8) -> [u8; 3] {
        [0x80 | 0x01 | 0x10, offset, size]
    }

    fn delta(result: usize, ops: &[&[u8]]) -> Vec<u8> {
        let mut d = vec![100, result as u8];
        for op in ops {
            d.extend_from_slice(op);
        }
        d
    }

    #[test]
    fn inserts_are_fresh() {
        let d = delta(13, &[&copy(0, 10), &[3, b'a', b'b', b'c']]);
        assert_eq!(fresh_ranges(&d), Some(vec![10..13]));
    }

    #[test]
    fn contiguous_copies_are_not_a_seam() {
        let d = delta(20, &[&copy(0, 10), &copy(10, 10)]);
        assert_eq!(fresh_ranges(&d), Some(vec![]));
    }

    #[test]
    fn copies_from_elsewhere_leave_a_seam() {
        let d = delta(20, &[&copy(0, 10), &copy(50, 10)]);
        assert_eq!(fresh_ranges(&d), Some(vec![10..10]));
    }

    #[test]
    fn touching_ranges_merge() {
        let d = delta(
            14,
            &[
                &[2, b'x', b'y'],
                &copy(0, 10),
                &copy(40, 0x01)[..],
                &[1, b'z'],
            ],
        );
        // insert 0..2, copy 2..12, copy from 40 (seam at 12), insert 13..14
        assert_eq!(fresh_ranges(&d), Some(vec![0..2, 12..12, 13..14]));
    }

    #[test]
    fn size_zero_means_64k() {
        let d = [0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80 | 0x01, 0x00];
        assert_eq!(fresh_ranges(&d), Some(vec![]));
    }

    #[test]
    fn malformed_deltas_are_refused() {
        assert_eq!(fresh_ranges(&[]), None);
        assert_eq!(fresh_ranges(&delta(5, &[&[9, b'a']])), None); // insert past the end
        assert_eq!(fresh_ranges(&delta(5, &[&[0]])), None); // reserved
        assert_eq!(fresh_ranges(&delta(9, &[&copy(0, 10)])), None); // wrong result size
        assert_eq!(fresh_ranges(&[0xff; 12]), None); // endless varint
    }
}
