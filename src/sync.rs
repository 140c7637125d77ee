//! Shared-state helpers for the parallel parts of a scan.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, recovering the data if another worker panicked while holding it: a panic in one
/// worker must not turn every later lock into a second panic.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The value inside a mutex whose workers are done, poisoned or not.
pub fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|p| p.into_inner())
}
