//! A tolerant JSON walk (comments and trailing commas allowed, as in editor configs) that
//! reports every scalar value with its key path and byte span, so a value on the line after its
//! key is still found. Broken input never fails: the walk takes what it can.

/// One scalar value: the keys leading to it and its span (quotes excluded).
#[derive(Debug, PartialEq, Eq)]
pub struct Value {
    /// Object keys from the root; array levels repeat their parent's key.
    pub path: Vec<String>,
    /// The span of the value.
    pub span: (usize, usize),
    /// Whether the value was a string.
    pub string: bool,
}

impl Value {
    /// The innermost key (empty at the root).
    pub fn key(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

struct Frame {
    object: bool,
    expect_key: bool,
    key: Option<String>,
}

/// Every scalar value of `data`.
pub fn values(data: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'/' if data.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &data[i..]).map_or(data.len(), |p| i + p);
                continue;
            }
            b'/' if data.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&data[i + 2..], b"*/").map_or(data.len(), |p| i + p + 4);
                continue;
            }
            b'{' | b'[' => {
                let name = stack.last_mut().and_then(|f| {
                    if f.object {
                        f.key.take()
                    } else {
                        names.last().cloned()
                    }
                });
                names.push(name.unwrap_or_default());
                stack.push(Frame {
                    object: b == b'{',
                    expect_key: b == b'{',
                    key: None,
                });
            }
            b'}' | b']' if stack.pop().is_some() => {
                names.pop();
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    f.expect_key = f.object;
                    f.key = None;
                }
            }
            b'"' | b'\'' => {
                let end = string_end(data, i);
                let span = (i + 1, end);
                i = end + 1;
                scalar(data, span, true, &mut stack, &names, &mut out);
                continue;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' => {
                let mut j = i;
                while j < data.len()
                    && (data[j].is_ascii_alphanumeric() || b"-+._".contains(&data[j]))
                {
                    j += 1;
                }
                scalar(data, (i, j), false, &mut stack, &names, &mut out);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A string or bare token: an object key when one is expected, else a value.
fn scalar(
    data: &[u8],
    span: (usize, usize),
    string: bool,
    stack: &mut [Frame],
    names: &[String],
    out: &mut Vec<Value>,
) {
    let mut path: Vec<String> = names.iter().skip(1).cloned().collect();
    match stack.last_mut() {
        Some(f) if f.object && f.expect_key => {
            f.key = Some(String::from_utf8_lossy(&data[span.0..span.1]).into_owned());
            f.expect_key = false;
            return;
        }
        Some(f) if f.object => path.push(f.key.take().unwrap_or_default()),
        _ => {}
    }
    out.push(Value { path, span, string });
}

/// Index of the closing quote of the string opening at `start` (or the end of the data).
fn string_end(data: &[u8], start: usize) -> usize {
    let q = data[start];
    let mut j = start + 1;
    while j < data.len() && data[j] != q {
        j += if data[j] == b'\\' { 2 } else { 1 };
    }
    j.min(data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_and_next_line_values() {
        let data = br#"{ // c
  "auths": {"r.io": {"auth":
      "abc"}},
  "list": [{"password": "p"}, "x"], /* c */ "n": 42,
}"#;
        let vs = values(data);
        let got: Vec<(String, &[u8])> = vs
            .iter()
            .map(|v| (v.path.join("."), &data[v.span.0..v.span.1]))
            .collect();
        assert_eq!(
            got,
            [
                ("auths.r.io.auth".to_string(), &b"abc"[..]),
                ("list.list.password".into(), b"p"),
                ("list".into(), b"x"),
                ("n".into(), b"42"),
            ]
        );
    }

    #[test]
    fn broken_input_does_not_fail() {
        for data in [&b"}}]]\"a\":"[..], b"{\"a\": \"unterminated", b"[[[", b"\\"] {
            let _ = values(data);
        }
    }
}
