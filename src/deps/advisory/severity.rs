//! CVSS vectors to scores, and scores or database labels to preflight's [`Severity`].

use super::Cvss;
use crate::finding::Severity;

/// Parses a CVSS v3.0, v3.1 or v4.0 vector and computes its base score; `None` for anything
/// else (v2 vectors, unknown versions, malformed metrics).
pub fn from_vector(v: &str) -> Option<Cvss> {
    let v = v.trim();
    // v2 vectors have no prefix and scores that are not comparable with v3/v4 ones.
    if !(v.starts_with("CVSS:3.0/") || v.starts_with("CVSS:3.1/") || v.starts_with("CVSS:4.0/")) {
        return None;
    }
    let parsed: cvss::Cvss = v.parse().ok()?;
    let score = parsed.score();
    if !score.is_finite() || !(0.0..=10.0).contains(&score) {
        return None;
    }
    Some(Cvss {
        vector: v.to_string(),
        score,
    })
}

/// The CVSS qualitative rating of a base score (0 is `Info`, 9.0 and above `Critical`).
pub fn from_score(score: f64) -> Severity {
    // Scores are given to one decimal; compare against the scale's lower bounds.
    if score.is_nan() || score < 0.05 {
        Severity::Info
    } else if score < 4.0 {
        Severity::Low
    } else if score < 7.0 {
        Severity::Medium
    } else if score < 9.0 {
        Severity::High
    } else {
        Severity::Critical
    }
}

/// A database's own severity label (GHSA's `MODERATE`, `HIGH`, ...), case-insensitive.
pub fn from_label(label: &str) -> Option<Severity> {
    match label.trim().to_ascii_lowercase().as_str() {
        "informational" | "info" | "none" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "moderate" | "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_vectors_score() {
        let c = from_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").expect("v3.1");
        assert_eq!(c.score, 9.8);
        let c = from_vector("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H").expect("v3.1");
        assert_eq!(c.score, 7.2);
        let c = from_vector("CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H").expect("v3.0");
        assert_eq!(c.score, 6.2);
    }

    #[test]
    fn v4_vector_scores() {
        let c = from_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
            .expect("v4");
        assert_eq!(c.score, 9.3);
    }

    #[test]
    fn bad_vectors_are_none() {
        assert_eq!(from_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P"), None);
        assert_eq!(from_vector("CVSS:3.1/AV:X"), None);
        assert_eq!(from_vector("CVSS:5.0/AV:N"), None);
        assert_eq!(from_vector(""), None);
        assert_eq!(from_vector("CVSS:3.1/"), None);
    }

    #[test]
    fn qualitative_scale() {
        assert_eq!(from_score(0.0), Severity::Info);
        assert_eq!(from_score(0.1), Severity::Low);
        assert_eq!(from_score(3.9), Severity::Low);
        assert_eq!(from_score(4.0), Severity::Medium);
        assert_eq!(from_score(6.9), Severity::Medium);
        assert_eq!(from_score(7.0), Severity::High);
        assert_eq!(from_score(8.9), Severity::High);
        assert_eq!(from_score(9.0), Severity::Critical);
        assert_eq!(from_score(10.0), Severity::Critical);
        assert_eq!(from_score(f64::NAN), Severity::Info);
    }

    #[test]
    fn labels() {
        assert_eq!(from_label("MODERATE"), Some(Severity::Medium));
        assert_eq!(from_label("medium"), Some(Severity::Medium));
        assert_eq!(from_label("High"), Some(Severity::High));
        assert_eq!(from_label("CRITICAL"), Some(Severity::Critical));
        assert_eq!(from_label("low"), Some(Severity::Low));
        assert_eq!(from_label("none"), Some(Severity::Info));
        assert_eq!(from_label("Informational"), Some(Severity::Info));
        assert_eq!(from_label("severe"), None);
    }
}
