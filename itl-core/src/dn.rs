//! Distinguished-name strings as stored in the file.
//!
//! CUCM writes `CN=host;OU=TAC;O=Cisco`, other builders RFC 4514
//! `C=US,O=Cisco,CN=host` (most significant first). Comparison is attribute by
//! attribute, ignoring separator style and order.

/// Splits a DN string into `(TYPE, value)` pairs, upper-casing the type and
/// trimming spaces. Separators are `;` or unescaped `,`.
pub fn attributes(dn: &str) -> Vec<(String, String)> {
    let sep = if dn.contains(';') { b';' } else { b',' };
    let mut out = Vec::new();
    // The text of the current part without its escapes; `start` is where the
    // not yet copied text of the part begins. Separators and `\` are ASCII, so
    // every index used to slice is a character boundary.
    let mut part = String::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = dn.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            // Drop the backslash; the character after it is kept as it is.
            part.push_str(dn.get(start..i).unwrap_or_default());
            let escaped = dn.get(i + 1..).and_then(|r| r.chars().next());
            start = i + 1;
            i = start + escaped.map_or(0, char::len_utf8);
        } else if b == sep {
            part.push_str(dn.get(start..i).unwrap_or_default());
            push_attribute(&mut out, &part);
            part.clear();
            i += 1;
            start = i;
        } else {
            i += 1;
        }
    }
    part.push_str(dn.get(start..).unwrap_or_default());
    push_attribute(&mut out, &part);
    out
}

/// Adds `TYPE=value` (type upper-cased, both trimmed) unless `part` is blank.
fn push_attribute(out: &mut Vec<(String, String)>, part: &str) {
    if part.trim().is_empty() {
        return;
    }
    out.push(match part.split_once('=') {
        Some((t, v)) => (t.trim().to_ascii_uppercase(), v.trim().to_owned()),
        None => (String::new(), part.trim().to_owned()),
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of `attributes`, character by character: the faster one
    /// must split every string the same way.
    fn attributes_by_char(dn: &str) -> Vec<(String, String)> {
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

    #[test]
    fn attributes_split_as_before() {
        for dn in [
            "CN=host.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US",
            "C=US,O=Cisco,CN=host",
            "CN=a\\,b,O=x",
            "CN=a\\;b;O=x",
            "cn = spaced ; ou= x ;; ",
            "CN=é\\ü,O=ß\\",
            "\\",
            "",
            "novalue;=empty;CN=",
            "CN=a\\\\,O=b",
            "CN=\u{202e}x\\\u{1F600},O=y",
        ] {
            assert_eq!(attributes(dn), attributes_by_char(dn), "{dn:?}");
        }
        assert_eq!(common_name("O=x,CN=h\\,1").as_deref(), Some("h,1"));
    }
}
