//! `[[deps.ignore]]`: advisories a team has decided not to act on, each with a reason and an
//! optional last day. An expired ignore stops suppressing, and the scan says so.

use crate::secrets::toml::DepsIgnoreDef;
use std::fmt;

/// A calendar day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day of the month, 1-31.
    pub day: u32,
}

impl Day {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Day { year, month, day })
    }

    /// Today, in UTC.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Day::from_unix_days((secs / 86_400) as i64)
    }

    /// The civil date of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_unix_days(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

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
    pub fn from_def(def: &DepsIgnoreDef, origin: &str) -> Result<DepIgnore, String> {
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

    fn def(id: &str, reason: Option<&str>, until: Option<toml::Value>) -> DepsIgnoreDef {
        DepsIgnoreDef {
            id: id.into(),
            reason: reason.map(Into::into),
            until,
        }
    }

    #[test]
    fn days_parse_and_count() {
        assert_eq!(Day::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Day::from_unix_days(20_788).to_string(), "2026-12-01");
        assert_eq!(Day::from_unix_days(11_016).to_string(), "2000-02-29");
        assert!(Day::parse("2026-02-29").is_none());
        assert!(Day::parse("2024-02-29").is_some());
        assert!(Day::parse("2026-13-01").is_none());
        assert!(Day::parse("soon").is_none());
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
