//! A small positioned YAML tree built from `saphyr-parser` events. It keeps the raw scalar text
//! and style (checks compare raw text, never YAML-coerced values), tags (`!reset`, `!override`),
//! records duplicate keys instead of failing, applies `<<` merge keys itself, and bounds alias
//! expansion and nesting so hostile input is refused quickly.

pub use super::value::{Eff, Loc};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Deepest nesting accepted; compose files are a handful of levels deep.
pub const MAX_DEPTH: usize = 128;
/// Most nodes that aliases may expand to in one document (billion-laughs guard).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar with its raw text (after YAML unescaping, before interpolation).
    Scalar(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in written order, duplicates already collapsed (last wins).
    Map(Vec<(Node, Node)>),
}

/// One YAML node with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Content.
    pub kind: Kind,
    /// Whether a scalar was written plain (unquoted).
    pub plain: bool,
    /// A local tag such as `!reset`, without the leading `!`.
    pub tag: Option<String>,
    /// Where the node is written (inside the anchor definition for aliased content).
    pub loc: Loc,
    /// Where the alias that brought this node in is written, if any.
    pub alias_site: Option<Loc>,
    /// Interpolated value of a scalar (literal raw text until interpolation runs).
    pub eff: Eff,
    /// The env-file line an interpolated value came from.
    pub origin: Option<Loc>,
}

/// A problem in a YAML file, reported as DC090.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlProblem {
    /// Where.
    pub loc: Loc,
    /// What, one line.
    pub message: String,
    /// Whether the file could not be parsed at all.
    pub fatal: bool,
}

/// The documents of one file and its problems.
#[derive(Debug, Default)]
pub struct Parsed {
    /// One node per document; documents are merge layers.
    pub docs: Vec<Node>,
    /// Parse errors and duplicate keys.
    pub problems: Vec<YamlProblem>,
}

impl Node {
    /// A scalar's raw text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// A mapping's entries.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map(m) => m,
            _ => &[],
        }
    }
    /// A sequence's items.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(s) => s,
            _ => &[],
        }
    }
    /// The value under a scalar key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
    /// The key node of `key` in a mapping.
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }
    /// Whether this is a YAML null (`~`, `null`, or nothing written).
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.as_str(), Some("" | "~" | "null" | "Null" | "NULL"))
    }
    /// An empty mapping at `loc`.
    pub fn empty_map(loc: Loc) -> Node {
        Node::new(Kind::Map(Vec::new()), true, None, loc)
    }
    fn new(kind: Kind, plain: bool, tag: Option<String>, loc: Loc) -> Node {
        let eff = match &kind {
            Kind::Scalar(s) => Eff::Literal(s.clone()),
            _ => Eff::Unknown,
        };
        Node {
            kind,
            plain,
            tag,
            loc,
            alias_site: None,
            eff,
            origin: None,
        }
    }
    fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar(_) => 1,
            Kind::Seq(s) => 1 + s.iter().map(Node::count).sum::<usize>(),
            Kind::Map(m) => 1 + m.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }
    fn mark_alias(&mut self, site: &Loc) {
        if self.alias_site.is_none() {
            self.alias_site = Some(site.clone());
        }
        match &mut self.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(s) => s.iter_mut().for_each(|n| n.mark_alias(site)),
            Kind::Map(m) => m.iter_mut().for_each(|(k, v)| {
                k.mark_alias(site);
                v.mark_alias(site);
            }),
        }
    }
}

enum Frame {
    Seq {
        node: Node,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        node: Node,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    file: &'a Arc<str>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    budget: usize,
    docs: Vec<Node>,
    problems: Vec<YamlProblem>,
}

/// Parses every document of `text`; never panics, never recurses on input depth.
pub fn parse(file: &Arc<str>, text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut b = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: MAX_ALIAS_NODES,
        docs: Vec::new(),
        problems: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text).keep_tags(true);
    while let Some(next) = parser.next_event() {
        let step = match next {
            Ok((ev, span)) => b.event(ev, span),
            Err(e) => {
                let m = e.marker();
                Err((
                    b.loc_at(m.line(), m.col()),
                    format!("invalid YAML: {}", e.info()),
                ))
            }
        };
        if let Err((loc, message)) = step {
            b.problems.push(YamlProblem {
                loc,
                message,
                fatal: true,
            });
            b.docs.clear();
            break;
        }
    }
    Parsed {
        docs: b.docs,
        problems: b.problems,
    }
}

type Step = Result<(), (Loc, String)>;

impl Builder<'_> {
    fn loc_at(&self, line: usize, col0: usize) -> Loc {
        Loc {
            file: self.file.clone(),
            line: line.max(1),
            col: col0 + 1,
        }
    }
    fn loc(&self, span: &Span) -> Loc {
        self.loc_at(span.start.line(), span.start.col())
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Step {
        match ev {
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.budget = MAX_ALIAS_NODES;
                Ok(())
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix.clone());
                let plain = style == ScalarStyle::Plain;
                let node = Node::new(Kind::Scalar(text.into_owned()), plain, tag, self.loc(&span));
                if anchor > 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push(node)
            }
            Event::SequenceStart(anchor, tag) => {
                let node = Node::new(
                    Kind::Seq(Vec::new()),
                    true,
                    tag.map(|t| t.suffix.clone()),
                    self.loc(&span),
                );
                self.open(
                    Frame::Seq {
                        node,
                        anchor,
                        items: Vec::new(),
                    },
                    &span,
                )
            }
            Event::MappingStart(anchor, tag) => {
                let node = Node::new(
                    Kind::Map(Vec::new()),
                    true,
                    tag.map(|t| t.suffix.clone()),
                    self.loc(&span),
                );
                self.open(
                    Frame::Map {
                        node,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    },
                    &span,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(id, &span),
            _ => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame, span: &Span) -> Step {
        if self.stack.len() >= MAX_DEPTH {
            return Err((
                self.loc(span),
                format!("YAML nested deeper than {MAX_DEPTH} levels; refused"),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn alias(&mut self, id: usize, span: &Span) -> Step {
        let site = self.loc(span);
        let Some((node, size)) = self.anchors.get(&id) else {
            return Err((site, "alias to an unknown anchor".to_string()));
        };
        if *size > self.budget {
            return Err((
                site,
                format!(
                    "aliases expand to more than {MAX_ALIAS_NODES} nodes (alias bomb?); refused"
                ),
            ));
        }
        self.budget -= *size;
        let mut node = node.clone();
        node.mark_alias(&site);
        self.push(node)
    }

    fn close(&mut self) -> Step {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (mut node, anchor) = match frame {
            Frame::Seq {
                mut node,
                anchor,
                items,
            } => {
                node.kind = Kind::Seq(items);
                (node, anchor)
            }
            Frame::Map {
                mut node,
                anchor,
                entries,
                ..
            } => {
                let entries = self.dedup(entries);
                node.kind = Kind::Map(apply_merge_keys(entries));
                (node, anchor)
            }
        };
        if anchor > 0 {
            let size = node.count();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        node.alias_site = None;
        self.push(node)
    }

    fn push(&mut self, node: Node) -> Step {
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }

    /// Records every repeated key (DC090 at the later occurrence) and keeps the last value in
    /// the position of the first, as a reader of the file would take it.
    fn dedup(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let name = match k.as_str() {
                Some("<<") if k.plain => {
                    out.push((k, v));
                    continue;
                }
                Some(s) => s.to_string(),
                None => {
                    out.push((k, v));
                    continue;
                }
            };
            if let Some(&i) = seen.get(&name) {
                self.problems.push(YamlProblem {
                    loc: k.loc.clone(),
                    message: format!(
                        "duplicate key `{name}` (first at line {})",
                        out[i].0.loc.line
                    ),
                    fatal: false,
                });
                out[i] = (k, v);
            } else {
                seen.insert(name, out.len());
                out.push((k, v));
            }
        }
        out
    }
}

/// YAML 1.1 merge keys, which compose honours: explicit keys win, earlier sources win.
fn apply_merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| k.plain && k.as_str() == Some("<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let (merges, mut out): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| is_merge(k));
    let mut seen: HashSet<String> = out
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    for (_, src) in merges {
        let sources: Vec<Node> = match src.kind {
            Kind::Map(_) => vec![src],
            Kind::Seq(items) => items,
            Kind::Scalar(_) => Vec::new(),
        };
        for s in sources {
            if let Kind::Map(m) = s.kind {
                for (k, v) in m {
                    let fresh = k.as_str().is_none_or(|name| seen.insert(name.to_string()));
                    if fresh {
                        out.push((k, v));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Parsed {
        parse(&Arc::from("c.yml"), text)
    }

    #[test]
    fn yaml_1_2_scalars_stay_strings_with_raw_text() {
        let d = p("ports:\n  - 22:22\nx: yes\ny: \"on\"\n");
        let root = &d.docs[0];
        let port = &root.get("ports").map(|n| n.items()[0].clone());
        assert_eq!(
            port.as_ref()
                .and_then(|n| n.as_str().map(String::from))
                .as_deref(),
            Some("22:22")
        );
        assert!(port.as_ref().is_some_and(|n| n.plain));
        assert_eq!(root.get("x").and_then(Node::as_str), Some("yes"));
        assert_eq!(root.get("y").map(|n| n.plain), Some(false));
        assert_eq!(root.get("x").map(|n| (n.loc.line, n.loc.col)), Some((3, 4)));
    }

    #[test]
    fn duplicate_keys_recorded_last_wins() {
        let d = p("a: 1\nb: 2\na: 3\n");
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].loc.line, 3);
        assert!(!d.problems[0].fatal);
        assert_eq!(d.docs[0].get("a").and_then(Node::as_str), Some("3"));
    }

    #[test]
    fn merge_keys_explicit_wins_then_earlier_alias() {
        let d = p("x: &a {k: 1, m: 1}\ny: &b {k: 2, n: 2}\nz:\n  <<: [*a, *b]\n  m: 9\n");
        let z = d.docs[0]
            .get("z")
            .cloned()
            .unwrap_or_else(|| Node::empty_map(d.docs[0].loc.clone()));
        assert_eq!(z.get("k").and_then(Node::as_str), Some("1"));
        assert_eq!(z.get("m").and_then(Node::as_str), Some("9"));
        assert_eq!(z.get("n").and_then(Node::as_str), Some("2"));
        let k = z
            .get("k")
            .map(|n| (n.loc.line, n.alias_site.as_ref().map(|l| l.line)));
        assert_eq!(k, Some((1, Some(4))));
    }

    #[test]
    fn alias_bomb_refused_quickly() {
        let mut s = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            s.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let t = std::time::Instant::now();
        let d = p(&s);
        assert!(t.elapsed().as_millis() < 2000);
        assert!(d
            .problems
            .iter()
            .any(|x| x.fatal && x.message.contains("alias")));
    }

    #[test]
    fn deep_nesting_refused() {
        let s = "[".repeat(100_000);
        let d = p(&s);
        assert!(d.problems.iter().any(|x| x.fatal));
        let s = "- ".repeat(100_000) + "x\n";
        let d = p(&s);
        assert!(d
            .problems
            .iter()
            .any(|x| x.fatal && x.message.contains("nested")));
    }

    #[test]
    fn invalid_yaml_is_a_problem_and_tags_survive() {
        let d = p("a: [1, 2\n");
        assert!(d.problems.iter().any(|x| x.fatal));
        let d = p("a: !reset []\nb: !override {c: 1}\n");
        assert_eq!(
            d.docs[0].get("a").and_then(|n| n.tag.clone()).as_deref(),
            Some("reset")
        );
        assert_eq!(
            d.docs[0].get("b").and_then(|n| n.tag.clone()).as_deref(),
            Some("override")
        );
    }

    #[test]
    fn crlf_and_bom() {
        let d = p("\u{feff}a: 1\r\nb: 2\r\n");
        assert_eq!(d.docs[0].get("b").map(|n| n.loc.line), Some(2));
    }
}
