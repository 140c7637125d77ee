//! Env files (`.env`, `env_file:`) as compose reads them: `KEY=VALUE`, `#` comments, inline
//! ` # comment` only for unquoted values, `'single'` literal, `"double"` and unquoted values
//! interpolated, `KEY=` empty, a bare `KEY` unset.

use super::interpolate::{resolve, Eff, Vars};
use super::yaml::Loc;
use std::sync::Arc;

/// One `KEY=VALUE` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value after quoting rules and interpolation; `None` for a bare `KEY`.
    pub value: Option<Eff>,
    /// Where the key is written.
    pub loc: Loc,
}

/// Names that are documentation, never sources nor findings.
pub fn is_template(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    const EXT: [&str; 5] = [".example", ".sample", ".template", ".tmpl", ".dist"];
    base == ".env.defaults" || EXT.iter().any(|e| base.ends_with(e))
}

/// Parses an env file; `outer` supplies variables for interpolation besides earlier lines.
pub fn parse(file: &Arc<str>, text: &str, outer: &Vars) -> Vec<Entry> {
    parse_as(file, text, outer, false)
}

/// Adds the known values of an env file to `vars` (later files override earlier ones); the
/// file's own lines see `vars` and its earlier lines.
pub fn load_into(vars: &mut Vars, file: &str, text: &str) {
    for e in parse(&Arc::from(file), text, vars) {
        if let Some(t) = e.value.as_ref().and_then(|v| v.text()) {
            vars.set(&e.key, t.to_string(), Some(e.loc.clone()));
        }
    }
}

/// [`parse`], or with `raw` (`env_file: {format: raw}`) every value taken verbatim: no
/// quote removal, no comments, no interpolation.
pub fn parse_as(file: &Arc<str>, text: &str, outer: &Vars, raw_format: bool) -> Vec<Entry> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut vars = outer.clone();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let (body, shift) = match body.strip_prefix("export ") {
            Some(b) => (b.trim_start(), body.len() - b.trim_start().len()),
            None => (body, 0),
        };
        let loc = Loc {
            file: file.clone(),
            line: i + 1,
            col: indent + shift + 1,
        };
        let Some((key, raw)) = body.split_once('=') else {
            out.push(Entry {
                key: body.to_string(),
                value: None,
                loc,
            });
            continue;
        };
        let key = key.trim().to_string();
        let eff = if raw_format {
            Eff::Literal(raw.to_string())
        } else {
            value(raw.trim_start(), &vars)
        };
        if let Some(t) = eff.text() {
            vars.set(&key, t.to_string(), Some(loc.clone()));
        }
        out.push(Entry {
            key,
            value: Some(eff),
            loc,
        });
    }
    out
}

fn value(raw: &str, vars: &Vars) -> Eff {
    if let Some(r) = raw.strip_prefix('\'') {
        let v = r.split_once('\'').map_or(r, |(v, _)| v);
        return Eff::Literal(v.to_string());
    }
    if let Some(r) = raw.strip_prefix('"') {
        return resolve(&unescape_double(r), vars).eff;
    }
    let v = match raw.find(" #").or_else(|| raw.find("\t#")) {
        Some(i) => &raw[..i],
        None => raw,
    };
    resolve(v.trim_end(), vars).eff
}

fn unescape_double(r: &str) -> String {
    let mut out = String::new();
    let mut chars = r.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_rules() {
        let f: Arc<str> = Arc::from(".env");
        let text = "# c\nA=1 # note\nB='x $A # y'\nC=\"q $A\"\nD=\nE\nexport F=z\n";
        let e = parse(&f, text, &Vars::default());
        let get = |k: &str| e.iter().find(|x| x.key == k).and_then(|x| x.value.clone());
        assert_eq!(get("A"), Some(Eff::Literal("1".into())));
        assert_eq!(get("B"), Some(Eff::Literal("x $A # y".into())));
        assert_eq!(get("C"), Some(Eff::Literal("q 1".into())));
        assert_eq!(get("D"), Some(Eff::Literal(String::new())));
        assert_eq!(get("E"), None);
        assert_eq!(e.iter().find(|x| x.key == "F").map(|x| x.loc.line), Some(7));
    }

    #[test]
    fn raw_format_takes_values_verbatim() {
        let f: Arc<str> = Arc::from("app.env");
        let e = parse_as(
            &f,
            "A=1\nB='q' # not a comment\nC=$A\n",
            &Vars::default(),
            true,
        );
        let get = |k: &str| e.iter().find(|x| x.key == k).and_then(|x| x.value.clone());
        assert_eq!(get("B"), Some(Eff::Literal("'q' # not a comment".into())));
        assert_eq!(get("C"), Some(Eff::Literal("$A".into())));
    }

    #[test]
    fn templates() {
        assert!(is_template("a/.env.example"));
        assert!(is_template(".env.defaults"));
        assert!(is_template("prod.env.tmpl"));
        assert!(!is_template(".env"));
        assert!(!is_template(".env.production"));
    }
}
