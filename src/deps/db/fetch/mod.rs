//! Network layer of `preflight db update`: HTTPS downloads of advisory archives and a gix fetch of
//! the RustSec advisory repository.
//!
//! Only `http://` and `https://` URLs are accepted, which also keeps gix away from the transports
//! that would spawn external programs (`ssh`, `git-upload-pack` for local paths).

use std::path::PathBuf;
use std::time::Duration;

mod git;
mod http;

pub use git::fetch_git;
pub use http::{download, Downloaded};

/// Time limits applied to every network operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    /// How long to wait for a TCP (and TLS) connection to be established.
    pub connect_timeout: Duration,
    /// Upper bound for a whole operation, from connecting until the last byte is stored.
    pub timeout: Duration,
    /// Counts the bytes downloaded (and the lengths announced), for a progress bar.
    pub progress: crate::progress::Progress,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(300),
            progress: crate::progress::Progress::off(),
        }
    }
}

/// Why a download or a repository fetch failed. Every message starts with the URL concerned.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL is malformed or uses a scheme other than `http` or `https`.
    #[error("{url}: unsupported URL (only http:// and https:// are allowed)")]
    UnsupportedUrl {
        /// The rejected URL.
        url: String,
    },
    /// Nothing accepted the connection.
    #[error("{url}: connection refused")]
    ConnectionRefused {
        /// The URL being fetched.
        url: String,
    },
    /// The connection or the whole transfer took longer than allowed.
    #[error("{url}: timed out after {} s", .after.as_secs())]
    Timeout {
        /// The URL being fetched.
        url: String,
        /// The limit that was exceeded.
        after: Duration,
    },
    /// The server answered with a status other than 2xx (or an unexpected 304).
    #[error("{url}: HTTP {status} {reason}")]
    Status {
        /// The URL being fetched.
        url: String,
        /// The numeric status code.
        status: u16,
        /// The canonical reason phrase, empty when the code has none.
        reason: String,
    },
    /// The body ended before the length the server announced.
    #[error("{url}: body truncated after {received} of {expected} bytes")]
    Truncated {
        /// The URL being fetched.
        url: String,
        /// Bytes actually received.
        received: u64,
        /// Bytes announced by Content-Length.
        expected: u64,
    },
    /// Any other transport failure (DNS, TLS, protocol errors).
    #[error("{url}: {reason}")]
    Network {
        /// The URL being fetched.
        url: String,
        /// What went wrong, as reported by the HTTP stack.
        reason: String,
    },
    /// A git operation on the remote or the local repository failed.
    #[error("{url}: {what}: {reason}")]
    Git {
        /// The repository URL.
        url: String,
        /// The step that failed, such as "fetch" or "update HEAD".
        what: &'static str,
        /// The cause reported by gix.
        reason: String,
    },
    /// Reading or writing a local file failed.
    // The cause is in the message, so it is not also a `source()` (it would print twice).
    #[error("{url}: {}: {error}", .path.display())]
    Io {
        /// The URL being fetched.
        url: String,
        /// The local path involved.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
}

/// Rejects anything but absolute http(s) URLs before any I/O happens.
fn check_scheme(url: &str) -> Result<(), FetchError> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        ""
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(FetchError::UnsupportedUrl {
            url: url.to_string(),
        });
    }
    Ok(())
}

/// Walks an error's `source()` chain, outermost first.
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

/// True when the chain holds an I/O error of `kind`.
fn has_io_kind(err: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    chain(err).any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}
