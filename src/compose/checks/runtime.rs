//! Runtime settings: DC020 (debug in production), DC021 (TLS verification off), DC030 (engine
//! socket), DC031 (privileged), DC032 (capabilities), DC033 (host namespaces), DC034 (security
//! profile off), DC035 (sensitive host path), DC038 (root user), DC050 (unpinned image).

use super::dict::truthy;
use super::{Hit, SetCtx, Svc};
use crate::compose::model::{Mount, Val};
use crate::finding::Severity;

/// All runtime checks for one service.
pub fn check(ctx: &SetCtx<'_>, svc: &Svc<'_>, out: &mut Vec<Hit>) {
    if ctx.production {
        debug_env(svc, out);
        debug_command(svc, out);
    }
    tls_env(svc, out);
    for m in &svc.s.mounts {
        mount(ctx, svc, m, out);
    }
    flags(svc, out);
    image(svc, out);
}

fn is_in(v: &str, set: &[&str]) -> bool {
    set.iter().any(|s| s.eq_ignore_ascii_case(v))
}

fn debug_condition(key: &str, v: &str) -> Option<Severity> {
    let on = ["1", "true", "yes", "on"];
    let dev = ["development", "dev", "local"];
    let hit = match key.to_ascii_uppercase().as_str() {
        "NODE_OPTIONS" => return v.contains("--inspect").then_some(Severity::High),
        "DEBUG" | "DJANGO_DEBUG" => is_in(v, &on),
        "FLASK_DEBUG" => is_in(v, &["1", "true"]),
        "FLASK_ENV" | "RAILS_ENV" | "RACK_ENV" => v.eq_ignore_ascii_case("development"),
        "APP_DEBUG" => v.eq_ignore_ascii_case("true"),
        "NODE_ENV" => is_in(v, &["development", "dev"]),
        "GIN_MODE" => v.eq_ignore_ascii_case("debug"),
        "APP_ENV" | "ENVIRONMENT" | "ENV" => is_in(v, &dev),
        "ASPNETCORE_ENVIRONMENT" | "DOTNET_ENVIRONMENT" => v.eq_ignore_ascii_case("development"),
        "SPRING_PROFILES_ACTIVE" => v
            .split([',', ' '])
            .any(|t| t.trim().eq_ignore_ascii_case("dev")),
        _ => false,
    };
    hit.then_some(Severity::Medium)
}

fn debug_env(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    for (key, ev) in &svc.s.env {
        let Some(v) = ev.val.text() else { continue };
        if let Some(sev) = debug_condition(key, v) {
            let msg = format!(
                "service `{}` runs with `{key}={v}` in a production set",
                svc.s.name
            );
            out.push(svc.hit(
                "DC020",
                sev,
                ev.val.loc.clone(),
                ev.val.alias_site.as_ref(),
                key,
                msg,
            ));
        }
    }
}

fn debug_command(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    let toks: Vec<&str> = svc
        .s
        .command
        .iter()
        .map(|t| t.text().unwrap_or_default())
        .collect();
    let at = |i: usize, w: &str| toks.get(i).is_some_and(|t| *t == w);
    let found = (0..toks.len()).find(|&i| {
        let t = toks[i];
        t == "--reload"
            || t == "--debug"
            || t == "nodemon"
            || t.ends_with("/nodemon")
            || t == "start-dev"
            || (t == "next" && at(i + 1, "dev"))
            || (matches!(t, "npm" | "yarn" | "pnpm") && at(i + 1, "run") && at(i + 2, "dev"))
    });
    if let Some(i) = found {
        let v = &svc.s.command[i];
        let msg = format!(
            "service `{}` starts a development server (`{}`) in a production set",
            svc.s.name, toks[i]
        );
        out.push(svc.hit(
            "DC020",
            Severity::Medium,
            v.loc.clone(),
            v.alias_site.as_ref(),
            "command",
            msg,
        ));
    }
}

fn tls_env(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    for (key, ev) in &svc.s.env {
        let Some(v) = ev.val.text() else { continue };
        let off = match key.to_ascii_uppercase().as_str() {
            "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
            "GIT_SSL_NO_VERIFY" => !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"),
            "NPM_CONFIG_STRICT_SSL" => v.eq_ignore_ascii_case("false"),
            "PIP_TRUSTED_HOST" => !v.is_empty(),
            _ => false,
        };
        if off {
            let msg = format!(
                "service `{}` disables TLS certificate verification with `{key}`",
                svc.s.name
            );
            out.push(svc.hit(
                "DC021",
                Severity::Medium,
                ev.val.loc.clone(),
                ev.val.alias_site.as_ref(),
                key,
                msg,
            ));
        }
    }
}

fn is_socket(p: &str) -> bool {
    const SOCKETS: [&str; 9] = [
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run",
        "/run",
        "/run/podman/podman.sock",
        "/run/containerd/containerd.sock",
        "/var/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock",
        "/var/run/podman/podman.sock",
    ];
    if SOCKETS.contains(&p) {
        return true;
    }
    let user = p
        .strip_prefix("/run/user/")
        .and_then(|r| r.strip_suffix("/docker.sock"));
    user.is_some_and(|uid| !uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit()))
}

fn sensitive(p: &str) -> bool {
    let under = |root: &str| p == root || p.starts_with(&format!("{root}/"));
    let home_dot = p
        .strip_prefix("~/")
        .map(|r| r.starts_with('.'))
        .unwrap_or(false)
        || p.strip_prefix("/home/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(_, rest)| rest.starts_with('.'));
    p == "/"
        || p == "/home"
        || home_dot
        || [
            "/etc",
            "/root",
            "/proc",
            "/sys",
            "/dev",
            "/boot",
            "/lib/modules",
            "/usr",
            "/var/lib/docker",
            "/var/lib/kubelet",
        ]
        .iter()
        .any(|r| under(r))
}

fn allowed_ro(p: &str) -> bool {
    const ALLOW: [&str; 10] = [
        "/etc/localtime",
        "/etc/timezone",
        "/etc/machine-id",
        "/etc/os-release",
        "/etc/hostname",
        "/etc/ssl/certs",
        "/usr/share/zoneinfo",
        "/proc",
        "/sys",
        "/lib/modules",
    ];
    ALLOW.contains(&p)
}

/// The host source of a mount, including named volumes that are binds in disguise.
fn host_source(ctx: &SetCtx<'_>, m: &Mount) -> Option<String> {
    if let Some(s) = &m.source {
        return Some(s.clone());
    }
    let name = m.val.text()?.split(':').next()?.to_string();
    let opts = ctx.root.get("volumes")?.get(&name)?.get("driver_opts")?;
    let o = opts.get("o")?.eff.text()?;
    if !o.split(',').any(|x| x == "bind" || x == "rbind") {
        return None;
    }
    opts.get("device")?.eff.text().map(str::to_string)
}

fn mount(ctx: &SetCtx<'_>, svc: &Svc<'_>, m: &Mount, out: &mut Vec<Hit>) {
    let Some(src) = host_source(ctx, m) else {
        return;
    };
    let norm = if src.len() > 1 {
        src.trim_end_matches('/')
    } else {
        src.as_str()
    };
    let v = &m.val;
    if is_socket(norm) {
        let proxy = svc.fam() == "socket-proxy";
        let sev = if proxy { Severity::Low } else { Severity::High };
        let msg = format!(
            "service `{}` mounts the container engine socket `{norm}`: full control of the host",
            svc.s.name
        );
        out.push(svc.hit(
            "DC030",
            sev,
            v.loc.clone(),
            v.alias_site.as_ref(),
            &format!("volumes/{norm}"),
            msg,
        ));
    } else if sensitive(norm) && !(m.read_only && allowed_ro(norm)) {
        let sev = if m.read_only {
            Severity::Medium
        } else {
            Severity::High
        };
        let mode = if m.read_only {
            "read-only"
        } else {
            "read-write"
        };
        let msg = format!(
            "service `{}` mounts the host path `{norm}` {mode}",
            svc.s.name
        );
        out.push(svc.hit(
            "DC035",
            sev,
            v.loc.clone(),
            v.alias_site.as_ref(),
            &format!("volumes/{norm}"),
            msg,
        ));
    }
}

fn attr<'s>(svc: &'s Svc<'_>, key: &str) -> Option<(&'s Val, &'s str)> {
    svc.s.attrs.get(key).and_then(|v| v.text().map(|t| (v, t)))
}

fn flags(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    let name = &svc.s.name;
    if let Some((v, _)) = attr(svc, "privileged").filter(|(_, t)| truthy(t)) {
        out.push(svc.hit(
            "DC031",
            Severity::High,
            v.loc.clone(),
            v.alias_site.as_ref(),
            "privileged",
            format!("service `{name}` runs privileged"),
        ));
    }
    for c in &svc.s.cap_add {
        let Some(t) = c.text() else { continue };
        let up = t.trim().to_ascii_uppercase();
        let cap = up.strip_prefix("CAP_").unwrap_or(&up);
        let sev = match cap {
            "ALL" | "SYS_ADMIN" | "SYS_MODULE" | "SYS_PTRACE" | "SYS_RAWIO" | "DAC_READ_SEARCH"
            | "BPF" | "SYS_BOOT" => Severity::High,
            "NET_ADMIN" | "NET_RAW" | "SYS_TIME" | "SYS_RESOURCE" | "PERFMON" | "SYSLOG" => {
                Severity::Medium
            }
            _ => continue,
        };
        out.push(svc.hit(
            "DC032",
            sev,
            c.loc.clone(),
            c.alias_site.as_ref(),
            &format!("cap_add/{cap}"),
            format!("service `{name}` adds capability {cap}"),
        ));
    }
    for (key, sev) in [
        ("pid", Severity::High),
        ("ipc", Severity::Medium),
        ("uts", Severity::Medium),
        ("userns_mode", Severity::Medium),
    ] {
        if let Some((v, _)) = attr(svc, key).filter(|(_, t)| *t == "host") {
            out.push(svc.hit(
                "DC033",
                sev,
                v.loc.clone(),
                v.alias_site.as_ref(),
                key,
                format!("service `{name}` shares the host's {key} namespace"),
            ));
        }
    }
    for o in &svc.s.security_opt {
        let Some(t) = o.text() else { continue };
        let n = t.trim().to_ascii_lowercase().replacen('=', ":", 1);
        if matches!(
            n.as_str(),
            "seccomp:unconfined"
                | "apparmor:unconfined"
                | "label:disable"
                | "systempaths:unconfined"
        ) {
            out.push(svc.hit(
                "DC034",
                Severity::Medium,
                o.loc.clone(),
                o.alias_site.as_ref(),
                &format!("security_opt/{n}"),
                format!("service `{name}` disables a security profile (`{t}`)"),
            ));
        }
    }
    if let Some((v, t)) = attr(svc, "user").filter(|(_, t)| {
        matches!(
            t.trim(),
            "root" | "0" | "0:0" | "root:root" | "root:0" | "0:root"
        )
    }) {
        out.push(svc.hit(
            "DC038",
            Severity::Low,
            v.loc.clone(),
            v.alias_site.as_ref(),
            "user",
            format!("service `{name}` runs as `{t}` explicitly"),
        ));
    }
}

fn image(svc: &Svc<'_>, out: &mut Vec<Hit>) {
    let (Some(v), Some(img)) = (&svc.s.image, &svc.image) else {
        return;
    };
    if svc.s.build || img.digest {
        return;
    }
    if img.tag.as_deref().is_none_or(|t| t == "latest") {
        let msg = format!(
            "service `{}` uses image `{}` without a pinned tag",
            svc.s.name,
            v.text().unwrap_or_default()
        );
        out.push(svc.hit(
            "DC050",
            Severity::Low,
            v.loc.clone(),
            v.alias_site.as_ref(),
            "image",
            msg,
        ));
    }
}
