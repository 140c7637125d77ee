//! The advisory parsers (OSV JSON, OSV YAML, RustSec Markdown) and the matcher on arbitrary
//! input: no record may panic them, whatever its versions and ranges say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::deps::advisory::{matcher, osv, rustsec};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let parsed = match pick % 3 {
        0 => osv::parse_json(rest),
        1 => std::str::from_utf8(rest)
            .map_err(|e| e.to_string())
            .and_then(osv::parse_yaml),
        _ => std::str::from_utf8(rest)
            .map_err(|e| e.to_string())
            .and_then(rustsec::parse),
    };
    if let Ok(adv) = parsed {
        for aff in &adv.affected {
            for v in ["0", "1.0.0", "1.0.0-rc.1", "2!1.0.post1", "not a version"] {
                let _ = matcher::is_affected(aff, v);
                let _ = matcher::fixed_versions(aff, v);
            }
        }
    }
});
