//! Files larger than a window (issue 16): streamed through the rules, a secret across a window
//! edge found once at its line and column, a secret at the very end found, memory not tied to
//! the file's size (measured by scripts/bench-bigfile.sh, not here).

use crate::common::TestTree;

/// The engine's window (`secrets::window`): what a file larger than it is cut into.
const WINDOW: usize = 8 * 1024 * 1024;

fn gh_token(seed: char) -> String {
    let body: String =
        std::iter::repeat_n(seed, 6).collect::<String>() + "Hm7vQ2xKp9LzR4wEab3dE4fG";
    preflight::secrets::validate::crc32_token("ghp_", &body[..30])
}

/// `filler` repeated to `len` bytes with `text` written at each offset of `at`.
fn content(filler: &str, len: usize, at: &[(usize, &str)]) -> Vec<u8> {
    let mut data: Vec<u8> = filler.bytes().cycle().take(len).collect();
    for (offset, text) in at {
        data[*offset..*offset + text.len()].copy_from_slice(text.as_bytes());
    }
    data
}

fn findings(run: &crate::common::Run) -> Vec<(String, u64, u64)> {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut out: Vec<(String, u64, u64)> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let loc = &f["location"];
            let path = loc["path"].as_str().unwrap_or_default().to_string();
            let line = loc["start_line"].as_u64().unwrap_or_default();
            (path, line, loc["start_column"].as_u64().unwrap_or_default())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_one_line_bundle_larger_than_a_window_is_scanned_to_its_end() {
    let tree = TestTree::empty();
    let (edge, end) = (gh_token('A'), gh_token('B'));
    let len = 2 * WINDOW + 3 * 1024 * 1024;
    // One token starts 12 bytes before the first window's end, one ends the file.
    let edge_at = WINDOW - 12;
    let end_at = len - end.len() - 2;
    let at = [
        (edge_at - 3, ";k=\""),
        (edge_at, edge.as_str()),
        (edge_at + edge.len(), "\";"),
        (end_at - 1, ";"),
        (end_at, end.as_str()),
        (len - 2, ";\n"),
    ];
    tree.write("dist/bundle.min.js", content("var a=1;", len, &at));
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let col = |offset: usize| offset as u64 + 1;
    assert_eq!(
        findings(&run),
        [
            ("dist/bundle.min.js".to_string(), 1, col(edge_at)),
            ("dist/bundle.min.js".to_string(), 1, col(end_at)),
        ],
        "{}",
        run.stdout
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["summary"]["stats"]["bytes_scanned"], len as u64);
    assert_eq!(doc["coverage"]["complete"], true, "{}", run.stdout);
}

#[test]
fn line_numbers_of_a_streamed_file_count_from_its_start() {
    let tree = TestTree::empty();
    let token = gh_token('C');
    let line = "x = 1\n"; // 6 bytes
    let len = WINDOW + 2 * 1024 * 1024;
    // A line of its own whose token starts 6 bytes before the window edge.
    let at = (WINDOW / 6) * 6 - 6;
    let text = format!("t={token}\n");
    let mut data = content(line, len, &[]);
    data.splice(at..at, text.bytes());
    // A byte that is not UTF-8 after the first window: a warning, still scanned.
    data[len - 100] = 0xe9;
    tree.write("gen/data.txt", &data);
    let run = tree.preflight(["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        findings(&run),
        [("gen/data.txt".to_string(), (at / 6) as u64 + 1, 3)],
        "{}",
        run.stdout
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["summary"]["stats"]["non_utf8"], 1, "{}", run.stdout);
}
