//! Per-file checks of env files: DC013 (not ignored by git) and DC014 (weak secret values).

use super::dict::{
    is_bool, is_password_key, is_secret_key, url_password, weak_password, weak_secret,
};
use super::Hit;
use crate::compose::envfile::Entry;
use crate::compose::yaml::Loc;
use crate::finding::Severity;
use std::sync::Arc;

fn hit(rule: &'static str, severity: Severity, loc: Loc, identity: String, message: String) -> Hit {
    Hit {
        rule,
        severity,
        loc,
        message,
        identity,
        related: Vec::new(),
        secret: None,
        public: Vec::new(),
        profiled: false,
        per_file: true,
    }
}

/// The secret-bearing entries of a file: secret-like key with a non-empty literal, or a URL with
/// an inline password.
fn holds_secret(entries: &[Entry]) -> bool {
    entries.iter().any(|e| {
        let v = e.value.as_ref().and_then(|v| v.text()).unwrap_or_default();
        (is_secret_key(&e.key) && !v.is_empty()) || url_password(v).is_some()
    })
}

/// DC013 for an in-scope, non-template env file that git does not ignore.
pub fn not_ignored(file: &Arc<str>, entries: &[Entry]) -> Hit {
    let secret = holds_secret(entries);
    let sev = if secret {
        Severity::High
    } else {
        Severity::Low
    };
    let what = if secret { "holds secrets and " } else { "" };
    let loc = Loc {
        file: file.clone(),
        line: 0,
        col: 0,
    };
    hit(
        "DC013",
        sev,
        loc,
        "file".into(),
        format!("env file `{file}` {what}is not covered by .gitignore"),
    )
}

/// DC014 for every weak secret value of an env file.
pub fn weak_values(entries: &[Entry], out: &mut Vec<Hit>) {
    for e in entries {
        let Some(v) = e.value.as_ref().and_then(|v| v.text()) else {
            continue;
        };
        if is_bool(v) {
            // a switch such as SECRET_SCANNING=true is configuration, not a secret
            continue;
        }
        let (weak, shown) = if let Some((user, pass)) = url_password(v) {
            (weak_password(pass, Some(user), &e.key), pass)
        } else if !is_secret_key(&e.key) {
            continue;
        } else if is_password_key(&e.key) {
            (weak_password(v, None, &e.key), v)
        } else {
            (weak_secret(v), v)
        };
        if !weak {
            continue;
        }
        let (sev, what) = if shown.is_empty() {
            (Severity::Medium, "empty")
        } else {
            (Severity::High, "weak or a development default")
        };
        let msg = format!("`{}` in env file `{}` is {what}", e.key, e.loc.file);
        let mut h = hit("DC014", sev, e.loc.clone(), e.key.clone(), msg);
        h.secret = Some(shown.to_string()).filter(|s| !s.is_empty());
        out.push(h);
    }
}
