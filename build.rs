//! Embeds every `rules/secrets/*.toml` file: adding a rule file is a data change, not a code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("rules/secrets");
    println!("cargo:rerun-if-changed=rules/secrets");
    println!("cargo:rerun-if-changed=rules/allowlist.toml");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from("/// Embedded default secret rule files: (name, content).\n");
    code.push_str("pub const RULE_FILES: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=rules/secrets/{n}");
        let _ = writeln!(
            code,
            "    (\"rules/secrets/{n}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/secrets/{n}\"))),"
        );
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("default_rules.rs"), code) {
        panic!("cannot write default_rules.rs: {e}");
    }
}
