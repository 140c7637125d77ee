//! The crate's shape stays: no import circles between modules, and no arrow from a lower module
//! up into `scan` or `cli`. Reads `src/` and follows `use crate::…`, `use super::…` and inline
//! `crate::…` paths; a child using its ancestors' items is not an arrow (that is what `super` is).

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module path of a source file (`src/a/b.rs` and `src/a/b/mod.rs` are `a::b`).
fn module_of(rel: &str) -> String {
    let rel = rel.trim_end_matches(".rs");
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    if rel == "lib" || rel == "main" {
        return String::new();
    }
    rel.replace('/', "::")
}

fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "testgit.rs"
}

fn sources(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            if !is_test_file(&rel) {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                // Test modules inside a file may import anything.
                let text = text
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or("")
                    .to_string();
                out.push((rel, text));
            }
        }
    }
}

/// Every path a file names: `crate::a::b`, `super::c` (resolved), with `{…}` lists expanded.
fn paths_named(module: &str, text: &str) -> Vec<String> {
    let re = Regex::new(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{([^}]*)\})?")
        .expect("regex");
    // In `a/b.rs` and in `a/b/mod.rs` alike, `super` is `a`.
    let mut own: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    own.pop();
    let parent = own.join("::");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for c in re.captures_iter(line) {
            let base = match &c[1] {
                "crate" => String::new(),
                _ => parent.clone(),
            };
            let tail = c.get(2).map_or("", |m| m.as_str()).trim_start_matches("::");
            let head = [base.as_str(), tail]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join("::");
            match c.get(4) {
                Some(items) => {
                    for item in items.as_str().split(',') {
                        let item = item.trim().split("::").next().unwrap_or("").trim();
                        if !item.is_empty() && item != "self" {
                            out.push(
                                format!("{head}::{item}")
                                    .trim_start_matches("::")
                                    .to_string(),
                            );
                        }
                    }
                    out.push(head);
                }
                None => out.push(head),
            }
        }
    }
    out
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(r, _)| module_of(r)).collect();
    let mut g = Graph::new();
    for (rel, text) in &files {
        let m = module_of(rel);
        let edges = g.entry(m.clone()).or_default();
        for path in paths_named(&m, text) {
            // The longest prefix that is a module is what the path points into.
            let parts: Vec<&str> = path.split("::").collect();
            let target = (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("::"))
                .find(|p| modules.contains(p));
            let Some(t) = target else { continue };
            let ancestor = m == t || m.starts_with(&format!("{t}::")) || t.is_empty();
            if !ancestor {
                edges.insert(t);
            }
        }
    }
    g
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(g: &Graph) -> Vec<Vec<String>> {
    struct St<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut St<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_import_circles() {
    let g = graph();
    assert!(g.len() > 50, "read the sources: {} modules", g.len());
    let found = circles(&g);
    assert!(
        found.is_empty(),
        "import circles (break each by moving the shared item down): {found:#?}"
    );
}

#[test]
fn nothing_below_imports_scan_or_cli() {
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut wrong = Vec::new();
    for (m, edges) in graph() {
        for t in edges {
            let (tm, tt) = (top(&m), top(&t));
            let up = (tt == "cli" && tm != "cli") || (tt == "scan" && tm != "scan" && tm != "cli");
            if up {
                wrong.push(format!("{m} -> {t}"));
            }
        }
    }
    assert!(wrong.is_empty(), "arrows up into scan/cli: {wrong:#?}");
}
