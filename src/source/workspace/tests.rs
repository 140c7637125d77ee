use super::*;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (rel, text) in files {
        let p = t.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(t.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }
    t
}

fn walked(root: &Path) -> Workspace {
    let opts = WalkOptions {
        threads: 1,
        max_file_size: 1 << 20,
    };
    Workspace::walk(root, &opts, |_| false, |p| p.ends_with(".lock"), |_| {})
}

#[test]
fn reads_stay_inside_the_root() {
    let t = tree(&[("a/Cargo.lock", "x"), ("b.txt", "y")]);
    let ws = walked(t.path());
    assert_eq!(ws.read_text("a/../b.txt").as_deref(), Ok("y"));
    assert_eq!(ws.read("../etc/passwd"), Err(ReadError::Outside));
    assert_eq!(ws.read("/etc/passwd"), Err(ReadError::Outside));
    assert_eq!(ws.read("nope"), Err(ReadError::NotFound));
    #[cfg(unix)]
    {
        let outside = tree(&[("secret.txt", "s")]);
        let link = t.path().join("link.txt");
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), &link)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ws.read("link.txt"), Err(ReadError::LinkOutside));
    }
}

#[test]
fn the_walk_keeps_claimed_files_and_binary_is_refused() {
    let t = tree(&[("Cargo.lock", "v1"), ("bin.dat", "a\0b")]);
    let ws = walked(t.path());
    std::fs::write(t.path().join("Cargo.lock"), "v2").unwrap_or_else(|e| panic!("{e}"));
    // Read once: the walk's copy, not the file changed since.
    assert_eq!(ws.read_text("Cargo.lock").as_deref(), Ok("v1"));
    assert_eq!(ws.read("bin.dat"), Err(ReadError::Binary));
    assert_eq!(ws.files().collect::<Vec<_>>(), ["Cargo.lock"]);
}

#[test]
fn ignored_answers_as_the_walk_does() {
    let t = tree(&[
        (
            ".gitignore",
            ".env*\n!.env.example\nsecrets/\n/top.env\n**/gen/*.env\n",
        ),
        ("app/.gitignore", "!.env.shared\nlocal.env\n"),
        (".env", "A=1"),
        (".env.example", "A=1"),
        ("config/app.env", "A=1"),
        ("app/.env.local", "A=1"),
        ("app/.env.shared", "A=1"),
        ("app/local.env", "A=1"),
        ("secrets/db.env", "A=1"),
        ("top.env", "A=1"),
        ("sub/top.env", "A=1"),
        ("x/y/gen/a.env", "A=1"),
        ("excluded.env", "A=1"),
    ]);
    let info = t.path().join(".git/info");
    std::fs::create_dir_all(&info).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(info.join("exclude"), "excluded.env\n").unwrap_or_else(|e| panic!("{e}"));
    let ws = walked(t.path());
    for rel in [
        ".env",
        "app/.env.local",
        "app/local.env",
        "secrets/db.env",
        "top.env",
        "x/y/gen/a.env",
        "excluded.env",
    ] {
        assert!(ws.ignored(rel), "{rel} should be ignored");
        assert!(
            fs::ignored(t.path(), rel),
            "{rel}: the filtered walk agrees"
        );
    }
    for rel in [
        ".env.example",
        "config/app.env",
        "app/.env.shared",
        "sub/top.env",
    ] {
        assert!(!ws.ignored(rel), "{rel} should not be ignored");
        assert!(
            !fs::ignored(t.path(), rel),
            "{rel}: the filtered walk agrees"
        );
    }
}

#[test]
fn a_parent_directorys_gitignore_applies() {
    let t = tree(&[
        (".gitignore", "*.env\n"),
        ("proj/db.env", "A=1"),
        ("proj/x", ""),
    ]);
    let ws = walked(&t.path().join("proj"));
    assert!(ws.ignored("db.env"));
}

#[test]
fn in_memory_workspaces_read_and_ignore_what_they_are_given() {
    let ws = Workspace::in_memory([("a/b.txt".to_string(), b"hi".to_vec())], &["a/.env"]);
    assert_eq!(ws.read_text("a/./b.txt").as_deref(), Ok("hi"));
    assert!(ws.ignored("a/.env"));
    assert_eq!(ws.list_dir("a"), ["b.txt"]);
    assert_eq!(ws.read("a/c"), Err(ReadError::NotFound));
}

#[test]
fn files_parsed_whole_have_a_size_limit_of_their_own() {
    let t = tree(&[("package-lock.json", "")]);
    // Sparse: the size is what counts, and it is checked before anything is read.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(t.path().join("package-lock.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    file.set_len(PARSE_LIMIT + 1)
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = WalkOptions {
        threads: 1,
        max_file_size: u64::MAX,
    };
    let ws = Workspace::walk(t.path(), &opts, |_| true, |_| true, |_| {});
    assert_eq!(
        ws.read("package-lock.json"),
        Err(ReadError::TooLargeToParse {
            size: PARSE_LIMIT + 1,
            limit: PARSE_LIMIT
        })
    );
}
