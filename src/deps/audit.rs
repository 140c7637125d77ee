//! The dependency audit: each registry package of each lockfile, looked up in the index and
//! matched against the advisories that name it. Records of one vulnerability from several
//! databases (GHSA, PYSEC, RUSTSEC, CVE aliases) become one finding.

use crate::day::Day;
use crate::deps::advisory::matcher::{affected_entries, fixed_versions, is_affected};
use crate::deps::advisory::{Advisory, AdvisoryKind, Affected};
use crate::deps::db::index::Index;
use crate::deps::ignore::DepIgnore;
use crate::deps::lockfile::Format;
use crate::deps::package::{Lockfile, Package, Source};
use crate::deps::version;
use crate::diag::Diagnostic;
use crate::finding::{fingerprint, Category, DependencyInfo, Finding, Location, RuleId, Severity};
use std::cmp::Ordering;
use std::sync::Arc;

/// One parsed lockfile.
#[derive(Debug, Clone)]
pub struct LockInput {
    /// Path relative to the scan root.
    pub path: String,
    /// Its format.
    pub format: Format,
    /// What it holds.
    pub lock: Lockfile,
}

/// What the audit found.
#[derive(Debug, Default)]
pub struct AuditOutcome {
    /// One finding per (lockfile, package, vulnerability).
    pub findings: Vec<Finding>,
    /// Problems: unreadable index records, expired ignores.
    pub diagnostics: Vec<Diagnostic>,
    /// Registry packages looked up.
    pub audited: u64,
    /// Findings dropped by `[[deps.ignore]]`.
    pub ignored: u64,
    /// The findings `[[deps.ignore]]` dropped, and those of expired entries (reported again).
    pub suppressed: Vec<crate::result::Suppressed>,
}

/// Audits every registry package of `locks` against `index`.
pub fn audit(
    locks: &[LockInput],
    index: &Index,
    ignores: &[DepIgnore],
    today: Day,
) -> AuditOutcome {
    let mut out = AuditOutcome::default();
    for input in locks {
        for pkg in &input.lock.packages {
            if pkg.source != Source::Registry {
                continue;
            }
            out.audited += 1;
            let advisories = match index.lookup(pkg.ecosystem, &pkg.name) {
                Ok(found) => found,
                Err(message) => {
                    out.diagnostics.push(Diagnostic::general_error(message));
                    continue;
                }
            };
            for group in group_by_alias(matching(pkg, &advisories)) {
                let finding = finding(&input.path, pkg, &group);
                let ids = ids_of(&group);
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                match ignores.iter().find(|i| i.names(&ids)) {
                    Some(ig) if !ig.expired(today) => {
                        out.ignored += 1;
                        out.suppressed.push(suppressed(finding, ig, false));
                    }
                    Some(ig) => {
                        out.suppressed.push(suppressed(finding.clone(), ig, true));
                        out.diagnostics.push(Diagnostic::warning(
                            ig.origin.clone(),
                            format!(
                                "[[deps.ignore]] {} expired on {}; it is reported again",
                                ig.id,
                                ig.until.map(|d| d.to_string()).unwrap_or_default()
                            ),
                        ));
                        out.findings.push(finding);
                    }
                    None => out.findings.push(finding),
                }
            }
        }
    }
    out
}

fn suppressed(finding: Finding, ig: &DepIgnore, expired: bool) -> crate::result::Suppressed {
    crate::result::Suppressed {
        finding,
        by: "deps-ignore",
        reason: Some(ig.reason.clone()),
        until: ig.until.map(|d| d.to_string()),
        expired,
    }
}

/// An advisory that affects a package, and the package's entries in it.
struct Hit<'a> {
    adv: &'a Advisory,
    entries: Vec<&'a Affected>,
}

fn matching<'a>(pkg: &Package, advisories: &'a [Arc<Advisory>]) -> Vec<Hit<'a>> {
    advisories
        .iter()
        .filter(|a| !a.withdrawn)
        .filter_map(|adv| {
            let entries: Vec<&Affected> = affected_entries(adv, pkg.ecosystem, &pkg.name).collect();
            entries
                .iter()
                .any(|e| is_affected(e, &pkg.version))
                .then_some(Hit { adv, entries })
        })
        .collect()
}

/// Splits hits into groups that share an id or alias (transitively).
fn group_by_alias(hits: Vec<Hit<'_>>) -> Vec<Vec<Hit<'_>>> {
    let mut groups: Vec<Vec<Hit>> = Vec::new();
    for hit in hits {
        let ids = ids_of(std::slice::from_ref(&hit));
        let (mut joined, rest): (Vec<Vec<Hit>>, Vec<Vec<Hit>>) = groups
            .into_iter()
            .partition(|g| ids_of(g).iter().any(|id| ids.contains(id)));
        let mut merged: Vec<Hit> = joined.drain(..).flatten().collect();
        merged.push(hit);
        groups = rest;
        groups.push(merged);
    }
    groups
}

fn ids_of(group: &[Hit]) -> Vec<String> {
    let mut ids: Vec<String> = group
        .iter()
        .flat_map(|h| std::iter::once(&h.adv.id).chain(&h.adv.aliases))
        .map(|id| id.to_ascii_uppercase())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Which id a merged finding is reported under: the ecosystem databases' own ids before CVEs.
fn id_rank(id: &str) -> u8 {
    ["RUSTSEC-", "GHSA-", "PYSEC-", "MAL-"]
        .iter()
        .position(|p| id.starts_with(p))
        .map_or(if id.starts_with("CVE-") { 5 } else { 4 }, |i| i as u8)
}

fn finding(lock_path: &str, pkg: &Package, group: &[Hit]) -> Finding {
    let primary = group
        .iter()
        .min_by_key(|h| (id_rank(&h.adv.id), h.adv.id.clone()))
        .map(|h| &h.adv)
        .unwrap_or(&group[0].adv);
    let mut aliases: Vec<String> = group
        .iter()
        .flat_map(|h| std::iter::once(&h.adv.id).chain(&h.adv.aliases))
        .filter(|id| !id.eq_ignore_ascii_case(&primary.id))
        .cloned()
        .collect();
    aliases.sort();
    aliases.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let cvss = group
        .iter()
        .filter_map(|h| h.adv.cvss.as_ref())
        .max_by(|a, b| a.score.partial_cmp(&b.score).unwrap_or(Ordering::Equal));
    let severity = if primary.kind.is_informational() {
        Severity::Info
    } else {
        group
            .iter()
            .map(|h| h.adv.severity)
            .max()
            .unwrap_or(primary.severity)
    };
    // Defaulted only when no record of the group knew better.
    let severity_defaulted = !primary.kind.is_informational()
        && cvss.is_none()
        && group.iter().all(|h| h.adv.severity_defaulted);
    let fixed = smallest_fixes(pkg, group);
    let summary = Some(primary.summary.as_str())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            group
                .iter()
                .map(|h| h.adv.summary.as_str())
                .find(|s| !s.is_empty())
        })
        .unwrap_or("known vulnerability")
        .to_string();
    // The advisory's own page, not the record's first reference (often a commit or an issue).
    let url = Some(crate::uri::advisory_page(&primary.id));
    let relation = if pkg.direct { "direct" } else { "transitive" };
    let rule_id = RuleId::new(primary.id.clone());
    let also = if aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", aliases.join(", "))
    };
    let fix_text = match fixed.first() {
        Some(v) => format!("fixed in {v}"),
        None => "no fixed version".to_string(),
    };
    let via = if pkg.path.len() > 1 {
        format!(", via {}", pkg.path.join(" > "))
    } else {
        String::new()
    };
    let message = if primary.kind.is_informational() {
        format!(
            "{} {} ({relation}{via}) is {} per {}{also}",
            pkg.name,
            pkg.version,
            primary.kind.as_str(),
            primary.id
        )
    } else {
        // Every format shows the message: the defaulted severity is named there once.
        let defaulted = if severity_defaulted {
            "; severity medium by default: the advisory has no CVSS score or severity"
        } else {
            ""
        };
        format!(
            "{} {} ({relation}{via}) is affected by {}{also}; {fix_text}{defaulted}",
            pkg.name, pkg.version, primary.id
        )
    };
    Finding {
        fingerprint: fingerprint(
            &rule_id,
            lock_path,
            &format!("{}:{}@{}", pkg.ecosystem.as_str(), pkg.name, pkg.version),
        ),
        rule_id,
        category: Category::Dependency,
        severity,
        title: summary,
        message,
        location: Location {
            path: lock_path.to_string(),
            start_line: pkg.line.max(1),
            start_column: 1,
            end_line: pkg.line.max(1),
            end_column: 1,
            commit: None,
        },
        evidence: None,
        remediation: remediation(pkg, primary.kind, &fixed),
        tags: vec![
            pkg.ecosystem.as_str().to_string(),
            primary.kind.as_str().to_string(),
            relation.to_string(),
        ],
        provenance: None,
        related: Vec::new(),
        dependency: Some(Box::new(DependencyInfo {
            ecosystem: pkg.ecosystem.as_str().to_string(),
            package: pkg.name.clone(),
            version: pkg.version.clone(),
            direct: pkg.direct,
            path: pkg.path.clone(),
            advisory: primary.id.clone(),
            aliases,
            kind: primary.kind.as_str().to_string(),
            fixed,
            cvss: cvss.map(|c| (c.vector.clone(), c.score)),
            severity_defaulted,
            url,
        })),
    }
}

/// The fixed versions above the pinned one that no record of the group still calls affected,
/// lowest first: the first is the smallest upgrade that fixes the vulnerability.
fn smallest_fixes(pkg: &Package, group: &[Hit]) -> Vec<String> {
    let entries: Vec<&Affected> = group
        .iter()
        .flat_map(|h| h.entries.iter().copied())
        .collect();
    let mut fixes: Vec<String> = entries
        .iter()
        .flat_map(|e| fixed_versions(e, &pkg.version))
        .filter(|v| !entries.iter().any(|e| is_affected(e, v)))
        .collect();
    fixes.sort_by(|a, b| version::compare(pkg.ecosystem, a, b).unwrap_or_else(|| a.cmp(b)));
    fixes.dedup_by(|a, b| version::compare(pkg.ecosystem, a, b) == Some(Ordering::Equal));
    fixes
}

fn remediation(pkg: &Package, kind: AdvisoryKind, fixed: &[String]) -> String {
    match (kind, fixed.first()) {
        (AdvisoryKind::Malicious, _) => format!(
            "Remove {} at once, and treat every machine that installed it as compromised: rotate the credentials it could read.",
            pkg.name
        ),
        (AdvisoryKind::Unmaintained, _) => format!(
            "{} is no longer maintained: plan a move to a maintained alternative.",
            pkg.name
        ),
        (_, Some(v)) => format!("Upgrade {} to {v} or later.", pkg.name),
        (_, None) => format!(
            "No fixed version of {} is published: remove or replace it, or record a [[deps.ignore]] entry with the reason it does not apply.",
            pkg.name
        ),
    }
}
