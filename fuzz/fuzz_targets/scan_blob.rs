//! The secret engine on arbitrary bytes with the default rules: no input may panic it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn rules() -> &'static preflight::secrets::RuleSet {
    static SET: OnceLock<preflight::secrets::RuleSet> = OnceLock::new();
    SET.get_or_init(|| preflight::secrets::defaults::rule_set().expect("embedded rules"))
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks a path, so path-filtered rules and Kubernetes decoding get exercised.
    let path = match data.first().map(|b| b % 4) {
        Some(0) => "config/.env",
        Some(1) => "k8s/secret.yaml",
        Some(2) => "Dockerfile",
        _ => "src/main.rs",
    };
    let found = preflight::secrets::scan_blob(rules(), path, None, data);
    for f in &found.findings {
        assert!(f.location.start_line >= 1 && f.location.end_line >= f.location.start_line);
    }
});
