//! Lockfile parsers, one module per format (being built).

pub mod cargo;
pub mod npm;
pub mod pnpm;
pub mod pylock;
pub mod python;
pub mod yarn;
