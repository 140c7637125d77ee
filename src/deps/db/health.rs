//! Whether an index is fit to audit with (issue 12 item 4): a rebuild that would replace the
//! current index by a worse one is refused, and `db status` warns about an empty or partial one.
//!
//! The rules, on the per-ecosystem record counts in `meta.json`:
//! - a new index with no advisories at all is refused, whatever the current one holds;
//! - a new index with under half as many advisories for an ecosystem as the current index
//!   holds is refused (a truncated download or a wrong directory, not upstream churn, which
//!   only ever adds or withdraws a few records);
//! - an index is partial when a source meant to cover an ecosystem (an OSV archive, the
//!   RustSec repository) left that ecosystem with no records.

use super::index::Meta;

/// Why `new` must not replace `current` (`None` when there is no usable current index), or
/// `None` when it may. The reason names the sources that should have provided the records.
pub fn refusal(current: Option<&Meta>, new: &Meta) -> Option<String> {
    if new.records == 0 {
        return Some(format!("no advisories in {}", origins(new, None)));
    }
    let current = current?;
    let drops: Vec<String> = current
        .per_ecosystem
        .iter()
        .filter_map(|(eco, &had)| {
            let now = new.per_ecosystem.get(eco).copied().unwrap_or(0);
            (now.saturating_mul(2) < had).then(|| {
                format!(
                    "{eco} would fall from {had} to {now} advisories (under half) with {}",
                    origins(new, Some(eco))
                )
            })
        })
        .collect();
    (!drops.is_empty()).then(|| drops.join("; "))
}

/// What makes `meta`'s index unfit for a gate: empty, or an ecosystem its sources cover with
/// no records. Empty when it is fine.
pub fn warnings(meta: &Meta) -> Vec<String> {
    if meta.records == 0 {
        return vec![
            "the advisory index is empty: a scan would report no vulnerable dependencies; \
             rebuild it with `preflight db update`"
                .to_string(),
        ];
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for source in &meta.sources {
        let Some(eco) = source.covers.as_deref() else {
            continue;
        };
        if seen.contains(&eco) || meta.per_ecosystem.get(eco).copied().unwrap_or(0) > 0 {
            continue;
        }
        seen.push(eco);
        out.push(format!(
            "the advisory index is partial: no {eco} advisories, although {} covers {eco}; \
             {eco} dependencies go unaudited until `preflight db update` succeeds",
            origins(meta, Some(eco))
        ));
    }
    out
}

/// The sources meant to cover `eco`, else every source, comma-separated.
fn origins(meta: &Meta, eco: Option<&str>) -> String {
    let covering: Vec<&str> = meta
        .sources
        .iter()
        .filter(|s| eco.is_some() && s.covers.as_deref() == eco)
        .map(|s| s.origin.as_str())
        .collect();
    let list = if covering.is_empty() {
        meta.sources.iter().map(|s| s.origin.as_str()).collect()
    } else {
        covering
    };
    if list.is_empty() {
        "the given sources".to_string()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::db::index::FORMAT;
    use crate::deps::db::source_meta;

    fn meta(counts: &[(&str, usize)], sources: &[(&str, Option<&str>)]) -> Meta {
        Meta {
            format: FORMAT,
            built_at: 0,
            sources: sources
                .iter()
                .map(|(origin, covers)| source_meta("zip", origin, *covers))
                .collect(),
            records: counts.iter().map(|(_, n)| n).sum(),
            per_ecosystem: counts.iter().map(|(e, n)| (e.to_string(), *n)).collect(),
        }
    }

    #[test]
    fn empty_and_halved_indexes_are_refused() {
        let current = meta(&[("npm", 8), ("PyPI", 4)], &[("a", None)]);
        let empty = meta(&[], &[("empty-dir", None)]);
        let why = refusal(Some(&current), &empty).expect("refused");
        assert!(why.contains("no advisories in empty-dir"), "{why}");
        assert!(refusal(None, &empty).is_some(), "an empty first index too");

        let halved = meta(
            &[("npm", 3), ("PyPI", 4)],
            &[("npm.zip", Some("npm")), ("pypi", Some("PyPI"))],
        );
        let why = refusal(Some(&current), &halved).expect("refused");
        assert_eq!(
            why,
            "npm would fall from 8 to 3 advisories (under half) with npm.zip"
        );
        let half = meta(&[("npm", 4), ("PyPI", 2)], &[("b", None)]);
        assert_eq!(refusal(Some(&current), &half), None, "half is enough");
        assert_eq!(refusal(None, &halved), None);
    }

    #[test]
    fn status_warns_on_empty_and_partial_indexes() {
        assert_eq!(warnings(&meta(&[], &[])).len(), 1);
        let partial = meta(
            &[("npm", 8), ("PyPI", 0)],
            &[
                ("u/npm/all.zip", Some("npm")),
                ("u/PyPI/all.zip", Some("PyPI")),
            ],
        );
        let got = warnings(&partial);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("no PyPI advisories, although u/PyPI/all.zip"));
        let imported = meta(&[("npm", 8)], &[("dir", None)]);
        assert!(warnings(&imported).is_empty());
    }
}
