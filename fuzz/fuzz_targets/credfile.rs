//! The file-format detectors on arbitrary bytes under arbitrary file names: the first line of
//! the input is the path (so any detector's name test can pass, and odd names too), the rest is
//! the content. No input may panic a parser, and every finding points inside the content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn rules() -> &'static preflight::secrets::RuleSet {
    static SET: OnceLock<preflight::secrets::RuleSet> = OnceLock::new();
    SET.get_or_init(|| preflight::secrets::defaults::rule_set().expect("embedded rules"))
}

/// Names every detector reads, so short inputs reach the parsers without guessing a name.
const NAMES: &[&str] = &[
    ".netrc", ".pgpass", ".git-credentials", ".htpasswd", "etc/shadow", "dump.sql",
    "config/master.key", ".msmtprc", ".fetchmailrc", "wp-config.php", "mysite/settings.py",
    ".pypirc", ".aws/credentials", ".s3cfg", "application.properties", "application.yml",
    "config/secrets.yml", ".env", ".bashrc", "prod.tfvars", "terraform.tfstate",
    "group_vars/all.yml", ".config/gh/hosts.yml", ".tugboat", "doctl/config.yaml",
    "k8s/secret.yaml", ".docker/config.json", "logins.json", ".vscode/sftp.json",
    ".idea/WebServers.xml", "sitemanager.xml", "robomongo.json", "mongoid.yml",
    ".dbeaver/data-sources.json", "app.conf",
];

fuzz_target!(|data: &[u8]| {
    let (path, content) = match data.first() {
        // A known name picked by the first byte, the rest as content.
        Some(&b) if b < 0x80 => (NAMES[b as usize % NAMES.len()].to_string(), &data[1..]),
        // Otherwise an arbitrary name: everything up to the first newline.
        _ => {
            let nl = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
            let name = String::from_utf8_lossy(&data[..nl]).into_owned();
            (name, data.get(nl + 1..).unwrap_or_default())
        }
    };
    let found = preflight::secrets::scan_blob(rules(), &path, None, content);
    let lines = content.iter().filter(|&&b| b == b'\n').count() + 1;
    for f in &found.findings {
        assert!(f.location.start_line >= 1 && f.location.end_line >= f.location.start_line);
        assert!(f.location.end_line <= lines, "finding past the end of {path:?}");
    }
});
