//! The library behind the `itltool` command: every command is a function that
//! writes to `&mut dyn Write`, so it can be tested and reused without a process.
#![forbid(unsafe_code)]

pub mod build;
pub mod bulk;
pub mod fetch;
pub mod hash;
pub mod input;
pub mod show_json;
pub mod tftp;
pub mod trust_json;
pub mod verify;

/// Exit code: everything checked is valid (or identical / accepted).
pub const EXIT_OK: i32 = 0;
/// Exit code: a verification failed, or files differ / would be rejected.
pub const EXIT_FAIL: i32 = 1;
/// Exit code: a file is unreadable or malformed, or the command line is wrong.
pub const EXIT_ERROR: i32 = 2;
