//! Scan-level tests: YAML traps through `scan()`, related locations, redaction, set names, the
//! catalogue, root confinement. The benchmark is `scripts/bench-compose.sh`.

use super::fixture_tests::{run_fixture, scan_dir};
use super::{catalog, is_compose_file};
use std::path::Path;
use std::time::Instant;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(p, text).unwrap_or_else(|e| panic!("write: {e}"));
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn rules_of(out: &crate::scanned::Scanned) -> Vec<String> {
    out.findings
        .iter()
        .map(|f| format!("{} {}", f.rule_id, f.location.start_line))
        .collect()
}

#[test]
fn alias_bomb_and_deep_nesting_become_dc090_quickly() {
    let t = tmp();
    let mut bomb = String::from(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..9u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!(
            "x-{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    bomb.push_str("services:\n  web:\n    image: nginx:1.27\n    labels: *i\n");
    write(t.path(), "a/compose.yaml", &bomb);
    write(
        t.path(),
        "b/compose.yaml",
        &format!("services: {}", "[".repeat(100_000)),
    );
    write(
        t.path(),
        "c/compose.yaml",
        &format!("{}1\n", "- ".repeat(100_000)),
    );
    let start = Instant::now();
    let out = scan_dir(t.path());
    assert!(
        start.elapsed().as_millis() < 3000,
        "took {:?}",
        start.elapsed()
    );
    let dc090: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule_id.as_str() == "DC090")
        .collect();
    assert_eq!(dc090.len(), 3, "{:#?}", rules_of(&out));
    assert!(dc090.iter().any(|f| f.message.contains("alias")));
    let nested = dc090
        .iter()
        .filter(|f| f.message.contains("nested"))
        .count();
    assert!(
        nested >= 1,
        "{:#?}",
        dc090.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn yaml_1_2_scalars_are_strings() {
    let t = tmp();
    write(
        t.path(),
        "compose.yaml",
        "services:\n  a:\n    image: alpine:3.20\n    privileged: yes\n    ports:\n      - 22:22\n",
    );
    let out = scan_dir(t.path());
    // `yes` is the string "yes" (truthy for compose's bool parsing), `22:22` stays "22:22"
    assert_eq!(rules_of(&out), vec!["DC031 4", "DC091 6"]);
}

#[test]
fn alias_findings_point_into_the_anchor_and_relate_the_use_site() {
    let (_, _, out) = run_fixture("anchors-alias");
    let f = out.findings.iter().find(|f| f.rule_id.as_str() == "DC031");
    let f = f.unwrap_or_else(|| panic!("no DC031"));
    assert_eq!(f.location.start_line, 3);
    assert!(
        f.related.iter().any(|r| r.location.start_line == 8),
        "{:#?}",
        f.related
    );
}

#[test]
fn secrets_are_redacted_and_sets_named() {
    let (_, _, out) = run_fixture("dc012-trigger");
    for f in &out.findings {
        let ev = f
            .evidence
            .as_ref()
            .unwrap_or_else(|| panic!("no evidence on {}", f.rule_id));
        assert!(!f.message.contains(ev.secret.expose()), "{}", f.message);
        assert!(
            f.message.contains("in compose set compose.yaml"),
            "{}",
            f.message
        );
    }
    let (_, _, out) = run_fixture("dc001-prod-append");
    let f = &out.findings[0];
    assert!(
        f.message
            .contains("docker-compose.yml + docker-compose.prod.yml"),
        "{}",
        f.message
    );
    assert!(f
        .related
        .iter()
        .any(|r| r.location.path == "docker-compose.prod.yml"));
    assert_eq!(
        f.fingerprint,
        crate::finding::fingerprint(&f.rule_id, "docker-compose.yml", "db/ports/5432")
    );
}

#[test]
fn never_reads_outside_the_root() {
    let t = tmp();
    write(t.path(), "p/compose.yaml", "include:\n  - ../../outside.yaml\nservices:\n  a:\n    image: mongo:7\n    env_file: ../../../etc/passwd\n");
    let out = scan_dir(&t.path().join("p"));
    // the env_file is unknown, so the absence-based mongo check stays silent
    assert!(out.findings.is_empty(), "{:#?}", rules_of(&out));
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.message.contains("outside")));
}

#[test]
fn catalogue_and_names() {
    let ids: Vec<String> = catalog().into_iter().map(|r| r.id.to_string()).collect();
    let want = "DC001 DC002 DC004 DC010 DC011 DC012 DC013 DC014 DC020 DC021 DC030 DC031 DC032 DC033 DC034 DC035 DC038 DC050 DC090 DC091";
    assert_eq!(ids.join(" "), want);
    assert!(is_compose_file("deploy/docker-compose.prod.yml"));
    assert!(is_compose_file("compose.staging.yaml"));
    assert!(!is_compose_file("src/config.yaml"));
}

#[test]
fn in_memory_scan_matches_disk_semantics() {
    let files = vec![
        ("compose.yaml".to_string(), "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PW}\n".to_string()),
        (".env".to_string(), "PW=postgres\n".to_string()),
    ];
    let out = super::scan_files(&files);
    assert_eq!(rules_of(&out), vec!["DC010 1", "DC013 1"]);
}

/// Prints every fixture's findings in full: `cargo test --lib compose::tests::dump -- --ignored --nocapture`.
#[test]
#[ignore = "inspection aid"]
#[allow(clippy::print_stdout)]
fn dump() {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/compose"))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
    names.sort();
    for n in names {
        let (_, _, out) = run_fixture(&n);
        println!("== {n}");
        for f in &out.findings {
            let rel: Vec<String> = f
                .related
                .iter()
                .map(|r| {
                    format!(
                        "{}:{} {}",
                        r.location.path, r.location.start_line, r.message
                    )
                })
                .collect();
            let ev = f
                .evidence
                .as_ref()
                .map(|e| e.secret.to_string())
                .unwrap_or_default();
            println!(
                "{} {} {}:{}:{} | {} | ev={ev} | rel={rel:?}",
                f.rule_id,
                f.severity,
                f.location.path,
                f.location.start_line,
                f.location.start_column,
                f.message
            );
        }
        for d in &out.diagnostics {
            println!("  diag: {d}");
        }
    }
}

#[test]
fn include_env_file_replaces_the_included_projects_env() {
    let file = |n: &str, t: &str| (n.to_string(), t.to_string());
    let db = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PW}\n";
    let with = vec![
        file(
            "compose.yaml",
            "include:\n  - path: db/compose.yaml\n    env_file: secrets/db.env\n",
        ),
        file("db/compose.yaml", db),
        file("secrets/db.env", "PW=postgres\n"),
    ];
    assert!(rules_of(&super::scan_files(&with))
        .iter()
        .any(|r| r.starts_with("DC010")));
    let moved = vec![
        file(
            "compose.yaml",
            "include:\n  - path: db/compose.yaml\n    project_directory: ops\n",
        ),
        file("db/compose.yaml", db),
        file("ops/.env", "PW=postgres\n"),
    ];
    assert!(rules_of(&super::scan_files(&moved))
        .iter()
        .any(|r| r.starts_with("DC010")));
    let plain = vec![
        file("compose.yaml", "include:\n  - db/compose.yaml\n"),
        file("db/compose.yaml", db),
        file("ops/.env", "PW=postgres\n"),
    ];
    assert!(!rules_of(&super::scan_files(&plain))
        .iter()
        .any(|r| r.starts_with("DC010")));
}
