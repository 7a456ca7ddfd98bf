//! Files with very many records (a hostile file may hold millions: 16 MiB of
//! 10-byte records) are verified in time linear in their size.
//!
//! The bounds are loose (tens of seconds for work that takes about a second in a
//! debug build); the pairwise matching these tests guard against took minutes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::read_vector;
use itl_core::{Role, SignatureError, TrustList};

const BOUND: Duration = Duration::from_secs(30);

/// A minimal record: RECORDLENGTH and FUNCTION.
fn bare_record(role: Role) -> Vec<u8> {
    let mut r = vec![1, 0, 2, 0, 10, 4, 0, 2];
    r.extend(role.0.to_be_bytes());
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
    let tl = TrustList::parse(&bytes).unwrap();
    assert_eq!(tl.records().len(), 4 + n);
    let start = Instant::now();
    let e = itl_core::verify_signature(&tl).unwrap_err();
    let took = start.elapsed();
    // The appended records changed the signed bytes: record 1 (the signer) no
    // longer verifies, and no SAST record does.
    assert!(
        matches!(e, SignatureError::Mismatch { record: 1, .. }),
        "{e}"
    );
    assert!(took < BOUND, "verify took {took:?}");
}
