//! Structure and checksum checks a rule can ask for with `validate = "NAME"` (issue 15 item 3):
//! a value that matches a rule's regex but fails its format's checksum or structure is not that
//! provider's credential, and is not reported as one. Each check takes the secret's bytes only
//! and never panics; the generators make synthetic values that pass, for rule examples and tests.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// The checks a rule can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// GitHub `gh[pousr]_` tokens: the last 6 of the 36 characters are the base62 CRC32 of the 30
    /// before them (github.blog, "Behind GitHub's new authentication token formats", 2021).
    GithubCrc32,
    /// npm `npm_` tokens: the same CRC32 scheme as GitHub's (npm's 2021 token format).
    NpmCrc32,
    /// PyPI `pypi-` tokens: a base64url macaroon (v2 binary) whose location is pypi.org or
    /// test.pypi.org, with an identifier and a 32-byte signature.
    PypiMacaroon,
    /// Slack `xox?-` / `xapp-` tokens: the segment layout of each token kind.
    Slack,
    /// JSON Web Tokens: header and payload are base64url JSON objects; the header names `alg`.
    Jwt,
    /// Base64 of a GCP service-account key file: JSON with `"type": "service_account"` and a
    /// PEM `private_key`.
    GcpServiceAccountBase64,
}

impl Validator {
    /// Every validator's name, as rule files spell it.
    pub const NAMES: &'static [&'static str] = &[
        "github-crc32",
        "npm-crc32",
        "pypi-macaroon",
        "slack",
        "jwt",
        "gcp-service-account-base64",
    ];

    /// The validator a rule file names, or `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Validator> {
        Some(match name {
            "github-crc32" => Validator::GithubCrc32,
            "npm-crc32" => Validator::NpmCrc32,
            "pypi-macaroon" => Validator::PypiMacaroon,
            "slack" => Validator::Slack,
            "jwt" => Validator::Jwt,
            "gcp-service-account-base64" => Validator::GcpServiceAccountBase64,
            _ => return None,
        })
    }

    /// The name rule files use.
    pub fn name(self) -> &'static str {
        match self {
            Validator::GithubCrc32 => "github-crc32",
            Validator::NpmCrc32 => "npm-crc32",
            Validator::PypiMacaroon => "pypi-macaroon",
            Validator::Slack => "slack",
            Validator::Jwt => "jwt",
            Validator::GcpServiceAccountBase64 => "gcp-service-account-base64",
        }
    }

    /// Whether `secret` passes the check.
    pub fn check(self, secret: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(secret) else {
            return false;
        };
        match self {
            Validator::GithubCrc32 => github_crc32(text),
            Validator::NpmCrc32 => text.strip_prefix("npm_").is_some_and(crc32_body_ok),
            Validator::PypiMacaroon => pypi_macaroon(text),
            Validator::Slack => slack(text),
            Validator::Jwt => jwt(text),
            Validator::GcpServiceAccountBase64 => gcp_service_account(text),
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit: tokens are short.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `n` in base62 (0-9A-Za-z), left-padded with `0` to six characters.
fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// A 36-character body whose last 6 characters are the base62 CRC32 of the first 30.
fn crc32_body_ok(body: &str) -> bool {
    let b = body.as_bytes();
    b.len() == 36 && b.iter().all(u8::is_ascii_alphanumeric) && base62_6(crc32(&b[..30])) == b[30..]
}

fn github_crc32(text: &str) -> bool {
    let Some((prefix, body)) = text.split_once('_') else {
        return false;
    };
    match prefix {
        "ghp" | "gho" | "ghu" | "ghs" => crc32_body_ok(body),
        // Refresh tokens grew to 76 characters; only the 36-character form's checksum is documented.
        "ghr" if body.len() != 36 => body.bytes().all(|c| c.is_ascii_alphanumeric()),
        "ghr" => crc32_body_ok(body),
        _ => false,
    }
}

/// A synthetic GitHub/npm-style token: `prefix` + the 30 characters of `random` + their checksum.
/// `random` must be 30 base62 characters.
pub fn crc32_token(prefix: &str, random: &str) -> String {
    let sum = base62_6(crc32(random.as_bytes()));
    format!("{prefix}{random}{}", String::from_utf8_lossy(&sum))
}

/// Base64 in either alphabet, padded or not (tokens strip padding; files keep it).
fn decode_b64(text: &str) -> Option<Vec<u8>> {
    let cfg = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let engine = if text.contains(['-', '_']) {
        GeneralPurpose::new(&alphabet::URL_SAFE, cfg)
    } else {
        GeneralPurpose::new(&alphabet::STANDARD, cfg)
    };
    engine.decode(text.trim_end_matches('=')).ok()
}

/// One macaroon v2 field: (type, data); type 0 is end-of-section and has no data.
fn macaroon_fields(mut bytes: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (kind, rest) = varint(bytes)?;
        if kind == 0 {
            out.push((0, &rest[..0]));
            bytes = rest;
            continue;
        }
        let (len, rest) = varint(rest)?;
        let len = usize::try_from(len).ok()?;
        if len > rest.len() {
            return None;
        }
        out.push((kind, &rest[..len]));
        bytes = &rest[len..];
    }
    Some(out)
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut n = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(9) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

fn pypi_macaroon(text: &str) -> bool {
    let Some(raw) = text.strip_prefix("pypi-").and_then(decode_b64) else {
        return false;
    };
    let Some((&2, body)) = raw.split_first() else {
        return false; // macaroon binary format version 2
    };
    let Some(fields) = macaroon_fields(body) else {
        return false;
    };
    let location_ok =
        matches!(fields.first(), Some((1, loc)) if *loc == b"pypi.org" || *loc == b"test.pypi.org");
    let identifier_ok = matches!(fields.get(1), Some((2, id)) if !id.is_empty());
    let signed = matches!(fields.last(), Some((6, sig)) if sig.len() == 32);
    location_ok && identifier_ok && signed
}

/// A synthetic PyPI-style token for `location` (`pypi.org` or `test.pypi.org`): a v2 macaroon
/// with the given identifier, one caveat and a made-up 32-byte signature.
pub fn pypi_token(location: &str, identifier: &str, caveat: &str, signature: [u8; 32]) -> String {
    let mut raw = vec![2u8];
    let field = |raw: &mut Vec<u8>, kind: u8, data: &[u8]| {
        raw.push(kind);
        let mut len = data.len();
        while len >= 0x80 {
            raw.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        raw.push(len as u8);
        raw.extend_from_slice(data);
    };
    field(&mut raw, 1, location.as_bytes());
    field(&mut raw, 2, identifier.as_bytes());
    raw.push(0);
    field(&mut raw, 2, caveat.as_bytes());
    raw.push(0);
    raw.push(0);
    field(&mut raw, 6, &signature);
    format!(
        "pypi-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn alnum(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Slack's layouts: bot `xoxb-TEAM-BOT-secret24`, user `xoxp-TEAM-USER-ID-hex32`, app-level
/// `xapp-V-A…-ID-hex64`, config/refresh `xoxe(.xox[bp])-V-secret`, legacy `xox[acrs]-…`.
fn slack(text: &str) -> bool {
    let (head, rest) = match text.split_once('-') {
        Some(p) => p,
        None => return false,
    };
    let parts: Vec<&str> = rest.split('-').collect();
    match (head, parts.as_slice()) {
        ("xoxb", [team, bot, secret]) => {
            digits(team, 8, 14) && digits(bot, 8, 14) && alnum(secret, 24, 24)
        }
        ("xoxp", [team, user, id, secret]) => {
            digits(team, 8, 14) && digits(user, 8, 14) && digits(id, 8, 14) && hex(secret, 32)
        }
        ("xapp", [version, app, id, secret]) => {
            digits(version, 1, 1)
                && app.starts_with('A')
                && alnum(app, 9, 12)
                && app
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && digits(id, 10, 14)
                && hex(secret, 64)
        }
        ("xoxe" | "xoxe.xoxb" | "xoxe.xoxp", [version, secret]) => {
            digits(version, 1, 1) && alnum(secret, 100, usize::MAX)
        }
        ("xoxa" | "xoxr" | "xoxs" | "xoxc", [first, more @ ..]) if !more.is_empty() => {
            digits(first, 1, 14) && more.iter().all(|p| alnum(p, 1, 64))
        }
        _ => false,
    }
}

fn json_object(b64: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let raw = decode_b64(b64)?;
    match serde_json::from_slice(&raw).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn jwt(text: &str) -> bool {
    let mut parts = text.split('.');
    let (Some(header), Some(payload), Some(_sig)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let header_ok =
        json_object(header).is_some_and(|h| h.get("alg").is_some_and(|a| a.is_string()));
    header_ok && json_object(payload).is_some()
}

fn gcp_service_account(text: &str) -> bool {
    json_object(text).is_some_and(|m| {
        m.get("type").and_then(|t| t.as_str()) == Some("service_account")
            && m.get("private_key")
                .and_then(|k| k.as_str())
                .is_some_and(|k| k.contains("PRIVATE KEY"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn generated_github_and_npm_tokens_validate_and_altered_ones_do_not() {
        let random = "Zq8Wm3Lx7Rk2Pv9Tn4Yb6Hc1Jd5Fg0";
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            let token = crc32_token(prefix, random);
            assert!(Validator::GithubCrc32.check(token.as_bytes()), "{token}");
            let mut bad = token.clone().into_bytes();
            bad[5] = if bad[5] == b'a' { b'b' } else { b'a' };
            assert!(!Validator::GithubCrc32.check(&bad));
        }
        let npm = crc32_token("npm_", random);
        assert!(Validator::NpmCrc32.check(npm.as_bytes()));
        let bad = b"npm_0OXRhUwqsjvEt9x1qSTrARULqKLuzJznZ8I3"; // preflight:allow (synthetic)
        assert!(!Validator::NpmCrc32.check(bad));
    }

    #[test]
    fn pypi_macaroon_structure() {
        let token = pypi_token(
            "pypi.org",
            "b7f0c2d4-synthetic",
            "{\"version\": 1}",
            [7; 32],
        );
        assert!(token.starts_with("pypi-AgEIcHlwaS5vcmc"), "{token}");
        assert!(Validator::PypiMacaroon.check(token.as_bytes()));
        let test = pypi_token("test.pypi.org", "id", "{}", [1; 32]);
        assert!(test.starts_with("pypi-AgENdGVzdC5weXBpLm9yZw"), "{test}");
        assert!(Validator::PypiMacaroon.check(test.as_bytes()));
        let other = pypi_token("example.test", "id", "{}", [1; 32]);
        assert!(!Validator::PypiMacaroon.check(other.as_bytes()));
        assert!(!Validator::PypiMacaroon.check(b"pypi-AgEIcHlwaS5vcmcm9FELphajEDFSKPOblDN0vG"));
    }

    #[test]
    fn slack_layouts() {
        let ok = [
            "xoxb-211839774612-7042432865346-nFofUOhFFBLKqMSBYLfcKgC6", // preflight:allow (synthetic test value)
            "xoxp-366241468520-815576466613-7697259645146-5e8309591a3bbfedd19fb4de6a2e1f70", // preflight:allow (synthetic test value)
        ];
        for t in ok {
            assert!(Validator::Slack.check(t.as_bytes()), "{t}");
        }
        assert!(!Validator::Slack.check(b"xoxb-211839774612-nFofUOhFFBLKqMSBYLfcKgC6"));
        assert!(!Validator::Slack.check(b"xapp-1-B2SBY575KBE-4503652260158-81ac"));
    }

    #[test]
    fn jwt_header_and_payload_are_json() {
        let good = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0ODIxIn0.c2lnbmF0dXJlLXN5bnRoZXRpYw"; // preflight:allow (synthetic test value)
        assert!(Validator::Jwt.check(good.as_bytes()));
        let no_alg = "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiI0ODIxIn0.c2lnbmF0dXJlLXN5bnRoZXRpYw"; // preflight:allow (synthetic test value)
        assert!(!Validator::Jwt.check(no_alg.as_bytes()));
        assert!(!Validator::Jwt.check(b"eyJhbGciOi.eyJzdWIi.xyz"));
    }

    #[test]
    fn gcp_service_account_base64() {
        let json = r#"{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        assert!(Validator::GcpServiceAccountBase64.check(b64.as_bytes()));
        let user =
            base64::engine::general_purpose::STANDARD.encode(r#"{"type": "authorized_user"}"#);
        assert!(!Validator::GcpServiceAccountBase64.check(user.as_bytes()));
    }

    /// Each validator guards an embedded rule, and each such rule proves it with a false positive
    /// its regex matches but its check rejects (a broken checksum, not merely a short value).
    #[test]
    fn embedded_rules_use_every_validator_with_a_failing_negative() {
        let set = crate::secrets::defaults::rule_set().expect("embedded rules");
        let mut used = Vec::new();
        for rule in set.rules() {
            let Some(v) = rule.validator else { continue };
            used.push(v.name());
            let Some(Ok(re)) = rule.regex() else {
                panic!("{}: validator without a regex", rule.id)
            };
            let rejected = rule.false_positives.iter().any(|fp| {
                re.captures_iter(fp.as_bytes()).any(|c| {
                    let secret = match rule.secret_group {
                        Some(g) => c.get(g),
                        None => (1..c.len()).find_map(|g| c.get(g)),
                    };
                    secret.is_some_and(|m| !v.check(m.as_bytes()))
                })
            });
            assert!(
                rejected,
                "{}: no false positive fails its {} check",
                rule.id,
                v.name()
            );
        }
        for name in Validator::NAMES {
            assert!(
                used.contains(name),
                "no embedded rule uses validator {name}"
            );
        }
    }

    #[test]
    fn every_name_resolves() {
        for name in Validator::NAMES {
            assert_eq!(Validator::from_name(name).map(Validator::name), Some(*name));
        }
        assert!(Validator::from_name("luhn").is_none());
    }
}
