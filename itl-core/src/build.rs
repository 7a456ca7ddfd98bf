//! Building and signing a trust list in CUCM's layout.
//!
//! ```
//! use itl_core::{Builder, DigestAlgorithm, Role, load_certificate, load_private_key};
//! # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/keys");
//! # let (publisher_pem, publisher_key) = (format!("{keys}/publisher.crt"), format!("{keys}/publisher.key"));
//! let cert = load_certificate(&std::fs::read(publisher_pem)?)?;
//! let key = load_private_key(&std::fs::read(publisher_key)?)?;
//! let bytes = Builder::new(cert.clone(), key)
//!     .digest(DigestAlgorithm::SHA256)
//!     .filename("ITLFile.tlv")
//!     .record(Role::SAST, cert.clone())
//!     .record(Role::CCM_TFTP, cert)
//!     .build()?;
//!
//! let tl = itl_core::TrustList::parse(&bytes)?;
//! assert_eq!(tl.records().len(), 2);
//! assert_eq!(itl_core::verify_signature(&tl)?.signer_record, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The header is `1, 2, [28], 3{4,5,6}, 7{8, 9{10,11}}, 12, 14, 15`, then bare
//! padding bytes up to a multiple of 4. Each record holds, in ascending tag order,
//! RECORDLENGTH, DNSNAME, SUBJECTNAME, FUNCTION, ISSUERNAME, SERIALNUMBER,
//! PUBLICKEY, SIGNATURE, then CERTIFICATE (or CERTHASH + HASH ALGORITHM for a
//! hash-only record) and IPADDRESS when one is given. Names are written CUCM style,
//! `CN=…;OU=…;O=…;L=…;ST=…;C=…` (CUCM's fixed attribute order, see
//! [`crate::cert::cucm_name`]), NUL-terminated.

use std::net::Ipv4Addr;

use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey};
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha512};
use thiserror::Error;

use crate::cert::CertInfo;
use crate::digest::DigestAlgorithm;
use crate::edit::EditableTrustList;
use crate::element::Element;
use crate::error::EncodeError;
use crate::fingerprint::hash;
use crate::header::Header;
use crate::record::Record;
use crate::role::Role;
use crate::tag::{HeaderTag, RecordTag};
use crate::trustlist::{Limits, TrustList};
use crate::verify::{certificate_public_key, verify_signature, verify_signature_with_key};

/// Why a trust list could not be built. Nothing is produced when building fails.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A certificate could not be read.
    #[error("{what}: {reason}")]
    Certificate {
        /// Which certificate (`signer certificate`, `record 3 (TVS) certificate`).
        what: String,
        /// Why.
        reason: String,
    },
    /// The private key could not be read.
    #[error("private key: {0}")]
    PrivateKey(String),
    /// The private key is not the key of the signer certificate.
    #[error(
        "the private key does not match the signer certificate {subject}: its public key differs"
    )]
    KeyMismatch {
        /// Subject of the signer certificate.
        subject: String,
    },
    /// The signer's key size has no SIGNATUREMODULUS code.
    #[error(
        "the signer key has {0} bits; the file format can only name 512, 1024, 2048 or 4096-bit keys"
    )]
    UnsupportedKeySize(usize),
    /// The digest is not SHA-1, SHA-256 or SHA-512.
    #[error("unsupported digest {0} (known: 1 SHA-1, 2 SHA-256, 3 SHA-512)")]
    UnsupportedDigest(u8),
    /// No record holds the signer certificate (and external signers are not allowed).
    #[error(
        "the signer certificate {subject} is not among the records; phones could not find the signer (add it as a SAST record, or allow an external signer)"
    )]
    SignerNotInRecords {
        /// Subject of the signer certificate.
        subject: String,
    },
    /// A string value (file name, DNS name) holds a NUL byte.
    #[error("{what} contains a NUL byte")]
    NulInString {
        /// Which value.
        what: String,
    },
    /// Some length would not fit its u16 field.
    #[error("the file would not fit the format: {0}")]
    TooLong(#[from] EncodeError),
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// The built file did not verify (a bug; nothing was produced).
    #[error("internal error: the built file does not verify: {0}")]
    SelfCheck(String),
}

/// One record to put in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSpec {
    /// FUNCTION.
    pub role: Role,
    /// The DER certificate.
    pub cert_der: Vec<u8>,
    /// Write CERTHASH (SHA-1) + HASH ALGORITHM instead of CERTIFICATE, as CUCM does
    /// for TVS and CAPF entries of an ITL.
    pub hash_only: bool,
    /// DNSNAME; without one an empty 2-byte value is written, as CUCM 8 does.
    pub dns_name: Option<String>,
    /// IPADDRESS, when given.
    pub ip: Option<Ipv4Addr>,
}

/// Builds and signs a trust list. See the [module documentation](self).
pub struct Builder {
    signer_cert: Vec<u8>,
    signer_key: PrivateKey,
    digest: DigestAlgorithm,
    filename: String,
    timestamp: Option<u32>,
    signer_version: Option<(u8, u8)>,
    records: Vec<RecordSpec>,
    allow_external_signer: bool,
}

impl Builder {
    /// A builder signing with `signer_key`, whose certificate (DER) is
    /// `signer_cert_der`. Defaults: SHA-1, file name `ITLFile.tlv`, the current
    /// time, no SIGNER VERSION element, no records.
    pub fn new(signer_cert_der: Vec<u8>, signer_key: PrivateKey) -> Self {
        Self {
            signer_cert: signer_cert_der,
            signer_key,
            digest: DigestAlgorithm::SHA1,
            filename: "ITLFile.tlv".to_owned(),
            timestamp: None,
            signer_version: None,
            records: Vec::new(),
            allow_external_signer: false,
        }
    }

    /// The digest of the file signature.
    pub fn digest(mut self, digest: DigestAlgorithm) -> Self {
        self.digest = digest;
        self
    }

    /// The FILENAME element (`ITLFile.tlv`, `CTLFile.tlv`, `ITLSEP<MAC>.tlv`).
    pub fn filename(mut self, name: &str) -> Self {
        name.clone_into(&mut self.filename);
        self
    }

    /// The TIMESTAMP element (Unix time); the current time by default.
    pub fn timestamp(mut self, unix_time: u32) -> Self {
        self.timestamp = Some(unix_time);
        self
    }

    /// Adds a SIGNER VERSION element (tag 28) right after HEADERLENGTH; 1.1 or
    /// later tells phones they may use EC keys.
    pub fn signer_version(mut self, major: u8, minor: u8) -> Self {
        self.signer_version = Some((major, minor));
        self
    }

    /// Adds a record holding the whole certificate.
    pub fn record(self, role: Role, cert_der: Vec<u8>) -> Self {
        self.record_spec(RecordSpec {
            role,
            cert_der,
            hash_only: false,
            dns_name: None,
            ip: None,
        })
    }

    /// Adds a record holding the certificate's SHA-1 hash instead of the certificate.
    pub fn hash_only_record(self, role: Role, cert_der: Vec<u8>) -> Self {
        self.record_spec(RecordSpec {
            role,
            cert_der,
            hash_only: true,
            dns_name: None,
            ip: None,
        })
    }

    /// Adds a record described in full.
    pub fn record_spec(mut self, spec: RecordSpec) -> Self {
        self.records.push(spec);
        self
    }

    /// Whether the signer may be absent from the records (phones then need to trust
    /// it some other way). Off by default.
    pub fn allow_external_signer(mut self, allow: bool) -> Self {
        self.allow_external_signer = allow;
        self
    }

    /// Builds, signs and re-verifies the file; returns its bytes.
    pub fn build(self) -> Result<Vec<u8>, BuildError> {
        let signer =
            CertInfo::parse(&self.signer_cert).map_err(|reason| BuildError::Certificate {
                what: "signer certificate".to_owned(),
                reason,
            })?;
        let cert_key = certificate_public_key(&self.signer_cert).map_err(|reason| {
            BuildError::Certificate {
                what: "signer certificate".to_owned(),
                reason,
            }
        })?;
        let public = self.signer_key.to_public_key();
        if public != cert_key {
            return Err(BuildError::KeyMismatch {
                subject: signer.subject,
            });
        }
        let bits = public.n().bit_width() as usize;
        let modulus_code = match bits {
            512 => 0u8,
            1024 => 1,
            2048 => 2,
            4096 => 3,
            other => return Err(BuildError::UnsupportedKeySize(other)),
        };
        let scheme = match self.digest {
            DigestAlgorithm::SHA1 => Pkcs1v15Sign::new::<Sha1>(),
            DigestAlgorithm::SHA256 => Pkcs1v15Sign::new::<Sha256>(),
            DigestAlgorithm::SHA512 => Pkcs1v15Sign::new::<Sha512>(),
            other => return Err(BuildError::UnsupportedDigest(other.code())),
        };
        let signer_in_records = self.records.iter().any(|r| r.cert_der == self.signer_cert);
        if !signer_in_records && !self.allow_external_signer {
            return Err(BuildError::SignerNotInRecords {
                subject: signer.subject,
            });
        }
        let records = self
            .records
            .iter()
            .enumerate()
            .map(|(i, spec)| build_record(i + 1, spec))
            .collect::<Result<Vec<_>, _>>()?;
        if self.filename.contains('\0') {
            return Err(BuildError::NulInString {
                what: "the file name".to_owned(),
            });
        }
        let timestamp = self.timestamp.unwrap_or_else(now);

        // Lay the header out with a signature of its final length, then sign the
        // file without the tag-12 element and put the signature in its place.
        let sig_len = public.size();
        let mut header = vec![
            Element::new_value(HeaderTag::VERSION.0, vec![1, 2]),
            Element::new_value(HeaderTag::HEADER_LENGTH.0, vec![0, 0]),
        ];
        if let Some((major, minor)) = self.signer_version {
            header.push(Element::new_value(
                HeaderTag::SIGNER_VERSION.0,
                vec![major, minor],
            ));
        }
        header.push(Element::new_container(
            HeaderTag::SIGNER_INFO.0,
            vec![
                Element::new_value(HeaderTag::SIGNER_NAME.0, nul(&signer.subject)),
                Element::new_value(HeaderTag::SERIAL_NUMBER.0, signer.serial.clone()),
                Element::new_value(HeaderTag::CA_NAME.0, nul(&signer.issuer)),
            ],
        ));
        header.push(Element::new_container(
            HeaderTag::SIGNATURE_INFO.0,
            vec![
                Element::new_value(HeaderTag::DIGEST_ALGORITHM.0, vec![self.digest.code()]),
                Element::new_container(
                    HeaderTag::SIGNATURE_ALGO_INFO.0,
                    vec![
                        Element::new_value(HeaderTag::SIGNATURE_ALGORITHM.0, vec![0]),
                        Element::new_value(HeaderTag::SIGNATURE_MODULUS.0, vec![modulus_code]),
                    ],
                ),
            ],
        ));
        header.push(Element::new_value(
            HeaderTag::SIGNATURE.0,
            vec![0u8; sig_len],
        ));
        header.push(Element::new_value(
            HeaderTag::FILENAME.0,
            nul(&self.filename),
        ));
        header.push(Element::new_value(
            HeaderTag::TIMESTAMP.0,
            timestamp.to_be_bytes().to_vec(),
        ));
        let mut tl = EditableTrustList::new(Header::from_elements(header), records);
        // Padding to a multiple of 4 at the end of the header, as CUCM writes it.
        tl.pad_header();
        let unsigned = tl.to_bytes_fixed()?;

        // Our own output: checked whatever its size (the input limits are for
        // files from elsewhere).
        let unbounded = Limits::DEFAULT
            .with_max_size(usize::MAX)
            .with_max_elements(usize::MAX);
        let parsed = TrustList::parse_with(&unsigned, unbounded).map_err(|e| {
            BuildError::SelfCheck(format!("the unsigned layout does not parse: {e}"))
        })?;
        let range = parsed
            .header()
            .signature_range()
            .ok_or_else(|| BuildError::SelfCheck("no SIGNATURE element".to_owned()))?;
        let signed = parsed
            .signed_bytes()
            .ok_or_else(|| BuildError::SelfCheck("no SIGNATURE element".to_owned()))?;
        let hashed =
            hash(self.digest, &signed).ok_or(BuildError::UnsupportedDigest(self.digest.code()))?;
        let signature = self
            .signer_key
            .sign(scheme, &hashed)
            .map_err(|e| BuildError::Signing(e.to_string()))?;
        if signature.len() != sig_len {
            return Err(BuildError::Signing(format!(
                "the signature is {} bytes, expected {sig_len}",
                signature.len()
            )));
        }
        let mut out = unsigned;
        let value_at = range.start + 3;
        match out.get_mut(value_at..range.end) {
            Some(slot) if slot.len() == signature.len() => slot.copy_from_slice(&signature),
            _ => {
                return Err(BuildError::SelfCheck(
                    "the SIGNATURE element is not where it was laid out".to_owned(),
                ));
            }
        }

        // Check what we produce with the same code that verifies files.
        let built = TrustList::parse_with(&out, unbounded)
            .map_err(|e| BuildError::SelfCheck(format!("the signed file does not parse: {e}")))?;
        if signer_in_records {
            verify_signature(&built).map_err(|e| BuildError::SelfCheck(e.to_string()))?;
        } else {
            verify_signature_with_key(&built, &public)
                .map_err(|e| BuildError::SelfCheck(e.to_string()))?;
        }
        Ok(out)
    }
}

/// The record for `spec` (number `index`, 1-based, for messages).
fn build_record(index: usize, spec: &RecordSpec) -> Result<Record<'static>, BuildError> {
    let what = format!("record {index} ({}) certificate", spec.role.short_name());
    let info = CertInfo::parse(&spec.cert_der).map_err(|reason| BuildError::Certificate {
        what: what.clone(),
        reason,
    })?;
    let dns = match &spec.dns_name {
        Some(name) if name.contains('\0') => {
            return Err(BuildError::NulInString {
                what: format!("record {index} DNS name"),
            });
        }
        Some(name) => nul(name),
        // CUCM 8 writes an empty DNSNAME as two NUL bytes (Cisco's SBD note).
        None => vec![0, 0],
    };
    let mut elements = vec![
        Element::new_value(RecordTag::RECORD_LENGTH.0, vec![0, 0]),
        Element::new_value(RecordTag::DNS_NAME.0, dns),
        Element::new_value(RecordTag::SUBJECT_NAME.0, nul(&info.subject)),
        Element::new_value(
            RecordTag::FUNCTION.0,
            spec.role.code().to_be_bytes().to_vec(),
        ),
        Element::new_value(RecordTag::ISSUER_NAME.0, nul(&info.issuer)),
        Element::new_value(RecordTag::SERIAL_NUMBER.0, info.serial),
        Element::new_value(RecordTag::PUBLIC_KEY.0, info.public_key),
        Element::new_value(RecordTag::SIGNATURE.0, info.signature),
    ];
    if !spec.hash_only {
        elements.push(Element::new_value(
            RecordTag::CERTIFICATE.0,
            spec.cert_der.clone(),
        ));
    }
    if let Some(ip) = spec.ip {
        elements.push(Element::new_value(
            RecordTag::IP_ADDRESS.0,
            ip.octets().to_vec(),
        ));
    }
    if spec.hash_only {
        elements.push(Element::new_value(
            RecordTag::CERT_HASH.0,
            Sha1::digest(&spec.cert_der).to_vec(),
        ));
        elements.push(Element::new_value(
            RecordTag::HASH_ALGORITHM.0,
            vec![DigestAlgorithm::SHA1.code()],
        ));
    }
    Ok(Record::from_elements(elements))
}

/// A NUL-terminated string value.
fn nul(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn now() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// The first PEM block with one of `labels` in `text`: (label, whole block text).
fn pem_block<'t>(text: &'t str, labels: &[&'static str]) -> Option<(&'static str, &'t str)> {
    labels
        .iter()
        .filter_map(|&label| {
            let begin = format!("-----BEGIN {label}-----");
            let end = format!("-----END {label}-----");
            let start = text.find(&begin)?;
            let stop = start + text.get(start..)?.find(&end)? + end.len();
            Some((start, label, text.get(start..stop)?))
        })
        .min_by_key(|&(start, _, _)| start)
        .map(|(_, label, block)| (label, block))
}

/// Reads a certificate given as PEM (`-----BEGIN CERTIFICATE-----`) or DER, and
/// returns its DER bytes, checked to parse as X.509.
pub fn load_certificate(bytes: &[u8]) -> Result<Vec<u8>, BuildError> {
    let err = |reason: String| BuildError::Certificate {
        what: "certificate".to_owned(),
        reason,
    };
    let der = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| err("the PEM text is not valid UTF-8".to_owned()))?;
        let Some((_, block)) = pem_block(text, &["CERTIFICATE", "X509 CERTIFICATE"]) else {
            return Err(err(
                "no -----BEGIN CERTIFICATE----- block in the PEM text (is this a key?)".to_owned(),
            ));
        };
        let (_, pem) = x509_parser::pem::parse_x509_pem(block.as_bytes())
            .map_err(|e| err(format!("the PEM block does not decode: {e}")))?;
        pem.contents
    } else {
        bytes.to_vec()
    };
    CertInfo::parse(&der).map_err(err)?;
    Ok(der)
}

/// Reads an RSA private key: PEM PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8
/// (`PRIVATE KEY`), or the same as DER. Encrypted keys are refused.
pub fn load_private_key(bytes: &[u8]) -> Result<PrivateKey, BuildError> {
    let err = |s: String| BuildError::PrivateKey(s);
    if bytes.windows(10).any(|w| w == b"-----BEGIN") {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| err("the PEM text is not valid UTF-8".into()))?;
        return match pem_block(
            text,
            &[
                "RSA PRIVATE KEY",
                "PRIVATE KEY",
                "ENCRYPTED PRIVATE KEY",
                "EC PRIVATE KEY",
            ],
        ) {
            Some(("RSA PRIVATE KEY", block)) => PrivateKey::from_pkcs1_pem(block)
                .map_err(|e| err(format!("the PKCS#1 RSA key does not decode: {e}"))),
            Some(("PRIVATE KEY", block)) => PrivateKey::from_pkcs8_pem(block)
                .map_err(|e| err(format!("the PKCS#8 key is not a usable RSA key: {e}"))),
            Some(("ENCRYPTED PRIVATE KEY", _)) => Err(err(
                "the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)"
                    .into(),
            )),
            Some((_, _)) => Err(err(
                "the key is an EC key; only RSA keys can sign a trust list".into(),
            )),
            None => Err(err(
                "no -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block in the PEM text"
                    .into(),
            )),
        };
    }
    PrivateKey::from_pkcs8_der(bytes)
        .or_else(|_| PrivateKey::from_pkcs1_der(bytes))
        .map_err(|_| err("not a PEM key, nor a DER PKCS#8 or PKCS#1 RSA private key".into()))
}
