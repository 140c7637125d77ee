//! Tests for the npm lockfile parser, one fixture per lockfile shape.

use super::{glob_match, parse};
use crate::deps::package::{Ecosystem, Lockfile, Package, Source};

const V1: &str = include_str!("../../../../fixtures/lockfiles/npm/lock-v1.json");
const V2: &str = include_str!("../../../../fixtures/lockfiles/npm/lock-v2.json");
const V3: &str = include_str!("../../../../fixtures/lockfiles/npm/lock-v3.json");
const SHRINKWRAP: &str = include_str!("../../../../fixtures/lockfiles/npm/shrinkwrap.json");
const ALIASES: &str = include_str!("../../../../fixtures/lockfiles/npm/aliases.v3.json");
const WORKSPACES: &str = include_str!("../../../../fixtures/lockfiles/npm/workspaces.v3.json");
const GIT_AND_FILE: &str = include_str!("../../../../fixtures/lockfiles/npm/git-and-file.v3.json");

fn lock(text: &str) -> Lockfile {
    parse(text).expect("fixture parses")
}

/// The package declared on `line` (lines are unique, names are not).
fn at(lock: &Lockfile, line: usize) -> &Package {
    lock.packages
        .iter()
        .find(|p| p.line == line)
        .expect("a package on that line")
}

fn path(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn summary(lock: &Lockfile) -> Vec<(String, String, bool, usize)> {
    lock.packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.direct, p.line))
        .collect()
}

fn row(name: &str, version: &str, direct: bool, line: usize) -> (String, String, bool, usize) {
    (name.to_string(), version.to_string(), direct, line)
}

#[test]
fn v1_nested_tree_and_requires_graph() {
    let lock = lock(V1);
    assert_eq!(lock.packages.len(), 11);
    assert!(lock.packages.iter().all(|p| p.ecosystem == Ecosystem::Npm));
    let express = at(&lock, 15);
    assert_eq!(
        (express.name.as_str(), express.version.as_str()),
        ("express", "4.17.1")
    );
    assert!(express.direct);
    assert_eq!(express.path, path(&["legacy-app", "express"]));
    // Required by express, so v1's rule calls it transitive.
    let debug = at(&lock, 7);
    assert!(!debug.direct);
    assert_eq!(debug.path, path(&["legacy-app", "express", "debug"]));
    // Nothing requires a dev dependency: direct.
    assert!(at(&lock, 38).direct);
    // Two ms versions: the hoisted one and send's nested copy.
    assert_eq!(at(&lock, 44).version, "2.0.0");
    assert_eq!(
        at(&lock, 44).path,
        path(&["legacy-app", "express", "debug", "ms"])
    );
    assert_eq!(at(&lock, 67).version, "2.1.1");
    assert_eq!(
        at(&lock, 67).path,
        path(&["legacy-app", "express", "send", "ms"])
    );
}

#[test]
fn v1_aliases_git_and_file_versions() {
    let lock = lock(V1);
    let alias = at(&lock, 25);
    assert_eq!(
        (alias.name.as_str(), alias.version.as_str()),
        ("@shims/left-pad", "1.3.0")
    );
    assert_eq!(alias.source, Source::Registry);
    assert_eq!(
        at(&lock, 30).source,
        Source::Path("../local-lib".to_string())
    );
    assert!(matches!(&at(&lock, 49).source, Source::Git(url) if url.starts_with("git+https://")));
    assert_eq!(at(&lock, 53).source, Source::Registry);
}

#[test]
fn v2_reads_packages_not_the_legacy_section() {
    let lock = lock(V2);
    assert_eq!(
        summary(&lock),
        vec![
            row("body-parser", "1.19.0", false, 18),
            row("debug", "2.6.9", false, 27),
            row("express", "4.17.1", true, 35),
            row("lodash", "4.17.20", true, 48),
            row("minimist", "1.2.5", true, 53),
            row("ms", "2.0.0", false, 59),
            row("qs", "6.7.0", false, 64),
        ]
    );
    assert_eq!(
        at(&lock, 59).path,
        path(&["shop-api", "express", "debug", "ms"])
    );
    assert!(lock.packages.iter().all(|p| p.source == Source::Registry));
}

#[test]
fn v3_nested_duplicates_resolve_to_the_nearest_copy() {
    let lock = lock(V3);
    assert_eq!(lock.packages.len(), 8);
    let nested_under_body_parser = at(&lock, 35);
    assert_eq!(nested_under_body_parser.version, "6.7.0");
    assert_eq!(
        nested_under_body_parser.path,
        path(&["web-app", "express", "body-parser", "qs"])
    );
    assert!(!nested_under_body_parser.direct);
    let nested_under_express = at(&lock, 49);
    assert_eq!(
        nested_under_express.path,
        path(&["web-app", "express", "qs"])
    );
    let hoisted = at(&lock, 63);
    assert_eq!((hoisted.version.as_str(), hoisted.direct), ("6.11.0", true));
    assert_eq!(hoisted.path, path(&["web-app", "qs"]));
    // Scoped names, optional dependencies.
    assert_eq!(at(&lock, 19).name, "@types/node");
    assert_eq!(
        at(&lock, 68).path,
        path(&["web-app", "@types/node", "undici-types"])
    );
    assert!(at(&lock, 54).direct);
}

#[test]
fn shrinkwrap_includes_bundled_dependencies() {
    let lock = lock(SHRINKWRAP);
    assert_eq!(
        summary(&lock),
        vec![
            row("camelcase", "5.3.1", false, 17),
            row("yargs-parser", "13.1.1", true, 22),
            row("decamelize", "1.2.0", false, 34),
        ]
    );
    assert_eq!(at(&lock, 34).source, Source::Registry);
    assert_eq!(
        at(&lock, 34).path,
        path(&["cli-tool", "yargs-parser", "decamelize"])
    );
}

#[test]
fn v3_aliases_use_the_real_name() {
    let lock = lock(ALIASES);
    assert_eq!(
        summary(&lock),
        vec![
            row("ms", "2.1.3", true, 14),
            row("lodash", "4.17.21", true, 20),
            row("lodash", "4.17.20", true, 25),
        ]
    );
}

#[test]
fn workspaces_are_roots_and_links_are_followed() {
    let lock = lock(WORKSPACES);
    assert_eq!(lock.packages.len(), 6, "link entries are not listed");
    let api = at(&lock, 44);
    assert_eq!(
        (api.name.as_str(), &api.source),
        ("@acme/api", &Source::Workspace)
    );
    assert!(api.direct, "@acme/web depends on it through the link");
    assert_eq!(api.path, path(&["@acme/api"]));
    assert_eq!(at(&lock, 51).source, Source::Workspace);
    let express = at(&lock, 25);
    assert!(express.direct);
    assert_eq!(express.path, path(&["@acme/api", "express"]));
    assert_eq!(at(&lock, 33).path, path(&["@acme/api", "express", "qs"]));
    assert_eq!(at(&lock, 38).path, path(&["monorepo", "typescript"]));
    let nested = at(&lock, 59);
    assert_eq!((nested.name.as_str(), nested.direct), ("lodash", true));
    assert_eq!(nested.path, path(&["@acme/web", "lodash"]));
}

#[test]
fn git_file_and_url_sources() {
    let lock = lock(GIT_AND_FILE);
    let local = at(&lock, 18);
    assert_eq!((local.name.as_str(), local.direct), ("local-lib", true));
    assert_eq!(local.source, Source::Path("../local-lib".to_string()));
    let minimist = at(&lock, 25);
    assert_eq!(minimist.source, Source::Registry);
    assert_eq!(
        minimist.path,
        path(&["odd-sources", "local-lib", "minimist"])
    );
    assert!(matches!(&at(&lock, 34).source, Source::Git(url) if url.starts_with("git+ssh://")));
    assert_eq!(
        at(&lock, 39).source,
        Source::Registry,
        "a mirror is still a registry"
    );
    assert_eq!(
        at(&lock, 44).source,
        Source::Url("https://cdn.example.test/tarball-dep-1.0.0.tgz".to_string())
    );
    assert_eq!(
        at(&lock, 48).source,
        Source::Path("vendor/vendored-1.0.0.tgz".to_string())
    );
}

#[test]
fn entries_without_a_version_are_unauditable() {
    let text = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {},\n    \"node_modules/x\": {}\n  }\n}";
    let lock = lock(text);
    assert!(lock.packages.is_empty());
    assert_eq!(lock.unauditable.len(), 1);
    assert_eq!(
        (lock.unauditable[0].name.as_str(), lock.unauditable[0].line),
        ("x", 5)
    );
}

#[test]
fn garbage_is_an_error() {
    for bad in [
        "",
        "not json at all",
        "[1, 2]",
        "{\"name\": \"no-lockfile-version\"}",
        "{\"lockfileVersion\": 3, \"packages\": []}",
        "{\n  \"lockfileVersion\": 2,\n  \"packages\": {\n    \"\": {\n  }\n",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
    let err = parse("{\n  \"lockfileVersion\": 3,\n  \"packages\": {,}\n}").expect_err("bad");
    assert!(err.message.starts_with("line 3:"), "{}", err.message);
}

#[test]
fn workspace_globs() {
    assert!(glob_match("packages/*", "packages/web"));
    assert!(!glob_match("packages/*", "packages/web/sub"));
    assert!(glob_match("packages/**", "packages/web/sub"));
    assert!(glob_match("apps/app-*", "apps/app-admin"));
    assert!(glob_match("tools/cli", "tools/cli"));
    assert!(!glob_match("tools/cli", "tools/cl"));
}
