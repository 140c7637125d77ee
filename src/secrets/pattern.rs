//! Compiling rule and allowlist regexes: bytes regexes, ASCII classes first, bounded sizes, and
//! a one-line cause when a pattern is invalid.

use regex::bytes::{Regex, RegexBuilder};

/// Compiles a pattern for bytes, ASCII classes first (fast DFAs), Unicode when the pattern needs it.
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    let build = |unicode: bool| {
        RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
    };
    build(false).or_else(|_| build(true)).map_err(|e| {
        // The regex crate's message is multi-line; keep its last line (the cause).
        let text = e.to_string();
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid regex")
            .trim()
            .to_string()
    })
}
