//! Every lockfile parser on arbitrary text, through the scan layer's entry point: no input may
//! panic one, and every package it returns has a name, a version and a line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::deps::lockfile::{detect, parse_file};

const NAMES: [&str; 10] = [
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "requirements.txt",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "Cargo.lock",
    "npm-shrinkwrap.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let Some(format) = detect(name) else {
        return;
    };
    // Includes read nothing: the fuzzer's input is the whole world.
    if let Ok(lock) = parse_file(format, name, text, &|_| None) {
        for p in &lock.packages {
            assert!(p.line >= 1, "{name}: line 0 for {}", p.name);
        }
    }
});
