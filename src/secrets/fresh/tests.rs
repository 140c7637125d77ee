//! Tests of fresh-range scanning.
#![allow(clippy::single_range_in_vec_init)] // one fresh range is the common case
use super::*;

#[test]
fn widening_takes_whole_lines_and_context() {
    let data = b"l0\nl1\nl2\nl3 fresh\nl4\nl5\nl6\nl7\n";
    let at = 12; // inside "l3 fresh"
    let parts = widen(data, &[at..at + 2]);
    assert_eq!(parts, vec![3..data.len() - 6]); // l1 ..= l5
    assert_eq!(&data[parts[0].clone()], b"l1\nl2\nl3 fresh\nl4\nl5\n");
}

#[test]
fn widened_ranges_merge_and_stop_at_the_ends() {
    let data = b"a\nb\nc\nd\n";
    assert_eq!(widen(data, &[0..0, 6..6]), vec![0..8]);
    assert_eq!(widen(b"", &[0..0]), vec![0..0]);
}

fn rules() -> RuleSet {
    crate::secrets::defaults::rule_set().expect("default rules")
}

#[test]
fn a_fresh_range_is_scanned_with_its_lines_and_findings_keep_their_line() {
    let set = rules();
    let path: Arc<str> = Arc::from("src/config.txt");
    let mut text = String::new();
    for n in 0..300 {
        text += &format!("filler line {n}\n");
    }
    let at = text.len();
    // Synthetic, made up for the test: base32 after the prefix.
    let key = format!("AKIA{}", "QX7ZR2M5T3VW4YB6");
    text += &format!("aws_access_key_id = {key}\n");
    for n in 0..300 {
        text += &format!("more filler {n}\n");
    }
    let scanner = FreshScanner::new(&set, [&path]);
    let fresh = [at + 3..at + 4];
    let found = scanner.scan(&path, text.as_bytes(), Some((&fresh, &path)));
    assert_eq!(found.findings.len(), 1, "{:?}", found.findings);
    assert_eq!(found.findings[0].location.start_line, 301);
    assert!(scanner.scanned_bytes() < text.len() as u64 / 10);
    let whole = scanner.scan(&path, text.as_bytes(), None);
    assert_eq!(whole.findings[0].location, found.findings[0].location);
}

#[test]
fn paths_the_rules_treat_differently_are_scanned_whole() {
    let set = rules();
    let (txt, env): (Arc<str>, Arc<str>) = (Arc::from("a.txt"), Arc::from("deploy/.env"));
    let scanner = FreshScanner::new(&set, [&txt, &env]);
    let data = "x\n".repeat(1000);
    scanner.scan(&txt, data.as_bytes(), Some((&[10..11], &env)));
    assert_eq!(scanner.scanned_bytes(), data.len() as u64, "whole");
    scanner.scan(&txt, data.as_bytes(), Some((&[10..11], &txt)));
    assert!(scanner.scanned_bytes() < data.len() as u64 + 100, "cut");
}

#[test]
fn a_multi_line_keyword_makes_the_blob_whole() {
    let set = rules();
    let path: Arc<str> = Arc::from("a.txt");
    let scanner = FreshScanner::new(&set, [&path]);
    let mut data = "x\n".repeat(1000);
    data += "-----BEGIN RSA PRIVATE KEY-----\n";
    scanner.scan(&path, data.as_bytes(), Some((&[10..11], &path)));
    assert_eq!(scanner.scanned_bytes(), data.len() as u64);
}
