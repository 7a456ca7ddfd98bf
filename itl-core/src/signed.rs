//! Signed files (`.sgn`): the trust-list header followed by the file's own bytes.
//!
//! Every file a phone downloads from a secure cluster may be signed this way:
//! `SEP<MAC>.cnf.xml.sgn`, `XMLDefault.cnf.xml.sgn`, ring lists, dial rules, tones,
//! firmware. The header is the ITL/CTL header (tags 1–15, containers 3, 7 and 9,
//! bare padding to a multiple of 4; in `.enc.sgn` files also the encryption block,
//! tags 16–27, see [`crate::EncryptionInfo`]); there are no records: the signed
//! file's bytes (the *payload*) follow unchanged at HEADERLENGTH. The signature is
//! RSA PKCS#1 v1.5 with the header's digest over the whole file without the
//! SIGNATURE element, as for trust lists.
//!
//! ```
//! # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/signed");
//! let bytes = std::fs::read(format!("{dir}/SEP001122334455.cnf.xml-sha256-ccmtftp.sgn"))?;
//! let itl_bytes = std::fs::read(format!("{dir}/ITLFile.tlv"))?;
//! let file = itl_core::SignedFile::parse(&bytes)?;
//! assert_eq!(file.to_bytes(), bytes);
//! assert!(file.payload().starts_with(b"<?xml"));
//!
//! // Checked the way a phone checks it: the signer must be a TFTP or CCM+TFTP
//! // entry of the phone's ITL (and/or CTL).
//! let itl = itl_core::TrustList::parse(&itl_bytes)?;
//! let report = itl_core::verify_signed_file(&file, &[&itl])?;
//! assert_eq!(report.signer.role, Some(itl_core::Role::CCM_TFTP));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;

use thiserror::Error;

use crate::cert::CertInfo;
use crate::digest::DigestAlgorithm;
use crate::element::Element;
use crate::encrypted::{self, EncryptionError, EncryptionInfo};
use crate::error::{EncodeError, EncodedPart, ParseError};
use crate::header::Header;
use crate::keys::{PublicKey, SigningKey, record_key_der};
use crate::pkcs1v15::{self, Outcome};
use crate::role::Role;
use crate::signer::{self, SignerError, now, nul};
use crate::tag::HeaderTag;
use crate::trustlist::{Limits, TrustList};
use crate::verify::{self, SignatureError};

/// A parsed signed file (`.sgn` or `.enc.sgn`): header and payload.
///
/// Parsing borrows the input; [`SignedFile::to_bytes`] gives back the input byte
/// for byte (unknown header elements and odd orders included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedFile<'a> {
    raw: Cow<'a, [u8]>,
    header: Header<'a>,
    payload_offset: usize,
}

impl<'a> SignedFile<'a> {
    /// Parses a signed file: the header strictly (as for trust lists), then
    /// everything from HEADERLENGTH on is the payload, whatever it holds. VERSION
    /// may be anything (1.0, 1.2 and 2.0 are seen). The signature is not checked
    /// here (see [`verify_signed_file`]).
    pub fn parse(data: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(data, Limits::DEFAULT)
    }

    /// [`SignedFile::parse`] with other limits (size of the whole file, number
    /// of header elements).
    pub fn parse_with(data: &'a [u8], limits: Limits) -> Result<Self, ParseError> {
        if data.is_empty() {
            return Err(ParseError::Empty);
        }
        if data.len() > limits.max_size() {
            return Err(ParseError::TooLarge {
                size: data.len(),
                max: limits.max_size(),
            });
        }
        let max = limits.max_elements();
        let mut left = max;
        let (header, payload_offset) = Header::parse_counted(data, &mut left, max)?;
        Ok(Self::with_header(data, header, payload_offset))
    }

    /// A signed file of `data` whose header is already parsed (ending at byte
    /// `payload_offset`).
    pub(crate) fn with_header(data: &'a [u8], header: Header<'a>, payload_offset: usize) -> Self {
        Self {
            raw: Cow::Borrowed(data),
            header,
            payload_offset,
        }
    }

    /// The header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The signed file's own bytes: everything from HEADERLENGTH on (for an
    /// `.enc.sgn`, the ciphertext).
    pub fn payload(&self) -> &[u8] {
        self.raw.get(self.payload_offset..).unwrap_or_default()
    }

    /// Where the payload starts (HEADERLENGTH).
    pub fn payload_offset(&self) -> usize {
        self.payload_offset
    }

    /// The bytes the file was parsed from.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The file written from its parts: the header elements, then the payload.
    /// Equal to the parsed input for every file [`SignedFile::parse`] accepts.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = self.payload();
        let mut out = Vec::with_capacity(self.header.encoded_len() + payload.len());
        for e in self.header.elements() {
            // Parsed lengths came from u16 fields: writing them cannot fail; the
            // input is the answer if it did.
            if e.write(&mut out, &|t| EncodedPart::HeaderElement(HeaderTag(t)))
                .is_err()
            {
                return self.raw.to_vec();
            }
        }
        out.extend_from_slice(payload);
        out
    }

    /// The bytes the signature covers: the file without the SIGNATURE element.
    /// `None` without a SIGNATURE element.
    pub fn signed_bytes(&self) -> Option<Vec<u8>> {
        verify::signed_bytes(&self.header, &self.raw)
    }

    /// Whether the header carries an encryption block (tag 16): an `.enc.sgn`.
    pub fn is_encrypted(&self) -> bool {
        self.header.get(HeaderTag::ENCRYPTION_INFO).is_some()
    }

    /// [`FileKind::Signed`](crate::FileKind::Signed) or
    /// [`FileKind::EncryptedSigned`](crate::FileKind::EncryptedSigned).
    pub fn kind(&self) -> crate::FileKind {
        if self.is_encrypted() {
            crate::FileKind::EncryptedSigned
        } else {
            crate::FileKind::Signed
        }
    }

    /// The encryption block as typed fields; `Err` when the file has none
    /// ([`EncryptionError::NotEncrypted`]) or it lacks a field or has one of the
    /// wrong size.
    pub fn encryption(&self) -> Result<EncryptionInfo<'_>, EncryptionError> {
        encrypted::read_block(&self.header)
    }

    /// Copies all borrowed data, giving an owned file.
    pub fn into_owned(self) -> SignedFile<'static> {
        SignedFile {
            raw: Cow::Owned(self.raw.into_owned()),
            header: self.header.into_owned(),
            payload_offset: self.payload_offset,
        }
    }
}

/// A record of one of the trust lists given to [`verify_signed_file`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrustRecord {
    /// Which trust list (0-based index into the lists given).
    pub list: usize,
    /// The record's number in that list (1-based, as `show` prints it).
    pub record: usize,
    /// Its FUNCTION, if it has one.
    pub role: Option<Role>,
    /// Its SUBJECTNAME, as stored.
    pub subject: String,
}

/// A signed file whose signature a phone would accept.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedFileReport {
    /// The trust-list record whose key verified the signature (TFTP or CCM+TFTP).
    pub signer: TrustRecord,
    /// The digest of the signature.
    pub digest: DigestAlgorithm,
    /// The signer's RSA key size in bits.
    pub key_bits: usize,
}

/// A signed file whose signature verifies with a given certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateReport {
    /// The digest of the signature.
    pub digest: DigestAlgorithm,
    /// The certificate's RSA key size in bits.
    pub key_bits: usize,
    /// Whether the header's signer (SERIALNUMBER and CANAME) names this
    /// certificate; a signature can verify with a certificate the header does
    /// not name when one key has several certificates.
    pub header_names_certificate: bool,
}

/// Why a phone would refuse a signed file (or why it does not verify with a
/// given certificate). Each variant names the rule that failed and the records
/// concerned.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignedFileError {
    /// The signature cannot be checked at all: no or several SIGNATURE elements,
    /// SIGNATURE moved, unknown digest or signature algorithm.
    #[error("{0}")]
    Signature(SignatureError),
    /// No trust list was given.
    #[error("no trust list (ITL or CTL) to check the signer against")]
    NoTrustList,
    /// No record of the trust lists has the header's issuer and serial number;
    /// a phone would ask its TVS server about the signer.
    #[error(
        "the signer (serial {}, issuer {}) is in no record of the trust list(s); a phone would ask its TVS server",
        hex::encode(serial),
        crate::text::printable(issuer)
    )]
    SignerNotFound {
        /// The header's SERIALNUMBER.
        serial: Vec<u8>,
        /// The header's CANAME.
        issuer: String,
    },
    /// The signer is in the trust lists, but only in records whose FUNCTION is
    /// not TFTP or CCM+TFTP (SAST, CAPF, TVS, …): such entries do not
    /// authenticate configuration files.
    #[error("signed by {} which is not a TFTP or CCM+TFTP entry", describe(found))]
    SignerNotTftp {
        /// The records with the signer's issuer and serial.
        found: Vec<TrustRecord>,
    },
    /// The signer's TFTP or CCM+TFTP record has no usable RSA key.
    #[error(
        "the signer's record {} has no usable RSA key",
        describe(std::slice::from_ref(signer))
    )]
    KeyNotUsable {
        /// The record.
        signer: TrustRecord,
    },
    /// The signature does not verify with the key of the signer's TFTP or
    /// CCM+TFTP record(s): the file was changed after signing, or signed by
    /// another key with the same name.
    #[error(
        "signature mismatch: the signature does not verify with the key of {}",
        describe(tried)
    )]
    Mismatch {
        /// The records tried, in order.
        tried: Vec<TrustRecord>,
    },
    /// The given certificate has no usable RSA key.
    #[error("the certificate has no usable RSA key")]
    CertificateNotUsable,
    /// The signature does not verify with the given certificate's key.
    #[error("signature mismatch: the signature does not verify with the given certificate")]
    CertificateMismatch {
        /// Whether the header's signer names this certificate.
        header_names_certificate: bool,
    },
}

impl From<SignatureError> for SignedFileError {
    fn from(e: SignatureError) -> Self {
        Self::Signature(e)
    }
}

/// `record 1 (SAST) CN=…` for each record, joined by `, `; with the list number
/// when several lists are in play.
fn describe(records: &[TrustRecord]) -> String {
    let many_lists = records.iter().any(|r| r.list > 0);
    records
        .iter()
        .map(|r| {
            let role = r
                .role
                .map_or_else(|| "no FUNCTION".to_owned(), |f| f.short_name());
            let list = if many_lists {
                format!("trust list {} ", r.list + 1)
            } else {
                String::new()
            };
            format!(
                "{list}record {} ({role}) {}",
                r.record,
                crate::text::printable(&r.subject)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a FUNCTION may sign configuration files: TFTP or CCM+TFTP.
pub fn signs_config_files(role: Option<Role>) -> bool {
    matches!(role, Some(Role::TFTP | Role::CCM_TFTP))
}

/// Checks a signed file the way a phone does with the trust lists it holds (its
/// ITL and/or CTL): the signer is looked up by the header's CANAME and
/// SERIALNUMBER (records whose SUBJECTNAME equals SIGNERNAME first), it must be a
/// TFTP or CCM+TFTP entry, and its key must verify the RSA PKCS#1 v1.5 signature
/// with the header's digest over the file without the SIGNATURE element.
pub fn verify_signed_file(
    file: &SignedFile<'_>,
    trust: &[&TrustList<'_>],
) -> Result<SignedFileReport, SignedFileError> {
    let (sig, digest, hashed) = verify::prepare_parts(file.header(), file.raw())?;
    if trust.is_empty() {
        return Err(SignedFileError::NoTrustList);
    }
    let h = file.header();
    let serial = h.signer_serial().unwrap_or_default();
    let issuer = h.issuer_name().unwrap_or_default();
    let subject = h.signer_name().unwrap_or_default();
    let mut found: Vec<(TrustRecord, &crate::Record<'_>)> = Vec::new();
    for (l, tl) in trust.iter().enumerate() {
        for (i, r) in tl.records().iter().enumerate() {
            if r.serial_number() == Some(serial)
                && crate::dn::same_dn(&r.issuer_name().unwrap_or_default(), &issuer)
            {
                found.push((
                    TrustRecord {
                        list: l,
                        record: i + 1,
                        role: r.function(),
                        subject: r.subject_name().unwrap_or_default(),
                    },
                    r,
                ));
            }
        }
    }
    if found.is_empty() {
        return Err(SignedFileError::SignerNotFound {
            serial: serial.to_vec(),
            issuer,
        });
    }
    // Subject as a tie-break: records naming the header's signer come first.
    found.sort_by_key(|(t, _)| !crate::dn::same_dn(&t.subject, &subject));
    let allowed: Vec<_> = found
        .iter()
        .filter(|(t, _)| signs_config_files(t.role))
        .collect();
    if allowed.is_empty() {
        return Err(SignedFileError::SignerNotTftp {
            found: found.into_iter().map(|(t, _)| t).collect(),
        });
    }
    let mut unusable = None;
    let mut tried = Vec::new();
    for (t, r) in allowed {
        match record_key_der(r).and_then(|k| pkcs1v15::check(&k, digest, &hashed, sig)) {
            Ok(Outcome::Verified { key_bits }) => {
                return Ok(SignedFileReport {
                    signer: t.clone(),
                    digest,
                    key_bits,
                });
            }
            Ok(Outcome::Mismatch) => tried.push(t.clone()),
            Err(_) => {
                if unusable.is_none() {
                    unusable = Some(t.clone());
                }
            }
        }
    }
    match (tried.is_empty(), unusable) {
        (true, Some(signer)) => Err(SignedFileError::KeyNotUsable { signer }),
        _ => Err(SignedFileError::Mismatch { tried }),
    }
}

/// Checks a signed file's signature with the key of a given DER certificate (for
/// example the TFTP server's CallManager.pem).
pub fn verify_signed_file_with_certificate(
    file: &SignedFile<'_>,
    cert_der: &[u8],
) -> Result<CertificateReport, SignedFileError> {
    let (sig, digest, hashed) = verify::prepare_parts(file.header(), file.raw())?;
    let key =
        PublicKey::from_certificate(cert_der).map_err(|_| SignedFileError::CertificateNotUsable)?;
    let header_names_certificate = CertInfo::parse(cert_der).is_ok_and(|c| {
        file.header().signer_serial() == Some(c.serial.as_slice())
            && crate::dn::same_dn(&file.header().issuer_name().unwrap_or_default(), &c.issuer)
    });
    match pkcs1v15::check_key(key.rsa(), digest, &hashed, sig) {
        Outcome::Verified { key_bits } => Ok(CertificateReport {
            digest,
            key_bits,
            header_names_certificate,
        }),
        Outcome::Mismatch => Err(SignedFileError::CertificateMismatch {
            header_names_certificate,
        }),
    }
}

/// Why a signed file could not be built. Nothing is produced when building fails.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignError {
    /// The signer certificate does not parse, or its key is not RSA.
    #[error("the signer certificate is not a usable X.509 RSA certificate")]
    SignerCertificate,
    /// The device certificate (for `.enc.sgn`) does not parse, or its key is not RSA.
    #[error("the device certificate is not a usable X.509 RSA certificate")]
    DeviceCertificate,
    /// The private key is not the key of the signer certificate.
    #[error("the private key does not match the signer certificate {subject}")]
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
    /// The FILENAME holds a NUL byte.
    #[error("the file name contains a NUL byte")]
    NulInFilename,
    /// A header element would not fit its u16 length field.
    #[error("the header would not fit the format: {0}")]
    TooLong(#[from] EncodeError),
    /// The operating system's random number generator failed (for `.enc.sgn`).
    #[error("no random bytes from the operating system for the AES key and IV")]
    Random,
    /// RSA signing or key encryption failed.
    #[error("the RSA operation failed")]
    Rsa,
    /// The built file did not parse or verify (a bug; nothing was produced).
    #[error("internal error: the built file does not check: {0}")]
    SelfCheck(SelfCheck),
}

/// What the self-check of a built signed file found (a bug if it ever happens).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SelfCheck {
    /// The built bytes do not parse.
    #[error("it does not parse: {0}")]
    Parse(ParseError),
    /// The signature does not verify.
    #[error("its signature does not verify: {0}")]
    Signature(SignatureError),
    /// The SIGNATURE element is not where it was laid out.
    #[error("the SIGNATURE element moved")]
    Layout,
}

/// Builds a signed file (`.sgn`, or `.enc.sgn` with
/// [`SignedFileBuilder::encrypt_for`]) in CUCM's header layout:
/// `1, 2, 3{4,5,6}, 7{8, 9{10,11}}, 12, 14, 15, [16{17{18,19,20}, 21{22,23,24,25}}, 26, 27],`
/// then bare padding bytes up to a multiple of 4, then the payload.
///
/// ```
/// # let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/keys");
/// use itl_core::{SignedFile, SignedFileBuilder, SigningKey, load_certificate};
/// let cert = load_certificate(&std::fs::read(format!("{keys}/publisher.crt"))?)?;
/// let key = SigningKey::from_pem_or_der(&std::fs::read(format!("{keys}/publisher.key"))?)?;
/// let bytes = SignedFileBuilder::new(cert.clone(), key, "SEP001122334455.cnf.xml.sgn")
///     .build(b"<device/>")?;
/// let file = SignedFile::parse(&bytes)?;
/// assert_eq!(file.payload(), b"<device/>");
/// itl_core::verify_signed_file_with_certificate(&file, &cert)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SignedFileBuilder {
    signer_cert: Vec<u8>,
    signer_key: SigningKey,
    filename: String,
    digest: DigestAlgorithm,
    timestamp: Option<u32>,
    version: Option<(u8, u8)>,
    encrypt_for: Option<Vec<u8>>,
    fixed_key_iv: Option<([u8; 16], [u8; 16])>,
}

impl SignedFileBuilder {
    /// A builder signing with `signer_key`, whose DER certificate is
    /// `signer_cert_der` (CUCM: the TFTP node's CallManager certificate), writing
    /// `filename` as FILENAME (the name phones ask for, e.g.
    /// `SEP001122334455.cnf.xml.sgn`). Defaults: SHA-1, the current time, VERSION
    /// 1.0 (2.0 when encrypting), not encrypted.
    pub fn new(signer_cert_der: Vec<u8>, signer_key: SigningKey, filename: &str) -> Self {
        Self {
            signer_cert: signer_cert_der,
            signer_key,
            filename: filename.to_owned(),
            digest: DigestAlgorithm::SHA1,
            timestamp: None,
            version: None,
            encrypt_for: None,
            fixed_key_iv: None,
        }
    }

    /// The digest of the signature (and of the plaintext hash of an `.enc.sgn`).
    pub fn digest(mut self, digest: DigestAlgorithm) -> Self {
        self.digest = digest;
        self
    }

    /// The TIMESTAMP (Unix time); the current time by default.
    pub fn timestamp(mut self, unix_time: u32) -> Self {
        self.timestamp = Some(unix_time);
        self
    }

    /// The VERSION element; 1.0 by default (what the public builder that real
    /// phones accept writes), 2.0 for an encrypted file.
    pub fn version(mut self, major: u8, minor: u8) -> Self {
        self.version = Some((major, minor));
        self
    }

    /// Encrypts the payload for the device whose DER certificate is given (its
    /// MIC or LSC): a new random AES-128 key and IV, AES-128-CBC over the payload
    /// padded with `\r` bytes, the key encrypted with the device's RSA key
    /// (PKCS#1 v1.5), and the hash of the payload in the header.
    pub fn encrypt_for(mut self, device_cert_der: Vec<u8>) -> Self {
        self.encrypt_for = Some(device_cert_der);
        self
    }

    /// Uses this AES key and IV instead of random ones (for reproducible tests).
    #[doc(hidden)]
    pub fn fixed_aes_key_and_iv(mut self, key: [u8; 16], iv: [u8; 16]) -> Self {
        self.fixed_key_iv = Some((key, iv));
        self
    }

    /// Builds, signs and re-verifies the file; returns its bytes.
    pub fn build(self, payload: &[u8]) -> Result<Vec<u8>, SignError> {
        let signer = signer::check(&self.signer_cert, &self.signer_key, self.digest).map_err(
            |e| match e {
                SignerError::Certificate(_) | SignerError::CertificateKey(_) => {
                    SignError::SignerCertificate
                }
                SignerError::KeyMismatch { subject } => SignError::KeyMismatch { subject },
                SignerError::KeySize(bits) => SignError::UnsupportedKeySize(bits),
                SignerError::Digest(code) => SignError::UnsupportedDigest(code),
            },
        )?;
        if self.filename.contains('\0') {
            return Err(SignError::NulInFilename);
        }
        let (encryption, body): (Vec<Element<'static>>, Cow<'_, [u8]>) = match &self.encrypt_for {
            None => (Vec::new(), Cow::Borrowed(payload)),
            Some(device) => {
                let device_key = PublicKey::from_certificate(device)
                    .map_err(|_| SignError::DeviceCertificate)?;
                let (block, ciphertext) =
                    encrypted::encrypt(payload, &device_key, self.digest, self.fixed_key_iv)?;
                (block, Cow::Owned(ciphertext))
            }
        };
        let version = self.version.unwrap_or(if self.encrypt_for.is_some() {
            (2, 0)
        } else {
            (1, 0)
        });
        let timestamp = self.timestamp.unwrap_or_else(now);

        let mut elements = vec![
            Element::new_value(HeaderTag::VERSION.0, vec![version.0, version.1]),
            Element::new_value(HeaderTag::HEADER_LENGTH.0, vec![0, 0]),
            signer.signer_info(),
            signer.signature_info(self.digest),
            signer.signature_placeholder(),
            Element::new_value(HeaderTag::FILENAME.0, nul(&self.filename)),
            Element::new_value(HeaderTag::TIMESTAMP.0, timestamp.to_be_bytes().to_vec()),
        ];
        elements.extend(encryption);
        let unpadded: usize = elements.iter().map(Element::encoded_len).sum();
        elements.extend((0..(4 - unpadded % 4) % 4).map(|_| Element::new_padding()));
        let header_len: usize = elements.iter().map(Element::encoded_len).sum();
        for e in &elements {
            e.check_lengths(&|t| EncodedPart::HeaderElement(HeaderTag(t)))?;
        }
        let hl = u16::try_from(header_len).map_err(|_| EncodeError::TooLong {
            what: EncodedPart::Header,
            len: header_len,
        })?;
        elements[1].set_value(hl.to_be_bytes().to_vec());

        let mut out = Vec::with_capacity(header_len + body.len());
        for e in &elements {
            e.write(&mut out, &|t| EncodedPart::HeaderElement(HeaderTag(t)))?;
        }
        out.extend_from_slice(&body);

        let parsed =
            SignedFile::parse(&out).map_err(|e| SignError::SelfCheck(SelfCheck::Parse(e)))?;
        let range = parsed
            .header()
            .signature_range()
            .ok_or(SignError::SelfCheck(SelfCheck::Layout))?;
        let signed = parsed
            .signed_bytes()
            .ok_or(SignError::SelfCheck(SelfCheck::Layout))?;
        let signature = self
            .signer_key
            .sign(self.digest, &signed)
            .map_err(|_| SignError::Rsa)?;
        if !signer::put_signature(&mut out, range, &signature) {
            return Err(SignError::SelfCheck(SelfCheck::Layout));
        }
        let built =
            SignedFile::parse(&out).map_err(|e| SignError::SelfCheck(SelfCheck::Parse(e)))?;
        let (sig, digest, hashed) = verify::prepare_parts(built.header(), built.raw())
            .map_err(|e| SignError::SelfCheck(SelfCheck::Signature(e)))?;
        if !verify::verifies(&signer.public, digest, &hashed, sig) {
            return Err(SignError::SelfCheck(SelfCheck::Signature(
                SignatureError::MismatchExternal,
            )));
        }
        Ok(out)
    }
}
