//! Limits on hostile input: declared lengths never drive allocation or work beyond
//! the bytes present, and the size limit is enforced (docs/FUZZING.md, "Limits").

use std::time::{Duration, Instant};

use itl_core::{MAX_FILE_SIZE, ParseError, TrustList};

/// 16-byte files whose every length field claims far more than is there.
fn huge_claims() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "VERSION declares 65535 bytes",
            [&[1, 0xff, 0xff][..], &[0; 13]].concat(),
        ),
        (
            "HEADERLENGTH says 65535",
            [&[1, 0, 2, 1, 2, 2, 0, 2, 0xff, 0xff][..], &[0; 6]].concat(),
        ),
        (
            "SIGNERINFO container declares 65535 bytes",
            vec![1, 0, 2, 1, 2, 2, 0, 2, 0, 16, 3, 0xff, 0xff, 4, 0xff, 0xff],
        ),
        (
            "record declares 65535 bytes",
            vec![1, 0, 2, 1, 2, 2, 0, 2, 0, 10, 1, 0, 2, 0xff, 0xff, 0],
        ),
        (
            "record element declares 65535 bytes",
            vec![1, 0, 2, 1, 2, 2, 0, 2, 0, 10, 1, 0, 2, 0, 6, 9],
        ),
    ]
}

#[test]
fn huge_declared_lengths_fail_fast_naming_the_shortfall() {
    for (what, bytes) in huge_claims() {
        assert_eq!(bytes.len(), 16, "{what}: test input is not 16 bytes");
        let start = Instant::now();
        for _ in 0..10_000 {
            assert!(TrustList::parse(&bytes).is_err(), "{what}: parsed");
        }
        let elapsed = start.elapsed();
        // 10,000 parses of 16 bytes: microseconds each even unoptimised. Work
        // proportional to the declared 65535 bytes would show up here.
        assert!(
            elapsed < Duration::from_secs(2),
            "{what}: 10,000 parses took {elapsed:?}"
        );
        let e = TrustList::parse(&bytes).err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|m| m.contains("65535") || m.contains("remain") || m.contains("past")),
            "{what}: error does not name the shortfall: {e:?}"
        );
    }
}

#[test]
fn record_element_overrun_names_declared_and_remaining() {
    // A 10-byte header (VERSION, HEADERLENGTH 10), then an 8-byte record holding
    // one element (tag 9) that declares 65535 bytes while 0 follow its tag and length.
    let bytes = [
        1u8, 0, 2, 1, 2, 2, 0, 2, 0, 10, 1, 0, 2, 0, 8, 9, 0xff, 0xff,
    ];
    let e = TrustList::parse(&bytes).err();
    assert!(
        matches!(
            e,
            Some(ParseError::ElementOverrun {
                offset: 15,
                declared: 65535,
                remain: 0,
                ..
            })
        ),
        "{e:?}"
    );
}

#[test]
fn over_the_size_limit_is_refused_before_parsing() {
    let mut bytes = vec![0u8; MAX_FILE_SIZE + 1];
    bytes[..3].copy_from_slice(&[1, 0, 2]);
    assert_eq!(
        TrustList::parse(&bytes).err(),
        Some(ParseError::TooLarge {
            size: MAX_FILE_SIZE + 1,
            max: MAX_FILE_SIZE
        })
    );
    assert_eq!(
        MAX_FILE_SIZE,
        16 * 1024 * 1024,
        "docs/FUZZING.md states 16 MiB"
    );
}

/// The worst case for memory: a file at the size limit made of records full of
/// empty elements (3 bytes each), the most elements per byte a record can hold.
/// It must parse, and parse in bounded time (work is linear in the bytes present).
#[test]
fn worst_case_element_density_at_the_limit_parses() {
    const RECORD: usize = 5 + 3 * ((65_535 - 5) / 3); // RECORDLENGTH + 3-byte elements
    let mut bytes = vec![1u8, 0, 2, 1, 2, 2, 0, 2, 0, 12, 0x0d, 0x0d];
    let mut records = 0usize;
    while bytes.len() + RECORD <= MAX_FILE_SIZE {
        let len = u16::try_from(RECORD).unwrap_or(u16::MAX);
        bytes.extend_from_slice(&[1, 0, 2]);
        bytes.extend_from_slice(&len.to_be_bytes());
        for _ in 0..(RECORD - 5) / 3 {
            bytes.extend_from_slice(&[2, 0, 0]);
        }
        records += 1;
    }
    assert_eq!((RECORD - 5) % 3, 0, "record size arithmetic");
    let start = Instant::now();
    let tl = TrustList::parse(&bytes).unwrap_or_else(|e| panic!("worst case does not parse: {e}"));
    let elapsed = start.elapsed();
    assert_eq!(tl.records().len(), records);
    let elements: usize = tl.records().iter().map(|r| r.elements().len()).sum();
    assert_eq!(elements, records * (1 + (RECORD - 5) / 3));
    assert!(
        elapsed < Duration::from_secs(60),
        "parsing {elements} elements took {elapsed:?}"
    );
}
