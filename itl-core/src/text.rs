//! Names from a file made safe to print: in the library's own messages and in
//! everything the renderers (`render/`) write.

use std::borrow::Cow;

/// `text` safe to print on a terminal: control characters (C0, DEL and C1, line
/// breaks and tabs included) and the Unicode bidirectional controls are written as
/// Rust escapes (`\n`, `\u{1b}`, `\u{202e}`); everything else, backslashes too, is
/// unchanged. Every renderer of this crate writes names from a file through it,
/// so that a hostile name cannot move the cursor, change colours, reorder a line
/// or add a line of its own; tools that print names themselves can do the same.
///
/// ```
/// assert_eq!(itl_core::printable("CN=a;O=b"), "CN=a;O=b");
/// assert_eq!(itl_core::printable("x\n\u{1b}[2Jy"), "x\\n\\u{1b}[2Jy");
/// ```
pub fn printable(text: &str) -> Cow<'_, str> {
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

/// `s` cut to `width` characters, the last one replaced by `…` when cut.
///
/// ```
/// assert_eq!(itl_core::truncate_text("abcdef", 4), "abc…");
/// assert_eq!(itl_core::truncate_text("abc", 4), "abc");
/// ```
pub fn truncate_text(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t
}

/// Word-wraps `text` to `width` columns (characters): the first line starts with
/// `first_prefix`, continuation lines with `indent` spaces. Words longer than a
/// line are cut ([`truncate_text`]).
///
/// ```
/// let lines = itl_core::wrap_text("one two three four", "- ", 2, 9);
/// assert_eq!(lines, ["- one two", "  three", "  four"]);
/// ```
pub fn wrap_text(text: &str, first_prefix: &str, indent: usize, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = first_prefix.to_owned();
    let mut cur_len = cur.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let wl = word.chars().count();
        if !empty && cur_len + 1 + wl > width {
            lines.push(std::mem::replace(&mut cur, " ".repeat(indent)));
            cur_len = indent;
            empty = true;
        }
        if !empty {
            cur.push(' ');
            cur_len += 1;
        }
        let room = width.saturating_sub(cur_len);
        let w = truncate_text(word, room.max(1));
        cur_len += w.chars().count();
        cur.push_str(&w);
        empty = false;
    }
    lines.push(cur);
    lines
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

/// Bytes as lower-case hex, written without an intermediate string.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // 32 bytes at a time through a stack buffer: one `write_str` per 64
        // digits instead of one `write!` per byte.
        let mut digits = [0u8; 64];
        for chunk in self.0.chunks(digits.len() / 2) {
            let digits = &mut digits[..2 * chunk.len()];
            hex::encode_to_slice(chunk, digits).map_err(|_| std::fmt::Error)?;
            f.write_str(std::str::from_utf8(digits).map_err(|_| std::fmt::Error)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_and_wrapping() {
        assert_eq!(truncate_text("abcdef", 6), "abcdef");
        assert_eq!(truncate_text("abcdef", 4), "abc…");
        assert_eq!(truncate_text("abcdef", 0), "");
        let lines = wrap_text("one two three four", "- ", 2, 9);
        assert_eq!(lines, ["- one two", "  three", "  four"]);
        for l in wrap_text(&"x".repeat(300), "", 0, 100) {
            assert!(l.chars().count() <= 100);
        }
    }

    #[test]
    fn printable_escapes_only_what_steers_a_terminal() {
        assert_eq!(printable("CN=é\\,x;O=Cisco"), "CN=é\\,x;O=Cisco");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(printable("a\tb\rc\nd"), "a\\tb\\rc\\nd");
        assert_eq!(printable("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(
            printable("abc\u{202e}fed\u{2066}\u{200f}"),
            "abc\\u{202e}fed\\u{2066}\\u{200f}"
        );
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

    #[test]
    fn hex_is_two_lower_case_digits_per_byte() {
        // Lengths around the 32-byte chunk of the writer, against one
        // `{:02x}` per byte.
        for len in [0, 1, 8, 31, 32, 33, 64, 65, 300] {
            let bytes: Vec<u8> = (0u8..=255).cycle().step_by(37).take(len).collect();
            let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(super::Hex(&bytes).to_string(), expected, "{len} bytes");
        }
    }
}
