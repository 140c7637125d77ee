//! Detectors of structured formats, judged by key path: JSON (Docker, editor deployment
//! configs, Terraform state, database clients, Firefox), YAML (Spring, Rails, Ansible, `gh`,
//! `doctl`, Kubernetes Secrets), `.properties` / `.tfvars` lines and XML (FileZilla, JetBrains).

use super::kv::entries;
use super::value::names_credential;
use super::{json, xml, yaml, Detector, Hit, PathInfo};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;

const IDE_JSON: &[&str] = &[
    "sftp.json",
    "sftp-config.json",
    ".ftpconfig",
    ".remote-sync.json",
    "deployment-config.json",
    ".sftpconfig",
    "ftp-sync.json",
];

/// Whether a structured-format detector reads `p`.
pub fn applies(d: Detector, p: &PathInfo<'_>) -> bool {
    let n = p.name;
    let yml = p.ext(&[".yml", ".yaml"]);
    match d {
        Detector::Spring => {
            (n.starts_with("application") || n.starts_with("bootstrap"))
                && p.ext(&[".properties", ".yml", ".yaml"])
        }
        Detector::RailsSecrets => {
            p.path.ends_with("config/secrets.yml") || p.path.ends_with("config/secrets.yaml")
        }
        Detector::Terraform => p.ext(&[".tfvars", ".tfvars.json", ".tfstate", ".tfstate.backup"]),
        Detector::Ansible => {
            (p.dir("group_vars/") || p.dir("host_vars/"))
                || (p.dir("roles/") && (p.dir("vars/") || p.dir("defaults/")) && yml)
        }
        Detector::GithubCli => p.path.ends_with("gh/hosts.yml") || p.path.ends_with(".config/hub"),
        Detector::DigitalOceanCli => n == ".tugboat" || p.path.ends_with("doctl/config.yaml"),
        Detector::KubernetesSecret => yml || p.ext(&[".json"]),
        Detector::DockerConfig => n == ".dockercfg" || n == "config.json",
        Detector::FirefoxLogins => n == "logins.json",
        Detector::IdeDeployment => {
            IDE_JSON.contains(&n) || n == "webservers.xml" || n == "deployment.xml"
        }
        Detector::FileZilla => {
            matches!(n, "sitemanager.xml" | "recentservers.xml" | "filezilla.xml")
        }
        Detector::DatabaseClient => {
            matches!(
                n,
                "mongoid.yml" | "robomongo.json" | "robo3t.json" | "data-sources.json"
            ) || (n.starts_with("data-sources") && n.ends_with(".json") && p.dir(".dbeaver"))
        }
        _ => false,
    }
}

/// The hits of a structured-format detector; `None` for the other detectors.
pub fn scan(d: Detector, data: &[u8]) -> Option<Vec<Hit>> {
    let cred_json = |data: &[u8]| -> Vec<Hit> {
        json::values(data)
            .into_iter()
            .filter(|v| v.string && names_credential(v.key()))
            .map(|v| Hit::plain(v.span))
            .collect()
    };
    let cred_yaml = |data: &[u8]| -> Vec<Hit> {
        yaml::values(data)
            .into_iter()
            .filter(|v| names_credential(v.key()))
            .map(|v| Hit::plain(v.span))
            .collect()
    };
    let out = match d {
        Detector::Spring | Detector::Terraform if !looks_structured(data) => entries(data)
            .iter()
            .filter(|e| names_credential(e.key))
            .map(|e| Hit::plain(e.value))
            .collect(),
        Detector::Spring | Detector::RailsSecrets | Detector::Ansible => cred_yaml(data),
        Detector::Terraform => terraform_state(data),
        Detector::GithubCli => keyed_yaml(data, &["oauth_token"]),
        Detector::DigitalOceanCli => keyed_yaml(data, &["access_token", "access-token"]),
        Detector::KubernetesSecret => kubernetes(data),
        Detector::DockerConfig => docker(data),
        Detector::FirefoxLogins => json::values(data)
            .into_iter()
            .filter(|v| v.key() == "encryptedPassword")
            .map(|v| Hit::plain(v.span))
            .collect(),
        Detector::IdeDeployment | Detector::FileZilla
            if data.trim_ascii_start().starts_with(b"<") =>
        {
            xml_credentials(data, d == Detector::FileZilla)
        }
        Detector::IdeDeployment => cred_json(data),
        Detector::DatabaseClient if data.trim_ascii_start().starts_with(b"{") => cred_json(data),
        Detector::DatabaseClient => cred_yaml(data),
        _ => return None,
    };
    Some(out)
}

/// JSON or YAML rather than `key = value` lines (a `.yml` Spring file, a `.tfstate`).
fn looks_structured(data: &[u8]) -> bool {
    let t = data.trim_ascii_start();
    t.starts_with(b"{") || {
        let first = super::kv::lines(t)
            .map(|(_, l)| l)
            .find(|l| !l.is_empty() && l[0] != b'#');
        first.is_some_and(|l| {
            let eq = memchr::memchr(b'=', l);
            let colon = memchr::memchr(b':', l);
            colon.is_some() && eq.is_none_or(|e| colon.is_some_and(|c| c < e))
        })
    }
}

fn keyed_yaml(data: &[u8], keys: &[&str]) -> Vec<Hit> {
    yaml::values(data)
        .into_iter()
        .filter(|v| keys.contains(&v.key()))
        .map(|v| Hit::plain(v.span))
        .collect()
}

/// State files: credential-named attributes, and `outputs.<credential name>.value`.
fn terraform_state(data: &[u8]) -> Vec<Hit> {
    json::values(data)
        .into_iter()
        .filter(|v| v.string)
        .filter(|v| {
            names_credential(v.key())
                || (v.key() == "value"
                    && v.path.len() >= 2
                    && names_credential(&v.path[v.path.len() - 2]))
        })
        .map(|v| Hit::plain(v.span))
        .collect()
}

/// `data` values (base64, decoded) and `stringData` values of credential-named keys.
fn kubernetes(data: &[u8]) -> Vec<Hit> {
    if !super::super::decode::is_candidate(data) {
        return Vec::new();
    }
    let json = data.trim_ascii_start().starts_with(b"{");
    let values: Vec<(Vec<String>, (usize, usize))> = if json {
        json::values(data)
            .into_iter()
            .map(|v| (v.path, v.span))
            .collect()
    } else {
        yaml::values(data)
            .into_iter()
            .map(|v| (v.path, v.span))
            .collect()
    };
    let mut out = Vec::new();
    for (path, span) in values {
        let [section, key] = path.as_slice() else {
            continue;
        };
        if !names_credential(key) {
            continue;
        }
        if section == "stringData" {
            out.push(Hit::plain(span));
        } else if section == "data" {
            if let Some(text) = decode_text(&data[span.0..span.1]) {
                out.push(Hit {
                    start: span.0,
                    end: span.1,
                    decoded: Some(text),
                });
            }
        }
    }
    out
}

/// `auth` (base64 of `user:password`, decoded; the password is the secret) and
/// `identitytoken` values of a Docker config.
fn docker(data: &[u8]) -> Vec<Hit> {
    if memchr::memmem::find(data, b"\"auth").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for v in json::values(data) {
        let raw = &data[v.span.0..v.span.1];
        if v.key() == "identitytoken" {
            out.push(Hit::plain(v.span));
        } else if v.key() == "auth" {
            let Some(text) = decode_text(raw) else {
                continue;
            };
            let Some((user, pass)) = text.split_once(':') else {
                continue;
            };
            if !user.is_empty() && !pass.is_empty() {
                out.push(Hit {
                    start: v.span.0,
                    end: v.span.1,
                    decoded: Some(pass.to_string()),
                });
            }
        }
    }
    out
}

/// Credential-named elements and attributes, and JetBrains' `<option name="password"
/// value="…"/>`; FileZilla's `<Pass encoding="base64">` is decoded.
fn xml_credentials(data: &[u8], filezilla: bool) -> Vec<Hit> {
    let items = xml::items(data);
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let raw = &data[it.span.0..it.span.1];
        let named = match &it.attribute {
            None => names_credential(&it.element),
            Some(a) if a == "value" => {
                i > 0 && {
                    let prev = &items[i - 1];
                    prev.element == it.element
                        && prev.attribute.as_deref() == Some("name")
                        && names_credential(&String::from_utf8_lossy(
                            &data[prev.span.0..prev.span.1],
                        ))
                }
            }
            Some(a) => !filezilla && names_credential(a),
        };
        if !named {
            continue;
        }
        if it.base64 {
            if let Some(text) = decode_text(raw) {
                out.push(Hit {
                    start: it.span.0,
                    end: it.span.1,
                    decoded: Some(text),
                });
            }
        } else {
            out.push(Hit::plain(it.span));
        }
    }
    out
}

/// Base64 that decodes to printable UTF-8.
fn decode_text(encoded: &[u8]) -> Option<String> {
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (printable && !text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(d: Detector, data: &str) -> Vec<String> {
        scan(d, data.as_bytes())
            .unwrap_or_default()
            .iter()
            .map(|h| {
                h.decoded
                    .clone()
                    .unwrap_or_else(|| data[h.start..h.end].to_string())
            })
            .collect()
    }

    #[test]
    fn structured_formats() {
        let auth = STANDARD.encode("ci:Hq9-pass-Z");
        let only_user = STANDARD.encode("ci");
        let doc = format!(
            r#"{{"auths": {{"r.test": {{"auth": "{auth}"}}, "b.test": {{"auth": "{only_user}"}}}}}}"#
        );
        assert_eq!(found(Detector::DockerConfig, &doc), ["Hq9-pass-Z"]);
        let props = "spring.datasource.username=app\nspring.datasource.password=Pw-1\n";
        assert_eq!(found(Detector::Spring, props), ["Pw-1"]);
        let yml = "spring:\n  datasource:\n    password:\n      Pw-2\n";
        assert_eq!(found(Detector::Spring, yml), ["Pw-2"]);
        let secret = format!(
            "kind: Secret\ndata:\n  password: {}\n  username: {}\nstringData:\n  api-token: t0k\n",
            STANDARD.encode("pw3"),
            STANDARD.encode("u")
        );
        assert_eq!(found(Detector::KubernetesSecret, &secret), ["pw3", "t0k"]);
        let fz = r#"<FileZilla3><Servers><Server><User>u</User><Pass encoding="base64">cHc0</Pass></Server></Servers></FileZilla3>"#;
        assert_eq!(found(Detector::FileZilla, fz), ["pw4"]);
        let ws = r#"<application><component><option name="password" value="pw5"/><option name="host" value="h"/></component></application>"#;
        assert_eq!(found(Detector::IdeDeployment, ws), ["pw5"]);
        let st = r#"{"outputs": {"db_password": {"value": "pw6", "sensitive": true}}, "resources": [{"instances": [{"attributes": {"password": "pw7", "id": "x"}}]}]}"#;
        assert_eq!(found(Detector::Terraform, st), ["pw6", "pw7"]);
    }
}
