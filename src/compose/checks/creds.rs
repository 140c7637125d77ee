//! DC010 (default or weak credential of a known image) and DC012 (secret hardcoded in compose).

use super::dict::{is_bool, is_secret_key, url_password, weak_password};
use super::{lower, Hit, Svc};
use crate::compose::interpolate::Eff;
use crate::compose::model::Val;
use crate::finding::Severity;

/// DC010 and DC012 for one service.
pub fn check(svc: &Svc<'_>, exposed: bool, out: &mut Vec<Hit>) {
    let high = if exposed {
        Severity::Critical
    } else {
        Severity::High
    };
    weak_credentials(svc, high, out);
    requirepass(svc, high, out);
    implicit_default(svc, high, out);
    hardcoded(svc, out);
}

fn secret_hit(
    svc: &Svc<'_>,
    rule: &'static str,
    sev: Severity,
    v: &Val,
    key: &str,
    msg: String,
    secret: &str,
) -> Hit {
    let mut h = svc.hit(rule, sev, v.loc.clone(), v.alias_site.as_ref(), key, msg);
    if !secret.is_empty() {
        h.secret = Some(secret.to_string());
    }
    h
}

fn user_of(svc: &Svc<'_>) -> Option<String> {
    let f = svc.family?;
    f.user_var
        .as_deref()
        .and_then(|u| svc.s.var_text(u))
        .map(str::to_string)
        .or_else(|| f.default_user.clone())
}

fn weak_credentials(svc: &Svc<'_>, high: Severity, out: &mut Vec<Hit>) {
    let Some(f) = svc.family else { return };
    let user = user_of(svc);
    for var in &f.credentials {
        let Some(ev) = svc.s.var(var) else { continue };
        let Some(value) = ev.val.text() else { continue };
        if weak_password(value, user.as_deref(), var) {
            push_weak(svc, high, &ev.val, var, value, out);
        }
    }
    if f.family == "neo4j" {
        if let Some(ev) = svc.s.var("NEO4J_AUTH") {
            if let Some((u, p)) = ev.val.text().and_then(|t| t.split_once('/')) {
                if weak_password(p, Some(u), "NEO4J_AUTH") {
                    push_weak(svc, high, &ev.val, "NEO4J_AUTH", p, out);
                }
            }
        }
    }
}

fn push_weak(svc: &Svc<'_>, high: Severity, v: &Val, var: &str, value: &str, out: &mut Vec<Hit>) {
    let sev = if v.eff.is_fallback() {
        lower(high)
    } else {
        high
    };
    let how = if v.eff.is_fallback() {
        " (a fallback default)"
    } else {
        ""
    };
    let msg = format!(
        "service `{}` ({}) sets a default or weak `{var}`{how}",
        svc.s.name,
        svc.repo()
    );
    out.push(secret_hit(svc, "DC010", sev, v, var, msg, value));
}

fn requirepass(svc: &Svc<'_>, high: Severity, out: &mut Vec<Hit>) {
    if svc.fam() != "redis" {
        return;
    }
    let cmd = &svc.s.command;
    for (i, t) in cmd.iter().enumerate() {
        if t.text() != Some("--requirepass") {
            continue;
        }
        let Some(v) = cmd.get(i + 1) else { continue };
        if let Some(p) = v
            .text()
            .filter(|p| !p.is_empty() && weak_password(p, None, "REDIS_PASSWORD"))
        {
            push_weak(svc, high, v, "--requirepass", p, out);
        }
    }
}

fn implicit_default(svc: &Svc<'_>, high: Severity, out: &mut Vec<Hit>) {
    let Some(imp) = svc.family.and_then(|f| f.implicit.as_ref()) else {
        return;
    };
    if svc.s.env_unknown || imp.keys.iter().any(|k| svc.s.has(k)) {
        return;
    }
    let user = imp.credential.split(':').next().unwrap_or_default();
    let msg = format!(
        "service `{}` ({}) sets none of {}, so the image's documented default login (user `{user}`) applies",
        svc.s.name,
        svc.repo(),
        imp.keys.join(", ")
    );
    out.push(svc.hit("DC010", high, svc.s.anchor(), None, "implicit-default", msg));
}

fn hardcoded(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    for (key, ev) in &svc.s.env {
        if !ev.in_compose || ev.val.from_env {
            continue;
        }
        let v = &ev.val;
        let Some(text) = v.text() else { continue };
        if let Some((_, pass)) = url_password(text) {
            if !pass.contains('$') {
                push_hardcoded(svc, v, key, "an inline URL password", pass, out);
            }
            continue;
        }
        let excluded = text.is_empty()
            || is_bool(text)
            || text.starts_with("/run/secrets/")
            || text.contains('$');
        if is_secret_key(key) && !excluded {
            push_hardcoded(svc, v, key, "a literal value", text, out);
        }
    }
    hardcoded_flags(svc, out);
}

fn push_hardcoded(svc: &Svc<'_>, v: &Val, key: &str, what: &str, secret: &str, out: &mut Vec<Hit>) {
    let (sev, how) = match v.eff {
        Eff::Fallback(_) => (Severity::Medium, " as a `${VAR:-default}` fallback"),
        _ => (Severity::High, ""),
    };
    let msg = format!(
        "`{key}` of service `{}` is {what} written in the compose file{how}",
        svc.s.name
    );
    out.push(secret_hit(svc, "DC012", sev, v, key, msg, secret));
}

fn hardcoded_flags(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    let cmd = &svc.s.command;
    for (i, t) in cmd.iter().enumerate() {
        let Some(tok) = t.text() else { continue };
        if t.from_env || (t.raw.contains('$') && !t.raw.contains("$$")) {
            continue;
        }
        let value = if tok == "--requirepass" || tok == "--password" {
            cmd.get(i + 1)
                .filter(|n| !n.raw.contains('$'))
                .and_then(|n| n.text())
        } else if let Some(v) = tok
            .strip_prefix("--password=")
            .or_else(|| tok.strip_prefix("--requirepass="))
        {
            Some(v)
        } else {
            tok.strip_prefix("-p").filter(|v| {
                !v.is_empty() && !tok.starts_with("--") && !v.bytes().all(|b| b.is_ascii_digit())
            })
        };
        if let Some(v) = value.filter(|v| !v.is_empty() && !v.contains('$')) {
            push_hardcoded(svc, t, "command", "a literal secret flag", v, out);
        }
    }
}
