//! Dependency audit: lockfile parsers per ecosystem ([`lockfile`]), version schemes
//! ([`version`]), advisories and their matching ([`advisory`]), the local advisory database
//! ([`db`]), and the audit that turns packages into findings ([`audit`]).

pub mod advisory;
pub mod audit;
pub mod db;
pub mod ignore;
pub mod lockfile;
pub mod package;
pub mod roots;
pub mod version;
