//! A tolerant XML walk: every attribute value and every element's text, with the element's name
//! (and, for text, whether it declares `encoding="base64"`, as FileZilla does). Comments,
//! declarations and CDATA markers are skipped; broken markup never fails.

/// One attribute value or element text.
#[derive(Debug, PartialEq, Eq)]
pub struct Item {
    /// The element's name.
    pub element: String,
    /// The attribute's name; `None` for the element's text.
    pub attribute: Option<String>,
    /// The value's span.
    pub span: (usize, usize),
    /// The element carries `encoding="base64"`.
    pub base64: bool,
}

/// Every attribute value and text of `data`.
pub fn items(data: &[u8]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &data[i..]) {
        let lt = i + p;
        if data[lt..].starts_with(b"<!--") {
            i = memchr::memmem::find(&data[lt..], b"-->").map_or(data.len(), |q| lt + q + 3);
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &data[lt..]).map(|q| lt + q) else {
            break;
        };
        i = gt + 1;
        let tag = &data[lt + 1..gt];
        if tag.first().is_some_and(|b| b"/?!".contains(b)) {
            continue;
        }
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        let element = String::from_utf8_lossy(&tag[..name_end]).into_owned();
        let mut base64 = false;
        for (attr, span) in attributes(tag, lt + 1 + name_end, name_end) {
            if attr.eq_ignore_ascii_case("encoding")
                && data[span.0..span.1].eq_ignore_ascii_case(b"base64")
            {
                base64 = true;
            }
            out.push(Item {
                element: element.clone(),
                attribute: Some(attr),
                span,
                base64: false,
            });
        }
        if tag.last() != Some(&b'/') {
            let end = memchr::memchr(b'<', &data[i..]).map_or(data.len(), |q| i + q);
            let text = super::value::trim(&data[i..end]);
            if !text.is_empty() {
                let s = i + data[i..end]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                out.push(Item {
                    element,
                    attribute: None,
                    span: (s, s + text.len()),
                    base64,
                });
            }
        }
    }
    out
}

/// `name="value"` pairs of a tag's inside, starting after the element name; spans are
/// absolute (`abs` is the offset of `tag[from]` in the data).
fn attributes(tag: &[u8], abs: usize, from: usize) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let mut i = from;
    let base = abs - from;
    while i < tag.len() {
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < tag.len() && !tag[i].is_ascii_whitespace() && tag[i] != b'=' && tag[i] != b'/' {
            i += 1;
        }
        let name = String::from_utf8_lossy(&tag[ns..i]).into_owned();
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= tag.len() || tag[i] != b'=' {
            if i == ns {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let Some(&q) = tag.get(i) else { break };
        if q != b'"' && q != b'\'' {
            continue;
        }
        let close = memchr::memchr(q, &tag[i + 1..]).map_or(tag.len(), |p| i + 1 + p);
        out.push((name, (base + i + 1, base + close)));
        i = close + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_text() {
        let data = br#"<?xml version="1.0"?><!-- <Pass>x</Pass> --><Server><Pass encoding="base64">cDE=</Pass>
<option name="password" value='v1'/></Server>"#;
        let got: Vec<(String, Option<String>, &[u8], bool)> = items(data)
            .into_iter()
            .map(|it| {
                (
                    it.element,
                    it.attribute,
                    &data[it.span.0..it.span.1],
                    it.base64,
                )
            })
            .collect();
        assert_eq!(
            got[0],
            (
                "Pass".into(),
                Some("encoding".into()),
                &b"base64"[..],
                false
            )
        );
        assert_eq!(got[1], ("Pass".into(), None, &b"cDE="[..], true));
        assert_eq!(got[2].2, b"password");
        assert_eq!(
            got[3],
            ("option".into(), Some("value".into()), &b"v1"[..], false)
        );
    }

    #[test]
    fn broken_markup() {
        for d in [&b"<a b=\"x"[..], b"<", b"<a b= >", b"<!--", b"<a ='x'>"] {
            let _ = items(d);
        }
    }
}
