//! Per-record certificate checks and warnings.
//!
//! A record repeats facts of its certificate (names, serial, public key, the
//! certificate's signature); the checks say whether they agree. Warnings point at
//! things phones or administrators should know about but that do not make the
//! file wrong: expired certificates, small RSA keys, SHA-1 certificate
//! signatures, a file too large for phones.

use std::fmt;

use crate::cert::{CertInfo, unsigned};
use crate::dn::same_dn;
use crate::fingerprint::hash;
use crate::record::Record;
use crate::text::printable;
use crate::timefmt::date_time;
use crate::trustlist::TrustList;

/// Largest file phones accept: 64 KiB.
pub const PHONE_MAX_FILE_SIZE: usize = 64 * 1024;

/// One check of a record against its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable name: `certificate`, `subject_name`, `issuer_name`, `serial_number`,
    /// `public_key`, `signature`, `cert_hash`.
    pub name: &'static str,
    /// Whether the check passed.
    pub passed: bool,
    /// What was compared, or what differs.
    pub detail: String,
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

/// A warning: its kind and a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The message, with dates or sizes.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        warnings.push(Warning {
            kind: WarningKind::FileTooLarge,
            message: format!(
                "the file is {size} bytes, over the {PHONE_MAX_FILE_SIZE} bytes (64 KiB) phones accept"
            ),
        });
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

fn check(name: &'static str, passed: bool, detail: String) -> Check {
    Check {
        name,
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
            weak_key(&mut warnings, bits, "PUBLICKEY");
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
                "certificate",
                true,
                format!("parses ({} bytes)", der.len()),
            ));
            info
        }
        Err(reason) => {
            checks.push(check("certificate", false, reason.to_string()));
            return RecordChecks {
                index,
                checks,
                warnings,
            };
        }
    };
    for (name, label, stored, cert) in [
        (
            "subject_name",
            "SUBJECTNAME",
            record.subject_name(),
            &info.subject,
        ),
        (
            "issuer_name",
            "ISSUERNAME",
            record.issuer_name(),
            &info.issuer,
        ),
    ] {
        if let Some(stored) = stored {
            let passed = same_dn(&stored, cert);
            let detail = if passed {
                format!("{label} matches the certificate ({})", printable(cert))
            } else {
                format!("{label} is {stored:?}, the certificate has {cert:?}")
            };
            checks.push(check(name, passed, detail));
        }
    }
    if let Some(serial) = record.serial_number() {
        let passed = unsigned(serial) == info.serial.as_slice();
        let detail = if passed {
            format!(
                "SERIALNUMBER matches the certificate ({})",
                hex::encode(serial)
            )
        } else {
            format!(
                "SERIALNUMBER is {}, the certificate has {}",
                hex::encode(serial),
                hex::encode(&info.serial)
            )
        };
        checks.push(check("serial_number", passed, detail));
    }
    for (name, label, stored, cert) in [
        (
            "public_key",
            "PUBLICKEY",
            record.public_key(),
            &info.public_key,
        ),
        (
            "signature",
            "SIGNATURE",
            record.signature(),
            &info.signature,
        ),
    ] {
        if let Some(stored) = stored {
            let passed = stored == cert.as_slice();
            let detail = if passed {
                format!("{label} matches the certificate ({} bytes)", stored.len())
            } else {
                format!(
                    "{label} ({} bytes) differs from the certificate's ({} bytes)",
                    stored.len(),
                    cert.len()
                )
            };
            checks.push(check(name, passed, detail));
        }
    }
    if let Some(stored) = record.cert_hash() {
        let alg = record.hash_algorithm();
        let computed = alg.and_then(|a| hash(a, der));
        let c = match (alg, computed) {
            (Some(a), Some(h)) if h == stored => check(
                "cert_hash",
                true,
                format!("CERTHASH is the {a} of the certificate"),
            ),
            (Some(a), Some(h)) => check(
                "cert_hash",
                false,
                format!(
                    "CERTHASH is {}, the {a} of the certificate is {}",
                    hex::encode(stored),
                    hex::encode(&h)
                ),
            ),
            (Some(a), None) => check(
                "cert_hash",
                false,
                format!("HASH ALGORITHM {a} is not a known hash (1 SHA-1, 2 SHA-256, 3 SHA-512)"),
            ),
            (None, _) => check(
                "cert_hash",
                false,
                "CERTHASH without a one-byte HASH ALGORITHM".to_owned(),
            ),
        };
        checks.push(c);
    }

    // Dates are formatted only for a warning that shows them.
    let validity = || {
        format!(
            "valid {} to {}",
            date_time(info.not_before),
            date_time(info.not_after)
        )
    };
    if now > info.not_after {
        warnings.push(Warning {
            kind: WarningKind::Expired,
            message: format!(
                "the certificate expired on {} ({})",
                date_time(info.not_after),
                validity()
            ),
        });
    } else if now < info.not_before {
        warnings.push(Warning {
            kind: WarningKind::NotYetValid,
            message: format!(
                "the certificate is not valid until {} ({})",
                date_time(info.not_before),
                validity()
            ),
        });
    }
    if info.is_rsa {
        weak_key(&mut warnings, info.key_bits, "certificate");
    }
    if info.sha1_signed() {
        warnings.push(Warning {
            kind: WarningKind::Sha1Signature,
            message: format!(
                "the certificate is signed with SHA-1 ({})",
                info.signature_algorithm_name
            ),
        });
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

fn weak_key(warnings: &mut Vec<Warning>, bits: usize, source: &str) {
    if bits < 2048 {
        warnings.push(Warning {
            kind: WarningKind::WeakRsaKey,
            message: format!("the {source}'s RSA key has {bits} bits, under 2048"),
        });
    }
}
