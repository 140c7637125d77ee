//! preflight: is this code base safe to ship?
//!
//! The data flows one way through the crate:
//!
//! 1. **sources** ([`source`]) turn a path into blobs to scan: a working-tree walk today, git
//!    history and staged changes later;
//! 2. **scanners** ([`secrets`]) turn blobs into [`finding::Finding`]s and [`diag::Diagnostic`]s,
//!    returning values and never printing;
//! 3. **findings** are merged, suppressed (inline comments, ignore files, baselines) and sorted by
//!    [`scan`] into a [`result::ScanResult`];
//! 4. **reports** ([`report`]) render a `ScanResult` as text, JSON or SARIF.
//!
//! Only [`cli`] touches clap, stdout/stderr, environment variables and exit codes.

pub mod catalog;
pub mod cli;
pub mod compose;
pub mod config;
pub mod day;
pub mod deps;
pub mod diag;
pub mod error;
pub mod finding;
pub mod report;
pub mod result;
pub mod scan;
pub mod scanned;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod sync;
pub mod uri;
