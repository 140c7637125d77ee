//! Scans one blob with a `RuleSet`: keywords first (one Aho-Corasick pass over the bytes), then
//! each triggered rule's regex on a bounded window around its keyword hits, then the secret
//! checks (entropy, allowlists, inline `preflight:allow`, checksums, less-specific-vs-more-specific overlaps).

use super::allowlist::Candidate;
use super::entropy::shannon;
use super::rule::{allowlist, Rule, Tier};
use super::ruleset::RuleSet;
use memchr::{memchr, memmem, memrchr};

/// How far a window reaches along a long line on either side of a keyword hit.
const LINE_REACH: usize = 1024;
/// How far a multi-line rule's window reaches past its keyword hit (a 16 kbit PEM key is ~3 KiB).
const MULTILINE_REACH: usize = 64 * 1024;
/// The largest lower-cased copy a thread keeps between blobs.
const LOWER_KEEP: usize = 4 << 20;

/// One accepted match, in byte offsets of the scanned text.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMatch {
    /// Index of the rule in the set.
    pub rule: usize,
    /// The whole match.
    pub start: usize,
    /// End of the whole match.
    pub end: usize,
    /// The secret's span.
    pub secret: (usize, usize),
    /// Entropy of the secret.
    pub entropy: f64,
}

/// What scanning one text produced.
#[derive(Debug, Default)]
pub struct TextScan {
    /// Accepted matches, sorted by start.
    pub matches: Vec<RawMatch>,
    /// Matches dropped by an inline allow comment.
    pub suppressed_inline: u64,
    /// Path-only rules that matched the file name.
    pub path_rules: Vec<usize>,
}

/// Scans `data` (the content of `path`) with every rule that applies.
pub fn scan_text(set: &RuleSet, path: &str, commit: Option<&str>, data: &[u8]) -> TextScan {
    let mut out = TextScan::default();
    let mut windows = windows(set, path, data, &mut out.path_rules);
    windows.sort_unstable();
    let mut found: Vec<RawMatch> = Vec::new();
    for (rule_idx, ws, we) in windows {
        let rule = set.rule(rule_idx);
        let Some(Ok(re)) = rule.regex() else { continue };
        for caps in re.captures_iter(&data[ws..we]) {
            let Some(m) = caps.get(0) else { continue };
            let secret = secret_span(rule, &caps).unwrap_or((m.start(), m.end()));
            if secret.0 == secret.1 {
                continue;
            }
            let (start, end) = (ws + m.start(), ws + m.end());
            if found
                .iter()
                .rev()
                .take(8)
                .any(|f| f.rule == rule_idx && f.start == start && f.end == end)
            {
                continue; // overlapping windows of one rule
            }
            let secret = (ws + secret.0, ws + secret.1);
            let candidate = RawMatch {
                rule: rule_idx,
                start,
                end,
                secret,
                entropy: shannon(&data[secret.0..secret.1]),
            };
            if accepts(set, rule, path, commit, data, &candidate) {
                found.push(candidate);
            }
        }
    }
    drop_less_specific_overlaps(set, &mut found);
    found.sort_by_key(|m| (m.start, m.end, m.rule));
    let before = found.len();
    found.retain(|m| !inline_allowed(data, m.start, m.end));
    out.suppressed_inline = (before - found.len()) as u64;
    out.matches = found;
    out
}

/// (rule, start, end) windows to run regexes on: keyword neighbourhoods, merged per rule.
fn windows(
    set: &RuleSet,
    path: &str,
    data: &[u8],
    path_rules: &mut Vec<usize>,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for &i in set.always() {
        let rule = set.rule(i);
        if !rule.applies_to(path) {
            continue;
        }
        if rule.is_path_only() {
            path_rules.push(i);
        } else {
            out.push((i, 0, data.len()));
        }
    }
    let Some(ac) = set.automaton(data.len()) else {
        return out;
    };
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        scratch.prepare(set.rules().len());
        let mut lower = std::mem::take(&mut scratch.lower);
        lower.clear();
        lower.extend(data.iter().map(u8::to_ascii_lowercase));
        keyword_windows(set, ac, path, data, &lower, &mut scratch, &mut out);
        scratch.lower = lower;
        scratch.reset();
    });
    out
}

/// Per-rule state of one `windows` call, kept per thread and reset entry by entry: allocating
/// and zeroing it per blob cost O(rules) on every file and decoded segment, which grew with the
/// provider catalogue; resetting only the rules a blob touched costs O(hits).
#[derive(Default)]
struct Scratch {
    /// Per rule: 0 not yet checked, 1 applies to this path, 2 does not.
    applies: Vec<u8>,
    /// Per rule: its open window.
    open: Vec<Option<(usize, usize)>>,
    /// Rules whose entries are set.
    touched: Vec<usize>,
    /// The blob, ASCII-lower-cased, for the case-sensitive keyword automaton.
    lower: Vec<u8>,
}

impl Scratch {
    fn prepare(&mut self, rules: usize) {
        if self.applies.len() != rules {
            self.applies = vec![0; rules];
            self.open = vec![None; rules];
            self.touched.clear();
        }
    }

    fn reset(&mut self) {
        for &r in &self.touched {
            self.applies[r] = 0;
            self.open[r] = None;
        }
        self.touched.clear();
        // Keep a buffer that fits ordinary files; do not hold a huge blob's copy per thread.
        if self.lower.capacity() > LOWER_KEEP {
            self.lower = Vec::new();
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// The keyword-driven part of `windows`: one automaton pass over `lower` (`data` lower-cased),
/// windows merged per rule.
fn keyword_windows(
    set: &RuleSet,
    ac: &aho_corasick::AhoCorasick,
    path: &str,
    data: &[u8],
    lower: &[u8],
    scratch: &mut Scratch,
    out: &mut Vec<(usize, usize, usize)>,
) {
    // Leftmost-longest finds the longest keyword at each start; resuming inside the hit (not
    // after its end) also finds keywords that begin inside it and run past its end
    // (`begin private key` / `private key-----`). Keywords nested inside it are implied by it.
    let mut at = 0;
    while let Some(hit) = ac.find(aho_corasick::Input::new(lower).span(at..lower.len())) {
        at = set.resume_from(hit.pattern().as_usize(), hit.start(), hit.end());
        for &r in set.rules_of_keyword(hit.pattern().as_usize()) {
            if scratch.applies[r] == 0 {
                let rule = set.rule(r);
                let ok = rule.applies_to(path) && !rule.is_path_only();
                scratch.applies[r] = if ok { 1 } else { 2 };
                scratch.touched.push(r);
            }
            if scratch.applies[r] != 1 {
                continue;
            }
            let (ws, we) = window_around(data, hit.start(), hit.end(), set.rule(r).multiline);
            match &mut scratch.open[r] {
                Some((_, end)) if ws <= *end => *end = (*end).max(we),
                slot => {
                    if let Some((s, e)) = slot.replace((ws, we)) {
                        out.push((r, s, e));
                    }
                }
            }
        }
    }
    for &r in &scratch.touched {
        if let Some((s, e)) = scratch.open[r] {
            out.push((r, s, e));
        }
    }
}

/// The line around a keyword hit, bounded on long lines; multi-line rules reach further down.
fn window_around(data: &[u8], start: usize, end: usize, multiline: bool) -> (usize, usize) {
    let floor = start.saturating_sub(LINE_REACH);
    let ws = memrchr(b'\n', &data[floor..start]).map_or(floor, |p| floor + p + 1);
    let reach = if multiline {
        MULTILINE_REACH
    } else {
        LINE_REACH
    };
    let ceil = (end + reach).min(data.len());
    if multiline {
        return (ws, ceil);
    }
    let we = memchr(b'\n', &data[end..ceil]).map_or(ceil, |p| end + p);
    (ws, we)
}

/// The secret group's span, relative to the window.
fn secret_span(rule: &Rule, caps: &regex::bytes::Captures<'_>) -> Option<(usize, usize)> {
    let group = match rule.secret_group {
        Some(g) => caps.get(g),
        None => (1..caps.len()).find_map(|g| caps.get(g)),
    }?;
    Some((group.start(), group.end()))
}

/// Entropy and allowlists (rule's own, then global ones that target it).
fn accepts(
    set: &RuleSet,
    rule: &Rule,
    path: &str,
    commit: Option<&str>,
    data: &[u8],
    m: &RawMatch,
) -> bool {
    if rule.entropy.is_some_and(|min| m.entropy < min) {
        return false;
    }
    // A value that fails its format's checksum is not this provider's credential (issue 15).
    if rule
        .validator
        .is_some_and(|v| !v.check(&data[m.secret.0..m.secret.1]))
    {
        return false;
    }
    let (ls, le) = line_bounds(data, m.start, m.end);
    let candidate = Candidate {
        path,
        commit,
        secret: &data[m.secret.0..m.secret.1],
        matched: &data[m.start..m.end],
        line: &data[ls..le],
    };
    passes_allowlists(set, rule, &candidate)
}

/// Whether no allowlist of `rule` and no global allowlist aimed at it silences `candidate`:
/// the one test regex matches and file-format detector hits both go through.
pub(crate) fn passes_allowlists(set: &RuleSet, rule: &Rule, candidate: &Candidate<'_>) -> bool {
    let allowed_by = |lazy| allowlist(lazy).is_ok_and(|a| a.allows(candidate));
    if rule.allowlists().iter().any(allowed_by) {
        return false;
    }
    !set.global_allowlists().iter().any(|lazy| {
        allowlist(lazy).is_ok_and(|a| {
            (a.target_rules.is_empty() || a.target_rules.iter().any(|t| t == rule.id.as_str()))
                && a.allows(candidate)
        })
    })
}

/// Start of the first and end of the last line touched by `[start, end)`.
pub fn line_bounds(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let ls = memrchr(b'\n', &data[..start]).map_or(0, |p| p + 1);
    let le = memchr(b'\n', &data[end..]).map_or(data.len(), |p| end + p);
    (ls, le)
}

/// A match is dropped where a more specific rule found an overlapping secret: generic rules
/// yield to provider context rules, and both yield to rules whose format names the provider.
fn drop_less_specific_overlaps(set: &RuleSet, found: &mut Vec<RawMatch>) {
    let ranked: Vec<(Tier, (usize, usize))> = found
        .iter()
        .map(|m| (set.rule(m.rule).tier, m.secret))
        .filter(|(tier, _)| *tier > Tier::Generic)
        .collect();
    if ranked.is_empty() {
        return;
    }
    found.retain(|m| {
        let tier = set.rule(m.rule).tier;
        !ranked
            .iter()
            .any(|&(t, (s, e))| t > tier && s < m.secret.1 && m.secret.0 < e)
    });
}

/// Whether a line of the match carries `preflight:allow` or `gitleaks:allow`.
fn inline_allowed(data: &[u8], start: usize, end: usize) -> bool {
    let (ls, le) = line_bounds(data, start, end);
    let lines = &data[ls..le];
    memmem::find(lines, b"preflight:allow").is_some()
        || memmem::find(lines, b"gitleaks:allow").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_the_line_bounded_on_long_lines() {
        let data = b"first line\nsecond key line\nthird";
        let hit = 18; // "key"
        assert_eq!(window_around(data, hit, hit + 3, false), (11, 26));
        let long = vec![b'a'; 5000];
        let (s, e) = window_around(&long, 2500, 2503, false);
        assert_eq!((s, e), (2500 - LINE_REACH, 2503 + LINE_REACH));
    }

    #[test]
    fn multiline_window_reaches_down() {
        let data = b"x\n-----BEGIN\nabc\n-----END\n";
        let (s, e) = window_around(data, 2, 7, true);
        assert_eq!((s, e), (2, data.len()));
    }

    fn set_of(toml: &str) -> RuleSet {
        let file = crate::secrets::toml::parse(toml).expect("parses");
        RuleSet::from_files(vec![("t".into(), file)]).expect("builds")
    }

    #[test]
    fn keywords_that_overlap_partly_both_trigger() {
        // "alpha-be" is found first at the same place "a-beta" starts inside it.
        let set = set_of(
            "[[rules]]\nid = \"one\"\nregex = 'alpha-be[a-z]+'\nkeywords = [\"alpha-be\"]\n\
             [[rules]]\nid = \"two\"\nregex = 'a-beta[0-9]+'\nkeywords = [\"a-beta\"]\n",
        );
        let found = scan_text(&set, "f.txt", None, b"x alpha-beta42 y\n");
        let ids: Vec<&str> = found
            .matches
            .iter()
            .map(|m| set.rule(m.rule).id.as_str())
            .collect();
        assert_eq!(ids, ["one", "two"]);
    }

    #[test]
    fn a_run_of_one_keyword_is_searched_once_per_keyword_length() {
        let set = set_of(
            "[[rules]]\nid = \"run\"\nregex = 'AAAAAAAA[0-9]{4}'\nkeywords = [\"aaaaaaaa\"]\n\
             [[rules]]\nid = \"auth\"\nregex = 'auth=[0-9]{4}'\nkeywords = [\"auth\"]\n",
        );
        let kw = |k: &str| set.keywords.iter().position(|q| q == k).expect("keyword");
        // "aaaaaaaa" ends in "a", which starts "auth": resume one byte before the end.
        assert_eq!(set.resume_from(kw("aaaaaaaa"), 10, 18), 17);
        assert_eq!(set.resume_from(kw("auth"), 0, 4), 4); // no suffix of "auth" starts a keyword
        let mut data = b"x ".to_vec();
        data.extend(std::iter::repeat_n(b'a', 300));
        data.extend(b"uth=1234 AAAAAAAAAAAA5678\n");
        let ids: Vec<&str> = scan_text(&set, "f.txt", None, &data)
            .matches
            .iter()
            .map(|m| set.rule(m.rule).id.as_str())
            .collect();
        assert_eq!(ids, ["auth", "run"]);
    }

    #[test]
    fn keywords_match_case_insensitively_and_nested() {
        let set = set_of(
            "[[rules]]\nid = \"tok\"\nregex = '(?i)token=([a-z0-9]{6})'\nkeywords = [\"token\"]\n\
             [[rules]]\nid = \"gh\"\nregex = 'GH_TOKEN'\nkeywords = [\"gh_token\"]\n",
        );
        let found = scan_text(&set, "f.txt", None, b"GH_TOKEN=abc123\n");
        assert_eq!(found.matches.len(), 2);
    }

    #[test]
    fn inline_allow_on_any_line_of_the_match() {
        let data = b"a = 1\ntoken = abc # preflight:allow\n";
        assert!(inline_allowed(data, 14, 17));
        assert!(!inline_allowed(data, 0, 3));
    }
}
