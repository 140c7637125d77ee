//! Config files (gitleaks TOML) from arbitrary text: parse, build, validate and use the rules.
//! Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::secrets::{scan_blob, toml, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = toml::parse(text) else { return };
    let Ok(set) = RuleSet::from_files(vec![("fuzz.toml".to_string(), file)]) else { return };
    if set.validate_origin("fuzz.toml").is_err() {
        return;
    }
    let _ = scan_blob(&set, "a/b.env", None, b"token = abcdef0123456789\npassword=hunter2hunter2\n");
});
