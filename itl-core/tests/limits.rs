//! Limits on hostile input: declared lengths never drive allocation or work beyond
//! the bytes present, and the size and element limits are enforced
//! (docs/FORMAT.md, "Limits"). Time and memory are measured by
//! `scripts/hostile/measure.sh` (docs/PERFORMANCE.md), not asserted here.

use itl_core::{Limits, MAX_ELEMENTS, MAX_FILE_SIZE, ParseError, TrustList};

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
    assert_eq!(MAX_FILE_SIZE, 1024 * 1024, "docs/FORMAT.md states 1 MiB");
    // A raised limit lets the same size through to the parser, which then finds
    // the real problem.
    let raised = Limits::DEFAULT.with_max_size(2 * MAX_FILE_SIZE);
    let e = TrustList::parse_with(&bytes, raised).err();
    assert!(matches!(e, Some(ParseError::BadStart { .. })), "{e:?}");
}

/// A minimal header (VERSION, HEADERLENGTH 12, two padding bytes: 4 elements)
/// followed by records of `record` bytes, each RECORDLENGTH and then empty 3-byte
/// elements of tag 2, filling `size` bytes.
fn dense(size: usize, record: usize) -> Vec<u8> {
    assert_eq!((record - 5) % 3, 0, "record size arithmetic");
    let mut bytes = vec![1u8, 0, 2, 1, 2, 2, 0, 2, 0, 12, 0x0d, 0x0d];
    let len = u16::try_from(record).unwrap_or(u16::MAX);
    while bytes.len() + record <= size {
        bytes.extend_from_slice(&[1, 0, 2]);
        bytes.extend_from_slice(&len.to_be_bytes());
        for _ in 0..(record - 5) / 3 {
            bytes.extend_from_slice(&[2, 0, 0]);
        }
    }
    bytes
}

/// The densest files: at the size limit, records of 5 bytes (one element each)
/// or records full of 3-byte elements. Both are refused where the element count
/// passes the limit, naming that element's offset.
#[test]
fn too_many_elements_are_refused_where_the_count_passes_the_limit() {
    // 5-byte records: header 4 elements, then one per record. Element number
    // MAX_ELEMENTS + 1 is record MAX_ELEMENTS - 3, at 12 + 5 * (MAX_ELEMENTS - 4).
    let tiny = dense(MAX_FILE_SIZE, 5);
    assert_eq!(
        TrustList::parse(&tiny).err(),
        Some(ParseError::TooManyElements {
            offset: 12 + 5 * (MAX_ELEMENTS - 4),
            max: MAX_ELEMENTS
        })
    );
    // Records of 65,534 bytes: RECORDLENGTH and 21,843 elements each. Elements
    // are counted as they are read: the header's 4, every record's RECORDLENGTH
    // (the records are framed first: 16 fit), then each record's others: the
    // limit is passed in record 1, at its element number MAX_ELEMENTS - 20
    // (0-based) after RECORDLENGTH.
    const RECORD: usize = 5 + 3 * ((65_535 - 5) / 3);
    let full = dense(MAX_FILE_SIZE, RECORD);
    let records = (MAX_FILE_SIZE - 12) / RECORD;
    assert_eq!(records, 16);
    assert!(MAX_ELEMENTS < 4 + records + (RECORD - 5) / 3);
    let e = TrustList::parse(&full).err();
    assert_eq!(
        e,
        Some(ParseError::TooManyElements {
            offset: 12 + 5 + 3 * (MAX_ELEMENTS - 4 - records),
            max: MAX_ELEMENTS
        })
    );
    let msg = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("8192 elements"), "{msg}");
    // Header elements count too: 300 padding bytes under a limit of 100.
    let mut padded = vec![1u8, 0, 2, 1, 2, 2, 0, 2];
    padded.extend_from_slice(&310u16.to_be_bytes());
    padded.extend(std::iter::repeat_n(0x0d, 300));
    let few = Limits::DEFAULT.with_max_elements(100);
    assert_eq!(
        TrustList::parse_with(&padded, few).err(),
        Some(ParseError::TooManyElements {
            offset: 10 + 98,
            max: 100
        })
    );
    assert!(TrustList::parse(&padded).is_ok());
}

/// Exactly at the limit parses; one more element is refused.
#[test]
fn the_element_limit_is_inclusive() {
    // Header: 4 elements; records of 5 bytes: 1 element each.
    let records = 96;
    let bytes = dense(12 + 5 * records, 5);
    let at = Limits::DEFAULT.with_max_elements(4 + records);
    let tl = TrustList::parse_with(&bytes, at).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tl.records().len(), records);
    let under = Limits::DEFAULT.with_max_elements(3 + records);
    assert_eq!(
        TrustList::parse_with(&bytes, under).err(),
        Some(ParseError::TooManyElements {
            offset: 12 + 5 * (records - 1),
            max: 3 + records
        })
    );
}

/// The worst case for memory under raised limits: 16 MiB of records full of empty
/// elements (3 bytes each), the most elements per byte a record can hold. It
/// parses, and every element is there (work is linear in the bytes present).
#[test]
fn worst_case_element_density_parses_with_raised_limits() {
    const RECORD: usize = 5 + 3 * ((65_535 - 5) / 3);
    let size = 16 * 1024 * 1024;
    let bytes = dense(size, RECORD);
    let records = (size - 12) / RECORD;
    let raised = Limits::DEFAULT
        .with_max_size(size)
        .with_max_elements(usize::MAX);
    let tl = TrustList::parse_with(&bytes, raised)
        .unwrap_or_else(|e| panic!("worst case does not parse: {e}"));
    assert_eq!(tl.records().len(), records);
    let elements: usize = tl.records().iter().map(|r| r.elements().len()).sum();
    assert_eq!(elements, records * (1 + (RECORD - 5) / 3));
}
