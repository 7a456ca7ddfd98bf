//! "Every JSON field is documented": the field paths of a document and the
//! check against a command's section of docs/JSON.md, shared by the tests of
//! every command's `--format json`.

use std::collections::BTreeSet;

use serde_json::Value;

/// Adds the field paths of `v` under `prefix` to `out`: `header.version`,
/// `records[].key`, … (an array's elements share the path `NAME[]`).
pub fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(child, &p, out);
            }
        }
        Value::Array(a) => {
            for child in a {
                paths(child, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The whole of docs/JSON.md.
pub fn documented() -> String {
    std::fs::read_to_string(super::root().join("docs/JSON.md")).unwrap()
}

/// The `` ## `CMD --format json` `` section of docs/JSON.md (up to the next
/// `## ` heading; `###` subsections included).
pub fn section(cmd: &str) -> String {
    let doc = documented();
    let head = format!("## `{cmd} --format json`");
    let start = doc
        .find(&head)
        .unwrap_or_else(|| panic!("docs/JSON.md has no section {head}"));
    let rest = &doc[start + head.len()..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
}

/// A path inside a shared object kind, documented once as `<kind>.field`:
/// `shared` maps path prefixes to kinds (`("phone_signer", "<signer>")`).
pub fn normalise(p: &str, shared: &[(&str, &str)]) -> String {
    for (prefix, kind) in shared {
        if let Some(rest) = p.strip_prefix(&format!("{prefix}.")) {
            return format!("{kind}.{rest}");
        }
    }
    p.to_owned()
}

/// Fails naming every path of `found` (normalised with `shared`) that `doc`
/// does not list as `` `path` ``.
pub fn assert_documented(doc: &str, found: &BTreeSet<String>, shared: &[(&str, &str)], what: &str) {
    let missing: Vec<String> = found
        .iter()
        .map(|p| normalise(p, shared))
        .filter(|p| !doc.contains(&format!("`{p}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: fields not in docs/JSON.md: {missing:?}"
    );
}
