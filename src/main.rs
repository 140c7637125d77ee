//! The `preflight` binary: everything lives in the library; this maps the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    match preflight::cli::run() {
        Ok(outcome) => outcome.exit_code(), // 0 clean, 1 findings >= --fail-on, 2 scan errors
        Err(err) if preflight::cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("preflight: {}", preflight::error::one_line(&err)); // one line, no backtrace
            ExitCode::from(2)
        }
    }
}
