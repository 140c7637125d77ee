//! Diagnostics: problems a scan met that are not findings (unreadable files, bad config, invalid
//! input). A scan collects them and goes on; errors make the run exit 2.

use serde::Serialize;
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The scan went on and its result is complete for everything else (e.g. a non-UTF-8 file).
    Warning,
    /// Something could not be scanned: the result is incomplete, and the run exits 2.
    Error,
}

/// One problem met during a scan, naming the file and the cause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub level: Level,
    /// The file concerned, relative to the scan root where possible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What went wrong, one line.
    pub message: String,
}

impl Diagnostic {
    /// An error about a file.
    pub fn error(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Diagnostic {
            level: Level::Error,
            path: Some(path.into()),
            message: message.to_string(),
        }
    }

    /// A warning about a file.
    pub fn warning(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Diagnostic {
            level: Level::Warning,
            path: Some(path.into()),
            message: message.to_string(),
        }
    }

    /// An error that concerns no single file.
    pub fn general_error(message: impl fmt::Display) -> Self {
        Diagnostic {
            level: Level::Error,
            path: None,
            message: message.to_string(),
        }
    }

    /// A warning that concerns no single file.
    pub fn general_warning(message: impl fmt::Display) -> Self {
        Diagnostic {
            level: Level::Warning,
            path: None,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        match &self.path {
            Some(p) => write!(f, "{level}: {p}: {}", self.message),
            None => write!(f, "{level}: {}", self.message),
        }
    }
}
