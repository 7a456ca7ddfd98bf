//! Names from a file made safe to print: in the library's own messages and in
//! everything the renderers (`render/`) write.

use std::borrow::Cow;

/// `text` with control characters and the Unicode bidirectional controls written
/// as Rust escapes, so that a hostile name cannot steer a terminal.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    fn steers(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    }
    // Almost every name is printable ASCII: no character to decode.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.chars().any(steers) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if steers(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `value` (its `Display` text) to `out` escaped as [`printable`] escapes,
/// without building the text first: output lines go straight into the buffer.
pub(crate) fn write_printable(
    out: &mut dyn std::io::Write,
    value: impl std::fmt::Display,
) -> std::io::Result<()> {
    struct Escaping<'a> {
        out: &'a mut dyn std::io::Write,
        error: Option<std::io::Error>,
    }
    impl std::fmt::Write for Escaping<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            // `fmt` hands over whole `str`s, so no character is split here.
            let r = match printable(s) {
                Cow::Borrowed(s) => self.out.write_all(s.as_bytes()),
                Cow::Owned(s) => self.out.write_all(s.as_bytes()),
            };
            r.map_err(|e| {
                self.error = Some(e);
                std::fmt::Error
            })
        }
    }
    let mut w = Escaping { out, error: None };
    match std::fmt::write(&mut w, format_args!("{value}")) {
        Ok(()) => Ok(()),
        Err(_) => Err(w
            .error
            .unwrap_or_else(|| std::io::Error::other("formatting failed"))),
    }
}

#[cfg(test)]
mod write_printable_tests {
    #[test]
    fn escapes_as_printable_does() {
        let mut out = Vec::new();
        super::write_printable(&mut out, format_args!("a{}b", "\n\u{202e}")).unwrap();
        assert_eq!(out, b"a\\n\\u{202e}b");
    }
}
