//! The worker pool of history scans: a rayon pool whose every thread opens its own gix
//! repository once (gix handles are not `Sync`) and pulls consecutive chunks of work from a
//! shared counter, so that neighbouring items (commits in time order, blobs in pack order) share
//! one thread's caches.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` over `0..len` in chunks of `chunk` items on `threads` threads (0: all cores).
///
/// Each thread starts from `init(its own repository)` and returns its state; the states come
/// back in no particular order.
pub(super) fn run<S, I, W>(
    repo: &gix::ThreadSafeRepository,
    threads: usize,
    len: usize,
    chunk: usize,
    init: I,
    work: W,
) -> Vec<S>
where
    S: Send,
    I: Fn(gix::Repository) -> S + Sync,
    W: Fn(&mut S, Range<usize>) + Sync,
{
    let next = AtomicUsize::new(0);
    let chunk = chunk.max(1);
    let worker = || {
        let mut state = init(repo.to_thread_local());
        loop {
            let start = next.fetch_add(chunk, Ordering::Relaxed);
            if start >= len {
                break;
            }
            work(&mut state, start..(start + chunk).min(len));
        }
        state
    };
    // No more threads than chunks: each thread pays for its own repository and caches.
    let wanted = if threads == 0 {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        threads
    };
    let threads = wanted.min(len.div_ceil(chunk)).max(1);
    if threads == 1 {
        return vec![worker()];
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.broadcast(|_| worker()),
        // Cannot spawn threads: do the work here, slower but complete.
        Err(_) => vec![worker()],
    }
}
