//! Per-record certificate checks and warnings.
//!
//! A record repeats facts of its certificate (names, serial, public key, the
//! certificate's signature); the checks say whether they agree. Warnings point at
//! things phones or administrators should know about but that do not make the
//! file wrong: expired certificates, small RSA keys, SHA-1 certificate
//! signatures, a file too large for phones.

use std::sync::Arc;

use crate::cert::{CertError, CertInfo, unsigned};
use crate::digest::DigestAlgorithm;
use crate::dn::same_dn;
use crate::fingerprint::hash;
use crate::record::Record;
use crate::trustlist::TrustList;

/// Largest file phones accept: 64 KiB.
pub const PHONE_MAX_FILE_SIZE: usize = 64 * 1024;

/// Which fact of a record a [`Check`] compares with its certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// The CERTIFICATE element parses as an X.509 certificate.
    Certificate,
    /// SUBJECTNAME names the certificate's subject.
    SubjectName,
    /// ISSUERNAME names the certificate's issuer.
    IssuerName,
    /// SERIALNUMBER is the certificate's serial.
    SerialNumber,
    /// PUBLICKEY is the certificate's subjectPublicKey.
    PublicKey,
    /// SIGNATURE is the certificate's signatureValue.
    Signature,
    /// CERTHASH is the hash (by HASH ALGORITHM) of the certificate.
    CertHash,
}

impl CheckKind {
    /// Stable name for machine output: `certificate`, `subject_name`,
    /// `issuer_name`, `serial_number`, `public_key`, `signature`, `cert_hash`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certificate => "certificate",
            Self::SubjectName => "subject_name",
            Self::IssuerName => "issuer_name",
            Self::SerialNumber => "serial_number",
            Self::PublicKey => "public_key",
            Self::Signature => "signature",
            Self::CertHash => "cert_hash",
        }
    }
}

/// What a [`Check`] found: the values compared, as data (the caller words them).
///
/// Values read from the certificate are shared with the certificate memo
/// ([`Arc<CertInfo>`]), so a passing check costs no copy of them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckDetail {
    /// [`CheckKind::Certificate`] passed: the CERTIFICATE parses; its length in bytes.
    Parses {
        /// Length of the DER certificate.
        len: usize,
    },
    /// [`CheckKind::Certificate`] failed: why the CERTIFICATE does not parse.
    DoesNotParse(CertError),
    /// The record's value (SUBJECTNAME, ISSUERNAME, SERIALNUMBER, PUBLICKEY or
    /// SIGNATURE, by the check's kind) equals the certificate's; names are equal
    /// attribute by attribute.
    Matches {
        /// The certificate compared with.
        certificate: Arc<CertInfo>,
    },
    /// SUBJECTNAME or ISSUERNAME names other attributes than the certificate.
    NameDiffers {
        /// The record's name as stored.
        stored: String,
        /// The certificate compared with (its `subject` or `issuer`).
        certificate: Arc<CertInfo>,
    },
    /// SERIALNUMBER differs from the certificate's serial.
    SerialDiffers {
        /// The record's SERIALNUMBER bytes.
        stored: Vec<u8>,
        /// The certificate compared with (its `serial`).
        certificate: Arc<CertInfo>,
    },
    /// PUBLICKEY or SIGNATURE differs from the certificate's bytes.
    BytesDiffer {
        /// Length of the record's element.
        stored_len: usize,
        /// The certificate compared with (its `public_key` or `signature`).
        certificate: Arc<CertInfo>,
    },
    /// CERTHASH is the hash of the certificate by this algorithm.
    CertHashMatches {
        /// The record's HASH ALGORITHM.
        algorithm: DigestAlgorithm,
    },
    /// CERTHASH is not the hash of the certificate.
    CertHashDiffers {
        /// The record's HASH ALGORITHM.
        algorithm: DigestAlgorithm,
        /// The record's CERTHASH.
        stored: Vec<u8>,
        /// The hash computed over the certificate.
        computed: Vec<u8>,
    },
    /// HASH ALGORITHM is not a hash this crate knows (1 SHA-1, 2 SHA-256, 3 SHA-512).
    UnknownHashAlgorithm {
        /// The code found.
        algorithm: DigestAlgorithm,
    },
    /// CERTHASH without a one-byte HASH ALGORITHM.
    NoHashAlgorithm,
}

/// One check of a record against its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked.
    pub kind: CheckKind,
    /// Whether the check passed.
    pub passed: bool,
    /// What was compared, or what differs.
    pub detail: CheckDetail,
}

impl Check {
    /// The stable name of the check's kind ([`CheckKind::as_str`]).
    pub fn name(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// The certificate's notAfter is in the past.
    Expired,
    /// The certificate's notBefore is in the future.
    NotYetValid,
    /// An RSA key under 2048 bits.
    WeakRsaKey,
    /// The certificate is signed with a SHA-1 based algorithm.
    Sha1Signature,
    /// The file is over 64 KiB; phones refuse it.
    FileTooLarge,
}

impl WarningKind {
    /// Stable name for machine output: `expired`, `not_yet_valid`, `weak_rsa_key`,
    /// `sha1_signature`, `file_too_large`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::WeakRsaKey => "weak_rsa_key",
            Self::Sha1Signature => "sha1_signature",
            Self::FileTooLarge => "file_too_large",
        }
    }
}

/// Where a weak RSA key was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySource {
    /// The record's CERTIFICATE.
    Certificate,
    /// The record's PUBLICKEY element (a record without CERTIFICATE).
    PublicKey,
}

/// A warning, with the facts it is about (the caller words it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The certificate's notAfter is before the time checked against.
    Expired {
        /// notBefore, Unix time.
        not_before: i64,
        /// notAfter, Unix time.
        not_after: i64,
    },
    /// The certificate's notBefore is after the time checked against.
    NotYetValid {
        /// notBefore, Unix time.
        not_before: i64,
        /// notAfter, Unix time.
        not_after: i64,
    },
    /// An RSA key under 2048 bits.
    WeakRsaKey {
        /// Where the key is.
        source: KeySource,
        /// Its size.
        bits: usize,
    },
    /// The certificate is signed with a SHA-1 based algorithm.
    Sha1Signature {
        /// The certificate (its `signature_algorithm_name` names the algorithm).
        certificate: Arc<CertInfo>,
    },
    /// The file is over [`PHONE_MAX_FILE_SIZE`] bytes; phones refuse it.
    FileTooLarge {
        /// The file's size in bytes.
        size: usize,
    },
}

impl Warning {
    /// What the warning is about.
    pub fn kind(&self) -> WarningKind {
        match self {
            Self::Expired { .. } => WarningKind::Expired,
            Self::NotYetValid { .. } => WarningKind::NotYetValid,
            Self::WeakRsaKey { .. } => WarningKind::WeakRsaKey,
            Self::Sha1Signature { .. } => WarningKind::Sha1Signature,
            Self::FileTooLarge { .. } => WarningKind::FileTooLarge,
        }
    }
}

/// Checks and warnings of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordChecks {
    /// 1-based record number.
    pub index: usize,
    /// The checks run (none for a record without CERTIFICATE).
    pub checks: Vec<Check>,
    /// Warnings about the record's certificate or key.
    pub warnings: Vec<Warning>,
}

impl RecordChecks {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Checks and warnings of a whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertReport {
    /// One entry per record, in file order.
    pub records: Vec<RecordChecks>,
    /// Warnings about the file as a whole.
    pub warnings: Vec<Warning>,
}

impl CertReport {
    /// Whether every check of every record passed.
    pub fn passed(&self) -> bool {
        self.records.iter().all(RecordChecks::passed)
    }
}

/// Checks every record of `tl` at Unix time `now` (for the validity warnings).
pub fn check_certificates(tl: &TrustList<'_>, now: i64) -> CertReport {
    let mut warnings = Vec::new();
    let size = tl.raw().len();
    if size > PHONE_MAX_FILE_SIZE {
        warnings.push(Warning::FileTooLarge { size });
    }
    CertReport {
        records: tl
            .records()
            .iter()
            .enumerate()
            .map(|(i, r)| check_record(i + 1, r, now))
            .collect(),
        warnings,
    }
}

fn check(kind: CheckKind, passed: bool, detail: CheckDetail) -> Check {
    Check {
        kind,
        passed,
        detail,
    }
}

/// Checks one record (number `index`, 1-based) at Unix time `now`.
pub fn check_record(index: usize, record: &Record<'_>, now: i64) -> RecordChecks {
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let Some(der) = record.certificate() else {
        // No certificate to compare with; the key may still be judged.
        if let Some(bits) = record.public_key().and_then(crate::pkcs1v15::modulus_bits) {
            weak_key(&mut warnings, bits, KeySource::PublicKey);
        }
        return RecordChecks {
            index,
            checks,
            warnings,
        };
    };
    let info = match CertInfo::parse_shared(der) {
        Ok(info) => {
            checks.push(check(
                CheckKind::Certificate,
                true,
                CheckDetail::Parses { len: der.len() },
            ));
            info
        }
        Err(reason) => {
            checks.push(check(
                CheckKind::Certificate,
                false,
                CheckDetail::DoesNotParse(reason),
            ));
            return RecordChecks {
                index,
                checks,
                warnings,
            };
        }
    };
    for (kind, stored, cert) in [
        (
            CheckKind::SubjectName,
            record.subject_name(),
            info.subject.as_str(),
        ),
        (
            CheckKind::IssuerName,
            record.issuer_name(),
            info.issuer.as_str(),
        ),
    ] {
        if let Some(stored) = stored {
            let passed = same_dn(&stored, cert);
            let detail = if passed {
                CheckDetail::Matches {
                    certificate: Arc::clone(&info),
                }
            } else {
                CheckDetail::NameDiffers {
                    stored,
                    certificate: Arc::clone(&info),
                }
            };
            checks.push(check(kind, passed, detail));
        }
    }
    if let Some(serial) = record.serial_number() {
        let passed = unsigned(serial) == info.serial.as_slice();
        let detail = if passed {
            CheckDetail::Matches {
                certificate: Arc::clone(&info),
            }
        } else {
            CheckDetail::SerialDiffers {
                stored: serial.to_vec(),
                certificate: Arc::clone(&info),
            }
        };
        checks.push(check(CheckKind::SerialNumber, passed, detail));
    }
    for (kind, stored, cert) in [
        (CheckKind::PublicKey, record.public_key(), &info.public_key),
        (CheckKind::Signature, record.signature(), &info.signature),
    ] {
        if let Some(stored) = stored {
            let passed = stored == cert.as_slice();
            let detail = if passed {
                CheckDetail::Matches {
                    certificate: Arc::clone(&info),
                }
            } else {
                CheckDetail::BytesDiffer {
                    stored_len: stored.len(),
                    certificate: Arc::clone(&info),
                }
            };
            checks.push(check(kind, passed, detail));
        }
    }
    if let Some(stored) = record.cert_hash() {
        let alg = record.hash_algorithm();
        let computed = alg.and_then(|a| hash(a, der));
        let (passed, detail) = match (alg, computed) {
            (Some(algorithm), Some(h)) if h == stored => {
                (true, CheckDetail::CertHashMatches { algorithm })
            }
            (Some(algorithm), Some(computed)) => (
                false,
                CheckDetail::CertHashDiffers {
                    algorithm,
                    stored: stored.to_vec(),
                    computed,
                },
            ),
            (Some(algorithm), None) => (false, CheckDetail::UnknownHashAlgorithm { algorithm }),
            (None, _) => (false, CheckDetail::NoHashAlgorithm),
        };
        checks.push(check(CheckKind::CertHash, passed, detail));
    }

    let (not_before, not_after) = (info.not_before, info.not_after);
    if now > not_after {
        warnings.push(Warning::Expired {
            not_before,
            not_after,
        });
    } else if now < not_before {
        warnings.push(Warning::NotYetValid {
            not_before,
            not_after,
        });
    }
    if info.is_rsa {
        weak_key(&mut warnings, info.key_bits, KeySource::Certificate);
    }
    if info.sha1_signed() {
        warnings.push(Warning::Sha1Signature { certificate: info });
    }
    RecordChecks {
        index,
        checks,
        warnings,
    }
}

/// Whether a record's CERTHASH is the hash (by its HASH ALGORITHM) of the DER
/// certificate `der`, as a phone checks a TVS server's certificate against its
/// ITL entry. `None` when the record has no CERTHASH or a hash code this crate
/// does not know.
pub fn cert_hash_matches(record: &Record<'_>, der: &[u8]) -> Option<bool> {
    let stored = record.cert_hash()?;
    let computed = hash(record.hash_algorithm()?, der)?;
    Some(computed == stored)
}

fn weak_key(warnings: &mut Vec<Warning>, bits: usize, source: KeySource) {
    if bits < 2048 {
        warnings.push(Warning::WeakRsaKey { source, bits });
    }
}
