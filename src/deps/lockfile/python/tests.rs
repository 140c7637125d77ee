use super::{parse_pdm, parse_pipfile, parse_poetry, parse_uv};
use crate::deps::package::{Lockfile, Package, Source};

fn text(name: &str) -> String {
    let path = format!(
        "{}/fixtures/lockfiles/python/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture exists")
}

fn find<'a>(lock: &'a Lockfile, name: &str) -> &'a Package {
    lock.packages
        .iter()
        .find(|p| p.name == name)
        .expect("package listed")
}

fn summary(lock: &Lockfile) -> Vec<(&str, &str, usize)> {
    lock.packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
        .collect()
}

#[test]
fn poetry_names_versions_lines_sources() {
    let lock = parse_poetry(&text("poetry.lock")).expect("parses");
    assert_eq!(
        summary(&lock),
        [
            ("django", "3.2.0", 3),
            ("asgiref", "3.3.4", 16),
            ("pytest", "6.2.2", 24),
            ("tinyrpc", "1.2.0", 32),
            ("localpkg", "0.1.0", 47),
            ("zope-interface", "5.2.0", 60),
        ]
    );
    assert!(lock
        .packages
        .iter()
        .all(|p| !p.direct && p.path == [p.name.clone()]));
    let git = "https://git.example.test/acme/tinyrpc.git".to_string();
    assert_eq!(find(&lock, "tinyrpc").source, Source::Git(git));
    assert_eq!(
        find(&lock, "localpkg").source,
        Source::Path("libs/localpkg".into())
    );
    assert_eq!(find(&lock, "zope-interface").source, Source::Registry);
}

#[test]
fn pipfile_sections_and_unversioned_git() {
    let lock = parse_pipfile(&text("Pipfile.lock")).expect("parses");
    assert_eq!(
        summary(&lock),
        [
            ("requests", "2.25.0", 19),
            ("urllib3", "1.26.4", 30),
            ("zope-interface", "5.2.0", 34),
            ("pytest", "6.2.2", 43),
        ]
    );
    assert!(lock
        .packages
        .iter()
        .all(|p| !p.direct && p.source == Source::Registry));
    let unversioned: Vec<(&str, usize)> = lock
        .unauditable
        .iter()
        .map(|u| (u.name.as_str(), u.line))
        .collect();
    assert_eq!(unversioned, [("tinyrpc", 26), ("localpkg", 39)]);
}

#[test]
fn uv_roots_direct_and_paths() {
    let lock = parse_uv(&text("uv.lock")).expect("parses");
    let root = find(&lock, "demo-site");
    assert_eq!(
        (root.source.clone(), root.line, root.direct),
        (Source::Workspace, 4, false)
    );
    assert_eq!(root.path, ["demo-site"]);
    let django = find(&lock, "django");
    assert_eq!(
        (django.version.as_str(), django.line, django.direct),
        ("3.2.0", 29, true)
    );
    let pytz = find(&lock, "pytz");
    assert!(!pytz.direct);
    assert_eq!(pytz.path, ["demo-site", "django", "pytz"]);
    assert_eq!(
        find(&lock, "asgiref").path,
        ["demo-site", "django", "asgiref"]
    );
    assert!(
        find(&lock, "pytest").direct,
        "dev dependencies of the root are direct"
    );
    assert!(
        find(&lock, "pyyaml").direct,
        "optional dependencies of the root are direct"
    );
    let rpc = find(&lock, "tinyrpc");
    assert!(
        matches!(&rpc.source, Source::Git(url) if url.starts_with("https://git.example.test/"))
    );
    let orphan = find(&lock, "orphan-tool");
    assert_eq!(
        (orphan.direct, orphan.path.clone()),
        (false, vec!["orphan-tool".to_string()])
    );
    assert!(matches!(orphan.source, Source::Path(_)));
}

#[test]
fn pdm_names_versions_lines_sources() {
    let lock = parse_pdm(&text("pdm.lock")).expect("parses");
    assert_eq!(
        summary(&lock),
        [
            ("jinja2", "2.11.3", 10),
            ("markupsafe", "1.1.1", 23),
            ("pyyaml", "5.4.1", 29),
            ("tinyrpc", "1.2.0", 35),
            ("localpkg", "0.1.0", 44),
        ]
    );
    assert!(matches!(find(&lock, "tinyrpc").source, Source::Git(_)));
    assert_eq!(
        find(&lock, "localpkg").source,
        Source::Path("./libs/localpkg".into())
    );
    assert_eq!(find(&lock, "jinja2").source, Source::Registry);
}

#[test]
fn garbage_is_an_error() {
    for parse in [parse_poetry, parse_uv, parse_pdm] {
        assert!(parse("[[package]\nname = ").is_err());
        assert!(
            parse("[[package]]\nversion = \"1.0\"\n").is_err(),
            "no name"
        );
    }
    assert!(parse_pipfile("{ not json").is_err());
    assert!(parse_pipfile("[1, 2]").is_err());
    assert!(parse_pipfile("{\"default\": {\"x\": 3}}").is_err());
}
