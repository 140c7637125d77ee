//! The built-in file-format detectors a rule can name (`detector = "netrc"`), and the cheap
//! file-name test that decides which of them read a file. The rule loader needs only this
//! module; running the detectors is `formats::detect`.

use super::{lines, structured, Hit};

/// The built-in detectors, by the name a rule's `detector` key gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detector {
    /// `.netrc` / `_netrc` `password` tokens.
    Netrc,
    /// `.pgpass` last field.
    Pgpass,
    /// `.git-credentials` URLs.
    GitCredentials,
    /// `.htpasswd`, shadow and FTP server passwd lines (hashes).
    PasswdHash,
    /// Password hashes quoted in SQL dumps.
    SqlHash,
    /// Rails `config/master.key` and `config/credentials/*.key`.
    RailsMasterKey,
    /// Mail client configs (`.msmtprc`, `.esmtprc`, `.muttrc`, `.fetchmailrc`).
    MailClient,
    /// `wp-config.php` database password, keys and salts.
    WpConfig,
    /// Django `SECRET_KEY` in settings modules.
    DjangoSettings,
    /// `.pypirc` passwords.
    Pypirc,
    /// AWS `credentials` and s3cmd `.s3cfg` secret keys.
    AwsCredentials,
    /// Spring `application.properties` / `.yml` credentials.
    Spring,
    /// Rails `secrets.yml`.
    RailsSecrets,
    /// Laravel `.env` `APP_KEY`.
    LaravelEnv,
    /// `export X_PASSWORD=…` in shell rc files.
    ShellRc,
    /// Terraform `*.tfvars` and state files.
    Terraform,
    /// Ansible inventory and role variables.
    Ansible,
    /// GitHub `hub` and `gh` `hosts.yml` tokens.
    GithubCli,
    /// DigitalOcean `.tugboat` and `doctl` config tokens.
    DigitalOceanCli,
    /// Kubernetes `Secret` manifests (`data` decoded, `stringData`).
    KubernetesSecret,
    /// Docker `config.json` / `.dockercfg` `auth` (base64 of user:password, decoded).
    DockerConfig,
    /// Firefox `logins.json` encrypted passwords (informative).
    FirefoxLogins,
    /// Editor and IDE deployment configs (sftp.json, .ftpconfig, WebServers.xml…).
    IdeDeployment,
    /// FileZilla site manager XML (`<Pass>`, base64 decoded).
    FileZilla,
    /// Database client data sources (Mongoid, Robomongo, DBeaver).
    DatabaseClient,
    /// INI / `.conf` / `.cfg` keys that name a credential.
    ConfigFile,
}

const NAMES: &[(&str, Detector)] = &[
    ("netrc", Detector::Netrc),
    ("pgpass", Detector::Pgpass),
    ("git-credentials", Detector::GitCredentials),
    ("passwd-hash", Detector::PasswdHash),
    ("sql-hash", Detector::SqlHash),
    ("rails-master-key", Detector::RailsMasterKey),
    ("mail-client", Detector::MailClient),
    ("wp-config", Detector::WpConfig),
    ("django-settings", Detector::DjangoSettings),
    ("pypirc", Detector::Pypirc),
    ("aws-credentials", Detector::AwsCredentials),
    ("spring", Detector::Spring),
    ("rails-secrets", Detector::RailsSecrets),
    ("laravel-env", Detector::LaravelEnv),
    ("shell-rc", Detector::ShellRc),
    ("terraform", Detector::Terraform),
    ("ansible", Detector::Ansible),
    ("github-cli", Detector::GithubCli),
    ("digitalocean-cli", Detector::DigitalOceanCli),
    ("kubernetes-secret", Detector::KubernetesSecret),
    ("docker-config", Detector::DockerConfig),
    ("firefox-logins", Detector::FirefoxLogins),
    ("ide-deployment", Detector::IdeDeployment),
    ("filezilla", Detector::FileZilla),
    ("database-client", Detector::DatabaseClient),
    ("config-file", Detector::ConfigFile),
];

/// A path, lower-cased, with its file name: what the cheap selection looks at.
pub struct PathInfo<'a> {
    /// The whole path, `/`-separated, lower case.
    pub path: &'a str,
    /// The file name, lower case.
    pub name: &'a str,
}

impl PathInfo<'_> {
    pub(super) fn ext(&self, exts: &[&str]) -> bool {
        exts.iter().any(|e| self.name.ends_with(e))
    }
    /// Whether a path component starts `dir` (`dir` at the start or right after a `/`). Tested
    /// for every file against several detectors, so it allocates nothing.
    pub(super) fn dir(&self, dir: &str) -> bool {
        self.path.starts_with(dir)
            || self
                .path
                .match_indices(dir)
                .any(|(i, _)| i > 0 && self.path.as_bytes()[i - 1] == b'/')
    }
}

impl Detector {
    /// The detector a rule names.
    pub fn from_name(name: &str) -> Option<Detector> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
    }

    /// The name rules use for it.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("", |(n, _)| *n)
    }

    /// Whether this detector reads the file at `p` (a name test, nothing parsed).
    pub fn applies(self, p: &PathInfo<'_>) -> bool {
        lines::applies(self, p) || structured::applies(self, p)
    }

    /// The values this detector reports in `data`.
    pub fn scan(self, data: &[u8]) -> Vec<Hit> {
        lines::scan(self, data)
            .or_else(|| structured::scan(self, data))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::PathInfo;

    #[test]
    fn dir_matches_whole_leading_components_only() {
        let at = |path: &'static str| PathInfo {
            path,
            name: path.rsplit('/').next().unwrap_or(path),
        };
        assert!(at("group_vars/all.yml").dir("group_vars/"));
        assert!(at("infra/group_vars/all.yml").dir("group_vars/"));
        assert!(!at("infra/my_group_vars/all.yml").dir("group_vars/"));
        assert!(at("x/my_group_vars/group_vars/a").dir("group_vars/"));
        assert!(!at("group_vars").dir("group_vars/"));
    }
}
