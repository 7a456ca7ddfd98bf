//! Parse, serialize, verify and build Cisco ITL and CTL trust-list files
//! (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`, `CTLFile.tlv`).
//!
//! ```no_run
//! let bytes = std::fs::read("CTLFile.tlv")?;
//! let tl = itl_core::TrustList::parse(&bytes)?;
//! assert_eq!(tl.to_bytes(), bytes);
//! for r in tl.records() {
//!     println!("{:?} {:?}", r.function(), r.subject_name());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The file format is described in `docs/FORMAT.md` of the repository.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod build;
pub mod cert;
pub mod certcheck;
pub mod compare;
pub mod digest;
pub mod dn;
pub mod element;
pub mod error;
pub mod fingerprint;
pub mod header;
pub mod record;
pub mod role;
pub mod tag;
pub mod timefmt;
pub mod trustlist;
pub mod verify;

pub use build::{BuildError, Builder, RecordSpec, load_certificate, load_private_key};
pub use cert::CertInfo;
pub use certcheck::{CertReport, Check, RecordChecks, Warning, WarningKind, check_certificates};
pub use compare::{Comparison, PhoneHashes, Verdict, compare, compare_hashes};
pub use digest::DigestAlgorithm;
pub use element::{Body, Element};
pub use error::{EncodeError, ParseError};
pub use fingerprint::Fingerprints;
pub use header::Header;
pub use record::Record;
pub use role::Role;
/// The `rsa` crate this library uses (for `rsa::PrivateKey` and `rsa::PublicKey`).
pub use rsa;
pub use tag::{HeaderTag, RecordTag};
pub use trustlist::{FileKind, MAX_FILE_SIZE, TrustList};
pub use verify::{
    SignatureError, SignatureReport, TrustAnchor, TrustReport, verify_signature,
    verify_signature_with_key, verify_with_trust,
};

/// Lower-case hex of `bytes`, no separators (as in `--format json`).
pub fn hex_lower(bytes: &[u8]) -> String {
    header::hex_string(bytes)
}
