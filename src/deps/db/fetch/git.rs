//! Mirror of a remote git repository kept as a local bare repository, fetched with gix only.

use super::{chain, check_scheme, has_io_kind, FetchError, FetchOptions};
use gix::protocol::handshake::Ref;
use gix::protocol::transport::client::blocking_io::http as gix_http;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit};
use gix::refs::{FullName, Target};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Mirrors every branch of the remote, force-updating so upstream history rewrites are followed.
const BRANCHES: &str = "+refs/heads/*:refs/heads/*";

/// Clones `url` as a bare repository into `dest` when `dest` does not exist, else fetches into it.
///
/// All branches are mirrored (`refs/heads/*`), and HEAD is pointed at the remote's default branch.
/// Returns the hex id of the commit HEAD points to afterwards. The clone is built in a sibling
/// temporary directory and renamed into place, so a failed clone leaves no `dest` behind; a failed
/// fetch leaves the previous state readable. Only `http://` and `https://` URLs are accepted.
pub fn fetch_git(url: &str, dest: &Path, opts: &FetchOptions) -> Result<String, FetchError> {
    check_scheme(url)?;
    if dest.exists() {
        let repo = gix::open_opts(dest, open_options())
            .map_err(|e| git_error(url, "open local repository", &e))?;
        fetch_into(&repo, url, opts)
    } else {
        clone(url, dest, opts)
    }
}

fn clone(url: &str, dest: &Path, opts: &FetchOptions) -> Result<String, FetchError> {
    let staging = Staging::create(url, dest)?;
    let repo = gix::ThreadSafeRepository::init_opts(
        &staging.path,
        gix::create::Kind::Bare,
        gix::create::Options::default(),
        open_options(),
    )
    .map_err(|e| git_error(url, "create local repository", &e))?
    .to_thread_local();
    let id = fetch_into(&repo, url, opts)?;
    drop(repo);
    staging.commit(dest)?;
    Ok(id)
}

/// Options that keep gix from spawning `git` to discover the installation's configuration.
fn open_options() -> gix::open::Options {
    use gix::sec::trust::DefaultForLevel;
    let mut opts = gix::open::Options::default_for_level(gix::sec::Trust::Full);
    opts.permissions.config.git_binary = false;
    opts
}

fn fetch_into(
    repo: &gix::Repository,
    url: &str,
    opts: &FetchOptions,
) -> Result<String, FetchError> {
    let remote = repo
        .remote_at(url)
        .and_then(|r| r.with_refspecs(Some(BRANCHES), gix::remote::Direction::Fetch))
        .map(|r| r.with_fetch_tags(gix::remote::fetch::Tags::None))
        .map_err(|e| git_error(url, "configure remote", &e))?;
    let transport = transport_options(repo, url, opts)?;
    let head = gix::refspec::parse("HEAD".into(), gix::refspec::parse::Operation::Fetch)
        .map_err(|e| git_error(url, "parse refspec", &e))?
        .to_owned();
    let ref_map_options = gix::remote::ref_map::Options {
        extra_refspecs: vec![head],
        ..Default::default()
    };
    let watchdog = Watchdog::start(opts.timeout);
    let outcome = remote
        .connect(gix::remote::Direction::Fetch)
        .map(|c| c.with_transport_options(transport))
        .and_then(|c| c.prepare_fetch(gix::progress::Discard, ref_map_options))
        .and_then(|p| p.receive(gix::progress::Discard, &watchdog.interrupt));
    let timed_out = watchdog.stop();
    let outcome = outcome.map_err(|e| transfer_error(url, &e, timed_out, opts))?;
    set_head(repo, url, &outcome.ref_map.remote_refs)
}

/// HTTP settings from the repository's config, plus our time limits.
///
/// gix's reqwest backend ignores `http.lowSpeedTime` and `gitoxide.http.connectTimeout`, so the
/// limits are applied directly to the reqwest client it builds.
fn transport_options(
    repo: &gix::Repository,
    url: &str,
    opts: &FetchOptions,
) -> Result<Box<dyn std::any::Any>, FetchError> {
    let base = repo
        .transport_options(url, None)
        .map_err(|e| git_error(url, "configure transport", &e))?;
    let mut http: gix_http::Options = base
        .and_then(|b| b.downcast::<gix_http::Options>().ok())
        .map(|b| *b)
        .unwrap_or_default();
    let (connect, total) = (opts.connect_timeout, opts.timeout);
    http.connect_timeout = Some(connect);
    let backend = gix_http::reqwest::Options {
        configure_client: Some(Box::new(move |builder| {
            Ok(builder.connect_timeout(connect).timeout(total))
        })),
        configure_request: None,
    };
    http.backend = Some(Arc::new(Mutex::new(backend)));
    Ok(Box::new(http))
}

/// Points HEAD where the remote's HEAD points and returns the commit it resolves to.
fn set_head(repo: &gix::Repository, url: &str, refs: &[Ref]) -> Result<String, FetchError> {
    let remote_head = refs.iter().find_map(|r| match r {
        Ref::Symbolic {
            full_ref_name,
            target,
            object,
            ..
        } if full_ref_name == "HEAD" => Some((Some(target), *object)),
        Ref::Direct {
            full_ref_name,
            object,
        } if full_ref_name == "HEAD" => Some((None, *object)),
        _ => None,
    });
    let Some((branch, object)) = remote_head else {
        return Err(FetchError::Git {
            url: url.to_string(),
            what: "read remote HEAD",
            reason: "the remote has no commits".to_string(),
        });
    };
    let new = match branch {
        Some(name) => Target::Symbolic(
            FullName::try_from(name.clone()).map_err(|e| git_error(url, "update HEAD", &e))?,
        ),
        // A detached remote HEAD has no branch to follow; record the commit itself.
        None => Target::Object(object),
    };
    let edit = RefEdit {
        change: Change::Update {
            log: LogChange::default(),
            expected: PreviousValue::Any,
            new,
        },
        name: FullName::try_from("HEAD").map_err(|e| git_error(url, "update HEAD", &e))?,
        deref: false,
    };
    repo.edit_reference(edit)
        .map_err(|e| git_error(url, "update HEAD", &e))?;
    let id = repo
        .head_id()
        .map_err(|e| git_error(url, "resolve HEAD", &e))?;
    Ok(id.to_hex().to_string())
}

fn transfer_error(url: &str, err: &gix::Error, timed_out: bool, opts: &FetchOptions) -> FetchError {
    let err: &(dyn std::error::Error + 'static) = err;
    let url = url.to_string();
    if has_io_kind(err, std::io::ErrorKind::ConnectionRefused) {
        return FetchError::ConnectionRefused { url };
    }
    let reqwest_timeout = chain(err).find_map(|e| {
        e.downcast_ref::<reqwest::Error>()
            .filter(|r| r.is_timeout())
            .map(|r| r.is_connect())
    });
    match (timed_out, reqwest_timeout) {
        (_, Some(true)) => FetchError::Timeout {
            url,
            after: opts.connect_timeout,
        },
        (true, _) | (_, Some(false)) => FetchError::Timeout {
            url,
            after: opts.timeout,
        },
        _ => git_error(&url, "fetch", err),
    }
}

fn git_error(url: &str, what: &'static str, err: &(dyn std::error::Error + 'static)) -> FetchError {
    // gix nests context messages; the innermost one or two are the informative part.
    let parts: Vec<String> = chain(err).map(|e| e.to_string()).collect();
    let start = parts.len().saturating_sub(2);
    let mut reason = parts[start..].join(": ");
    if reason.is_empty() {
        reason = "unknown error".to_string();
    }
    FetchError::Git {
        url: url.to_string(),
        what,
        reason,
    }
}

/// Raises the interrupt flag gix polls once the overall time limit has passed.
struct Watchdog {
    interrupt: Arc<AtomicBool>,
    done: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(limit: std::time::Duration) -> Watchdog {
        let interrupt = Arc::new(AtomicBool::new(false));
        let (done, rx) = mpsc::channel::<()>();
        let flag = Arc::clone(&interrupt);
        let thread = std::thread::Builder::new()
            .name("preflight-fetch-watchdog".into())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                    flag.store(true, Ordering::SeqCst);
                }
            })
            .ok();
        Watchdog {
            interrupt,
            done: Some(done),
            thread,
        }
    }

    /// Stops the timer; returns whether it had already fired.
    fn stop(mut self) -> bool {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.interrupt.load(Ordering::SeqCst)
    }
}

/// A sibling directory that becomes `dest` on success and is removed otherwise.
struct Staging {
    path: PathBuf,
    url: String,
    keep: bool,
}

impl Staging {
    fn create(url: &str, dest: &Path) -> Result<Staging, FetchError> {
        let parent = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let io_err = |path: &Path, error| FetchError::Io {
            url: url.to_string(),
            path: path.to_path_buf(),
            error,
        };
        std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "repo".to_string());
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = parent.join(format!(".{name}.clone-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| io_err(&path, e))?;
        Ok(Staging {
            path,
            url: url.to_string(),
            keep: false,
        })
    }

    fn commit(mut self, dest: &Path) -> Result<(), FetchError> {
        std::fs::rename(&self.path, dest).map_err(|error| FetchError::Io {
            url: self.url.clone(),
            path: dest.to_path_buf(),
            error,
        })?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
