//! `preflight scan --format html|markdown|csv`: the audit report of a scan that just ran,
//! built from the same model `preflight report` reads from a saved JSON result.

use super::args::ScanArgs;
use super::report::{emit, load_policy_in, report_date};
use super::{gate, Outcome};
use crate::error::{Error, Result};
use crate::report::audit::{self, AuditRequest, Input};
use std::path::Path;

/// `preflight scan --format html|markdown|csv`: scans, then renders the audit report of the
/// result with the scan's `[policy]` (its `--config` or `PATH/.preflight.toml`), exactly as
/// `preflight report` would from the saved JSON. The exit code is the scan's (`--fail-on`,
/// incomplete scans), not the verdict's.
pub fn run(args: &ScanArgs, db_dir: Option<&Path>) -> Result<Outcome> {
    let Some(format) = args.format.audit_format() else {
        return Err(Error::Usage("not an audit report format".into()));
    };
    if args.no_redact {
        return Err(Error::Usage(
            "--no-redact does not apply to html, markdown and csv: reports always redact secrets"
                .into(),
        ));
    }
    let date = report_date(args.date.as_deref())?;
    let settings = &args.settings;
    let dir = if settings.path.is_file() {
        settings.path.parent().unwrap_or(Path::new("."))
    } else {
        settings.path.as_path()
    };
    let policy = load_policy_in(settings.config.as_deref(), dir)?;
    let result = super::scan_with(
        settings,
        &args.git,
        args.baseline.as_deref(),
        db_dir,
        args.quiet,
    )?;
    let report = audit::from_result(&result).map_err(Error::Usage)?;
    let inputs = [Input {
        file: "(this scan, not saved)".into(),
        report,
    }];
    let req = AuditRequest {
        inputs: &inputs,
        policy: &policy,
        baseline: None,
        date,
    };
    let (text, verdict) = audit::render(&req, format);
    emit(&text, args.output.as_deref(), &verdict.reason, args.quiet)?;
    gate::print_diagnostics(&result);
    Ok(gate::outcome(&result, args.fail_on.severity()))
}
