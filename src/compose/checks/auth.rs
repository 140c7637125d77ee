//! DC011: authentication of a datastore or admin tool switched off, by image family.

use super::dict::truthy;
use super::{Hit, Svc};
use crate::compose::model::Val;
use crate::finding::Severity;

/// DC011 for one service.
pub fn check(svc: &Svc<'_>, exposed: bool, out: &mut Vec<Hit>) {
    let sev = if exposed {
        Severity::Critical
    } else {
        Severity::Medium
    };
    let mut emit = |v: Option<&Val>, key: &str, why: String| {
        let (loc, alias) = match v {
            Some(v) => (v.loc.clone(), v.alias_site.as_ref()),
            None => (svc.s.anchor(), None),
        };
        let msg = format!("service `{}` ({}): {why}", svc.s.name, svc.repo());
        out.push(svc.hit("DC011", sev, loc, alias, key, msg));
    };
    let repo = svc.repo();
    let bitnami = repo.starts_with("bitnami/");
    let bitnami_switch = match repo {
        "bitnami/redis" | "bitnami/mongodb" | "bitnami/postgresql" => Some("ALLOW_EMPTY_PASSWORD"),
        "bitnami/kafka" => Some("ALLOW_PLAINTEXT_LISTENER"),
        "bitnami/zookeeper" => Some("ALLOW_ANONYMOUS_LOGIN"),
        _ => None,
    };
    if let Some(key) = bitnami_switch {
        if let Some(v) = env_is(svc, key, |t| t.eq_ignore_ascii_case("yes")) {
            emit(
                Some(v),
                key,
                format!("`{key}=yes` turns authentication off"),
            );
        }
    }
    match svc.fam() {
        "postgres" => {
            if let Some(v) = env_is(svc, "POSTGRES_HOST_AUTH_METHOD", |t| {
                t.eq_ignore_ascii_case("trust")
            }) {
                emit(
                    Some(v),
                    "POSTGRES_HOST_AUTH_METHOD",
                    "`trust` lets anyone connect without a password".into(),
                );
            }
        }
        "mysql" | "mariadb" => mysql(svc, &mut emit),
        "mongo" if !bitnami => mongo(svc, &mut emit),
        "redis" if !bitnami => redis(svc, &mut emit),
        "redis" => {
            empty_requirepass(svc, &mut emit);
        }
        "memcached" if !has_flag(svc, &["-S", "--enable-sasl"]) => emit(
            None,
            "memcached",
            "memcached has no authentication without SASL (`-S`)".into(),
        ),
        "elasticsearch" => elastic(svc, &mut emit),
        "opensearch" => {
            for key in ["DISABLE_SECURITY_PLUGIN", "plugins.security.disabled"] {
                if let Some(v) = env_is(svc, key, |t| t.eq_ignore_ascii_case("true")) {
                    emit(Some(v), key, "the security plugin is disabled".into());
                }
            }
        }
        "neo4j" => {
            if let Some(v) = env_is(svc, "NEO4J_AUTH", |t| t.eq_ignore_ascii_case("none")) {
                emit(
                    Some(v),
                    "NEO4J_AUTH",
                    "`NEO4J_AUTH=none` disables authentication".into(),
                );
            }
        }
        "cassandra" if !mounts(svc, "cassandra.yaml") => emit(
            None,
            "cassandra",
            "no cassandra.yaml is mounted, so the default AllowAllAuthenticator applies".into(),
        ),
        "grafana" => grafana(svc, &mut emit),
        "mongo-express" => mongo_express(svc, &mut emit),
        "traefik" => traefik(svc, &mut emit),
        _ => {}
    }
}

type Emit<'a> = dyn FnMut(Option<&Val>, &str, String) + 'a;

fn env_is<'s>(svc: &'s Svc<'_>, key: &str, pred: impl Fn(&str) -> bool) -> Option<&'s Val> {
    svc.s
        .var(key)
        .map(|e| &e.val)
        .filter(|v| v.text().is_some_and(&pred))
}

/// Set to something we cannot see, or to a non-empty value.
fn set_nonempty(svc: &Svc<'_>, key: &str) -> bool {
    svc.s.var(key).is_some_and(|e| e.val.text() != Some(""))
}

fn has_flag(svc: &Svc<'_>, flags: &[&str]) -> bool {
    svc.s.command.iter().any(|t| {
        t.text().is_some_and(|x| {
            flags
                .iter()
                .any(|f| x == *f || x.starts_with(&format!("{f}=")))
        })
    })
}

fn mounts(svc: &Svc<'_>, suffix: &str) -> bool {
    svc.s.mounts.iter().any(|m| m.target.ends_with(suffix))
}

fn mysql(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let allow = [
        "MYSQL_ALLOW_EMPTY_PASSWORD",
        "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
    ]
    .into_iter()
    .find_map(|k| {
        svc.s
            .var(k)
            .filter(|e| e.val.text().is_some_and(|t| !t.is_empty()))
            .map(|e| (k, &e.val))
    });
    let Some((key, v)) = allow else { return };
    let roots = [
        "MYSQL_ROOT_PASSWORD",
        "MYSQL_ROOT_PASSWORD_FILE",
        "MARIADB_ROOT_PASSWORD",
        "MARIADB_ROOT_PASSWORD_HASH",
        "MARIADB_ROOT_PASSWORD_FILE",
    ];
    let randoms = ["MYSQL_RANDOM_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD"];
    if roots.iter().any(|k| set_nonempty(svc, k)) || randoms.iter().any(|k| svc.s.has(k)) {
        return;
    }
    emit(Some(v), key, format!("`{key}` is set (any value counts) and no root password is set: root has an empty password"));
}

fn mongo(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let has = |a: &str| svc.s.has(a) || svc.s.has(&format!("{a}_FILE"));
    let both = has("MONGO_INITDB_ROOT_USERNAME") && has("MONGO_INITDB_ROOT_PASSWORD");
    if both
        || svc.s.env_unknown
        || has_flag(svc, &["--auth", "--config", "-f"])
        || mounts(svc, "mongod.conf")
    {
        return;
    }
    emit(None, "mongo", "MongoDB runs without authentication unless both MONGO_INITDB_ROOT_USERNAME and _PASSWORD are set".into());
}

/// Reports `--requirepass` with an empty value; true if the flag is given at all.
fn empty_requirepass(svc: &Svc<'_>, emit: &mut Emit<'_>) -> bool {
    let cmd = &svc.s.command;
    let Some(i) = cmd.iter().position(|t| t.text() == Some("--requirepass")) else {
        return false;
    };
    if cmd.get(i + 1).is_none_or(|v| v.text() == Some("")) {
        let why = "`--requirepass` is given an empty password".to_string();
        emit(Some(&cmd[i]), "requirepass", why);
    }
    true
}

fn redis(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let cmd = &svc.s.command;
    if empty_requirepass(svc, emit) {
        return;
    }
    let args = svc.s.var_text("REDIS_ARGS").unwrap_or_default();
    let configured = has_flag(svc, &["--aclfile"])
        || cmd
            .iter()
            .any(|t| t.text().is_some_and(|x| x.ends_with(".conf")))
        || args.contains("--requirepass")
        || args.contains("--aclfile")
        || svc
            .s
            .var("REDIS_ARGS")
            .is_some_and(|e| e.val.text().is_none())
        || mounts(svc, "redis.conf")
        || svc.s.env_unknown;
    if configured {
        return;
    }
    let note = if svc.s.has("REDIS_PASSWORD") {
        " (the official image ignores REDIS_PASSWORD)"
    } else {
        ""
    };
    emit(None, "redis", format!("Redis accepts any client without a password: no --requirepass, --aclfile or config file{note}"));
}

fn elastic(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let key = "xpack.security.enabled";
    if let Some(v) = env_is(svc, key, |t| t.eq_ignore_ascii_case("false")) {
        emit(
            Some(v),
            key,
            "`xpack.security.enabled=false` turns security off".into(),
        );
        return;
    }
    let major = svc
        .image
        .as_ref()
        .and_then(|i| i.tag.as_deref())
        .and_then(|t| t.split('.').next()?.parse::<u32>().ok());
    if major.is_some_and(|m| m < 8)
        && env_is(svc, key, |t| t.eq_ignore_ascii_case("true")).is_none()
        && !svc.s.env_unknown
    {
        emit(
            None,
            key,
            "Elasticsearch before 8.0 runs with security off unless `xpack.security.enabled=true`"
                .into(),
        );
    }
}

fn grafana(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let role = svc
        .s
        .var_text("GF_AUTH_ANONYMOUS_ORG_ROLE")
        .unwrap_or_default();
    if !(role.eq_ignore_ascii_case("admin") || role.eq_ignore_ascii_case("editor")) {
        return;
    }
    if let Some(v) = env_is(svc, "GF_AUTH_ANONYMOUS_ENABLED", |t| {
        t.eq_ignore_ascii_case("true")
    }) {
        emit(
            Some(v),
            "GF_AUTH_ANONYMOUS_ENABLED",
            format!("anonymous users get the `{role}` role"),
        );
    }
}

fn mongo_express(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let off = env_is(svc, "ME_CONFIG_BASICAUTH", |t| {
        t.eq_ignore_ascii_case("false")
    })
    .is_some();
    let unset = !set_nonempty(svc, "ME_CONFIG_BASICAUTH_USERNAME")
        && !set_nonempty(svc, "ME_CONFIG_BASICAUTH_PASSWORD");
    if off || (unset && !svc.s.env_unknown) {
        emit(
            None,
            "mongo-express",
            "mongo-express has no basic auth, and gives admin access to every database".into(),
        );
    }
}

fn traefik(svc: &Svc<'_>, emit: &mut Emit<'_>) {
    let tok = svc.s.command.iter().find(|t| {
        t.text()
            .is_some_and(|x| x == "--api.insecure" || x.eq_ignore_ascii_case("--api.insecure=true"))
    });
    let env = env_is(svc, "TRAEFIK_API_INSECURE", truthy);
    if let Some(v) = tok.or(env) {
        emit(
            Some(v),
            "api.insecure",
            "the Traefik API and dashboard are served without authentication".into(),
        );
    }
}
