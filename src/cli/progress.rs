//! Progress bars on stderr for long work (issue 13 item 6). A bar is drawn only when stderr is
//! a terminal, `CI` is not set and `--quiet` was not given; otherwise the scanners get a
//! [`Progress`] that is off and nothing is drawn. The bar is drawn by a thread of its own from
//! the counters the scanners bump, and appears only once the work has taken a moment, so a
//! quick scan never flashes one.

use crate::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Work shorter than this shows no bar.
const DELAY: Duration = Duration::from_millis(400);
/// How often the bar is redrawn from the counters.
const TICK: Duration = Duration::from_millis(100);

/// What the counters count, which decides the bar's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Files read by a working-tree walk (the total is not known in advance).
    Files,
    /// Git blobs of a history scan.
    Blobs,
    /// Bytes downloaded.
    Bytes,
}

/// Whether a bar may be drawn: stderr is a terminal, `CI` is unset, and not `--quiet`.
pub fn wanted(stderr_is_terminal: bool, ci: Option<&std::ffi::OsStr>, quiet: bool) -> bool {
    stderr_is_terminal && ci.is_none() && !quiet
}

/// A bar being drawn; dropping it stops the drawing thread and clears the bar.
pub struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            // A panicked drawing thread only loses the bar.
            let _ = thread.join();
        }
    }
}

/// Starts a bar for `label` when [`wanted`] here; returns the counters to hand to the work and
/// the bar to drop when the work is done (`None`, and counters that are off, otherwise).
pub fn start(unit: Unit, label: &'static str, quiet: bool) -> (Progress, Option<Bar>) {
    let ci = std::env::var_os("CI");
    if !wanted(std::io::stderr().is_terminal(), ci.as_deref(), quiet) {
        return (Progress::off(), None);
    }
    let progress = Progress::counting();
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let stop = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw(&progress, &stop, unit, label))
            .ok()
    };
    (progress, Some(Bar { stop, thread }))
}

fn draw(progress: &Progress, stop: &AtomicBool, unit: Unit, label: &'static str) {
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        if started.elapsed() < DELAY {
            continue;
        }
        let (done, total) = progress.get();
        let bar = bar.get_or_insert_with(|| {
            // Styled before anything is drawn, so the first frame is already the right one.
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                .with_style(style(unit, false))
                .with_message(label)
                .with_elapsed(started.elapsed())
        });
        if total > 0 && bar.length() != Some(total) {
            if bar.length().is_none() {
                bar.set_style(style(unit, true));
            }
            bar.set_length(total);
        }
        bar.set_position(done);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn style(unit: Unit, known_total: bool) -> ProgressStyle {
    ProgressStyle::with_template(template(unit, known_total))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn template(unit: Unit, known_total: bool) -> &'static str {
    match (unit, known_total) {
        (Unit::Bytes, true) => "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        (Unit::Bytes, false) => "{spinner} {msg} {bytes} {bytes_per_sec}",
        (Unit::Blobs, true) => "{msg} [{bar:30}] {human_pos}/{human_len} blobs eta {eta}",
        (Unit::Blobs, false) => "{spinner} {msg}: listing commits and blobs {elapsed}",
        (Unit::Files, true) => "{msg} [{bar:30}] {human_pos}/{human_len} files eta {eta}",
        (Unit::Files, false) => "{spinner} {msg} {human_pos} files {elapsed}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn a_bar_only_on_a_terminal_outside_ci_without_quiet() {
        assert!(wanted(true, None, false));
        assert!(!wanted(false, None, false), "stderr is not a terminal");
        assert!(!wanted(true, Some(OsStr::new("true")), false), "CI=true");
        assert!(!wanted(true, Some(OsStr::new("")), false), "CI set, empty");
        assert!(!wanted(true, None, true), "--quiet");
    }

    #[test]
    fn every_style_template_parses() {
        for unit in [Unit::Files, Unit::Blobs, Unit::Bytes] {
            for known in [true, false] {
                let text = template(unit, known);
                assert!(ProgressStyle::with_template(text).is_ok(), "{text}");
            }
        }
    }

    #[test]
    fn off_the_terminal_the_counters_are_off() {
        // `cargo test` captures stderr, so it is not a terminal here.
        if std::io::stderr().is_terminal() {
            return;
        }
        let (progress, bar) = start(Unit::Files, "scanning", false);
        assert!(!progress.is_on());
        assert!(bar.is_none());
    }
}
