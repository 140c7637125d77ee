//! The catalogue of rules a scan ran, as reports need it (SARIF `tool.driver.rules`, `rules list`):
//! id, title, severity, help and tags, whatever scanner the rule belongs to.

use crate::finding::{Category, RuleId, Severity};
use serde::Serialize;

/// What a report needs to know about one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMeta {
    /// The rule's id.
    pub id: RuleId,
    /// Which scanner owns it.
    pub category: Category,
    /// Default severity of its findings.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// How to fix what it finds.
    pub help: String,
    /// Tags.
    pub tags: Vec<String>,
}
