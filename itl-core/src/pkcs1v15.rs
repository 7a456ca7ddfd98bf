//! RSA PKCS#1 v1.5 signature checks: by AWS-LC (the default cargo feature
//! `aws-lc`; about four to five times faster), or by the pure-Rust `rsa` crate
//! alone (feature `pure-rust` without `aws-lc`, for targets without a C
//! compiler); see `docs/PERFORMANCE.md`.
//!
//! Both backends take the same key (PKCS#1 `RSAPublicKey` DER) and give the same
//! answer: AWS-LC is asked only about keys the `rsa` crate also accepts (modulus
//! 1024 to 8192 bits and odd, exponent odd, from 3 to 2^33 - 1); any other key,
//! and any key AWS-LC refuses, goes to the `rsa` crate, which then decides and
//! words the error as it always has.

use std::cell::RefCell;
use std::rc::Rc;

use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PublicKey as RsaPublicKey};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use crate::digest::DigestAlgorithm;
use crate::keys::{KeyDer, KeyError};
use crate::memo::{self, Memo};

#[cfg(not(any(feature = "aws-lc", feature = "pure-rust")))]
compile_error!(
    "itl-core needs an RSA backend: the default feature `aws-lc`, or `pure-rust` \
     (`--no-default-features --features pure-rust`) for targets without a C compiler"
);

/// The library that checks RSA signatures in this build.
#[cfg(feature = "aws-lc")]
pub(crate) const BACKEND: &str = "aws-lc-rs";
/// The library that checks RSA signatures in this build.
#[cfg(not(feature = "aws-lc"))]
pub(crate) const BACKEND: &str = "rsa (pure Rust)";

/// The modulus size in bits of a PKCS#1 `RSAPublicKey` DER, read from the DER
/// alone (no key is built, so it is cheap, and keys the `rsa` crate refuses,
/// such as 512-bit ones, are measured too). `None` if the DER does not decode.
pub(crate) fn modulus_bits(der: &[u8]) -> Option<usize> {
    use rsa::pkcs1::RsaPublicKeyRef;
    use rsa::pkcs1::der::Decode;
    let key = RsaPublicKeyRef::from_der(der).ok()?;
    let n = key.modulus.as_bytes();
    let first = n.first()?;
    Some(n.len() * 8 - first.leading_zeros() as usize)
}

/// What checking a signature with a usable key found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The signature verifies; the key has this many bits.
    Verified {
        /// Size of the key's modulus in bits.
        key_bits: usize,
    },
    /// The signature does not verify with this key.
    Mismatch,
}

/// Checks `sig` against the `digest` hash `hashed` with `key`; `Err` says why the
/// key cannot be used.
pub(crate) fn check(
    key: &KeyDer<'_>,
    digest: DigestAlgorithm,
    hashed: &[u8],
    sig: &[u8],
) -> Result<Outcome, KeyError> {
    #[cfg(feature = "aws-lc")]
    if let Some(outcome) = aws_lc::check(&key.der, digest, hashed, sig) {
        return Ok(outcome);
    }
    // Decoding a key computes its Montgomery constants (a tenth of a check):
    // remember decoded keys for the next file signed by the same key. The tag
    // keeps the error, which depends on where the key came from.
    thread_local! {
        static KEYS: RefCell<Memo<Result<Rc<RsaPublicKey>, KeyError>>> = const { RefCell::new(Memo::new()) };
    }
    let tag = u8::from(key.from_certificate);
    let key = memo::get_or_compute(&KEYS, tag, &key.der, || key.rsa_key().map(Rc::new))?;
    Ok(check_rsa(&key, digest, hashed, sig))
}

/// Checks `sig` with a key already decoded by the `rsa` crate (an outside key),
/// through AWS-LC when the feature is on.
pub(crate) fn check_key(
    key: &RsaPublicKey,
    digest: DigestAlgorithm,
    hashed: &[u8],
    sig: &[u8],
) -> Outcome {
    #[cfg(feature = "aws-lc")]
    {
        use rsa::pkcs1::EncodeRsaPublicKey;
        if let Ok(der) = key.to_pkcs1_der()
            && let Some(outcome) = aws_lc::check(der.as_bytes(), digest, hashed, sig)
        {
            return outcome;
        }
    }
    check_rsa(key, digest, hashed, sig)
}

/// Checks `sig` with a key already decoded by the `rsa` crate, by that crate.
pub(crate) fn check_rsa(
    key: &RsaPublicKey,
    digest: DigestAlgorithm,
    hashed: &[u8],
    sig: &[u8],
) -> Outcome {
    let scheme = match digest {
        DigestAlgorithm::SHA1 => Pkcs1v15Sign::new::<Sha1>(),
        DigestAlgorithm::SHA256 => Pkcs1v15Sign::new::<Sha256>(),
        DigestAlgorithm::SHA512 => Pkcs1v15Sign::new::<Sha512>(),
        _ => return Outcome::Mismatch,
    };
    if key.verify(scheme, hashed, sig).is_ok() {
        Outcome::Verified {
            key_bits: key.n().bit_width() as usize,
        }
    } else {
        Outcome::Mismatch
    }
}

#[cfg(feature = "aws-lc")]
mod aws_lc {
    use aws_lc_rs::digest::{self, Digest};
    use aws_lc_rs::signature::{self, ParsedPublicKey, RsaParameters};
    use rsa::pkcs1::RsaPublicKeyRef;
    use rsa::pkcs1::der::Decode;

    use std::cell::RefCell;
    use std::rc::Rc;

    use super::Outcome;
    use crate::digest::DigestAlgorithm;
    use crate::memo::{self, Memo};

    /// The `rsa` crate's default limits, which these checks mirror.
    const MIN_BITS: usize = RsaPublicKey::MIN_SIZE;
    const MAX_BITS: usize = RsaPublicKey::MAX_SIZE;
    const MAX_EXPONENT: u64 = RsaPublicKey::MAX_PUB_EXPONENT;
    use rsa::PublicKey as RsaPublicKey;

    /// The answer of AWS-LC, or `None` when the `rsa` crate must decide (a key
    /// outside the limits both share, a key AWS-LC refuses, an unknown digest).
    pub(super) fn check(
        der: &[u8],
        digest: DigestAlgorithm,
        hashed: &[u8],
        sig: &[u8],
    ) -> Option<Outcome> {
        let (params, algorithm): (&'static RsaParameters, &'static digest::Algorithm) = match digest
        {
            DigestAlgorithm::SHA1 => (
                &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                &digest::SHA1_FOR_LEGACY_USE_ONLY,
            ),
            DigestAlgorithm::SHA256 => (
                &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                &digest::SHA256,
            ),
            DigestAlgorithm::SHA512 => (
                &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                &digest::SHA512,
            ),
            _ => return None,
        };
        let key_bits = shared_limits(der)?;
        // A parsed key keeps its Montgomery constants: remember it for the next
        // file signed by the same key.
        thread_local! {
            static KEYS: RefCell<Memo<Option<Rc<ParsedPublicKey>>>> = const { RefCell::new(Memo::new()) };
        }
        let key = memo::get_or_compute(&KEYS, digest.code(), der, || {
            ParsedPublicKey::new(params, der).ok().map(Rc::new)
        })?;
        let hashed = Digest::import_less_safe(hashed, algorithm).ok()?;
        Some(match key.verify_digest_sig(&hashed, sig) {
            Ok(()) => Outcome::Verified { key_bits },
            Err(_) => Outcome::Mismatch,
        })
    }

    /// The key's modulus size in bits, if the key is within the limits both
    /// backends accept.
    fn shared_limits(der: &[u8]) -> Option<usize> {
        let key = RsaPublicKeyRef::from_der(der).ok()?;
        let n = key.modulus.as_bytes();
        let e = key.public_exponent.as_bytes();
        let n_bits = super::modulus_bits(der)?;
        if !(MIN_BITS..=MAX_BITS).contains(&n_bits) || n.last()? % 2 == 0 {
            return None;
        }
        if e.len() > 8 {
            return None;
        }
        let e = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if !(3..=MAX_EXPONENT).contains(&e) || e % 2 == 0 {
            return None;
        }
        Some(n_bits)
    }
}

/// The two backends must agree on every signature of the vectors, on every
/// record's key, and on single-bit changes of signature and hash.
#[cfg(all(test, feature = "aws-lc"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::borrow::Cow;

    use rsa::pkcs1::DecodeRsaPublicKey;

    use super::*;
    use crate::TrustList;
    use crate::keys::record_key_der;
    use crate::verify::prepare;

    fn rsa_only(
        key: &KeyDer<'_>,
        d: DigestAlgorithm,
        hashed: &[u8],
        sig: &[u8],
    ) -> Option<Outcome> {
        key.rsa_key().ok().map(|k| check_rsa(&k, d, hashed, sig))
    }

    fn tlv_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("vectors dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                tlv_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "tlv") {
                out.push(p);
            }
        }
    }

    #[test]
    fn aws_lc_and_rsa_crate_agree() {
        let mut files = Vec::new();
        tlv_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testvectors"),
            &mut files,
        );
        let (mut verified, mut mismatches) = (0, 0);
        for p in files {
            let bytes = std::fs::read(&p).unwrap();
            let Ok(tl) = TrustList::parse(&bytes) else {
                continue;
            };
            let Ok((sig, digest, hashed)) = prepare(&tl) else {
                continue;
            };
            for r in tl.records() {
                let Ok(key) = record_key_der(r) else { continue };
                let fast = aws_lc::check(&key.der, digest, &hashed, sig);
                let slow = rsa_only(&key, digest, &hashed, sig);
                if let Some(f) = fast {
                    assert_eq!(Some(f), slow, "{}: record at {}", p.display(), r.offset());
                }
                if let Ok(k) = key.rsa_key() {
                    assert_eq!(Some(check_key(&k, digest, &hashed, sig)), slow);
                }
                if let Some(Outcome::Verified { .. }) = slow {
                    verified += 1;
                    assert!(fast.is_some(), "{}: AWS-LC was not asked", p.display());
                }
                for bit in [0, 7, 100, sig.len() * 8 - 1] {
                    let mut bad = sig.to_vec();
                    bad[bit / 8] ^= 1 << (bit % 8);
                    let fast = check(&key, digest, &hashed, &bad);
                    assert_eq!(fast.ok(), rsa_only(&key, digest, &hashed, &bad));
                    let mut bad_hash = hashed.clone();
                    bad_hash[bit % hashed.len()] ^= 1;
                    let fast = check(&key, digest, &bad_hash, sig);
                    assert_eq!(
                        fast.as_ref().ok(),
                        rsa_only(&key, digest, &bad_hash, sig).as_ref()
                    );
                    if fast == Ok(Outcome::Mismatch) {
                        mismatches += 1;
                    }
                }
            }
        }
        // Every valid vector verifies through AWS-LC (1024-, 2048- and 4096-bit
        // signers, SHA-1 and SHA-512), and changed bits are caught.
        assert!(verified >= 7, "verified {verified}");
        assert!(mismatches > 0);
    }

    #[test]
    fn keys_outside_the_shared_limits_go_to_the_rsa_crate() {
        // A 512-bit key (the rsa crate refuses it: it must decide, not AWS-LC).
        let n = [0xC5u8; 64];
        let mut der = vec![0x30, 0x48, 0x02, 0x41, 0x00];
        der.extend_from_slice(&n);
        der.extend_from_slice(&[0x02, 0x03, 0x01, 0x00, 0x01]);
        assert!(RsaPublicKey::from_pkcs1_der(&der).is_err());
        let hashed = [0u8; 20];
        assert_eq!(
            aws_lc::check(&der, DigestAlgorithm::SHA1, &hashed, &[0u8; 64]),
            None
        );
        let key = KeyDer {
            der: Cow::Borrowed(&der),
            from_certificate: false,
        };
        let err = check(&key, DigestAlgorithm::SHA1, &hashed, &[0u8; 64])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("PUBLICKEY is not a usable RSA key"),
            "{err}"
        );
    }
}

#[cfg(test)]
mod bits_tests {
    #![allow(clippy::unwrap_used)]

    use rsa::pkcs1::DecodeRsaPublicKey;

    use super::*;

    #[test]
    fn modulus_bits_reads_the_der() {
        // 512-bit modulus (the rsa crate refuses to build such a key).
        let mut der = vec![0x30, 0x48, 0x02, 0x41, 0x00];
        der.extend_from_slice(&[0xC5u8; 64]);
        der.extend_from_slice(&[0x02, 0x03, 0x01, 0x00, 0x01]);
        assert_eq!(modulus_bits(&der), Some(512));
        assert_eq!(modulus_bits(&der[..10]), None);
        // The PUBLICKEY of every record of the replica: as the rsa crate says.
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv"),
        )
        .unwrap();
        let tl = crate::TrustList::parse(&bytes).unwrap();
        let mut seen = Vec::new();
        for r in tl.records() {
            let pk = r.public_key().unwrap();
            let k = RsaPublicKey::from_pkcs1_der(pk).unwrap();
            assert_eq!(modulus_bits(pk), Some(k.n().bit_width() as usize));
            seen.push(modulus_bits(pk).unwrap());
        }
        assert_eq!(seen, [1024, 1024, 2048, 1024]);
    }
}
