//! DC001 (data port on all interfaces), DC002 (admin/debug port), DC004 (host network), DC091
//! (unquoted base-60 port), and the exposure test used by DC010/DC011.

use super::{Hit, SetCtx, Svc};
use crate::compose::images::db;
use crate::compose::model::Port;
use crate::finding::Severity;
use std::net::IpAddr;

/// Where a published port is reachable from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    /// No address, `0.0.0.0`, `::`.
    All,
    /// A routable address.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// Private, link-local, ULA, or an unparseable address.
    Restricted,
}

/// Classifies a host address.
pub fn classify(ip: Option<&str>) -> Bind {
    let ip = ip
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    if ip.is_empty() {
        return Bind::All;
    }
    match ip.parse::<IpAddr>() {
        Ok(a) if a.is_unspecified() => Bind::All,
        Ok(a) if a.is_loopback() => Bind::Loopback,
        Ok(IpAddr::V4(v)) if v.is_private() || v.is_link_local() => Bind::Restricted,
        Ok(IpAddr::V6(v))
            if (v.segments()[0] & 0xffc0) == 0xfe80 || (v.segments()[0] & 0xfe00) == 0xfc00 =>
        {
            Bind::Restricted
        }
        Ok(_) => Bind::Public,
        Err(_) => Bind::Restricted,
    }
}

/// Whether every network of the service binds omitted addresses to loopback.
fn networks_default_loopback(ctx: &SetCtx<'_>, svc: &Svc<'_>) -> bool {
    let nets = ctx.root.get("networks");
    !svc.s.networks.is_empty()
        && svc.s.networks.iter().all(|n| {
            let opt = nets
                .and_then(|ns| ns.get(n))
                .and_then(|d| d.get("driver_opts"))
                .and_then(|o| o.get("com.docker.network.bridge.host_binding_ipv4"))
                .and_then(|v| v.eff.text());
            classify(opt) == Bind::Loopback
        })
}

/// The bind class of a port entry, `None` if its value is unknown.
pub fn port_bind(ctx: &SetCtx<'_>, svc: &Svc<'_>, p: &Port) -> Option<Bind> {
    let spec = p.spec.as_ref()?;
    let class = classify(spec.host_ip.as_deref());
    if class == Bind::All
        && spec.host_ip.as_deref().unwrap_or("").is_empty()
        && networks_default_loopback(ctx, svc)
    {
        return Some(Bind::Loopback);
    }
    Some(class)
}

/// Whether the service is exposed: a port on all interfaces / public, or host networking.
pub fn exposed(ctx: &SetCtx<'_>, svc: &Svc<'_>) -> bool {
    host_network(svc)
        || svc
            .s
            .ports
            .iter()
            .any(|p| matches!(port_bind(ctx, svc, p), Some(Bind::All | Bind::Public)))
}

fn host_network(svc: &Svc<'_>) -> bool {
    svc.s.attrs.get("network_mode").and_then(|v| v.text()) == Some("host")
}

/// Container ports of an entry (a range expands, capped).
fn targets(p: &Port) -> Vec<u16> {
    let Some(spec) = p.spec.as_ref() else {
        return Vec::new();
    };
    let t = spec.target.trim();
    let (a, b) = t.split_once('-').unwrap_or((t, t));
    match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
        (Ok(a), Ok(b)) if a <= b => (a..=b).take(2048).collect(),
        _ => Vec::new(),
    }
}

fn minio_console(svc: &Svc<'_>) -> Option<u16> {
    let cmd = &svc.s.command;
    let i = cmd
        .iter()
        .position(|t| t.text().is_some_and(|x| x.starts_with("--console-address")))?;
    let tok = cmd[i].text()?;
    let val = match tok.split_once('=') {
        Some((_, v)) => v.to_string(),
        None => cmd.get(i + 1)?.text()?.to_string(),
    };
    val.rsplit(':').next()?.parse().ok()
}

enum Kind {
    Data,
    Debug,
    Admin,
}

fn port_kind(svc: &Svc<'_>, port: u16) -> Option<Kind> {
    let d = db();
    if d.ports.debug.contains(&port) {
        return Some(Kind::Debug);
    }
    match svc.family {
        Some(f) if f.family == "minio" => {
            (port == minio_console(svc).unwrap_or(9001)).then_some(Kind::Admin)
        }
        Some(f) if f.is_data_port(port) => Some(Kind::Data),
        Some(f) if f.is_admin_port(svc.repo(), port) => Some(Kind::Admin),
        Some(_) => None,
        None if d.ports.data.contains(&port) => Some(Kind::Data),
        None if d.ports.admin.contains(&port) => Some(Kind::Admin),
        None => None,
    }
}

/// DC001, DC002, DC004, DC091 for one service.
pub fn check(ctx: &SetCtx<'_>, svc: &Svc<'_>, out: &mut Vec<Hit>) {
    for p in &svc.s.ports {
        base60(svc, p, out);
        if !matches!(port_bind(ctx, svc, p), Some(Bind::All | Bind::Public)) {
            continue;
        }
        let kinds: Vec<(u16, Kind)> = targets(p)
            .into_iter()
            .filter_map(|t| port_kind(svc, t).map(|k| (t, k)))
            .collect();
        let pick = kinds
            .iter()
            .find(|(_, k)| matches!(k, Kind::Data))
            .or_else(|| kinds.iter().find(|(_, k)| matches!(k, Kind::Debug)))
            .or(kinds.first());
        let Some((port, kind)) = pick else { continue };
        let (rule, sev, what) = match kind {
            Kind::Data => ("DC001", Severity::High, "data service port"),
            Kind::Debug => ("DC002", Severity::High, "debugger/daemon port"),
            Kind::Admin => ("DC002", Severity::Medium, "admin/metrics port"),
        };
        let msg = format!(
            "service `{}` publishes {what} {port} on all interfaces (`{}`)",
            svc.s.name,
            if p.val.raw.is_empty() {
                "long syntax without host_ip"
            } else {
                &p.val.raw
            }
        );
        out.push(svc.hit(
            rule,
            sev,
            p.val.loc.clone(),
            p.val.alias_site.as_ref(),
            &format!("ports/{port}"),
            msg,
        ));
    }
    if let Some(v) = svc
        .s
        .attrs
        .get("network_mode")
        .filter(|_| host_network(svc))
    {
        let special = svc.family.is_some_and(|f| f.is_data() || f.is_admin());
        let sev = if special {
            Severity::High
        } else {
            Severity::Medium
        };
        let msg = format!(
            "service `{}` uses the host network: every port it listens on is on the host",
            svc.s.name
        );
        out.push(svc.hit(
            "DC004",
            sev,
            v.loc.clone(),
            v.alias_site.as_ref(),
            "network_mode",
            msg,
        ));
    }
}

fn base60(svc: &Svc<'_>, p: &Port, out: &mut Vec<Hit>) {
    let raw = p.val.raw.as_str();
    let mut parts = raw.split(':');
    let first_ok = parts
        .next()
        .is_some_and(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = parts.collect();
    let sexagesimal = |r: &&str| {
        let b = r.as_bytes();
        b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || (b.len() == 2 && b[0] <= b'5'))
    };
    let rest_ok = !rest.is_empty() && rest.iter().all(sexagesimal);
    if p.val.plain && first_ok && rest_ok {
        let msg = format!(
            "unquoted port mapping `{raw}` of service `{}` is a base-60 number in YAML 1.1",
            svc.s.name
        );
        out.push(svc.hit(
            "DC091",
            Severity::Low,
            p.val.loc.clone(),
            p.val.alias_site.as_ref(),
            &format!("ports/{raw}"),
            msg,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_classes() {
        assert_eq!(classify(None), Bind::All);
        assert_eq!(classify(Some("0.0.0.0")), Bind::All);
        assert_eq!(classify(Some("[::]")), Bind::All);
        assert_eq!(classify(Some("127.0.0.2")), Bind::Loopback);
        assert_eq!(classify(Some("[::1]")), Bind::Loopback);
        assert_eq!(classify(Some("10.0.0.5")), Bind::Restricted);
        assert_eq!(classify(Some("fd00::1")), Bind::Restricted);
        assert_eq!(classify(Some("203.0.113.7")), Bind::Public);
    }
}
