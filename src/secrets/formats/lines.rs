//! Detectors of line formats: token streams (`.netrc`), colon-separated records (`.pgpass`,
//! passwd and shadow lines), URL lists (`.git-credentials`), `key = value` files (INI, shell rc,
//! `.env`) and the few source files whose credentials sit in known assignments (`wp-config.php`,
//! Django settings).

use super::kv::{entries, lines, token_values};
use super::value::{is_password_hash, names_credential};
use super::{Detector, Hit, PathInfo};
use regex::bytes::Regex;
use std::sync::OnceLock;

const SHELL_RC: &[&str] = &[
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_aliases",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".zlogin",
    ".kshrc",
    ".mkshrc",
    ".envrc",
    ".exports",
    "bashrc",
    "zshrc",
    "profile",
];

/// Whether a line-format detector reads `p`.
pub fn applies(d: Detector, p: &PathInfo<'_>) -> bool {
    let n = p.name;
    match d {
        Detector::Netrc => matches!(n, ".netrc" | "_netrc" | "netrc"),
        Detector::Pgpass => matches!(n, ".pgpass" | "pgpass" | "pgpass.conf"),
        Detector::GitCredentials => matches!(n, ".git-credentials" | "git-credentials"),
        Detector::PasswdHash => {
            matches!(
                n,
                "htpasswd" | "shadow" | "shadow-" | "gshadow" | "passwd" | "ftpd.passwd"
            ) || p.ext(&[".htpasswd", ".passwd", ".shadow"])
        }
        Detector::SqlHash => p.ext(&[".sql"]),
        Detector::RailsMasterKey => {
            p.path.ends_with("config/master.key")
                || (p.dir("config/credentials/") && p.ext(&[".key"]))
        }
        Detector::MailClient => matches!(
            n,
            ".msmtprc"
                | "msmtprc"
                | ".esmtprc"
                | "esmtprc"
                | ".muttrc"
                | "muttrc"
                | ".fetchmailrc"
                | "fetchmailrc"
        ),
        Detector::WpConfig => n.starts_with("wp-config") && n.ends_with(".php"),
        Detector::DjangoSettings => {
            p.ext(&[".py"]) && (n.contains("settings") || p.dir("settings/"))
        }
        Detector::ShellRc => SHELL_RC.contains(&n),
        Detector::LaravelEnv => n == ".env" || n.starts_with(".env."),
        Detector::Pypirc => matches!(n, ".pypirc" | "pypirc"),
        Detector::AwsCredentials => {
            p.path.ends_with(".aws/credentials")
                || p.path.ends_with(".aws/config")
                || matches!(n, ".s3cfg" | "s3cfg")
        }
        Detector::ConfigFile => p.ext(&[".ini", ".conf", ".cfg", ".cnf"]),
        _ => false,
    }
}

/// The hits of a line-format detector; `None` for the other detectors.
pub fn scan(d: Detector, data: &[u8]) -> Option<Vec<Hit>> {
    let spans: Vec<(usize, usize)> = match d {
        Detector::Netrc => token_values(data, &["password", "passwd"]),
        Detector::Pgpass => pgpass(data),
        Detector::GitCredentials => lines(data)
            .filter_map(|(base, line)| url_password(line).map(|(s, e)| (base + s, base + e)))
            .collect(),
        Detector::PasswdHash => passwd_hashes(data),
        Detector::SqlHash => sql_hashes(data),
        Detector::RailsMasterKey => {
            let t = super::value::trim(data);
            let s = t.as_ptr() as usize - data.as_ptr() as usize;
            let hex = t.len() == 32 && t.iter().all(u8::is_ascii_hexdigit);
            if hex {
                vec![(s, s + 32)]
            } else {
                Vec::new()
            }
        }
        Detector::MailClient if memchr::memmem::find(data, b"poll ").is_some() => {
            token_values(data, &["password", "pass", "passwd"])
        }
        Detector::WpConfig => captures(wp_regex(), data),
        Detector::DjangoSettings => captures(django_regex(), data),
        _ => return key_values(d, data),
    };
    Some(spans.into_iter().map(Hit::plain).collect())
}

/// `key = value` files: which keys each detector reports.
fn key_values(d: Detector, data: &[u8]) -> Option<Vec<Hit>> {
    let wanted: fn(&super::kv::Entry<'_>) -> bool = match d {
        Detector::MailClient | Detector::Pypirc => |e| names_credential(e.key),
        Detector::ShellRc => |e| {
            (e.prefixed
                || e.key
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit()))
                && names_credential(e.key)
        },
        Detector::LaravelEnv => |e| e.key == "APP_KEY",
        Detector::AwsCredentials => |e| {
            matches!(
                e.key.to_ascii_lowercase().as_str(),
                "aws_secret_access_key"
                    | "aws_session_token"
                    | "aws_security_token"
                    | "secret_key"
                    | "access_token"
            )
        },
        Detector::ConfigFile => |e| names_credential(e.key),
        _ => return None,
    };
    let path_like = |v: &[u8]| v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"~/");
    Some(
        entries(data)
            .iter()
            .filter(|e| wanted(e))
            .filter(|e| !(d == Detector::ConfigFile && path_like(&data[e.value.0..e.value.1])))
            .map(|e| Hit::plain(e.value))
            .collect(),
    )
}

/// `host:port:database:user:password`, `\:` escaping a colon: the fifth field.
fn pgpass(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (base, line) in lines(data) {
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut colons = Vec::new();
        let mut i = 0;
        while i < line.len() {
            match line[i] {
                b'\\' => i += 1,
                b':' => colons.push(i),
                _ => {}
            }
            i += 1;
        }
        if colons.len() >= 4 {
            out.push((base + colons[3] + 1, base + line.len()));
        }
    }
    out
}

/// The password of `scheme://user:password@host` in a line.
pub fn url_password(line: &[u8]) -> Option<(usize, usize)> {
    let sep = memchr::memmem::find(line, b"://")? + 3;
    let auth_end = line[sep..]
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#' | b' ' | b'"' | b'\''))
        .map_or(line.len(), |p| sep + p);
    let at = memchr::memrchr(b'@', &line[sep..auth_end])? + sep;
    let colon = memchr::memchr(b':', &line[sep..at])? + sep;
    (colon + 1 < at).then_some((colon + 1, at))
}

/// `name:hash[:…]` lines whose second field is a password hash.
fn passwd_hashes(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (base, line) in lines(data) {
        let Some(c1) = memchr::memchr(b':', line) else {
            continue;
        };
        let end = memchr::memchr(b':', &line[c1 + 1..]).map_or(line.len(), |p| c1 + 1 + p);
        if c1 > 0 && line[0] != b'#' && is_password_hash(&line[c1 + 1..end]) {
            out.push((base + c1 + 1, base + end));
        }
    }
    out
}

fn sql_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"['"`](\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$[^'"`\s]{20,}|\$[156y]\$[^'"`\s]{8,}|\{SSHA\}[A-Za-z0-9+/=]{20,})['"`]"#)
            .unwrap_or_else(|_| unreachable!("static regex"))
    })
}

/// Password hashes quoted in an SQL dump that inserts rows.
fn sql_hashes(data: &[u8]) -> Vec<(usize, usize)> {
    let head = &data[..data.len().min(1 << 20)];
    if memchr::memmem::find(&head.to_ascii_lowercase(), b"insert into").is_none() {
        return Vec::new();
    }
    captures(sql_regex(), data)
}

fn wp_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"define\s*\(\s*['"](?:DB_PASSWORD|(?:SECURE_)?AUTH_(?:KEY|SALT)|LOGGED_IN_(?:KEY|SALT)|NONCE_(?:KEY|SALT))['"]\s*,\s*(?:'([^'\r\n]*)'|"([^"\r\n]*)")"#)
            .unwrap_or_else(|_| unreachable!("static regex"))
    })
}

fn django_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?m)^[ \t]*SECRET_KEY[ \t]*=[ \t]*[rbu]?(?:'([^'\r\n]+)'|"([^"\r\n]+)")"#)
            .unwrap_or_else(|_| unreachable!("static regex"))
    })
}

/// The span of the first participating group of each match.
fn captures(re: &Regex, data: &[u8]) -> Vec<(usize, usize)> {
    re.captures_iter(data)
        .filter_map(|c| (1..c.len()).find_map(|g| c.get(g)))
        .map(|m| (m.start(), m.end()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(d: Detector, data: &str) -> Vec<String> {
        scan(d, data.as_bytes())
            .unwrap_or_default()
            .iter()
            .map(|h| data[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn line_formats() {
        assert_eq!(
            found(Detector::Pgpass, "#c\ndb:5432:*:app:s\\:cr3t\nbad:line\n"),
            ["s\\:cr3t"]
        );
        assert_eq!(
            found(
                Detector::GitCredentials,
                "https://bob:tok3n@git.acme.test\nhttps://alice@x.test\n"
            ),
            ["tok3n"]
        );
        assert_eq!(
            found(
                Detector::PasswdHash,
                "root:$6$abcdefgh$ijklmnopqrst:19000::\nbin:*:1\nx:!!:2\n"
            ),
            ["$6$abcdefgh$ijklmnopqrst"]
        );
        assert_eq!(
            found(
                Detector::WpConfig,
                "define( 'DB_PASSWORD', 'Pw9!x' );\ndefine('DB_USER', 'u');"
            ),
            ["Pw9!x"]
        );
        assert_eq!(
            found(
                Detector::ShellRc,
                "export GH_TOKEN=\"abc\"\nexport PATH=/bin\nfoo_token=1\n"
            ),
            ["abc"]
        );
    }
}
