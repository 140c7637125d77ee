//! Finding compose projects and loading their sets: file discovery by name, compose sets,
//! per-file interpolation from the project `.env`, `include:`, `extends:`, multi-document files,
//! and gitignore scoping. Reads only below the scan root.

use super::envfile::{self, is_template};
use super::interpolate::{resolve, Vars};
use super::merge::merge;
use super::model::EnvFileState;
use super::yaml::{self, Kind, Loc, Node, Parsed, YamlProblem};
use crate::diag::Diagnostic;
use crate::source::{ReadError, Workspace};
use regex::Regex;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::{Arc, LazyLock};

const BASES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];
/// `include`/`extends` chains deeper than this are cut (and reported).
const MAX_REF_DEPTH: usize = 8;

static OTHER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?:(?:docker-)?compose[._-].+|.+\.compose)\.ya?ml$").ok());
static PROD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[._-])(?:prod|production|live|release)(?:[._-]|$)").ok()
});

fn base_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// The directory part of a relative path ("" for the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Whether a file name is one the loader starts from.
pub fn is_compose_name(name: &str) -> bool {
    BASES.contains(&name)
        || OVERRIDES.contains(&name)
        || OTHER.as_ref().is_some_and(|r| r.is_match(name))
}

/// One compose set: the files merged in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSpec {
    /// Relative paths, base first.
    pub files: Vec<String>,
    /// Whether the set is a production set.
    pub production: bool,
    /// Display name (`docker-compose.yml + docker-compose.prod.yml`).
    pub name: String,
}

fn set_of(files: Vec<String>, production: bool) -> SetSpec {
    let name = files.join(" + ");
    SetSpec {
        files,
        production,
        name,
    }
}

/// The compose sets of one project directory, from the compose files in it.
pub fn sets(files: &[String]) -> Vec<SetSpec> {
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| files.iter().find(|f| base_name(f) == *n))
            .cloned()
    };
    let base = find(&BASES);
    let over = find(&OVERRIDES);
    let mut out = Vec::new();
    if base.is_some() || over.is_some() {
        out.push(set_of(
            base.iter().chain(over.iter()).cloned().collect(),
            false,
        ));
    }
    for f in files {
        let name = base_name(f);
        if BASES.contains(&name) || OVERRIDES.contains(&name) {
            continue;
        }
        let production = PROD.as_ref().is_some_and(|r| r.is_match(name));
        out.push(set_of(
            base.iter().cloned().chain([f.clone()]).collect(),
            production,
        ));
    }
    out
}

/// Lexically joins a relative path onto a directory; `None` if it leaves the root.
pub fn rel_join(dir: &str, p: &str) -> Option<String> {
    if p.starts_with('/') || (p.contains('\\') && p.get(1..2) == Some(":")) {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Loads files through the workspace, caches parses and `.env` sources, and collects problems
/// and diagnostics.
pub struct Loader<'w> {
    ws: &'w Workspace,
    parsed: HashMap<String, Rc<Parsed>>,
    dotenv: HashMap<String, Rc<Vars>>,
    /// YAML problems of every file read (DC090).
    pub problems: Vec<YamlProblem>,
    /// Diagnostics naming files.
    pub diags: Vec<Diagnostic>,
    /// Env files referenced by `env_file:` (relative paths) since the last take.
    pub env_files: BTreeSet<String>,
    /// Variables from the user's `--env-file` files, which replace every project `.env` as the
    /// interpolation source (as `docker compose --env-file` does).
    pub env_override: Option<Rc<Vars>>,
}

impl<'w> Loader<'w> {
    /// A loader reading through `ws`.
    pub fn new(ws: &'w Workspace) -> Self {
        Loader {
            ws,
            parsed: HashMap::new(),
            dotenv: HashMap::new(),
            problems: Vec::new(),
            diags: Vec::new(),
            env_files: BTreeSet::new(),
            env_override: None,
        }
    }

    /// The file names directly in a directory of the root.
    pub fn list_dir(&self, dir: &str) -> Vec<String> {
        self.ws.list_dir(dir)
    }

    /// Whether git ignores `rel`, as the walk decided.
    pub fn ignored(&self, rel: &str) -> bool {
        self.ws.ignored(rel)
    }

    /// Reads a file through the workspace; `None` if absent. Other failures are diagnostics.
    pub fn read(&mut self, rel: &str) -> Option<String> {
        match self.ws.read_text(rel) {
            Ok(text) => Some(text),
            Err(ReadError::NotFound) => None,
            Err(e) => {
                self.diags.push(Diagnostic::warning(rel, e));
                None
            }
        }
    }

    fn parse(&mut self, rel: &str) -> Option<Rc<Parsed>> {
        if let Some(p) = self.parsed.get(rel) {
            return Some(p.clone());
        }
        let text = self.read(rel)?;
        let parsed = Rc::new(yaml::parse(&Arc::from(rel), &text));
        self.problems.extend(parsed.problems.iter().cloned());
        self.parsed.insert(rel.to_string(), parsed.clone());
        Some(parsed)
    }

    /// The interpolation source of a project directory: its `.env`, unless git ignores it.
    pub fn project_vars(&mut self, dir: &str) -> Rc<Vars> {
        if let Some(v) = &self.env_override {
            return v.clone();
        }
        if let Some(v) = self.dotenv.get(dir) {
            return v.clone();
        }
        let rel = rel_join(dir, ".env").unwrap_or_else(|| ".env".to_string());
        let mut vars = Vars::default();
        if !self.ignored(&rel) {
            if let Some(text) = self.read(&rel) {
                envfile::load_into(&mut vars, &rel, &text);
            }
        }
        let vars = Rc::new(vars);
        self.dotenv.insert(dir.to_string(), vars.clone());
        vars
    }

    /// Loads and merges the files of a set; `None` if no file could be read.
    pub fn load_set(&mut self, set: &SetSpec) -> Option<Node> {
        let mut merged: Option<Node> = None;
        for f in &set.files {
            let vars = self.project_vars(dir_of(&set.files[0]));
            for layer in self.layers(f, &vars, 0) {
                merged = Some(match merged {
                    None => merge(Node::empty_map(layer.loc.clone()), layer, &mut Vec::new()),
                    Some(m) => merge(m, layer, &mut Vec::new()),
                });
            }
        }
        merged
    }

    /// The documents of a file, each interpolated, with includes and extends resolved.
    fn layers(&mut self, rel: &str, vars: &Vars, depth: usize) -> Vec<Node> {
        if depth > MAX_REF_DEPTH {
            self.diags.push(Diagnostic::warning(
                rel,
                "include/extends chain too deep (a cycle?); stopped",
            ));
            return Vec::new();
        }
        let Some(parsed) = self.parse(rel) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for doc in &parsed.docs {
            let mut doc = doc.clone();
            if !matches!(doc.kind, Kind::Map(_)) {
                continue;
            }
            normalize_env(&mut doc);
            interpolate(&mut doc, vars);
            out.extend(self.includes(rel, &mut doc, depth));
            self.extends(rel, &mut doc, vars, depth);
            out.push(doc);
        }
        out
    }

    fn includes(&mut self, rel: &str, doc: &mut Node, depth: usize) -> Vec<Node> {
        let Kind::Map(entries) = &mut doc.kind else {
            return Vec::new();
        };
        let Some(i) = entries
            .iter()
            .position(|(k, _)| k.as_str() == Some("include"))
        else {
            return Vec::new();
        };
        let (_, inc) = entries.remove(i);
        let mut out = Vec::new();
        for item in inc.items() {
            let texts = |n: Option<&Node>| -> Vec<String> {
                match n.map(|n| &n.kind) {
                    Some(Kind::Seq(xs)) => xs
                        .iter()
                        .filter_map(|x| x.eff.text().map(str::to_string))
                        .collect(),
                    Some(_) => n
                        .and_then(|n| n.eff.text())
                        .map(str::to_string)
                        .into_iter()
                        .collect(),
                    None => Vec::new(),
                }
            };
            let paths = texts(Some(item.get("path").unwrap_or(item)));
            // Long syntax: `project_directory` moves the default `.env`; `env_file` replaces it.
            let project_dir = texts(item.get("project_directory")).pop();
            let env_files = texts(item.get("env_file"));
            for p in paths {
                let Some(target) = rel_join(dir_of(rel), &p) else {
                    self.diags.push(Diagnostic::warning(
                        rel,
                        format!("include `{p}` is outside the scan root; skipped"),
                    ));
                    continue;
                };
                if self.ignored(&target) {
                    continue;
                }
                let vars = if !env_files.is_empty() {
                    Rc::new(self.vars_from(dir_of(rel), &env_files))
                } else {
                    let dir = project_dir
                        .as_deref()
                        .and_then(|d| rel_join(dir_of(rel), d))
                        .unwrap_or_else(|| dir_of(&target).to_string());
                    self.project_vars(&dir)
                };
                out.extend(self.layers(&target, &vars, depth + 1));
            }
        }
        out
    }

    /// Variables from env files named relative to `dir` (an include's `env_file`); files
    /// outside the root or ignored by git are not read.
    fn vars_from(&mut self, dir: &str, files: &[String]) -> Vars {
        if let Some(v) = &self.env_override {
            return (**v).clone();
        }
        let mut vars = Vars::default();
        for f in files {
            let Some(rel) = rel_join(dir, f).filter(|r| !self.ignored(r)) else {
                continue;
            };
            let Some(text) = self.read(&rel) else {
                continue;
            };
            envfile::load_into(&mut vars, &rel, &text);
        }
        vars
    }

    fn extends(&mut self, rel: &str, doc: &mut Node, vars: &Vars, depth: usize) {
        let Some(Node {
            kind: Kind::Map(svcs),
            ..
        }) = map_get_mut(doc, "services")
        else {
            return;
        };
        let names: Vec<String> = svcs
            .iter()
            .filter(|(_, v)| v.get("extends").is_some())
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect();
        let snapshot = Node {
            kind: Kind::Map(svcs.clone()),
            ..Node::empty_map(doc_loc(rel))
        };
        for name in names {
            let Some(pos) = svcs
                .iter()
                .position(|(k, _)| k.as_str() == Some(name.as_str()))
            else {
                continue;
            };
            let svc = svcs[pos].1.clone();
            if let Some(resolved) = self.resolve_extends(rel, &snapshot, &name, svc, vars, depth) {
                svcs[pos].1 = resolved;
            }
        }
    }

    fn resolve_extends(
        &mut self,
        rel: &str,
        services: &Node,
        name: &str,
        svc: Node,
        vars: &Vars,
        depth: usize,
    ) -> Option<Node> {
        let spec = svc.get("extends")?.clone();
        let target = spec.get("service").unwrap_or(&spec).eff.text()?.to_string();
        let mut own = svc;
        if let Kind::Map(m) = &mut own.kind {
            m.retain(|(k, _)| k.as_str() != Some("extends"));
        }
        let base = match spec.get("file").and_then(|f| f.eff.text()) {
            Some(file) => {
                let t = rel_join(dir_of(rel), file).filter(|t| !self.ignored(t))?;
                let layers = self.layers(&t, vars, depth + 1);
                let merged = layers
                    .into_iter()
                    .reduce(|a, b| merge(a, b, &mut Vec::new()))?;
                merged.get("services")?.get(&target)?.clone()
            }
            None if target != name && depth < MAX_REF_DEPTH => {
                let b = services.get(&target)?.clone();
                self.resolve_extends(rel, services, &target, b.clone(), vars, depth + 1)
                    .unwrap_or(b)
            }
            None => return None,
        };
        let mut path = vec!["services".to_string(), name.to_string()];
        Some(merge(base, own, &mut path))
    }

    /// Resolves an `env_file` entry declared at `at`; records it for the per-file checks.
    pub fn env_file(&mut self, at: &Loc, path: &str, raw: bool, vars: &Vars) -> EnvFileState {
        let Some(rel) = rel_join(dir_of(&at.file), path) else {
            return EnvFileState::Unknown;
        };
        if is_template(&rel) || self.ignored(&rel) {
            return EnvFileState::Unknown;
        }
        let Some(text) = self.read(&rel) else {
            return EnvFileState::Unknown;
        };
        self.env_files.insert(rel.clone());
        EnvFileState::Entries(envfile::parse_as(
            &Arc::from(rel.as_str()),
            &text,
            vars,
            raw,
        ))
    }
}

fn doc_loc(rel: &str) -> Loc {
    Loc {
        file: Arc::from(rel),
        line: 1,
        col: 1,
    }
}

fn map_get_mut<'n>(n: &'n mut Node, key: &str) -> Option<&'n mut Node> {
    match &mut n.kind {
        Kind::Map(m) => m
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// `environment: [K=V, K]` becomes a mapping (before interpolation, so that the value keeps its
/// own effective value and the key stays literal).
fn normalize_env(doc: &mut Node) {
    let Some(Node {
        kind: Kind::Map(svcs),
        ..
    }) = map_get_mut(doc, "services")
    else {
        return;
    };
    for (_, svc) in svcs.iter_mut() {
        let Some(env) = map_get_mut(svc, "environment") else {
            continue;
        };
        let Kind::Seq(items) = &env.kind else {
            continue;
        };
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let Some(raw) = item.as_str() else { continue };
            let (k, v) = raw
                .split_once('=')
                .map_or((raw, None), |(k, v)| (k, Some(v)));
            let mut key = item.clone();
            key.kind = Kind::Scalar(k.trim().to_string());
            let mut val = item.clone();
            val.kind = Kind::Scalar(v.unwrap_or_default().to_string());
            // a bare `K` passes through (null); an explicit `K=` is an empty string
            val.plain = v.is_none();
            entries.push((key, val));
        }
        env.kind = Kind::Map(entries);
    }
}

/// Resolves every scalar value (never keys) against `vars`.
fn interpolate(n: &mut Node, vars: &Vars) {
    match &mut n.kind {
        Kind::Scalar(s) => {
            let r = resolve(s, vars);
            n.eff = r.eff;
            n.origin = r.origin;
        }
        Kind::Seq(items) => items.iter_mut().for_each(|i| interpolate(i, vars)),
        Kind::Map(m) => m.iter_mut().for_each(|(_, v)| interpolate(v, vars)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sets() {
        for n in [
            "compose.yaml",
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "compose.staging.yaml",
            "compose.override.yml",
            "app.compose.yml",
            "docker-compose-dev.yaml",
        ] {
            assert!(is_compose_name(n), "{n}");
        }
        for n in ["compose.json", "my-compose.yml", "docker-compose.txt"] {
            assert!(!is_compose_name(n), "{n}");
        }
        let files: Vec<String> = [
            "d/docker-compose.yml",
            "d/docker-compose.override.yml",
            "d/docker-compose.prod.yml",
            "d/compose.dev.yaml",
        ]
        .map(String::from)
        .to_vec();
        let s = sets(&files);
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[0].files,
            vec!["d/docker-compose.yml", "d/docker-compose.override.yml"]
        );
        assert!(!s[0].production && s[1].production && !s[2].production);
        assert_eq!(
            s[1].name,
            "d/docker-compose.yml + d/docker-compose.prod.yml"
        );
    }

    #[test]
    fn joins_stay_in_root() {
        assert_eq!(rel_join("a/b", "../c/.env").as_deref(), Some("a/c/.env"));
        assert_eq!(rel_join("", "./x").as_deref(), Some("x"));
        assert_eq!(rel_join("a", "../../x"), None);
        assert_eq!(rel_join("a", "/etc/passwd"), None);
    }
}
