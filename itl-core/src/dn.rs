//! Distinguished-name strings as stored in the file.
//!
//! CUCM writes `CN=host;OU=TAC;O=Cisco`, other builders RFC 4514
//! `C=US,O=Cisco,CN=host` (most significant first). Comparison is attribute by
//! attribute, ignoring separator style and order.

/// Splits a DN string into `(TYPE, value)` pairs, upper-casing the type and
/// trimming spaces. Separators are `;` or unescaped `,`.
pub fn attributes(dn: &str) -> Vec<(String, String)> {
    let sep = if dn.contains(';') { ';' } else { ',' };
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in dn.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((t, v)) => (t.trim().to_ascii_uppercase(), v.trim().to_owned()),
            None => (String::new(), p.trim().to_owned()),
        })
        .collect()
}

/// Whether two DN strings name the same attributes with the same values.
pub fn same_dn(a: &str, b: &str) -> bool {
    // Equal strings name equal attributes: skip splitting them (the common case,
    // and splitting was a sixth of bulk verification time).
    if a == b {
        return true;
    }
    let mut x = attributes(a);
    let mut y = attributes(b);
    x.sort();
    y.sort();
    x == y
}

/// The CN value of a DN string, if it has one.
pub fn common_name(dn: &str) -> Option<String> {
    attributes(dn)
        .into_iter()
        .find(|(t, _)| t == "CN")
        .map(|(_, v)| v)
}
