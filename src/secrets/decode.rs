//! Base64 values of Kubernetes `Secret` manifests (`data:` entries are base64 by definition, so a
//! credential there is invisible to plain-text rules). Each value is decoded and offered to the
//! rules as `key: decoded`, positioned at the encoded text.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use memchr::memmem;
use regex::bytes::Regex;
use std::sync::OnceLock;

/// A decoded value: the text to scan and the span of its encoded form in the original.
#[derive(Debug, PartialEq, Eq)]
pub struct Segment {
    /// Start of the encoded value.
    pub start: usize,
    /// End of the encoded value.
    pub end: usize,
    /// `key: decoded value`, for the rules.
    pub text: Vec<u8>,
}

/// Whether the blob looks like a Kubernetes Secret manifest (YAML or JSON).
pub fn is_candidate(data: &[u8]) -> bool {
    [
        &b"kind: Secret"[..],
        b"kind: \"Secret\"",
        b"\"kind\": \"Secret\"",
        b"\"kind\":\"Secret\"",
    ]
    .iter()
    .any(|needle| memmem::find(data, needle).is_some())
}

fn entry_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // `  key: value` (YAML) or `"key": "value"` (JSON); the value is one base64 token.
        Regex::new(
            r#"(?m)^[ \t]*"?([A-Za-z0-9_.\-]+)"?[ \t]*:[ \t]*["']?([A-Za-z0-9+/]{8,}={0,2})["']?[ \t]*,?[ \t]*\r?$"#,
        )
        .unwrap_or_else(|_| unreachable!("static regex"))
    })
}

/// Every decodable base64 value in the blob whose decoded form is text.
pub fn segments(data: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    for caps in entry_regex().captures_iter(data) {
        let (Some(key), Some(val)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let Some(decoded) = decode_text(val.as_bytes()) else {
            continue;
        };
        let mut text = key.as_bytes().to_vec();
        text.extend_from_slice(b": ");
        text.extend_from_slice(&decoded);
        out.push(Segment {
            start: val.start(),
            end: val.end(),
            text,
        });
    }
    out
}

/// Decodes base64 whose result is printable UTF-8 (tabs and newlines allowed).
fn decode_text(encoded: &[u8]) -> Option<Vec<u8>> {
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (printable && !text.trim().is_empty()).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_secret_data_values() {
        let value = STANDARD.encode("s3cr3t-Value-99");
        let doc = format!("kind: Secret\ndata:\n  password: {value}\n  bin: AAECAwQFBgcI\n");
        assert!(is_candidate(doc.as_bytes()));
        let segs = segments(doc.as_bytes());
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].text, b"password: s3cr3t-Value-99");
        assert_eq!(
            &doc.as_bytes()[segs[0].start..segs[0].end],
            value.as_bytes()
        );
    }

    #[test]
    fn ignores_other_yaml() {
        assert!(!is_candidate(b"kind: ConfigMap\ndata:\n  a: b\n"));
    }
}
