//! Tests for the requirements-file parser, on `fixtures/lockfiles/python/requirements*.txt`.

use super::parse;
use crate::deps::package::{Lockfile, Package, Source};
use std::collections::HashMap;

fn dir() -> String {
    format!("{}/fixtures/lockfiles/python", env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> Lockfile {
    let text = std::fs::read_to_string(format!("{}/requirements.txt", dir())).expect("fixture");
    let read = |rel: &str| std::fs::read_to_string(format!("{}/{rel}", dir())).ok();
    parse(&text, &read).expect("fixture parses")
}

fn with_files(top: &str, files: &[(&str, &str)]) -> Lockfile {
    let map: HashMap<String, String> = files
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    parse(top, &|rel: &str| map.get(rel).cloned()).expect("parses")
}

fn find<'a>(lock: &'a Lockfile, name: &str) -> &'a Package {
    lock.packages
        .iter()
        .find(|p| p.name == name)
        .expect("package listed")
}

#[test]
fn pinned_names_versions_lines() {
    let lock = fixture();
    let django = find(&lock, "django");
    assert_eq!((django.version.as_str(), django.line), ("3.2.0", 8));
    assert!(django.direct);
    assert_eq!(django.path, ["django"]);
    assert_eq!(django.source, Source::Registry);
    let requests = find(&lock, "requests");
    assert_eq!((requests.version.as_str(), requests.line), ("2.25.0", 9));
    let urllib3 = find(&lock, "urllib3");
    assert_eq!((urllib3.version.as_str(), urllib3.line), ("1.26.4", 10));
    assert_eq!(find(&lock, "jinja2").version, "2.11.3");
}

#[test]
fn unpinned_lines_are_unauditable() {
    let lock = fixture();
    let reasons: Vec<(&str, &str, usize)> = lock
        .unauditable
        .iter()
        .map(|u| (u.name.as_str(), u.reason.as_str(), u.line))
        .collect();
    assert!(reasons.contains(&("PyYAML", "not pinned with ==", 14)));
    assert!(reasons.contains(&("six", "not pinned with ==", 16)));
    assert!(reasons.contains(&("idna", "not pinned with ==", 17)));
    assert!(!lock
        .packages
        .iter()
        .any(|p| p.name == "pyyaml" || p.name == "idna"));
}

#[test]
fn url_vcs_and_path_requirements() {
    let lock = fixture();
    let git = lock
        .unauditable
        .iter()
        .find(|u| u.name == "tinyrpc")
        .expect("git entry");
    assert_eq!(git.reason, "version-control requirement without a version");
    assert_eq!(git.line, 18);
    let wheel = find(&lock, "markupsafe");
    assert_eq!(wheel.version, "1.1.1");
    assert!(matches!(wheel.source, Source::Url(_)));
    let local = lock
        .unauditable
        .iter()
        .find(|u| u.name == "./libs/localpkg")
        .expect("editable path");
    assert_eq!(local.reason, "local path requirement without a version");
}

#[test]
fn includes_constraints_and_missing_files() {
    let lock = fixture();
    let pytest = find(&lock, "pytest");
    assert_eq!((pytest.version.as_str(), pytest.line), ("6.2.2", 5));
    assert!(pytest.direct);
    assert_eq!(find(&lock, "coverage").version, "5.5");
    // Pinned only by the constraints file, required unpinned by the top file: direct.
    let zope = find(&lock, "zope-interface");
    assert_eq!((zope.version.as_str(), zope.line), ("5.2.0", 6));
    assert!(zope.direct);
    assert!(!lock.unauditable.iter().any(|u| u.name == "zope.interface"));
    // An unpinned constraint is not a requirement.
    assert!(!lock.unauditable.iter().any(|u| u.name == "certifi"));
    let missing = lock
        .unauditable
        .iter()
        .find(|u| u.name == "missing.txt")
        .expect("missing");
    assert_eq!(
        (missing.reason.as_str(), missing.line),
        ("included file missing.txt not found", 21)
    );
    // requirements-dev.txt includes requirements.txt back: read once, no duplicates.
    assert_eq!(
        lock.packages.iter().filter(|p| p.name == "django").count(),
        1
    );
}

#[test]
fn include_cycles_and_depth() {
    let lock = with_files(
        "-r a.txt\n",
        &[
            ("a.txt", "-r b.txt\nflask==1.1.2\n"),
            ("b.txt", "-r a.txt\n"),
        ],
    );
    assert_eq!(lock.packages.len(), 1);
    assert!(lock.unauditable.is_empty());
    let chain: Vec<(String, String)> = (0..12)
        .map(|i| {
            (
                format!("r{i}.txt"),
                format!("-r r{}.txt\nwheel==0.36.{i}\n", i + 1),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = chain
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let lock = with_files("-r r0.txt\n", &files);
    assert_eq!(lock.packages.len(), 10);
    assert_eq!(lock.unauditable.len(), 1);
    assert!(lock.unauditable[0].reason.contains("deeper than 10"));
}

#[test]
fn nested_includes_resolve_relative_to_the_including_file() {
    let lock = with_files(
        "--requirement=reqs/base.txt\n",
        &[
            ("reqs/base.txt", "-r ../common.txt\n-rextra.txt\n"),
            ("common.txt", "attrs==20.3.0\n"),
            ("reqs/extra.txt", "toml==0.10.2\n"),
        ],
    );
    let names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["attrs", "toml"]);
}

#[test]
fn comments_options_and_continuations() {
    let text = "# c\n\n-i https://registry.example.test/simple\n--find-links ./wheels\nflask==1.1.2 \\\n  --hash=sha256:aa # c\nclick (==7.1.2)\n";
    let lock = with_files(text, &[]);
    let got: Vec<(&str, &str, usize)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
        .collect();
    assert_eq!(got, [("flask", "1.1.2", 5), ("click", "7.1.2", 7)]);
}

#[test]
fn crlf_line_endings() {
    let lock = with_files(
        "flask==1.1.2 \\\r\n  --hash=sha256:aa\r\n-r a.txt\r\n",
        &[("a.txt", "click==7.1.2\r\n")],
    );
    let got: Vec<(&str, &str, usize)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
        .collect();
    assert_eq!(got, [("flask", "1.1.2", 1), ("click", "7.1.2", 3)]);
}

#[test]
fn garbage_is_an_error() {
    let err =
        parse("django==3.2.0\n{{{ not a requirement\n", &|_: &str| None).expect_err("garbage");
    assert!(err.message.contains("line 2"), "{}", err.message);
    assert!(parse("pkg[unclosed==1.0\n", &|_: &str| None).is_err());
    let err = parse("-r bad.txt\n", &|_: &str| Some("<<<>>>".to_string())).expect_err("nested");
    assert!(
        err.message.starts_with("bad.txt: line 1"),
        "{}",
        err.message
    );
}
