//! Parse, serialize, verify and build Cisco ITL and CTL trust-list files
//! (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`, `CTLFile.tlv`).
//!
//! ```
//! # let ctl_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
//! // A CTLFile.tlv written by a CUCM 10 cluster.
//! let bytes = std::fs::read(ctl_file)?;
//! let tl = itl_core::TrustList::parse(&bytes)?;
//! // Parsing is lossless: the file serializes back to the same bytes.
//! assert_eq!(tl.to_bytes(), bytes);
//! assert_eq!(tl.kind(), itl_core::FileKind::Ctl);
//!
//! // The signature is checked over the original bytes, with the key of the
//! // record the header names as signer (1-based).
//! let report = itl_core::verify_signature(&tl)?;
//! assert_eq!(report.signer_record, 1);
//! assert_eq!(report.digest, itl_core::DigestAlgorithm::SHA1);
//!
//! for r in tl.records() {
//!     let role = r.function().map_or_else(|| "-".to_owned(), |f| f.to_string());
//!     println!("{role}: {}", r.subject_name().unwrap_or_default());
//! }
//! assert_eq!(tl.records()[0].function(), Some(itl_core::Role::SAST));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The file format is described in `docs/FORMAT.md` of the repository.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
pub mod build;
pub mod cert;
pub mod certcheck;
pub mod compare;
pub mod digest;
pub mod dn;
mod edit;
pub mod element;
mod encrypted;
pub mod error;
pub mod fingerprint;
pub mod header;
mod kind;
mod memo;
mod phone;
mod pkcs1v15;
pub mod record;
pub mod role;
mod signed;
pub mod tag;
pub mod timefmt;
pub mod trustlist;
pub mod verify;

pub use audit::{
    AuditGroup, AuditInput, AuditReport, AuditRow, AuditSummary, AuditVerdict, BadHash, BadLine,
    BadMac, CsvError, FileId, FileSet, FileStatus, Held, Judgement, KnownFile, LineProblem, Mac,
    Phone, PhoneHash, PhoneList, Served, Target, UnknownReason, audit, write_csv_record,
};
pub use build::{BuildError, Builder, RecordSpec, load_certificate, load_private_key};
pub use cert::CertInfo;
pub use certcheck::{CertReport, Check, RecordChecks, Warning, WarningKind, check_certificates};
pub use compare::{Comparison, PhoneHashes, Verdict, compare, compare_hashes};
pub use digest::DigestAlgorithm;
pub use edit::EditableTrustList;
pub use element::{Body, Element};
pub use encrypted::{ALGORITHM_AES, DecryptError, EncryptionError, EncryptionInfo, decrypt};
pub use error::{EncodeError, ParseError};
pub use fingerprint::Fingerprints;
pub use header::Header;
pub use kind::{AnyFile, detect_kind};
pub use phone::{
    Broken, DecidingRecord, Decision, DirSource, DirSourceError, FileSource, HeldFile, HeldList,
    Outcome, PhoneStart, Reason, RecordSource, Remedy, Replay, ReplayError, Stage, Step,
    TrustState, TvsCheck, replay,
};
pub use record::Record;
pub use role::Role;
/// The `rsa` crate this library uses (for `rsa::PrivateKey` and `rsa::PublicKey`).
pub use rsa;
pub use signed::{
    CertificateReport, SelfCheck, SignError, SignedFile, SignedFileBuilder, SignedFileError,
    SignedFileReport, TrustRecord, signs_config_files, verify_signed_file,
    verify_signed_file_with_certificate,
};
pub use tag::{HeaderTag, RecordTag};
pub use trustlist::{FileKind, Limits, MAX_ELEMENTS, MAX_FILE_SIZE, TrustList};
pub use verify::{
    SignatureError, SignatureReport, TrustAnchor, TrustReport, verify_signature,
    verify_signature_with_key, verify_with_trust,
};

/// The library that checks RSA signatures in this build: `"aws-lc-rs"` (AWS-LC,
/// the default cargo feature `aws-lc`) or `"rsa (pure Rust)"` (the `rsa` crate,
/// feature `pure-rust` without `aws-lc`). Both give the same answer for every
/// key and signature; AWS-LC is faster.
pub const RSA_BACKEND: &str = pkcs1v15::BACKEND;

/// Lower-case hex of `bytes`, no separators (as in `--format json`).
pub fn hex_lower(bytes: &[u8]) -> String {
    header::hex_string(bytes)
}

/// `text` safe to print on a terminal: control characters (C0, DEL and C1, line
/// breaks and tabs included) and the Unicode bidirectional controls are written as
/// Rust escapes (`\n`, `\u{1b}`, `\u{202e}`); everything else, backslashes too, is
/// unchanged. Messages for people that quote names from a file use it, so that a
/// hostile name cannot move the cursor, change colours, reorder a line or add a
/// line of its own.
///
/// ```
/// assert_eq!(itl_core::printable("CN=a;O=b"), "CN=a;O=b");
/// assert_eq!(itl_core::printable("x\n\u{1b}[2Jy"), "x\\n\\u{1b}[2Jy");
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

#[cfg(test)]
mod tests {
    use super::*;

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
