//! Docker Compose and `.env` checks (DC0xx): finds compose projects among the scanned files,
//! evaluates each compose set on its merged, interpolated model and reports what would block a
//! launch. The catalogue is `checks::meta`; per-image knowledge is data (`rules/compose/`).

pub mod checks;
pub mod envfile;
pub mod findings;
pub mod images;
pub mod interpolate;
pub mod load;
pub mod merge;
pub mod model;
pub mod value;
pub mod yaml;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

use crate::catalog::RuleMeta;
use crate::diag::Diagnostic;
use crate::finding::{Category, RuleId, Severity};
use crate::scanned::Scanned;
use crate::source::Workspace;
use checks::{Hit, SetCtx};
use findings::Aggregator;
use load::{dir_of, Loader, SetSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// How the compose scanner runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--env-file`: the user's interpolation sources, replacing each project's `.env` (later
    /// files override earlier ones, as in `docker compose`).
    pub env_files: Vec<PathBuf>,
}

/// Whether a path (relative to the scan root, `/`-separated) is a compose file name the loader
/// starts from: compose.yaml, compose.yml, docker-compose.yml/.yaml, and the override / extra
/// patterns (docker-compose.prod.yml, compose.staging.yaml, compose.override.yml, ...).
pub fn is_compose_file(rel_path: &str) -> bool {
    load::is_compose_name(rel_path.rsplit('/').next().unwrap_or(rel_path))
}

/// Whether the compose scanner reads `rel_path`: compose files and env files by name, so the
/// walk keeps their content and nothing is read twice.
pub fn wants(rel_path: &str) -> bool {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    is_compose_file(rel_path) || name.starts_with(".env") || name.ends_with(".env")
}

/// The catalogue of compose checks for reports (SARIF rules): one RuleMeta per check id.
pub fn catalog() -> Vec<RuleMeta> {
    checks::meta::CHECKS
        .iter()
        .map(|m| RuleMeta {
            id: RuleId::new(m.id),
            category: Category::Config,
            severity: m.severity,
            title: m.title.to_string(),
            help: m.fix.to_string(),
            tags: m.tags.iter().map(|t| t.to_string()).collect(),
        })
        .collect()
}

/// Loads every compose project among the workspace's files, groups them into compose sets,
/// reads `.env`/env_file/include/extends targets through the workspace (never outside the root,
/// never what git ignores), and runs all checks. Never panics; bad YAML etc. become DC090
/// findings or diagnostics naming the file.
pub fn scan(ws: &Workspace, opts: &Options) -> Scanned {
    let compose_files: Vec<String> = ws
        .files()
        .filter(|f| is_compose_file(f))
        .map(str::to_string)
        .collect();
    let mut loader = Loader::new(ws);
    let mut problems = Vec::new();
    if !opts.env_files.is_empty() {
        loader.env_override = Some(Rc::new(user_env_files(&opts.env_files, &mut problems)));
    }
    let mut out = run(loader, &compose_files);
    out.diagnostics.extend(problems);
    out
}

/// The `--env-file` files: named by the user on the command line, so read as given, not through
/// the workspace. One that cannot be read is an error, and the scan goes on without it.
fn user_env_files(files: &[PathBuf], problems: &mut Vec<Diagnostic>) -> interpolate::Vars {
    let mut vars = interpolate::Vars::default();
    for path in files {
        let name = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => envfile::load_into(&mut vars, &name, &text),
            Err(e) => problems.push(Diagnostic::error(
                name,
                format!("cannot read --env-file: {e}"),
            )),
        }
    }
    vars
}

/// `scan` over in-memory files (relative path to text) instead of a directory: for fuzzing and
/// tests. Nothing is git-ignored.
pub fn scan_files(files: &[(String, String)]) -> Scanned {
    let ws = Workspace::in_memory(
        files
            .iter()
            .map(|(n, t)| (n.clone(), t.as_bytes().to_vec())),
        &[],
    );
    scan(&ws, &Options::default())
}

fn run(mut loader: Loader<'_>, compose_files: &[String]) -> Scanned {
    let mut projects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in compose_files.iter().filter(|f| is_compose_file(f)) {
        let f = f.trim_start_matches("./").to_string();
        projects.entry(dir_of(&f).to_string()).or_default().push(f);
    }
    let mut agg = Aggregator::default();
    let mut env_seen = BTreeSet::new();
    for (dir, files) in &projects {
        scan_project(&mut loader, &mut agg, &mut env_seen, dir, files);
    }
    let mut unparsed = Vec::new();
    for p in std::mem::take(&mut loader.problems) {
        // A file that does not parse was not checked at all: a gap, beside its DC090 finding.
        if p.fatal {
            unparsed.push(Diagnostic::error(
                p.loc.file.to_string(),
                format!("compose file not checked: {}", p.message),
            ));
        }
        let hit = yaml_hit(p);
        let file = hit.loc.file.to_string();
        agg.add(hit, &file, &[]);
    }
    let findings = agg.finish(&mut |rel| {
        loader
            .read(rel)
            .map(|t| t.lines().map(str::to_string).collect())
    });
    let stats = crate::result::ScanStats {
        compose_projects: projects.len() as u64,
        ..Default::default()
    };
    loader.diags.extend(unparsed);
    Scanned {
        findings,
        diagnostics: loader.diags,
        rules: catalog(),
        stats,
        ..Default::default()
    }
}

fn scan_project(
    loader: &mut Loader<'_>,
    agg: &mut Aggregator,
    env_seen: &mut BTreeSet<String>,
    dir: &str,
    files: &[String],
) {
    let sets = load::sets(files);
    let has_prod = sets.iter().any(|s| s.production);
    for set in &sets {
        let hits = scan_set(loader, set);
        agg.add_set(hits, &set.name, &set.files, set.production, has_prod);
    }
    for hit in env_file_hits(loader, env_seen, dir) {
        let file = hit.loc.file.to_string();
        agg.add(hit, &file, &[]);
    }
}

fn scan_set(loader: &mut Loader<'_>, set: &SetSpec) -> Vec<Hit> {
    let Some(root) = loader.load_set(set) else {
        return Vec::new();
    };
    let vars = loader.project_vars(dir_of(&set.files[0]));
    let services = model::services(&root, &mut |at, p, raw| loader.env_file(at, p, raw, &vars));
    checks::run(&SetCtx {
        root: &root,
        services: &services,
        production: set.production,
    })
}

/// DC013/DC014 over the env files of a project that are in scope: every `env_file` its compose
/// files named (in whatever directory), and the `.env*` files beside them. Each file once per
/// scan, however many projects read it.
fn env_file_hits(loader: &mut Loader<'_>, seen: &mut BTreeSet<String>, dir: &str) -> Vec<Hit> {
    let mut candidates: Vec<String> = std::mem::take(&mut loader.env_files).into_iter().collect();
    for name in loader.list_dir(dir) {
        if name == ".env" || name.starts_with(".env.") {
            candidates.push(load::rel_join(dir, &name).unwrap_or(name));
        }
    }
    candidates.sort();
    candidates.dedup();
    let mut out = Vec::new();
    for rel in candidates {
        if envfile::is_template(&rel) || loader.ignored(&rel) || !seen.insert(rel.clone()) {
            continue;
        }
        let Some(text) = loader.read(&rel) else {
            continue;
        };
        let file: Arc<str> = Arc::from(rel.as_str());
        let entries = envfile::parse(&file, &text, &interpolate::Vars::default());
        out.push(checks::envfiles::not_ignored(&file, &entries));
        checks::envfiles::weak_values(&entries, &mut out);
    }
    out
}

fn yaml_hit(p: yaml::YamlProblem) -> Hit {
    Hit {
        rule: "DC090",
        severity: Severity::Medium,
        identity: format!(
            "yaml/{}",
            p.message.split(" (first").next().unwrap_or_default()
        ),
        message: format!("`{}`: {}", p.loc.file, p.message),
        loc: p.loc,
        related: Vec::new(),
        secret: None,
        public: Vec::new(),
        profiled: false,
        per_file: true,
    }
}
