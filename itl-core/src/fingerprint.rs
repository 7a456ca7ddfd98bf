//! Whole-file and certificate fingerprints.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::digest::DigestAlgorithm;

/// MD5, SHA-1 and SHA-256 of a whole file, lower-case hex. Phones show the MD5 or
/// the SHA-1 (by model) under Settings > Security > Trust List.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprints {
    /// MD5, as `md5sum` prints it.
    pub md5: String,
    /// SHA-1, as `sha1sum` prints it.
    pub sha1: String,
    /// SHA-256, as `sha256sum` prints it.
    pub sha256: String,
}

impl Fingerprints {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            md5: md5_hex(bytes),
            sha1: sha1_hex(bytes),
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }
}

/// The MD5 of `bytes` in lower-case hex, for renderers that print only the MD5
/// and SHA-1 (the SHA-256 of [`Fingerprints::of`] is then not computed).
pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// The SHA-1 of `bytes` in lower-case hex (see [`md5_hex`]).
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// Hash of the concatenation of `parts` (without building it), with the
/// algorithm a code names; `None` for unknown codes.
pub(crate) fn hash_parts(algorithm: DigestAlgorithm, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn of<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut d = D::new();
        for p in parts {
            d.update(p);
        }
        d.finalize().to_vec()
    }
    match algorithm {
        DigestAlgorithm::SHA1 => Some(of::<Sha1>(parts)),
        DigestAlgorithm::SHA256 => Some(of::<Sha256>(parts)),
        DigestAlgorithm::SHA512 => Some(of::<Sha512>(parts)),
        _ => None,
    }
}

/// Hash of `bytes` with the algorithm a code names; `None` for unknown codes.
pub(crate) fn hash(algorithm: DigestAlgorithm, bytes: &[u8]) -> Option<Vec<u8>> {
    match algorithm {
        DigestAlgorithm::SHA1 => Some(Sha1::digest(bytes).to_vec()),
        DigestAlgorithm::SHA256 => Some(Sha256::digest(bytes).to_vec()),
        DigestAlgorithm::SHA512 => Some(Sha512::digest(bytes).to_vec()),
        _ => None,
    }
}
