//! The English words for the library's typed trust findings: record checks
//! ([`crate::Check`]), certificate warnings ([`crate::Warning`]) and where a
//! trusted key comes from ([`crate::AnchorOrigin`]).
//!
//! One `Display` wrapper per type, each wording its type in one `fmt` function:
//! text is made only when written (`write!(out, "{}", CheckText(&c))` goes
//! straight into the output buffer), so a run that only counts checks formats
//! nothing. Names read from a file are escaped with [`printable`].

use std::fmt;

use crate::cert::CertInfo;
use crate::certcheck::{Check, CheckDetail, CheckKind, KeySource, PHONE_MAX_FILE_SIZE, Warning};
use crate::text::{Hex, printable};
use crate::timefmt::date_time;
use crate::verify::AnchorOrigin;

/// The element a check compares, as the file names it (`SUBJECTNAME`).
fn element(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::SubjectName => "SUBJECTNAME",
        CheckKind::IssuerName => "ISSUERNAME",
        CheckKind::SerialNumber => "SERIALNUMBER",
        CheckKind::PublicKey => "PUBLICKEY",
        CheckKind::Signature => "SIGNATURE",
        CheckKind::CertHash => "CERTHASH",
        CheckKind::Certificate => "CERTIFICATE",
    }
}

/// The certificate's name a name check compares with.
fn cert_name(kind: CheckKind, c: &CertInfo) -> &str {
    if kind == CheckKind::IssuerName {
        &c.issuer
    } else {
        &c.subject
    }
}

/// The certificate's bytes a PUBLICKEY or SIGNATURE check compares with.
fn cert_bytes(kind: CheckKind, c: &CertInfo) -> &[u8] {
    if kind == CheckKind::Signature {
        &c.signature
    } else {
        &c.public_key
    }
}

/// A check's detail in words: `SUBJECTNAME matches the certificate (CN=…)`.
///
/// ```
/// # let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv"))?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let report = itl_core::check_certificates(&tl, 0);
/// let check = &report.records[0].checks[0];
/// let der = tl.records()[0].certificate().unwrap_or_default();
/// assert_eq!(
///     itl_core::CheckText(check).to_string(),
///     format!("parses ({} bytes)", der.len())
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CheckText<'a>(pub &'a Check);

impl fmt::Display for CheckText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.0.kind;
        let label = element(kind);
        match &self.0.detail {
            // The passing checks, nearly every line `verify` prints, are
            // written piece by piece (no `format_args!` to interpret).
            CheckDetail::Parses { len } => {
                f.write_str("parses (")?;
                fmt::Display::fmt(len, f)?;
                f.write_str(" bytes)")
            }
            CheckDetail::DoesNotParse(reason) => write!(f, "{reason}"),
            CheckDetail::Matches { certificate } => {
                f.write_str(label)?;
                f.write_str(" matches the certificate (")?;
                match kind {
                    CheckKind::SubjectName | CheckKind::IssuerName => {
                        f.write_str(&printable(cert_name(kind, certificate)))?
                    }
                    CheckKind::SerialNumber => Hex(&certificate.serial).fmt(f)?,
                    _ => {
                        fmt::Display::fmt(&cert_bytes(kind, certificate).len(), f)?;
                        f.write_str(" bytes")?
                    }
                }
                f.write_str(")")
            }
            CheckDetail::NameDiffers {
                stored,
                certificate,
            } => write!(
                f,
                "{label} is {stored:?}, the certificate has {:?}",
                cert_name(kind, certificate)
            ),
            CheckDetail::SerialDiffers {
                stored,
                certificate,
            } => write!(
                f,
                "{label} is {}, the certificate has {}",
                Hex(stored),
                Hex(&certificate.serial)
            ),
            CheckDetail::BytesDiffer {
                stored_len,
                certificate,
            } => write!(
                f,
                "{label} ({stored_len} bytes) differs from the certificate's ({} bytes)",
                cert_bytes(kind, certificate).len()
            ),
            CheckDetail::CertHashMatches { algorithm } => {
                write!(f, "CERTHASH is the {algorithm} of the certificate")
            }
            CheckDetail::CertHashDiffers {
                algorithm,
                stored,
                computed,
            } => write!(
                f,
                "CERTHASH is {}, the {algorithm} of the certificate is {}",
                Hex(stored),
                Hex(computed)
            ),
            CheckDetail::UnknownHashAlgorithm { algorithm } => write!(
                f,
                "HASH ALGORITHM {algorithm} is not a known hash (1 SHA-1, 2 SHA-256, 3 SHA-512)"
            ),
            CheckDetail::NoHashAlgorithm => {
                f.write_str("CERTHASH without a one-byte HASH ALGORITHM")
            }
        }
    }
}

/// A warning in words: `the certificate expired on 2015-05-07 03:10:47 UTC (…)`.
pub struct WarningText<'a>(pub &'a Warning);

impl fmt::Display for WarningText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Warning::Expired {
                not_before,
                not_after,
            } => write!(
                f,
                "the certificate expired on {} (valid {} to {})",
                date_time(*not_after),
                date_time(*not_before),
                date_time(*not_after)
            ),
            Warning::NotYetValid {
                not_before,
                not_after,
            } => write!(
                f,
                "the certificate is not valid until {} (valid {} to {})",
                date_time(*not_before),
                date_time(*not_before),
                date_time(*not_after)
            ),
            Warning::WeakRsaKey { source, bits } => {
                let source = match source {
                    KeySource::PublicKey => "PUBLICKEY",
                    KeySource::Certificate => "certificate",
                };
                write!(f, "the {source}'s RSA key has {bits} bits, under 2048")
            }
            Warning::Sha1Signature { certificate } => write!(
                f,
                "the certificate is signed with SHA-1 ({})",
                printable(&certificate.signature_algorithm_name)
            ),
            Warning::FileTooLarge { size } => write!(
                f,
                "the file is {size} bytes, over the {PHONE_MAX_FILE_SIZE} bytes (64 KiB) phones accept"
            ),
        }
    }
}

/// Where a trusted key comes from, in words:
/// `current.tlv record 2 (CCM+TFTP) CN=…` or `publisher.crt (CN=…)`.
pub struct AnchorText<'a>(pub &'a AnchorOrigin);

impl fmt::Display for AnchorText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            AnchorOrigin::Certificate { source, subject } => {
                write!(f, "{} ({})", printable(source), printable(subject))
            }
            AnchorOrigin::Record {
                source,
                index,
                role,
                subject,
            } => write!(
                f,
                "{} record {index} ({}) {}",
                printable(source),
                role.short_name(),
                printable(subject.as_deref().unwrap_or_default())
            ),
            AnchorOrigin::Key => f.write_str("a given key"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DigestAlgorithm;

    #[test]
    fn warnings_in_words() {
        let text = |w: Warning| WarningText(&w).to_string();
        assert_eq!(
            text(Warning::Expired {
                not_before: 0,
                not_after: 1_430_968_247
            }),
            "the certificate expired on 2015-05-07 03:10:47 UTC (valid 1970-01-01 00:00:00 UTC to 2015-05-07 03:10:47 UTC)"
        );
        assert_eq!(
            text(Warning::WeakRsaKey {
                source: KeySource::PublicKey,
                bits: 1024
            }),
            "the PUBLICKEY's RSA key has 1024 bits, under 2048"
        );
        assert_eq!(
            text(Warning::FileTooLarge { size: 70_000 }),
            "the file is 70000 bytes, over the 65536 bytes (64 KiB) phones accept"
        );
    }

    #[test]
    fn checks_in_words() {
        let check = |kind, detail| Check {
            kind,
            passed: false,
            detail,
        };
        assert_eq!(
            CheckText(&check(
                CheckKind::CertHash,
                CheckDetail::CertHashDiffers {
                    algorithm: DigestAlgorithm::SHA1,
                    stored: vec![0xab, 1],
                    computed: vec![0xcd, 2],
                }
            ))
            .to_string(),
            "CERTHASH is ab01, the SHA-1 of the certificate is cd02"
        );
        assert_eq!(
            CheckText(&check(
                CheckKind::Certificate,
                CheckDetail::Parses { len: 1442 }
            ))
            .to_string(),
            "parses (1442 bytes)"
        );
    }
}
