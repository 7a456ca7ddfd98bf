//! Throughput of parsing, writing, hashing and signature verification on the
//! real CTL (RSA-1024), the replica of the documented ITL (RSA-1024), a
//! third-party RSA-2048 SHA-1 ITL, and a largest-possible ITL (just under
//! 64 KiB, the most a phone accepts).
//!
//! Run: `cargo bench -p itl-core --bench core` (see docs/PERFORMANCE.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use itl_core::{Fingerprints, TrustList, verify_signature};

fn vector(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testvectors")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The replica's header followed by its records repeated in order, skipping
/// those that no longer fit, until none fits under 65,536 bytes. Lengths are
/// fixed; the signature is left as it was, so the file parses but does not verify.
fn largest_itl(replica: &[u8]) -> Vec<u8> {
    let tl = TrustList::parse(replica).expect("replica parses");
    let mut size = tl.header().encoded_len();
    let mut records = Vec::new();
    while tl.records().iter().any(|r| size + r.encoded_len() < 65_536) {
        for r in tl.records() {
            if size + r.encoded_len() < 65_536 {
                size += r.encoded_len();
                records.push(r.clone());
            }
        }
    }
    let big = itl_core::EditableTrustList::new(tl.header().clone(), records);
    let bytes = big.to_bytes_fixed().expect("fits in u16 lengths");
    assert_eq!(bytes.len(), size);
    assert!(TrustList::parse(&bytes).is_ok());
    bytes
}

fn benches(c: &mut Criterion) {
    let ctl = vector("real/CTLFile-cucm10.tlv");
    let replica = vector("own/ITLSEP0011215A1AE3-sbd-replica.tlv");
    let rsa2048 = vector("thirdparty/ITL-sha1.tlv");
    let largest = largest_itl(&replica);
    let files: [(&str, &[u8], bool); 4] = [
        ("ctl-cucm10", &ctl, true),
        ("itl-sbd-replica", &replica, true),
        ("itl-rsa2048-sha1", &rsa2048, true),
        ("itl-largest", &largest, false),
    ];
    for (name, bytes, signed) in files {
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("parse", |b| {
            b.iter(|| TrustList::parse(black_box(bytes)).unwrap())
        });
        let tl = TrustList::parse(bytes).unwrap();
        g.bench_function("to_bytes", |b| b.iter(|| black_box(&tl).to_bytes()));
        g.bench_function("fingerprints", |b| {
            b.iter(|| Fingerprints::of(black_box(bytes)))
        });
        if signed {
            assert!(verify_signature(&tl).is_ok(), "{name} verifies");
            g.bench_function("verify_signature", |b| {
                b.iter(|| verify_signature(black_box(&tl)).unwrap())
            });
            g.bench_function("parse+verify", |b| {
                b.iter(|| verify_signature(&TrustList::parse(black_box(bytes)).unwrap()).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group!(core, benches);
criterion_main!(core);
