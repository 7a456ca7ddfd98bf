//! Text from a file made safe to print.

/// `text` safe to print on a terminal: control characters (C0, DEL and C1, line
/// breaks and tabs included) and the Unicode bidirectional controls are written as
/// Rust escapes (`\n`, `\u{1b}`, `\u{202e}`); everything else, backslashes too, is
/// unchanged. Messages for people that quote names from a file use it, so that a
/// hostile name cannot move the cursor, change colours, reorder a line or add a
/// line of its own.
///
/// ```
/// assert_eq!(itl_cli::text::printable("CN=a;O=b"), "CN=a;O=b");
/// assert_eq!(itl_cli::text::printable("x\n\u{1b}[2Jy"), "x\\n\\u{1b}[2Jy");
/// ```
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(steers) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if steers(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `c` is escaped by [`printable`].
fn steers(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Writes `value` (its `Display` text) to `out` escaped as [`printable`] escapes,
/// without building the text first: for output lines written straight into a
/// buffer.
pub fn write_printable(
    out: &mut dyn std::io::Write,
    value: impl std::fmt::Display,
) -> std::io::Result<()> {
    struct Escaping<'a> {
        out: &'a mut dyn std::io::Write,
        error: Option<std::io::Error>,
    }
    impl std::fmt::Write for Escaping<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let r = match printable(s) {
                std::borrow::Cow::Borrowed(s) => self.out.write_all(s.as_bytes()),
                std::borrow::Cow::Owned(s) => self.out.write_all(s.as_bytes()),
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
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_only_what_steers_a_terminal() {
        assert_eq!(printable("CN=é\\,x;O=Cisco"), "CN=é\\,x;O=Cisco");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(printable("a\tb\rc\nd"), "a\\tb\\rc\\nd");
        assert_eq!(printable("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        let mut out = Vec::new();
        write_printable(&mut out, format_args!("a{}b", "\n\u{202e}")).unwrap();
        assert_eq!(out, b"a\\n\\u{202e}b");
        assert_eq!(
            printable("abc\u{202e}fed\u{2066}\u{200f}"),
            "abc\\u{202e}fed\\u{2066}\\u{200f}"
        );
    }
}
