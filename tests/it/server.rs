//! Small HTTP/1.1 servers on 127.0.0.1 for network tests: a file server with ETags and injected
//! failures, and a git smart-HTTP server that runs `git http-backend` as a CGI.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target without the query string.
    pub path: String,
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to write back; always sent with `Connection: close`.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Announce this many bytes in Content-Length, whatever the body holds.
    claimed_len: Option<usize>,
}

impl Response {
    fn new(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
            claimed_len: None,
        }
    }
}

/// Accept loop on an ephemeral port; each connection is served by its own thread.
struct Listener {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    fn start(handler: impl Fn(Request) -> Response + Send + Sync + 'static) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let stop_flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                std::thread::spawn(move || serve_connection(stream, &*handler));
            }
        });
        Listener {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the loop sees the flag and drops the socket.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve_connection(stream: TcpStream, handler: &(dyn Fn(Request) -> Response + Send + Sync)) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let response = handler(request);
    let _ = write_response(stream, &response);
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    let mut request = Request {
        method,
        path,
        query,
        headers,
        body: Vec::new(),
    };
    request.body = read_body(reader, &request)?;
    Some(request)
}

fn read_body(reader: &mut impl BufRead, request: &Request) -> Option<Vec<u8>> {
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return read_chunked(reader);
    }
    let len: usize = request
        .header("content-length")
        .map_or(Some(0), |v| v.parse().ok())?;
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn read_chunked(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line).ok()?;
        let size_text = size_line.trim().split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        if size == 0 {
            // Skip trailers up to the blank line that ends the body.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer).ok()? == 0 || trailer.trim().is_empty() {
                    return Some(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).ok()?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf).ok()?;
    }
}

fn write_response(mut stream: TcpStream, response: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let len = response.claimed_len.unwrap_or(response.body.len());
    head.push_str(&format!(
        "Content-Length: {len}\r\nConnection: close\r\n\r\n"
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Both)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Unknown",
    }
}

/// A URL on 127.0.0.1 where nothing listens (the port was just released).
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}/")
}

/// Reads each request and then never answers (until dropped), for timeout tests.
pub struct HangingServer {
    stop: Arc<AtomicBool>,
    listener: Listener,
}

impl HangingServer {
    pub fn new() -> HangingServer {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let listener = Listener::start(move |_| {
            while !flag.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Response::new(503, Vec::new())
        });
        HangingServer { stop, listener }
    }

    /// Base URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        self.listener.url()
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Files {
    content: HashMap<String, Vec<u8>>,
    status: HashMap<String, u16>,
    truncated: HashMap<String, usize>,
    log: Vec<Request>,
}

/// Serves a map of path → bytes with ETags, injected error statuses and truncated bodies.
pub struct FileServer {
    files: Arc<Mutex<Files>>,
    listener: Listener,
}

impl FileServer {
    pub fn new() -> FileServer {
        let files = Arc::new(Mutex::new(Files::default()));
        let shared = Arc::clone(&files);
        let listener = Listener::start(move |req| {
            let mut files = shared.lock().expect("file server lock");
            let response = files.respond(&req);
            files.log.push(req);
            response
        });
        FileServer { files, listener }
    }

    /// Base URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        self.listener.url()
    }

    /// Serves `content` at `/path` (give `path` without the leading slash).
    pub fn put(&self, path: &str, content: impl Into<Vec<u8>>) {
        self.lock().content.insert(slash(path), content.into());
    }

    /// Makes `/path` answer `status` with a short text body.
    pub fn fail(&self, path: &str, status: u16) {
        self.lock().status.insert(slash(path), status);
    }

    /// Makes `/path` announce its full length but send only `sent` bytes, then close.
    pub fn truncate(&self, path: &str, sent: usize) {
        self.lock().truncated.insert(slash(path), sent);
    }

    /// The ETag served for `/path`.
    pub fn etag(&self, path: &str) -> Option<String> {
        self.lock().content.get(&slash(path)).map(|c| etag_of(c))
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.lock().log.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().expect("file server lock")
    }
}

impl Files {
    fn respond(&self, req: &Request) -> Response {
        if let Some(&status) = self.status.get(&req.path) {
            return Response::new(status, format!("status {status}\n").into_bytes());
        }
        let Some(content) = self.content.get(&req.path) else {
            return Response::new(404, b"not found\n".to_vec());
        };
        let etag = etag_of(content);
        if req.header("if-none-match") == Some(etag.as_str()) {
            let mut response = Response::new(304, Vec::new());
            response.headers.push(("ETag".into(), etag));
            return response;
        }
        let mut response = Response::new(200, content.clone());
        response.headers.push(("ETag".into(), etag));
        if let Some(&sent) = self.truncated.get(&req.path) {
            response.claimed_len = Some(content.len());
            response.body.truncate(sent);
        }
        response
    }
}

fn slash(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

/// A strong ETag from an FNV-1a hash of the content.
fn etag_of(content: &[u8]) -> String {
    let hash = content.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}-{}\"", content.len())
}

/// Serves the bare repositories under a directory over git smart HTTP via `git http-backend`.
pub struct GitServer {
    listener: Listener,
}

impl GitServer {
    /// Starts serving `root`, or prints why not and returns `None` when git is not installed.
    pub fn start(root: &Path) -> Option<GitServer> {
        if !git_available() {
            eprintln!("skip: `git` not found on PATH; git smart-HTTP server not started");
            return None;
        }
        let root = root.to_path_buf();
        let listener = Listener::start(move |req| run_backend(&root, &req));
        Some(GitServer { listener })
    }

    /// Base URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        self.listener.url()
    }

    /// URL of the repository at `root/name`.
    pub fn repo_url(&self, name: &str) -> String {
        format!("{}{}", self.url(), name.trim_start_matches('/'))
    }
}

/// Whether `git --version` runs.
pub fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_backend(root: &PathBuf, req: &Request) -> Response {
    let mut cmd = Command::new("git");
    cmd.arg("http-backend")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", &req.path)
        .env("REQUEST_METHOD", &req.method)
        .env("QUERY_STRING", &req.query)
        .env("CONTENT_TYPE", req.header("content-type").unwrap_or(""))
        .env("CONTENT_LENGTH", req.body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(protocol) = req.header("git-protocol") {
        cmd.env("GIT_PROTOCOL", protocol);
    }
    let Ok(mut child) = cmd.spawn() else {
        return Response::new(500, b"cannot run git http-backend\n".to_vec());
    };
    // Feed stdin from another thread so a chatty backend cannot deadlock on a full pipe.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let body = req.body.clone();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let output = child.wait_with_output().expect("wait for git http-backend");
    let _ = feeder.join();
    parse_cgi(&output.stdout)
}

/// Splits CGI output into headers (with `Status:` mapped to the HTTP status) and body.
fn parse_cgi(out: &[u8]) -> Response {
    let (head, body) = match find(out, b"\r\n\r\n") {
        Some(i) => (&out[..i], &out[i + 4..]),
        None => match find(out, b"\n\n") {
            Some(i) => (&out[..i], &out[i + 2..]),
            None => return Response::new(500, b"malformed CGI output\n".to_vec()),
        },
    };
    let mut response = Response::new(200, body.to_vec());
    for line in String::from_utf8_lossy(head).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            response.status = value
                .split_whitespace()
                .next()
                .and_then(|code| code.parse().ok())
                .unwrap_or(500);
        } else if !name.eq_ignore_ascii_case("content-length") {
            response
                .headers
                .push((name.trim().to_string(), value.to_string()));
        }
    }
    response
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
