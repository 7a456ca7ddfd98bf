//! Verification of the file signature (the envelope).

use thiserror::Error;

use crate::digest::DigestAlgorithm;
use crate::fingerprint::hash_parts;
use crate::header::Header;
use crate::keys::{KeyError, PublicKey, record_key_der};
use crate::pkcs1v15::{self, Outcome};
use crate::role::Role;
use crate::tag::HeaderTag;
use crate::trustlist::TrustList;

/// Why a file's signature does not verify.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header has no SIGNATURE element.
    #[error("the header has no SIGNATURE element: the file is not signed")]
    NoSignature,
    /// The header has more than one SIGNATURE element.
    #[error("the header has {0} SIGNATURE elements; a signed file has exactly one")]
    MultipleSignatures(usize),
    /// The SIGNATURE element is not directly after SIGNATUREINFO, where every known
    /// producer writes it. The signed bytes leave the SIGNATURE element out, so they
    /// do not fix its place: a file whose SIGNATURE was moved still has a matching
    /// RSA signature, but it is not the file that was signed.
    #[error(
        "SIGNATURE at byte {offset} is not directly after SIGNATUREINFO (it belongs at byte {expected}): the file was rearranged after signing"
    )]
    SignatureMoved {
        /// Where the SIGNATURE element starts.
        offset: usize,
        /// Where it should start: the end of SIGNATUREINFO.
        expected: usize,
    },
    /// The header's digest code is not one this crate knows.
    #[error("unsupported digest {0} (known: 1 SHA-1, 2 SHA-256, 3 SHA-512)")]
    UnsupportedDigest(u8),
    /// The header has no DIGESTALGORTITHM element.
    #[error("the header has no DIGESTALGORTITHM element")]
    NoDigest,
    /// The header's signature algorithm is not RSA (0).
    #[error("unsupported signature algorithm {0} (only 0, RSA, is known)")]
    UnsupportedAlgorithm(u8),
    /// No record matches the header's signer and no SAST record verifies.
    #[error(
        "signer not found: no record has serial {} and issuer {issuer:?}, and no SAST record's key verifies the signature (searched serials: {})",
        hex::encode(.serial), short_list(.searched.iter().map(hex::encode))
    )]
    SignerNotFound {
        /// The header's signer serial.
        serial: Vec<u8>,
        /// The header's CA name.
        issuer: String,
        /// SERIALNUMBER of every record that has one, in file order (the message
        /// shows the first ten and how many more).
        searched: Vec<Vec<u8>>,
    },
    /// The signer record's key cannot be used.
    #[error("record {record}: key not usable: {reason}")]
    KeyNotUsable {
        /// 1-based record number.
        record: usize,
        /// Why.
        reason: KeyError,
    },
    /// The signer's key does not verify the signature.
    #[error("signature mismatch: the signature does not verify with the key of record {record}{}{}",
        if others.is_empty() { String::new() } else { format!(" (nor records {})", short_list(others.iter())) },
        if no_key.is_empty() { String::new() } else { format!("; SAST records {} have no usable RSA key", short_list(no_key.iter())) })]
    Mismatch {
        /// The record named by the header (1-based).
        record: usize,
        /// Other records (1-based) whose key was tried and did not verify (the
        /// message shows the first ten and how many more).
        others: Vec<usize>,
        /// SAST records (1-based) that could not be tried: no CERTIFICATE or
        /// PUBLICKEY, or not a usable RSA key.
        no_key: Vec<usize>,
    },
    /// The given outside key does not verify the signature.
    #[error("signature mismatch: the signature does not verify with the given key")]
    MismatchExternal,
    /// No trusted key was given to check the file against.
    #[error(
        "no trusted RSA key to check against (the trust sources hold no usable SAST, CCM+TFTP or TFTP key)"
    )]
    NoTrustAnchors,
    /// None of the trusted keys verifies the signature.
    #[error("not trusted: the signature does not verify with any of the {tried} trusted key(s)")]
    NotTrusted {
        /// How many trusted keys were tried.
        tried: usize,
    },
}

/// A verified signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureReport {
    /// The record whose key verified the signature (1-based).
    pub signer_record: usize,
    /// The digest used.
    pub digest: DigestAlgorithm,
    /// Size of the signer's RSA key in bits.
    pub key_bits: usize,
}

/// The signature, digest and signed-bytes hash of a file, checked for shape.
pub(crate) fn prepare<'t>(
    tl: &'t TrustList<'_>,
) -> Result<(&'t [u8], DigestAlgorithm, Vec<u8>), SignatureError> {
    prepare_parts(tl.header(), tl.raw())
}

/// [`prepare`] for any signed layout: a parsed header and the bytes it was
/// parsed from (a trust list, or a signed file of any kind).
pub(crate) fn prepare_parts<'t>(
    h: &'t Header<'_>,
    raw: &[u8],
) -> Result<(&'t [u8], DigestAlgorithm, Vec<u8>), SignatureError> {
    let n = h.signature_elements().count();
    if n == 0 {
        return Err(SignatureError::NoSignature);
    }
    if n > 1 {
        return Err(SignatureError::MultipleSignatures(n));
    }
    if let Some(alg) = h.signature_algorithm()
        && alg != 0
    {
        return Err(SignatureError::UnsupportedAlgorithm(alg));
    }
    let digest = h.digest().ok_or(SignatureError::NoDigest)?;
    check_signature_place(h)?;
    // The signed bytes are the file without the SIGNATURE element: hashed in two
    // parts, not copied (the same bytes as `signed_bytes`).
    let range = h.signature_range().ok_or(SignatureError::NoSignature)?;
    let (before, after) = (
        raw.get(..range.start).ok_or(SignatureError::NoSignature)?,
        raw.get(range.end..).ok_or(SignatureError::NoSignature)?,
    );
    let hashed = hash_parts(digest, &[before, after])
        .ok_or(SignatureError::UnsupportedDigest(digest.code()))?;
    let sig = h.signature().ok_or(SignatureError::NoSignature)?;
    Ok((sig, digest, hashed))
}

/// The SIGNATURE element must directly follow the SIGNATUREINFO container (as in
/// CUCM files and every other known producer's). Anywhere else in the header the
/// signed bytes would be the same, so its place is checked here.
fn check_signature_place(h: &Header<'_>) -> Result<(), SignatureError> {
    let elements = h.elements();
    let Some(i) = elements
        .iter()
        .position(|e| e.tag() == HeaderTag::SIGNATURE.0 && !e.is_padding())
    else {
        return Err(SignatureError::NoSignature);
    };
    let expected = elements
        .iter()
        .find(|e| e.tag() == HeaderTag::SIGNATURE_INFO.0 && !e.is_padding())
        .map(|e| e.offset() + e.encoded_len());
    let previous = i.checked_sub(1).and_then(|p| elements.get(p));
    match (previous, expected) {
        (Some(p), _) if p.tag() == HeaderTag::SIGNATURE_INFO.0 && !p.is_padding() => Ok(()),
        (_, Some(expected)) => Err(SignatureError::SignatureMoved {
            offset: elements[i].offset(),
            expected,
        }),
        // Without SIGNATUREINFO there is no digest; prepare() has refused already.
        (_, None) => Err(SignatureError::NoDigest),
    }
}

/// The bytes a signature covers: `raw` without the header's SIGNATURE element
/// (tag, length and value). `None` without a SIGNATURE element.
pub(crate) fn signed_bytes(h: &Header<'_>, raw: &[u8]) -> Option<Vec<u8>> {
    let range = h.signature_range()?;
    let (before, after) = (raw.get(..range.start)?, raw.get(range.end..)?);
    let mut out = Vec::with_capacity(before.len() + after.len());
    out.extend_from_slice(before);
    out.extend_from_slice(after);
    Some(out)
}

pub(crate) fn verifies(
    key: &PublicKey,
    digest: DigestAlgorithm,
    hashed: &[u8],
    sig: &[u8],
) -> bool {
    matches!(
        pkcs1v15::check_key(key.rsa(), digest, hashed, sig),
        Outcome::Verified { .. }
    )
}

/// Verifies the file signature over the original bytes with the key of the record
/// that signed it: the record whose SERIALNUMBER and ISSUERNAME equal the header's
/// serial and CA name; failing that, each SAST record in turn.
pub fn verify_signature(tl: &TrustList<'_>) -> Result<SignatureReport, SignatureError> {
    let (sig, digest, hashed) = prepare(tl)?;
    let h = tl.header();
    let serial = h.signer_serial().unwrap_or_default();
    let issuer = h.issuer_name().unwrap_or_default();
    let named: Vec<usize> = tl
        .records()
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.serial_number() == Some(serial)
                && crate::dn::same_dn(&r.issuer_name().unwrap_or_default(), &issuer)
        })
        .map(|(i, _)| i)
        .collect();
    // Flags, not `contains` on lists: a hostile file may hold millions of records.
    let mut is_named = vec![false; tl.records().len()];
    for &i in &named {
        is_named[i] = true;
    }
    let mut seen = vec![false; tl.records().len()];
    let mut tried = Vec::new();
    let mut no_key = Vec::new();
    let mut key_error = None;
    let sast = tl
        .records()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.function() == Some(Role::SAST))
        .map(|(i, _)| i);
    for i in named.iter().copied().chain(sast) {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        match record_key_der(&tl.records()[i])
            .and_then(|k| pkcs1v15::check(&k, digest, &hashed, sig))
        {
            Ok(Outcome::Verified { key_bits }) => {
                return Ok(SignatureReport {
                    signer_record: i + 1,
                    digest,
                    key_bits,
                });
            }
            Ok(Outcome::Mismatch) => tried.push(i),
            Err(reason) => {
                no_key.push(i);
                if is_named[i] && key_error.is_none() {
                    key_error = Some(SignatureError::KeyNotUsable {
                        record: i + 1,
                        reason,
                    });
                }
            }
        }
    }
    if let Some(e) = key_error {
        return Err(e);
    }
    match named.first() {
        Some(&first) => Err(SignatureError::Mismatch {
            record: first + 1,
            others: tried
                .iter()
                .filter(|&&i| i != first)
                .map(|i| i + 1)
                .collect(),
            no_key: no_key.iter().map(|i| i + 1).collect(),
        }),
        None => Err(SignatureError::SignerNotFound {
            serial: serial.to_vec(),
            issuer,
            searched: tl
                .records()
                .iter()
                .filter_map(|r| r.serial_number().map(<[u8]>::to_vec))
                .collect(),
        }),
    }
}

/// Items joined by `, `, the first ten only, then `and N more`: a file with
/// millions of records still gets a one-line message.
fn short_list<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    const SHOWN: usize = 10;
    let mut shown = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < SHOWN {
            shown.push(item.to_string());
        } else {
            more += 1;
        }
    }
    let mut list = shown.join(", ");
    if more > 0 {
        list.push_str(&format!(" and {more} more"));
    }
    list
}

/// Verifies the file signature with an outside key (for example the certificate
/// of a signer the phone already trusts).
pub fn verify_signature_with_key(
    tl: &TrustList<'_>,
    key: &PublicKey,
) -> Result<DigestAlgorithm, SignatureError> {
    let (sig, digest, hashed) = prepare(tl)?;
    if verifies(key, digest, &hashed, sig) {
        Ok(digest)
    } else {
        Err(SignatureError::MismatchExternal)
    }
}

/// Where a [`TrustAnchor`]'s key comes from (the caller words it; names are
/// kept as read, unescaped).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnchorOrigin {
    /// A certificate given by itself.
    Certificate {
        /// What the caller named it (a file name).
        source: String,
        /// The certificate's subject in CUCM style; empty if it does not parse.
        subject: String,
    },
    /// A record of a trust list (the phone's current ITL or CTL).
    Record {
        /// What the caller named the trust list (a file name).
        source: String,
        /// 1-based record number.
        index: usize,
        /// The record's FUNCTION.
        role: Role,
        /// The record's SUBJECTNAME, if it has one.
        subject: Option<String>,
    },
    /// A key given without a name.
    Key,
}

/// A key trusted from outside the file: a given certificate, or an entry of the
/// phone's current ITL/CTL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustAnchor {
    /// Where the key comes from, for messages.
    pub origin: AnchorOrigin,
    /// The RSA public key.
    pub key: PublicKey,
}

impl TrustAnchor {
    /// An anchor of a key given without a name ([`AnchorOrigin::Key`]).
    pub fn from_key(key: PublicKey) -> Self {
        Self {
            origin: AnchorOrigin::Key,
            key,
        }
    }

    /// The key of a DER certificate; `source` names it in messages.
    pub fn from_certificate(der: &[u8], source: &str) -> Result<Self, KeyError> {
        let key = PublicKey::from_certificate(der)?;
        let subject = crate::cert::CertInfo::parse_shared(der)
            .map(|c| c.subject.clone())
            .unwrap_or_default();
        Ok(Self {
            origin: AnchorOrigin::Certificate {
                source: source.to_owned(),
                subject,
            },
            key,
        })
    }

    /// The keys a phone holding `tl` trusts to sign a new file: those of its SAST,
    /// CCM+TFTP and TFTP records (from CERTIFICATE, else PUBLICKEY). Records
    /// without a usable RSA key are left out. `source` names the file in messages.
    pub fn from_trust_list(tl: &TrustList<'_>, source: &str) -> Vec<Self> {
        tl.records()
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let role = r
                    .function()
                    .filter(|f| matches!(*f, Role::SAST | Role::CCM_TFTP | Role::TFTP))?;
                let key = PublicKey::of_record(r).ok()?;
                Some(Self {
                    origin: AnchorOrigin::Record {
                        source: source.to_owned(),
                        index: i + 1,
                        role,
                        subject: r.subject_name(),
                    },
                    key,
                })
            })
            .collect()
    }
}

/// A file signature verified with an outside key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustReport {
    /// Index (0-based) into the anchors given of the key that verified (its
    /// [`TrustAnchor::origin`] says where it comes from).
    pub anchor: usize,
    /// The digest used.
    pub digest: DigestAlgorithm,
}

/// Verifies the file signature against keys trusted from outside (the phone's
/// view: a new file must be signed by a key it already trusts). The first anchor
/// whose key verifies is reported.
pub fn verify_with_trust(
    tl: &TrustList<'_>,
    anchors: &[TrustAnchor],
) -> Result<TrustReport, SignatureError> {
    let (sig, digest, hashed) = prepare(tl)?;
    if anchors.is_empty() {
        return Err(SignatureError::NoTrustAnchors);
    }
    anchors
        .iter()
        .position(|a| verifies(&a.key, digest, &hashed, sig))
        .map(|anchor| TrustReport { anchor, digest })
        .ok_or(SignatureError::NotTrusted {
            tried: anchors.len(),
        })
}
