//! The database lock: one `db update` or `db import` at a time per database directory
//! (issue 12 item 4), so two rebuilds never write the same download or rename over each other.
//!
//! The lock is a file, `<db>/lock`, created exclusively and holding the owner's pid; it is
//! removed when the [`DbLock`] is dropped. A lock whose pid no longer runs (the owner was
//! killed) is stale and taken over; that check reads `/proc` and so exists on Linux only,
//! elsewhere a left-over lock is honoured until the wait runs out and the error names the file.
//! An OS file lock would need Rust 1.89 (`File::try_lock`), above this crate's MSRV.

use super::IndexError;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name inside the database directory.
pub const LOCK: &str = "lock";
/// How often a waiting process looks again.
const POLL: Duration = Duration::from_millis(200);

/// Held while a rebuild runs; dropping it releases the lock.
#[derive(Debug)]
pub struct DbLock {
    path: PathBuf,
}

impl Drop for DbLock {
    fn drop(&mut self) {
        // Best effort: a lock left behind is stale (its pid is gone) and taken over next time.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes the lock of the database at `root` (which must exist), waiting up to `timeout` for
/// another process to finish. `on_wait` is told once, when waiting starts.
pub fn acquire(
    root: &Path,
    timeout: Duration,
    on_wait: Option<fn(&str)>,
) -> Result<DbLock, IndexError> {
    let path = root.join(LOCK);
    let start = Instant::now();
    let mut told = false;
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                // A holder whose pid cannot be read is waited for, never taken over.
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(DbLock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(IndexError::io(&path, e)),
        }
        let content = std::fs::read_to_string(&path).ok();
        let pid = content
            .as_deref()
            .and_then(|t| t.trim().parse::<u32>().ok());
        if pid.is_some_and(|pid| !is_running(pid)) {
            // Only remove what was read: another process may have taken the lock meanwhile.
            if std::fs::read_to_string(&path).ok() == content {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        let holder = pid.map_or_else(|| "pid unknown".to_string(), |p| format!("pid {p}"));
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(IndexError::Locked {
                lock: path,
                holder,
                waited,
            });
        }
        if let (false, Some(notify)) = (told, on_wait) {
            notify(&format!(
                "another preflight db update is running ({holder}), waiting (up to {} s)",
                timeout.as_secs()
            ));
            told = true;
        }
        std::thread::sleep(POLL.min(timeout.saturating_sub(waited)));
    }
}

#[cfg(target_os = "linux")]
fn is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn is_running(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_stale_locks_are_taken_over() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = acquire(dir.path(), Duration::ZERO, None).expect("free");
        let err = acquire(dir.path(), Duration::ZERO, None).expect_err("held");
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("lock"), "{text}");
        drop(held);
        assert!(!dir.path().join(LOCK).exists());
        let again = acquire(dir.path(), Duration::ZERO, None).expect("released");
        drop(again);
        if cfg!(target_os = "linux") {
            // No process has pid 4294967295: the lock is stale.
            std::fs::write(dir.path().join(LOCK), "4294967295\n").expect("write");
            acquire(dir.path(), Duration::ZERO, None).expect("stale lock taken over");
        }
    }
}
