//! A set of rules ready to scan: the rules, the global allowlists, and one Aho-Corasick automaton
//! over every rule's keywords (the prefilter that decides which regexes run where).

use super::rule::{allowlist, LazyAllowlist, Rule};
use super::toml::RulesFile;
use crate::catalog::RuleMeta;
use crate::finding::Category;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Bytes a scan searches with the keyword NFA before building the DFA: about where the DFA's
/// faster search has paid back its extra build time.
const DFA_AFTER: usize = 2 << 20;

/// For each keyword, the length of its longest proper suffix that is a proper prefix of another
/// keyword (0 if none).
fn keyword_overlaps(keywords: &[String]) -> Vec<usize> {
    let mut prefixes: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, k) in keywords.iter().enumerate() {
        for len in 1..k.len() {
            prefixes.entry(&k.as_bytes()[..len]).or_default().push(i);
        }
    }
    keywords
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let b = k.as_bytes();
            (1..b.len())
                .rev()
                .find(|&len| {
                    prefixes
                        .get(&b[b.len() - len..])
                        .is_some_and(|owners| owners.iter().any(|&o| o != i))
                })
                .unwrap_or(0)
        })
        .collect()
}

/// Rules plus the prefilter over their keywords.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    global: Vec<LazyAllowlist>,
    /// Keyword patterns, and for each the rules that listed it.
    pub(crate) keywords: Vec<String>,
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every file.
    always: Vec<usize>,
    /// Rules with a file-format detector, run by `formats::detect`.
    detectors: Vec<usize>,
    /// The keyword automaton as a contiguous NFA: cheap to build, used for the first bytes.
    nfa: OnceLock<Option<AhoCorasick>>,
    /// The same automaton as a DFA: about twice as fast to search but ~4x dearer to build, so it
    /// is built once a scan has searched `DFA_AFTER` bytes (a 10-file scan never pays for it).
    dfa: OnceLock<Option<AhoCorasick>>,
    /// Bytes searched with the NFA so far.
    searched: AtomicUsize,
    /// Per keyword: how far before a hit's end the next search must resume (`resume_from`).
    overlaps: OnceLock<Vec<usize>>,
}

impl RuleSet {
    /// Builds a set; later rules with the same id replace earlier ones.
    pub fn new(rules: Vec<Rule>, global: Vec<LazyAllowlist>) -> RuleSet {
        // Hash lookups, not scans: with ~750 rules and ~950 keywords the quadratic versions were
        // most of a 10-file scan's start-up.
        let mut unique: Vec<Rule> = Vec::with_capacity(rules.len());
        let mut by_id: HashMap<String, usize> = HashMap::with_capacity(rules.len());
        for rule in rules {
            match by_id.get(rule.id.as_str()) {
                Some(&slot) => unique[slot] = rule,
                None => {
                    by_id.insert(rule.id.as_str().to_string(), unique.len());
                    unique.push(rule);
                }
            }
        }
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut always = Vec::new();
        let mut detectors = Vec::new();
        for (i, rule) in unique.iter().enumerate() {
            if rule.detector.is_some() {
                detectors.push(i);
                continue;
            }
            if rule.keywords.is_empty() {
                always.push(i);
            }
            for kw in &rule.keywords {
                match keyword_index.get(kw) {
                    Some(&p) if !keyword_rules[p].contains(&i) => keyword_rules[p].push(i),
                    Some(_) => {}
                    None => {
                        keyword_index.insert(kw.clone(), keywords.len());
                        keywords.push(kw.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        // A leftmost-longest search reports `github_token` but not the `token` inside it: let each
        // keyword also trigger the rules of every keyword it contains (found by looking up each
        // of its substrings).
        let keyword_rules = keywords
            .iter()
            .map(|k| {
                let mut rules: Vec<usize> = Vec::new();
                for start in 0..k.len() {
                    for end in start + 1..=k.len() {
                        let Some(sub) = k.get(start..end) else {
                            continue;
                        };
                        if let Some(&q) = keyword_index.get(sub) {
                            rules.extend_from_slice(&keyword_rules[q]);
                        }
                    }
                }
                rules.sort_unstable();
                rules.dedup();
                rules
            })
            .collect();
        RuleSet {
            rules: unique,
            global,
            keywords,
            keyword_rules,
            always,
            detectors,
            nfa: OnceLock::new(),
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            overlaps: OnceLock::new(),
        }
    }

    /// Builds a set from parsed config files, applying `disabledRules`.
    pub fn from_files(files: Vec<(String, RulesFile)>) -> Result<RuleSet, String> {
        let mut rules = Vec::new();
        let mut global = Vec::new();
        for (origin, file) in files {
            if let Some(ext) = &file.extend {
                rules.retain(|r: &Rule| !ext.disabled_rules.iter().any(|d| d == r.id.as_str()));
            }
            for def in file.rules {
                rules.push(Rule::from_def(def, &origin).map_err(|e| format!("{origin}: {e}"))?);
            }
            global.extend(file.allowlist.map(LazyAllowlist::new));
            global.extend(file.allowlists.into_iter().map(LazyAllowlist::new));
        }
        Ok(RuleSet::new(rules, global))
    }

    /// All rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this index.
    pub fn rule(&self, i: usize) -> &Rule {
        &self.rules[i]
    }

    /// Global allowlists.
    pub fn global_allowlists(&self) -> &[LazyAllowlist] {
        &self.global
    }

    /// Rules that run on every file.
    pub fn always(&self) -> &[usize] {
        &self.always
    }

    /// Rules with a file-format detector.
    pub fn detectors(&self) -> &[usize] {
        &self.detectors
    }

    /// Rules that listed keyword pattern `p`, or a keyword it contains.
    pub fn rules_of_keyword(&self, p: usize) -> &[usize] {
        &self.keyword_rules[p]
    }

    /// The keyword automaton for searching `len` more bytes, built on first use: a contiguous
    /// NFA until the scan has searched `DFA_AFTER` bytes, then a DFA (both leftmost-longest, so
    /// they report the same hits). It is case-sensitive over lower-case keywords: callers search
    /// ASCII-lower-cased text (`engine::keyword_windows`), which finds what an ASCII
    /// case-insensitive search of the original finds, at the same offsets. An insensitive DFA
    /// gives upper and lower case letters separate byte classes, which doubled its table (2.8 MB
    /// with ~960 keywords, past a 1 MB L2) and its search time (issue 15 speed).
    pub fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref();
        }
        let before = self.searched.fetch_add(len, Ordering::Relaxed);
        if before.saturating_add(len) >= DFA_AFTER {
            return self
                .dfa
                .get_or_init(|| self.build(AhoCorasickKind::DFA))
                .as_ref();
        }
        self.nfa
            .get_or_init(|| self.build(AhoCorasickKind::ContiguousNFA))
            .as_ref()
    }

    fn build(&self, kind: AhoCorasickKind) -> Option<AhoCorasick> {
        if self.keywords.is_empty() {
            return None;
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(self.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .ok()
    }

    /// Where to resume the keyword search after a hit of pattern `p` at `start..end`: just past
    /// the start would find every keyword beginning inside the hit, but only those that run past
    /// its end are new (the ones inside it are implied, `rules_of_keyword`), and such a keyword
    /// begins with a suffix of the hit. So resume at the longest suffix that starts a keyword, and
    /// skip over repeats of the hit itself (a run of `a`s against a 22-`A` keyword was 87,000
    /// searches on the bench tree): those trigger the same rules on the same line.
    pub fn resume_from(&self, p: usize, start: usize, end: usize) -> usize {
        let back = self
            .overlaps
            .get_or_init(|| keyword_overlaps(&self.keywords));
        end.saturating_sub(back[p]).max(start + 1)
    }

    /// Whether a global path-only allowlist excludes this whole file (checked before reading it).
    pub fn path_excluded(&self, path: &str) -> bool {
        self.global.iter().any(|lazy| {
            allowlist(lazy)
                .is_ok_and(|a| a.target_rules.is_empty() && a.is_path_only() && a.allows_path(path))
        })
    }

    /// Whether an allowlist of rule `id` (its own or a global one) allows findings introduced by
    /// `commit`.
    pub fn commit_allowed(&self, id: &crate::finding::RuleId, commit: &str) -> bool {
        let own = self
            .rules
            .iter()
            .find(|r| &r.id == id)
            .map(|r| r.allowlists())
            .unwrap_or_default();
        let global = self.global.iter().filter(|lazy| {
            lazy.source().target_rules.is_empty()
                || lazy.source().target_rules.iter().any(|t| t == id.as_str())
        });
        own.iter()
            .chain(global)
            .any(|lazy| allowlist(lazy).is_ok_and(|a| a.allows_commit(commit)))
    }

    /// Compiles every user-supplied rule and allowlist now, so bad regexes fail at load.
    pub fn validate_origin(&self, origin_prefix: &str) -> Result<(), String> {
        for rule in self
            .rules
            .iter()
            .filter(|r| r.origin.starts_with(origin_prefix))
        {
            rule.validate()
                .map_err(|e| format!("{}: {e}", rule.origin))?;
        }
        for lazy in &self.global {
            allowlist(lazy).map_err(|e| format!("global allowlist: {e}"))?;
        }
        Ok(())
    }

    /// How many providers the rules cover: distinct provider slugs (first tags), leaving out the
    /// generic rules and the credential formats that name no service.
    pub fn provider_count(&self) -> usize {
        const FORMATS: &[&str] = &["generic", "private-key", "jwt", "database", "jdbc"];
        let mut slugs: Vec<&str> = self
            .rules
            .iter()
            .filter_map(|r| r.tags.first().map(String::as_str))
            .filter(|slug| !FORMATS.contains(slug))
            .collect();
        slugs.sort_unstable();
        slugs.dedup();
        slugs.len()
    }

    /// The catalogue entries of these rules, sorted by id.
    pub fn catalog(&self) -> Vec<RuleMeta> {
        let mut out: Vec<RuleMeta> = self
            .rules
            .iter()
            .map(|r| RuleMeta {
                id: r.id.clone(),
                category: Category::Secret,
                severity: r.severity,
                title: r.description.clone(),
                help: r.help.clone(),
                tags: r.tags.clone(),
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}
