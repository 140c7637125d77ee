//! The evaluated view of a merged compose model that checks read: one `Service` per service with
//! its effective image, environment (env_file below environment), ports, mounts and flags.

use super::envfile::Entry;
use super::interpolate::Eff;
use super::yaml::{Kind, Loc, Node};
use std::collections::BTreeMap;

/// A scalar setting with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    /// Text as written.
    pub raw: String,
    /// Effective value.
    pub eff: Eff,
    /// Primary location (the env-file line when the value was interpolated from one).
    pub loc: Loc,
    /// The alias use site, when the value came through an alias or merge key.
    pub alias_site: Option<Loc>,
    /// Whether the value was interpolated from an env file.
    pub from_env: bool,
    /// Whether it was written unquoted.
    pub plain: bool,
}

impl Val {
    fn of(n: &Node, loc: &Node) -> Val {
        Val {
            raw: n.as_str().unwrap_or_default().to_string(),
            eff: n.eff.clone(),
            loc: n.origin.clone().unwrap_or_else(|| loc.loc.clone()),
            alias_site: loc.alias_site.clone(),
            from_env: n.origin.is_some(),
            plain: n.plain,
        }
    }
    /// The effective text, if known.
    pub fn text(&self) -> Option<&str> {
        self.eff.text()
    }
}

/// One environment variable of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    /// The value and where it is written.
    pub val: Val,
    /// Written in a compose file's `environment` (not an env_file).
    pub in_compose: bool,
}

/// How an env file a service names turned out.
#[derive(Debug, Clone)]
pub enum EnvFileState {
    /// Read and parsed.
    Entries(Vec<Entry>),
    /// Missing, ignored by git, or outside the root: its keys are unknown.
    Unknown,
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortSpec {
    /// Host address, if written.
    pub host_ip: Option<String>,
    /// Host port or range.
    pub published: Option<String>,
    /// Container port or range.
    pub target: String,
    /// `tcp` unless written.
    pub protocol: String,
}

/// A `ports` entry with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// The parsed entry (`None` if its value is unknown).
    pub spec: Option<PortSpec>,
    /// Where the entry begins; raw text and style for DC091.
    pub val: Val,
}

/// A mount from `volumes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    /// Host path of a bind mount, after interpolation; `None` for named/anonymous volumes.
    pub source: Option<String>,
    /// Read-only.
    pub read_only: bool,
    /// Container path.
    pub target: String,
    /// Where the entry begins.
    pub val: Val,
}

/// One service of the merged model.
#[derive(Debug, Clone)]
pub struct Service {
    /// Name.
    pub name: String,
    /// The service key.
    pub key: Loc,
    /// The image reference.
    pub image: Option<Val>,
    /// Has `build:`.
    pub build: bool,
    /// Environment by key.
    pub env: BTreeMap<String, EnvVar>,
    /// Some env_file could not be read, so absent keys are unknown.
    pub env_unknown: bool,
    /// Published ports.
    pub ports: Vec<Port>,
    /// Networks the service is attached to.
    pub networks: Vec<String>,
    /// Mounts.
    pub mounts: Vec<Mount>,
    /// `command` tokens followed by `entrypoint` tokens.
    pub command: Vec<Val>,
    /// Scalar attributes by key (`privileged`, `network_mode`, `pid`, `user`, ...).
    pub attrs: BTreeMap<&'static str, Val>,
    /// `cap_add` items.
    pub cap_add: Vec<Val>,
    /// `security_opt` items.
    pub security_opt: Vec<Val>,
    /// Declares `profiles`.
    pub profiled: bool,
}

impl Service {
    /// The location of absence findings: the `image:` key, else the service key.
    pub fn anchor(&self) -> Loc {
        self.image
            .as_ref()
            .map_or_else(|| self.key.clone(), |i| i.loc.clone())
    }
    /// An env var by exact key.
    pub fn var(&self, key: &str) -> Option<&EnvVar> {
        self.env.get(key)
    }
    /// The effective text of an env var.
    pub fn var_text(&self, key: &str) -> Option<&str> {
        self.env.get(key).and_then(|v| v.val.text())
    }
    /// Whether a key is present (an unknown value counts as present).
    pub fn has(&self, key: &str) -> bool {
        self.env.contains_key(key)
    }
}

const ATTRS: [&str; 7] = [
    "privileged",
    "network_mode",
    "pid",
    "ipc",
    "uts",
    "userns_mode",
    "user",
];

/// Builds the services of a merged model; `env_file` resolves an env_file path declared in a file.
pub fn services(
    root: &Node,
    env_file: &mut dyn FnMut(&Loc, &str, bool) -> EnvFileState,
) -> Vec<Service> {
    let Some(svcs) = root.get("services") else {
        return Vec::new();
    };
    svcs.entries()
        .iter()
        .filter(|(_, v)| matches!(v.kind, Kind::Map(_)))
        .map(|(k, v)| service(k, v, env_file))
        .collect()
}

fn service(
    k: &Node,
    v: &Node,
    env_file: &mut dyn FnMut(&Loc, &str, bool) -> EnvFileState,
) -> Service {
    let mut s = Service {
        name: k.as_str().unwrap_or_default().to_string(),
        key: k.loc.clone(),
        image: v
            .get("image")
            .map(|n| Val::of(n, v.key_node("image").unwrap_or(n))),
        build: v.get("build").is_some_and(|b| !b.is_null()),
        env: BTreeMap::new(),
        env_unknown: false,
        ports: v
            .get("ports")
            .map(|p| p.items().iter().map(port).collect())
            .unwrap_or_default(),
        networks: networks(v.get("networks")),
        mounts: v
            .get("volumes")
            .map(|p| p.items().iter().map(mount).collect())
            .unwrap_or_default(),
        command: tokens(v, "command")
            .into_iter()
            .chain(tokens(v, "entrypoint"))
            .collect(),
        attrs: BTreeMap::new(),
        cap_add: items(v.get("cap_add")),
        security_opt: items(v.get("security_opt")),
        profiled: v.get("profiles").is_some_and(|p| !p.items().is_empty()),
    };
    for a in ATTRS {
        if let (Some(n), Some(key)) = (v.get(a), v.key_node(a)) {
            if n.as_str().is_some() && !n.is_null() {
                s.attrs.insert(a, Val::of(n, key));
            }
        }
    }
    load_env_files(&mut s, v.get("env_file"), env_file);
    for (key, val) in v.get("environment").map(Node::entries).unwrap_or_default() {
        let name = key.as_str().unwrap_or_default().to_string();
        let null = val.is_null();
        let mut val = Val::of(val, key);
        if null {
            // a bare key passes the shell's value through, which we never consult
            val.eff = Eff::Unknown;
        }
        s.env.insert(
            name,
            EnvVar {
                val,
                in_compose: true,
            },
        );
    }
    s
}

fn load_env_files(
    s: &mut Service,
    spec: Option<&Node>,
    env_file: &mut dyn FnMut(&Loc, &str, bool) -> EnvFileState,
) {
    let Some(spec) = spec else { return };
    let list: Vec<&Node> = match &spec.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![spec],
    };
    for item in list {
        let (path_node, required, raw) = match item.get("path") {
            Some(p) => (
                p,
                item.get("required").and_then(Node::as_str) != Some("false"),
                item.get("format").and_then(Node::as_str) == Some("raw"),
            ),
            None => (item, true, false),
        };
        let Some(path) = path_node.eff.text() else {
            s.env_unknown = true;
            continue;
        };
        match env_file(&path_node.loc, path, raw) {
            EnvFileState::Entries(entries) => {
                for e in entries {
                    let Some(eff) = e.value else { continue };
                    let val = Val {
                        raw: eff.text().unwrap_or_default().to_string(),
                        eff,
                        loc: e.loc,
                        alias_site: None,
                        from_env: true,
                        plain: true,
                    };
                    s.env.insert(
                        e.key,
                        EnvVar {
                            val,
                            in_compose: false,
                        },
                    );
                }
            }
            EnvFileState::Unknown => s.env_unknown |= required,
        }
    }
}

fn networks(n: Option<&Node>) -> Vec<String> {
    let Some(n) = n else {
        return vec!["default".to_string()];
    };
    match &n.kind {
        Kind::Seq(items) => items
            .iter()
            .filter_map(|i| i.eff.text().map(str::to_string))
            .collect(),
        Kind::Map(m) => m
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect(),
        Kind::Scalar(_) => Vec::new(),
    }
}

fn items(n: Option<&Node>) -> Vec<Val> {
    n.map(|n| {
        n.items()
            .iter()
            .filter(|i| i.as_str().is_some())
            .map(|i| Val::of(i, i))
            .collect()
    })
    .unwrap_or_default()
}

fn tokens(v: &Node, key: &str) -> Vec<Val> {
    let (Some(n), Some(k)) = (v.get(key), v.key_node(key)) else {
        return Vec::new();
    };
    match &n.kind {
        Kind::Seq(_) => items(Some(n)),
        Kind::Scalar(_) => {
            let base = Val::of(n, k);
            match n.eff.text() {
                Some(t) => t
                    .split_whitespace()
                    .map(|w| Val {
                        eff: Eff::Literal(w.to_string()),
                        raw: w.to_string(),
                        ..base.clone()
                    })
                    .collect(),
                // one unknown variable must not hide the literal flags around it
                None => base
                    .raw
                    .split_whitespace()
                    .map(|w| {
                        let eff = if w.contains('$') {
                            Eff::Unknown
                        } else {
                            Eff::Literal(w.to_string())
                        };
                        Val {
                            eff,
                            raw: w.to_string(),
                            ..base.clone()
                        }
                    })
                    .collect(),
            }
        }
        Kind::Map(_) => Vec::new(),
    }
}

/// Parses the short syntax `[[IP:]HOST:]CONTAINER[/PROTO]`, including IPv6 forms.
pub fn parse_short_port(s: &str) -> PortSpec {
    let (body, protocol) = match s.rsplit_once('/') {
        Some((b, p)) => (b, p.to_string()),
        None => (s, "tcp".to_string()),
    };
    if let Some(rest) = body.strip_prefix('[') {
        if let Some((ip, tail)) = rest.split_once(']') {
            let tail = tail.trim_start_matches(':');
            let (published, target) = tail
                .split_once(':')
                .map_or((None, tail), |(p, t)| (Some(p), t));
            return PortSpec {
                host_ip: Some(ip.to_string()),
                published: published.map(str::to_string),
                target: target.to_string(),
                protocol,
            };
        }
    }
    let parts: Vec<&str> = body.split(':').collect();
    let n = parts.len();
    let (host_ip, published, target) = match n {
        1 => (None, None, parts[0]),
        2 => (None, Some(parts[0]), parts[1]),
        _ => (
            Some(parts[..n - 2].join(":")),
            Some(parts[n - 2]),
            parts[n - 1],
        ),
    };
    PortSpec {
        host_ip,
        published: published.map(str::to_string),
        target: target.to_string(),
        protocol,
    }
}

fn port(n: &Node) -> Port {
    let val = Val::of(n, n);
    let spec = match &n.kind {
        Kind::Scalar(_) => n.eff.text().map(parse_short_port),
        Kind::Map(_) => long_port(n),
        Kind::Seq(_) => None,
    };
    Port { spec, val }
}

fn long_port(n: &Node) -> Option<PortSpec> {
    let get = |k: &str| -> Result<Option<String>, ()> {
        match n.get(k) {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(None),
            Some(v) => v.eff.text().map(|t| Some(t.to_string())).ok_or(()),
        }
    };
    Some(PortSpec {
        host_ip: get("host_ip").ok()?,
        published: get("published").ok()?,
        target: get("target").ok()?.unwrap_or_default(),
        protocol: get("protocol").ok()?.unwrap_or_else(|| "tcp".to_string()),
    })
}

fn is_host_path(s: &str) -> bool {
    s.starts_with('/') || s.starts_with('.') || s.starts_with('~')
}

fn mount(n: &Node) -> Mount {
    let val = Val::of(n, n);
    if n.as_str().is_some() {
        let t = n.eff.text().unwrap_or_default();
        let parts: Vec<&str> = t.split(':').collect();
        let (source, target, mode) = match parts.len() {
            1 => (None, parts[0], ""),
            2 => (Some(parts[0]), parts[1], ""),
            _ => (Some(parts[0]), parts[1], parts[2]),
        };
        let known = n.eff.text().is_some();
        let source = source
            .filter(|s| known && is_host_path(s))
            .map(str::to_string);
        let read_only = mode.split(',').any(|m| m == "ro");
        return Mount {
            source,
            read_only,
            target: target.to_string(),
            val,
        };
    }
    let text = |k: &str| n.get(k).and_then(|v| v.eff.text()).map(str::to_string);
    let bind = text("type").as_deref() == Some("bind");
    Mount {
        source: text("source").filter(|s| bind && is_host_path(s)),
        read_only: matches!(text("read_only").as_deref(), Some("true" | "True" | "TRUE")),
        target: text("target").unwrap_or_default(),
        val,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports() {
        let p = parse_short_port("127.0.0.1:5000-5010:5000-5010");
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.target, "5000-5010");
        let p = parse_short_port("::1:6000:6000");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = parse_short_port("[::1]:6001:6001/udp");
        assert_eq!(
            (
                p.host_ip.as_deref(),
                p.published.as_deref(),
                p.protocol.as_str()
            ),
            (Some("::1"), Some("6001"), "udp")
        );
        let p = parse_short_port("3000");
        assert_eq!(
            (p.host_ip, p.published, p.target.as_str()),
            (None, None, "3000")
        );
    }
}
