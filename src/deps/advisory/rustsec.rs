//! RustSec advisories (`crates/<crate>/RUSTSEC-*.md`: a TOML front matter block and a Markdown
//! body), read with the `rustsec` crate's own parser and mapped onto an [`Advisory`].

use super::{severity, Advisory, AdvisoryKind, Affected, Cvss, Event, Range, RangeKind};
use crate::deps::package::Ecosystem;
use crate::finding::Severity;

/// Parses one RustSec advisory file.
pub fn parse(text: &str) -> Result<Advisory, String> {
    // The rustsec parser quotes the first 20 bytes of a file that does not open with the front
    // matter, slicing inside a multi-byte character when one sits there (found by fuzzing):
    // refuse such files before it sees them.
    if !text.starts_with("```toml") {
        return Err("not a RustSec advisory: it does not start with a ```toml front matter".into());
    }
    let adv: rustsec::Advisory = text
        .parse()
        .map_err(|e| format!("not a RustSec advisory: {e}"))?;
    let meta = &adv.metadata;
    let id = meta.id.as_str().to_string();
    let kind = match &meta.informational {
        None => AdvisoryKind::Vulnerability,
        Some(rustsec::advisory::Informational::Unmaintained) => AdvisoryKind::Unmaintained,
        Some(rustsec::advisory::Informational::Unsound) => AdvisoryKind::Unsound,
        Some(_) => AdvisoryKind::Notice,
    };
    let cvss = meta.cvss.as_ref().and_then(|c| {
        // Re-scoring through `from_vector` keeps one scoring path for every database.
        severity::from_vector(&c.to_string()).or_else(|| {
            Some(Cvss {
                vector: c.to_string(),
                score: c.score(),
            })
        })
    });
    let severity = match (&cvss, kind.is_informational()) {
        (_, true) => Severity::Info,
        (Some(c), false) => severity::from_score(c.score),
        (None, false) => Severity::Medium,
    };
    let url = meta
        .url
        .as_ref()
        .map(|u| u.to_string())
        .unwrap_or_else(|| format!("https://rustsec.org/advisories/{id}.html"));
    let mut aliases: Vec<String> = Vec::new();
    for alias in &meta.aliases {
        let alias = alias.as_str().to_string();
        if alias != id && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }
    let affected = Affected {
        ecosystem: Ecosystem::CratesIo,
        name: meta.package.as_str().to_string(),
        ranges: ranges(&adv.versions),
        versions: Vec::new(),
    };
    Ok(Advisory {
        id,
        aliases,
        summary: adv.title().trim().to_string(),
        kind,
        severity,
        severity_defaulted: cvss.is_none() && !kind.is_informational(),
        cvss,
        url: Some(url),
        published: Some(meta.date.as_str().to_string()),
        modified: None,
        withdrawn: meta.withdrawn.is_some(),
        affected: vec![affected],
    })
}

/// RustSec stores what is *not* affected (patched, unaffected); the crate turns that into
/// affected `[introduced, fixed)` intervals, one OSV range each.
fn ranges(versions: &rustsec::advisory::Versions) -> Vec<Range> {
    rustsec::osv::ranges_for_advisory(versions)
        .into_iter()
        .map(|r| {
            let introduced = r
                .introduced
                .map_or_else(|| "0".to_string(), |v| v.to_string());
            let mut events = vec![Event::Introduced(introduced)];
            if let Some(fixed) = r.fixed {
                events.push(Event::Fixed(fixed.to_string()));
            }
            Range {
                kind: RangeKind::Semver,
                events,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2024-9999\"\npackage = \"demo\"\n\
        date = \"2024-01-02\"\n\n[versions]\npatched = [\">= 1.2.0\"]\n```\n\n# Demo problem\n\nBody.\n";

    #[test]
    fn minimal_advisory() {
        let adv = parse(MINIMAL).expect("parses");
        assert_eq!(adv.id, "RUSTSEC-2024-9999");
        assert_eq!(adv.summary, "Demo problem");
        assert_eq!(adv.severity, Severity::Medium);
        assert_eq!(
            adv.url.as_deref(),
            Some("https://rustsec.org/advisories/RUSTSEC-2024-9999.html")
        );
        assert_eq!(adv.published.as_deref(), Some("2024-01-02"));
        assert_eq!(
            adv.affected[0].ranges,
            vec![Range {
                kind: RangeKind::Semver,
                events: vec![Event::Introduced("0".into()), Event::Fixed("1.2.0".into())]
            }]
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("").is_err());
        assert!(parse("# just markdown").is_err());
        assert!(parse("```toml\n[advisory]\nid = 3\n```\n# t\n").is_err());
        assert!(parse(&MINIMAL.replace(">= 1.2.0", "not a req")).is_err());
        // A multi-byte character across byte 20 of a file without front matter (fuzzing).
        assert!(parse("\u{2}```t\u{1}%ideoml\n\u{1}id#\u{2}`\u{f85f}toml\n").is_err());
    }
}
