//! Gitignore scoping: a path is out of scope when a `.gitignore` between its directory and the
//! scan root ignores it (standard semantics, `!` negation, directory rules cover their contents).

use super::load::dir_of;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Gitignore matching over every `.gitignore` from a file's directory up to the root.
pub struct GitIgnores {
    root: PathBuf,
    /// In-memory scans have no gitignore files.
    pub(crate) disabled: bool,
    cache: HashMap<String, Option<Gitignore>>,
}

impl GitIgnores {
    /// Matching below `root`.
    pub fn new(root: &Path) -> Self {
        GitIgnores {
            root: root.to_path_buf(),
            disabled: false,
            cache: HashMap::new(),
        }
    }

    fn at(&mut self, dir: &str) -> Option<&Gitignore> {
        let root = &self.root;
        self.cache
            .entry(dir.to_string())
            .or_insert_with(|| {
                let d = if dir.is_empty() {
                    root.clone()
                } else {
                    root.join(dir)
                };
                let file = d.join(".gitignore");
                if !file.is_file() {
                    return None;
                }
                let mut b = GitignoreBuilder::new(&d);
                b.add(&file);
                b.build().ok()
            })
            .as_ref()
    }

    /// Whether git ignores `rel`: the nearest `.gitignore` with a matching rule decides, and a
    /// rule on a parent directory covers everything below it.
    pub fn ignored(&mut self, rel: &str) -> bool {
        if self.disabled {
            return false;
        }
        let mut dir = dir_of(rel).to_string();
        loop {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let sub = rel.strip_prefix(&prefix).unwrap_or(rel).to_string();
            if let Some(gi) = self.at(&dir) {
                let comps: Vec<&str> = sub.split('/').collect();
                for n in (1..=comps.len()).rev() {
                    let m = gi.matched(comps[..n].join("/"), n < comps.len());
                    if m.is_ignore() {
                        return true;
                    }
                    if m.is_whitelist() && n == comps.len() {
                        return false;
                    }
                }
            }
            if dir.is_empty() {
                return false;
            }
            dir = dir_of(&dir).to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rule_decides_and_directories_cover_contents() {
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let w = |rel: &str, text: &str| {
            let p = t.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(t.path()))
                .unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
        };
        w(".gitignore", ".env*\n!.env.example\nsecrets/\n");
        w("app/.gitignore", "!.env.shared\n");
        let mut g = GitIgnores::new(t.path());
        assert!(g.ignored(".env"));
        assert!(g.ignored("app/.env.local"));
        assert!(!g.ignored(".env.example"));
        assert!(!g.ignored("app/.env.shared"));
        assert!(g.ignored("secrets/db.env"));
        assert!(!g.ignored("compose.yaml"));
    }
}
