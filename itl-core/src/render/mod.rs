//! Renderers: what `itltool` prints, as library functions that write to
//! `&mut dyn Write`, so another program can print what `itltool show`,
//! `verify` and `hash` print without running it.
//!
//! | output | function | options |
//! |---|---|---|
//! | `show` (text) | [`write_show_text`] | [`TextOptions`]: width, colour, time |
//! | `show --format cucm` | [`write_show_cucm`] (header table alone: [`write_cucm_header`]) | [`CucmOptions`] |
//! | `show --format json` | [`write_show_json`] | [`JsonOptions`] |
//! | `verify` | [`write_verify`], [`write_verify_json`] | [`VerifyOptions`] |
//! | `hash` | [`write_hash`], [`write_hash_json`] | [`FileHash`] |
//!
//! All wording lives here: the library's checks and verdicts are data, and
//! these functions turn them into sentences. Text from a file (names, DNs) is
//! written with control characters escaped, so a hostile name cannot steer a
//! terminal. JSON documents (schema in `docs/JSON.md`) are serialised from
//! typed structures straight into the writer, record by record, without
//! building a document tree (feature `json`, on by default).

mod certinfo;
mod cucm;
mod findings;
mod hash;
#[cfg(feature = "json")]
mod json;
mod text;
mod verify;
mod words;

pub use cucm::{CucmOptions, write_cucm_header, write_show_cucm};
#[cfg(feature = "json")]
pub use hash::write_hash_json;
pub use hash::{FileHash, write_hash};
#[cfg(feature = "json")]
pub use json::{JSON_SCHEMA_VERSION, JsonLayout, JsonOptions, write_show_json};
pub use text::{TextOptions, write_show_text};
#[cfg(feature = "json")]
pub use verify::write_verify_json;
pub use verify::{VerifyOptions, write_verify};
pub use words::{AnchorText, CheckText, WarningText};

/// What a `show` renderer found: the counts of failures (a phone refuses the
/// file; `itltool show` exits 1) and of warnings it lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shown {
    /// Failures: the file signature when it does not verify or is missing, and
    /// each record check that failed.
    pub failures: usize,
    /// Warnings: certificates, keys and structure a phone or an administrator
    /// would trip over.
    pub warnings: usize,
}
