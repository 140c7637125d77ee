//! Titles, default severities, fix texts and tags of the compose checks.

use crate::finding::Severity;

/// What a report needs to know about one check.
pub struct Meta {
    /// Check id.
    pub id: &'static str,
    /// Default (highest usual) severity.
    pub severity: Severity,
    /// One-line title.
    pub title: &'static str,
    /// How to fix.
    pub fix: &'static str,
    /// Tags.
    pub tags: &'static [&'static str],
}

use Severity::{High, Low, Medium};

/// Every compose check.
pub const CHECKS: &[Meta] = &[
    Meta { id: "DC001", severity: High, title: "Data service port published on all interfaces", tags: &["compose", "network", "exposure"],
        fix: "Remove the `ports:` entry and let other services reach the database over the compose network (`expose:` documents the port without publishing it). If the host needs access, publish on loopback only (\"127.0.0.1:5432:5432\" or `host_ip: 127.0.0.1`) and tunnel over SSH. Published ports are not filtered by UFW/firewalld." },
    Meta { id: "DC002", severity: Medium, title: "Admin, metrics or debug endpoint published on all interfaces", tags: &["compose", "network", "exposure"],
        fix: "Keep admin and metrics UIs off the published ports: serve them through the reverse proxy with authentication, or publish them on 127.0.0.1 and use an SSH tunnel. Remove debugger ports and flags from production files." },
    Meta { id: "DC004", severity: High, title: "Host network mode", tags: &["compose", "network"],
        fix: "Attach the service to a bridge network and publish only the ports it needs. If host networking cannot be avoided (DHCP, mDNS), make the process listen on specific interfaces." },
    Meta { id: "DC010", severity: High, title: "Default or weak credential for a known image", tags: &["compose", "credentials"],
        fix: "Generate a long random password (for example `openssl rand -base64 32`) and hand it over as a Docker secret with the image's `*_FILE` variable, or from an uncommitted .env as `${VAR:?set VAR}`. Do not keep fallback defaults for credentials." },
    Meta { id: "DC011", severity: Medium, title: "Datastore or admin authentication disabled", tags: &["compose", "authentication"],
        fix: "Turn authentication on: Redis with `--requirepass \"${REDIS_PASSWORD:?}\"` or an ACL file; Mongo with both MONGO_INITDB_ROOT_USERNAME and _PASSWORD; Elasticsearch with security enabled and ELASTIC_PASSWORD; Postgres without `trust`; MySQL with a root password and no ALLOW_EMPTY variable (its mere presence counts); Grafana without anonymous Admin/Editor; Traefik's dashboard behind a router with an auth middleware." },
    Meta { id: "DC012", severity: High, title: "Hardcoded secret in a compose file", tags: &["compose", "secret"],
        fix: "Move the value out of the compose file into an uncommitted .env or env_file, or a Docker secret, and reference it as `${VAR:?}` without a default." },
    Meta { id: "DC013", severity: High, title: "Env file not covered by .gitignore", tags: &["compose", "secret", "git"],
        fix: "Add the file to .gitignore, commit a .env.example with placeholder values instead, and rotate every secret that was committed: it stays in history (`git rm --cached` the file, then rotate)." },
    Meta { id: "DC014", severity: High, title: "Weak or development-default secret in an env file", tags: &["compose", "secret", "credentials"],
        fix: "Replace the value with a generated secret (`openssl rand -hex 32`). Do not ship development defaults; have the application refuse to start when the secret is missing or too short." },
    Meta { id: "DC020", severity: Medium, title: "Debug or development mode in a production compose set", tags: &["compose", "debug"],
        fix: "Use production settings (`NODE_ENV=production`, `DEBUG=false`, `GIN_MODE=release`) and the production server command (gunicorn/uvicorn without `--reload`, `next start`, `kc.sh start`); never ship `--inspect`." },
    Meta { id: "DC021", severity: Medium, title: "TLS verification disabled via environment", tags: &["compose", "tls"],
        fix: "Keep certificate verification on and give the runtime the CA bundle it needs (`NODE_EXTRA_CA_CERTS`, `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`)." },
    Meta { id: "DC030", severity: High, title: "Container-engine socket mounted", tags: &["compose", "container-escape"],
        fix: "Remove the socket mount, or put a socket proxy in front that allows only the API calls needed and keep it on an internal network. Never publish the engine API (2375)." },
    Meta { id: "DC031", severity: High, title: "Privileged container", tags: &["compose", "container-escape"],
        fix: "Drop `privileged` and grant only the specific `cap_add` entries or `devices` the service needs." },
    Meta { id: "DC032", severity: High, title: "Dangerous capability added", tags: &["compose", "container-escape"],
        fix: "Remove the capability, or start from `cap_drop: [ALL]` and add back only what is needed." },
    Meta { id: "DC033", severity: High, title: "Host namespace shared", tags: &["compose", "container-escape"],
        fix: "Remove `pid`/`ipc`/`uts`/`userns_mode: host`; share a namespace with a specific service (`service:name`) if that is what is needed." },
    Meta { id: "DC034", severity: Medium, title: "Security profile disabled", tags: &["compose", "container-escape"],
        fix: "Remove the `unconfined`/`disable` option; if a syscall is missing, ship a custom seccomp or AppArmor profile that allows just that." },
    Meta { id: "DC035", severity: High, title: "Sensitive host path mounted", tags: &["compose", "container-escape"],
        fix: "Mount only the specific files the service needs, read-only, or copy them into the image; never mount /, /etc, home directories or credential folders." },
    Meta { id: "DC038", severity: Low, title: "Explicit root user", tags: &["compose", "hardening"],
        fix: "Run as an unprivileged user (`user: \"1000:1000\"` or the image's own non-root user)." },
    Meta { id: "DC050", severity: Low, title: "Image not pinned (no tag or :latest)", tags: &["compose", "supply-chain"],
        fix: "Pin a specific version tag, ideally with its digest (`image: postgres:16.4@sha256:...`), and update it deliberately." },
    Meta { id: "DC090", severity: Medium, title: "Invalid YAML or duplicate key", tags: &["compose", "yaml"],
        fix: "Fix the syntax or remove the repeated key: Compose refuses files with duplicate keys, and a reader cannot tell which value is meant." },
    Meta { id: "DC091", severity: Low, title: "Unquoted port mapping that YAML 1.1 reads as base-60", tags: &["compose", "yaml"],
        fix: "Quote the mapping (`- \"2222:22\"`) so that every YAML parser reads it as a string." },
];

/// The metadata of a check id.
pub fn meta(id: &str) -> Option<&'static Meta> {
    CHECKS.iter().find(|m| m.id == id)
}
