//! `preflight db update`, `db import` and `db status`, against servers the tests start on
//! 127.0.0.1: OSV archives over HTTP and the RustSec repository over git smart HTTP.

use crate::common::{repo, run_in, run_with_env, Run, TestTree};
use crate::git::git_in;
use crate::server::{FileServer, GitServer};
use std::io::Write;
use std::path::Path;

/// A zip of every file under `dir`, as OSV publishes `<ecosystem>/all.zip`.
fn zip_of(dir: &Path) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        out.start_file(name, options).expect("start");
        out.write_all(&std::fs::read(&path).expect("read"))
            .expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// OSV archives for the three ecosystems, made from the fixture advisories.
fn osv_server() -> FileServer {
    let server = FileServer::new();
    let osv = repo().join("fixtures/advisories/osv");
    server.put("npm/all.zip", zip_of(&osv.join("npm")));
    // PyPA records are YAML; OSV archives hold JSON: only the GHSA JSON record goes in.
    let pypi = TestTree::empty();
    let ghsa = "GHSA-j8r2-6x86-q33q.json";
    pypi.write(
        ghsa,
        std::fs::read(osv.join("pypi").join(ghsa)).expect("fixture"),
    );
    server.put("PyPI/all.zip", zip_of(pypi.path()));
    server.put("crates.io/all.zip", zip_of(TestTree::empty().path()));
    server
}

/// A bare RustSec-shaped repository under `root/advisory-db.git`, built with the git CLI.
fn rustsec_repo(root: &Path) {
    let work = root.join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    let from = repo().join("fixtures/advisories/rustsec/crates");
    for krate in ["time", "tokio", "yaml-rust"] {
        let dest = work.join("crates").join(krate);
        std::fs::create_dir_all(&dest).expect("mkdir");
        for entry in std::fs::read_dir(from.join(krate)).expect("fixture") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, dest.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    git_in(&work, ["init", "-q", "-b", "main"], 1_700_000_000);
    git_in(&work, ["add", "-A"], 1_700_000_000);
    git_in(&work, ["commit", "-q", "-m", "advisories"], 1_700_000_000);
    git_in(
        root,
        ["clone", "-q", "--bare", "work", "advisory-db.git"],
        1_700_000_000,
    );
}

struct Upstream {
    osv: FileServer,
    _git: GitServer,
    git_root: tempfile::TempDir,
    rustsec_url: String,
}

fn upstream() -> Option<Upstream> {
    let git_root = tempfile::tempdir().expect("tempdir");
    let git = GitServer::start(git_root.path())?;
    rustsec_repo(git_root.path());
    let rustsec_url = git.repo_url("advisory-db.git");
    Some(Upstream {
        osv: osv_server(),
        _git: git,
        git_root,
        rustsec_url,
    })
}

fn update(db: &Path, up: &Upstream) -> Run {
    let db = db.display().to_string();
    run_in(
        &repo(),
        [
            "--db",
            db.as_str(),
            "db",
            "update",
            "--osv-url",
            up.osv.url().as_str(),
            "--rustsec-url",
            up.rustsec_url.as_str(),
        ],
    )
}

fn status(db: &Path) -> Run {
    run_in(&repo(), ["--db", &db.display().to_string(), "db", "status"])
}

#[test]
fn update_downloads_fetches_and_builds_the_index() {
    let Some(up) = upstream() else { return };
    let db = tempfile::tempdir().expect("tempdir");
    let run = update(db.path(), &up);
    assert_eq!(run.code, 0, "{}", run.render());
    crate::progress::assert_no_progress(&run);
    let run = status(db.path());
    assert_eq!(run.code, 0, "{}", run.render());
    assert!(run.stdout.contains("records:  12"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("{} (git) @ ", up.rustsec_url)),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("npm/all.zip (osv-archive): 8 advisories, 1 withdrawn skipped"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(0 days ago)"), "{}", run.stdout);

    // The second update sends the ETags and gets 304s: nothing is downloaded again.
    let before = up.osv.requests().len();
    assert_eq!(update(db.path(), &up).code, 0);
    let again = &up.osv.requests()[before..];
    assert!(
        again.iter().all(|r| r.header("if-none-match").is_some()),
        "{again:#?}"
    );

    let tree = TestTree::copy_of("deps/app");
    let scan = tree.preflight(["--db", &db.path().display().to_string(), "scan", "."]);
    assert!(scan.stdout.contains("RUSTSEC-2021-0124"), "{}", scan.stdout);
    assert!(
        scan.stdout.contains("GHSA-35jh-r3h4-6jhm"),
        "{}",
        scan.stdout
    );
}

#[test]
fn a_failed_update_keeps_the_previous_index() {
    let Some(up) = upstream() else { return };
    let db = tempfile::tempdir().expect("tempdir");
    assert_eq!(update(db.path(), &up).code, 0);
    let before = status(db.path()).stdout;

    up.osv.fail("PyPI/all.zip", 500);
    let run = update(db.path(), &up);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("the previous index is unchanged"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("PyPI/all.zip: HTTP 500"),
        "{}",
        run.stderr
    );
    assert_eq!(status(db.path()).stdout, before);

    std::fs::remove_dir_all(up.git_root.path().join("advisory-db.git")).expect("rm");
    let run = update(db.path(), &up);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("advisory-db.git"), "{}", run.stderr);
    assert_eq!(status(db.path()).stdout, before);
}

#[test]
fn a_scan_without_an_index_updates_once() {
    let Some(up) = upstream() else { return };
    let db = tempfile::tempdir().expect("tempdir");
    let tree = TestTree::copy_of("deps/app");
    let osv = up.osv.url();
    let run = run_with_env(
        tree.path(),
        ["scan", "."],
        &[
            ("PREFLIGHT_DB_DIR", &db.path().display().to_string()),
            ("PREFLIGHT_OSV_URL", &osv),
            ("PREFLIGHT_RUSTSEC_URL", &up.rustsec_url),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.render());
    assert!(run.stdout.contains("GHSA-35jh-r3h4-6jhm"), "{}", run.stdout);
    assert!(db.path().join("index/meta.json").is_file());
}

#[test]
fn import_reads_directories_zips_and_names_bad_files() {
    let db = tempfile::tempdir().expect("tempdir");
    let db_arg = db.path().display().to_string();
    let status_run = status(db.path());
    assert_eq!(status_run.code, 2);
    assert!(
        status_run.stdout.contains("no advisory index"),
        "{}",
        status_run.stdout
    );

    let tree = TestTree::empty();
    tree.write(
        "npm.zip",
        zip_of(&repo().join("fixtures/advisories/osv/npm")),
    );
    tree.write("extra/GHSA-broken.json", "{ not json");
    let rustsec = repo()
        .join("fixtures/advisories/rustsec")
        .display()
        .to_string();
    let run = tree.preflight([
        "--db",
        db_arg.as_str(),
        "db",
        "import",
        "npm.zip",
        "extra",
        rustsec.as_str(),
    ]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("GHSA-broken.json"), "{}", run.stderr);
    let run = status(db.path());
    assert!(
        run.stdout.contains("npm.zip (zip): 8 advisories"),
        "{}",
        run.stdout
    );

    let missing = tree.preflight(["--db", db_arg.as_str(), "db", "import", "nowhere"]);
    assert_eq!(missing.code, 2, "{}", missing.render());
    assert!(missing.stderr.contains("nowhere"), "{}", missing.stderr);
    assert!(
        status(db.path()).stdout.contains("npm.zip"),
        "the previous index stays"
    );
}

/// Imports the npm fixtures and RustSec into `db`; returns `db status`'s stdout.
fn good_index(db: &Path) -> String {
    let npm = repo().join("fixtures/advisories/osv/npm");
    let rustsec = repo().join("fixtures/advisories/rustsec");
    let run = run_in(
        &repo(),
        [
            "--db".as_ref(),
            db.as_os_str(),
            "db".as_ref(),
            "import".as_ref(),
            npm.as_os_str(),
            rustsec.as_os_str(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.render());
    status(db).stdout
}

/// The index still answers: same status, and a scan still finds lodash.
fn still_answers(db: &Path, before: &str) {
    assert_eq!(status(db).stdout, before);
    let tree = TestTree::copy_of("deps/app");
    let scan = tree.preflight(["--db", &db.display().to_string(), "scan", "."]);
    assert!(
        scan.stdout.contains("GHSA-35jh-r3h4-6jhm"),
        "{}",
        scan.stdout
    );
}

#[test]
fn an_empty_or_halved_import_is_refused_unless_forced() {
    let db = tempfile::tempdir().expect("tempdir");
    let db_arg = db.path().display().to_string();
    let before = good_index(db.path());
    let empty = TestTree::empty();
    let run = empty.preflight(["--db", db_arg.as_str(), "db", "import", "."]);
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(run.stderr.contains("no advisories in ."), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    still_answers(db.path(), &before);

    let rustsec = repo().join("fixtures/advisories/rustsec");
    let rustsec = rustsec.display().to_string();
    let run = run_in(&repo(), ["--db", &db_arg, "db", "import", &rustsec]);
    assert_eq!(run.code, 2, "{}", run.render());
    let want = format!("npm would fall from 8 to 0 advisories (under half) with {rustsec}");
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    still_answers(db.path(), &before);

    let run = empty.preflight(["--db", db_arg.as_str(), "db", "import", "--force", "."]);
    assert_eq!(run.code, 0, "{}", run.render());
    let run = status(db.path());
    assert_eq!(run.code, 2, "{}", run.render());
    assert!(
        run.stderr.contains("the advisory index is empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_update_that_loses_most_of_an_ecosystem_is_refused() {
    let Some(up) = upstream() else { return };
    let db = tempfile::tempdir().expect("tempdir");
    assert_eq!(update(db.path(), &up).code, 0);
    let before = status(db.path()).stdout;
    let one = TestTree::empty();
    let lodash = "GHSA-35jh-r3h4-6jhm.json";
    let osv = repo().join("fixtures/advisories/osv/npm");
    one.write(lodash, std::fs::read(osv.join(lodash)).expect("fixture"));
    up.osv.put("npm/all.zip", zip_of(one.path()));
    let run = update(db.path(), &up);
    assert_eq!(run.code, 2, "{}", run.render());
    let want = format!(
        "npm would fall from 8 to 1 advisories (under half) with {}npm/all.zip",
        up.osv.url()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    still_answers(db.path(), &before);
}

/// A zip with `name` as a file (or, with `link`, a symbolic link) beside a good record.
fn hostile_zip(name: &str, link: bool) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let lodash = "GHSA-35jh-r3h4-6jhm.json";
    let bytes = std::fs::read(repo().join("fixtures/advisories/osv/npm").join(lodash));
    out.start_file(lodash, options).expect("start");
    out.write_all(&bytes.expect("fixture")).expect("write");
    if link {
        out.add_symlink(name, "/etc/passwd", options).expect("link");
    } else {
        out.start_file(name, options).expect("start");
        out.write_all(b"{}").expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[test]
fn archives_that_escape_link_or_explode_are_refused() {
    let db = tempfile::tempdir().expect("tempdir");
    let db_arg = db.path().display().to_string();
    let before = good_index(db.path());
    let tree = TestTree::empty();
    tree.write("up.zip", hostile_zip("../../evil.json", false));
    tree.write("abs.zip", hostile_zip("/tmp/evil.json", false));
    tree.write("link.zip", hostile_zip("evil.json", true));
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file("bomb.json", zip::write::SimpleFileOptions::default())
        .expect("start");
    bomb.write_all(&vec![b' '; 6 << 20]).expect("write");
    tree.write("bomb.zip", bomb.finish().expect("finish").into_inner());
    for (zip, entry, why) in [
        ("up.zip", "../../evil.json", "leaves the archive"),
        ("abs.zip", "/tmp/evil.json", "absolute"),
        ("link.zip", "evil.json", "symbolic link"),
        ("bomb.zip", "bomb.json", "decompression bomb"),
    ] {
        let run = tree.preflight(["--db", db_arg.as_str(), "db", "import", "--force", zip]);
        assert_eq!(run.code, 2, "{}", run.render());
        let want = format!("{zip}: entry \"{entry}\" refused: ");
        assert!(run.stderr.contains(&want), "{}", run.stderr);
        assert!(run.stderr.contains(why), "{}", run.stderr);
        still_answers(db.path(), &before);
    }
}

#[test]
fn a_second_import_waits_for_the_lock_or_gives_up() {
    use std::io::BufRead;
    let db = tempfile::tempdir().expect("tempdir");
    let db_arg = db.path().display().to_string();
    let before = good_index(db.path());
    let lock = db.path().join("lock");
    std::fs::write(&lock, format!("{}\n", std::process::id())).expect("lock");
    let npm = repo()
        .join("fixtures/advisories/osv/npm")
        .display()
        .to_string();
    let run = run_in(
        &repo(),
        ["--db", &db_arg, "db", "import", "--lock-timeout", "1", &npm],
    );
    assert_eq!(run.code, 2, "{}", run.render());
    let holder = format!(
        "another preflight db update is running (pid {})",
        std::process::id()
    );
    assert!(
        run.stderr.contains(&format!("{holder}, waiting")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gave up after 1 s"), "{}", run.stderr);
    assert_eq!(status(db.path()).stdout, before);

    let rustsec = repo()
        .join("fixtures/advisories/rustsec")
        .display()
        .to_string();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["--db", &db_arg, "db", "import", &npm, &rustsec])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read");
    assert!(line.contains(&holder), "{line}");
    std::fs::remove_file(&lock).expect("unlock");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("read");
    assert!(child.wait().expect("wait").success(), "{rest}");
    assert!(!lock.exists(), "the lock is released");
}

#[test]
fn db_is_refused_where_it_is_never_read() {
    for args in [
        ["--db", "x", "rules", "list"],
        ["rules", "list", "--db", "x"],
    ] {
        let run = run_in(&repo(), args);
        assert_eq!(run.code, 2, "{}", run.render());
        assert!(
            run.stderr
                .contains("--db does not apply to `preflight rules`"),
            "{}",
            run.stderr
        );
    }
    let run = run_in(&repo(), ["hook", "--db", "x", "install"]);
    assert!(
        run.stderr
            .contains("--db does not apply to `preflight hook`"),
        "{}",
        run.stderr
    );
    // The environment variable (set for every test run) is not a flag given in vain.
    assert_eq!(run_in(&repo(), ["rules", "list"]).code, 0);
}
