//! The detectors with the default rules, end to end through `scan_blob`: placeholders stay
//! quiet (issue 14 item 3), and severity follows the kind of value (item 4): plaintext high,
//! a password hash medium, an encrypted value or a username alone not reported.

use crate::finding::Severity;
use crate::secrets::{defaults, scan_blob, RuleSet};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| defaults::rule_set().expect("embedded rules"))
}

/// `(rule id, severity)` of every finding in `data` scanned as `path`.
fn scan(path: &str, data: &str) -> Vec<(String, Severity)> {
    scan_blob(rules(), path, None, data.as_bytes())
        .findings
        .into_iter()
        .map(|f| (f.rule_id.as_str().to_string(), f.severity))
        .collect()
}

#[test]
fn placeholders_stay_quiet_in_every_format() {
    let values = [
        "changeme",
        "<password>",
        "${DB_PASSWORD}",
        "%(db_password)s",
        "{{ .Values.password }}",
        "env(\"DB_PASSWORD\")",
        "",
        "****",
    ];
    for v in values {
        let files = [
            (
                "home/.netrc",
                format!("machine h.test login u password {v}\n"),
            ),
            ("etc/app.ini", format!("[db]\npassword = {v}\n")),
            (
                "app/.vscode/sftp.json",
                format!("{{\"password\": \"{v}\"}}\n"),
            ),
            (
                "src/main/resources/application.yml",
                format!("spring:\n  datasource:\n    password: '{v}'\n"),
            ),
            ("home/.msmtprc", format!("account a\npassword {v}\n")),
            ("infra/prod.tfvars", format!("db_password = \"{v}\"\n")),
        ];
        for (path, data) in files {
            assert_eq!(scan(path, &data), [], "{path}: {data:?}");
        }
    }
}

#[test]
fn plaintext_is_high_and_hashes_medium() {
    assert_eq!(
        scan("etc/app.ini", "[db]\npassword = Kw8zQ3vLmX2t\n"),
        [("config-file-credential".to_string(), Severity::High)]
    );
    assert_eq!(
        scan(
            "site/.htpasswd",
            "admin:$apr1$Xk2pQm9v$3Lq8vZ1Rk7Tm2Wx5Yb9Nc0\n"
        ),
        [("password-hash-file".to_string(), Severity::Medium)]
    );
    assert_eq!(
        scan(
            "db/dump.sql",
            "INSERT INTO u VALUES (1,'$2y$10$Qm3vKx8LpR2tWz5YbN7cFe1GhJ4kL6mP9sD0aZ3xC5vB8nM2qW7eS');\n"
        ),
        [("sql-dump-password-hash".to_string(), Severity::Medium)]
    );
}

#[test]
fn encrypted_values_and_usernames_alone_are_not_reported() {
    let user_only = STANDARD.encode("ci-bot");
    let cases = [
        (
            "home/.docker/config.json",
            format!("{{\"auths\": {{\"r.test\": {{\"auth\": \"{user_only}\"}}}}}}\n"),
        ),
        (
            "deploy/secret.yaml",
            format!(
                "kind: Secret\ndata:\n  username: {}\n",
                STANDARD.encode("app")
            ),
        ),
        (
            "inventory/group_vars/all.yml",
            "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  62313363\n".to_string(),
        ),
        (
            "src/main/resources/application.properties",
            "spring.datasource.password={cipher}AQA8vLz2Xk9Rm4Tw7Yp1Nb\n".to_string(),
        ),
        ("home/.pypirc", "[pypi]\nusername = ci\n".to_string()),
    ];
    for (path, data) in cases {
        assert_eq!(scan(path, &data), [], "{path}: {data:?}");
    }
    // Firefox's values are encrypted with the profile key: informative, never high.
    let logins = "{\"logins\": [{\"encryptedPassword\": \"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECL\"}]}\n";
    assert_eq!(
        scan("profile/logins.json", logins),
        [("firefox-logins-encrypted".to_string(), Severity::Info)]
    );
}
