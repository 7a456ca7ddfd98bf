//! The byte-level promises of the two write paths: fixing a valid parsed file
//! changes nothing (whatever its padding), and no writer clamps or wraps a length
//! over 65,535: it refuses with an error.
#![allow(clippy::unwrap_used)]

mod common;

use itl_core::{EditableTrustList, Element, EncodeError, EncodedPart, RecordTag, TrustList};

/// A valid file whose header padding neither aligns the header to 4 nor stays
/// together: VERSION, HEADERLENGTH, pad, FILENAME, pad, TIMESTAMP (26 bytes),
/// then one record (RECORDLENGTH, FUNCTION).
fn odd_padding() -> Vec<u8> {
    let mut b = vec![1, 0, 2, 1, 2, 2, 0, 2, 0, 26, 0x0d];
    b.extend([14, 0, 4, b'a', b'b', b'c', 0, 0x0d]);
    b.extend([15, 0, 4, 0, 0, 0, 1]);
    assert_eq!(b.len(), 26);
    b.extend([1, 0, 2, 0, 10, 4, 0, 2, 0, 1]);
    b
}

#[test]
fn fixing_a_valid_file_with_odd_padding_changes_nothing() {
    let bytes = odd_padding();
    let tl = TrustList::parse(&bytes).unwrap();
    assert_eq!(tl.header().padding_len(), 2);
    assert_eq!(tl.header().header_length() % 4, 2);
    assert_eq!(tl.to_bytes(), bytes);
    assert_eq!(tl.to_bytes_fixed().unwrap(), bytes);
    let edit = tl.to_editable();
    assert_eq!(edit.to_bytes().unwrap(), bytes);
    assert_eq!(edit.to_bytes_fixed().unwrap(), bytes);

    // The same with the padding together but still not aligning (3 bytes where
    // 1 would align): unchanged too.
    let mut together = bytes.clone();
    together.remove(10); // the first padding byte
    together.insert(25, 0x0d); // after TIMESTAMP
    let tl = TrustList::parse(&together).unwrap();
    assert_eq!(tl.to_bytes_fixed().unwrap(), together);
}

#[test]
fn pad_header_aligns_to_four_where_the_first_padding_was() {
    let bytes = odd_padding();
    let tl = TrustList::parse(&bytes).unwrap();
    let mut edit = tl.to_editable();
    edit.pad_header();
    let fixed = edit.to_bytes_fixed().unwrap();
    // 24 bytes without padding: no padding is needed.
    let tl = TrustList::parse(&fixed).unwrap();
    assert_eq!(tl.header().header_length(), 24);
    assert_eq!(tl.header().padding_len(), 0);
    // Without FILENAME's NUL (6 bytes), 23 bytes: one padding byte, where the
    // first one was (after HEADERLENGTH).
    let mut edit = tl.to_editable();
    for e in edit.header_mut().elements_mut() {
        if e.tag() == 14 {
            e.set_value(b"abc".to_vec());
        }
    }
    edit.header_mut()
        .elements_mut()
        .insert(2, Element::new_padding());
    edit.pad_header();
    let fixed = edit.to_bytes_fixed().unwrap();
    assert_eq!(&fixed[..11], &[1, 0, 2, 1, 2, 2, 0, 2, 0, 24, 0x0d]);
    assert_eq!(
        TrustList::parse(&fixed).unwrap().header().header_length(),
        24
    );
}

#[test]
fn every_vector_is_unchanged_by_fixing() {
    for path in common::all_vectors() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(tl) = TrustList::parse(&bytes) else {
            continue;
        };
        assert_eq!(tl.to_bytes_fixed().unwrap(), bytes, "{}", path.display());
        let edit = tl.to_editable();
        assert_eq!(edit.to_bytes().unwrap(), bytes, "{}", path.display());
    }
}

/// The real CTL with record 1's CERTIFICATE replaced by `len` bytes.
fn with_certificate_of(len: usize) -> EditableTrustList<'static> {
    let bytes = common::read_vector("real/CTLFile-cucm10.tlv");
    let parsed = TrustList::parse(&bytes).unwrap();
    let mut edit = parsed.to_editable().into_owned();
    let cert = edit.records_mut()[0]
        .elements_mut()
        .iter_mut()
        .find(|e| e.tag() == RecordTag::CERTIFICATE.0)
        .unwrap();
    cert.set_value(vec![0x30; len]);
    edit
}

#[test]
fn the_verbatim_writer_refuses_a_length_over_65535() {
    let edit = with_certificate_of(70_000);
    let expected = EncodeError::TooLong {
        what: EncodedPart::RecordElement {
            record: 1,
            tag: RecordTag::CERTIFICATE,
        },
        len: 70_000,
    };
    assert_eq!(
        expected.to_string(),
        "record 1 CERTIFICATE (tag 9) is 70000 bytes, over the 65535 a u16 length field can hold"
    );
    assert_eq!(edit.to_bytes(), Err(expected.clone()));
    assert_eq!(edit.to_bytes_fixed(), Err(expected));
    // 65,535 fits the element's length field; the verbatim writer writes it
    // (RECORDLENGTH as stored), the fixing writer refuses the record.
    let edit = with_certificate_of(65_535);
    let verbatim = edit.to_bytes().unwrap();
    let original = common::read_vector("real/CTLFile-cucm10.tlv");
    let old_cert = TrustList::parse(&original).unwrap().records()[0]
        .certificate()
        .unwrap()
        .len();
    assert_eq!(verbatim.len(), original.len() - old_cert + 65_535);
    assert!(verbatim.windows(3).any(|w| w == [9, 0xff, 0xff]));
    assert!(matches!(
        edit.to_bytes_fixed(),
        Err(EncodeError::TooLong {
            what: EncodedPart::Record(1),
            ..
        })
    ));
}

#[test]
fn edits_do_not_reach_the_parsed_view() {
    let bytes = common::read_vector("real/CTLFile-cucm10.tlv");
    let tl = TrustList::parse(&bytes).unwrap();
    let signed = tl.signed_bytes().unwrap();
    let mut edit = tl.to_editable();
    edit.records_mut().pop();
    let shorter = edit.to_bytes_fixed().unwrap();
    assert!(shorter.len() < bytes.len());
    // The parsed view still describes the parsed bytes, and still verifies.
    assert_eq!(tl.raw(), &bytes[..]);
    assert_eq!(tl.signed_bytes().unwrap(), signed);
    assert!(itl_core::verify_signature(&tl).is_ok());
    // The edited file, parsed, is the shorter one, and no longer verifies.
    let edited = TrustList::parse(&shorter).unwrap();
    assert_eq!(edited.records().len(), tl.records().len() - 1);
    assert!(itl_core::verify_signature(&edited).is_err());
}
