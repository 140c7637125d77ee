//! The compose loader and checks on arbitrary text: YAML parsing, anchors and merge keys,
//! interpolation, env files, set merging, include/extends. Errors are findings; panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = ["compose.yaml", "compose.override.yaml", "compose.prod.yaml", ".env", "common.yml"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // NUL separates the files, so merging, interpolation from .env and extends get exercised
    let files: Vec<(String, String)> =
        text.split('\0').zip(NAMES).map(|(t, n)| (n.to_string(), t.to_string())).collect();
    let out = preflight::compose::scan_files(&files);
    for f in &out.findings {
        assert!(f.rule_id.as_str().starts_with("DC"));
    }
});
