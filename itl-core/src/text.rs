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
    if !text.chars().any(steers) {
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
