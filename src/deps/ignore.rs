//! `[[deps.ignore]]`: advisories a team has decided not to act on, each with a reason and an
//! optional last day. An expired ignore stops suppressing, and the scan says so.

use serde::Deserialize;

/// The `[deps]` section of `.preflight.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// `[[deps.ignore]]`: advisories not to report, each with a reason.
    #[serde(default)]
    pub ignore: Vec<IgnoreDef>,
}

/// One `[[deps.ignore]]` entry, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreDef {
    /// The advisory id or any of its aliases (`GHSA-…`, `CVE-…`, `RUSTSEC-…`).
    pub id: String,
    /// Why it is safe to ignore (required).
    pub reason: Option<String>,
    /// The last day the ignore holds: `"2026-12-31"` or a TOML date.
    pub until: Option<toml::Value>,
}

use crate::day::Day;

/// One ignore, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepIgnore {
    /// The advisory id or alias it names.
    pub id: String,
    /// Why.
    pub reason: String,
    /// The last day it holds.
    pub until: Option<Day>,
    /// The config file it came from (for messages).
    pub origin: String,
}

impl DepIgnore {
    /// Validates a config entry: a reason is required, `until` must be a date.
    pub fn from_def(def: &IgnoreDef, origin: &str) -> Result<DepIgnore, String> {
        let id = def.id.trim();
        if id.is_empty() {
            return Err("[[deps.ignore]]: `id` is empty".into());
        }
        let reason = def
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| format!("[[deps.ignore]] {id}: give a `reason` for ignoring it"))?;
        let until = match &def.until {
            None => None,
            Some(value) => {
                let text = match value {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Datetime(d) => d.to_string(),
                    other => other.to_string(),
                };
                Some(Day::parse(&text).ok_or_else(|| {
                    format!(
                        "[[deps.ignore]] {id}: `until` must be a date like 2026-12-31, not {text}"
                    )
                })?)
            }
        };
        Ok(DepIgnore {
            id: id.to_string(),
            reason: reason.to_string(),
            until,
            origin: origin.to_string(),
        })
    }

    /// Whether it names one of `ids` (case-insensitively, as ids are written both ways).
    pub fn names(&self, ids: &[&str]) -> bool {
        ids.iter().any(|id| id.eq_ignore_ascii_case(&self.id))
    }

    /// Whether it has expired by `today` (it holds through its `until` day).
    pub fn expired(&self, today: Day) -> bool {
        self.until.is_some_and(|u| u < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(id: &str, reason: Option<&str>, until: Option<toml::Value>) -> IgnoreDef {
        IgnoreDef {
            id: id.into(),
            reason: reason.map(Into::into),
            until,
        }
    }

    #[test]
    fn ignores_need_reasons_and_dates() {
        let err = DepIgnore::from_def(&def("GHSA-x", None, None), "c").expect_err("no reason");
        assert!(err.contains("reason"), "{err}");
        let bad = def(
            "GHSA-x",
            Some("r"),
            Some(toml::Value::String("next week".into())),
        );
        assert!(DepIgnore::from_def(&bad, "c").is_err());
        let date: toml::value::Datetime = "2026-12-31".parse().expect("date");
        let ok = DepIgnore::from_def(
            &def("GHSA-x", Some("r"), Some(toml::Value::Datetime(date))),
            "c",
        )
        .expect("valid");
        let last = Day::parse("2026-12-31").expect("day");
        assert!(!ok.expired(last));
        assert!(ok.expired(Day::parse("2027-01-01").expect("day")));
        assert!(ok.names(&["CVE-1", "ghsa-X"]));
    }
}
