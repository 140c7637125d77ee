//! Tests for the yarn lockfile parser: classic, berry and berry workspaces.

use super::{parse, percent_decode};
use crate::deps::package::{Ecosystem, Lockfile, Package, Source};

const CLASSIC: &str = include_str!("../../../../fixtures/lockfiles/yarn/classic.lock");
const BERRY: &str = include_str!("../../../../fixtures/lockfiles/yarn/berry.lock");
const BERRY_WORKSPACES: &str =
    include_str!("../../../../fixtures/lockfiles/yarn/berry-workspaces.lock");

fn lock(text: &str) -> Lockfile {
    parse(text).expect("fixture parses")
}

fn at(lock: &Lockfile, line: usize) -> &Package {
    lock.packages
        .iter()
        .find(|p| p.line == line)
        .expect("a package on that line")
}

fn rows(lock: &Lockfile) -> Vec<(&str, &str, usize)> {
    lock.packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
        .collect()
}

#[test]
fn classic_entries_names_versions_lines() {
    let lock = lock(CLASSIC);
    assert_eq!(
        rows(&lock),
        vec![
            ("@types/node", "20.10.5", 5),
            ("debug", "2.6.9", 12),
            ("express", "4.17.1", 19),
            ("local-lib", "2.0.0", 27),
            ("lodash", "4.17.20", 32),
            ("minimist", "1.2.5", 37),
            ("ms", "2.0.0", 42),
            ("ms", "2.1.3", 47),
            ("my-fork", "1.0.0", 52),
            ("qs", "6.7.0", 56),
            ("string-width", "4.2.3", 61),
            ("tarball-dep", "1.0.0", 66),
            ("undici-types", "5.26.5", 70),
        ]
    );
    for p in &lock.packages {
        assert_eq!(p.ecosystem, Ecosystem::Npm);
        assert!(!p.direct, "yarn.lock does not record direct dependencies");
        assert_eq!(p.path, vec![p.name.clone()]);
    }
    assert!(lock.unauditable.is_empty());
}

#[test]
fn classic_sources() {
    let lock = lock(CLASSIC);
    assert_eq!(at(&lock, 5).source, Source::Registry);
    assert_eq!(
        at(&lock, 27).source,
        Source::Path("../local-lib".to_string())
    );
    assert!(
        matches!(&at(&lock, 52).source, Source::Git(_)),
        "github: range"
    );
    assert_eq!(
        at(&lock, 66).source,
        Source::Url("https://cdn.example.test/tarball-dep-1.0.0.tgz".to_string())
    );
    // `string-width-cjs@npm:string-width@^4.2.0` is an alias of a registry package.
    assert_eq!(at(&lock, 61).source, Source::Registry);
}

#[test]
fn berry_entries_skip_metadata_and_undo_aliases() {
    let lock = lock(BERRY);
    assert_eq!(
        rows(&lock),
        vec![
            ("debug", "2.6.9", 8),
            ("express", "4.17.1", 17),
            ("local-lib", "2.0.0", 27),
            ("lodash", "4.17.20", 33),
            ("ms", "2.0.0", 40),
            ("my-fork", "1.0.0", 47),
            ("odd-app", "0.0.0-use.local", 53),
            ("qs", "6.7.0", 67),
            ("resolve", "1.22.8", 74),
            ("string-width", "4.2.3", 88),
            ("tarball-dep", "1.0.0", 95),
        ],
        "the patch: entry for resolve is folded into its unpatched entry"
    );
    assert!(lock.packages.iter().all(|p| !p.direct));
}

#[test]
fn berry_sources() {
    let lock = lock(BERRY);
    assert_eq!(at(&lock, 8).source, Source::Registry);
    assert_eq!(
        at(&lock, 27).source,
        Source::Path("../local-lib".to_string())
    );
    assert!(matches!(&at(&lock, 47).source, Source::Git(url) if url.contains("#commit=")));
    assert_eq!(at(&lock, 53).source, Source::Workspace);
    assert_eq!(
        at(&lock, 95).source,
        Source::Url("https://cdn.example.test/tarball-dep-1.0.0.tgz".to_string())
    );
}

#[test]
fn berry_workspaces_and_patches() {
    let lock = lock(BERRY_WORKSPACES);
    let workspaces: Vec<&str> = lock
        .packages
        .iter()
        .filter(|p| p.source == Source::Workspace)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(workspaces, ["@acme/api", "@acme/web", "monorepo"]);
    let typescript: Vec<&Package> = lock
        .packages
        .iter()
        .filter(|p| p.name == "typescript")
        .collect();
    assert_eq!(typescript.len(), 1);
    assert_eq!(
        (typescript[0].line, &typescript[0].source),
        (58, &Source::Registry)
    );
    assert_eq!(at(&lock, 49).version, "6.11.0");
}

#[test]
fn a_patch_without_its_base_entry_is_kept() {
    let text = "__metadata:\n  version: 8\n\n\"resolve@patch:resolve@npm%3A^1.22.8#optional!builtin<compat/resolve>\":\n  version: 1.22.8\n  resolution: \"resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d\"\n";
    let lock = lock(text);
    assert_eq!(rows(&lock), vec![("resolve", "1.22.8", 4)]);
    assert_eq!(lock.packages[0].source, Source::Registry);
}

#[test]
fn empty_lockfiles_parse() {
    assert!(lock("# yarn lockfile v1\n\n\n").packages.is_empty());
    assert!(lock("__metadata:\n  version: 8\n  cacheKey: 10c0\n")
        .packages
        .is_empty());
}

#[test]
fn garbage_is_an_error() {
    for bad in [
        "",
        "hello world",
        "{\"lockfileVersion\": 3}",
        "  version \"1.0.0\"\n",
        "lodash@^4.17.20:\n  resolved \"x\"\n",
        "\"lodash@^4.17.20:\n  version \"4.17.20\"\n",
        "__metadata:\n  version: 8\n\n\"lodash@npm:^4.17.20\":\n  version: 4.17.20\n",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
    let err =
        parse("# yarn lockfile v1\n\nlodash@^4.17.20:\n  version \"4.17.20\"\nnot a header\n")
            .expect_err("bad");
    assert!(err.message.starts_with("line 5:"), "{}", err.message);
}

#[test]
fn percent_decoding() {
    assert_eq!(percent_decode("resolve@npm%3A1.22.8"), "resolve@npm:1.22.8");
    assert_eq!(percent_decode("a%40b%2Fc%zz%"), "a@b/c%zz%");
}

#[test]
fn dependency_edges_are_recorded() {
    let lock = lock(
        "# yarn lockfile v1\n\nsemver@^7.3.0:\n  version \"7.3.8\"\n  dependencies:\n    lru-cache \"^6.0.0\"\n  optionalDependencies:\n    \"@scope/opt\" \"^1\"\n\nlru-cache@^6.0.0:\n  version \"6.0.0\"\n",
    );
    assert_eq!(
        lock.edges.get("semver").map(Vec::as_slice),
        Some(&["lru-cache".to_string(), "@scope/opt".to_string()][..])
    );
    assert_eq!(lock.edges.get("lru-cache").map(Vec::len), Some(0));
}
