//! Tests for the pnpm-lock.yaml parser, over the fixtures in `fixtures/lockfiles/pnpm/`.

use super::parse;
use crate::deps::package::{Lockfile, Package, Source};

/// Reads a fixture and parses it.
fn fixture(name: &str) -> Lockfile {
    let path = format!(
        "{}/fixtures/lockfiles/pnpm/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    parse(&text).expect("fixture parses")
}

/// The package with a name.
fn package<'a>(lock: &'a Lockfile, name: &str) -> &'a Package {
    lock.packages
        .iter()
        .find(|p| p.name == name)
        .expect("package listed")
}

/// The line of the first line of `text` equal to `wanted`.
fn line_of(name: &str, wanted: &str) -> usize {
    let path = format!(
        "{}/fixtures/lockfiles/pnpm/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("fixture exists");
    text.lines()
        .position(|l| l == wanted)
        .expect("line present")
        + 1
}

#[test]
fn v6_names_and_versions() {
    let lock = fixture("v6.yaml");
    let mut got: Vec<(&str, &str)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("accepts", "1.3.7"),
            ("express", "4.17.1"),
            ("left-pad", "1.3.0"),
            ("local-util", "0.1.0"),
            ("lodash", "4.17.20"),
            ("loose-envify", "1.4.0"),
            ("minimist", "1.2.5"),
            ("negotiator", "0.6.2"),
            ("react", "17.0.2"),
            ("react-dom", "17.0.2"),
            ("tiny-tar", "1.0.0"),
        ]
    );
    assert!(lock.unauditable.is_empty());
}

#[test]
fn v6_direct_paths_and_lines() {
    let lock = fixture("v6.yaml");
    let express = package(&lock, "express");
    assert!(express.direct);
    assert_eq!(express.path, ["(root)", "express"]);
    assert_eq!(express.line, line_of("v6.yaml", "  /express@4.17.1:"));
    let negotiator = package(&lock, "negotiator");
    assert!(!negotiator.direct);
    assert_eq!(
        negotiator.path,
        ["(root)", "express", "accepts", "negotiator"]
    );
    // Aliased `my-lodash` is the real lodash, a direct dependency.
    assert!(package(&lock, "lodash").direct);
    assert!(package(&lock, "minimist").direct);
    let left_pad = package(&lock, "left-pad");
    assert!(left_pad.direct);
    assert_eq!(left_pad.path, ["packages/shared", "left-pad"]);
    let envify = package(&lock, "loose-envify");
    assert!(!envify.direct);
    assert_eq!(envify.path, ["(root)", "react-dom", "loose-envify"]);
}

#[test]
fn v6_peer_suffix_is_stripped() {
    let lock = fixture("v6.yaml");
    let react_dom = package(&lock, "react-dom");
    assert_eq!(react_dom.version, "17.0.2");
    assert!(react_dom.direct);
    assert_eq!(
        react_dom.line,
        line_of("v6.yaml", "  /react-dom@17.0.2(react@17.0.2):")
    );
    assert!(package(&lock, "react")
        .path
        .ends_with(&["react".to_string()]));
}

#[test]
fn v6_sources() {
    let lock = fixture("v6.yaml");
    assert_eq!(package(&lock, "express").source, Source::Registry);
    assert_eq!(
        package(&lock, "left-pad").source,
        Source::Git("https://github.com/stevemao/left-pad.git#5a1e8c6".to_string())
    );
    assert_eq!(
        package(&lock, "local-util").source,
        Source::Path("local-util".to_string())
    );
    assert_eq!(
        package(&lock, "tiny-tar").source,
        Source::Url("https://registry.example.test/downloads/tiny-tar-1.0.0.tgz".to_string())
    );
    // `shared` is `link:`ed: a workspace member, not an installed package.
    assert!(lock.packages.iter().all(|p| p.name != "shared"));
}

#[test]
fn v9_packages_and_snapshot_edges() {
    let lock = fixture("v9.yaml");
    assert_eq!(lock.packages.len(), 10);
    let negotiator = package(&lock, "negotiator");
    assert!(!negotiator.direct);
    assert_eq!(
        negotiator.path,
        ["(root)", "express", "accepts", "negotiator"]
    );
    assert_eq!(negotiator.line, line_of("v9.yaml", "  negotiator@0.6.2:"));
    let react_dom = package(&lock, "react-dom");
    assert!(react_dom.direct);
    assert_eq!(react_dom.line, line_of("v9.yaml", "  react-dom@17.0.2:"));
    assert_eq!(
        package(&lock, "loose-envify").path,
        ["(root)", "react-dom", "loose-envify"]
    );
    assert!(package(&lock, "minimist").direct);
    assert!(lock.packages.iter().all(|p| p.name != "shared"));
}

#[test]
fn v9_aliases_and_sources() {
    let lock = fixture("v9.yaml");
    let width = package(&lock, "string-width");
    assert!(width.direct);
    assert_eq!(width.version, "4.2.3");
    assert!(lock.packages.iter().all(|p| p.name != "string-width-cjs"));
    let is_number = package(&lock, "is-number");
    assert_eq!(is_number.version, "7.0.0");
    assert_eq!(is_number.path, ["packages/app", "is-number"]);
    assert_eq!(
        is_number.source,
        Source::Git("https://github.com/jonschlinkert/is-number.git#98e8ff1".to_string())
    );
    let local = package(&lock, "local-util");
    assert_eq!(local.version, "0.1.0");
    assert!(local.direct);
    assert_eq!(
        local.source,
        Source::Path("packages/local-util".to_string())
    );
    assert_eq!(package(&lock, "express").source, Source::Registry);
}

#[test]
fn npm_alias_specifier_and_single_project_layout() {
    let text = "lockfileVersion: '6.0'\n\
                dependencies:\n  \
                  old-name:\n    \
                    specifier: npm:minimist@1.2.5\n    \
                    version: npm:minimist@1.2.5\n\
                packages:\n  \
                  /minimist@1.2.5:\n    \
                    resolution: {integrity: sha512-fake==}\n";
    let lock = parse(text).expect("parses");
    assert_eq!(lock.packages.len(), 1);
    let minimist = &lock.packages[0];
    assert_eq!(minimist.name, "minimist");
    assert!(minimist.direct);
    assert_eq!(minimist.path, ["(root)", "minimist"]);
    assert_eq!(minimist.line, 7);
}

#[test]
fn v5_keys_and_peer_suffixes() {
    let text = "lockfileVersion: 5.4\n\
                specifiers:\n  \
                  '@babel/core': ^7.0.0\n\
                dependencies:\n  \
                  '@babel/core': 7.0.0\n  \
                  react-dom: 17.0.2_react@17.0.2\n\
                packages:\n  \
                  /@babel/core/7.0.0:\n    \
                    resolution: {integrity: sha512-fake==}\n  \
                  /react-dom/17.0.2_react@17.0.2:\n    \
                    resolution: {integrity: sha512-fake==}\n";
    let lock = parse(text).expect("parses");
    let got: Vec<(&str, &str, bool, usize)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.line))
        .collect();
    assert_eq!(
        got,
        [
            ("@babel/core", "7.0.0", true, 8),
            ("react-dom", "17.0.2", true, 10)
        ]
    );
}

#[test]
fn garbage_is_an_error() {
    let err = parse("packages:\n  - [unclosed\n  : :\n").expect_err("bad YAML");
    assert!(err.message.contains("line"), "{}", err.message);
    assert!(parse("just some text").is_err());
    assert!(parse("packages: {}\n").is_err(), "no lockfileVersion");
    let err = parse("lockfileVersion: '9.0'\n\npackages: [1, 2]\n").expect_err("not a map");
    assert!(err.message.contains("line 3"), "{}", err.message);
}

#[test]
fn unreadable_entry_is_unauditable() {
    let text = "lockfileVersion: '9.0'\npackages:\n  nonsense: {}\n  ms@2.0.0: {}\n";
    let lock = parse(text).expect("parses");
    assert_eq!(lock.packages.len(), 1);
    assert_eq!(lock.unauditable.len(), 1);
    assert_eq!(lock.unauditable[0].name, "nonsense");
    assert_eq!(lock.unauditable[0].line, 3);
}

#[test]
fn v7_peer_variants_are_listed_once() {
    let text = "lockfileVersion: '7.0'\n\
                importers:\n  \
                  .:\n    \
                    dependencies:\n      \
                      react-dom:\n        \
                        specifier: ^17.0.2\n        \
                        version: 17.0.2(react@17.0.2)\n\
                packages:\n  \
                  /react-dom@17.0.2(react@17.0.2):\n    \
                    dependencies:\n      \
                      scheduler: 0.20.2\n  \
                  /react-dom@17.0.2(react@18.2.0):\n    \
                    dependencies:\n      \
                      object-assign: 4.1.1\n  \
                  /scheduler@0.20.2: {}\n  \
                  /object-assign@4.1.1:\n    \
                    resolution: {tarball: https://codeload.github.com/sindresorhus/object-assign/tar.gz/a89774b}\n";
    let lock = parse(text).expect("parses");
    let names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["react-dom", "scheduler", "object-assign"]);
    assert_eq!(lock.packages[0].line, 9);
    // Edges of every peer variant count: object-assign is reached through the second one.
    assert_eq!(
        lock.packages[2].path,
        ["(root)", "react-dom", "object-assign"]
    );
    assert!(matches!(lock.packages[2].source, Source::Git(_)));
}
