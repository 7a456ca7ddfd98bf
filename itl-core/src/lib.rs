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
//!
//! # The API
//!
//! Everything public is re-exported here; the modules are private. In short:
//!
//! - reading and writing: [`TrustList`] (header, records, elements, the signed
//!   bytes; lossless `to_bytes`, length-fixing `to_bytes_fixed`), [`Header`],
//!   [`Record`], [`Element`], with [`ParseError`] and [`EncodeError`];
//! - names of stored numbers: [`HeaderTag`], [`RecordTag`], [`Role`],
//!   [`DigestAlgorithm`], [`FileKind`];
//! - trust: [`verify_signature`], [`verify_with_trust`] and [`TrustAnchor`],
//!   [`check_certificates`], [`CertInfo`], [`Fingerprints`], keys as
//!   [`PublicKey`] and [`SigningKey`];
//! - building: [`Builder`], [`RecordSpec`], [`load_certificate`];
//! - phone versus server: [`diff`] (records added, removed, changed: [`TrustListDiff`]),
//!   [`decide`] (the phone's [`TrustDecision`]: [`Verdict`], [`TrustedBy`], [`Reason`],
//!   [`Remedy`], all data, worded by the caller), both at once with [`compare`] (or
//!   [`compare_hashes`] for the hash a phone shows), giving a [`Comparison`];
//! - fleet and boot: [`audit`], [`replay`];
//! - printing what `itltool` prints, to any `&mut dyn Write`:
//!   [`write_show_text`], [`write_show_cucm`], [`write_show_json`],
//!   [`write_verify`], [`write_verify_json`], [`write_hash`], [`write_hash_json`]
//!   (the JSON ones with the default feature `json`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
mod build;
mod cert;
mod certcheck;
mod compare;
mod decision;
mod diff;
mod digest;
mod dn;
mod edit;
mod element;
mod encrypted;
mod error;
mod fingerprint;
mod header;
mod keys;
mod kind;
mod memo;
mod phone;
mod pkcs1v15;
mod record;
mod render;
mod role;
mod signed;
mod signer;
mod tag;
mod text;
mod timefmt;
mod trustlist;
mod verify;

pub use audit::{
    AuditGroup, AuditInput, AuditReport, AuditRow, AuditSummary, AuditVerdict, BadHash, BadLine,
    BadMac, CsvError, FileId, FileSet, FileStatus, Held, Judgement, KnownFile, LineProblem, Mac,
    Phone, PhoneHash, PhoneList, Served, Target, UnknownReason, audit, write_csv_record,
};
pub use build::{
    BuildError, Builder, CertificateOf, RecordSpec, SelfCheckError, StringField, load_certificate,
};
pub use cert::{CertError, CertInfo};
pub use certcheck::{
    CertReport, Check, CheckDetail, CheckKind, KeySource, PHONE_MAX_FILE_SIZE, RecordChecks,
    Warning, WarningKind, cert_hash_matches, check_certificates, check_record,
};
pub use compare::{Comparison, PhoneHashes, compare, compare_hashes};
pub use decision::{
    DecidingRecord, Reason, RecordSource, Remedy, SignerKind, TrustDecision, TrustedBy, TvsCheck,
    Verdict, decide,
};
pub use diff::{
    ChangedField, RecordChange, RecordSummary, SignerId, TrustListDiff, diff, same_certificate,
};
pub use digest::DigestAlgorithm;
pub use dn::{common_name, same_dn};
pub use edit::EditableTrustList;
pub use element::{Body, Element};
pub use encrypted::{ALGORITHM_AES, DecryptError, EncryptionError, EncryptionInfo, decrypt};
pub use error::{
    ContainerProblem, ElementTag, EncodeError, EncodedPart, Found, ParseError, Structure,
};
pub use fingerprint::Fingerprints;
pub use header::Header;
pub use keys::{KeyError, PrivateKeyError, PublicKey, SigningError, SigningKey};
pub use kind::{AnyFile, detect_kind, detect_kind_with};
pub use phone::{
    Broken, Decision, DirSource, DirSourceError, FileSource, HeldFile, HeldList, Outcome,
    PhoneStart, Replay, ReplayError, Stage, Step, TrustState, replay,
};
pub use record::Record;
pub use render::{
    AnchorText, CheckText, CucmOptions, FileHash, Shown, TextOptions, VerifyOptions, WarningText,
    write_cucm_header, write_hash, write_show_cucm, write_show_text, write_verify,
};
#[cfg(feature = "json")]
pub use render::{
    JSON_SCHEMA_VERSION, JsonLayout, JsonOptions, write_hash_json, write_show_json,
    write_verify_json,
};
pub use role::Role;
pub use signed::{
    CertificateReport, SelfCheck, SignError, SignedFile, SignedFileBuilder, SignedFileError,
    SignedFileReport, TrustRecord, signs_config_files, verify_signed_file,
    verify_signed_file_with_certificate,
};
pub use tag::{HeaderTag, RecordTag};
pub use text::{printable, truncate_text, wrap_text};
pub use trustlist::{FileKind, Limits, MAX_ELEMENTS, MAX_FILE_SIZE, TrustList};
pub use verify::{
    AnchorOrigin, SignatureError, SignatureReport, TrustAnchor, TrustReport, verify_signature,
    verify_signature_with_key, verify_with_trust,
};

/// The library that checks RSA signatures in this build: `"aws-lc-rs"` (AWS-LC,
/// the default cargo feature `aws-lc`) or `"rsa (pure Rust)"` (the `rsa` crate,
/// feature `pure-rust` without `aws-lc`). Both give the same answer for every
/// key and signature; AWS-LC is faster.
pub const RSA_BACKEND: &str = pkcs1v15::BACKEND;
