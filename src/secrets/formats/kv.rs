//! Line formats: `key = value` / `key: value` / `key value` lines with INI sections, shell
//! `export` and mutt `set` prefixes, and whitespace-separated token streams (`.netrc`,
//! `.fetchmailrc`). Spans are byte offsets of the value, quotes excluded.

/// One `key <sep> value` line.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The `[section]` it sits in (empty before any).
    pub section: &'a str,
    /// The key, as written.
    pub key: &'a str,
    /// Whether a prefix such as `export` or `set` came before the key.
    pub prefixed: bool,
    /// The value's span, quotes excluded.
    pub value: (usize, usize),
}

/// Lines of `data` with their start offsets (the `\n` excluded, a trailing `\r` dropped).
pub fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let start = pos;
        pos = end + 1;
        let mut line = &data[start..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        Some((start, line))
    })
}

fn skip_ws(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
        i += 1;
    }
    i
}

/// Every `key <sep> value` entry; `#`, `;`, `//` and `!` lines are comments.
pub fn entries(data: &[u8]) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    let mut section = "";
    for (base, line) in lines(data) {
        let mut i = skip_ws(line, 0);
        let rest = &line[i..];
        if rest.is_empty() || b"#;!".contains(&rest[0]) || rest.starts_with(b"//") {
            continue;
        }
        if rest[0] == b'[' {
            if let Some(close) = memchr::memchr(b']', rest) {
                section = std::str::from_utf8(&rest[1..close]).unwrap_or("").trim();
            }
            continue;
        }
        let mut prefixed = false;
        for p in [&b"export "[..], b"set ", b"setenv "] {
            if line[i..].starts_with(p) {
                i = skip_ws(line, i + p.len());
                prefixed = true;
                break;
            }
        }
        let ks = i;
        while i < line.len() && !b"=: \t".contains(&line[i]) {
            i += 1;
        }
        let Ok(key) = std::str::from_utf8(&line[ks..i]) else {
            continue;
        };
        let key = key.trim_matches(|c| c == '"' || c == '\'');
        if key.is_empty() {
            continue;
        }
        i = skip_ws(line, i);
        if i < line.len() && (line[i] == b'=' || line[i] == b':') {
            i = skip_ws(line, i + 1);
        }
        let (s, e) = value_span(line, i);
        out.push(Entry {
            section,
            key,
            prefixed,
            value: (base + s, base + e),
        });
    }
    out
}

/// The value starting at `i`: a quoted string without its quotes, or the rest of the line
/// without a trailing ` # comment` / ` ; comment` and white space.
pub fn value_span(line: &[u8], i: usize) -> (usize, usize) {
    span_until_comment(line, i, b"#;")
}

fn span_until_comment(line: &[u8], i: usize, comment: &[u8]) -> (usize, usize) {
    if i >= line.len() {
        return (line.len(), line.len());
    }
    let q = line[i];
    if q == b'"' || q == b'\'' {
        let mut j = i + 1;
        while j < line.len() && line[j] != q {
            j += if line[j] == b'\\' { 2 } else { 1 };
        }
        return (i + 1, j.min(line.len()));
    }
    let mut end = line.len();
    for j in i + 1..line.len() {
        if comment.contains(&line[j]) && (line[j - 1] == b' ' || line[j - 1] == b'\t') {
            end = j;
            break;
        }
    }
    while end > i && (line[end - 1] == b' ' || line[end - 1] == b'\t') {
        end -= 1;
    }
    (i, end)
}

/// Like [`value_span`], but only ` #` starts a comment (YAML, shell).
pub fn value_span_hash(line: &[u8], i: usize) -> (usize, usize) {
    span_until_comment(line, i, b"#")
}

/// Values that follow one of `names` in a whitespace-separated token stream (quoted tokens
/// allowed, `#` comments skipped), as in `.netrc` and `.fetchmailrc`.
pub fn token_values(data: &[u8], names: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut want = false;
    for (base, line) in lines(data) {
        let mut i = 0;
        while i < line.len() {
            i = skip_ws(line, i);
            if i >= line.len() || (line[i] == b'#' && !want) {
                break;
            }
            let (s, e, next) = if line[i] == b'"' || line[i] == b'\'' {
                let (s, e) = value_span(line, i);
                (s, e, e + 1)
            } else {
                let mut j = i;
                while j < line.len() && line[j] != b' ' && line[j] != b'\t' {
                    j += 1;
                }
                (i, j, j)
            };
            if want {
                out.push((base + s, base + e));
                want = false;
            } else {
                let tok = &line[s..e];
                want = names.iter().any(|n| tok.eq_ignore_ascii_case(n.as_bytes()));
            }
            i = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals<'a>(data: &'a [u8], es: &[Entry<'_>]) -> Vec<(&'a [u8], String)> {
        es.iter()
            .map(|e| (&data[e.value.0..e.value.1], e.key.to_string()))
            .collect()
    }

    #[test]
    fn ini_and_shell_lines() {
        let data = b"[default]\r\naws_secret = 'a b' # c\nexport X_TOKEN=abc#1 ; x\n; c\nset smtp_pass=\"q\"\npassword secret\n";
        let es = entries(data);
        let got = vals(data, &es);
        assert_eq!(got[0], (&b"a b"[..], "aws_secret".into()));
        assert_eq!(es[0].section, "default");
        assert_eq!(got[1].0, b"abc#1");
        assert!(es[1].prefixed);
        assert_eq!(got[2].0, b"q");
        assert_eq!(got[3], (&b"secret"[..], "password".into()));
    }

    #[test]
    fn tokens_across_lines() {
        let data = b"machine a login u\n  password p1\npoll b user 'x' password \"p 2\"\n";
        let spans = token_values(data, &["password"]);
        let got: Vec<&[u8]> = spans.iter().map(|&(s, e)| &data[s..e]).collect();
        assert_eq!(got, [&b"p1"[..], b"p 2"]);
    }
}
