//! Judging a value found at a credential's place: placeholders, templates and references stay
//! quiet (the global allowlist of `rules/allowlist.toml` then applies as for every rule), and key
//! names are read for whether they name a credential.

/// Whether `value` is a placeholder, a template or a reference rather than a credential.
pub fn is_placeholder(value: &[u8]) -> bool {
    let v = trim(value);
    if v.is_empty() || v.iter().all(|b| b"*xX#._- ".contains(b)) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    // Templates and references anywhere in the value: the real value comes from elsewhere.
    if has(b"${") || has(b"{{") || has(b"{%") || has(b"%(") || has(b"#{") || has(b"$(") {
        return true;
    }
    let starts = |p: &[u8]| lower.starts_with(p);
    if (starts(b"<") && lower.ends_with(b">"))
        || (starts(b"%") && lower.ends_with(b"%") && lower.len() > 2)
        || starts(b"env(")
        || starts(b"env[")
        || starts(b"enc(")
        // Encrypted at rest (Spring Cloud Config, Ansible Vault, SOPS): not a plaintext leak.
        || starts(b"{cipher}")
        || starts(b"$ansible_vault;")
        || starts(b"enc[")
        || starts(b"!vault")
        || starts(b"vault:")
        || starts(b"process.env")
        || starts(b"os.environ")
        || starts(b"getenv(")
        || starts(b"secretref:")
        || (starts(b"$")
            && lower[1..]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_'))
    {
        return true;
    }
    const WORDS: &[&[u8]] = &[
        b"changeme",
        b"change_me",
        b"password",
        b"passwd",
        b"pass",
        b"secret",
        b"token",
        b"none",
        b"null",
        b"nil",
        b"true",
        b"false",
        b"undefined",
        b"todo",
        b"tbd",
        b"empty",
        b"yourpassword",
        b"your_password",
        b"mypassword",
        b"password_here",
        b"secret_here",
        b"put your unique phrase here",
        b"<password>",
        b"required",
        b"optional",
        b"prompt",
        b"ask",
        b"keyring",
        b"redacted",
        b"hidden",
        b"default",
    ];
    WORDS.contains(&lower.as_slice())
}

/// Whether a key name says its value is a credential: it ends with password, passwd, pass,
/// pwd, passphrase, secret, token, api key, secret key, private key or auth key. `bypass`,
/// `password_file`, `token_type` and `secret_name` do not.
pub fn names_credential(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace(['-', '.'], "_");
    const LONG: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "api_key",
        "secretkey",
        "secret_key",
        "privatekey",
        "private_key",
        "authkey",
        "auth_key",
        "secret_access_key",
        "secret_key_base",
    ];
    const SHORT: &[&str] = &["pass", "pwd", "pw"];
    LONG.iter().any(|s| k.ends_with(s))
        || SHORT
            .iter()
            .any(|s| k == *s || k.ends_with(&format!("_{s}")))
}

/// `value` without surrounding ASCII white space.
pub fn trim(value: &[u8]) -> &[u8] {
    let start = value.iter().position(|b| !b.is_ascii_whitespace());
    let end = value.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(s), Some(e)) => &value[s..=e],
        _ => &[],
    }
}

/// Whether `v` looks like a password hash (crypt, bcrypt, argon2, scrypt, LDAP, APR1).
pub fn is_password_hash(v: &[u8]) -> bool {
    let s = trim(v);
    let prefixed = |p: &[u8]| s.starts_with(p) && s.len() > p.len() + 8;
    if [
        &b"$1$"[..],
        b"$5$",
        b"$6$",
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$2x$",
        b"$apr1$",
        b"$argon2",
        b"$y$",
        b"$7$",
        b"$scrypt$",
        b"$pbkdf2",
        b"{SHA}",
        b"{SSHA}",
        b"{SSHA512}",
        b"{CRYPT}",
        b"{MD5}",
        b"{SMD5}",
        b"$sha1$",
        b"$md5$",
    ]
    .iter()
    .any(|p| prefixed(p))
    {
        return true;
    }
    // Traditional DES crypt: 13 characters of the crypt alphabet, with a digit or mixed case.
    s.len() == 13
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'/')
        && s.iter().any(u8::is_ascii_digit)
        && s.iter().any(u8::is_ascii_uppercase)
        && s.iter().any(u8::is_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_of_the_issue_are_quiet() {
        for v in [
            "changeme",
            "<password>",
            "${VAR}",
            "%(ENV)s",
            "{{ .Values.x }}",
            "env(\"X\")",
            "",
            "****",
            "  ",
            "$DB_PASS",
            "%DB_PASS%",
            "ENC(abc)",
            "!vault |",
            "xxxxxx",
            "put your unique phrase here",
            "password_here",
            "prefix-${X}",
            "{cipher}AQA8vLz2Xk9Rm4Tw7Yp1Nb",
            "$ANSIBLE_VAULT;1.1;AES256",
            "ENC[AES256_GCM,data:Qk9v,iv:x,tag:y,type:str]",
        ] {
            assert!(
                is_placeholder(v.as_bytes()),
                "{v:?} should be a placeholder"
            );
        }
        for v in ["Summer2019!", "kT9vR2xLq7WzP4mN", "hunter22x", "p%40ss"] {
            assert!(!is_placeholder(v.as_bytes()), "{v:?} is a credential");
        }
    }

    #[test]
    fn credential_names() {
        for k in [
            "password",
            "DB_PASSWORD",
            "smtp_pass",
            "spring.datasource.password",
            "apiKey",
            "client-secret",
            "oauth_token",
            "ansible_become_pass",
            "pwd",
            "userPassword",
        ] {
            assert!(names_credential(k), "{k}");
        }
        for k in [
            "bypass",
            "password_file",
            "token_type",
            "secret_name",
            "user",
            "compass",
        ] {
            assert!(!names_credential(k), "{k}");
        }
    }

    #[test]
    fn password_hashes() {
        assert!(is_password_hash(b"$6$rounds=5000$abcdefgh$ijklmnopqrstu"));
        assert!(is_password_hash(
            b"$2y$10$Qm3vKx8LpR2tWz5YbN7cFe1GhJ4kL6mP9sD0aZ3xC5vB8nM2qW7eS"
        ));
        assert!(is_password_hash(b"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="));
        assert!(is_password_hash(b"aB3dE5gH7jK9m"));
        assert!(!is_password_hash(b"*"));
        assert!(!is_password_hash(b"!!"));
        assert!(!is_password_hash(b"x"));
    }
}
