//! RSA keys: where a record's key comes from (its CERTIFICATE, else its
//! PUBLICKEY), the public key type checks are made with, and the private key a
//! built file is signed with.
//!
//! The key types wrap the `rsa` crate's so that no third-party type is part of
//! this crate's API: callers load keys from bytes (PEM or DER) and hand them
//! back, and the backend may change (see `pkcs1v15.rs`) without changing them.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use thiserror::Error;
use x509_parser::prelude::FromDer;

use crate::digest::DigestAlgorithm;
use crate::fingerprint::hash;
use crate::memo::{self, Memo};
use crate::record::Record;

/// Why a record's or certificate's RSA public key cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The record has neither CERTIFICATE nor PUBLICKEY.
    #[error("the record has neither CERTIFICATE nor PUBLICKEY")]
    NoKey,
    /// The certificate does not parse as X.509 DER.
    #[error("CERTIFICATE does not parse: {detail}")]
    BadCertificate {
        /// The X.509 parser's finding.
        detail: String,
    },
    /// The certificate's key is not an RSA key.
    #[error("the certificate's key is not RSA (algorithm {algorithm})")]
    NotRsa {
        /// Dotted OID of the key's algorithm.
        algorithm: String,
    },
    /// The key's DER does not decode to a usable RSA key (bad encoding, a
    /// modulus under 1024 or over 8192 bits, an even exponent, …).
    #[error("{}: {detail}", if *from_certificate { "the certificate's RSA key is not usable" } else { "PUBLICKEY is not a usable RSA key" })]
    Unusable {
        /// Whether the key came from a CERTIFICATE (else from a PUBLICKEY element).
        from_certificate: bool,
        /// The RSA decoder's finding.
        detail: String,
    },
}

/// Why a private key cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PrivateKeyError {
    /// PEM input that is not UTF-8 text.
    #[error("the PEM text is not valid UTF-8")]
    NotUtf8,
    /// A PEM `RSA PRIVATE KEY` block that does not decode.
    #[error("the PKCS#1 RSA key does not decode: {detail}")]
    Pkcs1 {
        /// The decoder's finding.
        detail: String,
    },
    /// A PEM `PRIVATE KEY` block that is not a usable RSA key.
    #[error("the PKCS#8 key is not a usable RSA key: {detail}")]
    Pkcs8 {
        /// The decoder's finding.
        detail: String,
    },
    /// An encrypted PKCS#8 key.
    #[error("the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)")]
    Encrypted,
    /// An EC key: only RSA keys can sign a trust list.
    #[error("the key is an EC key; only RSA keys can sign a trust list")]
    NotRsa,
    /// PEM text without a private key block.
    #[error(
        "no -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block in the PEM text"
    )]
    NoPemBlock,
    /// Bytes that are neither PEM nor a DER PKCS#8 or PKCS#1 RSA key.
    #[error("not a PEM key, nor a DER PKCS#8 or PKCS#1 RSA private key")]
    NotAKey,
}

/// Why signing failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The digest is not SHA-1, SHA-256 or SHA-512.
    #[error("unsupported digest {0} (known: 1 SHA-1, 2 SHA-256, 3 SHA-512)")]
    UnsupportedDigest(u8),
    /// The RSA operation failed.
    #[error("signing failed: {detail}")]
    Rsa {
        /// The RSA implementation's finding.
        detail: String,
    },
}

/// An RSA public key: of a record, of a certificate, or given from outside.
///
/// ```
/// # let ctl_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/real/CTLFile-cucm10.tlv");
/// let bytes = std::fs::read(ctl_file)?;
/// let tl = itl_core::TrustList::parse(&bytes)?;
/// let key = itl_core::PublicKey::of_record(&tl.records()[0])?;
/// assert_eq!(key.bits(), 1024);
/// assert!(itl_core::verify_signature_with_key(&tl, &key).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(RsaPublicKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA {} bits)", self.bits())
    }
}

impl PublicKey {
    /// A key from PKCS#1 `RSAPublicKey` DER (what a record's PUBLICKEY holds).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        KeyDer {
            der: Cow::Borrowed(der),
            from_certificate: false,
        }
        .rsa_key()
        .map(Self)
    }

    /// The key of a DER X.509 certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self, KeyError> {
        certificate_key_der(der)?.rsa_key().map(Self)
    }

    /// The key of a record: from its CERTIFICATE, or else from its PUBLICKEY.
    pub fn of_record(record: &Record<'_>) -> Result<Self, KeyError> {
        record_key_der(record)?.rsa_key().map(Self)
    }

    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        self.0.n().bit_width() as usize
    }

    /// The `rsa` crate's key, for the signature backends.
    pub(crate) fn rsa(&self) -> &RsaPublicKey {
        &self.0
    }
}

/// An RSA private key: it signs files built here, and, as a phone's key,
/// decrypts `.enc.sgn` files ([`crate::decrypt`]).
///
/// ```
/// # let key_file = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/own/keys/publisher.key");
/// let key = itl_core::SigningKey::from_pem_or_der(&std::fs::read(key_file)?)?;
/// assert_eq!(key.public_key().bits(), 1024);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey(RsaPrivateKey);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(RSA {} bits)", self.public_key().bits())
    }
}

impl SigningKey {
    /// Reads an RSA private key: PEM PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8
    /// (`PRIVATE KEY`), or the same as DER. Encrypted keys are refused.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, PrivateKeyError> {
        if bytes.windows(10).any(|w| w == b"-----BEGIN") {
            let text = std::str::from_utf8(bytes).map_err(|_| PrivateKeyError::NotUtf8)?;
            return match pem_block(
                text,
                &[
                    "RSA PRIVATE KEY",
                    "PRIVATE KEY",
                    "ENCRYPTED PRIVATE KEY",
                    "EC PRIVATE KEY",
                ],
            ) {
                Some(("RSA PRIVATE KEY", block)) => RsaPrivateKey::from_pkcs1_pem(block)
                    .map(Self)
                    .map_err(|e| PrivateKeyError::Pkcs1 {
                        detail: e.to_string(),
                    }),
                Some(("PRIVATE KEY", block)) => RsaPrivateKey::from_pkcs8_pem(block)
                    .map(Self)
                    .map_err(|e| PrivateKeyError::Pkcs8 {
                        detail: e.to_string(),
                    }),
                Some(("ENCRYPTED PRIVATE KEY", _)) => Err(PrivateKeyError::Encrypted),
                Some((_, _)) => Err(PrivateKeyError::NotRsa),
                None => Err(PrivateKeyError::NoPemBlock),
            };
        }
        RsaPrivateKey::from_pkcs8_der(bytes)
            .or_else(|_| RsaPrivateKey::from_pkcs1_der(bytes))
            .map(Self)
            .map_err(|_| PrivateKeyError::NotAKey)
    }

    /// The `rsa` crate's key, for decrypting `.enc.sgn` keys.
    pub(crate) fn rsa(&self) -> &RsaPrivateKey {
        &self.0
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.to_public_key())
    }

    /// Signs `message` (hashed here with `digest`) with RSA PKCS#1 v1.5, as a
    /// trust list's SIGNATURE is made over its signed bytes.
    pub fn sign(&self, digest: DigestAlgorithm, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        let scheme = match digest {
            DigestAlgorithm::SHA1 => Pkcs1v15Sign::new::<Sha1>(),
            DigestAlgorithm::SHA256 => Pkcs1v15Sign::new::<Sha256>(),
            DigestAlgorithm::SHA512 => Pkcs1v15Sign::new::<Sha512>(),
            other => return Err(SigningError::UnsupportedDigest(other.code())),
        };
        let hashed = hash(digest, message).ok_or(SigningError::UnsupportedDigest(digest.code()))?;
        self.0.sign(scheme, &hashed).map_err(|e| SigningError::Rsa {
            detail: e.to_string(),
        })
    }
}

/// The first PEM block with one of `labels` in `text`: (label, whole block text).
pub(crate) fn pem_block<'t>(
    text: &'t str,
    labels: &[&'static str],
) -> Option<(&'static str, &'t str)> {
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

/// An RSA public key as PKCS#1 `RSAPublicKey` DER, with where it came from (for
/// error messages).
pub(crate) struct KeyDer<'k> {
    /// The DER bytes.
    pub der: Cow<'k, [u8]>,
    /// Taken from a CERTIFICATE (else from a PUBLICKEY element).
    pub from_certificate: bool,
}

impl KeyDer<'_> {
    /// The key decoded by the `rsa` crate, or why it cannot be used.
    pub fn rsa_key(&self) -> Result<RsaPublicKey, KeyError> {
        RsaPublicKey::from_pkcs1_der(&self.der).map_err(|e| KeyError::Unusable {
            from_certificate: self.from_certificate,
            detail: e.to_string(),
        })
    }
}

/// The PKCS#1 DER of a record's RSA key, not yet decoded: from its CERTIFICATE,
/// or else from its PUBLICKEY.
pub(crate) fn record_key_der<'r>(record: &'r Record<'_>) -> Result<KeyDer<'r>, KeyError> {
    if let Some(der) = record.certificate() {
        return certificate_key_der(der);
    }
    match record.public_key() {
        Some(pk) => Ok(KeyDer {
            der: Cow::Borrowed(pk),
            from_certificate: false,
        }),
        None => Err(KeyError::NoKey),
    }
}

/// The PKCS#1 DER of a certificate's RSA key. Remembered per thread (see
/// `memo.rs`): bulk runs meet the same few certificates in every file.
fn certificate_key_der(der: &[u8]) -> Result<KeyDer<'static>, KeyError> {
    thread_local! {
        static MEMO: RefCell<Memo<Result<Vec<u8>, KeyError>>> = const { RefCell::new(Memo::new()) };
    }
    let key = memo::get_or_compute(&MEMO, 0, der, || {
        // The certificate checks parse the same certificate (and remember it):
        // take its key from there rather than parse the certificate twice. Any
        // other case (not RSA, bytes after the DER, not X.509) is decided and
        // worded by the key extraction itself, as before.
        match crate::cert::CertInfo::parse_shared(der) {
            Ok(info) if info.is_rsa => Ok(info.public_key.clone()),
            _ => certificate_key_uncached(der),
        }
    })?;
    Ok(KeyDer {
        der: Cow::Owned(key),
        from_certificate: true,
    })
}

fn certificate_key_uncached(der: &[u8]) -> Result<Vec<u8>, KeyError> {
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der).map_err(|e| {
        KeyError::BadCertificate {
            detail: e.to_string(),
        }
    })?;
    let spki = cert.public_key();
    let rsa_oid = x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION;
    if spki.algorithm.algorithm != rsa_oid {
        return Err(KeyError::NotRsa {
            algorithm: spki.algorithm.algorithm.to_id_string(),
        });
    }
    Ok(spki.subject_public_key.data.to_vec())
}
