//! A small JSON reader that remembers the 1-based line of every object key, which `serde_json`
//! does not expose; npm lockfile entries are located by it. Values other than objects, arrays
//! and strings are kept only as their raw text: the lockfile parser never needs numbers.

use crate::deps::package::ParseError;

/// A JSON value with the line of each object key.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    /// An object: (key, line of the key, value), in file order.
    Object(Vec<(String, usize, Json)>),
    /// An array.
    Array(Vec<Json>),
    /// A string, unescaped.
    Str(String),
    /// A number, `true`, `false` or `null`, as written.
    Scalar(String),
}

impl Json {
    /// The value under `key`, if this is an object that has it (the last one wins, like JSON.parse).
    pub(super) fn get(&self, key: &str) -> Option<&Json> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    /// The string under `key`, if any.
    pub(super) fn str(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Json::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// Whether `key` holds `true`.
    pub(super) fn is_true(&self, key: &str) -> bool {
        matches!(self.get(key), Some(Json::Scalar(s)) if s == "true")
    }

    /// The object's entries; empty for anything else.
    pub(super) fn entries(&self) -> &[(String, usize, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }
}

/// Parses a whole document.
pub(super) fn parse(text: &str) -> Result<Json, ParseError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    // A UTF-8 byte order mark is legal in files written on Windows.
    if text.starts_with('\u{feff}') {
        reader.pos = 3;
    }
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("trailing characters after the JSON value"));
    }
    Ok(value)
}

/// Deeper nesting than any lockfile has is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> ParseError {
        ParseError::new(format!("line {}: invalid JSON: {what}", self.line))
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => self.scalar(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let line = self.line;
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            entries.push((key, line, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(entries));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn scalar(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        while let Some(b) = self.bytes.get(self.pos) {
            if !matches!(b, b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E') {
                break;
            }
            self.pos += 1;
        }
        let raw = String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned();
        let valid = matches!(raw.as_str(), "true" | "false" | "null")
            || (!raw.is_empty() && raw.parse::<f64>().is_ok());
        if valid {
            Ok(Json::Scalar(raw))
        } else {
            Err(self.error(&format!("unexpected `{raw}`")))
        }
    }

    /// Reads a string starting at the opening quote.
    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => self.escape(&mut out)?,
                b'\n' => return Err(self.error("newline inside a string")),
                _ => out.push(b),
            }
        }
        // The input is a `&str`, and escapes push whole chars, so this cannot fail in practice.
        String::from_utf8(out).map_err(|_| self.error("string is not UTF-8"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode()?,
            _ => return Err(self.error("invalid escape")),
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(digits)
    }

    fn unicode(&mut self) -> Result<char, ParseError> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            // A surrogate pair: `\uD83D\uDE00`.
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error("unpaired surrogate"));
            }
            self.pos += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error("unpaired surrogate"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Json};

    #[test]
    fn keys_carry_lines() {
        let doc =
            parse("{\n  \"a\": {\n    \"b\": [1, true, null]\n  },\n  \"c\": \"x\\u00e9\\n\"\n}")
                .expect("valid");
        let (key, line, inner) = &doc.entries()[0];
        assert_eq!((key.as_str(), *line), ("a", 2));
        assert_eq!(inner.entries()[0].1, 3);
        assert_eq!(doc.str("c"), Some("xé\n"));
        assert_eq!(doc.entries()[1].1, 5);
    }

    #[test]
    fn surrogate_pairs_decode() {
        assert_eq!(
            parse("\"\\ud83d\\ude00\"").expect("valid"),
            Json::Str("😀".to_string())
        );
    }

    #[test]
    fn malformed_json_names_the_line() {
        for bad in [
            "{\n\"a\": }",
            "{\"a\" 1}",
            "[1,",
            "\"open",
            "{} x",
            "tru",
            "{\"a\":1,}",
        ] {
            let err = parse(bad).expect_err(bad);
            assert!(err.message.starts_with("line "), "{bad}: {}", err.message);
        }
        assert!(parse("{\n\n\"a\": @}")
            .expect_err("bad")
            .message
            .starts_with("line 3:"));
    }
}
