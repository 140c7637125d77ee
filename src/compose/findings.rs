//! From raw hits of every set to findings: severity lowering (profiles, development context),
//! one finding per `(check, file, line)` with the highest severity, the most specific credential
//! check per line, inline `# preflight:ignore DC0xx` suppressions, and the finding model.

use super::checks::meta::meta;
use super::checks::{dict::entropy, lower, Hit};
use super::yaml::Loc;
use crate::finding::{fingerprint, Category, Evidence, Finding, Location, Related, RuleId, Secret};
use std::collections::{BTreeMap, HashMap};

/// A hit with the set it was found in.
struct Entry {
    hit: Hit,
    set: String,
    set_files: Vec<String>,
}

/// Collects hits across sets.
#[derive(Default)]
pub struct Aggregator {
    by_key: BTreeMap<(String, usize, &'static str), Entry>,
}

impl Aggregator {
    /// Adds the hits of one set, lowering per the catalogue's conventions.
    pub fn add_set(
        &mut self,
        hits: Vec<Hit>,
        set: &str,
        files: &[String],
        production: bool,
        project_has_prod: bool,
    ) {
        for mut h in hits {
            if h.profiled {
                h.severity = lower(h.severity);
            }
            if project_has_prod && !production && !h.per_file {
                h.severity = lower(h.severity);
            }
            self.add(h, set, files);
        }
    }

    /// Adds one hit; the same `(check, file, line)` keeps the highest severity.
    pub fn add(&mut self, hit: Hit, set: &str, files: &[String]) {
        let key = (hit.loc.file.to_string(), hit.loc.line, hit.rule);
        let better = self
            .by_key
            .get(&key)
            .is_none_or(|e| hit.severity > e.hit.severity);
        if better {
            self.by_key.insert(
                key,
                Entry {
                    hit,
                    set: set.to_string(),
                    set_files: files.to_vec(),
                },
            );
        }
    }

    /// Findings, de-duplicated per line and filtered by inline suppressions.
    pub fn finish(self, lines: &mut dyn FnMut(&str) -> Option<Vec<String>>) -> Vec<Finding> {
        let mut best: HashMap<(String, usize), u8> = HashMap::new();
        for e in self.by_key.values() {
            if let Some(rank) = specificity(e.hit.rule) {
                let k = (e.hit.loc.file.to_string(), e.hit.loc.line);
                let r = best.entry(k).or_insert(rank);
                *r = (*r).max(rank);
            }
        }
        let mut cache: HashMap<String, Option<Vec<String>>> = HashMap::new();
        let mut out = Vec::new();
        for e in self.by_key.into_values() {
            let h = &e.hit;
            if let Some(rank) = specificity(h.rule) {
                if e.hit.loc.line > 0
                    && best
                        .get(&(h.loc.file.to_string(), h.loc.line))
                        .is_some_and(|b| *b > rank)
                {
                    continue;
                }
            }
            let file_lines = cache
                .entry(h.loc.file.to_string())
                .or_insert_with(|| lines(&h.loc.file));
            if suppressed(file_lines.as_deref(), h) {
                continue;
            }
            out.push(finding(e));
        }
        out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out
    }
}

/// DC011 > DC010 > DC012 = DC014 > DC020: only the most specific is reported on a line.
fn specificity(rule: &str) -> Option<u8> {
    match rule {
        "DC011" => Some(4),
        "DC010" => Some(3),
        "DC012" | "DC014" => Some(2),
        "DC020" => Some(1),
        _ => None,
    }
}

fn suppressed(lines: Option<&[String]>, h: &Hit) -> bool {
    let Some(lines) = lines else { return false };
    let line = h.loc.line.max(1);
    let says = |n: usize| {
        n >= 1
            && lines.get(n - 1).is_some_and(|l| {
                l.split("preflight:ignore").skip(1).any(|rest| {
                    rest.split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|t| !t.is_empty())
                        .take_while(|t| t.starts_with("DC"))
                        .any(|t| t.eq_ignore_ascii_case(h.rule))
                })
            })
    };
    says(line) || says(line - 1)
}

/// A whole-file finding (line 0) points at the file's first line: locations are 1-based.
fn location(l: &Loc) -> Location {
    Location {
        path: l.file.to_string(),
        start_line: l.line.max(1),
        start_column: l.col.max(1),
        end_line: l.line.max(1),
        end_column: l.col.max(1),
        commit: None,
    }
}

fn finding(e: Entry) -> Finding {
    let Entry {
        hit,
        set,
        set_files,
    } = e;
    let m = meta(hit.rule);
    let rule_id = RuleId::new(hit.rule);
    let mut related: Vec<Related> = hit
        .related
        .iter()
        .map(|(l, msg)| Related {
            location: location(l),
            message: msg.clone(),
        })
        .collect();
    for f in set_files
        .iter()
        .filter(|f| f.as_str() != &*hit.loc.file && !hit.per_file)
    {
        let at = Loc {
            file: f.as_str().into(),
            line: 1,
            col: 1,
        };
        related.push(Related {
            location: location(&at),
            message: format!("also part of compose set {set}"),
        });
    }
    let message = if hit.per_file {
        hit.message.clone()
    } else {
        format!("{} (in compose set {set})", hit.message)
    };
    Finding {
        fingerprint: fingerprint(&rule_id, &hit.loc.file, &hit.identity),
        rule_id,
        category: Category::Config,
        severity: hit.severity,
        title: m.map_or("", |m| m.title).to_string(),
        message,
        location: location(&hit.loc),
        evidence: hit.secret.as_ref().map(|s| Evidence {
            secret: Secret::new(s.clone()),
            entropy: entropy(s),
            decoded: None,
            public: hit.public.clone(),
        }),
        remediation: m.map_or("", |m| m.fix).to_string(),
        tags: m
            .map(|m| m.tags.iter().map(|t| t.to_string()).collect())
            .unwrap_or_default(),
        provenance: None,
        related,
        dependency: None,
    }
}
