//! Building and signing a trust list in CUCM's layout (see [`Builder`]).

use std::net::Ipv4Addr;

use sha1::{Digest, Sha1};
use thiserror::Error;

use crate::cert::{CertError, CertInfo};
use crate::digest::DigestAlgorithm;
use crate::edit::EditableTrustList;
use crate::element::Element;
use crate::error::EncodeError;
use crate::error::ParseError;
use crate::header::Header;
use crate::keys::{KeyError, PrivateKeyError, SigningError, SigningKey};
use crate::record::Record;
use crate::role::Role;
use crate::signer::{self, SignerError, now, nul};
use crate::tag::{HeaderTag, RecordTag};
use crate::trustlist::{Limits, TrustList};
use crate::verify::{SignatureError, verify_signature, verify_signature_with_key};

/// Which certificate a [`BuildError::Certificate`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateOf {
    /// The signer's certificate.
    Signer,
    /// The certificate of record `index` (1-based) with this role.
    Record {
        /// 1-based record number.
        index: usize,
        /// The record's FUNCTION.
        role: Role,
    },
    /// A certificate read by [`load_certificate`].
    Input,
}

impl std::fmt::Display for CertificateOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Signer => f.write_str("signer certificate"),
            Self::Record { index, role } => write!(f, "record {index} ({role}) certificate"),
            Self::Input => f.write_str("certificate"),
        }
    }
}

/// Which string value a [`BuildError::NulInString`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StringField {
    /// FILENAME.
    FileName,
    /// The DNSNAME of record `index` (1-based).
    DnsName {
        /// 1-based record number.
        index: usize,
    },
}

impl std::fmt::Display for StringField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FileName => f.write_str("the file name"),
            Self::DnsName { index } => write!(f, "record {index} DNS name"),
        }
    }
}

/// What went wrong when the builder checked its own output (a bug).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SelfCheckError {
    /// The laid-out file, before signing, does not parse.
    #[error("the unsigned layout does not parse: {0}")]
    UnsignedLayout(ParseError),
    /// The layout has no SIGNATURE element.
    #[error("no SIGNATURE element")]
    NoSignatureElement,
    /// The signature is not the length the key size promised.
    #[error("the signature is {got} bytes, expected {expected}")]
    SignatureLength {
        /// Bytes the signature has.
        got: usize,
        /// Bytes laid out for it.
        expected: usize,
    },
    /// The SIGNATURE element moved between layout and signing.
    #[error("the SIGNATURE element is not where it was laid out")]
    SignatureMoved,
    /// The signed file does not parse.
    #[error("the signed file does not parse: {0}")]
    SignedFile(ParseError),
    /// The signed file does not verify.
    #[error("{0}")]
    Verify(SignatureError),
}
/// Why a trust list could not be built. Nothing is produced when building fails.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A certificate could not be read.
    #[error("{which}: {reason}")]
    Certificate {
        /// Which certificate.
        which: CertificateOf,
        /// Why.
        reason: CertError,
    },
    /// The signer certificate's key cannot sign a trust list.
    #[error("signer certificate: {0}")]
    SignerKey(KeyError),
    /// The private key could not be read.
    #[error("private key: {0}")]
    PrivateKey(#[from] PrivateKeyError),
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
        what: StringField,
    },
    /// Some length would not fit its u16 field.
    #[error("the file would not fit the format: {0}")]
    TooLong(#[from] EncodeError),
    /// Signing failed.
    #[error("{0}")]
    Signing(SigningError),
    /// The built file did not verify (a bug; nothing was produced).
    #[error("internal error: the built file does not verify: {0}")]
    SelfCheck(SelfCheckError),
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

/// Builds and signs a trust list in CUCM's layout.
///
/// ```
/// use itl_core::{Builder, DigestAlgorithm, Role, SigningKey, load_certificate};
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/keys");
/// # let (publisher_pem, publisher_key) = (format!("{keys}/publisher.crt"), format!("{keys}/publisher.key"));
/// let cert = load_certificate(&std::fs::read(publisher_pem)?)?;
/// let key = SigningKey::from_pem_or_der(&std::fs::read(publisher_key)?)?;
/// let bytes = Builder::new(cert.clone(), key)
///     .digest(DigestAlgorithm::SHA256)
///     .filename("ITLFile.tlv")
///     .record(Role::SAST, cert.clone())
///     .record(Role::CCM_TFTP, cert)
///     .build()?;
///
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// assert_eq!(tl.records().len(), 2);
/// assert_eq!(itl_core::verify_signature(&tl)?.signer_record, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The header is `1, 2, [28], 3{4,5,6}, 7{8, 9{10,11}}, 12, 14, 15`, then bare
/// padding bytes up to a multiple of 4. Each record holds, in ascending tag order,
/// RECORDLENGTH, DNSNAME, SUBJECTNAME, FUNCTION, ISSUERNAME, SERIALNUMBER,
/// PUBLICKEY, SIGNATURE, then CERTIFICATE (or CERTHASH + HASH ALGORITHM for a
/// hash-only record) and IPADDRESS when one is given. Names are written CUCM style,
/// `CN=…;OU=…;O=…;L=…;ST=…;C=…` (CUCM's fixed attribute order, as in
/// [`CertInfo::subject`]), NUL-terminated.
pub struct Builder {
    signer_cert: Vec<u8>,
    signer_key: SigningKey,
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
    pub fn new(signer_cert_der: Vec<u8>, signer_key: SigningKey) -> Self {
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
        let signer = signer::check(&self.signer_cert, &self.signer_key, self.digest).map_err(
            |e| match e {
                SignerError::Certificate(reason) => BuildError::Certificate {
                    which: CertificateOf::Signer,
                    reason,
                },
                SignerError::CertificateKey(e) => BuildError::SignerKey(e),
                SignerError::KeyMismatch { subject } => BuildError::KeyMismatch { subject },
                SignerError::KeySize(bits) => BuildError::UnsupportedKeySize(bits),
                SignerError::Digest(code) => BuildError::UnsupportedDigest(code),
            },
        )?;
        let signer_in_records = self.records.iter().any(|r| r.cert_der == self.signer_cert);
        if !signer_in_records && !self.allow_external_signer {
            return Err(BuildError::SignerNotInRecords {
                subject: signer.info.subject,
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
                what: StringField::FileName,
            });
        }
        let timestamp = self.timestamp.unwrap_or_else(now);

        // Lay the header out with a signature of its final length, then sign the
        // file without the tag-12 element and put the signature in its place.
        let sig_len = signer.sig_len;
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
        header.push(signer.signer_info());
        header.push(signer.signature_info(self.digest));
        header.push(signer.signature_placeholder());
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

        let check = BuildError::SelfCheck;
        // Our own output: checked whatever its size (the input limits are for
        // files from elsewhere).
        let unbounded = Limits::DEFAULT
            .with_max_size(usize::MAX)
            .with_max_elements(usize::MAX);
        let parsed = TrustList::parse_with(&unsigned, unbounded)
            .map_err(|e| check(SelfCheckError::UnsignedLayout(e)))?;
        let range = parsed
            .header()
            .signature_range()
            .ok_or(check(SelfCheckError::NoSignatureElement))?;
        let signed = parsed
            .signed_bytes()
            .ok_or(check(SelfCheckError::NoSignatureElement))?;
        let signature = self
            .signer_key
            .sign(self.digest, &signed)
            .map_err(BuildError::Signing)?;
        if signature.len() != sig_len {
            return Err(check(SelfCheckError::SignatureLength {
                got: signature.len(),
                expected: sig_len,
            }));
        }
        let mut out = unsigned;
        if !signer::put_signature(&mut out, range, &signature) {
            return Err(check(SelfCheckError::SignatureMoved));
        }

        // Check what we produce with the same code that verifies files.
        let built = TrustList::parse_with(&out, unbounded)
            .map_err(|e| check(SelfCheckError::SignedFile(e)))?;
        if signer_in_records {
            verify_signature(&built).map_err(|e| check(SelfCheckError::Verify(e)))?;
        } else {
            verify_signature_with_key(&built, &signer.public)
                .map_err(|e| check(SelfCheckError::Verify(e)))?;
        }
        Ok(out)
    }
}

/// The record for `spec` (number `index`, 1-based, for messages).
fn build_record(index: usize, spec: &RecordSpec) -> Result<Record<'static>, BuildError> {
    let info = CertInfo::parse(&spec.cert_der).map_err(|reason| BuildError::Certificate {
        which: CertificateOf::Record {
            index,
            role: spec.role,
        },
        reason,
    })?;
    let dns = match &spec.dns_name {
        Some(name) if name.contains('\0') => {
            return Err(BuildError::NulInString {
                what: StringField::DnsName { index },
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

/// Reads a certificate given as PEM (`-----BEGIN CERTIFICATE-----`) or DER, and
/// returns its DER bytes, checked to parse as X.509.
pub fn load_certificate(bytes: &[u8]) -> Result<Vec<u8>, BuildError> {
    let err = |reason: CertError| BuildError::Certificate {
        which: CertificateOf::Input,
        reason,
    };
    let der = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
        let text = std::str::from_utf8(bytes).map_err(|_| err(CertError::PemNotUtf8))?;
        let Some((_, block)) = crate::keys::pem_block(text, &["CERTIFICATE", "X509 CERTIFICATE"])
        else {
            return Err(err(CertError::NoPemBlock));
        };
        let (_, pem) = x509_parser::pem::parse_x509_pem(block.as_bytes()).map_err(|e| {
            err(CertError::BadPem {
                detail: e.to_string(),
            })
        })?;
        pem.contents
    } else {
        bytes.to_vec()
    };
    CertInfo::parse(&der).map_err(err)?;
    Ok(der)
}
