//! Positioned values, shared by the YAML tree and interpolation: where a value was written
//! ([`Loc`]) and what it is once variables are resolved ([`Eff`]).

use std::sync::Arc;

/// A position in a file: path relative to the scan root, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// Path relative to the scan root.
    pub file: Arc<str>,
    /// 1-based line (0 means the whole file).
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// An effective value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eff {
    /// Written in compose or an env file (or fully resolved from in-scope sources).
    Literal(String),
    /// Came from a `${VAR:-v}` / `${VAR-v}` default because VAR is defined nowhere in scope.
    Fallback(String),
    /// Depends on something we cannot see (undefined variable, `:?`, missing env file).
    Unknown,
}

impl Eff {
    /// The value text, unless unknown.
    pub fn text(&self) -> Option<&str> {
        match self {
            Eff::Literal(s) | Eff::Fallback(s) => Some(s),
            Eff::Unknown => None,
        }
    }
    /// Whether the value came from a fallback default.
    pub fn is_fallback(&self) -> bool {
        matches!(self, Eff::Fallback(_))
    }
}
