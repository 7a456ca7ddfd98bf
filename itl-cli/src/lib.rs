//! The library behind the `itltool` command: every command is a function that
//! writes to `&mut dyn Write`, so it can be tested and reused without a process.
#![forbid(unsafe_code)]

pub mod audit;
pub mod build;
pub mod bulk;
pub mod certs;
pub mod compare;
pub mod fetch;
pub mod hash;
pub mod input;
pub mod man;
pub mod phone;
pub mod show;
pub mod signed;
pub mod text;
pub mod tftp;
pub mod timefmt;
pub mod verify;

/// Exit code: everything checked is valid (or identical / accepted).
pub const EXIT_OK: i32 = 0;
/// Exit code: a verification failed, or files differ / would be rejected.
pub const EXIT_FAIL: i32 = 1;
/// Exit code: a file is unreadable or malformed, or the command line is wrong.
pub const EXIT_ERROR: i32 = 2;

/// Whether to colour output: only on a terminal, and not when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>).
pub fn color_wanted(is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_terminals_without_no_color() {
        use std::ffi::OsStr;
        assert!(color_wanted(true, None));
        assert!(color_wanted(true, Some(OsStr::new(""))));
        assert!(!color_wanted(true, Some(OsStr::new("1"))));
        assert!(!color_wanted(false, None));
    }
}
