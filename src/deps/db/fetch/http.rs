//! Plain HTTP(S) downloads with atomic replacement of the destination file.

use super::{chain, check_scheme, has_io_kind, FetchError, FetchOptions};
use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_LENGTH, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What [`download`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written to the destination (0 when not modified).
    pub bytes: u64,
    /// The entity tag the server sent, to pass back on the next download.
    pub etag: Option<String>,
    /// True when the server answered 304 and the destination was left as it was.
    pub not_modified: bool,
}

/// Downloads `url` to `dest`.
///
/// The body goes to `dest` + ".part" in the same directory, is fsynced, then renamed over `dest`,
/// so an interrupted download never replaces a good file. With `etag` (and an existing `dest`),
/// sends If-None-Match; a 304 leaves `dest` untouched and returns `not_modified`. Statuses other
/// than 2xx are errors naming the URL and the status, and a body shorter than the announced
/// Content-Length is an error. Only `http://` and `https://` URLs are accepted.
pub fn download(
    url: &str,
    dest: &Path,
    etag: Option<&str>,
    opts: &FetchOptions,
) -> Result<Downloaded, FetchError> {
    check_scheme(url)?;
    // A 304 is only meaningful when there is a file to keep.
    let etag = etag.filter(|_| dest.is_file());
    let response = send(url, etag, opts)?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && etag.is_some() {
        return Ok(Downloaded {
            bytes: 0,
            etag: header(&response, ETAG).or(etag.map(str::to_string)),
            not_modified: true,
        });
    }
    if !status.is_success() {
        return Err(FetchError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_string(),
        });
    }
    let new_etag = header(&response, ETAG);
    let bytes = store(url, response, dest, opts)?;
    Ok(Downloaded {
        bytes,
        etag: new_etag,
        not_modified: false,
    })
}

fn client(opts: &FetchOptions) -> reqwest::Result<Client> {
    Client::builder()
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .user_agent(concat!("preflight/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            // Never let a redirect downgrade an https download to plain http.
            let downgrade = attempt.url().scheme() != "https"
                && attempt.previous().iter().any(|u| u.scheme() == "https");
            if downgrade {
                attempt.error("redirect from https to http refused")
            } else if attempt.previous().len() > 10 {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        }))
        .build()
}

fn send(url: &str, etag: Option<&str>, opts: &FetchOptions) -> Result<Response, FetchError> {
    let client = client(opts).map_err(|e| network_error(url, &e, opts))?;
    let mut request = client.get(url);
    if let Some(tag) = etag {
        request = request.header(IF_NONE_MATCH, tag);
    }
    request.send().map_err(|e| network_error(url, &e, opts))
}

fn header(response: &Response, name: reqwest::header::HeaderName) -> Option<String> {
    let value = response.headers().get(name)?.to_str().ok()?;
    Some(value.to_string())
}

/// Streams the body into the ".part" file and renames it over `dest` once complete.
fn store(
    url: &str,
    response: Response,
    dest: &Path,
    opts: &FetchOptions,
) -> Result<u64, FetchError> {
    let part = part_path(dest);
    let io_err = |path: &Path, error| FetchError::Io {
        url: url.to_string(),
        path: path.to_path_buf(),
        error,
    };
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    let result = write_part(url, response, &part, opts).and_then(|n| {
        std::fs::rename(&part, dest)
            .map(|_| n)
            .map_err(|e| io_err(dest, e))
    });
    match result {
        Ok(n) => {
            sync_dir(dest);
            Ok(n)
        }
        Err(e) => {
            // Best effort: the original error matters more than a failed cleanup.
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

fn write_part(
    url: &str,
    mut response: Response,
    part: &Path,
    opts: &FetchOptions,
) -> Result<u64, FetchError> {
    let io_err = |error| FetchError::Io {
        url: url.to_string(),
        path: part.to_path_buf(),
        error,
    };
    // Read the header rather than content_length(): the latter is only a body size hint.
    let expected = header(&response, CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    let mut file = File::create(part).map_err(io_err)?;
    opts.progress.add_total(expected.unwrap_or(0));
    let mut buf = vec![0u8; 64 * 1024];
    let mut received: u64 = 0;
    loop {
        let n = match response.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(body_error(url, e, received, expected, opts)),
        };
        file.write_all(&buf[..n]).map_err(io_err)?;
        received += n as u64;
        opts.progress.advance(n as u64);
    }
    if let Some(expected) = expected.filter(|&e| e != received) {
        return Err(FetchError::Truncated {
            url: url.to_string(),
            received,
            expected,
        });
    }
    file.sync_all().map_err(io_err)?;
    Ok(received)
}

fn body_error(
    url: &str,
    err: std::io::Error,
    received: u64,
    expected: Option<u64>,
    opts: &FetchOptions,
) -> FetchError {
    let timed_out = err.kind() == std::io::ErrorKind::TimedOut
        || chain(&err).any(|e| {
            e.downcast_ref::<reqwest::Error>()
                .is_some_and(reqwest::Error::is_timeout)
        });
    if timed_out {
        return FetchError::Timeout {
            url: url.to_string(),
            after: opts.timeout,
        };
    }
    match expected {
        Some(expected) if received < expected => FetchError::Truncated {
            url: url.to_string(),
            received,
            expected,
        },
        _ => FetchError::Network {
            url: url.to_string(),
            reason: describe(&err),
        },
    }
}

/// Maps a reqwest failure to the most specific variant.
fn network_error(url: &str, err: &reqwest::Error, opts: &FetchOptions) -> FetchError {
    let url = url.to_string();
    if has_io_kind(err, std::io::ErrorKind::ConnectionRefused) {
        return FetchError::ConnectionRefused { url };
    }
    if err.is_timeout() {
        let after = if err.is_connect() {
            opts.connect_timeout
        } else {
            opts.timeout
        };
        return FetchError::Timeout { url, after };
    }
    FetchError::Network {
        url,
        reason: describe(err),
    }
}

/// The innermost cause is the readable one; reqwest's outer layers only repeat the URL.
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    chain(err).last().map(|e| e.to_string()).unwrap_or_default()
}

fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// Makes the rename durable; failures are ignored because the data itself is already synced.
fn sync_dir(dest: &Path) {
    #[cfg(unix)]
    if let Some(dir) = dest.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dest;
}
