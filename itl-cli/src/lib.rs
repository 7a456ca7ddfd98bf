//! The library behind the `itltool` command: every command is a function that
//! writes to `&mut dyn Write`, so it can be tested and reused without a process.
#![forbid(unsafe_code)]

pub mod audit;
pub mod build;
pub mod bulk;
pub mod certs;
pub mod compare;
pub mod error;
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
pub mod words;

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

/// The width text is fitted to: none unless `fit` (standard output is a
/// terminal and `--wide` is not given); else the terminal's own width, else
/// `$COLUMNS` (a positive number), else the classic 80 columns.
pub fn fitted_width(fit: bool, terminal: Option<usize>, columns: Option<&str>) -> Option<usize> {
    if !fit {
        return None;
    }
    terminal
        .filter(|&c| c > 0)
        .or_else(|| {
            columns
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|&c| c > 0)
        })
        .or(Some(80))
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

    #[test]
    fn width_falls_back_to_columns_then_80() {
        // Not on a terminal (or --wide): never fitted, whatever $COLUMNS says.
        assert_eq!(fitted_width(false, Some(120), Some("60")), None);
        assert_eq!(fitted_width(false, None, Some("60")), None);
        // The terminal's own size wins over $COLUMNS.
        assert_eq!(fitted_width(true, Some(120), Some("60")), Some(120));
        // Its size unknown: $COLUMNS (spaces allowed), else 80.
        assert_eq!(fitted_width(true, None, Some("60")), Some(60));
        assert_eq!(fitted_width(true, None, Some(" 132\n")), Some(132));
        for bad in [
            None,
            Some(""),
            Some("0"),
            Some("-5"),
            Some("wide"),
            Some("9".repeat(40).as_str()),
        ] {
            assert_eq!(fitted_width(true, None, bad), Some(80), "{bad:?}");
        }
        assert_eq!(fitted_width(true, Some(0), Some("60")), Some(60));
    }
}
