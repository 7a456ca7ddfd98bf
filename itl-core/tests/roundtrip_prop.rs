//! Property tests: random well-formed lists round-trip byte for byte, fixing them
//! changes nothing, and random bytes never panic the parser.

#![allow(clippy::expect_used)] // test strategies build known-good lists
use itl_core::{EditableTrustList, Element, Header, Record, TrustList};
use proptest::collection::vec;
use proptest::prelude::*;

/// A value element with a tag from `tags` and a short random value.
fn value_el(tags: Vec<u8>) -> impl Strategy<Value = Element<'static>> {
    (proptest::sample::select(tags), vec(any::<u8>(), 0..40))
        .prop_map(|(t, v)| Element::new_value(t, v))
}

/// Header tags that are plain values at the top level (no containers, no padding,
/// not VERSION/HEADERLENGTH which are placed first).
fn header_value_tags() -> Vec<u8> {
    let mut t: Vec<u8> = vec![8, 10, 11, 12, 14, 15, 28];
    t.extend(16..28);
    t.extend([29, 40, 99, 200, 255]);
    t
}

fn header() -> impl Strategy<Value = Header<'static>> {
    let signer = (vec(value_el(vec![4, 5, 6, 77]), 0..4), any::<bool>());
    let sig_info = (
        value_el(vec![8]),
        vec(value_el(vec![10, 11, 50]), 0..3),
        any::<bool>(),
    );
    (
        any::<(u8, u8)>(),
        signer,
        sig_info,
        vec(value_el(header_value_tags()), 0..6),
        vec(any::<prop::sample::Index>(), 0..5),
        any::<bool>(),
    )
        .prop_map(
            |(
                (ma, mi),
                (signer, want_signer),
                (digest, algo, want_sig),
                mut others,
                pad,
                sig_first,
            )| {
                let mut els = vec![
                    Element::new_value(1, vec![ma, mi]),
                    Element::new_value(2, vec![0, 0]),
                ];
                if want_signer {
                    els.push(Element::new_container(3, signer));
                }
                if want_sig {
                    let inner = Element::new_container(9, algo);
                    let c = Element::new_container(7, vec![digest, inner]);
                    if sig_first {
                        els.push(c);
                    } else {
                        others.push(c);
                    }
                }
                els.extend(others);
                // Padding bytes anywhere after HEADERLENGTH, any number: valid
                // files need not align the header to 4 nor keep padding together.
                for at in pad {
                    let at = 2 + at.index(els.len() - 1);
                    els.insert(at, Element::new_padding());
                }
                Header::from_elements(els)
            },
        )
}

fn record() -> impl Strategy<Value = Record<'static>> {
    let tags: Vec<u8> = (2..=12).chain([13, 14, 30, 99, 255]).collect();
    vec(value_el(tags), 0..10).prop_map(|mut els| {
        els.insert(0, Element::new_value(1, vec![0, 0]));
        Record::from_elements(els)
    })
}

fn trust_list() -> impl Strategy<Value = Vec<u8>> {
    (header(), vec(record(), 0..6)).prop_map(|(h, r)| {
        EditableTrustList::new(h, r)
            .to_bytes_fixed()
            .expect("small lists fit")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn well_formed_lists_round_trip(bytes in trust_list()) {
        let tl = TrustList::parse(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(tl.to_bytes(), bytes.clone());
        prop_assert_eq!(tl.to_bytes_fixed().expect("fits"), bytes.clone());
        let editable = tl.to_editable();
        prop_assert_eq!(editable.to_bytes().expect("fits"), bytes.clone());
        prop_assert_eq!(editable.to_bytes_fixed().expect("fits"), bytes.clone());
        // The header length the writer computed is where the first record starts.
        let first = tl.records().first().map_or(bytes.len(), |r| r.offset());
        prop_assert_eq!(usize::from(tl.header().header_length()), first);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..600)) {
        if let Ok(tl) = TrustList::parse(&bytes) {
            prop_assert_eq!(tl.to_bytes_fixed().expect("fits"), bytes.clone());
            prop_assert_eq!(tl.to_bytes(), bytes);
        }
    }

    #[test]
    fn mutated_lists_never_panic(bytes in trust_list(), at in any::<prop::sample::Index>(), b in any::<u8>()) {
        let mut m = bytes;
        if !m.is_empty() {
            let i = at.index(m.len());
            m[i] = b;
        }
        if let Ok(tl) = TrustList::parse(&m) {
            prop_assert_eq!(tl.to_bytes_fixed().expect("fits"), m.clone());
            prop_assert_eq!(tl.to_bytes(), m);
        }
    }
}
