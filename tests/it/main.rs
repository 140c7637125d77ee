//! Integration tests: run the `preflight` binary on fixture trees and snapshot its outputs.

mod bigfile;
mod browser;
mod cli;
mod common;
mod compose;
mod credfiles;
mod db;
mod deps;
mod fetch;
mod gate;
mod git;
mod history;
mod layers;
mod pins;
mod precommit;
mod progress;
mod report;
mod report_csv;
mod scan;
mod server;
mod staged;
