//! What the two builders share: [`crate::Builder`] (trust lists) and
//! [`crate::SignedFileBuilder`] (`.sgn`) check their signer the same way,
//! describe it in the header with the same elements, and put the signature in
//! the same place. Each maps [`SignerError`] to its own public error.

use std::ops::Range;

use crate::cert::{CertError, CertInfo};
use crate::digest::DigestAlgorithm;
use crate::element::Element;
use crate::keys::{KeyError, PublicKey, SigningKey};
use crate::tag::HeaderTag;

/// A signer whose certificate, key and digest can make a file.
pub(crate) struct Signer {
    /// The certificate's subject, issuer and serial.
    pub info: CertInfo,
    /// The key's public half (equal to the certificate's).
    pub public: PublicKey,
    /// The SIGNATURE MODULUS code of the key size.
    pub modulus_code: u8,
    /// Length of the signature in bytes.
    pub sig_len: usize,
}

/// Why a signer cannot sign.
pub(crate) enum SignerError {
    /// The certificate does not parse.
    Certificate(CertError),
    /// The certificate's key is not a usable RSA key.
    CertificateKey(KeyError),
    /// The private key is not the certificate's.
    KeyMismatch { subject: String },
    /// A key size the header cannot name.
    KeySize(usize),
    /// A digest other than SHA-1, SHA-256, SHA-512 (its code).
    Digest(u8),
}

/// Checks that `key` belongs to `cert`, that the header can name its size, and
/// that `digest` is one a file can be signed with.
pub(crate) fn check(
    cert: &[u8],
    key: &SigningKey,
    digest: DigestAlgorithm,
) -> Result<Signer, SignerError> {
    let info = CertInfo::parse(cert).map_err(SignerError::Certificate)?;
    let cert_key = PublicKey::from_certificate(cert).map_err(SignerError::CertificateKey)?;
    let public = key.public_key();
    if public != cert_key {
        return Err(SignerError::KeyMismatch {
            subject: info.subject,
        });
    }
    let bits = public.bits();
    let modulus_code = match bits {
        512 => 0u8,
        1024 => 1,
        2048 => 2,
        4096 => 3,
        other => return Err(SignerError::KeySize(other)),
    };
    if digest.name().is_none() {
        return Err(SignerError::Digest(digest.code()));
    }
    Ok(Signer {
        info,
        public,
        modulus_code,
        sig_len: bits.div_ceil(8),
    })
}

impl Signer {
    /// SIGNERINFO: SIGNERNAME, SERIALNUMBER, CANAME.
    pub fn signer_info(&self) -> Element<'static> {
        Element::new_container(
            HeaderTag::SIGNER_INFO.0,
            vec![
                Element::new_value(HeaderTag::SIGNER_NAME.0, nul(&self.info.subject)),
                Element::new_value(HeaderTag::SERIAL_NUMBER.0, self.info.serial.clone()),
                Element::new_value(HeaderTag::CA_NAME.0, nul(&self.info.issuer)),
            ],
        )
    }

    /// SIGNATUREINFO: DIGESTALGORITHM, SIGNATUREALGOINFO (RSA, modulus code).
    pub fn signature_info(&self, digest: DigestAlgorithm) -> Element<'static> {
        Element::new_container(
            HeaderTag::SIGNATURE_INFO.0,
            vec![
                Element::new_value(HeaderTag::DIGEST_ALGORITHM.0, vec![digest.code()]),
                Element::new_container(
                    HeaderTag::SIGNATURE_ALGO_INFO.0,
                    vec![
                        Element::new_value(HeaderTag::SIGNATURE_ALGORITHM.0, vec![0]),
                        Element::new_value(HeaderTag::SIGNATURE_MODULUS.0, vec![self.modulus_code]),
                    ],
                ),
            ],
        )
    }

    /// A SIGNATURE element of the final length, zeros until [`put_signature`].
    pub fn signature_placeholder(&self) -> Element<'static> {
        Element::new_value(HeaderTag::SIGNATURE.0, vec![0u8; self.sig_len])
    }
}

/// Writes `signature` over the value of the SIGNATURE element at `range` (tag,
/// length and value) in `file`; false if it is not there or not that long.
pub(crate) fn put_signature(file: &mut [u8], range: Range<usize>, signature: &[u8]) -> bool {
    match file.get_mut(range.start + 3..range.end) {
        Some(slot) if slot.len() == signature.len() => {
            slot.copy_from_slice(signature);
            true
        }
        _ => false,
    }
}

/// A NUL-terminated string value.
pub(crate) fn nul(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// Now in Unix seconds, for the TIMESTAMP element.
pub(crate) fn now() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs).unwrap_or(u32::MAX)
}
