//! A git remote URL as reports may show it: without credentials, and for SARIF as an absolute
//! URI (`versionControlProvenance[].repositoryUri` has `"format": "uri"`).
//!
//! Remotes come from `.git/config` as the user typed them: `https://x-access-token:TOKEN@host/r`
//! carries a credential, and the scp-like `git@host:org/repo.git` (the usual SSH spelling) is not
//! a URI at all. This file only rewrites strings; reading the remote is `source/`'s business.

/// The remote with any credential removed when `redact`: all userinfo of `http(s)` URLs (where
/// it is only ever a token), and `user:password` elsewhere (`ssh://git@host/...` keeps `git`).
pub(super) fn display_remote(raw: &str, redact: bool) -> String {
    if !redact {
        return raw.to_owned();
    }
    match split_url(raw) {
        Some(url) => url.join(strip_credentials(url.scheme, url.userinfo)),
        // scp-like `user@host:path` has no password field (git-clone(1), "GIT URLS").
        None => raw.to_owned(),
    }
}

/// The remote as an absolute URI for SARIF, credentials removed when `redact`; `None` when it
/// cannot be one (a relative local path, an empty string).
pub(super) fn repository_uri(raw: &str, redact: bool) -> Option<String> {
    let raw = raw.trim();
    let uri = if let Some(url) = split_url(raw) {
        let userinfo = if redact {
            strip_credentials(url.scheme, url.userinfo)
        } else {
            url.userinfo
        };
        url.join(userinfo)
    } else if let Some(path) = local_path(raw) {
        // Literal in a path, special in a URI.
        let path = path
            .replace('%', "%25")
            .replace('#', "%23")
            .replace('?', "%3F");
        format!("file://{path}")
    } else if let Some((userinfo, host, path)) = split_scp(raw) {
        // git reads `host:path` as `ssh://host/path` (git-clone(1), "GIT URLS").
        let at = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
        format!("ssh://{at}{host}/{}", path.trim_start_matches('/'))
    } else {
        return None;
    };
    Some(encode(&uri))
}

/// `scheme://[userinfo@]authority-rest`, split at the userinfo.
struct Url<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    rest: &'a str,
}

impl Url<'_> {
    fn join(&self, userinfo: Option<&str>) -> String {
        match userinfo {
            Some(u) => format!("{}://{u}@{}", self.scheme, self.rest),
            None => format!("{}://{}", self.scheme, self.rest),
        }
    }
}

fn split_url(raw: &str) -> Option<Url<'_>> {
    let (scheme, after) = raw.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid {
        return None;
    }
    let authority_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    Some(match after[..authority_end].rfind('@') {
        Some(at) => Url {
            scheme,
            userinfo: Some(&after[..at]),
            rest: &after[at + 1..],
        },
        None => Url {
            scheme,
            userinfo: None,
            rest: after,
        },
    })
}

fn strip_credentials<'a>(scheme: &str, userinfo: Option<&'a str>) -> Option<&'a str> {
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    userinfo.filter(|u| !web && !u.contains(':'))
}

/// `[user@]host:path`, as git recognises it: a colon before any slash, and not a drive letter.
fn split_scp(raw: &str) -> Option<(Option<&str>, &str, &str)> {
    let colon = raw.find(':')?;
    if raw[..colon].contains('/') || raw.len() == colon + 1 {
        return None;
    }
    let (userinfo, host) = match raw[..colon].rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, &raw[..colon]),
    };
    (host.len() > 1 && !host.contains(char::is_whitespace))
        .then(|| (userinfo, host, &raw[colon + 1..]))
}

/// An absolute local path as the path part of a `file://` URI: `/srv/r.git`, `/C:/r` for
/// `C:\r`.
fn local_path(raw: &str) -> Option<String> {
    if raw.starts_with('/') {
        return Some(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let drive = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    drive.then(|| format!("/{}", raw.replace('\\', "/")))
}

/// Percent-encodes what may not appear in a URI (RFC 3986 §2): spaces, controls, non-ASCII and
/// `"<>\^`{|}`. Everything else, `%` included, stays as written.
fn encode(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for byte in uri.bytes() {
        if byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_when_redacting() {
        let token = format!("ghs_{}", "x".repeat(36));
        let raw = format!("https://x-access-token:{token}@github.com/acme/app.git");
        assert_eq!(
            display_remote(&raw, true),
            "https://github.com/acme/app.git"
        );
        assert_eq!(display_remote(&raw, false), raw);
        let bare = format!("https://{token}@github.com/acme/app.git");
        assert_eq!(
            display_remote(&bare, true),
            "https://github.com/acme/app.git"
        );
        let ssh = "ssh://git@host.example:2222/acme/app.git";
        assert_eq!(display_remote(ssh, true), ssh);
        assert_eq!(display_remote("ssh://me:pw@host/r", true), "ssh://host/r");
        assert_eq!(
            display_remote("git@github.com:acme/app.git", true),
            "git@github.com:acme/app.git"
        );
    }

    #[test]
    fn remotes_become_absolute_uris() {
        let uri = |raw: &str| repository_uri(raw, true);
        assert_eq!(
            uri("https://github.com/acme/app.git").as_deref(),
            Some("https://github.com/acme/app.git")
        );
        assert_eq!(
            uri("git@github.com:acme/app.git").as_deref(),
            Some("ssh://git@github.com/acme/app.git")
        );
        assert_eq!(
            uri("host.example:/srv/app").as_deref(),
            Some("ssh://host.example/srv/app")
        );
        assert_eq!(
            uri("/srv/git/my app.git").as_deref(),
            Some("file:///srv/git/my%20app.git")
        );
        assert_eq!(
            uri("C:\\repos\\app").as_deref(),
            Some("file:///C:/repos/app")
        );
        assert_eq!(uri("https://u:p@host/r").as_deref(), Some("https://host/r"));
        assert_eq!(uri("../sibling"), None);
        assert_eq!(uri("app"), None);
        assert_eq!(uri(""), None);
    }
}
