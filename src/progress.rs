//! Progress counters for long work: history scans (blobs), working-tree walks (files) and
//! `db update` downloads (bytes). Scanners only bump the atomics here; `cli::progress` decides
//! whether a bar is drawn at all and draws it from its own thread, so no scanner ever prints.
//! A [`Progress`] that is off costs one branch per update.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A handle to shared progress counters; copies share them. The default is off.
///
/// The handle is `Copy` so that it can sit in plain option structs (such as the `Copy`
/// network options); its counters therefore live until the process ends, which costs a few
/// bytes once per command that shows a bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress(Option<&'static Counters>);

/// Two handles are equal when they share their counters (or are both off).
impl PartialEq for Progress {
    fn eq(&self, other: &Progress) -> bool {
        match (self.0, other.0) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for Progress {}

#[derive(Debug, Default)]
struct Counters {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// A handle that counts nothing (no bar is shown).
    pub fn off() -> Progress {
        Progress(None)
    }

    /// A handle whose counts someone reads (see [`Progress::get`]).
    pub fn counting() -> Progress {
        Progress(Some(Box::leak(Box::default())))
    }

    /// Whether anyone reads the counts.
    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// More work is known to lie ahead (blobs enumerated, a download's length).
    pub fn add_total(&self, n: u64) {
        if let Some(c) = self.0 {
            c.total.fetch_add(n, Relaxed);
        }
    }

    /// `n` units of work are done.
    pub fn advance(&self, n: u64) {
        if let Some(c) = self.0 {
            c.done.fetch_add(n, Relaxed);
        }
    }

    /// `(done, total)`; a total of 0 means the amount of work is not known.
    pub fn get(&self) -> (u64, u64) {
        self.0
            .map_or((0, 0), |c| (c.done.load(Relaxed), c.total.load(Relaxed)))
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn clones_share_the_counts_and_off_counts_nothing() {
        let p = Progress::counting();
        let q = p;
        q.add_total(10);
        q.advance(3);
        p.advance(1);
        assert_eq!(p.get(), (4, 10));
        let off = Progress::off();
        off.add_total(5);
        off.advance(5);
        assert_eq!(off.get(), (0, 0));
        assert!(!off.is_on() && p.is_on());
        assert_eq!(p, q);
        assert_ne!(p, Progress::counting());
        assert_eq!(off, Progress::default());
    }
}
