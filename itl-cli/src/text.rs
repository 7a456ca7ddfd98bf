//! Terminal text for the commands the CLI words itself (`compare`, `phone`,
//! `audit`, signed files): text from a file made safe to print, and fitting text
//! to a width. (`show`, `verify` and `hash` print through itl-core's renderers.)

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
    fn steers(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    }
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

/// A common terminal width (in characters).
pub const MAX_WIDTH: usize = 100;
/// The narrowest width output is fitted to; narrower terminals get this.
pub const MIN_WIDTH_FITTED: usize = 40;

/// `s` cut to `width` characters, the last one replaced by `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
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

/// Word-wraps `text` to `width` columns, the first line starting with
/// `first_prefix`, continuation lines with `indent` spaces. Words longer than a
/// line are cut.
pub fn wrap(text: &str, first_prefix: &str, indent: usize, width: usize) -> Vec<String> {
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
        let w = truncate(word, room.max(1));
        cur_len += w.chars().count();
        cur.push_str(&w);
        empty = false;
    }
    lines.push(cur);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_and_wrapping() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcdef", 0), "");
        let lines = wrap("one two three four", "- ", 2, 9);
        assert_eq!(lines, ["- one two", "  three", "  four"]);
        for l in wrap(&"x".repeat(300), "", 0, 100) {
            assert!(l.chars().count() <= 100);
        }
    }

    #[test]
    fn printable_escapes_only_what_steers_a_terminal() {
        assert_eq!(printable("CN=é\\,x;O=Cisco"), "CN=é\\,x;O=Cisco");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(printable("a\tb\rc\nd"), "a\\tb\\rc\\nd");
        assert_eq!(printable("\u{7f}\u{85}\u{9b}"), "\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(
            printable("abc\u{202e}fed\u{2066}\u{200f}"),
            "abc\\u{202e}fed\\u{2066}\\u{200f}"
        );
    }
}
