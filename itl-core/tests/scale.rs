//! Files with very many records, over the default limits (which keep them out of
//! the CLI: tests/limits.rs), parsed with raised limits as a library user may, are
//! verified and compared correctly. Speed is shown by the criterion benches, not
//! asserted here; these sizes take about a second with the linear matching and
//! minutes with the pairwise matching they replaced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, key, read_vector};
use itl_core::{Builder, DigestAlgorithm, Limits, Role, SignatureError, TrustList, Verdict};

/// Limits raised far enough for these files.
const RAISED: Limits = Limits::DEFAULT
    .with_max_size(16 << 20)
    .with_max_elements(1 << 20);

/// A minimal record: RECORDLENGTH and FUNCTION.
fn bare_record(role: Role) -> Vec<u8> {
    let mut r = vec![1, 0, 2, 0, 10, 4, 0, 2];
    r.extend(role.0.to_be_bytes());
    r
}

/// A TVS record with a SERIALNUMBER and a CERTHASH (SHA-1) made of `salt` and `n`,
/// so that no two such records have the same identity or hash.
fn tvs_hash_record(n: u32, salt: u8) -> Vec<u8> {
    let mut r = vec![1, 0, 2, 0, 45, 4, 0, 2, 0, 21, 6, 0, 5, salt];
    r.extend(n.to_be_bytes());
    r.extend([11, 0, 20]);
    r.extend([salt; 16]);
    r.extend(n.to_be_bytes());
    r.extend([12, 0, 1, 1]);
    assert_eq!(r.len(), 45);
    r
}

#[test]
fn verify_with_many_sast_records_is_linear() {
    // The replica plus 300,000 SAST records without a key (3 MB): each is tried
    // once and skipped.
    let mut bytes = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let n = 300_000;
    bytes.reserve(n * 10);
    for _ in 0..n {
        bytes.extend(bare_record(Role::SAST));
    }
    let tl = TrustList::parse_with(&bytes, RAISED).unwrap();
    assert_eq!(tl.records().len(), 4 + n);
    let e = itl_core::verify_signature(&tl).unwrap_err();
    // The appended records changed the signed bytes: record 1 (the signer) no
    // longer verifies, and no SAST record does.
    assert!(
        matches!(e, SignatureError::Mismatch { record: 1, .. }),
        "{e}"
    );
    // Tried besides record 1: SAST record 2. The n appended records have no key:
    // the message names ten and counts the rest: one short line.
    let SignatureError::Mismatch { others, no_key, .. } = &e else {
        unreachable!()
    };
    assert_eq!(others, &[2]);
    assert_eq!(no_key.len(), n);
    assert_eq!(no_key[..3], [5, 6, 7]);
    let text = e.to_string();
    assert!(text.contains("SAST records 5, 6, 7, "), "{text}");
    assert!(
        text.ends_with(&format!(" and {} more have no usable RSA key", n - 10)),
        "{text}"
    );
    assert!(e.to_string().len() < 200, "{e}");
}

#[test]
fn compare_with_many_records_is_linear() {
    // The phone's ITL: the replica plus 20,000 TVS hashes. The server's: signed by
    // a key the phone does not trust (CAPF), with 20,000 other TVS hashes. No
    // signer and no TVS entry match, so every record of each side is looked at.
    let n: u32 = 20_000;
    let mut phone = read_vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    for i in 0..n {
        phone.extend(tvs_hash_record(i, 0xAA));
    }
    let capf = "own/keys/capf";
    let mut server = Builder::new(cert(capf), key(capf))
        .digest(DigestAlgorithm::SHA1)
        .record(Role::SAST, cert(capf))
        .build()
        .unwrap();
    for i in 0..n {
        server.extend(tvs_hash_record(i, 0xBB));
    }
    let server = common::resign(server, &key(capf));
    let (phone, server) = (
        TrustList::parse_with(&phone, RAISED).unwrap(),
        TrustList::parse_with(&server, RAISED).unwrap(),
    );
    assert!(itl_core::verify_signature(&server).is_ok());

    let c = itl_core::compare(&phone, None, &server);
    assert_eq!(c.decision.verdict, Verdict::Rejected, "{:?}", c.decision);
    let d = c.diff.as_ref().expect("files compared");
    assert_eq!(d.added.len(), 1 + n as usize);
    assert_eq!(d.removed.len(), 4 + n as usize);
    assert!(d.changed.is_empty());
}
