//! Embeds every `rules/secrets/*.toml` file and every provider context file
//! `rules/secrets/context/*.toml`: adding a rule file is a data change, not a code change.

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
    embed_context_files(&mut code);
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("default_rules.rs"), code) {
        panic!("cannot write default_rules.rs: {e}");
    }
}

/// `PROVIDER_FILES`: the `[[providers]]` files that expand into context rules.
fn embed_context_files(code: &mut String) {
    let dir = Path::new("rules/secrets/context");
    println!("cargo:rerun-if-changed=rules/secrets/context");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    code.push_str("/// Embedded provider context files: (name, content).\n");
    code.push_str("pub const PROVIDER_FILES: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=rules/secrets/context/{n}");
        let _ = writeln!(
            code,
            "    (\"rules/secrets/context/{n}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/secrets/context/{n}\"))),"
        );
    }
    code.push_str("];\n");
}
