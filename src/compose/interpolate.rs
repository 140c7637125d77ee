//! Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`,
//! `${VAR?e}`, `${VAR:+a}`, nesting, `$$`). Values resolve to a literal, a fallback default, or
//! unknown; value checks must never fire on unknown.

pub use super::value::{Eff, Loc};
use std::collections::HashMap;

/// Interpolation source: variable name to value and the env-file line defining it.
#[derive(Debug, Default, Clone)]
pub struct Vars {
    map: HashMap<String, (String, Option<Loc>)>,
}

impl Vars {
    /// Defines (or redefines) a variable.
    pub fn set(&mut self, name: &str, value: String, at: Option<Loc>) {
        self.map.insert(name.to_string(), (value, at));
    }
    /// Looks a variable up.
    pub fn get(&self, name: &str) -> Option<&(String, Option<Loc>)> {
        self.map.get(name)
    }
}

/// The outcome of resolving one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The effective value.
    pub eff: Eff,
    /// The env-file line of the first variable that supplied text.
    pub origin: Option<Loc>,
}

/// Nested `${...}` deeper than this is treated as unknown rather than followed.
const MAX_NEST: usize = 16;

#[derive(Default)]
struct State {
    fallback: bool,
    unknown: bool,
    origin: Option<Loc>,
}

/// Resolves `raw` against `vars`.
pub fn resolve(raw: &str, vars: &Vars) -> Resolved {
    if !raw.contains('$') {
        return Resolved {
            eff: Eff::Literal(raw.to_string()),
            origin: None,
        };
    }
    let mut st = State::default();
    let out = expand(raw, vars, &mut st, 0);
    let eff = if st.unknown {
        Eff::Unknown
    } else if st.fallback {
        Eff::Fallback(out)
    } else {
        Eff::Literal(out)
    };
    Resolved {
        eff,
        origin: st.origin,
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn expand(s: &str, vars: &Vars, st: &mut State, depth: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('{') {
            match matching_brace(body) {
                Some(end) => {
                    out.push_str(&braced(&body[..end], vars, st, depth));
                    rest = &body[end + 1..];
                }
                None => {
                    // compose rejects an unterminated `${`; we cannot know the value
                    st.unknown = true;
                    rest = "";
                }
            }
        } else if after.starts_with(is_name_start) {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            out.push_str(&lookup(&after[..end], vars, st));
            rest = &after[end..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn matching_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn lookup(name: &str, vars: &Vars, st: &mut State) -> String {
    match vars.get(name) {
        Some((v, at)) => {
            if st.origin.is_none() {
                st.origin.clone_from(at);
            }
            v.clone()
        }
        None => {
            st.unknown = true;
            String::new()
        }
    }
}

fn braced(inner: &str, vars: &Vars, st: &mut State, depth: usize) -> String {
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, op) = inner.split_at(end);
    if name.is_empty() || depth > MAX_NEST {
        st.unknown = true;
        return String::new();
    }
    let val = vars.get(name);
    let set_nonempty = val.is_some_and(|(v, _)| !v.is_empty());
    let (kind, arg) = split_op(op);
    // the colon forms treat an empty value as unset; the bare forms only an undefined one
    let present = set_nonempty || (!kind.starts_with(':') && val.is_some());
    match kind {
        "" => lookup(name, vars, st),
        ":-" | "-" | ":?" | "?" if present => lookup(name, vars, st),
        ":-" | "-" => {
            st.fallback = true;
            expand(arg, vars, st, depth + 1)
        }
        ":+" | "+" if present => expand(arg, vars, st, depth + 1),
        ":+" | "+" => String::new(),
        _ => {
            st.unknown = true;
            String::new()
        }
    }
}

fn split_op(op: &str) -> (&str, &str) {
    for k in [":-", ":?", ":+", "-", "?", "+"] {
        if let Some(arg) = op.strip_prefix(k) {
            return (k, arg);
        }
    }
    (op, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        let at = Loc {
            file: ".env".into(),
            line: 2,
            col: 1,
        };
        v.set("A", "alpha".into(), Some(at));
        v.set("EMPTY", String::new(), None);
        v
    }

    fn r(s: &str) -> Eff {
        resolve(s, &vars()).eff
    }

    #[test]
    fn forms() {
        assert_eq!(r("x-$A-${A}"), Eff::Literal("x-alpha-alpha".into()));
        assert_eq!(r("${B:-d}"), Eff::Fallback("d".into()));
        assert_eq!(r("${EMPTY:-d}"), Eff::Fallback("d".into()));
        assert_eq!(r("${EMPTY-d}"), Eff::Literal(String::new()));
        assert_eq!(r("${B}"), Eff::Unknown);
        assert_eq!(r("$B"), Eff::Unknown);
        assert_eq!(r("${B:?need B}"), Eff::Unknown);
        assert_eq!(r("${A:?need A}"), Eff::Literal("alpha".into()));
        assert_eq!(r("$$B and $$"), Eff::Literal("$B and $".into()));
        assert_eq!(r("${B:-${C:-x}}"), Eff::Fallback("x".into()));
        assert_eq!(r("${B:-${A}}"), Eff::Fallback("alpha".into()));
        assert_eq!(r("${A:+on}"), Eff::Literal("on".into()));
        assert_eq!(r("${B"), Eff::Unknown);
        assert_eq!(
            r("${DB_BIND:-127.0.0.1}:5432:5432"),
            Eff::Fallback("127.0.0.1:5432:5432".into())
        );
    }

    #[test]
    fn origin_is_the_env_line() {
        let res = resolve("${A}", &vars());
        assert_eq!(res.origin.map(|l| l.line), Some(2));
    }
}
