//! The HTML audit report rendered in a real browser (issue 13 item 2): a fixture tree with
//! findings in every category is scanned, its JSON result rendered with `preflight report`, and
//! the page loaded in headless Chromium over the DevTools protocol. The assertions are on the
//! rendered page (layout boxes, hit tests, console), not on the HTML text, and a screenshot is
//! saved under the target directory for a person to look at. Skips with a printed reason when
//! no Chromium binary is installed.

use crate::common::TestTree;
use crate::deps::FixtureDb;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Log, Page, Runtime};
use headless_chrome::{Browser, LaunchOptions};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The viewport the issue names: a common laptop screen.
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;

/// The browser to use: `$PREFLIGHT_CHROME`, else the first known Chromium name on `PATH`;
/// otherwise why there is none.
fn chrome() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PREFLIGHT_CHROME").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return match path.is_file() {
            true => Ok(path),
            false => Err(format!("PREFLIGHT_CHROME={} is not a file", path.display())),
        };
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
    .find(|p| p.is_file())
    .ok_or_else(|| {
        "no chromium, chromium-browser or google-chrome on PATH (set PREFLIGHT_CHROME)".into()
    })
}

/// Chromium refuses to start its sandbox as root (CI runs as root).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Secrets, dependency and deployment-config fixtures in one tree, scanned to JSON and
/// rendered as HTML; returns the tree (kept alive) and the report's path.
fn fixture_report() -> (TestTree, PathBuf) {
    let db = FixtureDb::new();
    let tree = TestTree::empty();
    tree.add_fixture("deps/app", "repo/app");
    tree.add_fixture("secrets/basic", "repo/secrets");
    tree.add_fixture("compose/dc001-trigger", "repo/deploy");
    let db = db.arg();
    let scan = tree.preflight([
        "--db",
        &db,
        "scan",
        "repo",
        "--format",
        "json",
        "-o",
        "scan.json",
    ]);
    assert_eq!(scan.code, 1, "{}", scan.render());
    let doc: Value = serde_json::from_slice(
        &std::fs::read(tree.path().join("scan.json")).expect("scan.json written"),
    )
    .expect("scan.json is JSON");
    for category in ["secret", "dependency", "config"] {
        let found = doc["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["category"] == category));
        assert!(found, "the fixture scan has no {category} finding");
    }
    let run = tree.preflight([
        "report",
        "scan.json",
        "--date",
        "2026-01-01",
        "-o",
        "audit.html",
    ]);
    assert_eq!(run.code, 0, "{}", run.render());
    let html = tree.path().join("audit.html");
    (tree, html)
}

fn launch(chrome: &Path) -> Browser {
    let options = LaunchOptions::default_builder()
        .path(Some(chrome.to_path_buf()))
        .headless(true)
        .sandbox(!running_as_root())
        .window_size(Some((WIDTH, HEIGHT)))
        .build()
        .expect("launch options");
    Browser::new(options).unwrap_or_else(|e| panic!("{} does not start: {e}", chrome.display()))
}

/// Collects console errors, uncaught exceptions and browser log errors (a failed load, a
/// blocked resource) as text.
fn error_listener(tab: &headless_chrome::Tab) -> Arc<Mutex<Vec<String>>> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&errors);
    let listener = move |event: &Event| {
        let message = match event {
            Event::RuntimeConsoleAPICalled(e)
                if matches!(
                    e.params.Type,
                    Runtime::ConsoleAPICalledEventTypeOption::Error
                        | Runtime::ConsoleAPICalledEventTypeOption::Assert
                ) =>
            {
                format!("console: {:?}", e.params.args)
            }
            Event::RuntimeExceptionThrown(e) => {
                format!("exception: {}", e.params.exception_details.text)
            }
            Event::LogEntryAdded(e) if e.params.entry.level == Log::LogEntryLevel::Error => {
                format!("log: {}", e.params.entry.text)
            }
            _ => return,
        };
        sink.lock().expect("error list").push(message);
    };
    tab.add_event_listener(Arc::new(listener))
        .expect("event listener");
    tab.enable_runtime().expect("Runtime.enable");
    tab.enable_log().expect("Log.enable");
    errors
}

/// Measures the rendered page: boxes of the verdict banner, the counts table and the charts,
/// hit tests at their centres, and the page's scroll width.
const MEASURE: &str = r#"(() => {
  const box = (el, scroll) => {
    if (!el) return null;
    if (scroll) el.scrollIntoView({ block: 'center' });
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return { top: r.top, width: r.width, height: r.height,
             shown: s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0',
             hit: !!hit && (el === hit || el.contains(hit)) };
  };
  const verdict = document.getElementById('verdict');
  const heading = document.getElementById('counts');
  const counts = heading && heading.nextElementSibling;
  const charts = [...document.querySelectorAll('svg.chart')];
  return JSON.stringify({
    verdict: box(verdict, false),
    verdictWord: verdict ? verdict.querySelector('.word').innerText : '',
    counts: box(counts, true),
    countRows: counts ? [...counts.querySelectorAll('tbody tr')]
      .map(tr => [...tr.cells].map(td => td.innerText.trim())) : [],
    charts: charts.map(c => box(c, true)),
    bars: charts.map(c => [...c.querySelectorAll('rect.bar')]
      .filter(r => r.getBoundingClientRect().width > 0).length),
    clipped: charts.flatMap(c => {
      const outer = c.getBoundingClientRect();
      return [...c.querySelectorAll('text')].filter(t => {
        const r = t.getBoundingClientRect();
        return r.left < outer.left - 0.5 || r.right > outer.right + 0.5;
      }).map(t => t.textContent);
    }),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    clientWidth: document.documentElement.clientWidth,
  });
})()"#;

fn measure(tab: &headless_chrome::Tab) -> Value {
    let result = tab.evaluate(MEASURE, false).expect("measure the page");
    let text = result.value.and_then(|v| v.as_str().map(String::from));
    serde_json::from_str(&text.expect("a JSON string")).expect("measurement is JSON")
}

/// A box that is laid out, shown and not covered by anything else.
fn assert_visible(m: &Value, what: &str) {
    assert!(m["width"].as_f64() > Some(0.0), "{what} has no width: {m}");
    assert!(
        m["height"].as_f64() > Some(0.0),
        "{what} has no height: {m}"
    );
    assert_eq!(m["shown"], true, "{what} is hidden: {m}");
    assert_eq!(m["hit"], true, "{what} is covered: {m}");
}

fn assert_counts(m: &Value) {
    assert_visible(&m["counts"], "the counts table");
    let rows = m["countRows"].as_array().expect("count rows");
    assert!(rows.len() >= 4, "too few count rows: {rows:?}");
    // The last column is the category's total; every category of the fixture has findings.
    for row in rows {
        let total: u64 = row
            .as_array()
            .and_then(|r| r.last())
            .and_then(Value::as_str)
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("no total in {row}"));
        assert!(total > 0, "a category without findings: {row}");
    }
}

/// Saves what the viewport shows as `<target>/browser/<name>`.
fn screenshot(tab: &headless_chrome::Tab, name: &str) -> PathBuf {
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    // The binary lives in <target>/debug/, so this is <target>/browser/ for any target dir.
    let bin = Path::new(env!("CARGO_BIN_EXE_preflight"));
    let dir = bin
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("browser");
    std::fs::create_dir_all(&dir).expect("mkdir target/browser");
    let path = dir.join(name);
    std::fs::write(&path, png).expect("write the screenshot");
    path
}

#[test]
fn html_report_renders_in_chromium() {
    let chrome = match chrome() {
        Ok(path) => path,
        Err(why) => {
            eprintln!("skip: the browser test needs Chromium: {why}");
            return;
        }
    };
    let (_tree, html) = fixture_report();
    let browser = launch(&chrome);
    let tab = browser.new_tab().expect("a tab");
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: WIDTH,
        height: HEIGHT,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("set the viewport");
    let errors = error_listener(&tab);
    let url = format!("file://{}", html.display());
    tab.navigate_to(&url)
        .and_then(|t| t.wait_until_navigated())
        .expect("load the report");
    let top = screenshot(&tab, "report.png");
    // Measuring scrolls each chart into view; the second shot shows the last of them.
    let m = measure(&tab);
    let charts_shot = screenshot(&tab, "report-charts.png");
    assert_eq!(m["innerWidth"], WIDTH, "viewport: {m}");
    assert_visible(&m["verdict"], "the verdict banner");
    assert!(
        m["verdict"]["top"].as_f64() < Some(f64::from(HEIGHT)),
        "the verdict is below the first screen: {m}"
    );
    assert_eq!(m["verdictWord"], "NO-GO", "{m}");
    assert_counts(&m);
    let charts = m["charts"].as_array().expect("charts");
    assert_eq!(charts.len(), 2, "{m}");
    for chart in charts {
        assert_visible(chart, "a chart");
    }
    assert_eq!(
        m["clipped"],
        Value::Array(Vec::new()),
        "chart labels cut off: {m}"
    );
    for bars in m["bars"].as_array().expect("bars") {
        assert!(bars.as_u64() > Some(0), "a chart without drawn bars: {m}");
    }
    // innerWidth includes a vertical scrollbar; clientWidth is the width content may use.
    for width in ["innerWidth", "clientWidth"] {
        assert!(
            m["scrollWidth"].as_u64() <= m[width].as_u64(),
            "the page scrolls sideways at {WIDTH}x{HEIGHT} ({width}): {m}"
        );
    }
    let errors = errors.lock().expect("error list");
    assert!(errors.is_empty(), "console errors: {errors:?}");
    eprintln!(
        "screenshots: {} {}\nmeasured: {m}",
        top.display(),
        charts_shot.display()
    );
}
