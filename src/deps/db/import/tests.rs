use std::path::{Path, PathBuf};

use super::*;
use crate::deps::advisory::matcher::{affected_entries, fixed_versions, is_affected};
use crate::deps::advisory::{AdvisoryKind, Event, RangeKind};
use crate::deps::package::Ecosystem;
use crate::finding::Severity;

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/advisories")
        .join(sub)
}

fn find<'a>(c: &'a Collected, id: &str) -> &'a Advisory {
    c.advisories
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn only(adv: &Advisory) -> &crate::deps::advisory::Affected {
    assert_eq!(adv.affected.len(), 1, "{}", adv.id);
    &adv.affected[0]
}

#[test]
fn npm_fixtures() {
    let c = collect(&fixtures("osv/npm")).expect("collects");
    assert_eq!(c.problems, vec![]);
    assert_eq!((c.files, c.withdrawn, c.unrelated), (9, 1, 0));
    assert_eq!(c.advisories.len(), 8);

    let lodash = find(&c, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(lodash.aliases, vec!["CVE-2021-23337"]);
    assert_eq!(lodash.kind, AdvisoryKind::Vulnerability);
    assert_eq!(lodash.cvss.as_ref().map(|c| c.score), Some(7.2));
    assert_eq!(lodash.severity, Severity::High);
    assert_eq!(
        lodash.url.as_deref(),
        Some("https://github.com/advisories/GHSA-35jh-r3h4-6jhm")
    );
    assert_eq!(lodash.published.as_deref(), Some("2021-05-06T16:05:51Z"));
    let a = only(lodash);
    assert!(is_affected(a, "4.17.20"));
    assert!(!is_affected(a, "4.17.21"));
    assert_eq!(fixed_versions(a, "4.17.15"), vec!["4.17.21"]);

    let proto = only(find(&c, "GHSA-p6mc-m468-83gw"));
    assert!(is_affected(proto, "4.17.19"));
    assert!(!is_affected(proto, "4.17.20"));

    let minimist = find(&c, "GHSA-xvch-5gv4-984h");
    assert_eq!(minimist.severity, Severity::Critical);
    let hits: Vec<_> = affected_entries(minimist, Ecosystem::Npm, "minimist").collect();
    assert_eq!(hits.len(), 2);
    let affected = |v: &str| hits.iter().any(|a| is_affected(a, v));
    assert!(affected("0.2.3") && affected("1.2.5"));
    assert!(!affected("0.2.4") && !affected("1.2.6") && !affected("0.9.0"));

    let semver = find(&c, "GHSA-c2qf-rxjj-qqgw");
    assert_eq!(semver.severity, Severity::Medium);
    assert_eq!(semver.aliases, vec!["CVE-2022-25883"]);
    let entries: Vec<_> = affected_entries(semver, Ecosystem::Npm, "semver").collect();
    assert_eq!(entries.len(), 3);
    let affected = |v: &str| entries.iter().any(|a| is_affected(a, v));
    assert!(affected("5.7.1") && affected("6.3.0") && affected("7.5.1"));
    assert!(!affected("5.7.2") && !affected("6.3.1") && !affected("7.5.2"));
    let fixes: Vec<String> = entries
        .iter()
        .flat_map(|a| fixed_versions(a, "6.1.0"))
        .collect();
    assert_eq!(fixes, vec!["7.5.2", "6.3.1"]);
}

#[test]
fn npm_special_records() {
    let c = collect(&fixtures("osv/npm")).expect("collects");
    let mal = find(&c, "MAL-2022-9901");
    assert_eq!(mal.kind, AdvisoryKind::Malicious);
    assert_eq!(mal.severity, Severity::Critical);
    assert!(mal
        .summary
        .starts_with("Synthetic fixture: this made-up package"));
    assert!(is_affected(only(mal), "0.0.1"));

    let v4 = find(&c, "GHSA-2222-3333-5555");
    assert!(v4
        .cvss
        .as_ref()
        .is_some_and(|c| c.vector.starts_with("CVSS:4.0/")));
    assert_eq!(v4.cvss.as_ref().map(|c| c.score), Some(9.3));
    assert_eq!(v4.severity, Severity::Critical, "CVSS wins over the label");

    let last = find(&c, "GHSA-2222-3333-6666");
    assert_eq!(last.severity, Severity::Medium, "from the MODERATE label");
    let last = only(last);
    assert_eq!(
        last.ranges[0].events[1],
        Event::LastAffected("3.1.4".into())
    );
    assert!(is_affected(last, "3.1.4") && !is_affected(last, "3.1.5"));
    assert!(fixed_versions(last, "1.0.0").is_empty());

    let listed = only(find(&c, "GHSA-2222-3333-7777"));
    assert!(listed.ranges.is_empty());
    assert!(is_affected(listed, "1.1.0-beta.1") && !is_affected(listed, "1.1.0"));
}

#[test]
fn pypi_fixtures() {
    let c = collect(&fixtures("osv/pypi")).expect("collects");
    assert_eq!(c.problems, vec![]);
    assert_eq!((c.files, c.withdrawn, c.unrelated), (4, 0, 0));

    let pysec = find(&c, "PYSEC-2023-74");
    assert_eq!(pysec.aliases, vec!["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"]);
    assert!(pysec
        .summary
        .starts_with("Requests from 2.3.0 up to 2.31.0"));
    assert_eq!(pysec.severity, Severity::Medium);
    assert_eq!(
        pysec.modified.as_deref(),
        Some("2023-06-05T01:13:00.534973Z")
    );
    let requests = only(pysec);
    assert_eq!(requests.ranges.len(), 1, "the GIT range is dropped");
    assert_eq!(requests.ranges[0].kind, RangeKind::Ecosystem);
    assert!(is_affected(requests, "2.28.2") && !is_affected(requests, "2.31.0"));
    assert!(!is_affected(requests, "2.2.1"));

    // The same vulnerability from GitHub's database: each names the other as an alias.
    let ghsa = find(&c, "GHSA-j8r2-6x86-q33q");
    assert!(ghsa.aliases.contains(&"PYSEC-2023-74".to_string()));
    assert_eq!(ghsa.severity, Severity::Medium);
    assert!(ghsa
        .url
        .as_deref()
        .is_some_and(|u| u.contains("GHSA-j8r2-6x86-q33q")));

    let django = find(&c, "PYSEC-2024-47");
    assert_eq!(
        affected_entries(django, Ecosystem::PyPI, "Django").count(),
        1
    );
    let django = only(django);
    assert_eq!(django.name, "django");
    assert!(is_affected(django, "4.2.10") && !is_affected(django, "4.2.11"));
    assert!(is_affected(django, "5.0") && !is_affected(django, "3.1"));
    assert_eq!(fixed_versions(django, "4.2.1"), vec!["4.2.11", "5.0.3"]);

    let jinja = find(&c, "GHSA-h5c8-rqwp-cp95");
    assert_eq!(jinja.cvss.as_ref().map(|c| c.score), Some(5.4));
    assert_eq!(jinja.severity, Severity::Medium);
    assert_eq!(
        jinja.summary,
        "Jinja's xmlattr filter lets keys containing spaces inject attributes"
    );
    let jinja = only(jinja);
    assert_eq!(jinja.name, "jinja2");
    assert!(is_affected(jinja, "3.1.2") && !is_affected(jinja, "3.1.3"));
}

#[test]
fn rustsec_fixtures() {
    let c = collect(&fixtures("rustsec")).expect("collects");
    assert_eq!(c.problems, vec![]);
    assert_eq!((c.files, c.withdrawn, c.unrelated), (5, 1, 0));

    let time = find(&c, "RUSTSEC-2020-0071");
    assert_eq!(time.aliases, vec!["CVE-2020-26235", "GHSA-wcg3-cvx6-7396"]);
    assert_eq!(
        time.summary,
        "Possible segfault in time's local offset lookup"
    );
    assert_eq!(time.cvss.as_ref().map(|c| c.score), Some(6.2));
    assert_eq!(time.severity, Severity::Medium);
    assert_eq!(
        time.url.as_deref(),
        Some("https://github.com/time-rs/time/issues/293")
    );
    assert_eq!(time.published.as_deref(), Some("2020-11-18"));
    let t = only(time);
    assert_eq!(
        (t.ecosystem, t.name.as_str()),
        (Ecosystem::CratesIo, "time")
    );
    assert!(t.ranges.iter().all(|r| r.kind == RangeKind::Semver));
    assert!(is_affected(t, "0.1.44") && is_affected(t, "0.2.22"));
    assert!(!is_affected(t, "0.2.3") && !is_affected(t, "0.2.23") && !is_affected(t, "0.3.0"));

    let tokio = only(find(&c, "RUSTSEC-2021-0124"));
    assert!(!is_affected(tokio, "0.1.13") && is_affected(tokio, "0.1.14"));
    assert!(is_affected(tokio, "1.8.3") && !is_affected(tokio, "1.8.4"));
    assert!(is_affected(tokio, "1.9.0") && is_affected(tokio, "1.13.0"));
    assert!(!is_affected(tokio, "1.13.1") && !is_affected(tokio, "1.40.0"));
    assert_eq!(fixed_versions(tokio, "1.10.0"), vec!["1.13.1"]);

    let yaml = find(&c, "RUSTSEC-2024-0320");
    assert_eq!(
        (yaml.kind, yaml.severity),
        (AdvisoryKind::Unmaintained, Severity::Info)
    );
    assert!(is_affected(only(yaml), "0.4.5"));

    let ntru = find(&c, "RUSTSEC-2023-0032");
    assert_eq!(
        (ntru.kind, ntru.severity),
        (AdvisoryKind::Unsound, Severity::Info)
    );
    assert!(c.advisories.iter().all(|a| a.id != "RUSTSEC-2022-0044"));
}

#[test]
fn directory_problems_and_skips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("a/b");
    fs::create_dir_all(&sub).expect("mkdir");
    fs::create_dir_all(dir.path().join(".git")).expect("mkdir");
    fs::write(dir.path().join(".git/config.json"), "{").expect("write");
    fs::write(sub.join("broken.json"), "{\"id\": 1}").expect("write");
    fs::write(sub.join("README.md"), "# not an advisory").expect("write");
    fs::write(sub.join("RUSTSEC-0000-0000.md"), "no front matter").expect("write");
    fs::write(
        sub.join("maven.yaml"),
        "id: GHSA-0000-0000-0000\naffected:\n- package: {ecosystem: Maven, name: a:b}\n",
    )
    .expect("write");
    let c = collect(dir.path()).expect("collects");
    assert_eq!((c.files, c.unrelated), (3, 1));
    let files: Vec<&str> = c.problems.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, vec!["a/b/RUSTSEC-0000-0000.md", "a/b/broken.json"]);
}

#[test]
fn unusable_paths_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    assert!(collect(&missing).is_err_and(|e| e.to_string().contains("nope")));
    let text = dir.path().join("notes.txt");
    fs::write(&text, "x").expect("write");
    assert!(collect(&text).is_err_and(|e| e.to_string().contains("notes.txt")));
    let fake = dir.path().join("all.zip");
    fs::write(&fake, "not a zip").expect("write");
    assert!(collect(&fake).is_err_and(|e| e.to_string().contains("all.zip")));
}

#[test]
fn zip_archive() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).expect("create"));
    let opts = zip::write::SimpleFileOptions::default();
    for name in ["GHSA-35jh-r3h4-6jhm.json", "GHSA-xvch-5gv4-984h.json"] {
        let bytes = fs::read(fixtures("osv/npm").join(name)).expect("fixture");
        zip.start_file(name, opts).expect("entry");
        zip.write_all(&bytes).expect("write");
    }
    zip.start_file("bad.json", opts).expect("entry");
    zip.write_all(b"[]").expect("write");
    zip.finish().expect("finish");
    let c = collect(&path).expect("collects");
    assert_eq!((c.files, c.advisories.len()), (3, 2));
    assert_eq!(c.problems.len(), 1);
    assert_eq!(c.problems[0].file, "bad.json");
}

#[test]
fn bare_git_repository() {
    use gix::objs::tree::{Entry, EntryKind};
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = gix::init_bare(dir.path().join("db.git")).expect("init");
    let blob = |bytes: Vec<u8>| repo.write_blob(bytes).expect("blob").detach();
    let lodash = blob(fs::read(fixtures("osv/npm/GHSA-35jh-r3h4-6jhm.json")).expect("fixture"));
    let tokio =
        blob(fs::read(fixtures("rustsec/crates/tokio/RUSTSEC-2021-0124.md")).expect("fixture"));
    let inner = gix::objs::Tree {
        entries: vec![Entry {
            mode: EntryKind::Blob.into(),
            filename: "RUSTSEC-2021-0124.md".into(),
            oid: tokio,
        }],
    };
    let inner = repo.write_object(&inner).expect("tree").detach();
    let root = gix::objs::Tree {
        entries: vec![
            Entry {
                mode: EntryKind::Blob.into(),
                filename: "GHSA-35jh-r3h4-6jhm.json".into(),
                oid: lodash,
            },
            Entry {
                mode: EntryKind::Tree.into(),
                filename: "tokio".into(),
                oid: inner,
            },
        ],
    };
    let root = repo.write_object(&root).expect("tree").detach();
    let sig = gix::actor::Signature {
        name: "t".into(),
        email: "t@example.test".into(),
        time: gix::date::Time::new(0, 0),
    };
    let mut sig_buf = gix::date::parse::TimeBuf::default();
    let sig_ref = sig.to_ref(&mut sig_buf);
    repo.commit_as(
        sig_ref,
        sig_ref,
        "HEAD",
        "fixtures",
        root,
        None::<gix::ObjectId>,
    )
    .expect("commit");
    let c = collect(&dir.path().join("db.git")).expect("collects");
    assert_eq!(c.problems, vec![]);
    let mut ids: Vec<&str> = c.advisories.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["GHSA-35jh-r3h4-6jhm", "RUSTSEC-2021-0124"]);
}

#[test]
fn shared_advisory_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data");
    if !root.exists() {
        eprintln!("skipping: ../shared/advisory-data absent");
        return;
    }
    for (sub, at_least) in [("rustsec", 500), ("pypa", 500), ("ghsa-npm", 10)] {
        let dir = root.join(sub);
        if !dir.exists() {
            eprintln!("skipping {sub}: absent");
            continue;
        }
        let c = collect(&dir).expect("collects");
        eprintln!(
            "{sub}: {} files, {} advisories, {} withdrawn, {} unrelated",
            c.files,
            c.advisories.len(),
            c.withdrawn,
            c.unrelated
        );
        assert_eq!(c.problems, vec![], "{sub}");
        assert!(
            c.advisories.len() >= at_least,
            "{sub}: {}",
            c.advisories.len()
        );
        assert_eq!(
            c.files,
            c.advisories.len() + c.withdrawn + c.unrelated,
            "{sub}"
        );
        assert!(c
            .advisories
            .iter()
            .all(|a| !a.withdrawn && !a.affected.is_empty()));
    }
}
