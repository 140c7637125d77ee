//! OSV schema records (<https://ossf.github.io/osv-schema/>), as JSON or as the YAML the PyPA
//! advisory database publishes, normalised into an [`Advisory`].

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::{severity, Advisory, AdvisoryKind, Affected, Cvss, Event, Range, RangeKind};
use crate::deps::package::{normalize_pypi, Ecosystem};
use crate::finding::Severity;

/// Summaries longer than this (in characters) are cut, so one line stays one line.
const SUMMARY_MAX: usize = 200;

/// Parses one OSV record in JSON.
pub fn parse_json(bytes: &[u8]) -> Result<Advisory, String> {
    let record: Record =
        serde_json::from_slice(bytes).map_err(|e| format!("not an OSV JSON record: {e}"))?;
    record.into_advisory()
}

/// Parses one OSV record in YAML (one document).
pub fn parse_yaml(text: &str) -> Result<Advisory, String> {
    let value = yaml_to_json(text)?;
    let record: Record =
        serde_json::from_value(value).map_err(|e| format!("not an OSV YAML record: {e}"))?;
    record.into_advisory()
}

/// Loads the first YAML document as JSON. Scalars are read without type resolution, so a
/// version written `1.10` stays the string "1.10" rather than becoming the float 1.1.
fn yaml_to_json(text: &str) -> Result<Value, String> {
    use saphyr::{Yaml, YamlLoader};
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, Yaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    parser
        .load(&mut loader, true)
        .map_err(|e| format!("invalid YAML: {e}"))?;
    if let Some(e) = loader.error() {
        return Err(format!("invalid YAML: {e}"));
    }
    let docs = loader.into_documents();
    let doc = docs.first().ok_or("empty YAML document")?;
    yaml_value(doc, 0)
}

/// Nesting deeper than this is not an OSV record; refusing it keeps recursion bounded.
const MAX_DEPTH: usize = 64;

fn yaml_value(node: &saphyr::Yaml<'_>, depth: usize) -> Result<Value, String> {
    use saphyr::{Scalar, Yaml};
    if depth > MAX_DEPTH {
        return Err("YAML nested too deeply".to_string());
    }
    Ok(match node {
        Yaml::Representation(text, style, _) => plain_scalar(text, *style),
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::String(i.to_string()),
        Yaml::Value(Scalar::FloatingPoint(f)) => Value::String(f.to_string()),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| yaml_value(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match yaml_value(k, depth + 1)? {
                    Value::String(s) => s,
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_string(),
                    _ => return Err("YAML mapping key is not a scalar".to_string()),
                };
                out.insert(key, yaml_value(v, depth + 1)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(_, inner) => yaml_value(inner, depth + 1)?,
        Yaml::Alias(_) => return Err("YAML aliases are not supported".to_string()),
        Yaml::BadValue => return Err("invalid YAML value".to_string()),
    })
}

/// Plain scalars keep their text except the core-schema null and booleans; everything the
/// OSV schema defines as a number-looking field is a string anyway.
fn plain_scalar(text: &str, style: saphyr::ScalarStyle) -> Value {
    if style != saphyr::ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

/// `null` where the schema has an array or object means "none" in practice.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    affected: Vec<AffectedRecord>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<Reference>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct SeverityEntry {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct AffectedRecord {
    #[serde(default)]
    package: Option<PackageRecord>,
    #[serde(default, deserialize_with = "nullable")]
    severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    ranges: Vec<RangeRecord>,
    #[serde(default, deserialize_with = "nullable")]
    versions: Vec<String>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct PackageRecord {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RangeRecord {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    events: Vec<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    url: String,
}

impl Record {
    fn into_advisory(self) -> Result<Advisory, String> {
        let id = self.id.trim().to_string();
        if id.is_empty() {
            return Err("OSV record has an empty id".to_string());
        }
        let kind = self.kind(&id);
        let cvss = self.best_cvss();
        let severity = self.severity_for(kind, cvss.as_ref());
        let severity_defaulted = cvss.is_none()
            && matches!(kind, AdvisoryKind::Vulnerability)
            && !self.has_severity_label();
        let url = self.url(&id);
        let summary = summary(self.summary.as_deref(), self.details.as_deref());
        let mut aliases: Vec<String> = Vec::new();
        for alias in self.aliases {
            let alias = alias.trim().to_string();
            if !alias.is_empty() && alias != id && !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        let affected = self.affected.iter().filter_map(convert_affected).collect();
        Ok(Advisory {
            id,
            aliases,
            summary,
            kind,
            severity,
            severity_defaulted,
            cvss,
            url,
            published: self.published,
            modified: self.modified,
            withdrawn: self.withdrawn.is_some_and(|w| !w.is_null()),
            affected,
        })
    }

    fn kind(&self, id: &str) -> AdvisoryKind {
        if id.starts_with("MAL-") {
            return AdvisoryKind::Malicious;
        }
        // RustSec's export puts `informational` on each affected entry; accept the top too.
        let label = std::iter::once(&self.database_specific)
            .chain(self.affected.iter().map(|a| &a.database_specific))
            .find_map(|d| informational_label(d.as_ref()));
        match label.as_deref() {
            None => AdvisoryKind::Vulnerability,
            Some("unmaintained") => AdvisoryKind::Unmaintained,
            Some("unsound") => AdvisoryKind::Unsound,
            Some(_) => AdvisoryKind::Notice,
        }
    }

    fn best_cvss(&self) -> Option<Cvss> {
        self.severity
            .iter()
            .chain(self.affected.iter().flat_map(|a| a.severity.iter()))
            .filter(|s| s.kind == "CVSS_V3" || s.kind == "CVSS_V4")
            .filter_map(|s| severity::from_vector(&s.score))
            .fold(None, |best: Option<Cvss>, c| match best {
                Some(b) if b.score >= c.score => Some(b),
                _ => Some(c),
            })
    }

    fn has_severity_label(&self) -> bool {
        self.database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(Value::as_str)
            .and_then(severity::from_label)
            .is_some()
    }

    fn severity_for(&self, kind: AdvisoryKind, cvss: Option<&Cvss>) -> Severity {
        if kind.is_informational() {
            return Severity::Info;
        }
        if let Some(c) = cvss {
            return severity::from_score(c.score);
        }
        let label = self
            .database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(Value::as_str)
            .and_then(severity::from_label);
        match (label, kind) {
            (Some(s), _) => s,
            (None, AdvisoryKind::Malicious) => Severity::Critical,
            (None, _) => Severity::Medium,
        }
    }

    fn url(&self, id: &str) -> Option<String> {
        let is_page = |r: &&Reference| matches!(r.kind.as_deref(), Some("ADVISORY" | "WEB"));
        self.references
            .iter()
            .filter(is_page)
            .find(|r| r.url.contains(id))
            .or_else(|| {
                self.references
                    .iter()
                    .find(|r| r.kind.as_deref() == Some("ADVISORY"))
            })
            .or_else(|| self.references.first())
            .map(|r| r.url.clone())
    }
}

fn informational_label(db: Option<&Value>) -> Option<String> {
    let value = db?.get("informational")?;
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_ascii_lowercase()),
        _ => None,
    }
}

/// The record's summary, else the first non-empty line of its details, trimmed and capped.
fn summary(summary: Option<&str>, details: Option<&str>) -> String {
    let line = summary
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| details?.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("");
    let first = line.lines().next().unwrap_or("").trim();
    if first.chars().count() > SUMMARY_MAX {
        let cut: String = first.chars().take(SUMMARY_MAX - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        first.to_string()
    }
}

/// Keeps entries in the audited ecosystems; `None` for any other (or package-less) entry.
fn convert_affected(a: &AffectedRecord) -> Option<Affected> {
    let package = a.package.as_ref()?;
    let ecosystem = Ecosystem::from_osv(package.ecosystem.trim())?;
    let name = match ecosystem {
        Ecosystem::PyPI => normalize_pypi(&package.name),
        _ => package.name.trim().to_string(),
    };
    if name.is_empty() {
        return None;
    }
    let ranges = a.ranges.iter().filter_map(convert_range).collect();
    Some(Affected {
        ecosystem,
        name,
        ranges,
        versions: a.versions.clone(),
    })
}

fn convert_range(r: &RangeRecord) -> Option<Range> {
    let kind = match r.kind.as_str() {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        _ => return None,
    };
    let events = r
        .events
        .iter()
        .flat_map(|e| e.iter())
        .filter_map(|(key, value)| {
            let v = value.as_str()?.trim().to_string();
            match key.as_str() {
                "introduced" => Some(Event::Introduced(v)),
                "fixed" => Some(Event::Fixed(v)),
                "last_affected" => Some(Event::LastAffected(v)),
                "limit" => Some(Event::Limit(v)),
                _ => None,
            }
        })
        .collect();
    Some(Range { kind, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_json_record() {
        let adv = parse_json(
            br#"{"id":"GHSA-test-0000-0000","details":"\n  First line here.\nSecond line.",
            "affected":[{"package":{"ecosystem":"npm","name":"left-pad"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]},
                      {"type":"GIT","repo":"x","events":[{"introduced":"abc"}]}]},
            {"package":{"ecosystem":"Maven","name":"x:y"}}]}"#,
        )
        .expect("parses");
        assert_eq!(adv.summary, "First line here.");
        assert_eq!(adv.kind, AdvisoryKind::Vulnerability);
        assert_eq!(adv.severity, Severity::Medium);
        assert_eq!(adv.affected.len(), 1);
        assert_eq!(adv.affected[0].ranges.len(), 1);
        assert_eq!(
            adv.affected[0].ranges[0].events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.3.0".into())]
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse_json(b"").is_err());
        assert!(parse_json(b"[1,2]").is_err());
        assert!(parse_json(br#"{"id":""}"#).is_err());
        assert!(parse_json(b"\xff\xfe").is_err());
        assert!(parse_yaml("").is_err());
        assert!(parse_yaml("- a\n- b").is_err());
        assert!(parse_yaml("id: [unclosed").is_err());
        assert!(parse_yaml("a: &x 1\nb: *x").is_err());
    }

    #[test]
    fn yaml_keeps_version_text() {
        let adv = parse_yaml(
            "id: PYSEC-0000-1\naffected:\n- package:\n    name: Foo_Bar\n    ecosystem: PyPI\n  \
             ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n    - fixed: 1.10\n  \
             versions:\n  - 1.0\n",
        )
        .expect("parses");
        let a = &adv.affected[0];
        assert_eq!(a.name, "foo-bar");
        assert_eq!(a.versions, vec!["1.0".to_string()]);
        assert_eq!(a.ranges[0].events[1], Event::Fixed("1.10".into()));
    }

    #[test]
    fn summary_is_capped() {
        let long = "x".repeat(500);
        let s = summary(None, Some(&long));
        assert_eq!(s.chars().count(), SUMMARY_MAX);
        assert_eq!(summary(Some("  "), None), "");
    }
}
