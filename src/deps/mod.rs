//! Dependency audit: lockfile parsers per ecosystem ([`lockfile`]), version schemes
//! ([`version`]), advisories and their matching ([`advisory`]), the local advisory database
//! ([`db`]), the audit that turns packages into findings ([`audit`]), and the scanner that
//! runs it all over a workspace ([`scanner`]): `deps::scan(&Workspace, &deps::Options)`.

pub mod advisory;
pub mod audit;
pub mod db;
pub mod ignore;
pub mod lockfile;
pub mod package;
pub mod roots;
pub mod scanner;
pub mod version;

pub use scanner::{scan, wants, Options};
