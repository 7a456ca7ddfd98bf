//! Mutation tests: every truncation and every single-bit flip of a real CUCM file,
//! of our replica vector and of a file made by `Builder` must parse without
//! panicking, and none may verify.
//!
//! A flip anywhere in a signed file changes either the signed bytes, the
//! signature, or which element is taken as the signature; each of those must make
//! verification fail. These tests are the fast, always-run counterpart of the
//! `fuzz/` targets (docs/FUZZING.md).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use itl_core::{SignatureError, TrustList, verify_signature};

fn vector(rel: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testvectors")
        .join(rel);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read test vector {}: {e}", path.display()));
    (path, bytes)
}

/// What happened to one mutated input.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The parser refused it.
    Rejected,
    /// It parsed, and verification refused it with this error.
    Unverified(SignatureError),
}

/// Parses and verifies `bytes`, turning a panic or a valid signature into an error
/// message naming the mutation.
fn check(bytes: &[u8], what: &dyn Fn() -> String) -> Result<Outcome, String> {
    let result = catch_unwind(AssertUnwindSafe(|| match TrustList::parse(bytes) {
        Err(e) => {
            assert!(e.offset() <= bytes.len(), "error offset past the end: {e}");
            Ok(Outcome::Rejected)
        }
        Ok(tl) => {
            assert_eq!(tl.to_bytes(), bytes, "parse -> to_bytes is not the input");
            match verify_signature(&tl) {
                Ok(report) => Err(report),
                Err(e) => Ok(Outcome::Unverified(e)),
            }
        }
    }));
    match result {
        Err(_) => Err(format!("{}: parsing or verifying panicked", what())),
        Ok(Err(report)) => Err(format!(
            "{}: a modified file verified as valid ({report:?})",
            what()
        )),
        Ok(Ok(outcome)) => Ok(outcome),
    }
}

/// Counts of outcomes, so a test can show that the mutations reached the verifier.
#[derive(Debug, Default)]
struct Tally {
    rejected: usize,
    unverified: usize,
    failures: Vec<String>,
}

impl Tally {
    fn add(&mut self, r: Result<Outcome, String>) {
        match r {
            Ok(Outcome::Rejected) => self.rejected += 1,
            Ok(Outcome::Unverified(_)) => self.unverified += 1,
            Err(msg) => self.failures.push(msg),
        }
    }

    fn assert_clean(&self, name: &str) {
        assert!(
            self.failures.is_empty(),
            "{name}: {} failing mutation(s), first ones:\n{}",
            self.failures.len(),
            self.failures
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The unmodified file must verify, or the mutation tests prove nothing.
fn assert_valid(path: &Path, bytes: &[u8]) {
    let tl = TrustList::parse(bytes)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    verify_signature(&tl).unwrap_or_else(|e| panic!("{} does not verify: {e}", path.display()));
}

fn truncations(rel: &str) {
    let (path, bytes) = vector(rel);
    truncations_of(rel, &path, &bytes);
}

fn truncations_of(rel: &str, path: &Path, bytes: &[u8]) {
    assert_valid(path, bytes);
    let mut tally = Tally::default();
    for len in 0..bytes.len() {
        tally.add(check(&bytes[..len], &|| {
            format!("{rel} cut to {len} bytes")
        }));
    }
    tally.assert_clean(rel);
    // Cutting where a record starts (the first one at HEADERLENGTH) leaves a
    // well-formed shorter file, which must then fail on its signature; any other
    // cut ends inside the header or a record and must be refused by the parser.
    let records = TrustList::parse(bytes).map_or(0, |tl| tl.records().len());
    assert_eq!(
        (tally.unverified, tally.rejected),
        (records, bytes.len() - records),
        "{rel}: truncations reaching the verifier"
    );
}

fn bit_flips(rel: &str) {
    let (path, bytes) = vector(rel);
    bit_flips_of(rel, &path, &bytes);
}

fn bit_flips_of(rel: &str, path: &Path, bytes: &[u8]) {
    assert_valid(path, bytes);
    let Some(sig) = TrustList::parse(bytes)
        .ok()
        .and_then(|tl| tl.header().signature_range())
    else {
        panic!("{rel} has no SIGNATURE element");
    };
    let mut tally = Tally::default();
    let mut mutated = bytes.to_vec();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            mutated[i] ^= 1 << bit;
            let outcome = check(&mutated, &|| {
                format!(
                    "{rel} with bit {bit} of byte {i} (0x{:02x}) flipped",
                    bytes[i]
                )
            });
            // The SIGNATURE element's tag byte: the file then has no signature.
            if i == sig.start && outcome.is_ok() {
                assert!(
                    matches!(
                        outcome,
                        Ok(Outcome::Rejected)
                            | Ok(Outcome::Unverified(SignatureError::NoSignature))
                            | Ok(Outcome::Unverified(SignatureError::MultipleSignatures(_)))
                    ),
                    "{rel}: flipping bit {bit} of the SIGNATURE tag gave {outcome:?}"
                );
            }
            // Inside the signature value: parses, then fails on the RSA check.
            if i >= sig.start + 3 && i < sig.end {
                assert!(
                    matches!(
                        outcome,
                        Ok(Outcome::Unverified(SignatureError::Mismatch { .. }))
                    ),
                    "{rel}: flipping bit {bit} of signature byte {i} gave {outcome:?}"
                );
            }
            tally.add(outcome);
            mutated[i] ^= 1 << bit;
        }
    }
    tally.assert_clean(rel);
    // Most flips land in certificate bytes, which still parse: they must have
    // reached the verifier and failed there.
    assert!(
        tally.unverified > bytes.len(),
        "{rel}: too few flips reached the verifier ({} rejected, {} unverified)",
        tally.rejected,
        tally.unverified
    );
}

const REAL: &str = "real/CTLFile-cucm10.tlv";
const BUILT: &str = "own/ITLSEP0011215A1AE3-sbd-replica.tlv";

/// A small ITL made by our `Builder` (SHA-256, one SAST record holding the signer
/// certificate, one hash-only TVS record with a DNS name and an IP address).
fn builder_itl() -> Vec<u8> {
    let key = itl_core::SigningKey::from_pem_or_der(&vector("own/keys/publisher.key").1)
        .unwrap_or_else(|e| panic!("publisher.key: {e}"));
    let cert = itl_core::load_certificate(&vector("own/keys/publisher.crt").1)
        .unwrap_or_else(|e| panic!("publisher.crt: {e}"));
    let tvs = itl_core::load_certificate(&vector("own/keys/tvs.crt").1)
        .unwrap_or_else(|e| panic!("tvs.crt: {e}"));
    itl_core::Builder::new(cert.clone(), key)
        .digest(itl_core::DigestAlgorithm::SHA256)
        .filename("ITLSEP001122334455.tlv")
        .timestamp(1_341_100_800)
        .record(itl_core::Role::SAST, cert)
        .record_spec(itl_core::RecordSpec {
            role: itl_core::Role::TVS,
            cert_der: tvs,
            hash_only: true,
            dns_name: Some("tvs.example.test".to_owned()),
            ip: Some(std::net::Ipv4Addr::new(192, 0, 2, 10)),
        })
        .build()
        .unwrap_or_else(|e| panic!("building the test ITL: {e}"))
}

#[test]
fn builder_itl_every_truncation_and_bit_flip_fails() {
    let bytes = builder_itl();
    let path = Path::new("(built by itl_core::Builder)");
    truncations_of("Builder ITL", path, &bytes);
    bit_flips_of("Builder ITL", path, &bytes);
}

#[test]
fn real_ctl_every_truncation_fails() {
    truncations(REAL);
}

#[test]
fn built_itl_every_truncation_fails() {
    truncations(BUILT);
}

#[test]
fn real_ctl_every_bit_flip_fails() {
    bit_flips(REAL);
}

#[test]
fn built_itl_every_bit_flip_fails() {
    bit_flips(BUILT);
}

/// The signed bytes are the file without the SIGNATURE element, so they do not
/// fix where that element sits: moving it to another place in the header leaves
/// the signed bytes, and the RSA check, unchanged. Such a rearranged file is a
/// modified file and must not verify. (Found while fuzzing; docs/FUZZING.md.)
#[test]
fn moved_signature_element_never_verifies() {
    for rel in [
        REAL,
        BUILT,
        "thirdparty/ITLFile-community.tlv",
        "thirdparty/ITLSEP-sha512.tlv",
    ] {
        let (path, bytes) = vector(rel);
        assert_valid(&path, &bytes);
        let Some((sig, boundaries)) = TrustList::parse(&bytes).ok().and_then(|tl| {
            let sig = tl.header().signature_range()?;
            // Offsets between top-level header elements after HEADERLENGTH.
            let b: Vec<usize> = tl.header().elements()[2..]
                .iter()
                .flat_map(|e| [e.offset(), e.offset() + e.encoded_len()])
                .collect();
            Some((sig, b))
        }) else {
            panic!("{rel} has no SIGNATURE element");
        };
        let element = &bytes[sig.clone()];
        let mut without = bytes[..sig.start].to_vec();
        without.extend_from_slice(&bytes[sig.end..]);
        let mut moved = 0;
        for at in boundaries {
            if at == sig.start || at == sig.end {
                continue;
            }
            // The boundary's place in the file without the SIGNATURE element.
            let at = if at > sig.start {
                at - element.len()
            } else {
                at
            };
            let mut file = without[..at].to_vec();
            file.extend_from_slice(element);
            file.extend_from_slice(&without[at..]);
            let tl = TrustList::parse(&file)
                .unwrap_or_else(|e| panic!("{rel} with SIGNATURE moved to byte {at}: {e}"));
            assert_eq!(tl.signed_bytes().as_deref(), Some(without.as_slice()));
            let result = verify_signature(&tl);
            assert!(
                matches!(result, Err(SignatureError::SignatureMoved { .. })),
                "{rel} with SIGNATURE moved to byte {at}: {result:?}"
            );
            moved += 1;
        }
        assert!(moved >= 3, "{rel}: only {moved} other places tried");
    }
}
