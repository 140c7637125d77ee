//! Dependency audit (being built, issue 4): lockfile parsers per ecosystem ([`lockfile`]) and
//! version schemes ([`version`]). Not wired into `scan` yet: nothing here is reachable from the
//! command line until the advisory database and matcher land.

pub mod lockfile;
pub mod package;
pub mod version;
