//! Whether a package version is affected by an advisory, with OSV evaluation semantics, and
//! which fixed versions would get it out.

use std::cmp::Ordering;

use super::{Advisory, Affected, Event, Range, RangeKind};
use crate::deps::package::{normalize_pypi, Ecosystem};
use crate::deps::version::{self, Version};

/// The entries of `adv` for package `name` in `eco` (PyPI names are compared normalised).
pub fn affected_entries<'a>(
    adv: &'a Advisory,
    eco: Ecosystem,
    name: &str,
) -> impl Iterator<Item = &'a Affected> {
    let name = match eco {
        Ecosystem::PyPI => normalize_pypi(name),
        _ => name.to_string(),
    };
    adv.affected
        .iter()
        .filter(move |a| a.ecosystem == eco && a.name == name)
}

/// Whether `version` is listed in `affected.versions` or falls inside one of its ranges.
pub fn is_affected(affected: &Affected, version: &str) -> bool {
    let version = version.trim();
    if affected.versions.iter().any(|v| v.trim() == version) {
        return true;
    }
    let Ok(parsed) = version::parse(affected.ecosystem, version) else {
        return false;
    };
    let listed = affected
        .versions
        .iter()
        .filter_map(|v| version::parse(affected.ecosystem, v.trim()).ok())
        .any(|v| v == parsed);
    listed
        || affected
            .ranges
            .iter()
            .any(|r| in_range(affected.ecosystem, r, version))
}

/// The `fixed` versions above `version` that are themselves not affected, smallest first.
pub fn fixed_versions(affected: &Affected, version: &str) -> Vec<String> {
    let version = version.trim();
    let mut found: Vec<(Version, String)> = Vec::new();
    for range in &affected.ranges {
        let scheme = scheme(affected.ecosystem, range.kind);
        let Ok(current) = version::parse(scheme, version) else {
            continue;
        };
        for event in &range.events {
            let Event::Fixed(fixed) = event else { continue };
            let Ok(parsed) = version::parse(scheme, fixed.trim()) else {
                continue;
            };
            if parsed.partial_cmp(&current) == Some(Ordering::Greater)
                && !found.iter().any(|(v, _)| *v == parsed)
                && !is_affected(affected, fixed)
            {
                found.push((parsed, fixed.trim().to_string()));
            }
        }
    }
    found.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
    found.into_iter().map(|(_, s)| s).collect()
}

/// `SEMVER` ranges always use SemVer, `ECOSYSTEM` ranges the package's own scheme.
fn scheme(ecosystem: Ecosystem, kind: RangeKind) -> Ecosystem {
    match kind {
        RangeKind::Semver => Ecosystem::Npm,
        RangeKind::Ecosystem => ecosystem,
    }
}

/// An event's position; `introduced: "0"` is below everything without being compared, because
/// in PEP 440 `0` sorts above `0.0.dev0`.
#[derive(Debug, Clone, PartialEq)]
enum Point {
    Zero,
    At(Version),
}

impl Point {
    fn cmp_version(&self, v: &Version) -> Option<Ordering> {
        match self {
            Point::Zero => Some(Ordering::Less),
            Point::At(p) => p.partial_cmp(v),
        }
    }

    fn order(&self, other: &Point) -> Ordering {
        match (self, other) {
            (Point::Zero, Point::Zero) => Ordering::Equal,
            (Point::Zero, _) => Ordering::Less,
            (_, Point::Zero) => Ordering::Greater,
            (Point::At(a), Point::At(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        }
    }
}

fn in_range(ecosystem: Ecosystem, range: &Range, version: &str) -> bool {
    let scheme = scheme(ecosystem, range.kind);
    let Ok(v) = version::parse(scheme, version) else {
        return false;
    };
    let mut events: Vec<(Point, &Event)> = range
        .events
        .iter()
        .filter_map(|e| point(scheme, e).map(|p| (p, e)))
        .collect();
    // Stable, so events at the same version keep the record's order.
    events.sort_by(|a, b| a.0.order(&b.0));
    let at_or_below =
        |p: &Point| matches!(p.cmp_version(&v), Some(Ordering::Less | Ordering::Equal));
    if events
        .iter()
        .any(|(p, e)| matches!(e, Event::Limit(_)) && at_or_below(p))
    {
        return false;
    }
    let mut affected = false;
    for (p, event) in &events {
        match event {
            Event::Introduced(_) if at_or_below(p) => affected = true,
            Event::Fixed(_) if at_or_below(p) => affected = false,
            Event::LastAffected(_) if p.cmp_version(&v) == Some(Ordering::Less) => affected = false,
            _ => {}
        }
    }
    affected
}

/// The event's version in `scheme`; `None` when it does not parse (the event is skipped).
fn point(scheme: Ecosystem, event: &Event) -> Option<Point> {
    let text = match event {
        Event::Introduced(t) => {
            if t.trim() == "0" {
                return Some(Point::Zero);
            }
            t
        }
        Event::Fixed(t) | Event::LastAffected(t) | Event::Limit(t) => t,
    };
    version::parse(scheme, text.trim()).ok().map(Point::At)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, v: &str) -> Event {
        let v = v.to_string();
        match kind {
            "i" => Event::Introduced(v),
            "f" => Event::Fixed(v),
            "l" => Event::LastAffected(v),
            _ => Event::Limit(v),
        }
    }

    fn entry(eco: Ecosystem, kind: RangeKind, ranges: &[&[(&str, &str)]]) -> Affected {
        Affected {
            ecosystem: eco,
            name: "pkg".into(),
            ranges: ranges
                .iter()
                .map(|r| Range {
                    kind,
                    events: r.iter().map(|(k, v)| ev(k, v)).collect(),
                })
                .collect(),
            versions: vec![],
        }
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "0"), ("f", "4.17.21")]],
        );
        assert!(is_affected(&a, "0.0.0"));
        assert!(is_affected(&a, "4.17.20"));
        assert!(is_affected(&a, "4.17.21-rc.1"));
        assert!(!is_affected(&a, "4.17.21"));
        assert!(!is_affected(&a, "5.0.0"));
        assert_eq!(fixed_versions(&a, "4.17.20"), vec!["4.17.21"]);
        assert!(fixed_versions(&a, "4.17.21").is_empty());
    }

    #[test]
    fn introduced_zero_is_below_pep440_dev_releases() {
        let a = entry(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "0"), ("f", "1.0")]],
        );
        assert!(is_affected(&a, "0.0.dev0"));
        assert!(is_affected(&a, "1.0rc1"));
        assert!(is_affected(&a, "1.0.dev0"));
        assert!(!is_affected(&a, "1.0"));
        assert!(!is_affected(&a, "1.0.0"));
        assert!(!is_affected(&a, "1.0.post1"));
        assert!(!is_affected(&a, "1.0+local"));
    }

    #[test]
    fn multiple_ranges() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Ecosystem,
            &[
                &[("i", "7.0.0"), ("f", "7.5.2")],
                &[("i", "0"), ("f", "5.7.2")],
                &[("i", "6.0.0"), ("f", "6.3.1")],
            ],
        );
        assert!(is_affected(&a, "5.7.1"));
        assert!(!is_affected(&a, "5.7.2"));
        assert!(is_affected(&a, "6.0.0"));
        assert!(!is_affected(&a, "6.3.1"));
        assert!(is_affected(&a, "7.5.1"));
        assert!(!is_affected(&a, "7.5.2"));
        assert_eq!(fixed_versions(&a, "5.0.0"), vec!["5.7.2", "6.3.1", "7.5.2"]);
        assert_eq!(fixed_versions(&a, "7.1.0"), vec!["7.5.2"]);
    }

    #[test]
    fn several_events_in_one_range() {
        let a = entry(
            Ecosystem::CratesIo,
            RangeKind::Semver,
            &[&[
                ("i", "0.1.14"),
                ("f", "1.8.4"),
                ("i", "1.9.0"),
                ("f", "1.13.1"),
            ]],
        );
        assert!(!is_affected(&a, "0.1.13"));
        assert!(is_affected(&a, "1.8.3"));
        assert!(!is_affected(&a, "1.8.5"));
        assert!(is_affected(&a, "1.9.0"));
        assert!(!is_affected(&a, "1.13.1"));
        assert_eq!(fixed_versions(&a, "1.0.0"), vec!["1.8.4", "1.13.1"]);
        assert_eq!(fixed_versions(&a, "1.10.0"), vec!["1.13.1"]);
    }

    #[test]
    fn unordered_events_are_sorted() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("f", "1.13.1"), ("i", "1.9.0"), ("f", "1.8.4"), ("i", "0")]],
        );
        assert!(is_affected(&a, "1.0.0"));
        assert!(!is_affected(&a, "1.8.4"));
        assert!(is_affected(&a, "1.10.0"));
        assert!(!is_affected(&a, "2.0.0"));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "1.0.0"), ("l", "1.2.3")]],
        );
        assert!(!is_affected(&a, "0.9.0"));
        assert!(is_affected(&a, "1.2.3"));
        assert!(!is_affected(&a, "1.2.4"));
        assert!(fixed_versions(&a, "1.0.0").is_empty());
    }

    #[test]
    fn limit_bounds_the_range() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "1.0.0"), ("limit", "2.0.0")]],
        );
        assert!(is_affected(&a, "1.5.0"));
        assert!(!is_affected(&a, "2.0.0"));
        assert!(!is_affected(&a, "3.0.0"));
    }

    #[test]
    fn introduced_only_affects_everything_after() {
        let a = entry(Ecosystem::PyPI, RangeKind::Ecosystem, &[&[("i", "1!1.0")]]);
        assert!(!is_affected(&a, "2.0"));
        assert!(is_affected(&a, "1!1.0"));
        assert!(!is_affected(&a, "1!0.5"));
        assert!(fixed_versions(&a, "1!1.0").is_empty());
    }

    #[test]
    fn pep440_epochs_post_and_local() {
        let a = entry(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "1.0"), ("f", "1.0.post1")]],
        );
        assert!(is_affected(&a, "1.0"));
        assert!(is_affected(&a, "1.0+local"));
        assert!(!is_affected(&a, "1.0.post1"));
        assert!(!is_affected(&a, "1.0rc1"));
        assert!(!is_affected(&a, "1!0.1"));
        let e = entry(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "0"), ("f", "1!1.0")]],
        );
        assert!(is_affected(&e, "99.0"));
        assert!(!is_affected(&e, "1!1.0"));
        assert_eq!(fixed_versions(&e, "2.0"), vec!["1!1.0"]);
    }

    #[test]
    fn npm_prereleases() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "1.0.0-beta"), ("f", "1.0.0")]],
        );
        assert!(!is_affected(&a, "1.0.0-alpha"));
        assert!(is_affected(&a, "1.0.0-beta"));
        assert!(is_affected(&a, "1.0.0-rc.1"));
        assert!(!is_affected(&a, "1.0.0"));
    }

    #[test]
    fn semver_ranges_use_semver_even_on_pypi() {
        // `1.0.0-1` is a SemVer pre-release below 1.0.0, but a PEP 440 post-release above it.
        let a = entry(
            Ecosystem::PyPI,
            RangeKind::Semver,
            &[&[("i", "0"), ("f", "1.0.0")]],
        );
        assert!(is_affected(&a, "1.0.0-1"));
        let b = entry(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[&[("i", "0"), ("f", "1.0.0")]],
        );
        assert!(!is_affected(&b, "1.0.0-1"));
    }

    #[test]
    fn versions_list() {
        let mut a = entry(Ecosystem::PyPI, RangeKind::Ecosystem, &[]);
        a.versions = vec!["1.0".into(), "2.0.0".into(), "weird-tag".into()];
        assert!(is_affected(&a, "1.0"));
        assert!(is_affected(&a, "1.0.0"));
        assert!(is_affected(&a, "2.0"));
        assert!(is_affected(&a, "weird-tag"));
        assert!(!is_affected(&a, "1.1"));
        assert!(fixed_versions(&a, "1.0").is_empty());
    }

    #[test]
    fn unparsable_versions() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[&[("i", "0"), ("f", "not.a.version"), ("f", "2.0.0")]],
        );
        assert!(is_affected(&a, "1.5.0"));
        assert!(!is_affected(&a, "2.0.0"));
        assert!(!is_affected(&a, "garbage"));
        assert!(!is_affected(&a, ""));
        assert!(fixed_versions(&a, "garbage").is_empty());
        assert_eq!(fixed_versions(&a, "1.0.0"), vec!["2.0.0"]);
    }

    #[test]
    fn fixes_inside_another_range_are_not_offered() {
        let a = entry(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[
                &[("i", "0"), ("f", "1.2.0")],
                &[("i", "1.1.0"), ("f", "1.3.0")],
            ],
        );
        assert_eq!(fixed_versions(&a, "1.0.0"), vec!["1.3.0"]);
    }

    #[test]
    fn entries_by_package() {
        let adv = Advisory {
            id: "X".into(),
            aliases: vec![],
            summary: String::new(),
            kind: super::super::AdvisoryKind::Vulnerability,
            severity: crate::finding::Severity::Medium,
            severity_defaulted: true,
            cvss: None,
            url: None,
            published: None,
            modified: None,
            withdrawn: false,
            affected: vec![
                Affected {
                    name: "zope-interface".into(),
                    ..entry(Ecosystem::PyPI, RangeKind::Ecosystem, &[])
                },
                entry(Ecosystem::Npm, RangeKind::Semver, &[]),
            ],
        };
        assert_eq!(
            affected_entries(&adv, Ecosystem::PyPI, "Zope.Interface").count(),
            1
        );
        assert_eq!(affected_entries(&adv, Ecosystem::Npm, "pkg").count(), 1);
        assert_eq!(
            affected_entries(&adv, Ecosystem::CratesIo, "pkg").count(),
            0
        );
    }
}
