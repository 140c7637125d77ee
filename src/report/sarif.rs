//! The SARIF 2.1.0 report, shaped for GitHub code scanning: one run, one rule descriptor per rule
//! that ran, one result per finding, diagnostics as tool execution notifications.
//!
//! Built with serde-sarif's typed structs so that field names and nesting come from the schema.
//! GitHub specifics, per its "SARIF support for code scanning" page: `security-severity` is a
//! string holding a number (and only counts on rules tagged `security`), our line-independent
//! fingerprint goes under `partialFingerprints.primaryLocationLineHash` (the key GitHub reads)
//! so alerts survive line moves, `automationDetails.id` names the analysis so that uploads of
//! different scanner sets do not replace each other, every rule has a `helpUri` ([`help`]), the
//! log stays within the upload limits ([`limits`]), and artifact URIs are relative to
//! `%SRCROOT%`. Git-based scans add `versionControlProvenance` (SARIF §3.14.8) when the repository
//! has a remote, and history findings their commit in the result's property bag.

mod git;
mod help;
mod limits;
#[cfg(test)]
mod limits_tests;

use super::{scrub, secret_text, to_json, RenderOptions};
use crate::catalog::RuleMeta;
use crate::diag::{Diagnostic, Level};
use crate::finding::{Finding, Severity};
use crate::result::{ScanMode, ScanResult};
use git::{provenance_properties, vcs_details};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use std::collections::{BTreeMap, BTreeSet};

/// The `$schema` written into every log.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base every artifact URI is relative to.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our fingerprint in `partialFingerprints`; bump the suffix if its recipe changes.
/// `.preflight-allow` files take the value.
const FINGERPRINT_KEY: &str = "preflight/v1";
/// The one `partialFingerprints` key GitHub reads to follow an alert across commits.
const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// Renders the SARIF log.
pub(super) fn render(result: &ScanResult, opts: &RenderOptions) -> String {
    render_checked(result, opts).0
}

/// Renders the SARIF log within GitHub's upload limits ([`limits`]), with a warning per limit
/// that cost results (also written into the log as tool execution notifications).
pub(super) fn render_checked(
    result: &ScanResult,
    opts: &RenderOptions,
) -> (String, Vec<Diagnostic>) {
    let total = result.findings.len();
    let mut keep = limits::MAX_RESULTS.min(total);
    let mut too_big = false;
    loop {
        let picked = limits::most_severe(&result.findings, keep);
        let findings: Vec<&Finding> = picked.iter().map(|&i| &result.findings[i]).collect();
        let notes = limit_notes(&findings, total, too_big);
        let text = to_json(&log(result, &findings, &notes, opts));
        // Gzip only a log that could be too big: below the limit uncompressed, it fits.
        if keep == 0 || text.len() <= limits::MAX_GZIP_BYTES {
            return (text, notes);
        }
        let gzipped = limits::gzip_len(&text);
        if gzipped <= limits::MAX_GZIP_BYTES {
            return (text, notes);
        }
        too_big = true;
        keep = limits::shrink(keep, gzipped);
    }
}

/// The warnings for what the limits dropped.
fn limit_notes(kept: &[&Finding], total: usize, too_big: bool) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    let dropped = total - kept.len();
    if dropped > 0 {
        let why = if too_big {
            format!(
                "the log would exceed GitHub's upload limit of {} bytes gzipped",
                limits::MAX_GZIP_BYTES
            )
        } else {
            format!(
                "GitHub code scanning accepts at most {} results per run",
                limits::MAX_RESULTS
            )
        };
        notes.push(Diagnostic::general_warning(format!(
            "SARIF: {why}; kept the {} most severe of {total} results and dropped {dropped}",
            kept.len()
        )));
    }
    let cut = kept
        .iter()
        .filter(|f| f.related.len() > limits::MAX_LOCATIONS)
        .count();
    if cut > 0 {
        notes.push(Diagnostic::general_warning(format!(
            "SARIF: {cut} result(s) have more than {} related locations, GitHub's limit per \
             result; only the first {} of each are written",
            limits::MAX_LOCATIONS,
            limits::MAX_LOCATIONS
        )));
    }
    notes
}

fn log(
    result: &ScanResult,
    findings: &[&Finding],
    notes: &[Diagnostic],
    opts: &RenderOptions,
) -> Sarif {
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run(result, findings, notes, opts)])
        .build()
}

fn run(
    result: &ScanResult,
    findings: &[&Finding],
    notes: &[Diagnostic],
    opts: &RenderOptions,
) -> Run {
    let rules = rules_of(result, findings);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let results: Vec<SarifResult> = findings
        .iter()
        .map(|f| {
            let nth = seen.entry(f.fingerprint.as_str()).or_default();
            *nth += 1;
            result_of(f, index.get(f.rule_id.as_str()).copied(), *nth, opts)
        })
        .collect();
    let cvss = cvss_scores(findings);
    let driver = ToolComponent::builder()
        .name("preflight")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(help::PROJECT_URL)
        .rules(
            rules
                .iter()
                .map(|r| descriptor(r, cvss.get(r.id.as_str()).copied()))
                .collect::<Vec<_>>(),
        )
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation(result, notes)])
        .column_kind(json!("unicodeCodePoints"))
        .automation_details(
            RunAutomationDetails::builder()
                .id(automation_id(result))
                .build(),
        )
        .build();
    run.original_uri_base_ids = result.root_uri.as_deref().map(src_root);
    run.version_control_provenance = result
        .vcs
        .as_ref()
        .and_then(|vcs| vcs_details(vcs, opts))
        .map(|details| vec![details]);
    run
}

/// `runs[0].automationDetails.id`: `preflight/<scanners>/` for a tree scan, with the mode after
/// the scanners for history and staged scans. GitHub takes everything before the last `/` as the
/// analysis category, so uploads of different scanner sets or modes in one repository do not
/// replace each other's alerts, while each new upload of the same set replaces the last.
fn automation_id(result: &ScanResult) -> String {
    let scanners = if result.scanners.is_empty() {
        "all".to_owned()
    } else {
        result.scanners.join("+")
    };
    match result.mode {
        ScanMode::Tree => format!("preflight/{scanners}/"),
        ScanMode::History => format!("preflight/{scanners}/history/"),
        ScanMode::Staged => format!("preflight/{scanners}/staged/"),
    }
}

/// `result.rules`, plus a descriptor made from the finding for any rule missing there, so that
/// every result has a `ruleIndex`. Past GitHub's rules-per-run limit, rules no result refers to
/// go first (results are capped at the same number, so the referenced ones always fit).
fn rules_of(result: &ScanResult, findings: &[&Finding]) -> Vec<RuleMeta> {
    let mut rules = result.rules.clone();
    let mut known: BTreeSet<&str> = result.rules.iter().map(|r| r.id.as_str()).collect();
    for f in findings {
        if known.insert(f.rule_id.as_str()) {
            rules.push(RuleMeta {
                id: f.rule_id.clone(),
                category: f.category,
                severity: f.severity,
                title: f.title.clone(),
                help: f.remediation.clone(),
                tags: f.tags.clone(),
            });
        }
    }
    if rules.len() > limits::MAX_RULES {
        let used: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
        let mut spare = limits::MAX_RULES.saturating_sub(used.len());
        rules.retain(|r| {
            let keep = used.contains(r.id.as_str()) || spare > 0;
            if keep && !used.contains(r.id.as_str()) {
                spare -= 1;
            }
            keep
        });
    }
    rules
}

/// The highest CVSS base score among the dependency findings of each rule, in one pass.
fn cvss_scores<'a>(findings: &[&'a Finding]) -> BTreeMap<&'a str, f64> {
    let mut scores: BTreeMap<&str, f64> = BTreeMap::new();
    for f in findings {
        if let Some((_, score)) = f.dependency.as_ref().and_then(|d| d.cvss.as_ref()) {
            let best = scores.entry(f.rule_id.as_str()).or_insert(*score);
            *best = best.max(*score);
        }
    }
    scores
}

fn descriptor(rule: &RuleMeta, cvss: Option<f64>) -> ReportingDescriptor {
    let full = if rule.help.is_empty() {
        rule.title.clone()
    } else {
        format!("{}. {}", rule.title.trim_end_matches('.'), rule.help)
    };
    let uri = help::help_uri(rule);
    let config = ReportingConfiguration::builder()
        .level(json!(level_name(rule.severity)))
        .build();
    ReportingDescriptor::builder()
        .id(rule.id.as_str())
        .name(pascal_case(rule.id.as_str()))
        .short_description(plain(&rule.title))
        .full_description(plain(&full))
        .help(help::help(rule, &uri))
        .help_uri(uri)
        .default_configuration(config)
        .properties(rule_properties(rule, cvss))
        .build()
}

/// `security-severity` is the CVSS base score when there is one, else the severity's score.
fn rule_properties(rule: &RuleMeta, cvss: Option<f64>) -> PropertyBag {
    // SARIF requires tags to be unique; GitHub uses `security-severity` only with `security`.
    let mut tags: Vec<String> = Vec::new();
    for tag in rule.tags.iter().map(String::as_str).chain(["security"]) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > limits::MAX_TAGS {
        // Keep `security` (last), without which GitHub ignores `security-severity`.
        tags.drain(limits::MAX_TAGS - 1..tags.len() - 1);
    }
    let problem = match rule.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    };
    let extra = BTreeMap::from([
        (
            "security-severity".to_owned(),
            json!(format!(
                "{:.1}",
                cvss.unwrap_or_else(|| rule.severity.security_severity())
            )),
        ),
        ("precision".to_owned(), json!("high")),
        ("problem.severity".to_owned(), json!(problem)),
    ]);
    PropertyBag::builder()
        .tags(tags)
        .additional_properties(extra)
        .build()
}

/// One result. `nth` counts the results before it with the same fingerprint (from 1), as
/// GitHub's own `primaryLocationLineHash` values do, so that two copies of one secret in a file
/// stay two alerts.
fn result_of(
    f: &Finding,
    rule_index: Option<usize>,
    nth: usize,
    opts: &RenderOptions,
) -> SarifResult {
    let loc = &f.location;
    let region = Region::builder()
        .start_line(at_least_one(loc.start_line))
        .start_column(at_least_one(loc.start_column))
        .end_line(at_least_one(loc.end_line.max(loc.start_line)))
        .end_column(at_least_one(loc.end_column))
        .build();
    let mut props = BTreeMap::from([
        ("severity".to_owned(), json!(f.severity.as_str())),
        ("category".to_owned(), json!(f.category)),
    ]);
    if let Some(commit) = &loc.commit {
        props.insert("commit".to_owned(), json!(commit));
    }
    if let Some(provenance) = &f.provenance {
        props.extend(provenance_properties(provenance, f, opts));
    }
    if let Some(dep) = &f.dependency {
        props.insert("dependency".to_owned(), json!(dep));
    }
    let mut out = SarifResult::builder()
        .rule_id(f.rule_id.as_str())
        .level(result_level(f.severity))
        .message(Message::builder().text(message_text(f, opts)).build())
        .locations(vec![file_location(&loc.path, Some(region))])
        .partial_fingerprints(BTreeMap::from([
            (
                GITHUB_FINGERPRINT_KEY.to_owned(),
                format!("{}:{nth}", f.fingerprint.as_str()),
            ),
            (
                FINGERPRINT_KEY.to_owned(),
                f.fingerprint.as_str().to_owned(),
            ),
        ]))
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    out.rule_index = rule_index.and_then(|i| i64::try_from(i).ok());
    if !f.related.is_empty() {
        let related = f.related.iter().take(limits::MAX_LOCATIONS).enumerate();
        out.related_locations = Some(related.map(related_location).collect());
    }
    out
}

/// An alias use site or the other file of a merged set, as SARIF `relatedLocations[]`.
fn related_location((i, r): (usize, &crate::finding::Related)) -> Location {
    let loc = &r.location;
    let region = Region::builder()
        .start_line(at_least_one(loc.start_line))
        .start_column(at_least_one(loc.start_column))
        .build();
    let mut out = file_location(&loc.path, Some(region));
    out.id = i64::try_from(i).ok();
    out.message = Some(Message::builder().text(r.message.clone()).build());
    out
}

/// The finding's message (scrubbed), then the secret as the options allow and the commit.
fn message_text(f: &Finding, opts: &RenderOptions) -> String {
    let mut text = scrub(f.message.trim(), f, opts);
    if text.is_empty() {
        text = f.title.clone();
    }
    if let Some(secret) = secret_text(f, opts) {
        text = format!("{} (secret: {secret})", text.trim_end_matches('.'));
    }
    if let Some(commit) = &f.location.commit {
        text.push_str(&format!(" in commit {commit}"));
    }
    text
}

fn invocation(result: &ScanResult, extra: &[Diagnostic]) -> Invocation {
    let notes: Vec<Notification> = result
        .diagnostics
        .iter()
        .chain(extra)
        .map(notification)
        .collect();
    Invocation::builder()
        .execution_successful(!result.has_errors())
        .tool_execution_notifications(notes)
        .build()
}

fn notification(diag: &Diagnostic) -> Notification {
    let level = match diag.level {
        Level::Warning => "warning",
        Level::Error => "error",
    };
    let mut note = Notification::builder()
        .level(json!(level))
        .message(Message::builder().text(diag.message.clone()).build())
        .build();
    note.locations = diag.path.as_deref().map(|p| vec![file_location(p, None)]);
    note
}

fn file_location(path: &str, region: Option<Region>) -> Location {
    let artifact = ArtifactLocation::builder()
        .uri(crate::uri::percent_encode(path))
        .uri_base_id(SRCROOT)
        .build();
    let mut physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    physical.region = region;
    Location::builder().physical_location(physical).build()
}

/// `run.originalUriBaseIds`: `%SRCROOT%` is the scan root, which must end in `/` (SARIF §3.14.14).
fn src_root(root_uri: &str) -> BTreeMap<String, ArtifactLocation> {
    let mut uri = root_uri.to_owned();
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let location = ArtifactLocation::builder().uri(uri).build();
    BTreeMap::from([(SRCROOT.to_owned(), location)])
}

fn result_level(sev: Severity) -> ResultLevel {
    match sev {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// The name of [`result_level`], for `defaultConfiguration.level`.
fn level_name(sev: Severity) -> &'static str {
    match result_level(sev) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

fn plain(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(text).build()
}

fn at_least_one(n: usize) -> i64 {
    i64::try_from(n.max(1)).unwrap_or(i64::MAX)
}

/// `github-pat-classic` → `GithubPatClassic`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
        })
        .collect()
}

/// Validates a SARIF document against the official 2.1.0 schema in `../shared/schemas/`
/// (relative to the crate). `None`, after saying so on stderr, when that file is absent; else
/// every error, empty when the document is valid.
#[cfg(test)]
pub(crate) fn sarif_schema_errors(doc: &serde_json::Value) -> Option<Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skip: ../shared/schemas absent");
        return None;
    };
    let schema: serde_json::Value = match serde_json::from_str(&text) {
        Ok(schema) => schema,
        Err(err) => return Some(vec![format!("{}: {err}", path.display())]),
    };
    // Formats too (`uri`, `date-time`, ...): the schema relies on them.
    let validator = match jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
    {
        Ok(v) => v,
        Err(err) => return Some(vec![format!("schema does not compile: {err}")]),
    };
    Some(
        validator
            .iter_errors(doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
    )
}

#[cfg(test)]
mod tests;
