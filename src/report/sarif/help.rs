//! Where a SARIF rule's help lives: `helpUri` (a stable page per rule) and the `help` text and
//! Markdown GitHub shows beside an alert. Advisories link to their own page; secret and compose
//! rules link to the part of the project's README that explains them.

use crate::catalog::RuleMeta;
use crate::finding::Category;
use serde_sarif::sarif::MultiformatMessageString;

/// The project's home page; the README anchors below are its headings.
pub(crate) const PROJECT_URL: &str = "https://github.com/preflight-dev/preflight";

/// A stable link for the rule: the advisory's own page for a dependency finding (GitHub's
/// advisory database for GHSA ids, rustsec.org for RustSec ids, OSV for every other id), the
/// README section on the rule's category otherwise.
pub(super) fn help_uri(rule: &RuleMeta) -> String {
    match rule.category {
        Category::Dependency => crate::uri::advisory_page(rule.id.as_str()),
        Category::Secret => format!("{PROJECT_URL}#suppressing-findings"),
        Category::Config => format!("{PROJECT_URL}#deployment-config-docker-compose"),
    }
}

/// `help.text` and `help.markdown`: the rule's own help, or a line on what to do when the rule
/// has none, then the link.
pub(super) fn help(rule: &RuleMeta, uri: &str) -> MultiformatMessageString {
    let body = if rule.help.trim().is_empty() {
        default_help(rule.category).to_owned()
    } else {
        rule.help.trim().to_owned()
    };
    MultiformatMessageString::builder()
        .text(format!("{body}\n\nMore: {uri}"))
        .markdown(format!(
            "**{}**\n\n{body}\n\n[More about this rule]({uri})",
            rule.title
        ))
        .build()
}

fn default_help(category: Category) -> &'static str {
    match category {
        Category::Secret => {
            "Revoke the credential where it was issued, then load it from a secret store \
             instead of the repository."
        }
        Category::Dependency => {
            "Upgrade the package to a version the advisory lists as fixed, or record why the \
             advisory does not apply under [[deps.ignore]]."
        }
        Category::Config => "Change the deployment configuration as the finding describes.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{RuleId, Severity};

    fn meta(id: &str, category: Category, help: &str) -> RuleMeta {
        RuleMeta {
            id: RuleId::new(id),
            category,
            severity: Severity::High,
            title: "T".into(),
            help: help.into(),
            tags: Vec::new(),
        }
    }

    #[test]
    fn advisories_link_to_their_own_page() {
        let uri = |id| help_uri(&meta(id, Category::Dependency, ""));
        assert_eq!(
            uri("GHSA-abcd-efgh-ijkl"),
            "https://github.com/advisories/GHSA-abcd-efgh-ijkl"
        );
        assert_eq!(
            uri("RUSTSEC-2024-0001"),
            "https://rustsec.org/advisories/RUSTSEC-2024-0001.html"
        );
        assert_eq!(
            uri("PYSEC-2023-12"),
            "https://osv.dev/vulnerability/PYSEC-2023-12"
        );
        assert!(help_uri(&meta("aws-access-key", Category::Secret, "")).starts_with(PROJECT_URL));
        assert!(help_uri(&meta("DC010", Category::Config, "")).contains("#deployment-config"));
    }

    #[test]
    fn help_is_never_empty() {
        let rule = meta("GHSA-abcd-efgh-ijkl", Category::Dependency, "");
        let h = help(&rule, "https://x.example.test/");
        assert!(h.text.starts_with("Upgrade the package"));
        assert!(h
            .markdown
            .is_some_and(|m| m.ends_with("[More about this rule](https://x.example.test/)")));
    }
}
