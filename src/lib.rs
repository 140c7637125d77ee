//! preflight: is this code base safe to ship?
//!
//! The data flows one way through the crate, and every finding is made in exactly one place:
//!
//! 1. **sources** ([`source`]) turn what the user named into content. A working-tree scan walks
//!    the root once ([`source::fs`]) and builds a [`source::Workspace`]: the files read, their
//!    content for scanners that claim them by name, and the only way a scanner reads a file
//!    (inside the root, under the size limit, not binary, `ignored()` as the walk decided).
//!    History ([`source::history`], via `gix`) and the staged change ([`source::staged`]) hand
//!    out blobs instead.
//! 2. **scanners** take a workspace or a blob source plus their own options and return a
//!    [`scanned::Scanned`] (findings, diagnostics, the rules that ran, counters); they never
//!    print. [`secrets`] matches rules on blob text (`secrets::BlobScanner` for trees,
//!    `secrets::history`, `secrets::staged`); [`deps`] parses lockfiles and audits them against
//!    the advisory index (`deps::scan`); [`compose`] loads compose sets and runs the DC checks
//!    (`compose::scan`).
//! 3. **scan** ([`scan`]) only chooses the source, dispatches to the scanners (a workspace
//!    scanner is one line in `scan::tree`'s `SCANNERS`), then suppresses (ignore file, baseline),
//!    sorts and counts into a [`result::ScanResult`] of [`finding::Finding`]s.
//! 4. **reports** ([`report`]) render a `ScanResult` as text, JSON or SARIF; they never scan.
//!
//! [`config`] reads `.preflight.toml` (each scanner owns its section's type). Only [`cli`]
//! touches clap, stdout/stderr, environment variables and exit codes. `tests/it/layers.rs`
//! fails on an import circle or an arrow from a lower module up into `scan` or `cli`.
//!
//! Adding a scanner: a folder with `scan(&Workspace, &Options) -> Scanned` and a `wants(path)`
//! name test, its config section type, its rules or checks as data, and one entry in
//! `scan::tree::SCANNERS`.

pub mod catalog;
pub mod cli;
pub mod compose;
pub mod config;
pub mod day;
pub mod deps;
pub mod diag;
pub mod error;
pub mod finding;
pub mod progress;
pub mod report;
pub mod result;
pub mod scan;
pub mod scanned;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod sync;
pub mod uri;
