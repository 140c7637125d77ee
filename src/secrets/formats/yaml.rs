//! An indentation walk over YAML that reports each scalar value with its key path and byte
//! span, without building a document: a plain value continued on the next, deeper line is found
//! there, block scalars (`|`, `>`) report their first line, aliases, tags and flow collections
//! are left alone. Documents (`---`) restart the path.

use super::kv::lines;

/// One scalar value.
#[derive(Debug, PartialEq, Eq)]
pub struct Value {
    /// Keys from the document root.
    pub path: Vec<String>,
    /// The span of the value, quotes excluded.
    pub span: (usize, usize),
}

impl Value {
    /// The innermost key.
    pub fn key(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

/// Every scalar mapping value of `data`.
pub fn values(data: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    // A key whose value was empty on its line: the next deeper non-key line is its value.
    let mut pending: Option<usize> = None;
    for (base, line) in lines(data) {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let mut rest = &line[indent..];
        if rest.is_empty() || rest[0] == b'#' {
            continue;
        }
        if rest.starts_with(b"---") || rest.starts_with(b"...") {
            stack.clear();
            pending = None;
            continue;
        }
        let mut col = indent;
        while rest.starts_with(b"- ") {
            rest = &rest[2..];
            col += 2;
        }
        let Some((key, after)) = split_key(rest) else {
            if let Some(pi) = pending.take() {
                if indent > pi {
                    let (s, e) = scalar_span(line, col);
                    let path = stack.iter().map(|(_, k)| k.clone()).collect();
                    out.push(Value {
                        path,
                        span: (base + s, base + e),
                    });
                }
            }
            continue;
        };
        pending = None;
        while stack.last().is_some_and(|(i, _)| *i >= col) {
            stack.pop();
        }
        stack.push((col, key));
        let vs = col + after;
        let vs = vs
            + line[vs..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
        match line.get(vs) {
            None | Some(b'#') => pending = Some(col),
            Some(b'|') | Some(b'>') => pending = Some(col),
            Some(b'&') | Some(b'*') | Some(b'!') | Some(b'{') | Some(b'[') => {}
            Some(_) => {
                let (s, e) = scalar_span(line, vs);
                let path = stack.iter().map(|(_, k)| k.clone()).collect();
                out.push(Value {
                    path,
                    span: (base + s, base + e),
                });
            }
        }
    }
    out
}

/// `key:` at the start of `rest`: the key (quotes removed) and the offset after the colon.
fn split_key(rest: &[u8]) -> Option<(String, usize)> {
    let (key, colon) = if rest[0] == b'"' || rest[0] == b'\'' {
        let close = memchr::memchr(rest[0], &rest[1..])? + 1;
        if rest.get(close + 1) != Some(&b':') {
            return None;
        }
        (&rest[1..close], close + 1)
    } else {
        let mut i = 0;
        loop {
            let c = memchr::memchr(b':', &rest[i..])? + i;
            if matches!(rest.get(c + 1), None | Some(b' ') | Some(b'\t')) {
                break (&rest[..c], c);
            }
            i = c + 1;
        }
    };
    if key.is_empty() || key.contains(&b' ') && rest[0] != b'"' && rest[0] != b'\'' {
        return None;
    }
    Some((String::from_utf8_lossy(key).into_owned(), colon + 1))
}

/// A scalar from `i`: quoted (without quotes) or plain (without a ` #` comment).
fn scalar_span(line: &[u8], i: usize) -> (usize, usize) {
    super::kv::value_span_hash(line, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lists_and_next_line_values() {
        let data = b"spring:\n  datasource:\n    password:\n      Zx9-q # c\n    url: 'jdbc'\n---\ndata:\n  - name: a\n    token: \"t1\"\nb: |\n  blk\nc: *x\n";
        let got: Vec<(String, &[u8])> = values(data)
            .iter()
            .map(|v| (v.path.join("."), &data[v.span.0..v.span.1]))
            .collect();
        assert_eq!(
            got,
            [
                ("spring.datasource.password".to_string(), &b"Zx9-q"[..]),
                ("spring.datasource.url".into(), b"jdbc"),
                ("data.name".into(), b"a"),
                ("data.token".into(), b"t1"),
                ("b".into(), b"blk"),
            ]
        );
    }
}
