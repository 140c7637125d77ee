//! Errors that stop a command before it can scan (bad flags, unreadable config). Problems met
//! while scanning are `Diagnostic`s instead, so that one bad file never stops the rest.

use std::path::PathBuf;

/// A fatal error, rendered as one line by `main`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A config or rule file is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where known.
        message: String,
    },
    /// A command-line value is invalid.
    #[error("{0}")]
    Usage(String),
}

/// An error and its causes on one line (`cannot read x: permission denied`): each cause is
/// printed once, by whoever prints the chain, never inside its parent's message as well.
pub fn one_line(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// Result alias for fatal errors.
pub type Result<T, E = Error> = std::result::Result<T, E>;
