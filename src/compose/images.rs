//! Per-image knowledge (`rules/compose/*.toml`, embedded): which images are data services or
//! admin UIs, on which ports, and which variables hold their credentials.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

const SOURCES: [(&str, &str); 1] = [(
    "rules/compose/images.toml",
    include_str!("../../rules/compose/images.toml"),
)];

/// Port lists used when the image is unknown.
#[derive(Debug, Default, Deserialize)]
pub struct Ports {
    /// Data-service container ports.
    #[serde(default)]
    pub data: Vec<u16>,
    /// Admin/metrics container ports.
    #[serde(default)]
    pub admin: Vec<u16>,
    /// Debugger and daemon ports, any image.
    #[serde(default)]
    pub debug: Vec<u16>,
}

/// An image's default credential when none of `keys` is set.
#[derive(Debug, Deserialize)]
pub struct Implicit {
    /// Keys any of which disables the default.
    pub keys: Vec<String>,
    /// The default `user:password`.
    pub credential: String,
}

/// One image family.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Family name, used by checks with image-specific logic.
    pub family: String,
    /// Normalised repositories; a trailing `*` matches any suffix.
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    /// All ports are data ports.
    #[serde(default)]
    pub data: bool,
    /// Only these ports are data ports.
    #[serde(default)]
    pub data_ports: Vec<u16>,
    /// UI/metrics ports that are not data ports.
    #[serde(default)]
    pub data_except: Vec<u16>,
    /// Admin/metrics ports.
    #[serde(default)]
    pub admin_ports: Vec<u16>,
    /// Admin ports by repository pattern.
    #[serde(default)]
    pub repo_ports: BTreeMap<String, Vec<u16>>,
    /// Every port is an admin port.
    #[serde(default)]
    pub admin_any: bool,
    /// Password variables.
    #[serde(default)]
    pub credentials: Vec<String>,
    /// The paired username variable.
    pub user_var: Option<String>,
    /// The username when `user_var` is unset.
    pub default_user: Option<String>,
    /// Implicit default credential.
    pub implicit: Option<Implicit>,
}

/// All image data.
#[derive(Debug, Default, Deserialize)]
pub struct Db {
    /// Fallback port lists.
    #[serde(default)]
    pub ports: Ports,
    /// Families in file order.
    #[serde(default)]
    pub image: Vec<Family>,
}

/// The embedded data, or the error that kept it from loading (tests assert it loads).
pub static DB: LazyLock<Result<Db, String>> = LazyLock::new(load);

fn load() -> Result<Db, String> {
    let mut all = Db::default();
    for (name, text) in SOURCES {
        let db: Db = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        all.ports.data.extend(db.ports.data);
        all.ports.admin.extend(db.ports.admin);
        all.ports.debug.extend(db.ports.debug);
        all.image.extend(db.image);
    }
    Ok(all)
}

/// The embedded data (empty if it failed to load).
pub fn db() -> &'static Db {
    static EMPTY: LazyLock<Db> = LazyLock::new(Db::default);
    DB.as_ref().unwrap_or(&EMPTY)
}

/// An image reference split into normalised repository and tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Repository without registry host and `library/`.
    pub repo: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Has an `@digest`.
    pub digest: bool,
}

/// Normalises an image reference.
pub fn normalize(image: &str) -> ImageRef {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let (repo, tag) = match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => (&name[..i], Some(name[i + 1..].to_string())),
        _ => (name, None),
    };
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        parts.remove(0);
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    ImageRef {
        repo: parts.join("/").to_ascii_lowercase(),
        tag,
        digest,
    }
}

/// Whether a repository matches a pattern.
pub fn pattern_matches(pat: &str, repo: &str) -> bool {
    match pat.strip_suffix('*') {
        Some(prefix) => repo.starts_with(prefix),
        None => pat == repo,
    }
}

/// The family of a normalised repository.
pub fn family(repo: &str) -> Option<&'static Family> {
    db().image
        .iter()
        .find(|f| f.matches.iter().any(|p| pattern_matches(p, repo)))
}

impl Family {
    /// Whether `port` of this image is a data port (DC001).
    pub fn is_data_port(&self, port: u16) -> bool {
        if !self.data_ports.is_empty() {
            return self.data_ports.contains(&port);
        }
        self.data && !self.data_except.contains(&port)
    }
    /// Whether the family is a data service.
    pub fn is_data(&self) -> bool {
        self.data || !self.data_ports.is_empty()
    }
    /// Whether the family is an admin UI.
    pub fn is_admin(&self) -> bool {
        self.admin_any || !self.admin_ports.is_empty() || !self.repo_ports.is_empty()
    }
    /// Whether `port` of `repo` is an admin port (DC002).
    pub fn is_admin_port(&self, repo: &str, port: u16) -> bool {
        self.admin_any
            || self.admin_ports.contains(&port)
            || self
                .repo_ports
                .iter()
                .any(|(p, ports)| pattern_matches(p, repo) && ports.contains(&port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_loads_and_matches() {
        assert!(DB.as_ref().is_ok(), "{:?}", DB.as_ref().err());
        let r = normalize("docker.io/library/postgres:16-alpine");
        assert_eq!(
            (r.repo.as_str(), r.tag.as_deref()),
            ("postgres", Some("16-alpine"))
        );
        assert_eq!(family(&r.repo).map(|f| f.family.as_str()), Some("postgres"));
        let r = normalize("localhost:5000/app@sha256:abc");
        assert_eq!((r.repo.as_str(), r.digest), ("app", true));
        assert_eq!(
            family(&normalize("grafana/grafana-oss").repo).map(|f| f.family.as_str()),
            Some("grafana")
        );
        assert_eq!(
            family(&normalize("grafana/loki:3").repo).map(|f| f.family.as_str()),
            Some("metrics")
        );
        let es = normalize("docker.elastic.co/elasticsearch/elasticsearch:7.17.0");
        assert_eq!(
            family(&es.repo).map(|f| f.family.as_str()),
            Some("elasticsearch")
        );
        let rmq = family("rabbitmq");
        assert!(rmq.is_some_and(|f| f.is_data_port(5672)
            && !f.is_data_port(15672)
            && f.is_admin_port("rabbitmq", 15672)));
    }
}
