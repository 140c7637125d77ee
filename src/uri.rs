//! URI text for reports: percent-encoding of paths (RFC 3986) and `file://` URIs of directories.
//! Shared by the scan (SARIF's `%SRCROOT%`) and the SARIF writer (artifact locations).

use std::path::Path;

/// A relative path as a URI reference (RFC 3986): unreserved characters and `/` stay, every
/// other byte of the UTF-8 becomes `%XX`. `:` is encoded too, so that `c:x` cannot read as a
/// scheme.
pub fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The advisory's own page (issue 12 item 7): GitHub's advisory database for `GHSA-` ids,
/// rustsec.org for `RUSTSEC-` ids, OSV for every other id (PYSEC, MAL, CVE, ...). A record's
/// first reference is often a commit or an issue, not the advisory.
pub fn advisory_page(id: &str) -> String {
    let enc = percent_encode(id);
    if id.starts_with("GHSA-") {
        format!("https://github.com/advisories/{enc}")
    } else if id.starts_with("RUSTSEC-") {
        format!("https://rustsec.org/advisories/{enc}.html")
    } else {
        format!("https://osv.dev/vulnerability/{enc}")
    }
}

/// `file:///abs/dir/` for the directory `root` (or the directory of `root` if it is a file).
pub fn dir_uri(root: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(root).ok()?;
    let dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    let mut uri = String::from("file://");
    for part in dir.to_string_lossy().split(std::path::MAIN_SEPARATOR) {
        if !part.is_empty() {
            uri.push('/');
            uri.push_str(&percent_encode(part));
        }
    }
    uri.push('/');
    Some(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_unreserved() {
        assert_eq!(percent_encode("a b/ü#?%.rs"), "a%20b/%C3%BC%23%3F%25.rs");
        assert_eq!(percent_encode("c:x"), "c%3Ax");
    }

    #[test]
    fn directory_uris_end_in_a_slash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let uri = dir_uri(dir.path()).expect("uri");
        assert!(uri.starts_with("file:///") && uri.ends_with('/'), "{uri}");
    }
}
