use super::*;

/// Small windows, with the context the engine's single-line windows need.
const SMALL: Geometry = Geometry {
    window: 4096,
    context: 2048,
};

fn set_of(toml: &str) -> RuleSet {
    let file = crate::secrets::toml::parse(toml).expect("parses");
    RuleSet::from_files(vec![("t".into(), file)]).expect("builds")
}

fn rules() -> RuleSet {
    set_of(
        "[[rules]]\nid = \"tok\"\nregex = 'tok_([a-z0-9]{24})'\nkeywords = [\"tok_\"]\n\
         [[rules]]\nid = \"dump\"\npath = '''\\.dump$'''\n",
    )
}

type Seen = Vec<(String, usize, usize, usize, usize, String)>;

fn seen(found: &BlobFindings) -> Seen {
    let mut out: Seen = found
        .findings
        .iter()
        .map(|f| {
            let l = &f.location;
            let fp = f.fingerprint.to_string();
            let id = f.rule_id.to_string();
            (
                id,
                l.start_line,
                l.start_column,
                l.end_line,
                l.end_column,
                fp,
            )
        })
        .collect();
    out.sort();
    out
}

fn windowed(set: &RuleSet, path: &str, data: &[u8]) -> BlobFindings {
    let mut reader = data;
    scan_with(set, path, None, &mut reader, SMALL)
        .expect("reads")
        .found
}

const TOKEN: &[u8] = b"tok_a1b2c3d4e5f6g7h8i9j0k1l2";

/// `filler` repeated to `len` bytes, with `TOKEN` written at each of `at`.
fn content(filler: &[u8], len: usize, at: &[usize]) -> Vec<u8> {
    let mut data: Vec<u8> = filler.iter().copied().cycle().take(len).collect();
    for &a in at {
        data[a..a + TOKEN.len()].copy_from_slice(TOKEN);
    }
    data
}

#[test]
fn a_secret_across_a_window_edge_is_found_once_in_its_place() {
    let set = rules();
    for filler in [&b"x "[..], "word é\n".as_bytes(), b"ab"] {
        for shift in 0..TOKEN.len() + 2 {
            let at = SMALL.window - shift;
            let data = content(filler, 3 * SMALL.window + 100, &[at, 2 * SMALL.window - 3]);
            let whole = seen(&scan_blob(&set, "a.js", None, &data));
            assert_eq!(whole.len(), 2, "filler {filler:?} shift {shift}");
            assert_eq!(seen(&windowed(&set, "a.js", &data)), whole);
        }
    }
}

#[test]
fn a_secret_at_the_very_end_is_found() {
    let set = rules();
    let len = 5 * SMALL.window + 17;
    let data = content(b"0123456789", len, &[len - TOKEN.len()]);
    let found = seen(&windowed(&set, "bundle.min.js", &data));
    assert_eq!(found, seen(&scan_blob(&set, "bundle.min.js", None, &data)));
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].1, found[0].2), (1, len - TOKEN.len() + 5));
}

#[test]
fn lines_and_columns_count_from_the_start_of_the_content() {
    let set = rules();
    let mut data = Vec::new();
    for n in 0..2000 {
        data.extend_from_slice(format!("line {n} ünï\n").as_bytes());
    }
    data.extend_from_slice(b"key = ");
    data.extend_from_slice(TOKEN);
    data.push(b'\n');
    let found = seen(&windowed(&set, "f.txt", &data));
    assert_eq!(found, seen(&scan_blob(&set, "f.txt", None, &data)));
    assert_eq!((found[0].1, found[0].2), (2001, 11));
}

#[test]
fn a_path_rule_reports_once() {
    let set = rules();
    let data = content(b"abc\n", 4 * SMALL.window, &[]);
    let found = seen(&windowed(&set, "db.dump", &data));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "dump");
}

#[test]
fn small_content_is_one_window() {
    let set = rules();
    let data = content(b"a\n", 100, &[10]);
    assert_eq!(seen(&windowed(&set, "f", &data)).len(), 1);
    assert_eq!(seen(&windowed(&set, "f", b"")).len(), 0);
    let streamed = scan_stream(&set, "f", None, &mut &data[..]).expect("reads");
    assert_eq!((streamed.bytes, streamed.found.findings.len()), (100, 1));
}

#[test]
fn windows_end_exactly_at_the_content_end() {
    let set = rules();
    for len in [SMALL.window, SMALL.window + SMALL.context, 2 * SMALL.window] {
        let data = content(b"ab ", len, &[len - TOKEN.len(), 3]);
        assert_eq!(seen(&windowed(&set, "f", &data)).len(), 2, "len {len}");
    }
}
