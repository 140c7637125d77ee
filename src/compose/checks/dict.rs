//! The shared dictionaries of the catalogue: secret-like keys, URL passwords, the weak-password
//! and weak-secret rules.

use regex::Regex;
use std::sync::LazyLock;

static SECRET_KEY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)PASS(WORD|WD)?|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_SECRET|CREDENTIALS?|AUTH_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|MASTER_?KEY|SALT|APP_KEY").ok()
});
static URL_PASS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^:/@\s]+):([^@\s]+)@").ok());

const EXCLUDED_SUFFIXES: [&str; 31] = [
    "_FILE",
    "_PATH",
    "_DIR",
    "_USER",
    "_USERNAME",
    "_NAME",
    "_ID",
    "_HOST",
    "_PORT",
    "_URL",
    "_URI",
    "_LENGTH",
    "_MIN_LENGTH",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES_IN",
    "_EXPIRATION",
    "_ALGORITHM",
    "_ALG",
    "_ISSUER",
    "_AUDIENCE",
    "_ENABLED",
    "_REQUIRED",
    "_ROUNDS",
    "_COST",
    "_HEADER",
    "_PREFIX",
    "_TYPE",
    "__FILE",
    "_FILES",
    "_MODE",
];

const WEAK_WORDS: &[&str] = &[
    "password",
    "passw0rd",
    "pass",
    "secret",
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "admin",
    "administrator",
    "root",
    "toor",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
    "guest",
    "minioadmin",
    "minio",
    "minio123",
    "elastic",
    "neo4j",
    "grafana",
    "keycloak",
    "wordpress",
    "somewordpress",
    "example",
    "test",
    "testing",
    "dev",
    "development",
    "default",
    "user",
    "123456",
    "12345678",
    "123456789",
    "qwerty",
    "letmein",
    "mysecretpassword",
    "supersecret",
    "secret123",
    "password123",
    "admin123",
];

const WEAK_PARTS: [&str; 15] = [
    "dev",
    "change",
    "example",
    "default",
    "insecure",
    "placeholder",
    "your",
    "todo",
    "test",
    "sample",
    "dummy",
    "fake",
    "local",
    "xxx",
    "changeme",
];

/// Whether a key names a secret (catalogue dictionary, with its exclusions).
pub fn is_secret_key(key: &str) -> bool {
    let up = key.to_ascii_uppercase();
    if up.contains("PUBLISHABLE") || up.contains("PUBLIC_KEY") || up.starts_with("NEXT_PUBLIC_") {
        return false;
    }
    if EXCLUDED_SUFFIXES.iter().any(|s| up.ends_with(s)) {
        return false;
    }
    SECRET_KEY.as_ref().is_some_and(|r| r.is_match(&up))
}

/// Whether a secret-like key is password-ish (judged by the weak-password rule).
pub fn is_password_key(key: &str) -> bool {
    let up = key.to_ascii_uppercase();
    up.contains("PASS") || up.contains("PWD")
}

/// The user and password of a URL with inline credentials.
pub fn url_password(value: &str) -> Option<(&str, &str)> {
    let c = URL_PASS.as_ref()?.captures(value)?;
    Some((c.get(1)?.as_str(), c.get(2)?.as_str()))
}

/// The weak-password rule.
pub fn weak_password(value: &str, user: Option<&str>, var: &str) -> bool {
    let v = value.to_ascii_lowercase();
    value.chars().count() < 8
        || user.is_some_and(|u| u.eq_ignore_ascii_case(value))
        || var.eq_ignore_ascii_case(value)
        || WEAK_WORDS.contains(&v.as_str())
}

/// The weak-secret rule for non-password secrets.
pub fn weak_secret(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    value.chars().count() < 16
        || WEAK_WORDS.contains(&v.as_str())
        || WEAK_PARTS.iter().any(|p| v.contains(p))
}

/// Whether a value is a boolean word (never a secret).
pub fn is_bool(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    )
}

/// Whether a value reads as enabled (`true`, `yes`, `on`, `1`).
pub fn truthy(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "1"
    )
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries() {
        assert!(is_secret_key("JWT_SECRET"));
        assert!(is_secret_key("aws_secret_access_key"));
        assert!(!is_secret_key("AWS_ACCESS_KEY_ID"));
        assert!(!is_secret_key("JWT_EXPIRES_IN"));
        assert!(!is_secret_key("POSTGRES_PASSWORD_FILE"));
        assert!(!is_secret_key("STRIPE_PUBLISHABLE_KEY"));
        assert!(!is_secret_key("NEXT_PUBLIC_API_KEY"));
        assert_eq!(
            url_password(&format!("postgres://app:{}@db:5432/app", "s3cr3t")),
            Some(("app", "s3cr3t"))
        );
        assert!(weak_password("changeme", None, "X"));
        assert!(weak_password("postgres1", Some("postgres1"), "X"));
        assert!(!weak_password("Zq8v-Lw3p-Tr6m-Yx2k", Some("app"), "X"));
        assert!(weak_secret("keyboard cat"));
        assert!(weak_secret("django-insecure-abcdefghijklmnopqrstuvwxyz"));
        assert!(!weak_secret("c1d9e6f8a2b34c5d9e0f1a2b3c4d5e6f"));
    }
}
