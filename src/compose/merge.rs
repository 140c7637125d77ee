//! Compose-spec merging of one layer over another: mappings merge, scalars are replaced,
//! sequences append (`command`, `entrypoint`, `healthcheck.test` are replaced; `ports`,
//! `volumes`, `secrets`, `configs` append with uniqueness), `!reset` removes, `!override`
//! replaces.

use super::yaml::{Kind, Node};

/// Merges `over` onto `base`; `path` is the key path of the node (`services`, name, key...).
pub fn merge(base: Node, over: Node, path: &mut Vec<String>) -> Node {
    if over.tag.as_deref() == Some("override") {
        return strip(over);
    }
    let Node {
        kind,
        plain,
        tag,
        loc,
        alias_site,
        eff,
        origin,
    } = over;
    let kind = match (base.kind, kind) {
        (Kind::Map(mut out), Kind::Map(o)) => {
            for (k, v) in o {
                merge_entry(&mut out, k, v, path);
            }
            Kind::Map(out)
        }
        (Kind::Seq(b), Kind::Seq(o)) => Kind::Seq(merge_seq(b, o, path)),
        (_, kind) => {
            return strip(Node {
                kind,
                plain,
                tag,
                loc,
                alias_site,
                eff,
                origin,
            })
        }
    };
    Node {
        kind,
        plain,
        tag,
        loc,
        alias_site,
        eff,
        origin,
    }
}

fn merge_entry(out: &mut Vec<(Node, Node)>, k: Node, v: Node, path: &mut Vec<String>) {
    let name = k.as_str().unwrap_or_default().to_string();
    let pos = out
        .iter()
        .position(|(ok, _)| ok.as_str() == Some(name.as_str()));
    if v.tag.as_deref() == Some("reset") {
        if let Some(i) = pos {
            out.remove(i);
        }
        return;
    }
    path.push(name);
    match pos {
        Some(i) => {
            let (_, old) = out.remove(i);
            let merged = merge(old, v, path);
            out.insert(i, (k, merged));
        }
        None => out.push((k, strip(v))),
    }
    path.pop();
}

/// Removes `!reset` entries and `!override` tags from a node taken over whole.
pub fn strip(mut node: Node) -> Node {
    node.tag = node.tag.filter(|t| t != "override" && t != "reset");
    node.kind = match node.kind {
        Kind::Map(m) => Kind::Map(
            m.into_iter()
                .filter(|(_, v)| v.tag.as_deref() != Some("reset"))
                .map(|(k, v)| (k, strip(v)))
                .collect(),
        ),
        Kind::Seq(s) => Kind::Seq(s.into_iter().map(strip).collect()),
        k => k,
    };
    node
}

fn merge_seq(base: Vec<Node>, over: Vec<Node>, path: &[String]) -> Vec<Node> {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    let replaced = matches!(
        p.as_slice(),
        ["services", _, "command" | "entrypoint"] | ["services", _, "healthcheck", "test"]
    );
    if replaced {
        return over.into_iter().map(strip).collect();
    }
    let key_fn: Option<fn(&Node) -> Option<String>> = match p.as_slice() {
        ["services", _, "ports"] => Some(port_key),
        ["services", _, "volumes" | "secrets" | "configs"] => Some(target_key),
        _ => None,
    };
    let mut out = base;
    for item in over.into_iter().map(strip) {
        let key = key_fn.and_then(|f| f(&item));
        let existing = key.as_ref().and_then(|k| {
            out.iter()
                .position(|o| key_fn.and_then(|f| f(o)).as_ref() == Some(k))
        });
        match existing {
            Some(i) => out[i] = item,
            None => out.push(item),
        }
    }
    out
}

fn text(n: Option<&Node>) -> String {
    n.and_then(|n| n.eff.text().map(str::to_string))
        .unwrap_or_default()
}

/// Uniqueness key of a `ports` item: `{ip, target, published, protocol}`.
pub fn port_key(n: &Node) -> Option<String> {
    if let Some(s) = n.eff.text().filter(|_| n.as_str().is_some()) {
        let p = super::model::parse_short_port(s);
        return Some(format!(
            "{}|{}|{}|{}",
            p.host_ip.unwrap_or_default(),
            p.target,
            p.published.unwrap_or_default(),
            p.protocol
        ));
    }
    let proto = text(n.get("protocol"));
    Some(format!(
        "{}|{}|{}|{}",
        text(n.get("host_ip")),
        text(n.get("target")),
        text(n.get("published")),
        if proto.is_empty() {
            "tcp".to_string()
        } else {
            proto
        }
    ))
}

/// Uniqueness key of a `volumes`/`secrets`/`configs` item: its target.
pub fn target_key(n: &Node) -> Option<String> {
    if let Some(s) = n.eff.text().filter(|_| n.as_str().is_some()) {
        let parts: Vec<&str> = s.split(':').collect();
        return Some(parts.get(1).copied().unwrap_or(parts[0]).to_string());
    }
    n.get("target")
        .or_else(|| n.get("source"))
        .map(|t| text(Some(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse;
    use std::sync::Arc;

    fn doc(s: &str, f: &str) -> Node {
        let mut p = parse(&Arc::from(f), s);
        p.docs.remove(0)
    }

    #[test]
    fn compose_merge_rules() {
        let a = doc("services:\n  s:\n    command: [a, b]\n    ports: ['80:80', '5432:5432']\n    environment: {A: '1', B: '2'}\n    dns: [x]\n    cap_add: [NET_ADMIN]\n", "a.yml");
        let b = doc("services:\n  s:\n    command: [c]\n    ports: ['127.0.0.1:5432:5432']\n    environment: {A: '3'}\n    dns: [y]\n    cap_add: !reset []\n", "b.yml");
        let m = merge(a, b, &mut Vec::new());
        let s = m
            .get("services")
            .and_then(|s| s.get("s"))
            .cloned()
            .unwrap_or_else(|| Node::empty_map(m.loc.clone()));
        assert_eq!(s.get("command").map(|c| c.items().len()), Some(1));
        assert_eq!(s.get("ports").map(|c| c.items().len()), Some(3));
        assert_eq!(
            s.get("environment")
                .and_then(|e| e.get("A"))
                .and_then(Node::as_str),
            Some("3")
        );
        assert_eq!(
            s.get("environment")
                .and_then(|e| e.get("B"))
                .map(|n| n.loc.file.to_string())
                .as_deref(),
            Some("a.yml")
        );
        assert_eq!(s.get("dns").map(|c| c.items().len()), Some(2));
        assert!(s.get("cap_add").is_none());
    }

    #[test]
    fn override_replaces_and_ports_unique() {
        let a = doc(
            "services:\n  s:\n    ports: ['5432:5432']\n    environment: {A: '1'}\n",
            "a.yml",
        );
        let b = doc(
            "services:\n  s:\n    ports: ['5432:5432']\n    environment: !override {B: '1'}\n",
            "b.yml",
        );
        let m = merge(a, b, &mut Vec::new());
        let s = m
            .get("services")
            .and_then(|s| s.get("s"))
            .cloned()
            .unwrap_or_else(|| Node::empty_map(m.loc.clone()));
        assert_eq!(s.get("ports").map(|c| c.items().len()), Some(1));
        assert_eq!(
            s.get("ports")
                .map(|c| c.items()[0].loc.file.to_string())
                .as_deref(),
            Some("b.yml")
        );
        assert!(s.get("environment").and_then(|e| e.get("A")).is_none());
    }
}
