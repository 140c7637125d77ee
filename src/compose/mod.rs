//! Docker Compose and `.env` checks (DC0xx): finds compose projects among the scanned files,
//! evaluates each compose set on its merged, interpolated model and reports what would block a
//! launch. The catalogue is `checks::meta`; per-image knowledge is data (`rules/compose/`).

pub mod checks;
pub mod envfile;
pub mod gitignore;
pub mod images;
pub mod interpolate;
pub mod load;
pub mod merge;
pub mod model;
pub mod report;
pub mod yaml;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

use crate::catalog::RuleMeta;
use crate::diag::Diagnostic;
use crate::finding::{Category, Finding, RuleId, Severity};
use checks::{Hit, SetCtx};
use load::{dir_of, Loader, SetSpec};
use report::Aggregator;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a compose scan returns.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, sorted.
    pub findings: Vec<Finding>,
    /// Problems that are not findings (unreadable files, cut include chains).
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a path (relative to the scan root, `/`-separated) is a compose file name the loader
/// starts from: compose.yaml, compose.yml, docker-compose.yml/.yaml, and the override / extra
/// patterns (docker-compose.prod.yml, compose.staging.yaml, compose.override.yml, ...).
pub fn is_compose_file(rel_path: &str) -> bool {
    load::is_compose_name(rel_path.rsplit('/').next().unwrap_or(rel_path))
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

/// Loads every compose project whose files are among `compose_files` (relative paths under `root`,
/// as the tree walk found them; the walk already skipped gitignored files), groups them into compose
/// sets, reads `.env`/env_file/include/extends targets from disk itself (never outside `root`), and runs
/// all checks. Never panics; bad YAML etc. become DC090 findings or diagnostics naming the file.
pub fn scan(root: &Path, compose_files: &[String]) -> Outcome {
    run(Loader::new(root), compose_files)
}

/// [`scan`] with the user's `--env-file` files as the interpolation source instead of each
/// project's `.env` (later files override earlier ones, as in `docker compose`). A file that
/// cannot be read is an error diagnostic, and the scan goes on without it.
pub fn scan_with_env_files(
    root: &Path,
    compose_files: &[String],
    env_files: &[PathBuf],
) -> Outcome {
    let mut loader = Loader::new(root);
    let mut problems = Vec::new();
    if !env_files.is_empty() {
        let mut vars = interpolate::Vars::default();
        for path in env_files {
            let name = path.display().to_string();
            match std::fs::read_to_string(path) {
                Ok(text) => envfile::load_into(&mut vars, &name, &text),
                Err(e) => problems.push(Diagnostic::error(
                    name,
                    format!("cannot read --env-file: {e}"),
                )),
            }
        }
        loader.env_override = Some(std::rc::Rc::new(vars));
    }
    let mut out = run(loader, compose_files);
    out.diagnostics.extend(problems);
    out
}

/// `scan` over in-memory files (relative path to text) instead of a directory: for fuzzing and
/// tests. Gitignore files do not apply.
pub fn scan_files(files: &[(String, String)]) -> Outcome {
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    run(Loader::in_memory(files.iter().cloned().collect()), &names)
}

fn run(mut loader: Loader, compose_files: &[String]) -> Outcome {
    let mut projects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in compose_files.iter().filter(|f| is_compose_file(f)) {
        let f = f.trim_start_matches("./").to_string();
        projects.entry(dir_of(&f).to_string()).or_default().push(f);
    }
    let mut agg = Aggregator::default();
    for (dir, files) in &projects {
        scan_project(&mut loader, &mut agg, dir, files);
    }
    for p in std::mem::take(&mut loader.problems) {
        let hit = yaml_hit(p);
        let file = hit.loc.file.to_string();
        agg.add(hit, &file, &[]);
    }
    let findings = agg.finish(&mut |rel| {
        loader
            .read(rel)
            .map(|t| t.lines().map(str::to_string).collect())
    });
    Outcome {
        findings,
        diagnostics: loader.diags,
    }
}

fn scan_project(loader: &mut Loader, agg: &mut Aggregator, dir: &str, files: &[String]) {
    let sets = load::sets(files);
    let has_prod = sets.iter().any(|s| s.production);
    for set in &sets {
        let hits = scan_set(loader, set);
        agg.add_set(hits, &set.name, &set.files, set.production, has_prod);
    }
    for hit in env_file_hits(loader, dir) {
        let file = hit.loc.file.to_string();
        agg.add(hit, &file, &[]);
    }
}

fn scan_set(loader: &mut Loader, set: &SetSpec) -> Vec<Hit> {
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

/// DC013/DC014 over the env files of a project that are in scope.
fn env_file_hits(loader: &mut Loader, dir: &str) -> Vec<Hit> {
    let mut candidates: Vec<String> = loader
        .env_files
        .iter()
        .filter(|f| dir_of(f) == dir)
        .cloned()
        .collect();
    for name in loader.list_dir(dir) {
        if name == ".env" || name.starts_with(".env.") {
            candidates.push(load::rel_join(dir, &name).unwrap_or(name));
        }
    }
    candidates.sort();
    candidates.dedup();
    let mut out = Vec::new();
    for rel in candidates {
        if envfile::is_template(&rel) || loader.git.ignored(&rel) {
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
        profiled: false,
        per_file: true,
    }
}
